// The store interface every view reads through: the embedded sql.js index today, PostgreSQL
// and the live receiver later. Rows hold what lists, trees and search need; payloads stay in
// the source and are read back by byte range.

import type { SpanKind, StatusCode } from '../core/model/span';
import type { FormatId } from '../core/model/format';
import type { Span } from '../core/model/span';

export interface SourceInfo {
  uri: string;
  label: string;
  format: FormatId;
  bytes: number;
  mtimeMs?: number;
}

export interface SourceRow extends SourceInfo {
  id: number;
  spanCount: number;
  traceCount: number;
}

export interface RunRow {
  sourceId: number;
  traceId: string;
  rootSpanId: string;
  name: string;
  kind: SpanKind;
  startNs: bigint;
  endNs: bigint;
  spanCount: number;
  errorCount: number;
  llmCount: number;
  inputTokens: number;
  outputTokens: number;
  cost: number;
  guardsFailed: number;
  negativeFeedback: number;
  positiveFeedback: number;
  models: string[];
  rootCount: number;
  preview?: string;
}

export interface SpanRow {
  sourceId: number;
  traceId: string;
  spanId: string;
  parentId?: string;
  name: string;
  kind: SpanKind;
  startNs: bigint;
  endNs: bigint;
  status: StatusCode;
  statusMessage?: string;
  service?: string;
  provider?: string;
  model?: string;
  inputTokens?: number;
  outputTokens?: number;
  cost?: number;
  templateName?: string;
  templateVersion?: string;
  templatePath?: string;
  codeFile?: string;
  codeLine?: number;
  codeFunction?: string;
  guardsFailed: number;
  guardAction?: string;
  negativeFeedback: number;
  positiveFeedback: number;
  childCount: number;
  byteStart?: number;
  byteEnd?: number;
  line?: number;
}

export interface RunPage {
  limit: number;
  /** Keyset cursor: the last row of the previous page. */
  after?: { startNs: bigint; traceId: string };
}

export interface TraceStore {
  addSource(info: SourceInfo, spans: Span[]): Promise<SourceRow>;
  removeSource(sourceId: number): Promise<void>;
  listSources(): Promise<SourceRow[]>;
  listRuns(sourceId: number, page: RunPage): Promise<RunRow[]>;
  /** Children of a span, or the top-level spans of a run when `parentSpanId` is undefined. */
  childSpans(sourceId: number, traceId: string, parentSpanId: string | undefined): Promise<SpanRow[]>;
  getSpan(sourceId: number, traceId: string, spanId: string): Promise<SpanRow | undefined>;
  close(): Promise<void>;
}
