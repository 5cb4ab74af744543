// Schema of the embedded index: one database per source (see sqlJsStore.ts). Times are
// 20-digit zero-padded decimal text: exact past 2^53 and ordered correctly as text.

export const SCHEMA_VERSION = 2;

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
  indexed_bytes INTEGER
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
  PRIMARY KEY (source_id, trace_id)
);
CREATE INDEX IF NOT EXISTS runs_by_start ON runs (source_id, start_ns, trace_id);
CREATE TABLE IF NOT EXISTS spans (
  id INTEGER PRIMARY KEY,
  source_id INTEGER NOT NULL,
  trace_id TEXT NOT NULL,
  span_id TEXT NOT NULL,
  parent_id TEXT,
  name TEXT NOT NULL,
  kind TEXT NOT NULL,
  start_ns TEXT NOT NULL,
  end_ns TEXT NOT NULL,
  status TEXT NOT NULL,
  status_message TEXT,
  service TEXT,
  session_id TEXT,
  user_id TEXT,
  provider TEXT,
  model TEXT,
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
CREATE UNIQUE INDEX IF NOT EXISTS spans_by_id ON spans (source_id, trace_id, span_id);
CREATE INDEX IF NOT EXISTS spans_by_parent ON spans (source_id, trace_id, parent_id, start_ns);
CREATE TABLE IF NOT EXISTS contexts (
  source_id INTEGER NOT NULL,
  byte_start INTEGER NOT NULL,
  byte_end INTEGER NOT NULL,
  resource TEXT,
  scope TEXT
);
CREATE INDEX IF NOT EXISTS contexts_by_start ON contexts (source_id, byte_start);
`;

export const padNs = (ns: bigint): string => ns.toString().padStart(20, '0');
