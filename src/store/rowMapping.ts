// Store rows → the store's row types, for both stores: sql.js gives numbers and text, pg gives
// NUMERIC/BIGINT as exact strings; times become bigints and counts numbers either way.

import type { RunRow, SourceRow, SpanRow } from './traceStore';

type AnyRow = Record<string, unknown>;

export const optValue = <T>(v: unknown): T | undefined => (v === null || v === undefined ? undefined : (v as T));
export const optNumber = (v: unknown): number | undefined => (v === null || v === undefined ? undefined : Number(v));

/** A `runs` row; `models` is decoded by the caller (JSON text in SQLite, an array in PostgreSQL). */
export function runRowOf(r: AnyRow, sourceId: number, models: string[]): RunRow {
  return {
    sourceId,
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
    models,
    rootCount: Number(r.root_count),
    preview: optValue<string>(r.preview),
  };
}

/** A `spans` row (byte ranges only where the store keeps them: the embedded index). */
export function spanRowOf(r: AnyRow, sourceId: number): SpanRow {
  const row: SpanRow = {
    sourceId,
    traceId: String(r.trace_id),
    spanId: String(r.span_id),
    parentId: optValue<string>(r.parent_id),
    name: String(r.name),
    kind: String(r.kind) as SpanRow['kind'],
    startNs: BigInt(String(r.start_ns)),
    endNs: BigInt(String(r.end_ns)),
    status: String(r.status) as SpanRow['status'],
    statusMessage: optValue<string>(r.status_message),
    service: optValue<string>(r.service),
    provider: optValue<string>(r.provider),
    model: optValue<string>(r.model),
    inputTokens: optNumber(r.input_tokens),
    outputTokens: optNumber(r.output_tokens),
    cost: optNumber(r.cost),
    templateName: optValue<string>(r.template_name),
    templateVersion: optValue<string>(r.template_version),
    templatePath: optValue<string>(r.template_path),
    codeFile: optValue<string>(r.code_file),
    codeLine: optNumber(r.code_line),
    codeFunction: optValue<string>(r.code_function),
    guardsFailed: Number(r.guards_failed),
    guardAction: optValue<string>(r.guard_action),
    negativeFeedback: Number(r.negative_feedback),
    positiveFeedback: Number(r.positive_feedback),
    // While a source loads, child counts are counted on the fly (`live_children`).
    childCount: r.live_children !== undefined ? Number(r.live_children) : Number(r.child_count),
  };
  if ('byte_start' in r) {
    row.byteStart = optNumber(r.byte_start);
    row.byteEnd = optNumber(r.byte_end);
    row.line = optNumber(r.line);
  }
  return row;
}

/** A `sources` row under the id callers know the source by. */
export function sourceRowOf(r: AnyRow, id: number): SourceRow {
  const row: SourceRow = {
    id,
    uri: String(r.uri),
    label: String(r.label),
    format: String(r.format) as SourceRow['format'],
    bytes: Number(r.bytes),
    mtimeMs: optNumber(r.mtime_ms),
    spanCount: Number(r.span_count),
    traceCount: Number(r.trace_count),
    state: String(r.state) as SourceRow['state'],
  };
  if ('indexed_bytes' in r) row.indexedBytes = optNumber(r.indexed_bytes);
  return row;
}
