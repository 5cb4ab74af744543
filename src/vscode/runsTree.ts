// The Runs tree: sources → runs → nested spans, a projection of the store refreshed by its
// events. Runs are paged with a keyset cursor so a large source never loads whole.

import * as vscode from 'vscode';
import type { RunRow, SpanRow } from '../store/traceStore';
import { moreItem, runItem, sourceItem, spanItem } from './runsTreeItems';
import type { LoadedSource, SourceManager } from './sourceManager';

export type RunsNode =
  | { type: 'source'; source: LoadedSource }
  | { type: 'run'; source: LoadedSource; run: RunRow }
  | { type: 'span'; source: LoadedSource; span: SpanRow }
  | { type: 'more'; source: LoadedSource; shown: number };

export class RunsTreeProvider implements vscode.TreeDataProvider<RunsNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<RunsNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly pages = new Map<number, number>();
  /** When set, only these runs are listed (from a CodeLens or a search). */
  private filter?: { traceIds: Set<string>; label: string };
  private readonly subscription: vscode.Disposable;

  constructor(
    private readonly sources: SourceManager,
    private readonly pageSize: () => number,
  ) {
    this.subscription = sources.onDidChange(() => this.refresh());
  }

  refresh(): void {
    this.changed.fire(undefined);
  }

  setFilter(filter: { traceIds: string[]; label: string } | undefined): void {
    this.filter = filter && { traceIds: new Set(filter.traceIds), label: filter.label };
    void vscode.commands.executeCommand('setContext', 'tracelens.runsFiltered', !!filter);
    this.refresh();
  }

  get filterLabel(): string | undefined {
    return this.filter && `${this.filter.label} (${this.filter.traceIds.size} runs)`;
  }

  loadMore(sourceId: number): void {
    this.pages.set(sourceId, (this.pages.get(sourceId) ?? 1) + 1);
    this.refresh();
  }

  getTreeItem(node: RunsNode): vscode.TreeItem {
    switch (node.type) {
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
    if (!node) return (await this.sources.loaded()).map((source) => ({ type: 'source', source }));
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
