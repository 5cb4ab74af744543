// The embedded index: SQLite compiled to WebAssembly (sql.js), in the extension host's memory.
// Loaded lazily (the module and its wasm are only touched on first use).
//
// One sql.js database per source, all in one WebAssembly instance: a source's index can then be
// exported whole to the index cache and reopened from it in one step (`exportSource` /
// `openCachedSource`), and closing a source frees its pages for the next one. A database built
// here lives in the WebAssembly heap (sqlJsMemory.ts); one reopened from the cache is sql.js's
// ordinary file-backed database.

import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Database, SqlJsStatic, SqlValue } from 'sql.js';
import type { Span } from '../core/model/span';
import type { SourceSummary } from '../core/trace/summary';
import { summarizeRuns } from '../core/trace/runs';
import { spanKey } from '../core/trace/normalizeTrees';
import { createBatchInserter } from './fastInsert';
import { SCHEMA, SCHEMA_VERSION, padNs, traceNoOf } from './sqlJsSchema';
import { openMemoryDatabase } from './sqlJsMemory';
import { all, numberTraces, opt, toRun, toSourceRow, toSpan, type SourceDb } from './sqlJsRows';
import { SqlJsSourceWriter } from './sqlJsWriter';
import { usageFromIndex, type IndexUsage } from './sqlJsUsage';
import { SearchIndexWriter } from './sqlJsSearchIndex';
import { SearchBatchBuilder } from './sqlJsSearchRows';
import { searchRuns, searchSpans } from './sqlJsSearch';
import { SearchBuilds, type DeferOptions, type SearchIndexBuilder, type SearchIndexStatus } from './sqlJsSearchBuild';
import { addSqlJsFeedback, listSqlJsFeedback } from './sqlJsFeedback';
import { INSERT_SPAN_SQL, SpanBatchBuilder, rootPreview } from './spanRows';
import type { Expr } from '../core/query/ast';
import type {
  FeedbackMark,
  RunSearchHit,
  SearchOptions,
  RunPage,
  RunRow,
  SourceInfo,
  SourceRow,
  SourceWriter,
  SpanContext,
  SpanRow,
  TraceStore,
} from './traceStore';

/**
 * `wasmPath` defaults to the copy esbuild puts beside the bundle; unbundled callers (tests,
 * tsx) pass `require.resolve('sql.js/dist/sql-wasm.wasm')`.
 */
export async function openSqlJsStore(wasmPath = path.join(__dirname, 'sql-wasm.wasm')): Promise<SqlJsStore> {
  if (!fs.existsSync(wasmPath)) throw new Error(`sql.js WebAssembly not found at ${wasmPath}; run \`npm run build\``);
  // Required here, not at the top, so activation does not pay for sql.js.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const initSqlJs = require('sql.js') as (config?: { locateFile?: (file: string) => string }) => Promise<SqlJsStatic>;
  const SQL = await initSqlJs({ locateFile: () => wasmPath });
  return new SqlJsStore(SQL);
}

export class SqlJsStore implements TraceStore {
  private readonly sources = new Map<number, SourceDb>();
  private nextId = 1;
  /** Search tables built after a streamed load (sqlJsSearchBuild.ts). */
  private readonly builds: SearchBuilds;

  constructor(private readonly SQL: SqlJsStatic) {
    this.builds = new SearchBuilds(SQL, (src) => this.sources.get(src.id) === src);
  }

  private createDb(info: SourceInfo, state: SourceRow['state']): SourceDb {
    const { db, inHeap } = openMemoryDatabase(this.SQL);
    db.exec(`PRAGMA temp_store = MEMORY; PRAGMA user_version = ${SCHEMA_VERSION};`);
    db.exec(SCHEMA);
    const id = this.nextId++;
    db.run('INSERT INTO sources (id, uri, label, format, bytes, mtime_ms, span_count, trace_count, state) VALUES (?,?,?,?,?,?,0,0,?)', [
      id,
      info.uri,
      info.label,
      info.format,
      info.bytes,
      info.mtimeMs ?? null,
      state ?? 'complete',
    ]);
    const src: SourceDb = { id, internalId: id, db, inHeap };
    this.sources.set(id, src);
    return src;
  }

  /** Whether new source databases live in the WebAssembly heap (for the bench). */
  get heapResident(): boolean {
    const { db, inHeap } = openMemoryDatabase(this.SQL);
    db.close();
    return inHeap;
  }

  async addSource(info: SourceInfo, spans: Span[]): Promise<SourceRow> {
    const src = this.createDb(info, 'complete');
    const { db } = src;
    const runs = summarizeRuns(spans);
    const builder = new SpanBatchBuilder();
    const search = new SearchBatchBuilder();
    for (const s of spans) {
      // Child counts: the builder counts them (every span is in this one batch).
      builder.add(s, s.parentId === undefined ? rootPreview(s) : undefined);
      search.add(s);
    }
    const inserter = createBatchInserter(this.SQL, db, INSERT_SPAN_SQL);
    const searchIndex = new SearchIndexWriter(this.SQL, db);
    db.exec('BEGIN');
    try {
      const batch = builder.take();
      const refused: number[] = [];
      numberTraces(
        db,
        spans.map((s) => s.traceId),
      );
      inserter.insert(src.internalId, batch, refused);
      searchIndex.insert(search.take(), 0, batch.count, refused);
      this.insertRuns(src, runs, spans);
      db.run('UPDATE sources SET span_count = (SELECT count(*) FROM spans), trace_count = ? WHERE id = ?', [runs.length, src.internalId]);
      db.exec('COMMIT');
    } catch (err) {
      db.exec('ROLLBACK');
      this.drop(src.id);
      throw err;
    } finally {
      inserter.free();
      searchIndex.free();
    }
    return this.sourceRow(src);
  }

  private insertRuns(src: SourceDb, runs: ReturnType<typeof summarizeRuns>, spans: Span[]): void {
    const roots = new Map<string, number>();
    const starts = new Map<string, bigint>();
    for (const s of spans) {
      if (s.parentId === undefined) roots.set(s.traceId, (roots.get(s.traceId) ?? 0) + 1);
      starts.set(spanKey(s.traceId, s.spanId), s.startNs);
    }
    // The 20 columns before trace_no, then the trace's number (numberTraces ran first).
    const values = Array.from({ length: 20 }, (_, i) => `?${i + 1}`).join(',');
    const stmt = src.db.prepare(`INSERT INTO runs VALUES (${values}, ${traceNoOf('?2')})`);
    try {
      for (const r of runs) {
        stmt.run([
          src.internalId,
          r.traceId,
          r.rootSpanId,
          r.name,
          r.kind,
          padNs(r.startNs),
          padNs(r.endNs),
          r.spanCount,
          r.errorCount,
          r.llmCount,
          r.inputTokens,
          r.outputTokens,
          r.cost,
          r.guardsFailed,
          r.negativeFeedback,
          r.positiveFeedback,
          JSON.stringify(r.models),
          roots.get(r.traceId) ?? 0,
          r.preview ?? null,
          padNs(starts.get(spanKey(r.traceId, r.rootSpanId)) ?? r.startNs),
        ]);
      }
    } finally {
      stmt.free();
    }
  }

  async beginSource(info: SourceInfo): Promise<SourceWriter> {
    const src = this.createDb(info, 'loading');
    const writer = new SqlJsSourceWriter(
      this.SQL,
      src,
      () => this.drop(src.id),
      () => this.builds.loaded(src.id),
    );
    src.writer = writer;
    return writer;
  }

  /** The index of a complete source as one SQLite file image, for the index cache. */
  exportSource(sourceId: number): Uint8Array {
    const src = this.get(sourceId);
    if (!src) throw new Error(`No source ${sourceId}`);
    if (src.writer) throw new Error('The source is still loading');
    return src.db.export();
  }

  /** Open an index exported by `exportSource` as a new source; undefined when it is not one. */
  openCachedSource(info: SourceInfo, image: Uint8Array): SourceRow | undefined {
    let db: Database | undefined;
    try {
      db = new this.SQL.Database(image);
      const version = db.exec('PRAGMA user_version')[0]?.values[0]?.[0];
      const row = all(db, 'SELECT id, state FROM sources')[0];
      if (version !== SCHEMA_VERSION || !row || row.state !== 'complete') {
        db.close();
        return undefined;
      }
      const id = this.nextId++;
      db.run('UPDATE sources SET uri = ?, label = ? WHERE id = ?', [info.uri, info.label, row.id]);
      const src: SourceDb = { id, internalId: Number(row.id), db, inHeap: false };
      this.sources.set(id, src);
      return this.sourceRow(src);
    } catch {
      db?.close();
      return undefined;
    }
  }

  private get(sourceId: number): SourceDb | undefined {
    return this.sources.get(sourceId);
  }

  private drop(sourceId: number): void {
    const src = this.sources.get(sourceId);
    if (!src) return;
    this.sources.delete(sourceId);
    this.builds.drop(sourceId);
    src.writer?.detach();
    src.db.close();
  }

  async removeSource(sourceId: number): Promise<void> {
    this.drop(sourceId);
  }

  private sourceRow(src: SourceDb): SourceRow {
    return toSourceRow(src.id, all(src.db, 'SELECT * FROM sources WHERE id = ?', [src.internalId])[0]);
  }

  async listSources(): Promise<SourceRow[]> {
    return [...this.sources.values()].sort((a, b) => a.id - b.id).map((s) => this.sourceRow(s));
  }

  async listRuns(sourceId: number, page: RunPage): Promise<RunRow[]> {
    const src = this.get(sourceId);
    if (!src) return [];
    const params: SqlValue[] = [src.internalId];
    let where = 'source_id = ?';
    if (page.after) {
      // A row value, so SQLite seeks runs_by_start to the cursor instead of scanning up to it.
      where += ' AND (start_ns, trace_id) > (?, ?)';
      params.push(padNs(page.after.startNs), page.after.traceId);
    }
    params.push(page.limit);
    return all(src.db, `SELECT * FROM runs WHERE ${where} ORDER BY start_ns, trace_id LIMIT ?`, params).map((r) => toRun(r, src.id));
  }

  async childSpans(sourceId: number, traceId: string, parentSpanId: string | undefined): Promise<SpanRow[]> {
    const src = this.get(sourceId);
    if (!src) return [];
    // While a source loads, child counts are not final: count children on the fly.
    const count = src.writer
      ? ', (SELECT count(*) FROM spans c WHERE c.trace_no = s.trace_no AND c.parent_id = s.span_id) AS live_children'
      : '';
    const rows = all(
      src.db,
      `SELECT s.*${count} FROM spans s WHERE s.source_id = ? AND s.trace_no = ${traceNoOf('?')} AND s.parent_id IS ? ORDER BY s.start_ns, s.span_id`,
      [src.internalId, traceId, parentSpanId ?? null],
    );
    return rows.map((r) => toSpan(r, src.id));
  }

  async getSpan(sourceId: number, traceId: string, spanId: string): Promise<SpanRow | undefined> {
    const src = this.get(sourceId);
    if (!src) return undefined;
    const row = all(src.db, `SELECT * FROM spans WHERE source_id = ? AND trace_no = ${traceNoOf('?')} AND span_id = ?`, [
      src.internalId,
      traceId,
      spanId,
    ])[0];
    return row ? toSpan(row, src.id) : undefined;
  }

  async sourceSummary(sourceId: number): Promise<SourceSummary | undefined> {
    const src = this.get(sourceId);
    if (!src) return undefined;
    const id = src.internalId;
    const t = all(
      src.db,
      `SELECT count(*) AS traces, total(span_count) AS spans, total(error_count) AS errors, total(llm_count) AS llm,
         total(input_tokens) AS input, total(output_tokens) AS output, min(start_ns) AS start, max(end_ns) AS end
       FROM runs WHERE source_id = ?`,
      [id],
    )[0];
    const list = (sql: string): string[] => all(src.db, sql, [id]).map((r) => String(r.v));
    const summary: SourceSummary = {
      traces: Number(t.traces),
      spans: Number(t.spans),
      errorSpans: Number(t.errors),
      llmSpans: Number(t.llm),
      inputTokens: Number(t.input),
      outputTokens: Number(t.output),
      models: list('SELECT DISTINCT j.value AS v FROM runs, json_each(runs.models) AS j WHERE runs.source_id = ? ORDER BY v'),
      services: list('SELECT DISTINCT service AS v FROM spans WHERE source_id = ? AND service IS NOT NULL ORDER BY v'),
    };
    if (t.start !== null) summary.startNs = BigInt(String(t.start));
    if (t.end !== null) summary.endNs = BigInt(String(t.end));
    return summary;
  }

  /** Per-template and per-function usage of a source, from its index (see sqlJsUsage.ts). */
  sourceUsage(sourceId: number): IndexUsage | undefined {
    const src = this.get(sourceId);
    return src && usageFromIndex(src.db, src.internalId);
  }

  async spanContext(sourceId: number, byteStart: number): Promise<SpanContext | undefined> {
    const src = this.get(sourceId);
    if (!src) return undefined;
    const row = all(
      src.db,
      'SELECT * FROM contexts WHERE source_id = ? AND byte_start <= ? AND byte_end > ? ORDER BY byte_start DESC LIMIT 1',
      [src.internalId, byteStart, byteStart],
    )[0];
    if (!row) return undefined;
    return {
      byteStart: Number(row.byte_start),
      byteEnd: Number(row.byte_end),
      resource: opt<string>(row.resource),
      scope: opt<string>(row.scope),
    };
  }

  /**
   * Search every selected source's database (sqlJsSearch.ts). A query that reads the search
   * tables waits for sources whose tables are still being built (see searchIndexStatus).
   */
  async searchSpans(query: Expr, opts: SearchOptions = {}): Promise<SpanRow[]> {
    return searchSpans(this.searchable(opts), query, opts, (srcs) => this.ready(srcs, opts));
  }

  async searchRuns(query: Expr, opts: SearchOptions = {}): Promise<RunSearchHit[]> {
    return searchRuns(this.searchable(opts), query, opts, (srcs) => this.ready(srcs, opts));
  }

  private async ready(srcs: SourceDb[], opts: SearchOptions): Promise<SourceDb[]> {
    await this.builds.whenReady(srcs, { signal: opts.signal, onProgress: opts.onIndexProgress });
    return srcs.filter((s) => this.sources.get(s.id) === s);
  }

  /** Whether a source's search tables are built (`ready`), or where their build is. */
  searchIndexStatus(sourceId: number): SearchIndexStatus | undefined {
    const src = this.get(sourceId);
    return src && this.builds.status(src);
  }

  /**
   * How to build the search tables of a source loaded without them (its writer's batches came
   * without search rows, or it was reopened from such a cached index): a search that needs them
   * runs `builder`, or `buildSearchIndex` does beforehand.
   */
  deferSearchIndex(sourceId: number, builder: SearchIndexBuilder, opts?: DeferOptions): void {
    const src = this.get(sourceId);
    if (src) this.builds.defer(src, builder, opts);
  }

  /** Build the source's search tables now, if they are not (resolves once they are in). */
  buildSearchIndex(sourceId: number): Promise<void> {
    const src = this.get(sourceId);
    return src ? this.builds.build(src) : Promise.reject(new Error(`No source ${sourceId}`));
  }

  private searchable(opts: SearchOptions): SourceDb[] {
    const all = [...this.sources.values()];
    return opts.sourceIds ? all.filter((s) => opts.sourceIds?.includes(s.id)) : all;
  }

  async addFeedback(sourceId: number, mark: FeedbackMark): Promise<void> {
    addSqlJsFeedback(this.get(sourceId), mark);
  }

  async listFeedback(sourceId: number, traceId: string, spanId?: string): Promise<FeedbackMark[]> {
    return listSqlJsFeedback(this.get(sourceId), traceId, spanId);
  }

  async close(): Promise<void> {
    for (const id of [...this.sources.keys()]) this.drop(id);
  }
}

export { MAX_DIAGNOSTICS_PER_CODE, MAX_DUPLICATE_READBACKS, SqlJsSourceWriter } from './sqlJsWriter';
