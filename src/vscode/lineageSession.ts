// The host side of one lineage page, without VS Code: it holds the graph the page shows, answers
// the page's requests through the caller's handlers and checks every message first — validated by
// parseLineagePageMessage, then the node id must be one this session sent. The panel
// (lineagePanel.ts) plugs in postMessage and the save dialog; tests plug in fakes.

import type { LineageGraph, LineageNode } from '../core/model/lineage';
import {
  parseLineagePageMessage,
  type LineageDirection,
  type LineageGraphPatch,
  type LineageHostMessage,
  type LineageNodeDetail,
  type LineagePageMessage,
  type LineageViewOptions,
} from '../protocol/lineageMessages';
import type { PanelOrigin } from '../protocol/spanDetailMessages';

/** What the panel shows. */
export interface LineagePanelInput {
  graph: LineageGraph;
  /** The output the graph explains: selected first, and where the problem paths start. */
  rootId?: string;
  /** Node ids on the paths from the root to problems (e.g. `pathsToProblems(...).nodes`). */
  problemNodeIds?: readonly string[];
  /** Nodes with more lineage than sent: the page offers "load more" on them (answered by onExpand). */
  frontier?: { upstream?: readonly string[]; downstream?: readonly string[] };
  /** The closure was cut by a depth or size limit. */
  truncated?: boolean;
  options?: LineageViewOptions;
  /** The source and span the graph was built for: the page keeps it to be restored after a reload. */
  origin?: PanelOrigin;
}

type MaybeThenable<T> = T | PromiseLike<T>;

/** The caller's side: navigation and more data, by node. Nodes passed here are ones the session sent. */
export interface LineagePanelHandlers {
  /** Enter, double-click or "Open": span → tree, template → file, code → line, dataset → its event. */
  onOpenNode?(node: LineageNode): MaybeThenable<void>;
  /** More upstream/downstream of a node, or the members of a "12 more …" stand-in (direction `upstream`). */
  onExpand?(node: LineageNode, direction: LineageDirection): MaybeThenable<LineageGraphPatch | undefined>;
  /** The side pane's detail; by default the node's facts. */
  onNodeDetail?(node: LineageNode): MaybeThenable<LineageNodeDetail | undefined>;
  onSelectNode?(node: LineageNode): void;
  onCollapse?(node: LineageNode, direction: LineageDirection): void;
}

export interface LineageSessionDeps {
  post(msg: LineageHostMessage): PromiseLike<boolean>;
  /** Asks where to save and writes the file; resolves to the saved file's name, or undefined if cancelled. */
  saveSvg(svg: string): PromiseLike<string | undefined>;
  log?: { debug(msg: string): void; error(msg: string): void };
}

/** Longest text value sent to the page in a detail (W-10); longer values are cut and flagged. */
export const MAX_DETAIL_TEXT = 64 * 1024;
/** Requests (open, expand, detail) handled at once; more are dropped (a flooding page). */
export const MAX_IN_FLIGHT = 32;

/** The detail as sent: every string bounded, rows and sections capped. */
export function boundDetail(d: LineageNodeDetail, max = MAX_DETAIL_TEXT): LineageNodeDetail {
  const cut = (s: unknown, n: number): string => {
    const t = typeof s === 'string' ? s : String(s);
    return t.length > n ? `${t.slice(0, n)}…` : t;
  };
  return {
    nodeId: d.nodeId,
    title: cut(d.title, 1000),
    openLabel: d.openLabel === undefined ? undefined : cut(d.openLabel, 60),
    sections: (d.sections ?? []).slice(0, 50).map((s) => {
      const text = s.text === undefined ? undefined : String(s.text);
      return {
        heading: cut(s.heading, 200),
        rows: s.rows?.slice(0, 500).map(([k, v]): [string, string] => [cut(k, 200), cut(v, 4096)]),
        text: text === undefined ? undefined : cut(text, max),
        truncated: s.truncated || (text !== undefined && text.length > max) || undefined,
      };
    }),
  };
}

/** The detail when the caller has none: the node's facts. */
export function defaultDetail(node: LineageNode): LineageNodeDetail {
  const rows = Object.entries(node.facts ?? {}).map(([k, v]): [string, string] => [k, String(v)]);
  if (node.collapsed) rows.unshift(['hidden', `${node.collapsed.count} nodes`]);
  return { nodeId: node.id, title: node.label || node.id, sections: rows.length ? [{ heading: 'Facts', rows }] : [] };
}

export class LineageSession {
  private input: LineagePanelInput;
  private nodes = new Map<string, LineageNode>();
  private inFlight = 0;
  private saving = false;
  private closed = false;
  private dropped = 0;
  private droppedTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    input: LineagePanelInput,
    private readonly handlers: LineagePanelHandlers,
    private readonly deps: LineageSessionDeps,
  ) {
    this.input = input;
    this.indexNodes();
  }

  /** Shows another graph (the page keeps its UI state only for the same root). */
  setGraph(input: LineagePanelInput): void {
    this.input = input;
    this.indexNodes();
    void this.post(this.graphMessage());
  }

  /** Selects a node in the page; `focus` also zooms to it. Unknown ids are ignored. */
  select(nodeId: string, focus = false): void {
    if (this.nodes.has(nodeId)) void this.post({ type: 'lineageSelect', nodeId, focus });
  }

  /** A message for the page's status line (e.g. "source no longer loaded"). */
  showError(text: string): void {
    void this.post({ type: 'lineageError', text });
  }

  /** Whether the session sent this node (and so accepts requests about it). */
  has(nodeId: string): boolean {
    return this.nodes.has(nodeId);
  }

  close(): void {
    this.closed = true;
    if (this.droppedTimer) clearTimeout(this.droppedTimer);
  }

  /** Handles one raw message from the page; resolves when its answer is posted. */
  onMessage(raw: unknown): Promise<void> {
    if (this.closed) return Promise.resolve();
    const msg = parseLineagePageMessage(raw);
    if (!msg) return this.drop('invalid');
    if (msg.type === 'ready') return this.post(this.graphMessage()).then(() => undefined);
    if (msg.type === 'lineageExportSvg') return this.saveSvg(msg.requestId, msg.svg);
    const node = this.nodes.get(msg.nodeId);
    if (!node) return this.drop('unknown node');
    if (msg.type === 'lineageSelect') {
      this.handlers.onSelectNode?.(node);
      return Promise.resolve();
    }
    if (msg.type === 'lineageCollapse') {
      this.handlers.onCollapse?.(node, msg.direction);
      return Promise.resolve();
    }
    if (this.inFlight >= MAX_IN_FLIGHT) return this.drop('too many requests');
    this.inFlight++;
    return this.handle(msg, node).finally(() => this.inFlight--);
  }

  private indexNodes(): void {
    this.nodes = new Map();
    for (const n of this.input.graph.nodes) if (!this.nodes.has(n.id)) this.nodes.set(n.id, n);
  }

  private graphMessage(): LineageHostMessage {
    const i = this.input;
    return {
      type: 'lineageGraph',
      graph: i.graph,
      rootId: i.rootId,
      problemNodeIds: i.problemNodeIds ? [...i.problemNodeIds] : undefined,
      frontier: i.frontier
        ? { upstream: i.frontier.upstream && [...i.frontier.upstream], downstream: i.frontier.downstream && [...i.frontier.downstream] }
        : undefined,
      truncated: i.truncated,
      options: i.options,
      origin: i.origin,
    };
  }

  private async post(msg: LineageHostMessage): Promise<boolean> {
    return this.closed ? false : this.deps.post(msg);
  }

  private drop(why: string): Promise<void> {
    this.dropped++;
    if (!this.droppedTimer) {
      // Logged at most once a second: a flooding page must not flood the log.
      this.droppedTimer = setTimeout(() => {
        this.droppedTimer = undefined;
        this.deps.log?.debug(`Lineage page: dropped ${this.dropped} message(s) (last: ${why})`);
        this.dropped = 0;
      }, 1000);
    }
    return Promise.resolve();
  }

  private async handle(
    msg: Extract<LineagePageMessage, { type: 'lineageOpen' | 'lineageNodeDetail' | 'lineageExpand' }>,
    node: LineageNode,
  ): Promise<void> {
    try {
      if (msg.type === 'lineageOpen') {
        if (this.handlers.onOpenNode) await this.handlers.onOpenNode(node);
      } else if (msg.type === 'lineageNodeDetail') {
        const detail = (this.handlers.onNodeDetail ? await this.handlers.onNodeDetail(node) : undefined) ?? defaultDetail(node);
        await this.post({ type: 'lineageNodeDetail', requestId: msg.requestId, detail: boundDetail({ ...detail, nodeId: node.id }) });
      } else {
        const patch = this.handlers.onExpand ? await this.handlers.onExpand(node, msg.direction) : undefined;
        const clean: LineageGraphPatch = { nodes: patch?.nodes ?? [], edges: patch?.edges ?? [], remove: patch?.remove };
        this.applyPatch(clean);
        await this.post({
          type: 'lineageExpanded',
          requestId: msg.requestId,
          nodeId: node.id,
          direction: msg.direction,
          patch: clean,
          text: clean.nodes.length ? undefined : `Nothing more ${msg.direction} of this node`,
        });
      }
    } catch (err) {
      const text = err instanceof Error ? err.message : String(err);
      this.deps.log?.error(`Lineage ${msg.type} for ${node.id} failed: ${text}`);
      await this.post({
        type: 'lineageError',
        requestId: msg.type === 'lineageOpen' ? undefined : msg.requestId,
        text: `TraceLens: ${text}`,
      });
    }
  }

  /** Keeps the session's copy in step with the page, so requests about the new nodes are accepted. */
  private applyPatch(p: LineageGraphPatch): void {
    if (!p.nodes.length && !p.remove?.length) return;
    const remove = new Set(p.remove ?? []);
    const added = new Map(p.nodes.map((n) => [n.id, n]));
    const nodes = this.input.graph.nodes.filter((n) => !remove.has(n.id) && !added.has(n.id));
    nodes.push(...added.values());
    const edges = [...this.input.graph.edges.filter((e) => !remove.has(e.from) && !remove.has(e.to)), ...p.edges];
    this.input = { ...this.input, graph: { nodes, edges } };
    this.indexNodes();
  }

  private async saveSvg(requestId: number, svg: string): Promise<void> {
    if (this.saving) {
      await this.post({ type: 'lineageExportDone', requestId, saved: false, text: 'An export is already in progress.' });
      return;
    }
    this.saving = true;
    try {
      const name = await this.deps.saveSvg(svg);
      await this.post({
        type: 'lineageExportDone',
        requestId,
        saved: name !== undefined,
        text: name !== undefined ? `Saved ${name}.` : 'Export cancelled.',
      });
    } catch (err) {
      const text = err instanceof Error ? err.message : String(err);
      this.deps.log?.error(`Lineage SVG export failed: ${text}`);
      await this.post({ type: 'lineageExportDone', requestId, saved: false, text: `Export failed: ${text}` });
    } finally {
      this.saving = false;
    }
  }
}
