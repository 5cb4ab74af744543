// Row helpers shared by the embedded store and its source writer: one query helper and the
// mappings from sql.js rows to the store's row types.

import type { Database, SqlValue } from 'sql.js';
import type { RunRow, SourceRow, SpanRow } from './traceStore';
import type { SqlJsSourceWriter } from './sqlJsWriter';

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

export function toRun(r: Row, sourceId: number): RunRow {
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
    models: JSON.parse(String(r.models)) as string[],
    rootCount: Number(r.root_count),
    preview: opt<string>(r.preview),
  };
}

export function toSpan(r: Row, sourceId: number): SpanRow {
  return {
    sourceId,
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
    inputTokens: opt<number>(r.input_tokens),
    outputTokens: opt<number>(r.output_tokens),
    cost: opt<number>(r.cost),
    templateName: opt<string>(r.template_name),
    templateVersion: opt<string>(r.template_version),
    templatePath: opt<string>(r.template_path),
    codeFile: opt<string>(r.code_file),
    codeLine: opt<number>(r.code_line),
    codeFunction: opt<string>(r.code_function),
    guardsFailed: Number(r.guards_failed),
    guardAction: opt<string>(r.guard_action),
    negativeFeedback: Number(r.negative_feedback),
    positiveFeedback: Number(r.positive_feedback),
    childCount: r.live_children !== undefined ? Number(r.live_children) : Number(r.child_count),
    byteStart: opt<number>(r.byte_start),
    byteEnd: opt<number>(r.byte_end),
    line: opt<number>(r.line),
  };
}

/** A `sources` row as the store reports it, under the id callers know the source by. */
export function toSourceRow(id: number, r: Row): SourceRow {
  return {
    id,
    uri: String(r.uri),
    label: String(r.label),
    format: String(r.format) as SourceRow['format'],
    bytes: Number(r.bytes),
    mtimeMs: opt<number>(r.mtime_ms),
    spanCount: Number(r.span_count),
    traceCount: Number(r.trace_count),
    state: String(r.state) as SourceRow['state'],
    indexedBytes: opt<number>(r.indexed_bytes),
  };
}
