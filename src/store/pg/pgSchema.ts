// The team store's schema (PostgreSQL, schema `tracelens`) as numbered migrations. Each runs
// once, in its own transaction, recorded in `tracelens.migrations`; see pgMigrate.ts.
// The spans/runs columns are the ones the query compiler expects (POSTGRES_SEARCH_SCHEMA in
// src/core/query/searchSchema.ts, docs/search.md) plus what the tree and detail view need.

import { POSTGRES_SEARCH_DDL } from '../../core/query/searchSchema';

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'sources, spans and runs',
    sql: `
CREATE TABLE tracelens.sources (
  id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  -- what makes a push of the same source land on the same rows (its URI)
  key TEXT NOT NULL UNIQUE,
  uri TEXT NOT NULL,
  label TEXT NOT NULL,
  format TEXT NOT NULL,
  bytes BIGINT NOT NULL,
  mtime_ms DOUBLE PRECISION,
  span_count INTEGER NOT NULL DEFAULT 0,
  trace_count INTEGER NOT NULL DEFAULT 0,
  -- loading | complete | partial
  state TEXT NOT NULL DEFAULT 'loading',
  pushed_by TEXT NOT NULL DEFAULT current_user,
  pushed_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE TABLE tracelens.spans (
  id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  source_id BIGINT NOT NULL REFERENCES tracelens.sources (id) ON DELETE CASCADE,
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
  code_file TEXT,
  code_line INTEGER,
  code_function TEXT,
  guards_failed INTEGER NOT NULL,
  guard_action TEXT,
  -- feedback the source carried; the *_feedback columns add the marks given in TraceLens
  src_negative_feedback INTEGER NOT NULL,
  src_positive_feedback INTEGER NOT NULL,
  negative_feedback INTEGER NOT NULL,
  positive_feedback INTEGER NOT NULL,
  child_count INTEGER NOT NULL DEFAULT 0,
  -- the run's input in one line, on spans without a parent
  preview TEXT,
  -- the whole span as JSON (secrets masked, capped; see pgPayload.ts): teammates have no file
  payload TEXT,
  payload_truncated BOOLEAN NOT NULL DEFAULT FALSE,
  UNIQUE (source_id, trace_id, span_id)
);
CREATE INDEX spans_by_start ON tracelens.spans (start_ns, source_id, trace_id, span_id);
CREATE INDEX spans_by_parent ON tracelens.spans (source_id, trace_id, parent_id, start_ns, span_id);
CREATE TABLE tracelens.runs (
  source_id BIGINT NOT NULL REFERENCES tracelens.sources (id) ON DELETE CASCADE,
  trace_id TEXT NOT NULL,
  root_span_id TEXT NOT NULL,
  name TEXT NOT NULL,
  kind TEXT NOT NULL,
  start_ns NUMERIC(20,0) NOT NULL,
  end_ns NUMERIC(20,0) NOT NULL,
  span_count INTEGER NOT NULL,
  error_count INTEGER NOT NULL,
  llm_count INTEGER NOT NULL,
  input_tokens BIGINT NOT NULL,
  output_tokens BIGINT NOT NULL,
  cost DOUBLE PRECISION NOT NULL,
  guards_failed INTEGER NOT NULL,
  negative_feedback INTEGER NOT NULL,
  positive_feedback INTEGER NOT NULL,
  models TEXT[] NOT NULL,
  root_count INTEGER NOT NULL,
  preview TEXT,
  PRIMARY KEY (source_id, trace_id)
);
CREATE INDEX runs_by_source_start ON tracelens.runs (source_id, start_ns, trace_id);
CREATE INDEX runs_by_start ON tracelens.runs (start_ns, source_id, trace_id);
`,
  },
  {
    version: 2,
    name: 'search side tables',
    // unaccent goes into the tracelens schema when the database does not have it yet (the
    // migration runs with search_path = tracelens, public), so no CREATE right on public is needed.
    sql: POSTGRES_SEARCH_DDL,
  },
  {
    version: 3,
    name: 'feedback given in TraceLens',
    sql: `
CREATE TABLE tracelens.feedback (
  source_id BIGINT NOT NULL,
  trace_id TEXT NOT NULL,
  span_id TEXT NOT NULL,
  author TEXT NOT NULL,
  value TEXT NOT NULL CHECK (value IN ('positive', 'negative')),
  note TEXT,
  at_ms BIGINT NOT NULL,
  PRIMARY KEY (source_id, trace_id, span_id, author),
  FOREIGN KEY (source_id, trace_id, span_id) REFERENCES tracelens.spans (source_id, trace_id, span_id) ON DELETE CASCADE
);
`,
  },
];

export const LATEST_VERSION = MIGRATIONS[MIGRATIONS.length - 1].version;
