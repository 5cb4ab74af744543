// What the span detail page shows: one span, already cut to a readable size and with secrets
// masked. Pure data, built by src/core/trace/spanDetailModel.ts and sent to the page as JSON.
// Every string here comes from the trace and is untrusted: the page sets it as text only.

import type { SpanKind, StatusCode } from './span';

/** A value as shown: masked, cut to the page's limit; the whole value opens by `valueId`. */
export interface DetailText {
  text: string;
  /** Set when `text` was cut: the whole value's length in characters. */
  fullLength?: number;
  /** The id the page sends to open the whole value (set when cut). */
  valueId?: string;
  /** The value was JSON and is shown pretty-printed. */
  json?: boolean;
}

export interface DetailRow {
  key: string;
  value: DetailText;
}

export interface DetailToolCall {
  id?: string;
  name: string;
  arguments?: DetailText;
  /** What the tool returned, when the trace pairs it with the call (by call id). */
  result?: DetailText;
}

/** The roles the page styles; anything else is `other` (its name is still shown). */
export type DetailRole = 'system' | 'user' | 'assistant' | 'tool' | 'other';

export interface DetailMessage {
  role: string;
  roleClass: DetailRole;
  name?: string;
  content?: DetailText;
  toolCalls: DetailToolCall[];
  /** For tool messages: the call this message answers. */
  toolCallId?: string;
  finishReason?: string;
}

export interface DetailDocument {
  /** 1-based rank in the retriever's answer. */
  rank: number;
  id?: string;
  title?: string;
  uri?: string;
  /** Where the document came from (metadata `source`, `path`, `source.dataset`…). */
  source?: string;
  score?: number;
  content?: DetailText;
  metadata: DetailRow[];
}

export interface DetailGuard {
  name: string;
  passed: boolean;
  action?: string;
  reason?: string;
}

export interface DetailFeedback {
  name?: string;
  label?: string;
  score?: number;
  comment?: string;
  source?: string;
  sentiment: 'positive' | 'negative' | 'neutral';
}

export interface DetailException {
  type?: string;
  message?: string;
  stacktrace?: DetailText;
}

export interface DetailEvent {
  name: string;
  /** ISO time, when the event has one. */
  time?: string;
  /** Offset from the span's start, e.g. `+12 ms`. */
  offset?: string;
  attributes: DetailRow[];
  /** `exception` events: their type, message and stack trace. */
  exception?: DetailException;
}

export interface DetailLink {
  traceId: string;
  spanId: string;
  attributes: DetailRow[];
}

export interface SpanDetailModel {
  traceId: string;
  spanId: string;
  parentId?: string;
  name: string;
  kind: SpanKind;
  status: StatusCode;
  statusMessage?: string;
  start: string;
  latency: string;
  service?: string;
  operation?: string;
  session?: string;
  user?: string;
  model?: { provider?: string; requested?: string; returned?: string };
  template?: { name?: string; version?: string; path?: string; label: string };
  code?: { label: string; file?: string; line?: number; function?: string; revision?: string; repository?: string };
  source?: { label: string; line?: number };
  usage?: { input?: number; output?: number; cacheRead?: number; cacheWrite?: number; reasoning?: number; total?: number };
  /** Cost in US dollars, formatted. */
  cost?: string;
  /** What the header offers. */
  actions: { goToTemplate: boolean; goToCode: boolean; showLineage: boolean };
  inputMessages: DetailMessage[];
  outputMessages: DetailMessage[];
  /** A tool span's own call: arguments and result. */
  tool?: DetailToolCall;
  /** Tool calls the span lists outside its messages. */
  toolCalls: DetailToolCall[];
  templateText?: DetailText;
  variables: DetailRow[];
  documents: DetailDocument[];
  guards: DetailGuard[];
  feedback: DetailFeedback[];
  exception?: DetailException;
  events: DetailEvent[];
  links: DetailLink[];
  /** Generic input/output, when the span has no messages. */
  input?: DetailText;
  output?: DetailText;
  attributes: DetailRow[];
  resource: DetailRow[];
  /** The cut-off used for values, in characters. */
  maxValueChars: number;
}

/** "File changed since the traced revision": what git says about the span's code file. */
export type CodeRevisionState =
  'checking' | 'unchanged' | 'changed' | 'revision-missing' | 'not-in-revision' | 'not-a-repo' | 'untrusted' | 'no-file' | 'error';

export interface CodeRevisionFlag {
  state: CodeRevisionState;
  /** The file, relative to its workspace folder. */
  file: string;
  /** The traced revision, shortened for display. */
  revision: string;
  /** One sentence for the user. */
  text: string;
  /** "Show Diff" is possible (the file changed and both sides can be read). */
  canDiff: boolean;
}
