// The team store: TraceStore over PostgreSQL (schema `tracelens`), shared by everyone who
// connects to the same database. Reads are pushed down (keyset pages, compiled search);
// writes are idempotent batches (pgWrite.ts); feedback is per author (pgFeedback.ts). Every
// error that leaves this class is a StoreError with no password or connection string in it.

import type { Pool, PoolClient } from 'pg';
import type { Span } from '../../core/model/span';
import type { Expr } from '../../core/query/ast';
import { compileRunSearch, compileSpanSearch } from '../../core/query/compileSql';
import type { SourceSummary } from '../../core/trace/summary';
import type {
  FeedbackMark,
  RunPage,
  RunRow,
  RunSearchHit,
  SearchOptions,
  SourceInfo,
  SourceRow,
  SourceWriter,
  SpanContext,
  SpanRow,
  TraceStore,
} from '../traceStore';
import { createPool, describeTarget, sanitizeError, StoreError, type PgConnectionSettings } from './pgConnection';
import { readFeedback, writeFeedback } from './pgFeedback';
import { isConnectionFault, PgHealth, type BackoffOptions } from './pgHealth';
import { migrate, type MigrationResult } from './pgMigrate';
import { decodePayload, pgText } from './pgPayload';
import { SPAN_ROW_COLUMNS, toRunRow, toSourceRow, toSpanRow, type PgRow } from './pgRows';
import { PgSourceWriter } from './pgSourceWriter';
import { SOURCE_COUNTS_SQL, writeSpanBatch } from './pgWrite';

export interface OpenPgOptions {
  /** Errors of idle connections (a server restart): logged, never thrown. */
  onBackgroundError?: (err: StoreError) => void;
  /** How reconnect probes back off while the server is unreachable (S-06). */
  backoff?: BackoffOptions;
}

export interface PushOptions {
  signal?: AbortSignal;
  /** Spans per transaction (default 500). */
  batchSize?: number;
  onProgress?: (done: number, total: number) => void;
}

export interface SpanPage {
  limit: number;
  after?: { startNs: bigint; spanId: string };
}

const abortError = (): Error => Object.assign(new Error('The operation was aborted'), { name: 'AbortError' });
const SPAN_COLS = SPAN_ROW_COLUMNS.map((c) => `s.${c}`).join(', ');

/** Connect, bring the schema up to date, and return the store. */
export async function openPgStore(settings: PgConnectionSettings, opts: OpenPgOptions = {}): Promise<PgStore> {
  const opened: { store?: PgStore } = {};
  const pool = createPool(settings, (err) => {
    opts.onBackgroundError?.(err);
    // An idle connection killed by a server shutdown: the store is unreachable until it is back.
    opened.store?.health.failed(err);
  });
  const store = new PgStore(pool, settings, opts);
  opened.store = store;
  try {
    await store.init();
  } catch (err) {
    store.health.dispose();
    await pool.end().catch(() => undefined);
    throw sanitizeError(err, settings);
  }
  return store;
}

export class PgStore implements TraceStore {
  private role = '';
  migration?: MigrationResult;
  /** `postgres://user@host:port/db` (never the password). */
  readonly target: string;
  /** Reachable or not; retries with backoff while not (pgHealth.ts). */
  readonly health: PgHealth;

  constructor(
    private readonly pool: Pool,
    private readonly settings: PgConnectionSettings,
    opts: Pick<OpenPgOptions, 'backoff'> = {},
  ) {
    this.target = describeTarget({ ...settings, password: undefined });
    this.health = new PgHealth(async () => {
      try {
        await this.pool.query('SELECT 1');
      } catch (err) {
        throw sanitizeError(err, this.settings);
      }
    }, opts.backoff);
  }

  /** The PostgreSQL role this store writes as (feedback's default author). */
  get author(): string {
    return this.role;
  }

  async init(): Promise<void> {
    const c = await this.pool.connect();
    try {
      this.role = (await c.query<{ u: string }>('SELECT current_user AS u')).rows[0].u;
      this.migration = await migrate(c);
    } finally {
      c.release();
    }
  }

  private async use<T>(fn: (c: PoolClient) => Promise<T>): Promise<T> {
    let c: PoolClient | undefined;
    let broken: Error | undefined;
    // A checked-out client has no pool listener: an error between its statements (the server
    // going away mid-transaction) would otherwise be an uncaught 'error' event.
    const onClientError = (err: Error): void => {
      broken = sanitizeError(err, this.settings);
      this.health.failed(broken);
    };
    try {
      c = await this.pool.connect();
      c.on('error', onClientError);
      const result = await fn(c);
      this.health.succeeded();
      return result;
    } catch (err) {
      if ((err as Error)?.name === 'AbortError') throw err;
      const safe = sanitizeError(err, this.settings);
      if (isConnectionFault(err as { code?: string; message?: string }) || isConnectionFault(safe)) {
        // The client goes, not back to the pool; the store is unreachable until a probe succeeds.
        broken = safe;
        this.health.lost(safe);
      }
      throw safe;
    } finally {
      c?.off('error', onClientError);
      c?.release(broken);
    }
  }

  private query(sql: string, params: unknown[] = []): Promise<PgRow[]> {
    return this.use(async (c) => (await c.query<PgRow>(sql, params)).rows);
  }

  // ── writing ───────────────────────────────────────────────────────────────────────────

  /** The source's row, created on first push; a later push of the same URI reuses it. */
  async upsertSource(info: SourceInfo): Promise<{ id: number; created: boolean }> {
    const rows = await this.query(
      `INSERT INTO tracelens.sources (key, uri, label, format, bytes, mtime_ms) VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (key) DO UPDATE SET label = excluded.label, format = excluded.format, bytes = excluded.bytes,
         mtime_ms = excluded.mtime_ms, pushed_by = current_user, pushed_at = now()
       RETURNING id, (xmax = 0) AS created`,
      [pgText(info.uri), pgText(info.uri), pgText(info.label), info.format, info.bytes, info.mtimeMs ?? null],
    );
    return { id: Number(rows[0].id), created: rows[0].created === true };
  }

  /** One batch in its own transaction. */
  async writeBatch(sourceId: number, spans: Span[]): Promise<number> {
    if (!spans.length) return 0;
    return this.use(async (c) => {
      await c.query('BEGIN');
      try {
        const r = await writeSpanBatch(c, sourceId, spans);
        await c.query(SOURCE_COUNTS_SQL, [sourceId]);
        await c.query('COMMIT');
        return r.inserted;
      } catch (err) {
        await c.query('ROLLBACK').catch(() => undefined);
        throw err;
      }
    });
  }

  async setState(sourceId: number, state: 'complete' | 'partial', format?: string): Promise<SourceRow> {
    const rows = await this.query(`UPDATE tracelens.sources SET state = $2, format = coalesce($3, format) WHERE id = $1 RETURNING *`, [
      sourceId,
      state,
      format ?? null,
    ]);
    if (!rows[0]) throw new StoreError(`Source ${sourceId} is not in the team store`);
    return toSourceRow(rows[0]);
  }

  /**
   * Push a source's spans (already normalised, as importers give them). Spans already in the
   * store are skipped. Cancelled: what was written stays and the source is marked `partial`.
   */
  async pushSource(info: SourceInfo, spans: Span[], opts: PushOptions = {}): Promise<SourceRow> {
    const { id } = await this.upsertSource(info);
    const size = Math.max(1, opts.batchSize ?? 500);
    for (let i = 0; i < spans.length; i += size) {
      if (opts.signal?.aborted) {
        await this.setState(id, 'partial');
        throw abortError();
      }
      await this.writeBatch(id, spans.slice(i, i + size));
      opts.onProgress?.(Math.min(spans.length, i + size), spans.length);
    }
    return this.setState(id, 'complete', info.format);
  }

  addSource(info: SourceInfo, spans: Span[]): Promise<SourceRow> {
    return this.pushSource(info, spans);
  }

  async beginSource(info: SourceInfo): Promise<SourceWriter> {
    const { id, created } = await this.upsertSource(info);
    return new PgSourceWriter(this, id, created);
  }

  async removeSource(sourceId: number): Promise<void> {
    await this.query('DELETE FROM tracelens.sources WHERE id = $1', [sourceId]);
  }

  // ── reading ───────────────────────────────────────────────────────────────────────────

  async listSources(): Promise<SourceRow[]> {
    return (await this.query('SELECT * FROM tracelens.sources ORDER BY id')).map(toSourceRow);
  }

  async listRuns(sourceId: number, page: RunPage): Promise<RunRow[]> {
    const limit = Math.max(1, Math.min(10_000, Math.floor(page.limit)));
    const rows = page.after
      ? await this.query(
          `SELECT * FROM tracelens.runs WHERE source_id = $1 AND (start_ns, trace_id) > ($2::numeric, $3)
           ORDER BY start_ns, trace_id LIMIT $4`,
          [sourceId, page.after.startNs.toString(), page.after.traceId, limit],
        )
      : await this.query('SELECT * FROM tracelens.runs WHERE source_id = $1 ORDER BY start_ns, trace_id LIMIT $2', [sourceId, limit]);
    return rows.map(toRunRow);
  }

  async getRun(sourceId: number, traceId: string): Promise<RunRow | undefined> {
    const rows = await this.query('SELECT * FROM tracelens.runs WHERE source_id = $1 AND trace_id = $2', [sourceId, traceId]);
    return rows[0] ? toRunRow(rows[0]) : undefined;
  }

  /** Children of a span (or a run's top-level spans), one keyset page at a time. */
  async childSpanPage(sourceId: number, traceId: string, parentSpanId: string | undefined, page: SpanPage): Promise<SpanRow[]> {
    const params: unknown[] = [sourceId, traceId];
    let where = 's.source_id = $1 AND s.trace_id = $2';
    if (parentSpanId === undefined) where += ' AND s.parent_id IS NULL';
    else {
      params.push(parentSpanId);
      where += ` AND s.parent_id = $${params.length}`;
    }
    if (page.after) {
      params.push(page.after.startNs.toString(), page.after.spanId);
      where += ` AND (s.start_ns, s.span_id) > ($${params.length - 1}::numeric, $${params.length})`;
    }
    params.push(Math.max(1, Math.min(10_000, Math.floor(page.limit))));
    const rows = await this.query(
      `SELECT ${SPAN_COLS} FROM tracelens.spans s WHERE ${where} ORDER BY s.start_ns, s.span_id LIMIT $${params.length}`,
      params,
    );
    return rows.map(toSpanRow);
  }

  async childSpans(sourceId: number, traceId: string, parentSpanId: string | undefined): Promise<SpanRow[]> {
    const out: SpanRow[] = [];
    for (;;) {
      const last = out[out.length - 1];
      const page = await this.childSpanPage(sourceId, traceId, parentSpanId, {
        limit: 1000,
        after: last && { startNs: last.startNs, spanId: last.spanId },
      });
      out.push(...page);
      if (page.length < 1000) return out;
    }
  }

  async getSpan(sourceId: number, traceId: string, spanId: string): Promise<SpanRow | undefined> {
    const rows = await this.query(
      `SELECT ${SPAN_COLS} FROM tracelens.spans s WHERE s.source_id = $1 AND s.trace_id = $2 AND s.span_id = $3`,
      [sourceId, traceId, spanId],
    );
    return rows[0] ? toSpanRow(rows[0]) : undefined;
  }

  /** The stored span (secrets masked; see pgPayload.ts), for the detail view. */
  async readSpan(sourceId: number, traceId: string, spanId: string): Promise<{ span: Span; truncated: boolean } | undefined> {
    const rows = await this.query(
      'SELECT payload, payload_truncated FROM tracelens.spans WHERE source_id = $1 AND trace_id = $2 AND span_id = $3',
      [sourceId, traceId, spanId],
    );
    const r = rows[0];
    if (!r || typeof r.payload !== 'string') return undefined;
    return { span: decodePayload(r.payload), truncated: r.payload_truncated === true };
  }

  async sourceSummary(sourceId: number): Promise<SourceSummary | undefined> {
    const [t] = await this.query(
      `SELECT count(*) AS traces, coalesce(sum(span_count), 0) AS spans, coalesce(sum(error_count), 0) AS errors,
         coalesce(sum(llm_count), 0) AS llm, coalesce(sum(input_tokens), 0) AS input, coalesce(sum(output_tokens), 0) AS output,
         min(start_ns) AS start, max(end_ns) AS end,
         (SELECT count(*) FROM tracelens.sources WHERE id = $1) AS exists
       FROM tracelens.runs WHERE source_id = $1`,
      [sourceId],
    );
    if (Number(t.exists) === 0) return undefined;
    const list = async (sql: string): Promise<string[]> => (await this.query(sql, [sourceId])).map((r) => String(r.v));
    const summary: SourceSummary = {
      traces: Number(t.traces),
      spans: Number(t.spans),
      errorSpans: Number(t.errors),
      llmSpans: Number(t.llm),
      inputTokens: Number(t.input),
      outputTokens: Number(t.output),
      models: await list('SELECT DISTINCT m AS v FROM tracelens.runs, unnest(models) AS m WHERE source_id = $1 ORDER BY v'),
      services: await list('SELECT DISTINCT service AS v FROM tracelens.spans WHERE source_id = $1 AND service IS NOT NULL ORDER BY v'),
    };
    if (t.start !== null) summary.startNs = BigInt(String(t.start));
    if (t.end !== null) summary.endNs = BigInt(String(t.end));
    return summary;
  }

  /** The stored payload already carries each span's resource and scope; there are no byte ranges. */
  async spanContext(_sourceId: number, _byteStart: number): Promise<SpanContext | undefined> {
    return undefined;
  }

  // ── search ────────────────────────────────────────────────────────────────────────────

  private async search(sql: string, params: unknown[], signal?: AbortSignal): Promise<PgRow[]> {
    if (signal?.aborted) throw abortError();
    return this.use(async (c) => {
      if (!signal) return (await c.query<PgRow>(sql, params)).rows;
      // Abandon the query on abort: the server stops it with pg_cancel_backend.
      const pidRow = await c.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
      const onAbort = (): void => void this.pool.query('SELECT pg_cancel_backend($1)', [pidRow.rows[0].pid]).catch(() => undefined);
      signal.addEventListener('abort', onAbort, { once: true });
      try {
        return (await c.query<PgRow>(sql, params)).rows;
      } catch (err) {
        if (signal.aborted) throw abortError();
        throw err;
      } finally {
        signal.removeEventListener('abort', onAbort);
      }
    });
  }

  async searchSpans(query: Expr, opts: SearchOptions = {}): Promise<SpanRow[]> {
    const c = compileSpanSearch(query, {
      dialect: 'postgres',
      now: opts.now ?? BigInt(Date.now()) * 1_000_000n,
      sourceIds: opts.sourceIds,
      limit: opts.limit,
      columns: SPAN_ROW_COLUMNS,
    });
    return (await this.search(c.sql, c.params, opts.signal)).map(toSpanRow);
  }

  async searchRuns(query: Expr, opts: SearchOptions = {}): Promise<RunSearchHit[]> {
    const c = compileRunSearch(query, {
      dialect: 'postgres',
      now: opts.now ?? BigInt(Date.now()) * 1_000_000n,
      sourceIds: opts.sourceIds,
      limit: opts.limit,
    });
    return (await this.search(c.sql, c.params, opts.signal)).map((r) => ({
      run: toRunRow(r),
      matchSpanId: String(r.match_span_id),
      matchScore: Number(r.match_score),
      matchCount: Number(r.match_count),
    }));
  }

  // ── feedback ──────────────────────────────────────────────────────────────────────────

  async addFeedback(sourceId: number, mark: FeedbackMark): Promise<void> {
    await this.use((c) => writeFeedback(c, sourceId, mark, mark.author ?? this.role));
  }

  async listFeedback(sourceId: number, traceId: string, spanId?: string): Promise<FeedbackMark[]> {
    return this.use((c) => readFeedback(c, sourceId, traceId, spanId));
  }

  async updateSourceCounts(sourceId: number): Promise<void> {
    await this.query(SOURCE_COUNTS_SQL, [sourceId]);
  }

  /** Closes the pool and cancels any pending reconnect. */
  async close(): Promise<void> {
    this.health.dispose();
    await this.pool.end().catch(() => undefined);
  }
}
