// How sources, runs and spans look in the Runs tree: icons by kind and state, a one-line
// description, a plain-text tooltip (trace content is never rendered as HTML).

import * as vscode from 'vscode';
import type { SpanKind } from '../core/model/span';
import { formatDurationNs } from '../core/formats/time';
import type { RunRow, SpanRow } from '../store/traceStore';
import { Commands } from './commandIds';
import type { LoadedSource } from './sourceManager';

export const KIND_ICON: Record<SpanKind, string> = {
  agent: 'hubot',
  chain: 'symbol-method',
  llm: 'sparkle',
  tool: 'tools',
  retriever: 'search',
  reranker: 'list-ordered',
  embedding: 'symbol-array',
  guard: 'shield',
  evaluator: 'law',
  prompt: 'note',
  span: 'circle-outline',
};

/** `1 run`, `7 runs`. */
const count = (n: number, noun: string): string => `${n} ${noun}${n === 1 ? '' : 's'}`;

const red = new vscode.ThemeColor('errorForeground');
const yellow = new vscode.ThemeColor('editorWarning.foreground');

const tokens = (n: number | undefined, m: number | undefined): string | undefined =>
  n || m ? `${(n ?? 0).toLocaleString('en-US')}→${(m ?? 0).toLocaleString('en-US')} tok` : undefined;

export function sourceItem(src: LoadedSource): vscode.TreeItem {
  const item = new vscode.TreeItem(src.label, vscode.TreeItemCollapsibleState.Expanded);
  item.id = `source:${src.id}`;
  item.contextValue = 'source';
  item.iconPath = new vscode.ThemeIcon('file');
  const errors = src.diagnostics.filter((d) => d.severity === 'error').length;
  const { traces, spans, errorSpans } = src.summary;
  item.description = `${count(traces, 'run')} · ${count(spans, 'span')}${errors ? ` · ${count(errors, 'problem')}` : ''}`;
  item.tooltip = `${src.uri.fsPath}\nFormat: ${src.format}\n${count(traces, 'run')}, ${count(spans, 'span')}, ${count(errorSpans, 'error')}\n${count(src.diagnostics.length, 'diagnostic')}`;
  // A big file still loading, or one whose load was cancelled or failed (what was read is kept).
  const read = src.bytes > 0 ? `${Math.floor(((src.bytesIndexed ?? src.bytes) / src.bytes) * 100)}%` : '';
  if (src.state === 'loading') {
    item.iconPath = new vscode.ThemeIcon('loading~spin');
    item.description = `loading ${read} · ${count(spans, 'span')} so far`;
  } else if (src.state === 'partial') {
    item.iconPath = new vscode.ThemeIcon('warning', yellow);
    item.description = `partial: ${read} read · ${item.description}`;
    item.tooltip += `\nPartial: loading stopped at byte ${src.bytesIndexed ?? 0} of ${src.bytes}; reopen the file to load it whole`;
  }
  item.resourceUri = src.uri;
  return item;
}

export function runSignals(r: Pick<RunRow, 'errorCount' | 'guardsFailed' | 'negativeFeedback' | 'positiveFeedback'>): string[] {
  const out: string[] = [];
  if (r.errorCount) out.push(`${r.errorCount} error${r.errorCount > 1 ? 's' : ''}`);
  if (r.guardsFailed) out.push(`guard fired`);
  if (r.negativeFeedback) out.push(`👎 ${r.negativeFeedback}`);
  if (r.positiveFeedback) out.push(`👍 ${r.positiveFeedback}`);
  return out;
}

export function runItem(r: RunRow): vscode.TreeItem {
  // The input (usually the user's question) tells runs of one agent apart; the name does not.
  const item = new vscode.TreeItem(r.preview ?? (r.name || r.traceId), vscode.TreeItemCollapsibleState.Collapsed);
  item.id = `run:${r.sourceId}:${r.traceId}`;
  item.contextValue = 'run';
  const icon = r.errorCount
    ? ['error', red]
    : r.negativeFeedback
      ? ['thumbsdown', red]
      : r.guardsFailed
        ? ['shield', yellow]
        : ['pass', undefined];
  item.iconPath = new vscode.ThemeIcon(icon[0] as string, icon[1] as vscode.ThemeColor | undefined);
  const parts = [
    ...runSignals(r),
    formatDurationNs(r.endNs - r.startNs),
    r.models[0],
    tokens(r.inputTokens, r.outputTokens),
    r.preview ? r.name : undefined,
  ];
  item.description = parts.filter(Boolean).join(' · ');
  item.tooltip = [
    r.name,
    r.preview ? `Input: ${r.preview}` : '',
    `Run ${r.traceId}`,
    `${r.spanCount} spans, ${r.llmCount} LLM calls, latency ${formatDurationNs(r.endNs - r.startNs)}`,
    r.models.length ? `Models: ${r.models.join(', ')}` : '',
    `Tokens: ${r.inputTokens} in, ${r.outputTokens} out${r.cost ? `, $${r.cost.toFixed(4)}` : ''}`,
    runSignals(r).join(', '),
  ]
    .filter(Boolean)
    .join('\n');
  item.accessibilityInformation = { label: `Run ${item.label as string}, ${r.errorCount ? 'failed' : 'ok'}, ${item.description}` };
  return item;
}

export function spanItem(s: SpanRow, sourceLabel: string): vscode.TreeItem {
  const item = new vscode.TreeItem(
    s.name || s.spanId,
    s.childCount ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None,
  );
  item.id = `span:${s.sourceId}:${s.traceId}:${s.spanId}`;
  item.contextValue = `span.${s.kind}`;
  const failed = s.status === 'error' || s.guardsFailed > 0 || s.negativeFeedback > 0;
  item.iconPath = new vscode.ThemeIcon(
    KIND_ICON[s.kind] ?? 'circle-outline',
    s.status === 'error' || s.negativeFeedback ? red : s.guardsFailed ? yellow : undefined,
  );
  const parts = [
    s.kind,
    formatDurationNs(s.endNs - s.startNs),
    s.model,
    tokens(s.inputTokens, s.outputTokens),
    s.status === 'error' ? 'error' : undefined,
    s.guardsFailed ? `guard fired${s.guardAction ? ` → ${s.guardAction}` : ''}` : undefined,
    s.negativeFeedback ? '👎' : s.positiveFeedback ? '👍' : undefined,
  ];
  item.description = parts.filter(Boolean).join(' · ');
  item.tooltip = [
    `${s.name} (${s.kind})`,
    s.status === 'error' ? `Error: ${s.statusMessage ?? 'failed'}` : `Status: ${s.status}`,
    `Duration: ${formatDurationNs(s.endNs - s.startNs)}`,
    s.model ? `Model: ${[s.provider, s.model].filter(Boolean).join(' / ')}` : '',
    s.templateName ? `Template: ${s.templateName}${s.templateVersion ? ` v${s.templateVersion}` : ''}` : '',
    s.codeFile ? `Code: ${s.codeFile}${s.codeLine ? `:${s.codeLine}` : ''}` : '',
    `Source: ${sourceLabel}${s.line ? `, line ${s.line}` : ''}`,
  ]
    .filter(Boolean)
    .join('\n');
  item.command = {
    command: Commands.revealSpan,
    title: 'Reveal Span',
    arguments: [{ sourceId: s.sourceId, traceId: s.traceId, spanId: s.spanId }],
  };
  item.accessibilityInformation = { label: `${s.kind} span ${s.name}${failed ? ', has problems' : ''}, ${item.description}` };
  return item;
}

export function moreItem(sourceId: number, shown: number): vscode.TreeItem {
  const item = new vscode.TreeItem(`Load more runs… (${shown} shown)`, vscode.TreeItemCollapsibleState.None);
  item.id = `more:${sourceId}:${shown}`;
  item.iconPath = new vscode.ThemeIcon('ellipsis');
  item.command = { command: Commands.loadMoreRuns, title: 'Load More Runs', arguments: [sourceId] };
  return item;
}
