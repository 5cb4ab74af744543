// The span as the team store keeps it: JSON text, secrets masked (checklist S-11), capped.
// Teammates have no copy of the source file to read a span back from, so the detail view reads
// this instead. Over the cap, long strings are cut first; if that is not enough, only the
// indexed fields are kept. Either way the span says so in `attributes["tracelens.payload"]`.

import type { Span } from '../../core/model/span';
import { maskSecretValue } from '../../core/trace/maskSecrets';

/** Characters of JSON per span. */
export const MAX_PAYLOAD_CHARS = 1_000_000;
/** Longest string kept when a payload is over the cap. */
export const CUT_STRING_CHARS = 8_192;
export const PAYLOAD_MARKER_KEY = 'tracelens.payload';

/** NUL cannot be stored in PostgreSQL text; lone surrogates are not UTF-8. */
export function pgText(s: string): string;
export function pgText(s: string | undefined | null): string | null;
export function pgText(s: string | undefined | null): string | null {
  if (s === undefined || s === null) return null;
  // eslint-disable-next-line no-control-regex -- NUL is exactly what must go
  return s.replace(/\u0000/g, '\ufffd').replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd');
}

const bigintReplacer = (_k: string, v: unknown): unknown => (typeof v === 'bigint' ? v.toString() : v);

function cutStrings(v: unknown, max: number, depth = 0): unknown {
  if (typeof v === 'string') {
    return v.length > max ? `${v.slice(0, max)}… [cut by TraceLens: ${v.length - max} more characters]` : v;
  }
  if (depth > 64 || v === null || typeof v !== 'object') return v;
  if (Array.isArray(v)) return v.map((x) => cutStrings(x, max, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) out[k] = cutStrings(x, max, depth + 1);
  return out;
}

/** The span without secrets, as stored (and indexed: search rows come from this copy too). */
export function maskSpan(span: Span): Span {
  const rest: Partial<Span> = { ...span };
  delete rest.range; // byte ranges mean nothing without the file
  return maskSecretValue(rest) as Span;
}

export interface EncodedPayload {
  json: string;
  truncated: boolean;
}

/** `span` should already be masked (maskSpan). */
export function encodePayload(span: Span, max = MAX_PAYLOAD_CHARS): EncodedPayload {
  const json = JSON.stringify(span, bigintReplacer);
  if (json.length <= max) return { json, truncated: false };
  const cut = cutStrings(JSON.parse(json), CUT_STRING_CHARS) as Record<string, unknown>;
  cut.attributes = {
    ...(cut.attributes as object),
    [PAYLOAD_MARKER_KEY]: `truncated: the span was ${json.length} characters of JSON, over the team store's ${max}; strings longer than ${CUT_STRING_CHARS} characters were cut`,
  };
  const second = JSON.stringify(cut);
  if (second.length <= max) return { json: second, truncated: true };
  const skeleton = {
    traceId: span.traceId,
    spanId: span.spanId,
    parentId: span.parentId,
    name: span.name,
    kind: span.kind,
    startNs: span.startNs.toString(),
    endNs: span.endNs.toString(),
    status: span.status,
    statusMessage: span.statusMessage?.slice(0, CUT_STRING_CHARS),
    service: span.service,
    model: span.model,
    usage: span.usage,
    cost: span.cost,
    template: span.template && { name: span.template.name, version: span.template.version, path: span.template.path },
    code: span.code,
    events: [],
    attributes: {
      [PAYLOAD_MARKER_KEY]: `truncated: the span was ${json.length} characters of JSON, over the team store's ${max}; only its summary fields were kept`,
    },
  };
  return { json: JSON.stringify(skeleton), truncated: true };
}

export function decodePayload(json: string): Span {
  const o = JSON.parse(json) as Record<string, unknown>;
  const span = o as unknown as Span;
  span.startNs = BigInt(String(o.startNs));
  span.endNs = BigInt(String(o.endNs));
  span.attributes ??= {};
  span.events = (Array.isArray(o.events) ? o.events : []).map((e: { timeNs?: unknown }) => ({
    ...(e as object),
    timeNs: e.timeNs === undefined || e.timeNs === null ? undefined : BigInt(String(e.timeNs)),
  })) as Span['events'];
  return span;
}
