// The normalised span: every importer produces this, every view reads it.
// Pure data, no behaviour; times are exact nanoseconds (bigint), ids opaque strings.

export type SpanKind =
  'agent' | 'chain' | 'llm' | 'tool' | 'retriever' | 'reranker' | 'embedding' | 'guard' | 'evaluator' | 'prompt' | 'span';

export const SPAN_KINDS: readonly SpanKind[] = [
  'agent',
  'chain',
  'llm',
  'tool',
  'retriever',
  'reranker',
  'embedding',
  'guard',
  'evaluator',
  'prompt',
  'span',
];

export type StatusCode = 'unset' | 'ok' | 'error';

/** An attribute value as it came from the source, after decoding OTLP AnyValue. */
export type AttrValue = string | number | boolean | null | AttrValue[] | { [key: string]: AttrValue };

export type Attributes = Record<string, AttrValue>;

export interface MessagePart {
  type: 'text' | 'tool_call' | 'tool_call_response' | 'reasoning' | 'other';
  text?: string;
  toolCall?: ToolCall;
}

export interface Message {
  role: string;
  content: string;
  name?: string;
  toolCalls?: ToolCall[];
  toolCallId?: string;
  finishReason?: string;
}

export interface ToolCall {
  id?: string;
  name: string;
  arguments?: string;
  result?: string;
}

export interface TokenUsage {
  input?: number;
  output?: number;
  cacheRead?: number;
  cacheWrite?: number;
  reasoning?: number;
  total?: number;
}

export interface ModelRef {
  provider?: string;
  requested?: string;
  returned?: string;
}

export interface RetrievedDocument {
  id?: string;
  uri?: string;
  score?: number;
  content?: string;
  metadata?: Attributes;
}

export interface TemplateRef {
  name?: string;
  version?: string;
  path?: string;
  text?: string;
  variables?: Record<string, string>;
}

export interface CodeLocation {
  file?: string;
  line?: number;
  column?: number;
  function?: string;
  namespace?: string;
  repository?: string;
  revision?: string;
}

export interface GuardResult {
  name: string;
  passed: boolean;
  action?: string;
  reason?: string;
}

export interface Feedback {
  score?: number;
  label?: string;
  comment?: string;
  source?: string;
  name?: string;
}

export interface SpanEvent {
  name: string;
  timeNs?: bigint;
  attributes: Attributes;
}

export interface ExceptionInfo {
  type?: string;
  message?: string;
  stacktrace?: string;
}

/** A link to another span (OTLP `links`): a causal relation that is not a parent (batch → items, retries). */
export interface SpanLink {
  traceId: string;
  spanId: string;
  attributes: Attributes;
}

/** Where a span came from: the byte range of the record that carried it. */
export interface SourceRange {
  byteStart: number;
  byteEnd: number;
  /** 1-based line of the record's first byte. */
  line: number;
}

export interface Span {
  traceId: string;
  spanId: string;
  parentId?: string;
  /** The parent the source named when it is missing or forms a cycle (the span is shown as a root). */
  detachedParentId?: string;
  name: string;
  kind: SpanKind;
  startNs: bigint;
  endNs: bigint;
  status: StatusCode;
  statusMessage?: string;
  service?: string;
  sessionId?: string;
  userId?: string;
  operation?: string;
  model?: ModelRef;
  usage?: TokenUsage;
  cost?: number;
  inputMessages?: Message[];
  outputMessages?: Message[];
  toolCalls?: ToolCall[];
  tool?: ToolCall;
  documents?: RetrievedDocument[];
  template?: TemplateRef;
  code?: CodeLocation;
  guards?: GuardResult[];
  feedback?: Feedback[];
  exception?: ExceptionInfo;
  /** Generic input/output values (OpenInference input.value, Traceloop entity input…). */
  input?: string;
  output?: string;
  attributes: Attributes;
  resource?: Attributes;
  scope?: { name?: string; version?: string };
  events: SpanEvent[];
  links?: SpanLink[];
  range?: SourceRange;
}
