// Shared by the embedded-search tests: the demo trace in a store through either import path, and
// the expected answers computed straight from the imported spans (never from the store).

import * as path from 'node:path';
import type { Span } from '../../../src/core/model/span';
import { parseQuery } from '../../../src/core/query/parser';
import { isNegative } from '../../../src/core/trace/runs';
import { normalizeTrees } from '../../../src/core/trace/normalizeTrees';
import { importFile } from '../../../src/ingest/importFile';
import { streamImportFile } from '../../../src/ingest/streamImport';
import { openSqlJsStore, type SqlJsStore } from '../../../src/store/sqlJsStore';
import type { SearchOptions, SourceRow, SpanRow } from '../../../src/store/traceStore';

export const WASM = require.resolve('sql.js/dist/sql-wasm.wasm');
export const DEMO = path.join(__dirname, '../../../examples/support-agent/traces/support-agent.otlp.jsonl');
export const BAD_RUN = 'ea4cf58cdc690151626426a080751f02';

export const openStore = (): Promise<SqlJsStore> => openSqlJsStore(WASM);

/** The demo spans as the whole-file importer gives them, trees normalised as the extension does. */
export async function demoSpans(file = DEMO): Promise<Span[]> {
  return normalizeTrees((await importFile(file)).spans).spans;
}

export async function addWhole(store: SqlJsStore, file = DEMO): Promise<SourceRow> {
  const spans = await demoSpans(file);
  return store.addSource({ uri: `file://${file}`, label: path.basename(file), format: 'otlp-json', bytes: 1 }, spans);
}

export async function addStreamed(store: SqlJsStore, file = DEMO, worker = false): Promise<SourceRow> {
  const r = await streamImportFile(file, { store, worker, indexer: { batchRows: 7, firstBatchRows: 3 } });
  if (!r.complete) throw new Error(`streamed import incomplete: ${r.error ?? ''}`);
  return r.source;
}

export const key = (s: { traceId: string; spanId: string }): string => `${s.traceId}/${s.spanId}`;

export async function spanKeys(store: SqlJsStore, query: string, opts: SearchOptions = {}): Promise<string[]> {
  return (await store.searchSpans(parseQuery(query), { limit: 10_000, ...opts })).map(key).sort();
}

export async function runIds(store: SqlJsStore, query: string, opts: SearchOptions = {}): Promise<string[]> {
  return (await store.searchRuns(parseQuery(query), { limit: 10_000, ...opts })).map((h) => h.run.traceId).sort();
}

export const keysOf = (spans: Span[], keep: (s: Span) => boolean): string[] => spans.filter(keep).map(key).sort();

/** Traces where some span meets each predicate (run scope: each may be met by a different span). */
export function tracesWhere(spans: Span[], ...preds: ((s: Span) => boolean)[]): string[] {
  const traces = [...new Set(spans.map((s) => s.traceId))];
  return traces.filter((t) => preds.every((p) => spans.some((s) => s.traceId === t && p(s)))).sort();
}

// ── predicates written from the model, for the expected answers ─────────────────────────────

export const hasNegativeFeedback = (s: Span): boolean => (s.feedback ?? []).some(isNegative);

export const usesTemplate =
  (name: string) =>
  (s: Span): boolean =>
    [s.template?.name, s.template?.path].some((v) => v !== undefined && v.toLowerCase() === name.toLowerCase());

/** A tool the span ran or asked for. */
export const usesTool =
  (name: string) =>
  (s: Span): boolean => {
    const calls = [
      s.tool,
      ...(s.toolCalls ?? []),
      ...[...(s.inputMessages ?? []), ...(s.outputMessages ?? [])].flatMap((m) => m.toolCalls ?? []),
    ];
    return calls.some((c) => c?.name.toLowerCase() === name.toLowerCase());
  };

/**
 * The latest turn of a call's messages, as docs/search.md says the full text keeps it: from the
 * last user message on, without system or developer messages.
 */
function latestTurn(messages: { role: string; content: string }[]): { role: string; content: string }[] {
  let from = 0;
  messages.forEach((m, i) => {
    if (/^(user|human)$/i.test(m.role)) from = i;
  });
  return messages.slice(from).filter((m) => !/^(system|developer)$/i.test(m.role));
}

/** The embedded index's caps (docs/search.md): characters per full-text column, per retrieved document. */
const COLUMN_CHARS = 512;
const DOCUMENT_CHARS = 160;

/**
 * A full-text column as docs/search.md describes it: distinct pieces, each longer than the cap
 * cut to its first half, a newline and its last characters (the cap in all), joined by newlines
 * and cut at the cap.
 */
function column(pieces: (string | undefined)[], cap = COLUMN_CHARS): string {
  const kept = [...new Set(pieces.filter((p): p is string => !!p))].map((p) =>
    p.length > cap ? `${p.slice(0, cap / 2)}\n${p.slice(p.length - cap / 2 + 1)}` : p,
  );
  return kept.join('\n').slice(0, cap);
}

/**
 * Every piece of text of a span that full text covers in the embedded index (docs/search.md,
 * "What is indexed"): name with tool and template names; input and the latest turn of the input
 * messages; output, output messages, status and exception messages, and each retrieved
 * document's id and first characters; tool arguments and results.
 */
export function spanText(s: Span): string {
  const calls = [
    s.tool,
    ...(s.toolCalls ?? []),
    ...[...(s.inputMessages ?? []), ...(s.outputMessages ?? [])].flatMap((m) => m.toolCalls ?? []),
  ].filter((c) => c !== undefined);
  return [
    column([s.name, ...calls.map((c) => c.name), s.template?.name]),
    column([s.input, ...latestTurn(s.inputMessages ?? []).map((m) => m.content)]),
    column([
      s.output,
      ...(s.outputMessages ?? []).map((m) => m.content),
      s.statusMessage,
      s.exception?.message,
      ...(s.documents ?? []).map((d) => [d.id, d.content?.slice(0, DOCUMENT_CHARS)].filter((x) => x).join(' ')),
    ]),
    column(calls.flatMap((c) => [c.arguments, c.result])),
  ].join('\n');
}

/** Whether `word` is one of the span's words (letters and digits, case and accents folded). */
export const hasWord =
  (word: string) =>
  (s: Span): boolean => {
    const fold = (t: string): string => t.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase();
    const words: string[] = fold(spanText(s)).match(/[\p{L}\p{N}]+/gu) ?? [];
    return words.includes(fold(word));
  };

/** SpanRow without the store-assigned source id (to compare two stores' answers). */
export const withoutSource = (rows: SpanRow[]): Omit<SpanRow, 'sourceId'>[] =>
  rows.map((r) => {
    const { sourceId: _s, ...rest } = r;
    void _s;
    return rest;
  });
