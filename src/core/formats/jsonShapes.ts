// Small helpers shared by the JSON importers: shape checks, keeping unknown fields as attributes,
// and diagnostics located inside the record that carried them.

import type { Diagnostic, Severity } from '../model/diagnostic';
import type { AttrValue, Attributes, SourceRange, Span } from '../model/span';
import { plainToAttr } from './anyValue';
import type { SourceRecord } from './importResult';
import { utf8Length } from './parseJson';

export type Obj = Record<string, unknown>;

export const asObj = (v: unknown): Obj | undefined => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : undefined);
export const asArr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
/** A non-empty string, else undefined. */
export const optStr = (v: unknown): string | undefined => (typeof v === 'string' && v.length > 0 ? v : undefined);
/** A non-empty string or a number as a string (ids arrive as either), else undefined. */
export const idStr = (v: unknown): string | undefined =>
  typeof v === 'number' && Number.isFinite(v) ? String(v) : typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined;

export function recordRange(rec: SourceRecord): SourceRange {
  return { byteStart: rec.byteStart, byteEnd: rec.byteEnd, line: rec.line };
}

/**
 * Copy every field of `o` not in `known` into `attrs` as `<prefix><field>`, so nothing a source
 * carries is dropped. Nulls, `{}` and `[]` carry nothing and are skipped.
 */
export function keepRest(attrs: Attributes, o: Obj, known: ReadonlySet<string>, prefix: string): void {
  for (const [k, v] of Object.entries(o)) {
    if (known.has(k) || v === null || v === undefined) continue;
    if (typeof v === 'object' && Object.keys(v).length === 0) continue;
    attrs[prefix + k] = plainToAttr(v) as AttrValue;
  }
}

// Locating a diagnostic searches the record's text; past this many per record it points at the
// record's start, so a file of a million bad items stays linear.
const MAX_LOCATED = 64;
const locatedCount = new WeakMap<SourceRecord, number>();

/**
 * Line and byte offset of `needle` (a JSON string such as an id, quoted) inside the record, or the
 * record's start when it is absent.
 */
export function locate(rec: SourceRecord, needle?: string): { line: number; offset: number } {
  const n = locatedCount.get(rec) ?? 0;
  if (needle === undefined || n >= MAX_LOCATED) return { line: rec.line, offset: rec.byteStart };
  locatedCount.set(rec, n + 1);
  const idx = rec.text.indexOf(JSON.stringify(needle));
  if (idx < 0) return { line: rec.line, offset: rec.byteStart };
  const before = rec.text.slice(0, idx);
  let nl = 0;
  for (let i = 0; i < before.length; i++) if (before.charCodeAt(i) === 10) nl++;
  return { line: rec.line + nl, offset: rec.byteStart + utf8Length(before) };
}

export function diag(rec: SourceRecord, severity: Severity, code: string, message: string, needle?: string): Diagnostic {
  return { severity, code, message, ...locate(rec, needle) };
}

/** End before start: keep the span, flag it, show it with zero duration. */
export function clampEnd(span: Pick<Span, 'spanId' | 'startNs' | 'endNs'>, rec: SourceRecord, diags: Diagnostic[]): void {
  if (span.endNs >= span.startNs) return;
  diags.push(diag(rec, 'warning', 'span.endBeforeStart', `Span ${span.spanId} ends before it starts; duration shown as 0`, span.spanId));
  span.endNs = span.startNs;
}

/** Per-sink state for importers that merge across records (JSON Lines of batches or events). */
export function sinkState<K extends object, T>(store: WeakMap<K, T>, key: K, init: () => T): T {
  let s = store.get(key);
  if (!s) store.set(key, (s = init()));
  return s;
}
