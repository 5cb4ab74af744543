// The fast batch inserter (bound in place through sql.js's C API, NULLs bound only where the
// previous row had a value) stores exactly what sql.js's public API stores for the same rows:
// values after NULLs, NULLs after values, NULL runs across batches and after a failed insert.

import * as assert from 'node:assert/strict';
import initSqlJs, { type Database, type SqlJsStatic } from 'sql.js';
import { createBatchInserter, multiRowSql, refusedRows } from '../../../src/store/fastInsert';
import { RowBuilder, type RowLayout } from '../../../src/store/spanRows';

const LAYOUT: RowLayout = { t: 3, n: 2 };
type Row = [string | null, string | null, string | null, number | null, number | null];

function batch(rows: Row[]): ReturnType<RowBuilder['take']> {
  const b = new RowBuilder(LAYOUT);
  for (const r of rows) {
    b.text(r[0]);
    b.text(r[1]);
    b.text(r[2]);
    b.num(r[3]);
    b.num(r[4]);
    b.endRow();
  }
  return b.take();
}

const SQL_TEXT = 'INSERT INTO t (lead, a, b, c, x, y) VALUES (?, ?, ?, ?, ?, ?)';

function table(SQL: SqlJsStatic): Database {
  const db = new SQL.Database();
  db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, lead, a, b UNIQUE, c, x, y)');
  return db;
}

const dump = (db: Database): unknown[][] => db.exec('SELECT lead, a, b, c, x, y FROM t ORDER BY id')[0]?.values ?? [];

describe('fast batch inserter', () => {
  let SQL: SqlJsStatic;
  before(async () => {
    SQL = await initSqlJs({ locateFile: () => require.resolve('sql.js/dist/sql-wasm.wasm') });
  });

  it('stores the same values as the public API, NULLs included, across batches', () => {
    const batches: Row[][] = [
      [
        ['a1', null, null, 1, null],
        [null, 'b2', null, null, 2.5],
        [null, 'b3', 'c3', null, null],
        ['a4', null, 'c4', 4, null],
        [null, null, null, null, null],
        ['ä5', 'b5', '', 0, -1],
      ],
      // Starts with NULLs where the last batch ended with values, then values again.
      [
        [null, null, null, null, null],
        ['a7', 'b7', 'c7', 7, 7],
        ['a8', null, null, null, 8],
      ],
      [['a9', 'b9', null, 9, null]],
    ];
    const fastDb = table(SQL);
    const slowDb = table(SQL);
    const fast = createBatchInserter(SQL, fastDb, SQL_TEXT, { layout: LAYOUT });
    const slow = createBatchInserter(SQL, slowDb, SQL_TEXT, { layout: LAYOUT, forceSlow: true });
    assert.equal(fast.fast, true, 'the fast path is in use with this sql.js');
    assert.equal(slow.fast, false);
    batches.forEach((rows, k) => {
      assert.equal(fast.insert(k, batch(rows)), rows.length);
      assert.equal(slow.insert(k, batch(rows)), rows.length);
    });
    assert.deepEqual(dump(fastDb), dump(slowDb));
    assert.deepEqual(dump(fastDb)[4], [0, null, null, null, null, null]);
    fast.free();
    slow.free();
  });

  it('binds every value again after a row that failed', () => {
    const db = table(SQL);
    const ins = createBatchInserter(SQL, db, SQL_TEXT, { layout: LAYOUT });
    ins.insert(1, batch([['a', 'dup', 'c', 1, 1]]));
    // The second row breaks `b UNIQUE` (a plain INSERT, so it throws) after its values are bound.
    assert.throws(
      () =>
        ins.insert(
          2,
          batch([
            ['x', 'ok', null, 2, null],
            ['y', 'dup', 'z', 3, 3],
          ]),
        ),
      /Index insert failed/,
    );
    ins.insert(3, batch([[null, 'next', null, null, null]]));
    assert.deepEqual(dump(db), [
      [1, 'a', 'dup', 'c', 1, 1],
      [2, 'x', 'ok', null, 2, null],
      [3, null, 'next', null, null, null],
    ]);
    ins.free();
  });

  it('inserts k rows a step as row by row does, naming the refused rows inside steps', () => {
    const IGNORE_SQL = SQL_TEXT.replace('INSERT INTO', 'INSERT OR IGNORE INTO');
    const row = (r: number): string => `(${[1, 2, 3, 4, 5, 6].map((c) => `?${r * 6 + c}`).join(', ')})`;
    const K = 4;
    const db = table(SQL);
    const ins = createBatchInserter(SQL, db, IGNORE_SQL, {
      layout: LAYOUT,
      multi: {
        sql: `INSERT OR IGNORE INTO t (lead, a, b, c, x, y) VALUES ${[0, 1, 2, 3].map(row).join(', ')}`,
        k: K,
        params: 6,
        // The step's inserted rows are the last `inserted` of the table; `b` is the key.
        ignoredIn: (rows, _tail, first, k, inserted) => {
          const got = db.exec(`SELECT b FROM (SELECT id, b FROM t ORDER BY id DESC LIMIT ${inserted}) ORDER BY id`)[0]?.values ?? [];
          const keys = Array.from({ length: k }, (_, j) => String(batchValues[first + j][1]));
          return refusedRows(
            keys,
            got.map((v) => String(v[0])),
          ).map((j) => first + j);
        },
      },
    });
    const slowDb = table(SQL);
    const slow = createBatchInserter(SQL, slowDb, IGNORE_SQL, { layout: LAYOUT, forceSlow: true });
    // Copies inside a step (rows 2, 5), across steps (9), of an earlier batch (second batch), and a
    // remainder after the last full step.
    let batchValues: Row[] = [];
    const batches: Row[][] = [
      [
        ['a0', 'k0', null, 0, null],
        ['a1', 'k1', 'c1', null, 1],
        ['a2', 'k0', null, 2, null],
        [null, 'k3', null, null, null],
        ['a4', 'k4', 'c4', 4, 4],
        ['a5', 'k4', 'c5', 5, 5],
        [null, 'k6', null, null, 6],
        ['a7', 'k7', null, 7, null],
        ['a8', 'k8', 'c8', 8, 8],
        ['a9', 'k1', null, null, null],
        ['a10', 'k10', null, 10, null],
      ],
      [
        ['b0', 'k7', null, 0, 0],
        ['b1', 'k11', null, 1, 1],
        ['b2', 'k12', 'c', 2, 2],
        ['b3', 'k13', null, null, 3],
      ],
    ];
    batches.forEach((rows, n) => {
      batchValues = rows;
      const fastIgnored: number[] = [];
      const slowIgnored: number[] = [];
      assert.equal(ins.insert(n, batch(rows), fastIgnored), slow.insert(n, batch(rows), slowIgnored));
      assert.deepEqual(fastIgnored, slowIgnored);
    });
    assert.deepEqual(dump(db), dump(slowDb));
    assert.equal(dump(db).length, 11);
    ins.free();
    slow.free();
  });

  it('names refused rows by matching keys in order', () => {
    assert.deepEqual(refusedRows(['a', 'b', 'c'], ['a', 'b', 'c']), []);
    assert.deepEqual(refusedRows(['a', 'a', 'b'], ['a', 'b']), [1]);
    assert.deepEqual(refusedRows(['x', 'b', 'x'], ['b']), [0, 2]);
    assert.deepEqual(refusedRows(['a', 'b'], []), [0, 1]);
  });

  it('writes the k-row form of an INSERT, numbering each row after the one before', () => {
    assert.deepEqual(multiRowSql('INSERT INTO t (a, b) VALUES (?, CAST(? AS INTEGER))', 3), {
      sql: 'INSERT INTO t (a, b) VALUES (?1, CAST(?2 AS INTEGER)), (?3, CAST(?4 AS INTEGER)), (?5, CAST(?6 AS INTEGER))',
      params: 2,
    });
    assert.deepEqual(multiRowSql('INSERT INTO t (a, b, c) VALUES (?1, ?2, (SELECT n FROM u WHERE id = ?2))', 2), {
      sql: 'INSERT INTO t (a, b, c) VALUES (?1, ?2, (SELECT n FROM u WHERE id = ?2)), (?3, ?4, (SELECT n FROM u WHERE id = ?4))',
      params: 2,
    });
    assert.throws(() => multiRowSql('INSERT INTO t VALUES (?1, ?)', 2), /mixed/);
    assert.throws(() => multiRowSql('INSERT INTO t SELECT 1', 2), /VALUES/);
  });
});
