// Small builders for OTLP JSON test inputs: spans, envelopes, JSON Lines, id encodings, and
// byte-level helpers for locating diagnostics. Everything returns plain data or text; nothing
// here calls the importer.

import * as assert from 'node:assert/strict';
import type { Diagnostic } from '../../src/core/model/diagnostic';

export const TRACE_ID = '0af7651916cd43dd8448eb211c80319c';
export const START_NS = '1700000000000000000';
export const END_NS = '1700000001000000000';

/** A 16-byte trace id or 8-byte span id made of one repeated hex digit, e.g. hexId('a', 8). */
export const hexId = (digit: string, bytes: 8 | 16): string => digit.repeat(bytes * 2);

/** The protobuf-JSON (base64) encoding of a hex id, as oteltest and MessageToJson write it. */
export const hexToBase64 = (hex: string): string => Buffer.from(hex, 'hex').toString('base64');

export type AnyValue = Record<string, unknown>;

/** An OTLP AnyValue for a JS value: strings, booleans, integers (as int64 strings), doubles, arrays, objects (kvlist). */
export function anyValue(v: unknown): AnyValue {
  if (typeof v === 'string') return { stringValue: v };
  if (typeof v === 'boolean') return { boolValue: v };
  if (typeof v === 'number') return Number.isInteger(v) ? { intValue: String(v) } : { doubleValue: v };
  if (Array.isArray(v)) return { arrayValue: { values: v.map(anyValue) } };
  if (v && typeof v === 'object') return { kvlistValue: { values: Object.entries(v).map(([k, x]) => kv(k, x)) } };
  return {};
}

export const kv = (key: string, value: unknown): { key: string; value: AnyValue } => ({ key, value: anyValue(value) });

/** KeyValue list from [key, value] pairs (pairs, not an object, so `__proto__` keys stay ordinary keys). */
export const kvs = (pairs: [string, unknown][]): { key: string; value: AnyValue }[] => pairs.map(([k, v]) => kv(k, v));

export interface SpanOptions {
  traceId?: string;
  spanId: string;
  parentSpanId?: string;
  name?: string;
  kind?: number | string;
  start?: string | number;
  end?: string | number;
  attributes?: [string, unknown][];
  status?: Record<string, unknown>;
  events?: Record<string, unknown>[];
  /** Extra raw fields merged into the span object. */
  extra?: Record<string, unknown>;
}

export function otlpSpan(o: SpanOptions): Record<string, unknown> {
  const span: Record<string, unknown> = {
    traceId: o.traceId ?? TRACE_ID,
    spanId: o.spanId,
    name: o.name ?? `span-${o.spanId}`,
    kind: o.kind ?? 1,
    startTimeUnixNano: o.start ?? START_NS,
    endTimeUnixNano: o.end ?? END_NS,
    attributes: kvs(o.attributes ?? []),
  };
  if (o.parentSpanId !== undefined) span.parentSpanId = o.parentSpanId;
  if (o.status) span.status = o.status;
  if (o.events) span.events = o.events;
  return { ...span, ...o.extra };
}

export interface DocOptions {
  resource?: [string, unknown][];
  scopeName?: string;
}

/** A TracesData / ExportTraceServiceRequest value holding the given spans in one resource and scope. */
export function otlpDoc(spans: Record<string, unknown>[], o: DocOptions = {}): Record<string, unknown> {
  return {
    resourceSpans: [
      {
        resource: { attributes: kvs(o.resource ?? [['service.name', 'test-svc']]) },
        scopeSpans: [{ scope: { name: o.scopeName ?? 'test-scope' }, spans }],
      },
    ],
  };
}

/** One span per JSON Lines record, compact (the collector file exporter's layout). */
export const otlpLine = (span: Record<string, unknown>, o: DocOptions = {}): string => JSON.stringify(otlpDoc([span], o));

/** Join records as a JSON Lines file: LF (default) or CRLF, with a trailing newline unless told otherwise. */
export function jsonl(lines: string[], o: { eol?: '\n' | '\r\n'; finalNewline?: boolean } = {}): string {
  const eol = o.eol ?? '\n';
  return lines.join(eol) + (o.finalNewline === false ? '' : eol);
}

/** An AnyValue nested `depth` kvlists deep, built as text without recursion (JSON.stringify would recurse). */
export function deepKvlistText(depth: number, leaf = '{"stringValue":"bottom"}'): string {
  const open = '{"kvlistValue":{"values":[{"key":"k","value":';
  const close = '}]}}';
  return open.repeat(depth) + leaf + close.repeat(depth);
}

/** An AnyValue nested `depth` arrays deep. */
export function deepArrayText(depth: number): string {
  return '{"arrayValue":{"values":['.repeat(depth) + '{"stringValue":"bottom"}' + ']}}'.repeat(depth);
}

// ------------------------------------------------------------------------------- bytes & places

export const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);

export function concatBytes(...parts: (Uint8Array | string)[]): Uint8Array {
  const arrays = parts.map((p) => (typeof p === 'string' ? utf8(p) : p));
  const out = new Uint8Array(arrays.reduce((n, a) => n + a.length, 0));
  let at = 0;
  for (const a of arrays) {
    out.set(a, at);
    at += a.length;
  }
  return out;
}

export const BOM = new Uint8Array([0xef, 0xbb, 0xbf]);

/** Byte offset at which 1-based line `line` starts in `bytes` (lines split on LF). */
export function lineStartOffset(bytes: Uint8Array, line: number): number {
  let at = 0;
  for (let l = 1; l < line; l++) {
    const nl = bytes.indexOf(0x0a, at);
    if (nl < 0) throw new Error(`input has fewer than ${line} lines`);
    at = nl + 1;
  }
  return at;
}

/** Byte offset of the first occurrence of `needle` (text or bytes) in `bytes`. */
export function byteOffsetOf(bytes: Uint8Array, needle: string | Uint8Array): number {
  const n = typeof needle === 'string' ? utf8(needle) : needle;
  outer: for (let i = 0; i + n.length <= bytes.length; i++) {
    for (let j = 0; j < n.length; j++) if (bytes[i + j] !== n[j]) continue outer;
    return i;
  }
  throw new Error('needle not found');
}

/** 1-based line number of byte `offset`. */
export function lineOfOffset(bytes: Uint8Array, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < bytes.length; i++) if (bytes[i] === 0x0a) line++;
  return line;
}

/** The single diagnostic with `code`, asserting there is exactly one and that it is located. */
export function oneDiagnostic(diags: Diagnostic[], code: string): Diagnostic {
  const found = diags.filter((d) => d.code === code);
  assert.equal(found.length, 1, `expected one ${code} diagnostic, got ${JSON.stringify(diags)}`);
  const d = found[0];
  assert.ok(['error', 'warning', 'info'].includes(d.severity), `severity of ${JSON.stringify(d)}`);
  assert.ok(d.message.length > 0, 'diagnostic has a message');
  assert.ok(d.line !== undefined || d.offset !== undefined, `diagnostic ${code} is located: ${JSON.stringify(d)}`);
  return d;
}
