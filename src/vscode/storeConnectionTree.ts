// The team store's part of the Runs tree: a "Team store (host/db)" root whose sources, runs and
// spans are read from PostgreSQL a page at a time (keyset cursors pushed down). Team nodes are one
// RunsNode variant (`type: 'team'`); their `source` is a stand-in describing the connection, so
// code that handles loaded sources never mistakes them for one (contextValues start `team.`).
//
// When the server is unreachable (checklist S-06) the root says so ("disconnected — retrying in
// 8 s", a warning icon, a Reconnect action) and every node shows the children it last read, marked
// stale in the tooltip, without querying; when the server is back the tree reloads by itself.

import * as vscode from 'vscode';
import { describeHealth } from '../store/pg/pgHealth';
import { summarize } from '../core/trace/summary';
import { usageStats } from '../core/trace/usageStats';
import type { RunRow, SourceRow, SpanRow } from '../store/traceStore';
import { Commands } from './commandIds';
import { runItem, spanItem } from './runsTreeItems';
import type { LoadedSource } from './sourceManager';
import type { StoreConnection } from './storeConnection';
import { teamSpanUri } from './storeConnectionSpans';

export type TeamPart =
  | { kind: 'root' }
  | { kind: 'source'; row: SourceRow }
  | { kind: 'run'; row: SourceRow; run: RunRow }
  | { kind: 'span'; row: SourceRow; span: SpanRow }
  | { kind: 'more'; row: SourceRow; parent?: { traceId: string; spanId?: string }; after: { startNs: bigint; id: string } }
  /** Shown under a node never read before the server became unreachable. */
  | { kind: 'unreachable' };

export interface TeamNode {
  type: 'team';
  source: LoadedSource;
  part: TeamPart;
}

export class TeamStoreTree implements vscode.Disposable {
  private stand?: LoadedSource;
  /** Extra pages shown under a node ("Load more…" clicked), by node key. */
  private readonly extra = new Map<string, number>();
  private readonly subscriptions: vscode.Disposable[];
  /** The children each node last showed, by node key: what an unreachable store still shows. */
  private readonly lastRead = new Map<string, TeamNode[]>();
  /** One root object, so refreshing just the root (the countdown) finds it. */
  private root?: TeamNode;
  private ticker?: ReturnType<typeof setInterval>;

  constructor(
    private readonly connection: StoreConnection,
    private readonly pageSize: () => number,
    /** Refresh the whole Runs tree, or one node of it. */
    private readonly refresh: (node?: TeamNode) => void,
  ) {
    this.subscriptions = [
      connection.onDidChange(() => {
        this.stand = undefined;
        this.root = undefined;
        this.extra.clear();
        this.lastRead.clear();
        this.tick(false);
        refresh();
      }),
      connection.onDidChangeHealth((h) => {
        this.tick(h.kind !== 'connected');
        // Back: read everything again. Gone: the root's state and the stale children.
        refresh();
      }),
    ];
  }

  /** While unreachable, the root's countdown is redrawn every second. */
  private tick(on: boolean): void {
    if (!on) {
      if (this.ticker) clearInterval(this.ticker);
      this.ticker = undefined;
    } else {
      this.ticker ??= setInterval(() => {
        if (this.root) this.refresh(this.root);
      }, 1000);
    }
  }

  /** The connection as a LoadedSource stand-in (no file, no spans in memory). */
  private standIn(): LoadedSource {
    this.stand ??= {
      id: -1,
      uri: vscode.Uri.from({ scheme: 'tracelens-team', path: `/${this.connection.label ?? 'team store'}` }),
      label: this.connection.label ?? 'Team store',
      format: 'team-store',
      bytes: 0,
      summary: summarize([]),
      firstRuns: [],
      diagnostics: [],
      usage: usageStats([]),
    };
    return this.stand;
  }

  private node(part: TeamPart): TeamNode {
    return { type: 'team', source: this.standIn(), part };
  }

  /** The root, when connected. */
  roots(): TeamNode[] {
    if (!this.connection.store) return [];
    this.root ??= this.node({ kind: 'root' });
    return [this.root];
  }

  getTreeItem(node: TeamNode): vscode.TreeItem {
    const p = node.part;
    switch (p.kind) {
      case 'root': {
        const item = new vscode.TreeItem(this.connection.label ?? 'Team store', vscode.TreeItemCollapsibleState.Expanded);
        item.id = 'team:root';
        item.contextValue = 'team.store';
        item.iconPath = new vscode.ThemeIcon('database');
        item.tooltip = `${this.connection.target ?? ''}\nShared with everyone connected to this database.`;
        const h = this.connection.health;
        if (h && h.kind !== 'connected') {
          item.contextValue = 'team.store.disconnected';
          item.description = describeHealth(h);
          item.iconPath = new vscode.ThemeIcon('warning', new vscode.ThemeColor('list.warningForeground'));
          item.tooltip =
            `${this.connection.target ?? ''}\nUnreachable since ${new Date(h.since).toLocaleTimeString()}: ${h.error}\n` +
            'What is shown was read before and may be out of date. TraceLens retries by itself; Reconnect tries now.';
        }
        return item;
      }
      case 'unreachable': {
        const item = new vscode.TreeItem('Not read yet: the team store is unreachable', vscode.TreeItemCollapsibleState.None);
        item.id = undefined;
        item.contextValue = 'team.unreachable';
        item.iconPath = new vscode.ThemeIcon('debug-disconnect');
        return item;
      }
      case 'source': {
        const r = p.row;
        const item = new vscode.TreeItem(r.label, vscode.TreeItemCollapsibleState.Collapsed);
        item.id = `team:source:${r.id}`;
        item.contextValue = 'team.source';
        item.iconPath = new vscode.ThemeIcon('cloud');
        item.description = `${r.traceCount} runs · ${r.spanCount} spans${r.state === 'complete' ? '' : ` · ${r.state}`}`;
        item.tooltip = `${r.uri}\nFormat: ${r.format}\n${r.traceCount} runs, ${r.spanCount} spans`;
        return item;
      }
      case 'run': {
        const item = runItem(p.run);
        item.id = `team:run:${p.run.sourceId}:${p.run.traceId}`;
        item.contextValue = 'team.run';
        return item;
      }
      case 'span': {
        const item = spanItem(p.span, p.row.label);
        item.id = `team:span:${p.span.sourceId}:${p.span.traceId}:${p.span.spanId}`;
        item.contextValue = `team.span.${p.span.kind}`;
        item.command = {
          command: 'vscode.open',
          title: 'Show Span',
          arguments: [
            teamSpanUri({ sourceId: p.span.sourceId, traceId: p.span.traceId, spanId: p.span.spanId }, p.row.label, p.span.name),
            { preview: true, preserveFocus: true, viewColumn: vscode.ViewColumn.Beside },
          ],
        };
        return item;
      }
      case 'more': {
        const item = new vscode.TreeItem('Load more…', vscode.TreeItemCollapsibleState.None);
        item.id = `team:more:${this.moreKey(p)}:${p.after.startNs}:${p.after.id}`;
        item.contextValue = 'team.more';
        item.iconPath = new vscode.ThemeIcon('ellipsis');
        item.command = { command: Commands.teamStoreLoadMore, title: 'Load More', arguments: [this.moreKey(p)] };
        return item;
      }
    }
  }

  private moreKey(p: { row: SourceRow; parent?: { traceId: string; spanId?: string } }): string {
    return JSON.stringify([p.row.id, p.parent?.traceId ?? null, p.parent?.spanId ?? null]);
  }

  /** Show one more page under the node a "Load more…" item belongs to. */
  loadMore(key: string): void {
    this.extra.set(key, (this.extra.get(key) ?? 0) + 1);
    this.refresh();
  }

  /** What identifies a node's children across refreshes (and "Load more…" pages). */
  private childrenKey(p: TeamPart): string | undefined {
    switch (p.kind) {
      case 'root':
        return 'root';
      case 'source':
        return `${this.moreKey({ row: p.row })}:${this.extra.get(this.moreKey({ row: p.row })) ?? 0}`;
      case 'run':
      case 'span': {
        const key = this.moreKey({
          row: p.row,
          parent: { traceId: p.kind === 'run' ? p.run.traceId : p.span.traceId, spanId: p.kind === 'run' ? undefined : p.span.spanId },
        });
        return `${key}:${this.extra.get(key) ?? 0}`;
      }
      default:
        return undefined;
    }
  }

  async getChildren(node: TeamNode): Promise<TeamNode[]> {
    const store = this.connection.store;
    if (!store) return [];
    const key = this.childrenKey(node.part);
    if (key === undefined) return [];
    const stale = (): TeamNode[] => this.lastRead.get(key) ?? [this.node({ kind: 'unreachable' })];
    // Unreachable: no statement is sent (the health probe does the asking); what was read stays.
    if (!store.health.isConnected) return stale();
    try {
      const nodes = await this.read(node);
      this.lastRead.set(key, nodes);
      return nodes;
    } catch (err) {
      // The connection broke during this read: the health change redraws the tree.
      if (!store.health.isConnected) return stale();
      throw err;
    }
  }

  private async read(node: TeamNode): Promise<TeamNode[]> {
    const store = this.connection.store;
    if (!store) return [];
    const p = node.part;
    switch (p.kind) {
      case 'root':
        return (await store.listSources()).map((row) => this.node({ kind: 'source', row }));
      case 'source': {
        const limit = this.pageSize() * (1 + (this.extra.get(this.moreKey({ row: p.row })) ?? 0));
        const runs = await store.listRuns(p.row.id, { limit: limit + 1 });
        const nodes = runs.slice(0, limit).map((run) => this.node({ kind: 'run', row: p.row, run }));
        const last = runs[limit - 1];
        if (runs.length > limit) nodes.push(this.node({ kind: 'more', row: p.row, after: { startNs: last.startNs, id: last.traceId } }));
        return nodes;
      }
      case 'run':
      case 'span': {
        const traceId = p.kind === 'run' ? p.run.traceId : p.span.traceId;
        const parent = p.kind === 'run' ? undefined : p.span.spanId;
        const key = { row: p.row, parent: { traceId, spanId: parent } };
        const limit = this.pageSize() * (1 + (this.extra.get(this.moreKey(key)) ?? 0));
        const spans = await store.childSpanPage(p.row.id, traceId, parent, { limit: limit + 1 });
        const nodes = spans.slice(0, limit).map((span) => this.node({ kind: 'span', row: p.row, span }));
        const last = spans[limit - 1];
        if (spans.length > limit) nodes.push(this.node({ kind: 'more', ...key, after: { startNs: last.startNs, id: last.spanId } }));
        return nodes;
      }
      case 'more':
      case 'unreachable':
        return [];
    }
  }

  async getParent(node: TeamNode): Promise<TeamNode | undefined> {
    const store = this.connection.store;
    const p = node.part;
    switch (p.kind) {
      case 'root':
        return undefined;
      case 'source':
        return this.node({ kind: 'root' });
      case 'run':
        return this.node({ kind: 'source', row: p.row });
      case 'more':
        return this.node({ kind: 'source', row: p.row });
      case 'unreachable':
        return this.root;
      case 'span': {
        const parent = p.span.parentId && (await store?.getSpan(p.row.id, p.span.traceId, p.span.parentId));
        if (parent) return this.node({ kind: 'span', row: p.row, span: parent });
        const run = await store?.getRun(p.row.id, p.span.traceId);
        return run ? this.node({ kind: 'run', row: p.row, run }) : this.node({ kind: 'source', row: p.row });
      }
    }
  }

  dispose(): void {
    this.tick(false);
    for (const s of this.subscriptions) s.dispose();
  }
}

export const isTeamNode = (n: { type: string }): n is TeamNode => n.type === 'team';
