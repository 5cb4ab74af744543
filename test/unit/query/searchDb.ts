// An in-memory sql.js database with the tables search needs (the proposal in docs/search.md:
// `spans` with an integer key, session/user and a stored duration, plus the side tables from
// SQLITE_SEARCH_DDL), filled from model spans through spanSearchRows: what the store will do.

import type { Database, SqlJsStatic, SqlValue } from 'sql.js';
import type { Span } from '../../../src/core/model/span';
import type { CompiledSql } from '../../../src/core/query/compileSql';
import { spanSearchRows } from '../../../src/core/query/searchRows';
import { sqliteSearchDdl } from '../../../src/core/query/searchSchema';
import { isNegative, isPositive, summarizeRuns } from '../../../src/core/trace/runs';

/** `runs` (the columns search reads) and `spans` as proposed, optionally in an attached database. */
export const sqliteSpansDdl = (database?: string): string => {
  const db = database ? `${database}.` : '';
  return `
CREATE TABLE IF NOT EXISTS ${db}runs (
  source_id INTEGER NOT NULL,
  trace_id TEXT NOT NULL,
  root_span_id TEXT NOT NULL,
  name TEXT NOT NULL,
  start_ns TEXT NOT NULL,
  end_ns TEXT NOT NULL,
  span_count INTEGER NOT NULL,
  -- keyed by the trace's number, as the embedded store's runs are (schema 6)
  trace_no INTEGER PRIMARY KEY
);
CREATE INDEX IF NOT EXISTS ${db}runs_by_start ON runs (start_ns, source_id, trace_id);
CREATE TABLE IF NOT EXISTS ${db}traces (
  trace_no INTEGER PRIMARY KEY,
  trace_id TEXT NOT NULL UNIQUE
);
CREATE TABLE IF NOT EXISTS ${db}spans (
  id INTEGER PRIMARY KEY,
  source_id INTEGER NOT NULL,
  trace_no INTEGER NOT NULL,
  trace_id TEXT NOT NULL,
  span_id TEXT NOT NULL,
  parent_id TEXT,
  name TEXT NOT NULL,
  kind TEXT NOT NULL,
  start_ns TEXT NOT NULL,
  end_ns TEXT NOT NULL,
  duration_ns INTEGER NOT NULL,
  status TEXT NOT NULL,
  status_message TEXT,
  service TEXT,
  session_id TEXT,
  user_id TEXT,
  provider TEXT,
  model TEXT,
  request_model TEXT,
  input_tokens INTEGER,
  output_tokens INTEGER,
  cost REAL,
  template_name TEXT,
  template_version TEXT,
  template_path TEXT,
  guards_failed INTEGER NOT NULL,
  negative_feedback INTEGER NOT NULL,
  positive_feedback INTEGER NOT NULL,
  UNIQUE (trace_no, span_id)
);
CREATE INDEX IF NOT EXISTS ${db}spans_by_start ON spans (start_ns, source_id, trace_id, span_id);
`;
};

export const padNs = (ns: bigint): string => ns.toString().padStart(20, '0');

export type Row = Record<string, SqlValue>;

/** With `attached`, the tables live in an attached in-memory database of that name (as the store keeps them). */
export async function openSearchDb(attached?: string): Promise<Database> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const initSqlJs = require('sql.js') as (config?: { locateFile?: (file: string) => string }) => Promise<SqlJsStatic>;
  const SQL = await initSqlJs({ locateFile: () => require.resolve('sql.js/dist/sql-wasm.wasm') });
  const db = new SQL.Database();
  if (attached) db.exec(`ATTACH DATABASE ':memory:' AS ${attached}`);
  db.exec(sqliteSpansDdl(attached));
  db.exec(sqliteSearchDdl(attached));
  return db;
}

export function insertSpans(db: Database, sourceId: number, spans: Span[]): void {
  for (const s of spans) db.run('INSERT OR IGNORE INTO traces (trace_id) VALUES (?)', [s.traceId]);
  for (const r of summarizeRuns(spans)) {
    db.run('INSERT INTO runs VALUES (?,?,?,?,?,?,?, (SELECT trace_no FROM traces WHERE trace_id = ?))', [
      sourceId,
      r.traceId,
      r.rootSpanId,
      r.name,
      padNs(r.startNs),
      padNs(r.endNs),
      r.spanCount,
      r.traceId,
    ]);
  }
  for (const s of spans) {
    db.run(
      `INSERT INTO spans (source_id, trace_no, trace_id, span_id, parent_id, name, kind, start_ns, end_ns, duration_ns, status, status_message,
        service, session_id, user_id, provider, model, request_model, input_tokens, output_tokens, cost, template_name, template_version,
        template_path, guards_failed, negative_feedback, positive_feedback) VALUES (?, (SELECT trace_no FROM traces WHERE trace_id = ?), ${new Array(25).fill('?').join(',')})`,
      [
        sourceId,
        s.traceId,
        s.traceId,
        s.spanId,
        s.parentId ?? null,
        s.name,
        s.kind,
        padNs(s.startNs),
        padNs(s.endNs),
        Number(s.endNs - s.startNs),
        s.status,
        s.statusMessage ?? null,
        s.service ?? null,
        s.sessionId ?? null,
        s.userId ?? null,
        s.model?.provider ?? null,
        s.model?.returned ?? s.model?.requested ?? null,
        s.model?.requested ?? null,
        s.usage?.input ?? null,
        s.usage?.output ?? null,
        s.cost ?? null,
        s.template?.name ?? null,
        s.template?.version ?? null,
        s.template?.path ?? null,
        s.guards?.filter((g) => !g.passed).length ?? 0,
        s.feedback?.filter(isNegative).length ?? 0,
        s.feedback?.filter(isPositive).length ?? 0,
      ],
    );
    const pk = Number(db.exec('SELECT last_insert_rowid()')[0].values[0][0]);
    const rows = spanSearchRows(s);
    db.run('INSERT INTO span_fts (docid, name, input, output, tools) VALUES (?,?,?,?,?)', [
      pk,
      rows.text.name,
      rows.text.input,
      rows.text.output,
      rows.text.tools,
    ]);
    for (const a of rows.attrs) db.run('INSERT INTO span_attrs VALUES (?,?,?,?)', [pk, a.key, a.value, a.num]);
    for (const g of rows.guards) db.run('INSERT INTO span_guards VALUES (?,?,?,?)', [pk, g.name, g.passed ? 1 : 0, g.action]);
    for (const t of rows.tools) db.run('INSERT INTO span_tools VALUES (?,?)', [pk, t]);
  }
}

export function all(db: Database, q: CompiledSql): Row[] {
  const stmt = db.prepare(q.sql);
  try {
    stmt.bind(q.params as SqlValue[]);
    const rows: Row[] = [];
    while (stmt.step()) rows.push(stmt.getAsObject() as Row);
    return rows;
  } finally {
    stmt.free();
  }
}
