// The embedded index: SQLite compiled to WebAssembly (sql.js), in the extension host's memory.
// Loaded lazily (the module and its wasm are only touched on first use).

import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Database, SqlJsStatic, SqlValue } from 'sql.js';
import type { Span } from '../core/model/span';
import { childCounts, isNegative, isPositive, summarizeRuns } from '../core/trace/runs';
import { spanKey } from '../core/trace/normalizeTrees';
import { SCHEMA, padNs } from './sqlJsSchema';
import type { RunPage, RunRow, SourceInfo, SourceRow, SpanRow, TraceStore } from './traceStore';

type Row = Record<string, SqlValue>;

/**
 * `wasmPath` defaults to the copy esbuild puts beside the bundle; unbundled callers (tests,
 * tsx) pass `require.resolve('sql.js/dist/sql-wasm.wasm')`.
 */
export async function openSqlJsStore(wasmPath = path.join(__dirname, 'sql-wasm.wasm')): Promise<SqlJsStore> {
  if (!fs.existsSync(wasmPath)) throw new Error(`sql.js WebAssembly not found at ${wasmPath}; run \`npm run build\``);
  // Required here, not at the top, so activation does not pay for sql.js.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const initSqlJs = require('sql.js') as (config?: { locateFile?: (file: string) => string }) => Promise<SqlJsStatic>;
  const SQL = await initSqlJs({ locateFile: () => wasmPath });
  const db = new SQL.Database();
  db.exec(SCHEMA);
  return new SqlJsStore(db);
}

const opt = <T>(v: SqlValue): T | undefined => (v === null || v === undefined ? undefined : (v as T));

export class SqlJsStore implements TraceStore {
  constructor(private readonly db: Database) {}

  private all(sql: string, params: SqlValue[] = []): Row[] {
    const stmt = this.db.prepare(sql);
    try {
      stmt.bind(params);
      const rows: Row[] = [];
      while (stmt.step()) rows.push(stmt.getAsObject() as Row);
      return rows;
    } finally {
      stmt.free();
    }
  }

  async addSource(info: SourceInfo, spans: Span[]): Promise<SourceRow> {
    const runs = summarizeRuns(spans);
    const children = childCounts(spans);
    this.db.exec('BEGIN');
    try {
      this.db.run('INSERT INTO sources (uri, label, format, bytes, mtime_ms, span_count, trace_count) VALUES (?,?,?,?,?,?,?)', [
        info.uri,
        info.label,
        info.format,
        info.bytes,
        info.mtimeMs ?? null,
        spans.length,
        runs.length,
      ]);
      const id = Number(this.all('SELECT last_insert_rowid() AS id')[0].id);
      this.insertRuns(id, runs, spans);
      this.insertSpans(id, spans, children);
      this.db.exec('COMMIT');
      return { ...info, id, spanCount: spans.length, traceCount: runs.length };
    } catch (err) {
      this.db.exec('ROLLBACK');
      throw err;
    }
  }

  private insertRuns(sourceId: number, runs: ReturnType<typeof summarizeRuns>, spans: Span[]): void {
    const roots = new Map<string, number>();
    for (const s of spans) if (s.parentId === undefined) roots.set(s.traceId, (roots.get(s.traceId) ?? 0) + 1);
    const stmt = this.db.prepare(`INSERT INTO runs VALUES (${new Array(19).fill('?').join(',')})`);
    try {
      for (const r of runs) {
        stmt.run([
          sourceId,
          r.traceId,
          r.rootSpanId,
          r.name,
          r.kind,
          padNs(r.startNs),
          padNs(r.endNs),
          r.spanCount,
          r.errorCount,
          r.llmCount,
          r.inputTokens,
          r.outputTokens,
          r.cost,
          r.guardsFailed,
          r.negativeFeedback,
          r.positiveFeedback,
          JSON.stringify(r.models),
          roots.get(r.traceId) ?? 0,
          r.preview ?? null,
        ]);
      }
    } finally {
      stmt.free();
    }
  }

  private insertSpans(sourceId: number, spans: Span[], children: Map<string, number>): void {
    const stmt = this.db.prepare(`INSERT INTO spans VALUES (${new Array(30).fill('?').join(',')})`);
    try {
      for (const s of spans) {
        const failed = s.guards?.filter((g) => !g.passed) ?? [];
        stmt.run([
          sourceId,
          s.traceId,
          s.spanId,
          s.parentId ?? null,
          s.name,
          s.kind,
          padNs(s.startNs),
          padNs(s.endNs),
          s.status,
          s.statusMessage ?? null,
          s.service ?? null,
          s.model?.provider ?? null,
          s.model?.returned ?? s.model?.requested ?? null,
          s.usage?.input ?? null,
          s.usage?.output ?? null,
          s.cost ?? null,
          s.template?.name ?? null,
          s.template?.version ?? null,
          s.template?.path ?? null,
          s.code?.file ?? null,
          s.code?.line ?? null,
          s.code?.function ?? null,
          failed.length,
          failed[0]?.action ?? s.guards?.[0]?.action ?? null,
          s.feedback?.filter(isNegative).length ?? 0,
          s.feedback?.filter(isPositive).length ?? 0,
          children.get(spanKey(s.traceId, s.spanId)) ?? 0,
          s.range?.byteStart ?? null,
          s.range?.byteEnd ?? null,
          s.range?.line ?? null,
        ]);
      }
    } finally {
      stmt.free();
    }
  }

  async removeSource(sourceId: number): Promise<void> {
    for (const table of ['spans', 'runs']) this.db.run(`DELETE FROM ${table} WHERE source_id = ?`, [sourceId]);
    this.db.run('DELETE FROM sources WHERE id = ?', [sourceId]);
  }

  async listSources(): Promise<SourceRow[]> {
    return this.all('SELECT * FROM sources ORDER BY id').map((r) => ({
      id: Number(r.id),
      uri: String(r.uri),
      label: String(r.label),
      format: String(r.format) as SourceRow['format'],
      bytes: Number(r.bytes),
      mtimeMs: opt<number>(r.mtime_ms),
      spanCount: Number(r.span_count),
      traceCount: Number(r.trace_count),
    }));
  }

  async listRuns(sourceId: number, page: RunPage): Promise<RunRow[]> {
    const params: SqlValue[] = [sourceId];
    let where = 'source_id = ?';
    if (page.after) {
      where += ' AND (start_ns > ? OR (start_ns = ? AND trace_id > ?))';
      const s = padNs(page.after.startNs);
      params.push(s, s, page.after.traceId);
    }
    params.push(page.limit);
    return this.all(`SELECT * FROM runs WHERE ${where} ORDER BY start_ns, trace_id LIMIT ?`, params).map(toRun);
  }

  async childSpans(sourceId: number, traceId: string, parentSpanId: string | undefined): Promise<SpanRow[]> {
    const rows =
      parentSpanId === undefined
        ? this.all('SELECT * FROM spans WHERE source_id = ? AND trace_id = ? AND parent_id IS NULL ORDER BY start_ns, span_id', [
            sourceId,
            traceId,
          ])
        : this.all('SELECT * FROM spans WHERE source_id = ? AND trace_id = ? AND parent_id = ? ORDER BY start_ns, span_id', [
            sourceId,
            traceId,
            parentSpanId,
          ]);
    return rows.map(toSpan);
  }

  async getSpan(sourceId: number, traceId: string, spanId: string): Promise<SpanRow | undefined> {
    const row = this.all('SELECT * FROM spans WHERE source_id = ? AND trace_id = ? AND span_id = ?', [sourceId, traceId, spanId])[0];
    return row ? toSpan(row) : undefined;
  }

  async close(): Promise<void> {
    this.db.close();
  }
}

function toRun(r: Row): RunRow {
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
    models: JSON.parse(String(r.models)) as string[],
    rootCount: Number(r.root_count),
    preview: opt<string>(r.preview),
  };
}

function toSpan(r: Row): SpanRow {
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
    childCount: Number(r.child_count),
    byteStart: opt<number>(r.byte_start),
    byteEnd: opt<number>(r.byte_end),
    line: opt<number>(r.line),
  };
}
