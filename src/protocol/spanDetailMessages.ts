// The typed protocol of the span detail panel (host ↔ page). The host sends the span's model
// (src/core/trace/spanDetailModel.ts) after the page's `ready`; the page asks for actions by name
// and for whole values by the ids the model carries. Everything from the page is untrusted and goes
// through parseSpanDetailPageMessage: a closed set of actions, short ids, never paths or commands.
// The panel's restore state (what the page keeps with setState) is ids only: see PanelOrigin.

import type { CodeRevisionFlag, SpanDetailModel } from '../core/model/spanDetail';

/**
 * What a restored panel needs to find its span again after a window reload: the source file's URI
 * and the span's ids. Kept by the page (setState) and handed back by VS Code to the serializer.
 */
export interface PanelOrigin {
  v: 1;
  /** The source's URI, as `Uri.toString()` gives it. */
  source: string;
  traceId: string;
  spanId: string;
}

export type SpanDetailAction =
  | 'goToTemplate'
  | 'goToCode'
  | 'showLineage'
  | 'openAsText'
  | 'showDiff'
  /** From the "source no longer loaded" message: open the source file again. */
  | 'reopenSource';

export const SPAN_DETAIL_ACTIONS: readonly SpanDetailAction[] = [
  'goToTemplate',
  'goToCode',
  'showLineage',
  'openAsText',
  'showDiff',
  'reopenSource',
];

/** Host → page. */
export type SpanDetailHostMessage =
  | { type: 'spanDetail'; model: SpanDetailModel; origin: PanelOrigin }
  | { type: 'spanDetailCode'; spanId: string; flag: CodeRevisionFlag }
  | {
      type: 'spanDetailMissing';
      /** Kept in the page's state so the panel can still be restored once the source is back. */
      origin?: PanelOrigin;
      title: string;
      text: string;
      /** Offer "Reopen" (the source is a file that can be opened again). */
      canReopen: boolean;
    }
  | { type: 'spanDetailStatus'; text: string; error?: boolean };

/** Page → host. */
export type SpanDetailPageMessage =
  { type: 'ready' } | { type: 'spanDetailAction'; action: SpanDetailAction } | { type: 'spanDetailOpenValue'; valueId: string };

/** Value ids the model builder makes: short dotted paths (`in.3.call.0.args`, `attr.12`). */
const VALUE_ID = /^[a-z]+(\.[a-z0-9]+){0,6}$/;
// Trace and span ids as importers keep them: hex mostly, but LangSmith/Langfuse ids are UUIDs or
// other opaque text. Printable ASCII without spaces, bounded.
const SPAN_ID = /^[\w.:@+/=-]{1,256}$/;
const MAX_URI = 4096;
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]/;

export function isValueId(v: unknown): v is string {
  return typeof v === 'string' && v.length <= 100 && VALUE_ID.test(v);
}

export function isSpanId(v: unknown): v is string {
  return typeof v === 'string' && SPAN_ID.test(v) && !v.includes('..');
}

/** Own fields of a plain object, without anything its prototype carries. */
function own(raw: unknown, keys: readonly string[]): Record<string, unknown> | undefined {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return undefined;
  const out: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
  for (const k of keys) if (Object.prototype.hasOwnProperty.call(raw, k)) out[k] = (raw as Record<string, unknown>)[k];
  return out;
}

/** Validate a message from the span detail page: unknown or malformed messages give undefined. */
export function parseSpanDetailPageMessage(raw: unknown): SpanDetailPageMessage | undefined {
  const m = own(raw, ['type', 'action', 'valueId']);
  if (!m) return undefined;
  switch (m.type) {
    case 'ready':
      return { type: 'ready' };
    case 'spanDetailAction':
      return typeof m.action === 'string' && (SPAN_DETAIL_ACTIONS as readonly string[]).includes(m.action)
        ? { type: 'spanDetailAction', action: m.action as SpanDetailAction }
        : undefined;
    case 'spanDetailOpenValue':
      return isValueId(m.valueId) ? { type: 'spanDetailOpenValue', valueId: m.valueId } : undefined;
    default:
      return undefined;
  }
}

/**
 * A panel's restore state, read back from what the page saved (untrusted: the page could have
 * been tampered with). Only `file:` and the live receiver's `tracelens-live:` URIs are accepted.
 */
export function parsePanelOrigin(raw: unknown): PanelOrigin | undefined {
  const o = own(raw, ['v', 'source', 'traceId', 'spanId']);
  if (!o || o.v !== 1) return undefined;
  if (typeof o.source !== 'string' || o.source.length > MAX_URI || CONTROL.test(o.source)) return undefined;
  if (!/^(file|tracelens-live):/.test(o.source)) return undefined;
  if (!isSpanId(o.traceId) || !isSpanId(o.spanId)) return undefined;
  return { v: 1, source: o.source, traceId: o.traceId, spanId: o.spanId };
}

/** The page's saved state: the origin, under a key, so other UI state can join it later. */
export function originFromState(state: unknown): PanelOrigin | undefined {
  const s = own(state, ['origin']);
  return s ? parsePanelOrigin(s.origin) : undefined;
}
