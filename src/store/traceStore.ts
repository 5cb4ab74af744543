// The store interface every view reads through: the embedded sql.js index today, PostgreSQL
// and the live receiver later. Rows hold what lists, trees and search need; payloads stay in
// the source and are read back by byte range.

import type { Diagnostic } from '../core/model/diagnostic';
import type { SourceSummary } from '../core/trace/summary';
import type { SpanKind, StatusCode } from '../core/model/span';
import type { FormatId } from '../core/model/format';
import type { Span } from '../core/model/span';
import type { SpanRowBatch } from './spanRows';
import type { Expr } from '../core/query/ast';

export interface SourceInfo {
  uri: string;
  label: string;
  format: FormatId;
  bytes: number;
  mtimeMs?: number;
}

/** `loading` while a writer is open; `partial` when a load was cancelled or failed (what was read is kept). */
export type SourceState = 'loading' | 'complete' | 'partial';

export interface SourceRow extends SourceInfo {
  id: number;
  spanCount: number;
  traceCount: number;
  state?: SourceState;
  /** How far into the source the index reaches (bytes), for partial loads. */
  indexedBytes?: number;
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

/** The enclosing resource and scope of the spans in a byte range of a single OTLP JSON document. */
export interface SpanContext {
  byteStart: number;
  byteEnd: number;
  /** Raw JSON text of the `resource` object, if any. */
  resource?: string;
  /** Raw JSON text of the `scope` object, if any. */
  scope?: string;
}

/** A span whose run may show it as its root but whose preview was not computed while indexing. */
export interface PreviewRequest {
  traceId: string;
  spanId: string;
  byteStart: number;
  byteEnd: number;
  line: number;
}

/** A span id seen twice: the first copy (in the index) and the refused one, by byte range. */
export interface DuplicatePair {
  traceId: string;
  spanId: string;
  first: { byteStart: number; byteEnd: number; line: number };
  copy: { byteStart: number; byteEnd: number; line: number };
}

export interface FinishOptions {
  /** The load stopped early (cancelled or failed): keep what was indexed and mark it `partial`. */
  partial?: boolean;
  /** How far into the source the index reaches. */
  indexedBytes?: number;
  /** The format, once known (a streaming load learns it from the first records). */
  format?: FormatId;
  /**
   * Previews of spans that became the root of their run in the post-pass (their parent is missing or
   * in a cycle): read back from the source. Without it those runs have no preview.
   */
  resolvePreviews?: (spans: PreviewRequest[]) => Promise<(string | undefined)[]>;
  /**
   * Whether each duplicate is a re-delivery of the first copy (true: dropped silently) or a
   * different span (kept as `<id>~<n>`), read back from the source. Without it, duplicates whose
   * index fields match the first copy are taken as re-deliveries.
   */
  compareDuplicates?: (pairs: DuplicatePair[]) => Promise<boolean[]>;
}

export interface FinishResult {
  source: SourceRow;
  /** Duplicates, missing parents and cycles found by the writer (located where the source says). */
  diagnostics: Diagnostic[];
}

/** The result of adding one batch of rows. */
export interface AddRowsResult {
  inserted: number;
  /** Duplicate span ids (the first copy is kept). */
  diagnostics: Diagnostic[];
}

/**
 * Streams one source into the store. Rows are committed batch by batch, so runs are listable while
 * the source loads (their root and totals are merged as batches arrive); parents that never arrive
 * and parent cycles are resolved by `finish`. Call `finish` (also after a cancelled load, with
 * `partial`) or `abort` (drops everything written).
 */
export interface SourceWriter {
  readonly sourceId: number;
  addRows(batch: SpanRowBatch): AddRowsResult;
  /** Mapped spans (in source order); their `range` locates them. */
  addSpans(spans: Span[]): AddRowsResult;
  addContext(ctx: SpanContext): void;
  /** Record progress (shown by `listSources`). */
  setIndexedBytes(bytes: number): void;
  finish(opts?: FinishOptions): Promise<FinishResult>;
  abort(): Promise<void>;
}

/** Where and how much to search. */
export interface SearchOptions {
  /** Only these sources (all when absent). */
  sourceIds?: readonly number[];
  /** Page size (default 100). */
  limit?: number;
  /** "Now" in Unix nanoseconds, for ages such as `after:7d` (default: the clock). */
  now?: bigint;
  /** Stop early: the promise rejects with an AbortError. */
  signal?: AbortSignal;
  /**
   * A source's search index is still being built (the embedded store builds it after the load):
   * the search waits for it, and reports how far it is here.
   */
  onIndexProgress?: (p: SearchIndexProgress) => void;
}

/** How far the search index of a source is built (spans). */
export interface SearchIndexProgress {
  sourceId: number;
  done: number;
  total: number;
}

/** A run that meets a query, with the span that meets most of its terms. */
export interface RunSearchHit {
  run: RunRow;
  matchSpanId: string;
  /** How many positive terms the match span meets. */
  matchScore: number;
  /** How many spans of the run meet at least one term. */
  matchCount: number;
}

export type FeedbackValue = 'positive' | 'negative';

/** Feedback a user gave in TraceLens ("Mark Output Good / Bad"), kept apart from the source. */
export interface FeedbackMark {
  traceId: string;
  spanId: string;
  value: FeedbackValue;
  note?: string;
  /** Who gave it (the OS user name or the PostgreSQL role). */
  author?: string;
  /** Unix milliseconds. */
  atMs: number;
}

export interface TraceStore {
  addSource(info: SourceInfo, spans: Span[]): Promise<SourceRow>;
  /** Spans meeting every term of the query (see src/core/query), newest first. */
  searchSpans(query: Expr, opts?: SearchOptions): Promise<SpanRow[]>;
  /** Runs where each term is met by some span, newest first. */
  searchRuns(query: Expr, opts?: SearchOptions): Promise<RunSearchHit[]>;
  /**
   * Record feedback on a span: it counts in the span's and run's feedback columns (tree, search
   * `feedback:`) from then on. A later mark by the same author on the same span replaces theirs.
   */
  addFeedback(sourceId: number, mark: FeedbackMark): Promise<void>;
  /** Feedback given in TraceLens on a run (all its spans) or on one span. */
  listFeedback(sourceId: number, traceId: string, spanId?: string): Promise<FeedbackMark[]>;
  /** Start streaming a source in; see SourceWriter. */
  beginSource(info: SourceInfo): Promise<SourceWriter>;
  removeSource(sourceId: number): Promise<void>;
  listSources(): Promise<SourceRow[]>;
  listRuns(sourceId: number, page: RunPage): Promise<RunRow[]>;
  /** Children of a span, or the top-level spans of a run when `parentSpanId` is undefined. */
  childSpans(sourceId: number, traceId: string, parentSpanId: string | undefined): Promise<SpanRow[]>;
  getSpan(sourceId: number, traceId: string, spanId: string): Promise<SpanRow | undefined>;
  /** Totals of a source (what `summarize` gives for its spans), from the index. */
  sourceSummary(sourceId: number): Promise<SourceSummary | undefined>;
  /** The resource and scope around a span of a single-document source (see SpanContext). */
  spanContext(sourceId: number, byteStart: number): Promise<SpanContext | undefined>;
  close(): Promise<void>;
}

/** A store whose per-source index can be saved to and reopened from the index cache. */
export interface CacheableStore extends TraceStore {
  /** The index of a complete source as one image. */
  exportSource(sourceId: number): Uint8Array;
  /** Open an image from `exportSource` as a new source; undefined when it is not usable. */
  openCachedSource(info: SourceInfo, image: Uint8Array): SourceRow | undefined;
}

export function isCacheableStore(store: TraceStore): store is CacheableStore {
  const s = store as Partial<CacheableStore>;
  return typeof s.exportSource === 'function' && typeof s.openCachedSource === 'function';
}
