// Rows of the team store ↔ the store's row types. pg returns NUMERIC and BIGINT as strings
// (exact), so times become bigints and counts numbers here.

import { runRowOf, sourceRowOf, spanRowOf } from '../rowMapping';
import type { RunRow, SourceRow, SpanRow } from '../traceStore';

export type PgRow = Record<string, unknown>;

export const toSourceRow = (r: PgRow): SourceRow => sourceRowOf(r, Number(r.id));

export const toRunRow = (r: PgRow): RunRow => runRowOf(r, Number(r.source_id), Array.isArray(r.models) ? r.models.map(String) : []);

export const toSpanRow = (r: PgRow): SpanRow => spanRowOf(r, Number(r.source_id));

/** Span columns the tree and search read (everything but the payload). */
export const SPAN_ROW_COLUMNS = [
  'source_id',
  'trace_id',
  'span_id',
  'parent_id',
  'name',
  'kind',
  'start_ns',
  'end_ns',
  'status',
  'status_message',
  'service',
  'provider',
  'model',
  'input_tokens',
  'output_tokens',
  'cost',
  'template_name',
  'template_version',
  'template_path',
  'code_file',
  'code_line',
  'code_function',
  'guards_failed',
  'guard_action',
  'negative_feedback',
  'positive_feedback',
  'child_count',
] as const;
