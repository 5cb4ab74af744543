// The typed protocol between the extension host and its webviews: the only host module the
// webview imports. Messages refer to runs and spans by id, never by path.

import type { LineageHostMessage, LineagePageMessage } from './lineageMessages';
import type { SpanDetailHostMessage, SpanDetailPageMessage } from './spanDetailMessages';

export interface SummaryData {
  title: string;
  format: string;
  bytes: number;
  traces: number;
  spans: number;
  errorSpans: number;
  llmSpans: number;
  inputTokens: number;
  outputTokens: number;
  models: string[];
  services: string[];
  start?: string;
  end?: string;
  diagnostics: { severity: string; message: string; line?: number; offset?: number }[];
  runs: {
    traceId: string;
    name: string;
    status: 'ok' | 'error';
    latency: string;
    spanCount: number;
    guardsFailed: number;
    negativeFeedback: number;
  }[];
  moreRuns: number;
}

/** Host → webview. */
export type HostMessage =
  | { type: 'summary'; data: SummaryData }
  | { type: 'loading'; text: string }
  | { type: 'error'; text: string }
  | LineageHostMessage
  | SpanDetailHostMessage;

/** Webview → host. */
export type WebviewMessage =
  { type: 'ready' } | { type: 'revealRun'; traceId: string } | { type: 'showRuns' } | LineagePageMessage | SpanDetailPageMessage;

const ID = /^[\w.:\-+/=]{1,200}$/;

/** Validate a message from the page: it is untrusted input. */
export function parseWebviewMessage(raw: unknown): WebviewMessage | undefined {
  if (!raw || typeof raw !== 'object') return undefined;
  const m = raw as Record<string, unknown>;
  switch (m.type) {
    case 'ready':
      return { type: 'ready' };
    case 'showRuns':
      return { type: 'showRuns' };
    case 'revealRun':
      return typeof m.traceId === 'string' && ID.test(m.traceId) ? { type: 'revealRun', traceId: m.traceId } : undefined;
    default:
      return undefined;
  }
}
