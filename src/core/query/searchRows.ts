// What a span puts into the search side tables: full text (capped per column, so the index
// stays proportional to spans, not to prompt sizes), flattened attributes, guard results and
// tool names. Both stores insert exactly these rows, so both answer a query the same way.
//
// What the full text keeps (docs/search.md, "What is indexed"), chosen so that the words a
// person looks for are in and the text every call repeats is not:
// - input: the span's input and, of its input messages, the latest turn only: from the last
//   user message on (tool results after it included), without system or developer messages.
//   A chat call's messages repeat the template and the whole history at every step; the system
//   prompt is the template (`template:` finds it), earlier turns were indexed with the calls
//   that answered them;
// - every piece longer than the column's cap keeps its head and its tail (half each), so a
//   long RAG prompt keeps its instructions and the question at its end;
// - output: the output and output messages, the status and exception messages, and a
//   retriever's documents: each one's id, title and the first `docChars` of its content;
// - tools: tool call arguments and results.

import { MASK, isSecretKey, maskSecretText } from '../trace/maskSecrets';
import type { AttrValue, Attributes, Message, Span } from '../model/span';

export interface SearchLimits {
  /** Characters of text per full-text column (name, input, output, tools). */
  textChars: number;
  /** Characters of each retrieved document's content in the output column. */
  docChars: number;
  /** Attribute rows per span (span attributes first, then resource attributes). */
  attrs: number;
  keyChars: number;
  valueChars: number;
  /** Nested objects flatten to dotted keys down to this depth; deeper values become JSON. */
  attrDepth: number;
}

export const DEFAULT_SEARCH_LIMITS: SearchLimits = {
  textChars: 4096,
  docChars: 512,
  attrs: 128,
  keyChars: 256,
  valueChars: 1024,
  attrDepth: 4,
};

/** The four FTS columns, in the order of `span_fts`. */
export interface SearchText {
  name: string;
  input: string;
  output: string;
  tools: string;
}

export interface AttrRow {
  key: string;
  value: string;
  /** The value as a number when it is one (or a decimal string), for `attr.<key>>n`. */
  num: number | null;
}

export interface GuardRow {
  name: string;
  passed: boolean;
  action: string | null;
}

export interface SpanSearchRows {
  text: SearchText;
  attrs: AttrRow[];
  guards: GuardRow[];
  tools: string[];
}

/** Cuts at `max` characters without splitting a surrogate pair. */
function cut(s: string, max: number): string {
  if (s.length <= max) return s;
  const end = /[\ud800-\udbff]/.test(s[max - 1]) ? max - 1 : max;
  return s.slice(0, end);
}

/**
 * A text longer than `max` as its first `max / 2` characters, a newline and its last ones: `max`
 * characters in all (fewer where a surrogate pair would be split).
 */
export function headAndTail(s: string, max: number): string {
  if (s.length <= max) return s;
  const half = Math.floor(max / 2);
  let from = s.length - (max - half - 1);
  if (/[\udc00-\udfff]/.test(s[from])) from++;
  return `${cut(s, half)}\n${s.slice(from)}`;
}

/** Joins distinct, non-empty pieces with newlines until `max` characters; a longer piece keeps its head and tail. */
function joinCapped(pieces: (string | undefined)[], max: number): string {
  const seen = new Set<string>();
  let out = '';
  for (const p of pieces) {
    if (!p || seen.has(p)) continue;
    seen.add(p);
    const piece = headAndTail(p, max);
    out = out ? `${out}\n${piece}` : piece;
    if (out.length >= max) return cut(out, max);
  }
  return out;
}

const INSTRUCTIONS = /^(?:system|developer)$/i;
const USER = /^(?:user|human)$/i;

/**
 * The latest turn of a call's input messages: from the last user message on, without system or
 * developer messages (all messages but those when none is a user's).
 */
export function latestTurn(messages: readonly Message[]): Message[] {
  let from = 0;
  for (let i = messages.length - 1; i >= 0; i--) {
    if (USER.test(messages[i].role)) {
      from = i;
      break;
    }
  }
  return messages.slice(from).filter((m) => !INSTRUCTIONS.test(m.role));
}

/** A retrieved document as the output column keeps it: id, title, the start of its content. */
function documentText(d: NonNullable<Span['documents']>[number], max: number): string {
  const title = d.metadata?.title;
  return [d.id, typeof title === 'string' ? title : undefined, d.content && cut(d.content, max)].filter((x) => x).join(' ');
}

/** A bounded JSON rendering: stops once `max` characters are written (huge arrays cost no more). */
function boundedJson(v: AttrValue, max: number): string {
  let out = '';
  const write = (x: AttrValue, depth: number): void => {
    if (out.length >= max) return;
    if (x === null || typeof x !== 'object') {
      out += JSON.stringify(x) ?? 'null';
      return;
    }
    if (depth > 64) {
      out += '"…"';
      return;
    }
    const entries: [string | undefined, AttrValue][] = Array.isArray(x) ? x.map((i) => [undefined, i]) : Object.entries(x);
    out += Array.isArray(x) ? '[' : '{';
    entries.forEach(([k, val], i) => {
      if (out.length >= max) return;
      if (i) out += ',';
      if (k !== undefined) out += `${JSON.stringify(k)}:`;
      write(val, depth + 1);
    });
    out += Array.isArray(x) ? ']' : '}';
  };
  write(v, 0);
  return cut(out, max);
}

const NUMERIC = /^-?\d+(\.\d+)?$/;

/** Attribute rows of one or more attribute maps (earlier maps win a key), flattened and capped. */
export function attrRows(sources: (Attributes | undefined)[], limits: SearchLimits = DEFAULT_SEARCH_LIMITS): AttrRow[] {
  const rows: AttrRow[] = [];
  const seen = new Set<string>();
  const add = (key: string, v: AttrValue, depth: number): void => {
    if (rows.length >= limits.attrs || v === null || v === undefined) return;
    if (typeof v === 'object' && !Array.isArray(v) && depth < limits.attrDepth) {
      for (const k of Object.keys(v)) add(`${key}.${k}`, v[k], depth + 1);
      return;
    }
    const k = cut(key, limits.keyChars);
    if (seen.has(k)) return;
    seen.add(k);
    // Secrets never reach the index (it is cached on disk and pushed to the team store).
    if (isSecretKey(key)) {
      rows.push({ key: k, value: MASK, num: null });
      return;
    }
    if (typeof v === 'number') rows.push({ key: k, value: String(v), num: Number.isFinite(v) ? v : null });
    else if (typeof v === 'boolean') rows.push({ key: k, value: String(v), num: null });
    else if (typeof v === 'string')
      rows.push({ key: k, value: maskSecretText(cut(v, limits.valueChars)), num: NUMERIC.test(v) ? Number(v) : null });
    else rows.push({ key: k, value: maskSecretText(boundedJson(v, limits.valueChars)), num: null });
  };
  for (const attrs of sources) {
    if (!attrs) continue;
    for (const key of Object.keys(attrs)) add(key, attrs[key], 0);
  }
  return rows;
}

/**
 * The search rows for one span. Pure; the store writes them beside the span's row. With
 * `resource: false` the attribute rows are the span's own only (a store that keeps resource
 * attributes once per resource: sqlJsSearchRows.ts).
 */
export function spanSearchRows(span: Span, limits: Partial<SearchLimits> = {}, opts: { resource?: boolean } = {}): SpanSearchRows {
  const l = { ...DEFAULT_SEARCH_LIMITS, ...limits };
  const calls = [...(span.tool ? [span.tool] : []), ...(span.toolCalls ?? [])];
  for (const m of [...(span.inputMessages ?? []), ...(span.outputMessages ?? [])]) calls.push(...(m.toolCalls ?? []));
  const tools = [...new Set(calls.map((c) => c.name).filter((n) => n))];
  const text: SearchText = {
    name: joinCapped([span.name, ...tools, span.template?.name], l.textChars),
    input: joinCapped([span.input, ...latestTurn(span.inputMessages ?? []).map((m) => m.content)], l.textChars),
    output: joinCapped(
      [
        span.output,
        ...(span.outputMessages ?? []).map((m) => m.content),
        span.statusMessage,
        span.exception?.message,
        ...(span.documents ?? []).map((d) => documentText(d, l.docChars)),
      ],
      l.textChars,
    ),
    tools: joinCapped(
      calls.flatMap((c) => [c.arguments, c.result]),
      l.textChars,
    ),
  };
  // Secret-shaped strings (keys, tokens) are masked before they reach the index: checklist S-11.
  for (const col of ['name', 'input', 'output', 'tools'] as const) text[col] = maskSecretText(text[col]);
  return {
    text,
    attrs: attrRows(opts.resource === false ? [span.attributes] : [span.attributes, span.resource], l),
    guards: (span.guards ?? []).map((g) => ({ name: g.name, passed: g.passed, action: g.action ?? null })),
    tools,
  };
}
