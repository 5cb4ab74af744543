// Row helpers shared by the embedded store and its source writer: one query helper and the
// mappings from sql.js rows to the store's row types.

import type { Database, SqlValue } from 'sql.js';
import type { RunRow, SourceRow, SpanRow } from './traceStore';
import type { SqlJsSourceWriter } from './sqlJsWriter';
import { runRowOf, sourceRowOf, spanRowOf } from './rowMapping';

export type Row = Record<string, SqlValue>;

export const opt = <T>(v: SqlValue): T | undefined => (v === null || v === undefined ? undefined : (v as T));

export function all(db: Database, sql: string, params: SqlValue[] = []): Row[] {
  const stmt = db.prepare(sql);
  try {
    stmt.bind(params);
    const rows: Row[] = [];
    while (stmt.step()) rows.push(stmt.getAsObject() as Row);
    return rows;
  } finally {
    stmt.free();
  }
}

/** One source's database. */
export interface SourceDb {
  /** The id callers use. */
  id: number;
  /** The `source_id` stored in this database's rows (differs from `id` after a reopen from cache). */
  internalId: number;
  db: Database;
  inHeap: boolean;
  writer?: SqlJsSourceWriter;
}

export const toRun = (r: Row, sourceId: number): RunRow => runRowOf(r, sourceId, JSON.parse(String(r.models)) as string[]);

export const toSpan = (r: Row, sourceId: number): SpanRow => spanRowOf(r, sourceId);

/** A `sources` row as the store reports it, under the id callers know the source by. */
export const toSourceRow = (id: number, r: Row): SourceRow => sourceRowOf(r, id);

/** Number trace ids not numbered yet (`traces`), in the order given: spans take their trace's number. */
export function numberTraces(db: Database, traceIds: Iterable<string>): void {
  const stmt = db.prepare('INSERT OR IGNORE INTO traces (trace_id) VALUES (?)');
  try {
    for (const t of traceIds) stmt.run([t]);
  } finally {
    stmt.free();
  }
}
