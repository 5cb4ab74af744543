// Read-only documents with the detail of a team-store span, rendered from the span JSON stored
// in PostgreSQL (teammates have no copy of the source file). The URI names ids only:
// `tracelens-team:/<source label>/<span name>.md?s=…&t=…&p=…`.

import type * as vscode from 'vscode';
import { formatSpanDetail } from '../core/trace/spanDetail';
import { parseSpanUri, spanUri, type SpanRef } from './spanDocument';
import type { StoreConnection } from './storeConnection';

export const TEAM_SPAN_SCHEME = 'tracelens-team';

/** The same ids as a local span document's (spanDocument.ts), under the team store's scheme. */
export type TeamSpanRef = SpanRef;

export const teamSpanUri = (ref: TeamSpanRef, sourceLabel: string, spanName: string): vscode.Uri =>
  spanUri(ref, sourceLabel, spanName, TEAM_SPAN_SCHEME);

export class TeamSpanDocumentProvider implements vscode.TextDocumentContentProvider {
  constructor(private readonly connection: StoreConnection) {}

  async provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    const ref = parseSpanUri(uri);
    if (!ref) return '# Not a TraceLens span\n\nThis link does not name a span.';
    const store = this.connection.store;
    if (!store) return '# Not connected\n\nConnect to the team store again (TraceLens: Connect to Store…) to see this span.';
    const stored = await store.readSpan(ref.sourceId, ref.traceId, ref.spanId);
    if (!stored)
      return `# Span not found\n\nSpan ${ref.spanId} of run ${ref.traceId} is not in ${this.connection.label ?? 'the team store'}.`;
    const text = formatSpanDetail(stored.span, this.connection.label);
    return stored.truncated
      ? `> This span was larger than the team store keeps: long values are cut (see the \`tracelens.payload\` attribute).\n\n${text}`
      : text;
  }
}
