// What the SQL compiler targets: table and column names for spans, runs and the search side
// tables, one mapping per store. Names here are code, never input; they are still checked
// to be plain identifiers before they reach SQL text.

export type Dialect = 'sqlite' | 'postgres';

export interface SpanColumns {
  /** Table name, optionally schema-qualified (`tracelens.spans`). */
  table: string;
  /** Integer row key the side tables point to (`span_fts.docid`, `span_attrs.span_pk`…). */
  pk: string;
  sourceId: string;
  traceId: string;
  spanId: string;
  name: string;
  kind: string;
  status: string;
  /**
   * Start and end in nanoseconds. SQLite: 20-digit zero-padded decimal TEXT (ordered as text).
   * PostgreSQL: a numeric type (NUMERIC(20,0) or BIGINT).
   */
  startNs: string;
  endNs: string;
  /** A stored duration in nanoseconds (INTEGER / NUMERIC); computed from start and end when absent. */
  durationNs?: string;
  /** The model that answered (or the requested one when the response does not say). */
  model: string;
  /** The requested model, when stored apart; `model:` matches either. */
  requestModel?: string;
  provider: string;
  service: string;
  sessionId: string;
  userId: string;
  templateName: string;
  templateVersion: string;
  /** Also matched by `template:` when present. */
  templatePath?: string;
  inputTokens: string;
  outputTokens: string;
  cost: string;
  guardsFailed: string;
  negativeFeedback: string;
  positiveFeedback: string;
}

export interface RunColumns {
  table: string;
  sourceId: string;
  traceId: string;
  /** Same encoding as the spans' start. */
  startNs: string;
  /** The run's key where runs are keyed by a trace number (SQLite), not by (source, trace id). */
  traceNo?: string;
}

export interface SearchSchema {
  spans: SpanColumns;
  runs: RunColumns;
  /**
   * Where spans are keyed by a trace number instead of the trace id (SQLite: its indexes are),
   * the table that numbers trace ids and the spans' column holding the number.
   */
  traceNumbers?: { table: string; traceId: string; traceNo: string; spansTraceNo: string };
  /**
   * Full text, one row per span. SQLite: an FTS4 table, `key` = `docid`, `match` = the table's
   * own name (`span_fts MATCH ?`). PostgreSQL: `match` is a tsvector column.
   */
  text: { table: string; key: string; match: string };
  /** Flattened span + resource attributes: one row per key. `num` holds numeric values. */
  attrs: { table: string; spanPk: string; key: string; value: string; num: string };
  /** One row per guard result on a span. `passed` is 0/1 (SQLite) or boolean (PostgreSQL). */
  guards: { table: string; spanPk: string; name: string; passed: string };
  /** Names of the tools a span ran (tool spans) or asked for (LLM tool calls). */
  tools: { table: string; spanPk: string; name: string };
  /** PostgreSQL text-search configuration for the query side; must match the one that built `tsv`. */
  textSearchConfig?: string;
}

const SPANS_COMMON: Omit<SpanColumns, 'table'> = {
  pk: 'id',
  sourceId: 'source_id',
  traceId: 'trace_id',
  spanId: 'span_id',
  name: 'name',
  kind: 'kind',
  status: 'status',
  startNs: 'start_ns',
  endNs: 'end_ns',
  durationNs: 'duration_ns',
  model: 'model',
  requestModel: 'request_model',
  provider: 'provider',
  service: 'service',
  sessionId: 'session_id',
  userId: 'user_id',
  templateName: 'template_name',
  templateVersion: 'template_version',
  templatePath: 'template_path',
  inputTokens: 'input_tokens',
  outputTokens: 'output_tokens',
  cost: 'cost',
  guardsFailed: 'guards_failed',
  negativeFeedback: 'negative_feedback',
  positiveFeedback: 'positive_feedback',
};

export const SQLITE_SEARCH_SCHEMA: SearchSchema = {
  spans: { table: 'spans', ...SPANS_COMMON },
  runs: { table: 'runs', sourceId: 'source_id', traceId: 'trace_id', startNs: 'start_ns', traceNo: 'trace_no' },
  traceNumbers: { table: 'traces', traceId: 'trace_id', traceNo: 'trace_no', spansTraceNo: 'trace_no' },
  text: { table: 'span_fts', key: 'docid', match: 'span_fts' },
  attrs: { table: 'span_attrs', spanPk: 'span_pk', key: 'key', value: 'value', num: 'num' },
  guards: { table: 'span_guards', spanPk: 'span_pk', name: 'name', passed: 'passed' },
  tools: { table: 'span_tools', spanPk: 'span_pk', name: 'name' },
};

export const POSTGRES_SEARCH_SCHEMA: SearchSchema = {
  spans: { table: 'tracelens.spans', ...SPANS_COMMON },
  runs: { table: 'tracelens.runs', sourceId: 'source_id', traceId: 'trace_id', startNs: 'start_ns' },
  text: { table: 'tracelens.span_text', key: 'span_pk', match: 'tsv' },
  attrs: { table: 'tracelens.span_attrs', spanPk: 'span_pk', key: 'key', value: 'value', num: 'num' },
  guards: { table: 'tracelens.span_guards', spanPk: 'span_pk', name: 'name', passed: 'passed' },
  tools: { table: 'tracelens.span_tools', spanPk: 'span_pk', name: 'name' },
  textSearchConfig: 'tracelens.search',
};

export const defaultSearchSchema = (dialect: Dialect): SearchSchema =>
  dialect === 'sqlite' ? SQLITE_SEARCH_SCHEMA : POSTGRES_SEARCH_SCHEMA;

/**
 * The search side tables for the embedded index, beside `spans` (which needs, in addition to
 * today's columns: `id INTEGER PRIMARY KEY`, `session_id TEXT`, `user_id TEXT`,
 * `request_model TEXT`, `duration_ns INTEGER`; see docs/search.md). FTS4 rather than FTS5: the npm sql.js build has
 * only FTS3/4 (with the enhanced query syntax). Not contentless: contentless FTS4 rows cannot
 * be deleted, and sources are removed one at a time. `database` names an attached database
 * (`idx`) to create them in; queries then use the unqualified names.
 */
export function sqliteSearchDdl(database?: string): string {
  if (database !== undefined && !/^[A-Za-z_][A-Za-z0-9_]*$/.test(database))
    throw new Error(`not a database name: ${JSON.stringify(database)}`);
  const db = database ? `${database}.` : '';
  return `
CREATE VIRTUAL TABLE IF NOT EXISTS ${db}span_fts USING fts4(name, input, output, tools, tokenize=unicode61 "remove_diacritics=2", matchinfo=fts3);
CREATE TABLE IF NOT EXISTS ${db}span_attrs (
  span_pk INTEGER NOT NULL,
  key TEXT NOT NULL,
  value TEXT NOT NULL,
  num REAL
);
CREATE INDEX IF NOT EXISTS ${db}span_attrs_by_value ON span_attrs (key, value COLLATE NOCASE, span_pk);
CREATE INDEX IF NOT EXISTS ${db}span_attrs_by_num ON span_attrs (key, num, span_pk) WHERE num IS NOT NULL;
CREATE INDEX IF NOT EXISTS ${db}span_attrs_by_span ON span_attrs (span_pk);
CREATE TABLE IF NOT EXISTS ${db}span_guards (
  span_pk INTEGER NOT NULL,
  name TEXT NOT NULL,
  passed INTEGER NOT NULL,
  action TEXT
);
CREATE INDEX IF NOT EXISTS ${db}span_guards_by_name ON span_guards (name COLLATE NOCASE, span_pk);
CREATE INDEX IF NOT EXISTS ${db}span_guards_by_span ON span_guards (span_pk);
CREATE TABLE IF NOT EXISTS ${db}span_tools (
  span_pk INTEGER NOT NULL,
  name TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS ${db}span_tools_by_name ON span_tools (name COLLATE NOCASE, span_pk);
CREATE INDEX IF NOT EXISTS ${db}span_tools_by_span ON span_tools (span_pk);
`;
}

export const SQLITE_SEARCH_DDL = sqliteSearchDdl();

/**
 * The same side tables in the team store (schema `tracelens`), for a `tracelens.spans` with
 * `id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY` (full DDL in docs/search.md). The
 * tsvector is built by the store as
 * `setweight(to_tsvector('tracelens.search', name), 'A') || to_tsvector('tracelens.search', input) || …`
 * where `tracelens.search` is `simple` plus `unaccent` (trusted since PostgreSQL 13), so `cafe`
 * finds `Café` as it does in SQLite's `unicode61 remove_diacritics=2`.
 * Field values are matched with ILIKE; where `pg_trgm` may be created, trigram GIN indexes
 * (`USING GIN (value gin_trgm_ops)`) serve every wildcard position (docs/search.md).
 */
export const POSTGRES_SEARCH_DDL = `
CREATE EXTENSION IF NOT EXISTS unaccent;
DO $$ BEGIN
  CREATE TEXT SEARCH CONFIGURATION tracelens.search (COPY = pg_catalog.simple);
  ALTER TEXT SEARCH CONFIGURATION tracelens.search ALTER MAPPING FOR asciiword, asciihword, hword_asciipart, hword, hword_part, word WITH unaccent, simple;
EXCEPTION WHEN duplicate_object THEN NULL;
END $$;
CREATE TABLE IF NOT EXISTS tracelens.span_text (
  span_pk BIGINT PRIMARY KEY REFERENCES tracelens.spans (id) ON DELETE CASCADE,
  tsv tsvector NOT NULL
);
CREATE INDEX IF NOT EXISTS span_text_tsv ON tracelens.span_text USING GIN (tsv);
CREATE TABLE IF NOT EXISTS tracelens.span_attrs (
  span_pk BIGINT NOT NULL REFERENCES tracelens.spans (id) ON DELETE CASCADE,
  key TEXT NOT NULL,
  value TEXT NOT NULL,
  num DOUBLE PRECISION
);
CREATE INDEX IF NOT EXISTS span_attrs_by_key ON tracelens.span_attrs (key, span_pk);
CREATE INDEX IF NOT EXISTS span_attrs_by_num ON tracelens.span_attrs (key, num, span_pk) WHERE num IS NOT NULL;
CREATE INDEX IF NOT EXISTS span_attrs_by_span ON tracelens.span_attrs (span_pk);
CREATE TABLE IF NOT EXISTS tracelens.span_guards (
  span_pk BIGINT NOT NULL REFERENCES tracelens.spans (id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  passed BOOLEAN NOT NULL,
  action TEXT
);
CREATE INDEX IF NOT EXISTS span_guards_by_name ON tracelens.span_guards (name, span_pk);
CREATE INDEX IF NOT EXISTS span_guards_by_span ON tracelens.span_guards (span_pk);
CREATE TABLE IF NOT EXISTS tracelens.span_tools (
  span_pk BIGINT NOT NULL REFERENCES tracelens.spans (id) ON DELETE CASCADE,
  name TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS span_tools_by_name ON tracelens.span_tools (name, span_pk);
CREATE INDEX IF NOT EXISTS span_tools_by_span ON tracelens.span_tools (span_pk);
`;
