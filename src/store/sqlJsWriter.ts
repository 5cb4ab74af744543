// The writer that streams one source into its sql.js database: batched span inserts, runs merged
// as batches arrive, duplicate ids and missing parents settled by finish().

import type { Database, SqlJsStatic } from 'sql.js';
import type { Diagnostic } from '../core/model/diagnostic';
import type { Span } from '../core/model/span';
import { all, numberTraces, opt, toSourceRow, type Row, type SourceDb } from './sqlJsRows';
import { breakCycles, detachMissingParents, fillPreviews, recountChildren } from './sqlJsTreeRepair';
import { traceNoOf } from './sqlJsSchema';
import { createBatchInserter, multiRowSql, refusedRows, type BatchInserter } from './fastInsert';
import { BATCH_RUNS_SQL, DELTA_RUNS_SQL, TRACE_RUNS_SQL } from './sqlJsRunsSql';
import { SearchIndexWriter } from './sqlJsSearchIndex';
import { SearchBatchBuilder } from './sqlJsSearchRows';
import { StatementCache } from './statementCache';
import {
  INSERT_SPAN_NUMBERED_SQL,
  INSERT_SPAN_SQL,
  KID_LAYOUT,
  KID_NUMBER_COLUMNS,
  KID_TEXT_COLUMNS,
  RUN_LAYOUT,
  RUN_NUMBER_COLUMNS,
  RUN_TEXT_COLUMNS,
  SPAN_LAYOUT,
  SPAN_NUMBER_COLUMNS,
  SPAN_TEXT_COLUMNS,
  SpanBatchBuilder,
  batchRows,
  rootPreview,
  pickRows,
  rowTextStarts,
  textAt,
  type RowLayout,
  type SpanRowBatch,
} from './spanRows';
import type { AddRowsResult, FinishOptions, FinishResult, SourceWriter, SpanContext } from './traceStore';

/** Span rows inserted a step (fastInsert.ts, MultiRowInsert): 8 and 16 measured alike, 32 slower. */
const SPANS_PER_STEP = 16;

/** At most this many diagnostics of one code are kept per source; the rest are counted. */
export const MAX_DIAGNOSTICS_PER_CODE = 1000;

const SPAN_COLUMNS: string[] = [...SPAN_TEXT_COLUMNS, ...SPAN_NUMBER_COLUMNS];
const SPAN_ID = SPAN_TEXT_COLUMNS.indexOf('span_id');
/** A refused row, its sequence number last (the inserter's per-row tail). */
const INSERT_DUP_SQL = `INSERT INTO temp.dup_rows (${SPAN_COLUMNS.join(', ')}, seq) VALUES (${SPAN_COLUMNS.map(() => '?').join(', ')}, ?)`;
/** What a duplicate must share with the first copy to be worth reading back (a re-delivery). */
const DUP_FIELDS = SPAN_COLUMNS.filter(
  (c) => !['span_id', 'trace_id', 'child_count', 'byte_start', 'byte_end', 'line', 'preview'].includes(c),
);
/** Duplicates read back from the source to tell re-deliveries from conflicts; beyond, index fields decide. */
export const MAX_DUPLICATE_READBACKS = 2000;

const rangeOf = (r: Row): { byteStart: number; byteEnd: number; line: number } => ({
  byteStart: Number(r.byte_start ?? 0),
  byteEnd: Number(r.byte_end ?? 0),
  line: Number(r.line ?? 1),
});
const RUN_COLS_PARAMS = new Array(RUN_LAYOUT.t + RUN_LAYOUT.n).fill('?').join(', ');
const KID_COLS_PARAMS = new Array(KID_LAYOUT.t + KID_LAYOUT.n).fill('?').join(', ');

/** Rows into a temp table without constraints (a batch's run sums, child counts, refused rows), 16 a step. */
const deltaInserter = (SQL: SqlJsStatic, db: Database, sql: string, layout: RowLayout): BatchInserter =>
  createBatchInserter(SQL, db, sql, { layout, multi: { ...multiRowSql(sql, SPANS_PER_STEP), k: SPANS_PER_STEP } });

/** Keeps at most MAX_DIAGNOSTICS_PER_CODE diagnostics per code, counting the rest. */
class DiagnosticBag {
  readonly list: Diagnostic[] = [];
  private readonly counts = new Map<string, number>();

  add(d: Diagnostic): void {
    const n = (this.counts.get(d.code) ?? 0) + 1;
    this.counts.set(d.code, n);
    if (n <= MAX_DIAGNOSTICS_PER_CODE) this.list.push(d);
  }

  summary(): Diagnostic[] {
    const out: Diagnostic[] = [];
    for (const [code, n] of this.counts) {
      if (n > MAX_DIAGNOSTICS_PER_CODE) {
        out.push({
          severity: 'info',
          code,
          message: `${n - MAX_DIAGNOSTICS_PER_CODE} more "${code}" diagnostics not listed (${n} in all)`,
        });
      }
    }
    return out;
  }
}

/** Streams one source into its database; see SourceWriter. */
export class SqlJsSourceWriter implements SourceWriter {
  readonly sourceId: number;
  private readonly db: Database;
  private readonly internalId: number;
  private inserter: BatchInserter | undefined;
  /** The same insert with each row's trace number bound (batches with run rows). */
  private readonly numberedInserter: BatchInserter;
  private readonly runInserter: BatchInserter;
  private readonly kidInserter: BatchInserter;
  /** Rows refused as duplicate ids, into temp.dup_rows. */
  private readonly dupInserter: BatchInserter;
  private readonly search: SearchIndexWriter;
  /** The statements run once per batch, compiled once. */
  private readonly batchSql: StatementCache;
  private readonly diags = new DiagnosticBag();
  private spans = 0;
  private pendingCount = 0;
  private dupSeq = 0;
  private lastId = 0;
  private done = false;
  /** Rows offered so far (stored + refused), in order: the position of the next one. */
  private offered = 0;
  /** The position of each refused row, by its dup sequence number. */
  private readonly refusedAt: number[] = [];
  /** The span id a refused row was kept under (by dup sequence number). */
  private readonly keptAs = new Map<number, number>();
  /** A batch came without its search rows: they are built after the load (sqlJsSearchBuild.ts). */
  private searchMissing = false;
  /** The load's transaction is open (addRows). */
  private inTransaction = false;
  /** The text starts of the batch whose refused rows were last looked for (refusedIn). */
  private refusedStarts: { batch: SpanRowBatch; starts: Int32Array } | undefined;

  constructor(
    SQL: SqlJsStatic,
    private readonly src: SourceDb,
    private readonly dropSource: () => void,
    /** Called once when the writer is done (finished, aborted or dropped). */
    private readonly onDone?: () => void,
  ) {
    this.sourceId = src.id;
    this.db = src.db;
    this.internalId = src.internalId;
    this.inserter = createBatchInserter(SQL, this.db, INSERT_SPAN_SQL);
    this.numberedInserter = createBatchInserter(SQL, this.db, INSERT_SPAN_NUMBERED_SQL, {
      multi: {
        ...multiRowSql(INSERT_SPAN_NUMBERED_SQL, SPANS_PER_STEP),
        k: SPANS_PER_STEP,
        ignoredIn: (batch, traceNos, first, k, _inserted, insertedBefore) => this.refusedIn(batch, traceNos, first, k, insertedBefore),
      },
    });
    this.db.exec(`
      -- Children whose parent has not arrived yet, counted per (trace, parent).
      CREATE TEMP TABLE IF NOT EXISTS pending (trace_id TEXT NOT NULL, parent_id TEXT NOT NULL, n INTEGER NOT NULL, PRIMARY KEY (trace_id, parent_id)) WITHOUT ROWID;
      -- A batch's run sums and child counts, as the producer computed them.
      CREATE TEMP TABLE IF NOT EXISTS run_delta (${[...RUN_TEXT_COLUMNS, ...RUN_NUMBER_COLUMNS].join(', ')});
      CREATE TEMP TABLE IF NOT EXISTS kid_delta (${[...KID_TEXT_COLUMNS, ...KID_NUMBER_COLUMNS].join(', ')});
      -- Rows refused as duplicate ids, settled by finish().
      CREATE TEMP TABLE IF NOT EXISTS dup_rows (seq INTEGER, ${[...SPAN_TEXT_COLUMNS, ...SPAN_NUMBER_COLUMNS].join(', ')});
    `);
    this.runInserter = deltaInserter(SQL, this.db, `INSERT INTO temp.run_delta VALUES (${RUN_COLS_PARAMS})`, RUN_LAYOUT);
    this.kidInserter = deltaInserter(SQL, this.db, `INSERT INTO temp.kid_delta VALUES (${KID_COLS_PARAMS})`, KID_LAYOUT);
    this.dupInserter = deltaInserter(SQL, this.db, INSERT_DUP_SQL, SPAN_LAYOUT);
    this.search = new SearchIndexWriter(SQL, this.db);
    this.batchSql = new StatementCache(this.db);
  }

  /** Whether the fast insert path is in use. */
  get fastInserts(): boolean {
    return this.inserter?.fast ?? false;
  }

  /** The store dropped the source (removeSource while loading). */
  detach(): void {
    this.done = true;
    this.inserter = undefined;
    if (this.src.writer !== this) return;
    this.src.writer = undefined;
    this.onDone?.();
  }

  private check(): BatchInserter {
    if (this.done || !this.inserter) throw new Error('The source writer is finished');
    return this.inserter;
  }

  addSpans(spans: Span[]): AddRowsResult {
    const b = new SpanBatchBuilder();
    const search = new SearchBatchBuilder();
    for (const s of spans) {
      const detachSelf = s.parentId !== undefined && s.parentId === s.spanId;
      b.add(s, s.parentId === undefined || detachSelf ? rootPreview(s) : undefined, 0, detachSelf);
      search.add(s);
    }
    const batch = b.take();
    batch.search = search.take();
    return this.addRows(batch);
  }

  addRows(batch: SpanRowBatch): AddRowsResult {
    const inserter = this.check();
    const db = this.db;
    const src = this.internalId;
    // Rows get ids after the last one: this database has no other writer and no deletes.
    const before = this.lastId;
    const ignored: number[] = [];
    const diagnostics: Diagnostic[] = [];
    // One transaction for the whole load, a savepoint per batch: a failed batch still rolls back
    // alone, and the commit (~1.2 ms a batch on the 1 GB load, ~12% of the store's work) is paid
    // once. Reads on this connection see the rows as they come; finish() and cleanUp() commit.
    if (!this.inTransaction) {
      db.exec('BEGIN');
      this.inTransaction = true;
    }
    this.batchSql.run('SAVEPOINT batch');
    try {
      const traceNos = this.addTraces(batch);
      const inserted = traceNos ? this.numberedInserter.insert(src, batch, ignored, traceNos) : inserter.insert(src, batch, ignored);
      this.refusedStarts = undefined;
      if (batch.search) this.search.insert(batch.search, before, batch.count, ignored, this.dupSeq);
      else if (batch.count > 0) this.searchMissing = true;
      if (ignored.length) this.keepDuplicates(batch, ignored);
      this.offered += batch.count;
      if (inserted > 0) {
        if (batch.runs && batch.kids) this.mergeDeltas(batch.kids, before);
        else this.mergeFromRows(before);
        this.spans += inserted;
        this.lastId += inserted;
        this.batchSql.run('UPDATE sources SET span_count = ? WHERE id = ?', [this.spans, src]);
      }
      this.batchSql.run('DELETE FROM temp.kid_delta');
      this.batchSql.run('DELETE FROM temp.run_delta');
      this.batchSql.run('RELEASE batch');
      return { inserted, diagnostics };
    } catch (err) {
      db.exec('ROLLBACK TO batch; RELEASE batch');
      throw err;
    }
  }

  /** Commit the load's transaction, if one is open (before other transactions, or when done). */
  private commit(): void {
    if (!this.inTransaction) return;
    this.inTransaction = false;
    this.db.exec('COMMIT');
  }

  /**
   * Number the batch's new traces (`traces`) before its spans go in: a span row takes its trace's
   * number. The producer's run rows name each trace of the batch once; with its `runOf`, returns
   * each row's trace number (bound, not looked up per row). A batch without run rows is read row
   * by row, and its rows look their numbers up.
   */
  private addTraces(batch: SpanRowBatch): Float64Array | undefined {
    const db = this.db;
    if (batch.runs && batch.kids) {
      this.runInserter.insert(undefined, batch.runs);
      this.batchSql.run('INSERT OR IGNORE INTO traces (trace_id) SELECT trace_id FROM temp.run_delta ORDER BY rowid');
      const runOf = batch.runOf;
      if (!runOf || runOf.length !== batch.count) return undefined;
      const nos = this.batchSql.numbers(
        'SELECT t.trace_no FROM temp.run_delta d JOIN traces t ON t.trace_id = d.trace_id ORDER BY d.rowid',
      );
      if (nos.length !== batch.runs.count) return undefined;
      const out = new Float64Array(batch.count);
      for (let i = 0; i < out.length; i++) out[i] = nos[runOf[i]];
      return out;
    }
    numberTraces(
      db,
      (function* () {
        for (const row of batchRows(batch)) yield String(row[0]);
      })(),
    );
    return undefined;
  }

  /**
   * The rows of a multi-row step (`k` from batch row `first`) that were refused: the step's
   * inserted rows are the spans after the ids given out before it, in order.
   */
  private refusedIn(batch: SpanRowBatch, traceNos: Float64Array | undefined, first: number, k: number, insertedBefore: number): number[] {
    const inserted = all(this.db, 'SELECT trace_no, span_id FROM spans WHERE id > ? ORDER BY id', [this.lastId + insertedBefore]);
    // Row starts once per batch: a file sent twice refuses a row in every step.
    if (this.refusedStarts?.batch !== batch) this.refusedStarts = { batch, starts: rowTextStarts(batch) };
    const starts = this.refusedStarts.starts;
    const keys = Array.from({ length: k }, (_, j) => `${traceNos?.[first + j]}:${String(textAt(batch, starts, first + j, SPAN_ID))}`);
    return refusedRows(
      keys,
      inserted.map((r) => `${Number(r.trace_no)}:${String(r.span_id)}`),
    ).map((j) => first + j);
  }

  /** Child counts and run sums from the producer's per-batch sums (the common case). */
  private mergeDeltas(kids: NonNullable<SpanRowBatch['kids']>, before: number): void {
    const src = this.internalId;
    this.kidInserter.insert(undefined, kids);
    // New children of parents already here (from earlier batches: the producer counted the rest).
    this.batchSql.run(
      `UPDATE spans SET child_count = child_count + k.n FROM temp.kid_delta AS k JOIN traces t ON t.trace_id = k.trace_id
       WHERE spans.trace_no = t.trace_no AND spans.span_id = k.parent_id`,
    );
    this.resolvePending(before);
    // New children whose parent is not here (yet).
    this.batchSql.run(
      `INSERT INTO temp.pending (trace_id, parent_id, n)
       SELECT trace_id, parent_id, n FROM temp.kid_delta k
       WHERE NOT EXISTS (SELECT 1 FROM spans p WHERE p.trace_no = ${traceNoOf('k.trace_id')} AND p.span_id = k.parent_id)
       ON CONFLICT (trace_id, parent_id) DO UPDATE SET n = n + excluded.n`,
    );
    this.pendingCount = this.batchSql.number('SELECT count(*) FROM temp.pending');
    // The run rows went into temp.run_delta with the batch's traces (addTraces).
    this.batchSql.run(DELTA_RUNS_SQL, { $src: src });
  }

  /** The same from the span rows themselves (a batch with duplicates, whose sums are off). */
  private mergeFromRows(before: number): void {
    const p = { $src: this.internalId, $after: before };
    this.batchSql.run(
      `UPDATE spans SET child_count = child_count + k.n
       FROM (SELECT trace_no, parent_id, count(*) AS n FROM spans WHERE id > $after AND parent_id IS NOT NULL GROUP BY trace_no, parent_id) AS k
       WHERE spans.trace_no = k.trace_no AND spans.span_id = k.parent_id`,
      { $after: before },
    );
    this.resolvePending(before);
    this.batchSql.run(
      `INSERT INTO temp.pending (trace_id, parent_id, n)
       SELECT trace_id, parent_id, count(*) FROM spans c WHERE id > $after AND parent_id IS NOT NULL
         AND NOT EXISTS (SELECT 1 FROM spans p WHERE p.trace_no = c.trace_no AND p.span_id = c.parent_id)
       GROUP BY trace_id, parent_id
       ON CONFLICT (trace_id, parent_id) DO UPDATE SET n = n + excluded.n`,
      p,
    );
    this.pendingCount = this.batchSql.number('SELECT count(*) FROM temp.pending');
    this.batchSql.run(BATCH_RUNS_SQL, p);
  }

  /** New spans (rows after `before`) that are the parents of children that came earlier. */
  private resolvePending(before: number): void {
    if (this.pendingCount === 0) return;
    this.batchSql.run(
      `UPDATE spans SET child_count = child_count + (SELECT n FROM temp.pending p WHERE p.trace_id = spans.trace_id AND p.parent_id = spans.span_id)
       WHERE id > $after AND EXISTS (SELECT 1 FROM temp.pending p WHERE p.trace_id = spans.trace_id AND p.parent_id = spans.span_id)`,
      { $after: before },
    );
    this.batchSql.run('DELETE FROM temp.pending WHERE (trace_id, parent_id) IN (SELECT trace_id, span_id FROM spans WHERE id > $after)', {
      $after: before,
    });
  }

  /**
   * Rows refused as duplicate ids: kept aside, told apart from re-deliveries by `finish`. In bulk:
   * a file sent twice refuses every row of its second half.
   */
  private keepDuplicates(batch: SpanRowBatch, ignored: number[]): void {
    for (const i of ignored) this.refusedAt.push(this.offered + i);
    const starts = this.refusedStarts?.batch === batch ? this.refusedStarts.starts : rowTextStarts(batch);
    const seqs = Float64Array.from(ignored, (_, k) => this.dupSeq + k);
    this.dupInserter.insert(undefined, pickRows(batch, ignored, starts), undefined, seqs);
    this.dupSeq += ignored.length;
  }

  /**
   * Duplicate span ids, as normalizeTrees settles them: a copy identical to the first (OTLP
   * re-delivery) is dropped silently; a different one is kept as `<id>~<n>` with a warning.
   */
  private async settleDuplicates(compare: FinishOptions['compareDuplicates']): Promise<void> {
    const db = this.db;
    const src = this.internalId;
    // Each copy beside its first, compared in SQL, in one pass: a query per copy, and reading every
    // column of both into JavaScript, took ~0.1 ms a copy (4-5 s for a file sent twice).
    const dups = all(
      db,
      `SELECT d.seq, d.trace_id, d.span_id, d.parent_id, d.byte_start, d.byte_end, d.line,
         s.byte_start AS first_start, s.byte_end AS first_end, s.line AS first_line,
         s.id IS NOT NULL AND ${DUP_FIELDS.map((c) => `d.${c} IS s.${c}`).join(' AND ')} AS same
       FROM temp.dup_rows d LEFT JOIN traces t ON t.trace_id = d.trace_id
       LEFT JOIN spans s ON s.source_id = ? AND s.trace_no = t.trace_no AND s.span_id = d.span_id
       ORDER BY d.seq`,
      [src],
    );
    if (!dups.length) return;
    // Same index fields: maybe a re-delivery; only the source can tell (up to a bound).
    const sameFields = dups.map((d) => Number(d.same) === 1);
    const ask = dups.flatMap((d, k) => (sameFields[k] && k < MAX_DUPLICATE_READBACKS ? [k] : []));
    const identical = new Array<boolean>(dups.length).fill(false);
    dups.forEach((_, k) => (identical[k] = sameFields[k] && k >= MAX_DUPLICATE_READBACKS));
    if (ask.length && compare) {
      const answers = await compare(
        ask.map((k) => ({
          traceId: String(dups[k].trace_id),
          spanId: String(dups[k].span_id),
          first: rangeOf({ byte_start: dups[k].first_start, byte_end: dups[k].first_end, line: dups[k].first_line }),
          copy: rangeOf(dups[k]),
        })),
      );
      ask.forEach((k, j) => (identical[k] = answers[j] === true));
    } else ask.forEach((k) => (identical[k] = true));
    if (dups.length > MAX_DUPLICATE_READBACKS) {
      this.diags.add({
        severity: 'info',
        code: 'span.duplicate',
        message: `${dups.length - MAX_DUPLICATE_READBACKS} more duplicate span ids with the same index fields were taken as re-deliveries without reading them back`,
      });
    }
    db.exec('BEGIN');
    try {
      dups.forEach((d, k) => {
        if (identical[k]) return;
        let copy = 2;
        while (
          all(db, `SELECT 1 AS x FROM spans WHERE source_id = ? AND trace_no = ${traceNoOf('?')} AND span_id = ?`, [
            src,
            d.trace_id,
            `${String(d.span_id)}~${copy}`,
          ]).length
        )
          copy++;
        const id = `${String(d.span_id)}~${copy}`;
        this.diags.add({
          severity: 'warning',
          code: 'span.duplicate',
          message: `Span id ${String(d.span_id)} appears again in trace ${String(d.trace_id)} with different content; kept as ${id}`,
          line: opt<number>(d.line),
          offset: opt<number>(d.byte_start),
        });
        const full = all(db, 'SELECT * FROM temp.dup_rows WHERE seq = ?', [d.seq])[0];
        const values = SPAN_COLUMNS.map((c) => (c === 'span_id' ? id : c === 'child_count' ? 0 : (full[c] ?? null)));
        db.run(
          `INSERT INTO spans (source_id, ${SPAN_COLUMNS.join(', ')}, trace_no) VALUES (?, ${SPAN_COLUMNS.map(() => '?').join(', ')}, ${traceNoOf('?')})`,
          [src, ...values, d.trace_id],
        );
        this.spans++;
        this.lastId++;
        this.search.restoreDuplicate(Number(d.seq), this.lastId);
        this.keptAs.set(Number(d.seq), this.lastId);
        if (d.parent_id !== null) {
          if (
            !all(db, `SELECT 1 AS x FROM spans WHERE source_id = ? AND trace_no = ${traceNoOf('?')} AND span_id = ?`, [
              src,
              d.trace_id,
              d.parent_id,
            ]).length
          ) {
            db.run('INSERT INTO temp.pending VALUES ($t, $p, 1) ON CONFLICT (trace_id, parent_id) DO UPDATE SET n = n + 1', {
              $t: d.trace_id,
              $p: d.parent_id,
            });
          }
        }
      });
      // The producer's sums counted the refused copies (and children it gave them): count again.
      for (const traceId of new Set(dups.map((d) => String(d.trace_id)))) {
        db.run('INSERT OR IGNORE INTO temp.affected VALUES (?)', [traceId]);
        recountChildren(db, src, traceId);
      }
      db.exec('COMMIT');
    } catch (err) {
      db.exec('ROLLBACK');
      throw err;
    }
  }

  addContext(ctx: SpanContext): void {
    this.check();
    this.db.run('INSERT INTO contexts (source_id, byte_start, byte_end, resource, scope) VALUES (?,?,?,?,?)', [
      this.internalId,
      ctx.byteStart,
      ctx.byteEnd,
      ctx.resource ?? null,
      ctx.scope ?? null,
    ]);
  }

  setIndexedBytes(bytes: number): void {
    if (this.done) return;
    this.db.run('UPDATE sources SET indexed_bytes = ? WHERE id = ?', [bytes, this.internalId]);
  }

  async finish(opts: FinishOptions = {}): Promise<FinishResult> {
    this.check();
    this.commit();
    const db = this.db;
    const src = this.internalId;
    try {
      db.exec('DROP TABLE IF EXISTS temp.affected; CREATE TEMP TABLE affected (trace_id TEXT PRIMARY KEY) WITHOUT ROWID');
      await this.settleDuplicates(opts.compareDuplicates);
    } catch (err) {
      this.cleanUp();
      throw err;
    }
    db.exec('BEGIN');
    try {
      detachMissingParents(db, src, this.diags);
      breakCycles(db, src, this.diags);
      const hasAffected = Number(db.exec('SELECT count(*) FROM temp.affected')[0].values[0][0]) > 0;
      if (hasAffected) db.run(TRACE_RUNS_SQL, { $src: src });
      db.run(
        `UPDATE sources SET span_count = ?, trace_count = (SELECT count(*) FROM runs WHERE source_id = ?), state = ?,
         indexed_bytes = coalesce(?, indexed_bytes), format = coalesce(?, format), search_state = ?, offered_rows = ? WHERE id = ?`,
        [
          this.spans,
          src,
          opts.partial ? 'partial' : 'complete',
          opts.indexedBytes ?? null,
          opts.format ?? null,
          this.searchMissing ? 'pending' : 'ready',
          this.offered,
          src,
        ],
      );
      // Where the refused rows went, for the search pass that names spans by position.
      // One statement for them all (db.run compiles its SQL each call: a file sent twice has a row each).
      const refused = db.prepare('INSERT INTO span_refused (position, span_pk) VALUES (?, ?)');
      try {
        this.refusedAt.forEach((position, seq) => refused.run([position, this.keptAs.get(seq) ?? null]));
      } finally {
        refused.free();
      }
      db.exec('COMMIT');
      if (hasAffected && opts.resolvePreviews) await fillPreviews(db, src, opts.resolvePreviews);
    } catch (err) {
      db.exec('ROLLBACK');
      throw err;
    } finally {
      this.cleanUp();
    }
    return {
      source: toSourceRow(this.sourceId, all(db, 'SELECT * FROM sources WHERE id = ?', [src])[0]),
      diagnostics: [...this.diags.list, ...this.diags.summary()],
    };
  }

  private cleanUp(): void {
    this.commit();
    this.batchSql.free();
    this.db.exec(
      'DROP TABLE IF EXISTS temp.affected; DROP TABLE IF EXISTS temp.pending; DROP TABLE IF EXISTS temp.run_delta; ' +
        'DROP TABLE IF EXISTS temp.kid_delta; DROP TABLE IF EXISTS temp.dup_rows',
    );
    this.inserter?.free();
    this.numberedInserter.free();
    this.runInserter.free();
    this.kidInserter.free();
    this.dupInserter.free();
    this.search.free();
    this.detach();
  }

  async abort(): Promise<void> {
    if (this.done) return;
    this.cleanUp();
    this.detach();
    this.dropSource();
  }
}
