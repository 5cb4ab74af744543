// The lineage page: handshake with the host, then show the graph it sends. Owns interaction
// (selection, keyboard cursor, focus, collapse/expand, zoom and pan) and the UI state it persists;
// layout and culling are the pure modules next to it, drawing is the SVG or canvas renderer.

import { select, zoom, zoomIdentity, type D3ZoomEvent, type ZoomBehavior } from 'd3';
import type { LineageGraph, LineageNode } from '../../src/core/model/lineage';
import type { LineageDirection, LineageHostMessage, LineageNodeDetail, LineagePageMessage } from '../../src/protocol/lineageMessages';
import { MAX_SVG_CHARS } from '../../src/protocol/lineageMessages';
import { onHostMessage, vscodeApi } from '../vscodeApi';
import { renderDetail, type DetailAction } from './detailPane';
import { el } from '../dom';
import { buildLineageChrome, type LineageChrome } from './lineageChrome';
import { exportSvg } from './exportSvg';
import {
  adjacencyOf,
  applyCollapses,
  applyPatch,
  foldSiblings,
  isPageFold,
  navigate,
  neighbourhood,
  pathsToProblems,
  type Adjacency,
  type NavKey,
} from './graphView';
import { layoutGraph, type GraphLayout } from './layout';
import { CanvasRenderer } from './renderCanvas';
import { SVG_NODE_LIMIT, TextFitter, type Renderer } from './renderer';
import { SvgRenderer } from './renderSvg';
import { E_DIM, E_PATH, F_CURSOR, F_DIM, F_FOLDED, F_PATH, F_PROBLEM, F_ROOT, F_SELECTED, sceneBase, type Scene } from './scene';
import { displayLabel } from './text';
import { readTheme, watchTheme, type Theme } from './theme';
import { emptyState, sanitizeState, toggleCollapse, type LineageUiState } from './uiState';
import { parsePanelOrigin } from '../../src/protocol/spanDetailMessages';
import { centreOn, fitTransform, initialTransform, isOnScreen, MAX_ZOOM, MIN_ZOOM, nodeAt, type Transform } from './viewport';

function post(msg: LineagePageMessage): void {
  vscodeApi.postMessage(msg);
}

class LineageApp {
  // ---- from the host
  private graph: LineageGraph = { nodes: [], edges: [] };
  private rootId: string | undefined;
  private hostProblems = new Set<string>();
  private frontier = { upstream: new Set<string>(), downstream: new Set<string>() };
  private foldThreshold = 12;
  private foldKeep = 3;
  private truncated = false;
  private received = false;
  private initialView: 'output' | 'fit' = 'output';

  // ---- UI intent (persisted)
  private ui: LineageUiState;

  // ---- derived
  private byId = new Map<string, LineageNode>();
  private layout: GraphLayout | undefined;
  private adj: Adjacency | undefined;
  private scene: Scene | undefined;
  private hiddenUp = new Map<string, number>();
  private hiddenDown = new Map<string, number>();
  private renderer: Renderer | undefined;
  private theme: Theme;
  private transform: Transform = { k: 1, x: 0, y: 0 };
  private readonly zoomer: ZoomBehavior<HTMLDivElement, unknown>;
  private frame = 0;
  private saveTimer: ReturnType<typeof setTimeout> | undefined;
  private firstDraw = true;
  private draws = 0;

  // ---- requests
  private nextRequest = 1;
  private detailRequest = new Map<string, number>();
  private details = new Map<string, LineageNodeDetail>();
  private exportRequest = 0;

  // ---- DOM
  private readonly dom: LineageChrome;

  constructor(private readonly root: HTMLElement) {
    this.ui = sanitizeState(vscodeApi.getState<unknown>());
    this.theme = readTheme();
    this.dom = buildLineageChrome(this.root, {
      zoomOut: () => this.zoomBy(0.8),
      zoomIn: () => this.zoomBy(1.25),
      fit: () => this.fit(),
      exportSvg: () => this.exportSvg(),
    });

    this.zoomer = zoom<HTMLDivElement, unknown>()
      .scaleExtent([MIN_ZOOM, MAX_ZOOM])
      .on('zoom', (e: D3ZoomEvent<HTMLDivElement, unknown>) => {
        this.transform = { k: e.transform.k, x: e.transform.x, y: e.transform.y };
        this.requestDraw();
        this.saveSoon();
      });
    select(this.dom.graphHost).call(this.zoomer).on('dblclick.zoom', null);
    this.dom.graphHost.addEventListener('click', (e) => this.onClick(e));
    this.dom.graphHost.addEventListener('dblclick', (e) => this.onDoubleClick(e));
    this.dom.graphHost.addEventListener('mousemove', (e) => {
      this.dom.graphHost.classList.toggle('over-node', this.hit(e) >= 0);
    });
    this.dom.graphHost.addEventListener('keydown', (e) => this.onKey(e));
    new ResizeObserver(() => this.onResize()).observe(this.dom.graphHost);
    watchTheme(() => this.onThemeChange());
  }

  start(): void {
    onHostMessage((msg) => this.onMessage(msg as LineageHostMessage));
    this.setStatus('Loading lineage…');
    post({ type: 'ready' });
  }

  // ------------------------------------------------------------ host messages

  private onMessage(msg: LineageHostMessage): void {
    switch (msg.type) {
      case 'lineageGraph':
        performance.mark('lineage-graph-received');
        this.onGraph(msg);
        break;
      case 'lineageSelect':
        if (typeof msg.nodeId === 'string') this.selectId(msg.nodeId, { reveal: true, focus: msg.focus === true });
        break;
      case 'lineageExpanded':
        this.onExpanded(msg);
        break;
      case 'lineageNodeDetail':
        if (msg.detail && typeof msg.detail.nodeId === 'string' && this.detailRequest.get(msg.detail.nodeId) === msg.requestId) {
          this.details.set(msg.detail.nodeId, msg.detail);
          this.detailRequest.delete(msg.detail.nodeId);
          if (this.ui.selected === msg.detail.nodeId) this.showDetail();
        } else if (!msg.detail) {
          for (const [id, r] of this.detailRequest) if (r === msg.requestId) this.detailRequest.delete(id);
          this.showDetail();
        }
        break;
      case 'lineageExportDone':
        if (msg.requestId === this.exportRequest) this.dom.exportButton.disabled = false;
        this.setStatus(String(msg.text ?? ''));
        break;
      case 'lineageError':
        for (const [id, r] of this.detailRequest) if (r === msg.requestId) this.detailRequest.delete(id);
        this.setStatus(String(msg.text ?? 'Something went wrong.'), true);
        this.showDetail();
        break;
    }
  }

  private onGraph(msg: Extract<LineageHostMessage, { type: 'lineageGraph' }>): void {
    const g = msg.graph;
    this.graph = { nodes: Array.isArray(g?.nodes) ? g.nodes : [], edges: Array.isArray(g?.edges) ? g.edges : [] };
    const rootId = typeof msg.rootId === 'string' ? msg.rootId : undefined;
    const sameRoot = this.ui.rootId === rootId;
    if (!sameRoot) this.ui = { ...emptyState(rootId), origin: this.ui.origin };
    // The host's ids for restoring the panel after a reload: saved at once, before any interaction.
    const origin = parsePanelOrigin(msg.origin);
    if (origin) {
      this.ui.origin = origin;
      vscodeApi.setState(this.ui); // not save(): that would overwrite the transform being restored
    }
    this.rootId = rootId;
    this.hostProblems = new Set(Array.isArray(msg.problemNodeIds) ? msg.problemNodeIds : []);
    this.frontier = {
      upstream: new Set(Array.isArray(msg.frontier?.upstream) ? msg.frontier.upstream : []),
      downstream: new Set(Array.isArray(msg.frontier?.downstream) ? msg.frontier.downstream : []),
    };
    const o = msg.options ?? {};
    if (typeof o.foldThreshold === 'number' && o.foldThreshold >= 0) this.foldThreshold = o.foldThreshold;
    if (typeof o.foldKeep === 'number' && o.foldKeep >= 0) this.foldKeep = o.foldKeep;
    this.initialView = o.initialView === 'fit' ? 'fit' : 'output';
    this.truncated = msg.truncated === true;
    this.details.clear();
    this.detailRequest.clear();
    // A reloaded page (hidden and shown again) restores its saved view; an update of the graph it
    // shows keeps the current one; another graph starts fresh.
    const restoring = !this.received && sameRoot && this.ui.transform !== undefined;
    const keepView = this.received && sameRoot;
    this.received = true;
    this.firstDraw = true;
    this.rebuild(keepView);
    if (restoring && this.ui.transform) this.setTransform(this.ui.transform);
    if (!this.ui.selected && this.rootId && this.byId.has(this.rootId)) this.ui.selected = this.ui.cursor = this.rootId;
    if (this.ui.selected && this.byId.has(this.ui.selected)) this.requestDetail(this.ui.selected);
    this.restyle();
    this.showDetail();
    this.setStatus(this.truncated ? 'The graph was cut at a depth or size limit: expand a node to load more.' : '');
  }

  private onExpanded(msg: Extract<LineageHostMessage, { type: 'lineageExpanded' }>): void {
    if (msg.direction === 'upstream' || msg.direction === 'downstream') this.frontier[msg.direction].delete(msg.nodeId);
    const p = msg.patch ?? { nodes: [], edges: [] };
    const added = Array.isArray(p.nodes) ? p.nodes.length : 0;
    if (added || (Array.isArray(p.remove) && p.remove.length)) {
      this.graph = applyPatch(this.graph, {
        nodes: Array.isArray(p.nodes) ? p.nodes : [],
        edges: Array.isArray(p.edges) ? p.edges : [],
        remove: p.remove,
      });
      this.rebuild(true);
    } else this.restyle();
    this.setStatus(
      typeof msg.text === 'string' ? msg.text : added ? `${added} node${added === 1 ? '' : 's'} added` : `Nothing more ${msg.direction}`,
    );
    this.showDetail();
  }

  // ------------------------------------------------------------ derived graph

  private rebuild(keepView: boolean): void {
    const folded = foldSiblings(this.graph, {
      threshold: this.foldThreshold,
      keep: this.foldKeep,
      expanded: new Set(this.ui.expandedFolds),
    });
    const shown = applyCollapses(folded, this.ui.collapsed);
    this.hiddenUp = shown.hiddenUp;
    this.hiddenDown = shown.hiddenDown;
    this.byId = new Map();
    for (const n of shown.nodes) if (n && typeof n.id === 'string' && !this.byId.has(n.id)) this.byId.set(n.id, n);
    const t0 = performance.now();
    const layout = layoutGraph([...this.byId.values()], shown.edges);
    performance.measure('lineage-layout', { start: t0 });
    this.layout = layout;
    this.adj = adjacencyOf(layout);
    this.scene = sceneBase(layout, this.byId, this.theme);
    for (let v = 0; v < layout.n; v++) {
      const id = layout.ids[v];
      this.scene.moreUp[v] = this.hiddenUp.get(id) ?? (this.frontier.upstream.has(id) ? -1 : 0);
      this.scene.moreDown[v] = this.hiddenDown.get(id) ?? (this.frontier.downstream.has(id) ? -1 : 0);
    }
    const kind = layout.n > SVG_NODE_LIMIT ? 'canvas' : 'svg';
    if (this.renderer?.kind !== kind) {
      this.renderer?.destroy();
      this.renderer = kind === 'canvas' ? new CanvasRenderer() : new SvgRenderer();
      this.dom.graphHost.replaceChildren(this.renderer.element);
      this.renderer.resize(this.dom.graphHost.clientWidth, this.dom.graphHost.clientHeight);
    }
    this.renderer.setScene(this.scene);
    this.dom.counts.textContent = `${layout.n.toLocaleString('en-US')} nodes · ${layout.edgeCount.toLocaleString('en-US')} edges · ${kind === 'canvas' ? 'canvas' : 'SVG'}`;
    const root = this.rootId !== undefined ? this.byId.get(this.rootId) : undefined;
    this.dom.heading.textContent = root ? `Why: ${displayLabel(root.label ?? root.id, 120)}` : 'Lineage';
    if (!keepView) {
      let anchor = this.index(this.rootId);
      if (anchor < 0 && layout.n) {
        const last = layout.layers[layout.layers.length - 1];
        anchor = last[last.length >> 1];
      }
      this.setTransform(
        initialTransform(layout, anchor, this.dom.graphHost.clientWidth, this.dom.graphHost.clientHeight, this.initialView),
      );
    }
    this.restyle();
  }

  private index(id: string | undefined): number {
    return id === undefined || !this.layout ? -1 : (this.layout.index.get(id) ?? -1);
  }

  /** Recomputes interaction flags: selection, cursor, the paths to problems, focus dimming. */
  private restyle(): void {
    const s = this.scene;
    const L = this.layout;
    const adj = this.adj;
    if (!s || !L || !adj) return;
    const f = s.nodeFlags;
    for (let v = 0; v < L.n; v++) f[v] &= F_PROBLEM | F_FOLDED;
    s.edgeFlags.fill(0);
    const rootIdx = this.index(this.rootId);
    const sel = this.index(this.ui.selected);
    const cur = this.index(this.ui.cursor);
    if (rootIdx >= 0) f[rootIdx] |= F_ROOT;
    if (sel >= 0) f[sel] |= F_SELECTED;
    if (cur >= 0) f[cur] |= F_CURSOR;
    // Paths run from the selected output (the root until another output is selected).
    const anchor = sel >= 0 && s.nodes[sel].type === 'output' ? sel : rootIdx;
    if (anchor >= 0) {
      const marks = pathsToProblems(L, adj, anchor, (v) => (f[v] & F_PROBLEM) !== 0);
      for (let v = 0; v < L.n; v++) if (marks.nodes[v] && marks.problems) f[v] |= F_PATH;
      for (let e = 0; e < L.edgeCount; e++) if (marks.edges[e]) s.edgeFlags[e] |= E_PATH;
      if (anchor === rootIdx && this.hostProblems.size) {
        for (let v = 0; v < L.n; v++) if (this.hostProblems.has(L.ids[v])) f[v] |= F_PATH;
        for (let e = 0; e < L.edgeCount; e++) {
          if (this.hostProblems.has(L.ids[L.edgeFrom[e]]) && this.hostProblems.has(L.ids[L.edgeTo[e]])) s.edgeFlags[e] |= E_PATH;
        }
      }
    }
    const focus = this.index(this.ui.focus);
    if (focus >= 0) {
      const keep = neighbourhood(L, adj, focus);
      for (let v = 0; v < L.n; v++) if (!keep[v]) f[v] |= F_DIM;
      for (let e = 0; e < L.edgeCount; e++) if (!keep[L.edgeFrom[e]] || !keep[L.edgeTo[e]]) s.edgeFlags[e] |= E_DIM;
    }
    this.renderer?.updateFlags();
    this.requestDraw();
  }

  // ------------------------------------------------------------ drawing and view

  private requestDraw(): void {
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.draw();
    });
  }

  private draw(): void {
    if (!this.renderer) return;
    const t0 = performance.now();
    this.renderer.draw(this.transform);
    if (this.draws++ > 1000) {
      performance.clearMeasures('lineage-draw');
      this.draws = 0;
    }
    performance.measure('lineage-draw', { start: t0 });
    if (this.firstDraw && this.scene) {
      this.firstDraw = false;
      performance.mark('lineage-first-draw');
    }
  }

  private setTransform(t: Transform): void {
    select(this.dom.graphHost).call(this.zoomer.transform, zoomIdentity.translate(t.x, t.y).scale(t.k));
  }

  private fit(): void {
    if (!this.layout) return;
    this.setTransform(fitTransform(this.layout, this.dom.graphHost.clientWidth, this.dom.graphHost.clientHeight));
  }

  private zoomBy(factor: number): void {
    select(this.dom.graphHost).call(this.zoomer.scaleBy, factor);
  }

  private reveal(v: number, zoomIn: boolean): void {
    const L = this.layout;
    if (!L || v < 0) return;
    const w = this.dom.graphHost.clientWidth;
    const h = this.dom.graphHost.clientHeight;
    if (!zoomIn && isOnScreen(L, v, this.transform, w, h)) return;
    this.setTransform(centreOn(L, v, w, h, zoomIn ? Math.max(this.transform.k, 1) : Math.max(this.transform.k, 0.6)));
  }

  private onResize(): void {
    this.renderer?.resize(this.dom.graphHost.clientWidth, this.dom.graphHost.clientHeight);
    this.requestDraw();
  }

  private onThemeChange(): void {
    const next = readTheme();
    if (JSON.stringify(next) === JSON.stringify(this.theme)) return;
    this.theme = next;
    if (this.scene) {
      this.scene.theme = next;
      this.renderer?.setScene(this.scene);
      this.restyle();
    }
  }

  // ------------------------------------------------------------ interaction

  private hit(e: MouseEvent): number {
    if (!this.layout) return -1;
    const r = this.dom.graphHost.getBoundingClientRect();
    const t = this.transform;
    return nodeAt(this.layout, (e.clientX - r.left - t.x) / t.k, (e.clientY - r.top - t.y) / t.k);
  }

  private onClick(e: MouseEvent): void {
    const v = this.hit(e);
    if (v >= 0) this.select(v, {});
  }

  private onDoubleClick(e: MouseEvent): void {
    const v = this.hit(e);
    if (v >= 0) this.open(v);
  }

  private onKey(e: KeyboardEvent): void {
    const L = this.layout;
    if (!L || !this.adj || e.altKey || e.ctrlKey || e.metaKey) return;
    let cur = this.index(this.ui.cursor);
    if (cur < 0) cur = this.index(this.ui.selected);
    if (cur < 0) cur = this.index(this.rootId);
    const nav: Record<string, NavKey> = { ArrowLeft: 'left', ArrowRight: 'right', ArrowUp: 'up', ArrowDown: 'down' };
    let handled = true;
    if (nav[e.key]) {
      const next = cur < 0 ? (L.n ? L.layers[L.layers.length - 1][0] : -1) : navigate(L, this.adj, cur, nav[e.key]);
      if (next >= 0) this.moveCursor(next);
    } else if (e.key === 'Enter') {
      if (cur >= 0) this.open(cur);
    } else if (e.key === ' ') {
      if (cur >= 0) this.select(cur, {});
    } else if (e.key === '+' || e.key === '=') this.zoomBy(1.25);
    else if (e.key === '-' || e.key === '_') this.zoomBy(0.8);
    else if (e.key === '0') this.fit();
    else if (e.key === 'f' || e.key === 'F') {
      if (cur >= 0) this.toggleFocus(cur);
    } else if (e.key === 'u' || e.key === 'd') {
      if (cur >= 0) this.toggleCollapse(cur, e.key === 'u' ? 'upstream' : 'downstream');
    } else if (e.key === 'Escape') {
      if (this.ui.focus) {
        this.ui.focus = undefined;
        this.restyle();
        this.save();
      }
    } else if (e.key === 'Home') {
      const r = this.index(this.rootId);
      if (r >= 0) this.moveCursor(r);
    } else handled = false;
    if (handled) {
      e.preventDefault();
      e.stopPropagation();
    }
  }

  private moveCursor(v: number): void {
    const L = this.layout!;
    this.ui.cursor = L.ids[v];
    this.reveal(v, false);
    this.announce(v);
    this.restyle();
    this.save();
  }

  private announce(v: number): void {
    const s = this.scene;
    if (!s) return;
    this.dom.live.textContent = `${s.labels[v]}, ${s.subtitles[v]}`;
  }

  private selectId(id: string, o: { reveal?: boolean; focus?: boolean }): void {
    const v = this.index(id);
    if (v >= 0) this.select(v, o);
  }

  private select(v: number, o: { reveal?: boolean; focus?: boolean }): void {
    const L = this.layout;
    if (!L) return;
    const id = L.ids[v];
    this.ui.selected = id;
    this.ui.cursor = id;
    this.ui.detailOpen = true;
    if (o.focus) this.ui.focus = id;
    if (o.reveal || o.focus) this.reveal(v, o.focus === true);
    this.restyle();
    this.requestDetail(id);
    this.showDetail();
    this.announce(v);
    if (!isPageFold(id)) post({ type: 'lineageSelect', nodeId: id });
    this.save();
    this.dom.graphHost.focus({ preventScroll: true });
  }

  private requestDetail(id: string): void {
    if (isPageFold(id) || this.details.has(id) || this.detailRequest.has(id)) return;
    const requestId = this.nextRequest++;
    this.detailRequest.set(id, requestId);
    post({ type: 'lineageNodeDetail', requestId, nodeId: id });
  }

  private open(v: number): void {
    const L = this.layout!;
    const id = L.ids[v];
    const node = this.byId.get(id);
    if (!node) return;
    if (isPageFold(id)) {
      this.ui.expandedFolds = [...this.ui.expandedFolds, id];
      this.rebuild(true);
      this.setStatus(`${node.collapsed?.count ?? 0} nodes shown`);
      this.save();
    } else if (node.collapsed) {
      this.requestExpand(id, 'upstream');
    } else post({ type: 'lineageOpen', nodeId: id });
  }

  private requestExpand(id: string, direction: LineageDirection): void {
    post({ type: 'lineageExpand', requestId: this.nextRequest++, nodeId: id, direction });
    this.setStatus(`Loading ${direction}…`);
  }

  private toggleFocus(v: number): void {
    const id = this.layout!.ids[v];
    this.ui.focus = this.ui.focus === id ? undefined : id;
    if (this.ui.focus) this.reveal(v, true);
    this.restyle();
    this.showDetail();
    this.save();
  }

  private toggleCollapse(v: number, dir: LineageDirection): void {
    const id = this.layout!.ids[v];
    const hidden = (dir === 'upstream' ? this.hiddenUp : this.hiddenDown).get(id) ?? 0;
    if (hidden) this.expand(v, dir);
    else this.collapse(v, dir);
  }

  private expand(v: number, dir: LineageDirection): void {
    const id = this.layout!.ids[v];
    if (this.ui.collapsed.some(([n, d]) => n === id && d === dir)) {
      this.ui.collapsed = toggleCollapse(this.ui.collapsed, id, dir);
      this.rebuild(true);
      this.save();
    } else if (!isPageFold(id) && (this.frontier[dir].has(id) || this.byId.get(id)?.collapsed)) {
      this.requestExpand(id, dir);
    } else this.setStatus(`Nothing more ${dir}`);
    this.showDetail();
  }

  private collapse(v: number, dir: LineageDirection): void {
    const L = this.layout!;
    const id = L.ids[v];
    const list = dir === 'upstream' ? this.adj!.inAdj[v] : this.adj!.outAdj[v];
    if (!list.length) {
      this.setStatus(`Nothing ${dir} to collapse`);
      return;
    }
    this.ui.collapsed = toggleCollapse(this.ui.collapsed, id, dir);
    this.rebuild(true);
    const hidden = (dir === 'upstream' ? this.hiddenUp : this.hiddenDown).get(id) ?? 0;
    this.setStatus(hidden ? `${hidden} node${hidden === 1 ? '' : 's'} hidden` : `Nothing only ${dir} of this node`);
    if (!hidden) this.ui.collapsed = toggleCollapse(this.ui.collapsed, id, dir);
    if (!isPageFold(id)) post({ type: 'lineageCollapse', nodeId: id, direction: dir });
    this.showDetail();
    this.save();
  }

  private showDetail(): void {
    const id = this.ui.selected;
    const v = this.index(id);
    const node = id !== undefined ? this.byId.get(id) : undefined;
    if (!node || v < 0 || !this.adj) {
      this.dom.pane.replaceChildren(el('p', { class: 'muted' }, 'Select a node to see its detail.'));
      return;
    }
    const fold = isPageFold(node.id);
    renderDetail(
      this.dom.pane,
      {
        node,
        detail: this.details.get(node.id),
        pending: this.detailRequest.has(node.id),
        hiddenUp: this.hiddenUp.get(node.id) ?? 0,
        hiddenDown: this.hiddenDown.get(node.id) ?? 0,
        shownUp: this.adj.inAdj[v].length,
        shownDown: this.adj.outAdj[v].length,
        moreUp: !fold && (this.frontier.upstream.has(node.id) || !!node.collapsed),
        moreDown: !fold && this.frontier.downstream.has(node.id),
        focused: this.ui.focus === node.id,
        openLabel: fold || node.collapsed ? 'Expand group' : node.ref ? 'Open' : undefined,
      },
      (a) => this.onDetailAction(v, a),
    );
  }

  private onDetailAction(v: number, a: DetailAction): void {
    if (a === 'open') this.open(v);
    else if (a === 'focus') this.toggleFocus(v);
    else if (a === 'expandUp') this.expand(v, 'upstream');
    else if (a === 'expandDown') this.expand(v, 'downstream');
    else if (a === 'collapseUp') this.collapse(v, 'upstream');
    else if (a === 'collapseDown') this.collapse(v, 'downstream');
  }

  private exportSvg(): void {
    if (!this.scene) return;
    const fitter = new TextFitter();
    const svg = exportSvg(this.scene, { measure: (text, px) => fitter.measure(text, px, this.theme.fontFamily) });
    if (svg.length > MAX_SVG_CHARS) {
      this.setStatus('The graph is too large to export as one SVG file.', true);
      return;
    }
    this.exportRequest = this.nextRequest++;
    this.dom.exportButton.disabled = true;
    post({ type: 'lineageExportSvg', requestId: this.exportRequest, svg });
    this.setStatus('Exporting…');
  }

  // ------------------------------------------------------------ state and status

  private setStatus(text: string, error = false): void {
    this.dom.status.textContent = text;
    this.dom.status.classList.toggle('error-text', error);
  }

  private save(): void {
    this.ui.transform = { ...this.transform };
    vscodeApi.setState(this.ui);
  }

  private saveSoon(): void {
    if (this.saveTimer) return;
    this.saveTimer = setTimeout(() => {
      this.saveTimer = undefined;
      this.save();
    }, 250);
  }
}

/** Starts the lineage page in `root` (the page's `<main id="app">`). */
export function startLineageView(root: HTMLElement): void {
  new LineageApp(root).start();
}
