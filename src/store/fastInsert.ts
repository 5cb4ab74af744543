// Bulk inserts into sql.js without its per-value JavaScript glue. sql.js binds a string by
// allocating and encoding it on its own; for a million rows of ~20 strings that, not SQLite, is
// the cost. Here a whole batch's text is copied into the WebAssembly heap once and each value is
// bound in place (SQLITE_STATIC) through the C API functions sql.js exports. The statement's C
// pointer is found through sql.js's own statement registry and checked against `sqlite3_sql`;
// when any of that is unavailable (another sql.js build), the public API is used instead.

import type { Database, SqlJsStatic, SqlValue, Statement } from 'sql.js';
import { SPAN_LAYOUT, batchRows, type RowBatch, type RowLayout } from './spanRows';

export interface CApi {
  _malloc(n: number): number;
  _free(p: number): void;
  _sqlite3_bind_text(stmt: number, i: number, p: number, n: number, destructor: number): number;
  _sqlite3_bind_double(stmt: number, i: number, v: number): number;
  _sqlite3_bind_int(stmt: number, i: number, v: number): number;
  _sqlite3_step(stmt: number): number;
  _sqlite3_reset(stmt: number): number;
  _sqlite3_clear_bindings(stmt: number): number;
  _sqlite3_changes(db: number): number;
  _sqlite3_errmsg(db: number): number;
  _sqlite3_sql(stmt: number): number;
  writeArrayToMemory(a: Uint8Array, p: number): void;
  UTF8ToString(p: number, max?: number): string;
}

const SQLITE_ROW = 100;
const SQLITE_DONE = 101;

const C_FUNCTIONS = [
  '_malloc',
  '_free',
  '_sqlite3_bind_text',
  '_sqlite3_bind_double',
  '_sqlite3_bind_int',
  '_sqlite3_step',
  '_sqlite3_reset',
  '_sqlite3_clear_bindings',
  '_sqlite3_changes',
  '_sqlite3_errmsg',
  '_sqlite3_sql',
  'writeArrayToMemory',
  'UTF8ToString',
];

/** Inserts row batches of one layout through one prepared `INSERT` statement. */
export interface BatchInserter {
  /** Whether the fast path is in use (for the bench and tests). */
  readonly fast: boolean;
  /**
   * Insert every row; `lead`, when given, is bound to the first parameter of every row (the
   * source id), the row's columns follow, then `tail[i]` when given (one number per row).
   * `ignored` gets the indexes of rows that were not inserted (`OR IGNORE` duplicates). Returns
   * the number inserted.
   */
  insert(lead: number | undefined, batch: RowBatch, ignored?: number[], tail?: Float64Array): number;
  free(): void;
}

/**
 * The same `INSERT OR IGNORE` taking `k` rows a step (`VALUES (…), (…)`, row r's parameters
 * after row r-1's). A step's fixed cost (cursors opened on the table and each index, the call
 * into WebAssembly) is then paid once per k rows: ~17% off the span insert at k = 16 (CPU time,
 * best of 3 alternating runs over 128 MB). sqlite3_changes only says how many of a step's rows
 * went in, so when fewer than k did, `ignoredIn` names the others.
 */
export interface MultiRowInsert {
  sql: string;
  k: number;
  /** Parameters per row in `sql`; batches inserted with another count (no tail…) go row by row. */
  params: number;
  /**
   * Which rows of `batch` from `first` (k of them) were not inserted, when only `inserted` were;
   * the batch's earlier rows put `insertedBefore` rows in. Without it, inserts that ask for the
   * refused rows go row by row.
   */
  ignoredIn?(batch: RowBatch, tail: Float64Array | undefined, first: number, k: number, inserted: number, insertedBefore: number): number[];
}

/**
 * `sql`, an INSERT ending in one `VALUES (…)` row, for `k` rows: `VALUES (…), (…)`, each row's
 * parameters numbered after the row before's (`?` in order, or `?N` shifted). With the number of
 * parameters a row takes.
 */
export function multiRowSql(sql: string, k: number): { sql: string; params: number } {
  const at = sql.lastIndexOf('VALUES (');
  if (at < 0 || !sql.trimEnd().endsWith(')')) throw new Error('multiRowSql: the statement must end with one VALUES row');
  const head = sql.slice(0, at + 'VALUES '.length);
  const row = sql.slice(at + 'VALUES '.length).trimEnd();
  const marks = [...row.matchAll(/\?(\d*)/g)];
  const numbered = marks.filter((m) => m[1] !== '').map((m) => Number(m[1]));
  if (numbered.length && numbered.length !== marks.length) throw new Error('multiRowSql: mixed ? and ?N parameters');
  const params = numbered.length ? Math.max(...numbered) : marks.length;
  const rows = Array.from({ length: k }, (_, r) => {
    let n = 0;
    return row.replace(/\?(\d*)/g, (_m, d: string) => `?${(d ? Number(d) : ++n) + r * params}`);
  });
  return { sql: head + rows.join(', '), params };
}

/**
 * The rows a multi-row `OR IGNORE` step refused, from the keys of its rows and of the rows it
 * inserted, both in order (SQLite inserts a VALUES list in order): a refused row's key is never
 * the next inserted one, since a key goes in at most once.
 */
export function refusedRows(stepKeys: readonly string[], insertedKeys: readonly string[]): number[] {
  const out: number[] = [];
  let j = 0;
  stepKeys.forEach((key, r) => {
    if (j < insertedKeys.length && insertedKeys[j] === key) j++;
    else out.push(r);
  });
  return out;
}

export function cApi(SQL: SqlJsStatic): CApi | undefined {
  const m = SQL as unknown as Record<string, unknown>;
  return C_FUNCTIONS.every((f) => typeof m[f] === 'function') ? (SQL as unknown as CApi) : undefined;
}

/** The C pointers of a sql.js database and one of its statements, when they can be found safely. */
export function pointers(SQL: SqlJsStatic, db: Database, stmt: Statement, sql: string): { db: number; stmt: number } | undefined {
  const api = cApi(SQL);
  const dbPtr = (db as unknown as { db?: unknown }).db;
  if (!api || typeof dbPtr !== 'number') return undefined;
  for (const v of Object.values(db as unknown as Record<string, unknown>)) {
    if (!v || typeof v !== 'object' || v instanceof Map) continue;
    for (const [k, s] of Object.entries(v as Record<string, unknown>)) {
      if (s !== stmt || !/^\d+$/.test(k)) continue;
      const p = Number(k);
      if (api.UTF8ToString(api._sqlite3_sql(p)) === sql) return { db: dbPtr, stmt: p };
    }
  }
  return undefined;
}

export function createBatchInserter(
  SQL: SqlJsStatic,
  db: Database,
  sql: string,
  opts: { forceSlow?: boolean; layout?: RowLayout; multi?: MultiRowInsert } = {},
): BatchInserter {
  const layout = opts.layout ?? SPAN_LAYOUT;
  const T = layout.t;
  const N = layout.n;
  const stmt = db.prepare(sql);
  const ptrs = opts.forceSlow ? undefined : pointers(SQL, db, stmt, sql);
  const api = cApi(SQL);
  if (!ptrs || !api) return slowInserter(db, stmt, layout);
  const multi = opts.multi && opts.multi.k > 1 ? opts.multi : undefined;
  const multiStmt = multi ? db.prepare(multi.sql) : undefined;
  const multiPtrs = multi && multiStmt ? pointers(SQL, db, multiStmt, multi.sql) : undefined;
  const p = ptrs.stmt;
  const pm = multiPtrs?.stmt ?? 0;
  const K = multiPtrs && multi ? multi.k : 1;
  const dbp = ptrs.db;
  // One text buffer in the WebAssembly heap for every batch (grown when needed): a fresh block per
  // batch, freed between SQLite's page allocations, fragments the heap (measured: +40% RSS).
  let buf = 0;
  let bufSize = 0;
  const buffer = (n: number): number => {
    if (n > bufSize) {
      if (buf) api._free(buf);
      bufSize = Math.max(n, bufSize * 2, 64 * 1024);
      buf = api._malloc(bufSize);
      if (!buf) {
        bufSize = 0;
        throw new Error('Index insert failed: out of memory');
      }
    }
    return buf;
  };
  /** Which parameters are NULL now (1), by column: the single-row statement's, then each multi-row slot's. */
  const nullNow = new Uint8Array(T + N);
  const nullNowMulti = new Uint8Array((T + N) * K);
  const fail = (stmtPtr: number): never => {
    const msg = api.UTF8ToString(api._sqlite3_errmsg(dbp));
    api._sqlite3_reset(stmtPtr);
    throw new Error(`Index insert failed: ${msg}`);
  };
  /**
   * Bind row i's columns from parameter `at` on (and its tail after them), the row's text starting
   * at `off`; returns where the next row's text starts. Bindings outlive sqlite3_reset and start
   * out NULL (new or cleared statement), so a NULL is bound only where that parameter holds a
   * value: span rows leave ~15 of their 34 columns NULL, ~13 of them NULL in the row before too;
   * skipping those binds took ~12% off the span insert (best of 5 alternating runs over 64 MB).
   */
  const bindRow = (
    stmtPtr: number,
    nulls: Uint8Array,
    nb: number,
    at: number,
    batch: RowBatch,
    i: number,
    off: number,
    tail: Float64Array | undefined,
  ): number => {
    const { lens, nums } = batch;
    for (let c = 0; c < T; c++) {
      const len = lens[i * T + c];
      if (len < 0) {
        if (nulls[nb + c] === 0) {
          api._sqlite3_bind_text(stmtPtr, at + c, 0, 0, 0);
          nulls[nb + c] = 1;
        }
      } else {
        api._sqlite3_bind_text(stmtPtr, at + c, off, len, 0);
        nulls[nb + c] = 0;
        off += len;
      }
    }
    for (let c = 0; c < N; c++) {
      const v = nums[i * N + c];
      if (v !== v) {
        if (nulls[nb + T + c] === 0) {
          api._sqlite3_bind_text(stmtPtr, at + T + c, 0, 0, 0);
          nulls[nb + T + c] = 1;
        }
      } else {
        api._sqlite3_bind_double(stmtPtr, at + T + c, v);
        nulls[nb + T + c] = 0;
      }
    }
    if (tail) api._sqlite3_bind_double(stmtPtr, at + T + N, tail[i]);
    return off;
  };
  return {
    fast: true,
    insert(lead, batch, ignored, tail) {
      if (batch.count === 0) return 0;
      const first = lead === undefined ? 1 : 2;
      /** Parameters per row. */
      const stride = first - 1 + T + N + (tail ? 1 : 0);
      const base = buffer(batch.text.length);
      let inserted = 0;
      try {
        api.writeArrayToMemory(batch.text, base);
        let off = base;
        nullNow.fill(1);
        nullNowMulti.fill(1);
        let i = 0;
        if (K > 1 && multi && multi.params === stride && (!ignored || multi.ignoredIn)) {
          if (lead !== undefined) for (let r = 0; r < K; r++) api._sqlite3_bind_double(pm, r * stride + 1, lead);
          for (; i + K <= batch.count; i += K) {
            for (let r = 0; r < K; r++) off = bindRow(pm, nullNowMulti, r * (T + N), r * stride + first, batch, i + r, off, tail);
            const rc = api._sqlite3_step(pm);
            if (rc !== SQLITE_DONE && rc !== SQLITE_ROW) fail(pm);
            api._sqlite3_reset(pm);
            const n = api._sqlite3_changes(dbp);
            if (n < K && ignored && multi.ignoredIn) ignored.push(...multi.ignoredIn(batch, tail, i, K, n, inserted));
            inserted += n;
          }
        }
        if (lead !== undefined && i < batch.count) api._sqlite3_bind_double(p, 1, lead);
        for (; i < batch.count; i++) {
          off = bindRow(p, nullNow, 0, first, batch, i, off, tail);
          const rc = api._sqlite3_step(p);
          if (rc !== SQLITE_DONE && rc !== SQLITE_ROW) fail(p);
          api._sqlite3_reset(p);
          if (api._sqlite3_changes(dbp) > 0) inserted++;
          else ignored?.push(i);
        }
      } finally {
        api._sqlite3_clear_bindings(p);
        if (pm) api._sqlite3_clear_bindings(pm);
      }
      return inserted;
    },
    free() {
      if (buf) api._free(buf);
      buf = 0;
      bufSize = 0;
      stmt.free();
      multiStmt?.free();
    },
  };
}

function slowInserter(db: Database, stmt: Statement, layout: RowLayout): BatchInserter {
  return {
    fast: false,
    insert(lead, batch, ignored, tail) {
      let inserted = 0;
      let i = 0;
      for (const row of batchRows(batch, layout)) {
        const values = row as SqlValue[];
        if (tail) values.push(tail[i]);
        stmt.run(lead === undefined ? values : [lead, ...values]);
        if (db.getRowsModified() > 0) inserted++;
        else ignored?.push(i);
        i++;
      }
      return inserted;
    },
    free() {
      stmt.free();
    },
  };
}
