// Schema of the embedded index: one database per source (see sqlJsStore.ts). Times are
// 20-digit zero-padded decimal text: exact past 2^53 and ordered correctly as text.

import { sqliteSearchDdl } from '../core/query/searchSchema';

/**
 * 3: search (request_model, duration_ns, the span_fts/attrs/guards/tools side tables).
 * 4: the search tables may be built after the load (sources.search_state, offered_rows,
 *    span_refused); slimmer search rows (sqlJsSearchRows.ts).
 * 5: spans are keyed by a trace number (`traces`), not the trace id's text, in their indexes.
 * 6: runs too: `runs.trace_no` is the row's key, and nothing indexes runs by trace id.
 */
export const SCHEMA_VERSION = 6;

export const SCHEMA = `
CREATE TABLE IF NOT EXISTS sources (
  id INTEGER PRIMARY KEY,
  uri TEXT NOT NULL,
  label TEXT NOT NULL,
  format TEXT NOT NULL,
  bytes INTEGER NOT NULL,
  mtime_ms REAL,
  span_count INTEGER NOT NULL DEFAULT 0,
  trace_count INTEGER NOT NULL DEFAULT 0,
  -- loading | complete | partial (cancelled or failed: what was read is kept)
  state TEXT NOT NULL DEFAULT 'complete',
  indexed_bytes INTEGER,
  -- ready: the search tables hold every span; pending: they are built after the load
  -- (sqlJsSearchBuild.ts), from a second pass over the source
  search_state TEXT NOT NULL DEFAULT 'ready',
  -- rows the producer offered, in file order (stored + refused as duplicate ids): the second
  -- pass names spans by this position
  offered_rows INTEGER
);
-- Offered rows refused as duplicate ids: kept under a new id ("<id>~<n>", span_pk) or dropped
-- as a re-delivery (NULL). With offered_rows, turns a position into spans.id.
CREATE TABLE IF NOT EXISTS span_refused (
  position INTEGER PRIMARY KEY,
  span_pk INTEGER
);
CREATE TABLE IF NOT EXISTS runs (
  source_id INTEGER NOT NULL,
  trace_id TEXT NOT NULL,
  root_span_id TEXT NOT NULL,
  name TEXT NOT NULL,
  kind TEXT NOT NULL,
  start_ns TEXT NOT NULL,
  end_ns TEXT NOT NULL,
  span_count INTEGER NOT NULL,
  error_count INTEGER NOT NULL,
  llm_count INTEGER NOT NULL,
  input_tokens INTEGER NOT NULL,
  output_tokens INTEGER NOT NULL,
  cost REAL NOT NULL,
  guards_failed INTEGER NOT NULL,
  negative_feedback INTEGER NOT NULL,
  positive_feedback INTEGER NOT NULL,
  models TEXT NOT NULL,
  root_count INTEGER NOT NULL,
  preview TEXT,
  -- start of the span chosen as root (runs are merged batch by batch while a file loads)
  root_start_ns TEXT,
  -- The trace's number (\`traces\`): runs are added in file order, so a new run is an append; a
  -- key of trace ids made each one a random B-tree insert (~0.4 µs a span on a 1 GB load). Find
  -- a run by id through \`trace_no = (SELECT trace_no FROM traces WHERE trace_id = ?)\`.
  trace_no INTEGER PRIMARY KEY
);
CREATE INDEX IF NOT EXISTS runs_by_start ON runs (source_id, start_ns, trace_id);
-- Trace ids numbered in the order the source first names them. The spans' indexes are keyed by
-- this number: a 32-character random id in two indexes made every insert a random B-tree
-- insert of ~75-byte keys (the largest cost of a load, and ~60 bytes a span); numbers given in
-- file order make them near-appends of small keys. Look a span up by
-- \`trace_no = (SELECT trace_no FROM traces WHERE trace_id = ?)\` (TRACE_NO_OF below).
CREATE TABLE IF NOT EXISTS traces (
  trace_no INTEGER PRIMARY KEY,
  trace_id TEXT NOT NULL UNIQUE
);
CREATE TABLE IF NOT EXISTS spans (
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
  -- end - start, for \`latency>…\` without parsing the two texts per row
  duration_ns INTEGER,
  status TEXT NOT NULL,
  status_message TEXT,
  service TEXT,
  session_id TEXT,
  user_id TEXT,
  provider TEXT,
  model TEXT,
  -- the requested model, only where it differs from \`model\` (which is the answering one)
  request_model TEXT,
  input_tokens INTEGER,
  output_tokens INTEGER,
  cost REAL,
  template_name TEXT,
  template_version TEXT,
  template_path TEXT,
  code_file TEXT,
  code_line INTEGER,
  code_function TEXT,
  guards_failed INTEGER NOT NULL,
  guard_action TEXT,
  negative_feedback INTEGER NOT NULL,
  positive_feedback INTEGER NOT NULL,
  child_count INTEGER NOT NULL,
  byte_start INTEGER,
  byte_end INTEGER,
  line INTEGER,
  -- the run's input in one line; only on spans that may be a run's root
  preview TEXT
);
CREATE UNIQUE INDEX IF NOT EXISTS spans_by_id ON spans (trace_no, span_id);
-- Children are few per parent: sorting them by start when asked costs less than keeping start
-- in every index entry (21 bytes a span; ~5% of a load's store work).
CREATE INDEX IF NOT EXISTS spans_by_parent ON spans (trace_no, parent_id);
CREATE TABLE IF NOT EXISTS contexts (
  source_id INTEGER NOT NULL,
  byte_start INTEGER NOT NULL,
  byte_end INTEGER NOT NULL,
  resource TEXT,
  scope TEXT
);
CREATE INDEX IF NOT EXISTS contexts_by_start ON contexts (source_id, byte_start);
${searchTablesDdl()}`;

/** The trace number of the trace id `param` (an SQL expression: a parameter or a column). */
export const traceNoOf = (param: string): string => `(SELECT trace_no FROM traces WHERE trace_id = ${param})`;

export const padNs = (ns: bigint): string => ns.toString().padStart(20, '0');

/** Empties the search side tables (a contentless FTS4 table cannot delete rows: it is made anew). */
export const DROP_SEARCH_TABLES =
  'DROP TABLE IF EXISTS span_fts; DROP VIEW IF EXISTS span_attrs; DROP TABLE IF EXISTS span_attr_rows; DROP TABLE IF EXISTS attr_keys; ' +
  'DROP TABLE IF EXISTS resources; DROP TABLE IF EXISTS resource_attr_rows; DROP TABLE IF EXISTS span_resources; ' +
  'DROP TABLE IF EXISTS span_guards; DROP TABLE IF EXISTS span_tools;';

/**
 * The search side tables (what src/core/query/compileSql.ts targets), shaped for a database that
 * holds one source and never deletes a row (a source goes away with its database):
 * - span_fts is contentless FTS4: MATCH and docid are all search needs, and the text itself
 *   stays in the source file, so the index keeps only the term lists;
 * - span_attrs is a view over span_attr_rows, whose key is a number from attr_keys: the rows are
 *   a WITHOUT ROWID table keyed (key, value, span), and a key's text (~25 bytes) repeated in
 *   every row was half their size. SQLite flattens the view into the compiler's subqueries:
 *   `ta.key = ?` finds the key's number, then its rows by the primary key. Resource attributes
 *   are stored once per distinct resource (resource_attr_rows), and each span names its
 *   resource (span_resources): the view's second arm joins them back;
 * - span_tools is a WITHOUT ROWID table keyed for the lookup the compiler makes (name), so each
 *   row is stored once instead of once in the table and once per index;
 * - no by-span indexes: they serve deletes, and nothing here deletes; no index on attribute
 *   numbers either (`attr.k>n` reads the key's rows from the primary key): it cost ~175 B per
 *   span in the query bench, a twelfth of the index.
 * The index took ~2.1 KB per span in the query bench (FTS 40%, attributes 35%, spans 13%).
 * The columns and names are those of sqliteSearchDdl, which the rest follows.
 */
export function searchTablesDdl(): string {
  const ddl = sqliteSearchDdl();
  const fts = /CREATE VIRTUAL TABLE IF NOT EXISTS span_fts USING fts4\(name, input, output, tools, ([^\n]*)\);/.exec(ddl);
  if (!fts) throw new Error('sqliteSearchDdl changed: update the embedded search schema');
  return `
CREATE VIRTUAL TABLE IF NOT EXISTS span_fts USING fts4(content="", name, input, output, tools, ${fts[1]});
CREATE TABLE IF NOT EXISTS attr_keys (
  id INTEGER PRIMARY KEY,
  key TEXT NOT NULL UNIQUE
);
CREATE TABLE IF NOT EXISTS span_attr_rows (
  key_id INTEGER NOT NULL,
  value TEXT NOT NULL COLLATE NOCASE,
  span_pk INTEGER NOT NULL,
  num REAL,
  PRIMARY KEY (key_id, value, span_pk)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS resources (
  id INTEGER PRIMARY KEY,
  key TEXT NOT NULL UNIQUE
);
CREATE TABLE IF NOT EXISTS resource_attr_rows (
  key_id INTEGER NOT NULL,
  value TEXT NOT NULL COLLATE NOCASE,
  resource_id INTEGER NOT NULL,
  num REAL,
  PRIMARY KEY (key_id, value, resource_id)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS span_resources (
  resource_id INTEGER NOT NULL,
  span_pk INTEGER NOT NULL,
  PRIMARY KEY (resource_id, span_pk)
) WITHOUT ROWID;
CREATE VIEW IF NOT EXISTS span_attrs AS
  SELECT k.key AS key, a.value AS value, a.span_pk AS span_pk, a.num AS num FROM span_attr_rows a JOIN attr_keys k ON k.id = a.key_id
  UNION ALL
  SELECT k.key, r.value, sr.span_pk, r.num FROM resource_attr_rows r JOIN attr_keys k ON k.id = r.key_id
    JOIN span_resources sr ON sr.resource_id = r.resource_id;
CREATE TABLE IF NOT EXISTS span_guards (
  span_pk INTEGER NOT NULL,
  name TEXT NOT NULL,
  passed INTEGER NOT NULL,
  action TEXT
);
CREATE INDEX IF NOT EXISTS span_guards_by_name ON span_guards (name COLLATE NOCASE, span_pk);
CREATE TABLE IF NOT EXISTS span_tools (
  name TEXT NOT NULL COLLATE NOCASE,
  span_pk INTEGER NOT NULL,
  PRIMARY KEY (name, span_pk)
) WITHOUT ROWID;
`;
}
