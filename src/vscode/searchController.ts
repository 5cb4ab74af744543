// Search in the editor: runs a query against the loaded sources (runs, whose terms may be met by
// different spans, and spans, which must meet every term), turns hits into QuickPick items, and
// takes the user to a hit: the Runs tree (revealed, widened past paging, a hiding filter
// cleared), the span's detail, its lineage or its prompt template.

import * as vscode from 'vscode';
import type { Expr } from '../core/query/ast';
import { fullTextTerms } from '../core/query/compileSql';
import { parseQuery } from '../core/query/parser';
import { isQueryError, type QueryError } from '../core/query/queryError';
import { spanSearchRows } from '../core/query/searchRows';
import { snippetFor } from '../core/query/snippet';
import type { RunRow, RunSearchHit, SearchIndexProgress, SpanRow } from '../store/traceStore';
import { Commands } from './commandIds';
import type { Log } from './log';
import type { RunsNode, RunsTreeProvider } from './runsTree';
import { plain, runItem, spanItem, type SearchItem } from './searchItems';
import type { SourceManager } from './sourceManager';
import type { SpanRef } from './spanDocument';

/** Results per section: the palette is for finding, the tree filter for listing. */
export const RUN_LIMIT = 25;
export const SPAN_LIMIT = 50;
export const GO_TO_RUN_LIMIT = 200;
/** Spans whose snippet is read back from the source (one small read each). */
const SNIPPETS = 20;

export type SearchMode = 'runs+spans' | 'runs';

export interface SearchResults {
  text: string;
  error?: QueryError;
  /** Why there is nothing to show, when it is not "no match" (no sources, the store failed). */
  problem?: string;
  runs: SearchItem[];
  spans: SearchItem[];
  /** Positive full-text words, for snippets. */
  terms: string[];
}

/** How many terms a run's best span could meet: the positive leaves of the query. */
export function positiveTerms(expr: Expr): number {
  const walk = (x: Expr, negated: boolean): number => {
    if (x.type === 'all') return 0;
    if (x.type === 'not') return walk(x.item, !negated);
    if (x.type === 'and' || x.type === 'or') return x.items.reduce((n, i) => n + walk(i, negated), 0);
    return negated ? 0 : 1;
  };
  return walk(expr, false);
}

const quoted = (s: string): string => `"${s.replace(/["\\]/g, '\\$&')}"`;
const runKey = (sourceId: number, traceId: string): string => `${sourceId}/${traceId}`;

export class SearchController {
  constructor(
    private readonly sources: SourceManager,
    private readonly tree: RunsTreeProvider,
    readonly treeView: vscode.TreeView<RunsNode>,
    private readonly log: Log,
    private readonly clearFilter: () => Promise<void>,
  ) {}

  /** Parse and run `text`; throws only an AbortError (when `signal` fires). */
  async run(
    text: string,
    mode: SearchMode,
    signal?: AbortSignal,
    onIndexProgress?: (p: SearchIndexProgress) => void,
  ): Promise<SearchResults> {
    const empty: SearchResults = { text, runs: [], spans: [], terms: [] };
    let expr: Expr;
    try {
      expr = parseQuery(text);
    } catch (err) {
      if (isQueryError(err)) return { ...empty, error: err };
      throw err;
    }
    // What the Runs view shows, including sources still loading (their indexed part is searchable).
    const loaded = this.sources.visible();
    if (!loaded.length) return { ...empty, problem: 'No trace files are loaded: open one first.' };
    const labels = new Map(loaded.map((s) => [s.id, plain(s.label, 60)]));
    const sourceIds = loaded.map((s) => s.id);
    const store = await this.sources.getStore();
    const terms = fullTextTerms(expr);
    try {
      const [runHits, spanRows] = await Promise.all([
        store.searchRuns(expr, { sourceIds, signal, onIndexProgress, limit: mode === 'runs' ? GO_TO_RUN_LIMIT : RUN_LIMIT }),
        mode === 'runs'
          ? Promise.resolve([] as SpanRow[])
          : store.searchSpans(expr, { sourceIds, signal, onIndexProgress, limit: SPAN_LIMIT }),
      ]);
      signal?.throwIfAborted();
      const matches =
        mode === 'runs' ? [] : await Promise.all(runHits.map((h) => store.getSpan(h.run.sourceId, h.run.traceId, h.matchSpanId)));
      const runs = await this.runsOf(spanRows, runHits, sourceIds, signal);
      const count = positiveTerms(expr);
      return {
        text,
        terms,
        runs: runHits.map((h, i) => runItem(h, labels.get(h.run.sourceId) ?? '', count, matches[i])),
        spans: spanRows.map((s) => spanItem(s, labels.get(s.sourceId) ?? '', runs.get(runKey(s.sourceId, s.traceId)))),
      };
    } catch (err) {
      if (signal?.aborted) throw err;
      this.log.error(`search "${text}" failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
      return { ...empty, problem: err instanceof Error ? err.message : String(err) };
    }
  }

  /** The run of each span hit (its label in the list), in one query for the runs not already found. */
  private async runsOf(spans: SpanRow[], hits: RunSearchHit[], sourceIds: number[], signal?: AbortSignal): Promise<Map<string, RunRow>> {
    const runs = new Map(hits.map((h) => [runKey(h.run.sourceId, h.run.traceId), h.run]));
    const missing = [...new Set(spans.filter((s) => !runs.has(runKey(s.sourceId, s.traceId))).map((s) => s.traceId))];
    if (!missing.length) return runs;
    const store = await this.sources.getStore();
    const byTrace = parseQuery(missing.map((t) => `trace:${quoted(t)}`).join(' OR '));
    for (const h of await store.searchRuns(byTrace, { sourceIds, signal, limit: missing.length * sourceIds.length })) {
      runs.set(runKey(h.run.sourceId, h.run.traceId), h.run);
    }
    return runs;
  }

  /** Span items with a one-line snippet of their text, read back from the source (first few only). */
  async withSnippets(items: SearchItem[], terms: string[], signal?: AbortSignal): Promise<SearchItem[]> {
    const out = [...items];
    let read = 0;
    for (let i = 0; i < out.length && read < SNIPPETS; i++) {
      const item = out[i];
      if (item.type !== 'span') continue;
      read++;
      signal?.throwIfAborted();
      const { span } = await this.sources.readSpan(item.row.sourceId, item.row.traceId, item.row.spanId).catch(() => ({ span: undefined }));
      const snippet = span && snippetFor(spanSearchRows(span).text, terms);
      if (snippet) out[i] = spanItem(item.row, item.source, item.run, `${snippet.field}: ${plain(snippet.text, 160)}`);
    }
    return out;
  }

  /** The span a hit stands for: the matching span of a run, or the span itself. */
  refOf(item: SearchItem): SpanRef | undefined {
    if (item.type === 'run') return { sourceId: item.hit.run.sourceId, traceId: item.hit.run.traceId, spanId: item.hit.matchSpanId };
    if (item.type === 'span') return { sourceId: item.row.sourceId, traceId: item.row.traceId, spanId: item.row.spanId };
    return undefined;
  }

  /**
   * Select a run (expanded) or a span in the Runs tree. The run's page is widened when it lies
   * past "Load more", and a filter that hides it is cleared (with a note in the status bar).
   */
  async reveal(ref: { sourceId: number; traceId: string; spanId?: string }, openDetail: boolean): Promise<RunsNode> {
    const source = await this.sources.byId(ref.sourceId);
    if (!source) throw new Error('That trace file is no longer loaded.');
    if (!(await this.tree.ensureListed(source, ref.traceId))) {
      if (!this.tree.activeFilter) throw new Error(`Run ${ref.traceId} is not loaded.`);
      await this.clearFilter();
      void vscode.window.setStatusBarMessage('TraceLens: the Runs filter hid that run, so it was cleared', 6000);
      if (!(await this.tree.ensureListed(source, ref.traceId))) throw new Error(`Run ${ref.traceId} is not loaded.`);
    }
    const store = await this.sources.getStore();
    const run = await this.tree.findRun(source, ref.traceId);
    if (!run) throw new Error(`Run ${ref.traceId} is not loaded.`);
    const span = ref.spanId ? await store.getSpan(source.id, ref.traceId, ref.spanId) : undefined;
    const node: RunsNode = span ? { type: 'span', source, span } : { type: 'run', source, run };
    await this.treeView.reveal(node, { select: true, focus: true, expand: !span });
    if (openDetail && span)
      await vscode.commands.executeCommand(Commands.revealSpan, { sourceId: source.id, traceId: span.traceId, spanId: span.spanId });
    return node;
  }

  async showLineage(item: SearchItem): Promise<void> {
    const ref = this.refOf(item);
    if (ref) await vscode.commands.executeCommand(Commands.showLineage, ref);
  }

  /** A span's template; for a run, the template of its first span that names one (or its first LLM call). */
  async goToTemplate(item: SearchItem): Promise<void> {
    let ref = this.refOf(item);
    if (item.type === 'run' && item.match?.kind !== 'llm' && !item.match?.templateName) {
      const store = await this.sources.getStore();
      const trace = `trace:${quoted(item.hit.run.traceId)}`;
      let first: SpanRow | undefined;
      for (const q of [`${trace} template:*`, `${trace} (kind:llm OR kind:prompt)`]) {
        [first] = await store.searchSpans(parseQuery(q), { sourceIds: [item.hit.run.sourceId], limit: 1 });
        if (first) break;
      }
      if (!first) throw new Error(`No span of run "${runLabelOf(item.hit.run)}" names a prompt template or calls a model.`);
      ref = { sourceId: first.sourceId, traceId: first.traceId, spanId: first.spanId };
    }
    if (ref) await vscode.commands.executeCommand(Commands.goToTemplate, ref);
  }
}

const runLabelOf = (r: RunRow): string => plain(r.preview ?? r.name, 60);
