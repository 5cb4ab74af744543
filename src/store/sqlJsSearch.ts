// Search over the embedded index: the query compiled once (src/core/query/compileSql.ts), run
// against each selected source's database, and the pages merged newest first. Each database
// holds one source, so the compiled SQL needs no source filter; rows are mapped back to the ids
// callers know the sources by.

import type { Expr } from '../core/query/ast';
import { DEFAULT_LIMIT, MAX_LIMIT, compileRunSearch, compileSpanSearch, type CompiledSql } from '../core/query/compileSql';
import { all, toRun, toSpan, type Row, type SourceDb } from './sqlJsRows';
import type { RunSearchHit, SearchOptions, SpanRow } from './traceStore';

const pageSize = (limit: number | undefined): number => {
  const n = Math.floor(limit ?? DEFAULT_LIMIT);
  return Number.isFinite(n) ? Math.max(1, Math.min(MAX_LIMIT, n)) : DEFAULT_LIMIT;
};

const nowNs = (opts: SearchOptions): bigint => opts.now ?? BigInt(Date.now()) * 1_000_000n;

/** Between sources: let an abort (and the rest of the host) through; sql.js itself is synchronous. */
async function checkpoint(signal: AbortSignal | undefined): Promise<void> {
  signal?.throwIfAborted();
  await new Promise<void>((resolve) => setImmediate(resolve));
  signal?.throwIfAborted();
}

async function eachSource<T>(
  sources: readonly SourceDb[],
  q: CompiledSql,
  signal: AbortSignal | undefined,
  map: (r: Row, src: SourceDb) => T,
): Promise<T[]> {
  const out: T[] = [];
  for (const src of sources) {
    await checkpoint(signal);
    for (const r of all(src.db, q.sql, q.params as never[])) out.push(map(r, src));
  }
  signal?.throwIfAborted();
  return out;
}

/** Descending order of keys compared one after the other. */
function newestFirst(a: readonly (bigint | number | string)[], b: readonly (bigint | number | string)[]): number {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i] < b[i] ? 1 : -1;
  return 0;
}

/**
 * Waits until `sources` can answer a query that reads the search tables (they may be built after
 * the load: sqlJsSearchBuild.ts) and returns those still open.
 */
export type WhenSearchable = (sources: SourceDb[]) => Promise<SourceDb[]>;

/** Whether compiled SQL reads the search side tables (full text, attributes, guard and tool names). */
export const readsSearchTables = (sql: string): boolean => /\bspan_(?:fts|attrs|guards|tools)\b/.test(sql);

async function prepared(sources: readonly SourceDb[], q: CompiledSql, ready: WhenSearchable | undefined): Promise<readonly SourceDb[]> {
  return ready && readsSearchTables(q.sql) ? ready([...sources]) : sources;
}

/** Spans meeting every term, newest first (start, source, trace, span), at most `limit`. */
export async function searchSpans(
  sources: readonly SourceDb[],
  query: Expr,
  opts: SearchOptions = {},
  ready?: WhenSearchable,
): Promise<SpanRow[]> {
  const limit = pageSize(opts.limit);
  const q = compileSpanSearch(query, { dialect: 'sqlite', now: nowNs(opts), limit });
  const rows = await eachSource(await prepared(sources, q, ready), q, opts.signal, (r, src) => toSpan(r, src.id));
  rows.sort((a, b) => newestFirst([a.startNs, a.sourceId, a.traceId, a.spanId], [b.startNs, b.sourceId, b.traceId, b.spanId]));
  return rows.slice(0, limit);
}

/** Runs where every term is met by some span, newest first, with each run's best-matching span. */
export async function searchRuns(
  sources: readonly SourceDb[],
  query: Expr,
  opts: SearchOptions = {},
  ready?: WhenSearchable,
): Promise<RunSearchHit[]> {
  const limit = pageSize(opts.limit);
  const q = compileRunSearch(query, { dialect: 'sqlite', now: nowNs(opts), limit });
  const hits = await eachSource(await prepared(sources, q, ready), q, opts.signal, (r, src) => ({
    run: toRun(r, src.id),
    matchSpanId: String(r.match_span_id),
    matchScore: Number(r.match_score),
    matchCount: Number(r.match_count),
  }));
  hits.sort((a, b) => newestFirst([a.run.startNs, a.run.sourceId, a.run.traceId], [b.run.startNs, b.run.sourceId, b.run.traceId]));
  return hits.slice(0, limit);
}
