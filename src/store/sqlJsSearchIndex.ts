// Stores the search rows of span batches (sqlJsSearchRows.ts) in a source database's side tables
// (sqlJsSchema.ts), through the same in-place binding as the span rows (fastInsert.ts).
//
// A batch's search rows name their span by its position in the batch; the span rows get ids
// after the largest one already stored (no deletes, one writer), skipping rows refused as
// duplicate ids, so positions map to ids without reading anything back. Search rows of a refused
// row are put aside with the refused row's sequence number; the writer calls `restoreDuplicate`
// when it keeps that copy under a new id.

import type { Database, SqlJsStatic, SqlValue, Statement } from 'sql.js';
import { createBatchInserter, multiRowSql, type BatchInserter } from './fastInsert';
import { batchRows, type RowBatch, type RowLayout } from './spanRows';
import { ATTR_LAYOUT, FTS_LAYOUT, GUARD_LAYOUT, RES_LAYOUT, TOOL_LAYOUT, type SearchRowBatch } from './sqlJsSearchRows';

interface Table {
  key: 'fts' | 'attrs' | 'guards' | 'tools' | 'res';
  layout: RowLayout;
  /** Insert with the text columns first, then the span id, then the other numbers. */
  insert: string;
  /** The refused rows' table: (seq, text columns…, other numbers…). */
  dup: string;
  /** Copy a refused copy's rows to a new span id: `$seq`, `$pk`. */
  restore: string;
}

// The FTS docid must be bound as an INTEGER (a contentless FTS4 table refuses a REAL one); the
// batch carries numbers as doubles, hence the CAST.
const TABLES: Table[] = [
  {
    key: 'fts',
    layout: FTS_LAYOUT,
    insert: 'INSERT INTO span_fts (name, input, output, tools, docid) VALUES (?, ?, ?, ?, CAST(? AS INTEGER))',
    dup: 'dup_fts (seq, name, input, output, tools)',
    restore:
      'INSERT INTO span_fts (docid, name, input, output, tools) SELECT $pk, name, input, output, tools FROM temp.dup_fts WHERE seq = $seq',
  },
  {
    // The key is the number of its attr_keys row (keyIds() turns the batch's own numbers into those).
    key: 'attrs',
    layout: ATTR_LAYOUT,
    insert: 'INSERT OR IGNORE INTO span_attr_rows (value, span_pk, key_id, num) VALUES (?, ?, ?, ?)',
    dup: 'dup_attrs (seq, value, key_id, num)',
    restore:
      'INSERT OR IGNORE INTO span_attr_rows (value, span_pk, key_id, num) SELECT value, $pk, key_id, num FROM temp.dup_attrs WHERE seq = $seq',
  },
  {
    key: 'guards',
    layout: GUARD_LAYOUT,
    insert: 'INSERT INTO span_guards (name, action, span_pk, passed) VALUES (?, ?, ?, ?)',
    dup: 'dup_guards (seq, name, action, passed)',
    restore:
      'INSERT INTO span_guards (name, action, span_pk, passed) SELECT name, action, $pk, passed FROM temp.dup_guards WHERE seq = $seq',
  },
  {
    key: 'tools',
    layout: TOOL_LAYOUT,
    insert: 'INSERT OR IGNORE INTO span_tools (name, span_pk) VALUES (?, ?)',
    dup: 'dup_tools (seq, name)',
    restore: 'INSERT OR IGNORE INTO span_tools (name, span_pk) SELECT name, $pk FROM temp.dup_tools WHERE seq = $seq',
  },
  {
    // The resource is the number of its `resources` row (resourceIds() turns the batch's own into those).
    key: 'res',
    layout: RES_LAYOUT,
    insert: 'INSERT OR IGNORE INTO span_resources (span_pk, resource_id) VALUES (?, ?)',
    dup: 'dup_res (seq, resource_id)',
    restore: 'INSERT OR IGNORE INTO span_resources (span_pk, resource_id) SELECT $pk, resource_id FROM temp.dup_res WHERE seq = $seq',
  },
];

/**
 * Search rows inserted a step (fastInsert.ts, MultiRowInsert), but for the FTS table: attribute
 * rows ~25% faster at 16 (1.53 against 0.93–1.24 s over the 128 MB file), FTS rows slower.
 */
const SEARCH_ROWS_PER_STEP = 16;

const dupTable = (t: Table): string => t.dup.slice(0, t.dup.indexOf(' '));

export class SearchIndexWriter {
  private readonly inserters: BatchInserter[];
  private readonly findKey: Statement;
  private readonly findResource: Statement;
  private readonly addResourceAttr: Statement;
  private stashed = false;

  constructor(
    SQL: SqlJsStatic,
    private readonly db: Database,
  ) {
    this.inserters = TABLES.map((t) =>
      createBatchInserter(SQL, db, t.insert, {
        layout: t.layout,
        multi: t.key === 'fts' ? undefined : { ...multiRowSql(t.insert, SEARCH_ROWS_PER_STEP), k: SEARCH_ROWS_PER_STEP },
      }),
    );
    this.findKey = db.prepare('SELECT id FROM attr_keys WHERE key = ?');
    this.findResource = db.prepare('SELECT id FROM resources WHERE key = ?');
    this.addResourceAttr = db.prepare('INSERT OR IGNORE INTO resource_attr_rows (key_id, value, resource_id, num) VALUES (?, ?, ?, ?)');
  }

  /**
   * Store `search`, the search rows of a span batch of `count` rows inserted after span id
   * `before`, of which the rows at `refused` (ascending) were not inserted. With `dupSeq`, the
   * search rows of refused row `refused[k]` are kept aside under sequence `dupSeq + k`.
   */
  insert(search: SearchRowBatch, before: number, count: number, refused: readonly number[] = [], dupSeq?: number): void {
    this.keyIds(search);
    this.resourceIds(search);
    if (refused.length === 0) {
      TABLES.forEach((t, i) => {
        const rows = search[t.key];
        if (rows.count === 0) return;
        // Position → span id, in place (the batch is not used again).
        const N = t.layout.n;
        for (let r = 0; r < rows.count; r++) rows.nums[r * N] += before + 1;
        this.inserters[i].insert(undefined, rows);
      });
      return;
    }
    // Some rows were refused (duplicate ids): the rare path, row by row.
    const pk = new Float64Array(count);
    const seqOf = new Map<number, number>();
    let k = 0;
    let id = before;
    for (let r = 0; r < count; r++) {
      if (k < refused.length && refused[k] === r) {
        if (dupSeq !== undefined) seqOf.set(r, dupSeq + k);
        k++;
      } else pk[r] = ++id;
    }
    for (const t of TABLES) this.insertFiltered(t, search[t.key], pk, seqOf);
  }

  /**
   * Store the search rows of a batch whose row r belongs to span id `pk[r]` (0: to none, its
   * rows are dropped): the search pass after the load (sqlJsSearchBuild.ts).
   */
  insertAt(search: SearchRowBatch, pk: Float64Array): void {
    this.keyIds(search);
    this.resourceIds(search);
    if (pk.every((v) => v > 0)) {
      TABLES.forEach((t, i) => {
        const rows = search[t.key];
        if (rows.count === 0) return;
        const N = t.layout.n;
        for (let r = 0; r < rows.count; r++) rows.nums[r * N] = pk[rows.nums[r * N]];
        this.inserters[i].insert(undefined, rows);
      });
      return;
    }
    for (const t of TABLES) this.insertFiltered(t, search[t.key], pk, new Map());
  }

  /**
   * The batch's attribute keys (numbered in the batch) as attr_keys ids, in place. Looked up per
   * batch (a few dozen keys), not cached: a rolled-back batch must not leave ids that are gone.
   */
  private keyIds(search: SearchRowBatch): void {
    const rows = search.attrs;
    if (rows.count === 0) return;
    const ids = search.attrKeys.map((key) => this.keyId(key));
    const N = ATTR_LAYOUT.n;
    for (let r = 0; r < rows.count; r++) rows.nums[r * N + 1] = ids[rows.nums[r * N + 1]];
  }

  private keyId(key: string): number {
    return this.idOf(this.findKey, 'INSERT INTO attr_keys (key) VALUES (?)', key).id;
  }

  /** The id of `key` in a dictionary table (`find` selects it), inserted when new. */
  private idOf(find: Statement, insert: string, key: string): { id: number; added: boolean } {
    find.bind([key]);
    const found = find.step() ? Number(find.get()[0]) : undefined;
    find.reset();
    if (found !== undefined) return { id: found, added: false };
    this.db.run(insert, [key]);
    return { id: Number(this.db.exec('SELECT last_insert_rowid()')[0].values[0][0]), added: true };
  }

  /** The batch's resources as `resources` ids (a new one gets its attribute rows), in place. */
  private resourceIds(search: SearchRowBatch): void {
    const rows = search.res;
    if (rows.count === 0) return;
    const ids = search.resources.map((res) => {
      const { id, added } = this.idOf(this.findResource, 'INSERT INTO resources (key) VALUES (?)', res.key);
      if (added) {
        for (const a of res.attrs) this.addResourceAttr.run([this.keyId(a.key), a.value, id, a.num]);
      }
      return id;
    });
    const N = RES_LAYOUT.n;
    for (let r = 0; r < rows.count; r++) rows.nums[r * N + 1] = ids[rows.nums[r * N + 1]];
  }

  private insertFiltered(t: Table, rows: RowBatch, pk: Float64Array, seqOf: Map<number, number>): void {
    if (rows.count === 0) return;
    const T = t.layout.t;
    const kept = this.db.prepare(t.insert);
    let dup: ReturnType<Database['prepare']> | undefined;
    try {
      for (const row of batchRows(rows, t.layout)) {
        const r = Number(row[T]);
        if (pk[r] > 0) {
          row[T] = pk[r];
          kept.run(row as SqlValue[]);
          continue;
        }
        const seq = seqOf.get(r);
        if (seq === undefined) continue;
        if (!dup) {
          this.ensureStash();
          const cols = row.length - 1;
          dup = this.db.prepare(`INSERT INTO temp.${t.dup} VALUES (?, ${new Array(cols).fill('?').join(', ')})`);
        }
        dup.run([seq, ...row.slice(0, T), ...row.slice(T + 1)] as SqlValue[]);
      }
    } finally {
      kept.free();
      dup?.free();
    }
  }

  private ensureStash(): void {
    if (this.stashed) return;
    this.stashed = true;
    this.db.exec(TABLES.map((t) => `CREATE TEMP TABLE IF NOT EXISTS ${t.dup};`).join('\n'));
  }

  /** A refused copy (sequence `seq`) was kept as a new span with id `pk`: give it its search rows. */
  restoreDuplicate(seq: number, pk: number): void {
    if (!this.stashed) return;
    for (const t of TABLES) this.db.run(t.restore, { $seq: seq, $pk: pk });
  }

  free(): void {
    for (const i of this.inserters) i.free();
    this.findKey.free();
    this.findResource.free();
    this.addResourceAttr.free();
    if (this.stashed) this.db.exec(TABLES.map((t) => `DROP TABLE IF EXISTS temp.${dupTable(t)};`).join('\n'));
    this.stashed = false;
  }
}
