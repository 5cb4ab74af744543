// Read-only `tracelens:` documents with a span's full detail, read back from the source on
// demand. The URI names ids only: `tracelens:/<source label>/<span name>.md?s=…&t=…&p=…`.

import * as vscode from 'vscode';
import { formatSpanDetail } from '../core/trace/spanDetail';
import { buildSpanDetail } from '../core/trace/spanDetailModel';
import { isValueId } from '../protocol/spanDetailMessages';
import { SPAN_SCHEME } from './commandIds';
import type { SourceManager } from './sourceManager';

export interface SpanRef {
  sourceId: number;
  traceId: string;
  spanId: string;
}

export function isSpanRef(v: unknown): v is SpanRef {
  const o = v as SpanRef;
  return !!o && typeof o === 'object' && Number.isInteger(o.sourceId) && typeof o.traceId === 'string' && typeof o.spanId === 'string';
}

const safeSegment = (s: string): string => s.replace(/[^\w.\- ]+/g, '_').slice(0, 80) || 'span';

/** A span document's URI; `scheme` is the team store's for spans read from PostgreSQL. */
export function spanUri(ref: SpanRef, sourceLabel: string, spanName: string, scheme = SPAN_SCHEME): vscode.Uri {
  const query = new URLSearchParams({ s: String(ref.sourceId), t: ref.traceId, p: ref.spanId }).toString();
  return vscode.Uri.from({ scheme, path: `/${safeSegment(sourceLabel)}/${safeSegment(spanName)}.md`, query });
}

/**
 * One whole value of a span ("Open full value" in the span detail): the same ids plus `v`, the
 * value's id in the span detail model; `.json` or `.txt` picks the editor's language.
 */
export function spanValueUri(ref: SpanRef, sourceLabel: string, spanName: string, valueId: string, json: boolean): vscode.Uri {
  const query = new URLSearchParams({ s: String(ref.sourceId), t: ref.traceId, p: ref.spanId, v: valueId }).toString();
  const name = `${safeSegment(spanName)} ${valueId}.${json ? 'json' : 'txt'}`;
  return vscode.Uri.from({ scheme: SPAN_SCHEME, path: `/${safeSegment(sourceLabel)}/${name}`, query });
}

export function parseSpanUri(uri: vscode.Uri): SpanRef | undefined {
  const q = new URLSearchParams(uri.query);
  const sourceId = Number(q.get('s'));
  const traceId = q.get('t');
  const spanId = q.get('p');
  return Number.isInteger(sourceId) && traceId && spanId ? { sourceId, traceId, spanId } : undefined;
}

export class SpanDocumentProvider implements vscode.TextDocumentContentProvider {
  constructor(private readonly sources: SourceManager) {}

  async provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    const ref = parseSpanUri(uri);
    if (!ref) return '# Not a TraceLens span\n\nThis link does not name a span.';
    const { span, source } = await this.sources.readSpan(ref.sourceId, ref.traceId, ref.spanId);
    if (!source) return `# Source closed\n\nThe trace file that held span ${ref.spanId} is no longer open. Open it again to see this span.`;
    if (!span)
      return `# Span not found\n\nSpan ${ref.spanId} of run ${ref.traceId} could not be read back from ${source.label}. The file may have changed since it was opened; reopen it.`;
    const valueId = new URLSearchParams(uri.query).get('v');
    if (valueId !== null) {
      // The value is rebuilt from the span (masked like the page shows it), so the link survives a reload.
      const value = isValueId(valueId) ? buildSpanDetail(span, { sourceLabel: source.label }).fullValues.get(valueId) : undefined;
      return value ?? `Span ${ref.spanId} has no value ${valueId.slice(0, 100)}.`;
    }
    return formatSpanDetail(span, source.label);
  }
}
