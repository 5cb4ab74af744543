// The proposed PostgreSQL tables for search (docs/search.md) and a loader for the fixture spans,
// over a minimal client interface so this file needs no PostgreSQL driver to compile.

import type { Span } from '../../../src/core/model/span';
import { spanSearchRows } from '../../../src/core/query/searchRows';
import { POSTGRES_SEARCH_DDL } from '../../../src/core/query/searchSchema';
import { isNegative, isPositive, summarizeRuns } from '../../../src/core/trace/runs';

export interface PgLike {
  query(sql: string, params?: unknown[]): Promise<{ rows: Record<string, unknown>[] }>;
}

export const POSTGRES_SPANS_DDL = `
CREATE SCHEMA IF NOT EXISTS tracelens;
CREATE TABLE IF NOT EXISTS tracelens.runs (
  source_id BIGINT NOT NULL,
  trace_id TEXT NOT NULL,
  root_span_id TEXT NOT NULL,
  name TEXT NOT NULL,
  start_ns NUMERIC(20,0) NOT NULL,
  end_ns NUMERIC(20,0) NOT NULL,
  span_count INTEGER NOT NULL,
  PRIMARY KEY (source_id, trace_id)
);
CREATE INDEX IF NOT EXISTS runs_by_start ON tracelens.runs (start_ns, source_id, trace_id);
CREATE TABLE IF NOT EXISTS tracelens.spans (
  id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  source_id BIGINT NOT NULL,
  trace_id TEXT NOT NULL,
  span_id TEXT NOT NULL,
  parent_id TEXT,
  name TEXT NOT NULL,
  kind TEXT NOT NULL,
  start_ns NUMERIC(20,0) NOT NULL,
  end_ns NUMERIC(20,0) NOT NULL,
  duration_ns NUMERIC(20,0) GENERATED ALWAYS AS (end_ns - start_ns) STORED,
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
  cost DOUBLE PRECISION,
  template_name TEXT,
  template_version TEXT,
  template_path TEXT,
  guards_failed INTEGER NOT NULL,
  negative_feedback INTEGER NOT NULL,
  positive_feedback INTEGER NOT NULL,
  UNIQUE (source_id, trace_id, span_id)
);
CREATE INDEX IF NOT EXISTS spans_by_start ON tracelens.spans (start_ns, source_id, trace_id, span_id);
`;

export async function createPgTables(db: PgLike): Promise<void> {
  await db.query(POSTGRES_SPANS_DDL);
  await db.query(POSTGRES_SEARCH_DDL);
}

export async function insertSpansPg(db: PgLike, sourceId: number, spans: Span[]): Promise<void> {
  for (const r of summarizeRuns(spans)) {
    await db.query('INSERT INTO tracelens.runs VALUES ($1, $2, $3, $4, $5, $6, $7)', [
      sourceId,
      r.traceId,
      r.rootSpanId,
      r.name,
      r.startNs.toString(),
      r.endNs.toString(),
      r.spanCount,
    ]);
  }
  for (const s of spans) {
    const { rows } = await db.query(
      `INSERT INTO tracelens.spans (source_id, trace_id, span_id, parent_id, name, kind, start_ns, end_ns, status, status_message,
        service, session_id, user_id, provider, model, request_model, input_tokens, output_tokens, cost, template_name,
        template_version, template_path, guards_failed, negative_feedback, positive_feedback)
       VALUES (${Array.from({ length: 25 }, (_, i) => `$${i + 1}`).join(', ')}) RETURNING id`,
      [
        sourceId,
        s.traceId,
        s.spanId,
        s.parentId ?? null,
        s.name,
        s.kind,
        s.startNs.toString(),
        s.endNs.toString(),
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
    const pk = rows[0].id;
    const r = spanSearchRows(s);
    await db.query(
      `INSERT INTO tracelens.span_text VALUES ($1, setweight(to_tsvector('tracelens.search', $2), 'A')
        || to_tsvector('tracelens.search', $3) || to_tsvector('tracelens.search', $4) || to_tsvector('tracelens.search', $5))`,
      [pk, r.text.name, r.text.input, r.text.output, r.text.tools],
    );
    for (const a of r.attrs) await db.query('INSERT INTO tracelens.span_attrs VALUES ($1, $2, $3, $4)', [pk, a.key, a.value, a.num]);
    for (const g of r.guards) await db.query('INSERT INTO tracelens.span_guards VALUES ($1, $2, $3, $4)', [pk, g.name, g.passed, g.action]);
    for (const t of r.tools) await db.query('INSERT INTO tracelens.span_tools VALUES ($1, $2)', [pk, t]);
  }
}
