// A sql.js database whose main database is SQLite's own `:memory:` database (pages in the
// WebAssembly heap) instead of a file in Emscripten's in-memory file system.
//
// Why: sql.js keeps its main database in a file that is a JavaScript array, copied whole each time
// it grows by 12.5% (for a moment, twice the index in memory) and written page by page at every
// commit. The heap grows in place, inserts are about twice as fast, and `export()` (a backup of
// `main` into one buffer, for the index cache) works the same.
//
// How: sql.js always opens a file by a name of its own, so the C connection is swapped: open
// `:memory:` through the exported `sqlite3_open`, read the new connection's pointer back through a
// bound blob, close the file connection and point the Database object at the new one. Every step
// is checked; if any fails, the ordinary file-backed database is returned (correct, slower).

import type { Database, SqlJsStatic } from 'sql.js';
import { cApi, pointers } from './fastInsert';

interface MemoryApi {
  _sqlite3_open(name: number, pp: number): number;
  _sqlite3_close_v2(db: number): number;
  _sqlite3_bind_blob(stmt: number, i: number, p: number, n: number, destructor: number): number;
  stringToNewUTF8(s: string): number;
}

export interface OpenedDatabase {
  db: Database;
  /** Whether the main database lives in the WebAssembly heap (false: the file-backed fallback). */
  inHeap: boolean;
}

export function openMemoryDatabase(SQL: SqlJsStatic): OpenedDatabase {
  const db = new SQL.Database();
  try {
    return { db, inHeap: swapToMemory(SQL, db) };
  } catch {
    // The swap got half-way: start again with an ordinary database.
    return { db: new SQL.Database(), inHeap: false };
  }
}

function swapToMemory(SQL: SqlJsStatic, db: Database): boolean {
  const api = cApi(SQL);
  const m = SQL as unknown as Partial<MemoryApi>;
  if (!api || typeof m._sqlite3_open !== 'function' || typeof m._sqlite3_close_v2 !== 'function') return false;
  if (typeof m._sqlite3_bind_blob !== 'function' || typeof m.stringToNewUTF8 !== 'function') return false;
  const mem = m as MemoryApi;
  const holder = db as unknown as { db: unknown };
  const fileConn = holder.db;
  if (typeof fileConn !== 'number') return false;
  const sql = 'SELECT ?';
  const stmt = db.prepare(sql);
  const pp = api._malloc(8);
  const name = mem.stringToNewUTF8(':memory:');
  let newConn: number;
  try {
    const ptrs = pointers(SQL, db, stmt, sql);
    if (!ptrs) return false;
    if (mem._sqlite3_open(name, pp) !== 0) return false;
    // Read the 4-byte pointer sqlite3_open wrote: bind that memory as a blob and select it.
    mem._sqlite3_bind_blob(ptrs.stmt, 1, pp, 4, 0);
    if (!stmt.step()) return false;
    const blob = stmt.get()[0];
    if (!(blob instanceof Uint8Array) || blob.length !== 4) return false;
    newConn = new DataView(blob.buffer, blob.byteOffset, 4).getInt32(0, true);
    if (newConn === 0) return false;
  } finally {
    stmt.free();
    api._free(pp);
    api._free(name);
  }
  mem._sqlite3_close_v2(fileConn);
  holder.db = newConn;
  const file = db.exec('PRAGMA database_list')[0]?.values.find((r) => r[1] === 'main')?.[2];
  if (file !== '') throw new Error('swapped connection is not in memory');
  return true;
}
