// The Runs tree: sources → runs → nested spans, a projection of the store refreshed by its
// events. Runs are paged with a keyset cursor so a large source never loads whole.

import * as vscode from 'vscode';
import type { Expr } from '../core/query/ast';
import { MAX_LIMIT } from '../core/query/compileSql';
import type { RunRow, SpanRow } from '../store/traceStore';
import { moreItem, runItem, sourceItem, spanItem } from './runsTreeItems';
import type { LoadedSource, SourceManager } from './sourceManager';
import type { TeamNode, TeamStoreTree } from './storeConnectionTree';

export type RunsNode =
  | { type: 'source'; source: LoadedSource }
  | { type: 'run'; source: LoadedSource; run: RunRow }
  | { type: 'span'; source: LoadedSource; span: SpanRow }
  | { type: 'more'; source: LoadedSource; shown: number }
  | TeamNode;

export type RunsFilter = { traceIds: string[]; label: string } | { query: Expr; label: string };

export class RunsTreeProvider implements vscode.TreeDataProvider<RunsNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<RunsNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly pages = new Map<number, number>();
  /** When set, only these runs are listed: a list (from a CodeLens) or a query (Filter Runs…). */
  private filter?: { traceIds: Set<string>; label: string } | { query: Expr; label: string };
  private readonly subscription: vscode.Disposable;
  /** The connected team store's part of the tree (a "Team store (host/db)" root), when set. */
  team?: TeamStoreTree;

  constructor(
    private readonly sources: SourceManager,
    private readonly pageSize: () => number,
  ) {
    this.subscription = sources.onDidChange(() => this.refresh());
  }

  /** Everything, or one node (and what is under it). */
  refresh(node?: RunsNode): void {
    this.changed.fire(node);
  }

  setFilter(filter: RunsFilter | undefined): void {
    this.filter = filter && ('query' in filter ? filter : { traceIds: new Set(filter.traceIds), label: filter.label });
    void vscode.commands.executeCommand('setContext', 'tracelens.runsFiltered', !!filter);
    this.refresh();
  }

  /** The active filter: its label, and its query when it is one (re-run on every refresh). */
  get activeFilter(): { label: string; query?: Expr; runCount?: number } | undefined {
    const f = this.filter;
    return f && ('query' in f ? { label: f.label, query: f.query } : { label: f.label, runCount: f.traceIds.size });
  }

  get filterLabel(): string | undefined {
    const f = this.filter;
    return f && ('query' in f ? f.label : `${f.label} (${f.traceIds.size} runs)`);
  }

  /** Widen the source's page until it lists the run (for `reveal`); false when it is not there. */
  async ensureListed(source: LoadedSource, traceId: string): Promise<boolean> {
    if (this.filter) return (await this.filteredRuns(source)).some((r) => r.traceId === traceId);
    const store = await this.sources.getStore();
    let after: RunRow | undefined;
    for (let seen = 0; ;) {
      const page = await store.listRuns(source.id, { limit: 500, after: after && { startNs: after.startNs, traceId: after.traceId } });
      const at = page.findIndex((r) => r.traceId === traceId);
      if (at >= 0) {
        const needed = Math.ceil((seen + at + 1) / this.pageSize());
        if (needed > (this.pages.get(source.id) ?? 1)) {
          this.pages.set(source.id, needed);
          this.refresh();
        }
        return true;
      }
      if (page.length < 500) return false;
      seen += page.length;
      after = page[page.length - 1];
    }
  }

  loadMore(sourceId: number): void {
    this.pages.set(sourceId, (this.pages.get(sourceId) ?? 1) + 1);
    this.refresh();
  }

  getTreeItem(node: RunsNode): vscode.TreeItem {
    switch (node.type) {
      case 'team':
        return this.team?.getTreeItem(node) ?? new vscode.TreeItem('');
      case 'source':
        return sourceItem(node.source);
      case 'run':
        return runItem(node.run);
      case 'span':
        return spanItem(node.span, node.source.label);
      case 'more':
        return moreItem(node.source.id, node.shown);
    }
  }

  async getChildren(node?: RunsNode): Promise<RunsNode[]> {
    // Without waiting for loads in flight: a big file is listed with its first runs while it loads.
    if (!node) return [...(this.team?.roots() ?? []), ...this.sources.visible().map((source): RunsNode => ({ type: 'source', source }))];
    if (node.type === 'team') return (await this.team?.getChildren(node)) ?? [];
    const store = await this.sources.getStore();
    const { source } = node;
    switch (node.type) {
      case 'source': {
        if (this.filter) return (await this.filteredRuns(source)).map((run) => ({ type: 'run', source, run }));
        const limit = this.pageSize() * (this.pages.get(source.id) ?? 1);
        const runs = await store.listRuns(source.id, { limit: limit + 1 });
        const nodes: RunsNode[] = runs.slice(0, limit).map((run) => ({ type: 'run', source, run }));
        if (runs.length > limit) nodes.push({ type: 'more', source, shown: limit });
        return nodes;
      }
      case 'run':
        return (await store.childSpans(source.id, node.run.traceId, undefined)).map((span) => ({ type: 'span', source, span }));
      case 'span':
        return (await store.childSpans(source.id, node.span.traceId, node.span.spanId)).map((span) => ({ type: 'span', source, span }));
      case 'more':
        return [];
    }
  }

  async getParent(node: RunsNode): Promise<RunsNode | undefined> {
    if (node.type === 'team') return this.team?.getParent(node);
    const store = await this.sources.getStore();
    switch (node.type) {
      case 'source':
        return undefined;
      case 'run':
      case 'more':
        return { type: 'source', source: node.source };
      case 'span': {
        if (node.span.parentId) {
          const parent = await store.getSpan(node.source.id, node.span.traceId, node.span.parentId);
          if (parent) return { type: 'span', source: node.source, span: parent };
        }
        const run = await this.findRun(node.source, node.span.traceId);
        return run && { type: 'run', source: node.source, run };
      }
    }
  }

  private async filteredRuns(source: LoadedSource): Promise<RunRow[]> {
    const store = await this.sources.getStore();
    if (this.filter && 'query' in this.filter) {
      const hits = await store.searchRuns(this.filter.query, { sourceIds: [source.id], limit: MAX_LIMIT });
      return hits.map((h) => h.run);
    }
    const wanted = this.filter?.traceIds ?? new Set<string>();
    const out: RunRow[] = [];
    let after: RunRow | undefined;
    for (;;) {
      const page = await store.listRuns(source.id, { limit: 1000, after: after && { startNs: after.startNs, traceId: after.traceId } });
      out.push(...page.filter((r) => wanted.has(r.traceId)));
      if (page.length < 1000 || out.length >= wanted.size) return out;
      after = page[page.length - 1];
    }
  }

  /** The run node for a trace id, for `reveal`. */
  async findRun(source: LoadedSource, traceId: string): Promise<RunRow | undefined> {
    const store = await this.sources.getStore();
    let after: RunRow | undefined;
    for (;;) {
      const page = await store.listRuns(source.id, { limit: 500, after: after && { startNs: after.startNs, traceId: after.traceId } });
      const hit = page.find((r) => r.traceId === traceId);
      if (hit || page.length < 500) return hit;
      after = page[page.length - 1];
    }
  }

  dispose(): void {
    this.subscription.dispose();
    this.changed.dispose();
  }
}
