// How search results look in the QuickPicks: runs (with the span that matched) and spans, each
// with its signals, latency and run; query errors as an item pointing at the offending text.
// Trace content is only ever put in plain-text fields (labels without codicon syntax of its own).

import * as vscode from 'vscode';
import { formatDurationNs } from '../core/formats/time';
import type { QueryError } from '../core/query/queryError';
import type { RunRow, RunSearchHit, SpanRow } from '../store/traceStore';
import { KIND_ICON, runSignals } from './runsTreeItems';

export type SearchItem = vscode.QuickPickItem &
  (
    | { type: 'run'; hit: RunSearchHit; source: string; match?: SpanRow }
    | { type: 'span'; row: SpanRow; source: string; run?: RunRow }
    /** Picking it puts the query in the box (saved, recent and example queries). */
    | { type: 'query'; query: string; name?: string }
    /** Opens a saved-queries file at a problem. */
    | { type: 'file'; file: vscode.Uri; at?: { line: number; column: number } }
    /** "More runs…": opens Go to Run… with the same query. */
    | { type: 'moreRuns'; query: string }
    /** Text only: picking it does nothing. */
    | { type: 'note' }
  );

export const LINEAGE_BUTTON: vscode.QuickInputButton = { iconPath: new vscode.ThemeIcon('type-hierarchy'), tooltip: 'Show Lineage' };
export const TEMPLATE_BUTTON: vscode.QuickInputButton = { iconPath: new vscode.ThemeIcon('note'), tooltip: 'Go to Prompt Template' };
export const SAVE_BUTTON: vscode.QuickInputButton = { iconPath: new vscode.ThemeIcon('save'), tooltip: 'Save Current Query…' };
export const FILTER_BUTTON: vscode.QuickInputButton = {
  iconPath: new vscode.ThemeIcon('filter'),
  tooltip: 'Filter the Runs view with this query',
};

/** Trace text in a label: one line, bounded, and no `$(icon)` syntax of its own. */
export function plain(s: string, max = 100): string {
  const one = s.replace(/\s+/g, ' ').trim().replace(/\$\(/g, '$\u200b(');
  return one.length > max ? `${one.slice(0, max - 1)}…` : one;
}

export function runLabel(r: RunRow): string {
  return plain(r.preview ?? (r.name || r.traceId), 90);
}

function runIcon(r: RunRow): string {
  return r.errorCount ? 'error' : r.negativeFeedback ? 'thumbsdown' : r.guardsFailed ? 'shield' : 'pass';
}

const latency = (start: bigint, end: bigint): string => formatDurationNs(end - start);

export function runItem(hit: RunSearchHit, source: string, terms: number, match?: SpanRow): SearchItem {
  const r = hit.run;
  const why = match
    ? `match: ${plain(match.name, 60)} (${match.kind})${terms > 1 ? ` meets ${Math.min(hit.matchScore, terms)} of ${terms} terms` : ''}`
    : undefined;
  return {
    type: 'run',
    hit,
    source,
    match,
    // Short enough that the signals and latency in the description stay visible beside it.
    label: `$(${runIcon(r)}) ${plain(r.preview ?? (r.name || r.traceId), 56)}`,
    description: [
      'run',
      ...runSignals(r),
      latency(r.startNs, r.endNs),
      r.models[0] && plain(r.models[0], 40),
      r.preview ? plain(r.name, 40) : '',
    ]
      .filter(Boolean)
      .join(' · '),
    detail: [why, hit.matchCount > 1 ? `${hit.matchCount} spans match` : '', source].filter(Boolean).join(' · '),
    buttons: [LINEAGE_BUTTON, TEMPLATE_BUTTON],
    alwaysShow: true,
  };
}

/** A one-line summary of a span from its index row, until its snippet is read from the source. */
function spanSummary(s: SpanRow): string {
  if (s.status === 'error' && s.statusMessage) return `error: ${plain(s.statusMessage, 120)}`;
  const parts = [
    s.model && `model ${plain(s.model, 40)}`,
    s.templateName && `template ${plain(s.templateName, 40)}${s.templateVersion ? ` v${plain(s.templateVersion, 10)}` : ''}`,
    s.inputTokens || s.outputTokens ? `${s.inputTokens ?? 0}→${s.outputTokens ?? 0} tok` : '',
    s.guardsFailed ? `guard fired${s.guardAction ? ` → ${plain(s.guardAction, 30)}` : ''}` : '',
    s.negativeFeedback ? '👎' : s.positiveFeedback ? '👍' : '',
    s.codeFunction && `${plain(s.codeFunction, 40)}()`,
  ];
  return parts.filter(Boolean).join(' · ');
}

export function spanItem(s: SpanRow, source: string, run?: RunRow, snippet?: string): SearchItem {
  const hasTemplate = !!s.templateName || s.kind === 'llm' || s.kind === 'prompt';
  return {
    type: 'span',
    row: s,
    source,
    run,
    label: `$(${KIND_ICON[s.kind] ?? 'circle-outline'}) ${plain(s.name || s.spanId, 80)}`,
    // `unset` is what most spans carry (no error recorded): say nothing rather than a code word.
    description: [
      s.kind,
      s.status === 'unset' ? undefined : s.status,
      latency(s.startNs, s.endNs),
      `run: ${run ? runLabel(run) : s.traceId.slice(0, 12)}`,
    ]
      .filter(Boolean)
      .join(' · '),
    detail: snippet ?? (spanSummary(s) || source),
    buttons: hasTemplate ? [LINEAGE_BUTTON, TEMPLATE_BUTTON] : [LINEAGE_BUTTON],
    alwaysShow: true,
  };
}

/**
 * A query error as an item: the reason and column on the label, the query with the offending
 * characters bracketed (a caret cannot line up in a proportional font) and the hint below.
 */
export function errorItem(query: string, err: QueryError): SearchItem {
  const from = Math.max(0, Math.min(err.offset, query.length));
  const to = Math.min(query.length, from + Math.max(1, err.length));
  const marked = `${query.slice(0, from)}⟦${query.slice(from, to) || ' '}⟧${query.slice(to)}`;
  return {
    type: 'note',
    label: `$(error) ${err.reason}`,
    description: `at column ${from + 1}`,
    detail: `${plain(marked, 160)}${err.hint ? `  —  ${err.hint}` : ''}`,
    alwaysShow: true,
  };
}

export function noteItem(label: string, detail?: string): SearchItem {
  return { type: 'note', label, detail, alwaysShow: true };
}

export function separator(label: string): SearchItem {
  return { type: 'note', label, kind: vscode.QuickPickItemKind.Separator };
}

/** A query error on one line, for an input box's validation message. */
export function queryErrorMessage(query: string, err: QueryError): string {
  const from = Math.max(0, Math.min(err.offset, query.length));
  const to = Math.min(query.length, from + Math.max(1, err.length));
  const start = Math.max(0, from - 24);
  const end = Math.min(query.length, to + 24);
  const near = `${start > 0 ? '…' : ''}${query.slice(start, from)}⟦${query.slice(from, to) || ' '}⟧${query.slice(to, end)}${end < query.length ? '…' : ''}`;
  return `Column ${from + 1}: ${err.reason} — ${plain(near, 80)}${err.hint ? ` (${err.hint})` : ''}`;
}
