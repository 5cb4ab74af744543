// Rows of the team store ↔ the store's row types. pg returns NUMERIC and BIGINT as strings
// (exact), so times become bigints and counts numbers here.

import type { RunRow, SourceRow, SpanRow } from '../traceStore';

export type PgRow = Record<string, unknown>;

const opt = <T>(v: unknown): T | undefined => (v === null || v === undefined ? undefined : (v as T));
const optNum = (v: unknown): number | undefined => (v === null || v === undefined ? undefined : Number(v));

export function toSourceRow(r: PgRow): SourceRow {
  return {
    id: Number(r.id),
    uri: String(r.uri),
    label: String(r.label),
    format: String(r.format) as SourceRow['format'],
    bytes: Number(r.bytes),
    mtimeMs: optNum(r.mtime_ms),
    spanCount: Number(r.span_count),
    traceCount: Number(r.trace_count),
    state: String(r.state) as SourceRow['state'],
  };
}

export function toRunRow(r: PgRow): RunRow {
  return {
    sourceId: Number(r.source_id),
    traceId: String(r.trace_id),
    rootSpanId: String(r.root_span_id),
    name: String(r.name),
    kind: String(r.kind) as RunRow['kind'],
    startNs: BigInt(String(r.start_ns)),
    endNs: BigInt(String(r.end_ns)),
    spanCount: Number(r.span_count),
    errorCount: Number(r.error_count),
    llmCount: Number(r.llm_count),
    inputTokens: Number(r.input_tokens),
    outputTokens: Number(r.output_tokens),
    cost: Number(r.cost),
    guardsFailed: Number(r.guards_failed),
    negativeFeedback: Number(r.negative_feedback),
    positiveFeedback: Number(r.positive_feedback),
    models: Array.isArray(r.models) ? r.models.map(String) : [],
    rootCount: Number(r.root_count),
    preview: opt<string>(r.preview),
  };
}

export function toSpanRow(r: PgRow): SpanRow {
  return {
    sourceId: Number(r.source_id),
    traceId: String(r.trace_id),
    spanId: String(r.span_id),
    parentId: opt<string>(r.parent_id),
    name: String(r.name),
    kind: String(r.kind) as SpanRow['kind'],
    startNs: BigInt(String(r.start_ns)),
    endNs: BigInt(String(r.end_ns)),
    status: String(r.status) as SpanRow['status'],
    statusMessage: opt<string>(r.status_message),
    service: opt<string>(r.service),
    provider: opt<string>(r.provider),
    model: opt<string>(r.model),
    inputTokens: optNum(r.input_tokens),
    outputTokens: optNum(r.output_tokens),
    cost: optNum(r.cost),
    templateName: opt<string>(r.template_name),
    templateVersion: opt<string>(r.template_version),
    templatePath: opt<string>(r.template_path),
    codeFile: opt<string>(r.code_file),
    codeLine: optNum(r.code_line),
    codeFunction: opt<string>(r.code_function),
    guardsFailed: Number(r.guards_failed),
    guardAction: opt<string>(r.guard_action),
    negativeFeedback: Number(r.negative_feedback),
    positiveFeedback: Number(r.positive_feedback),
    childCount: Number(r.child_count),
  };
}

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
