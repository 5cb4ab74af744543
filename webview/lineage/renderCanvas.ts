// Canvas renderer for large graphs. Each frame draws only what the viewport shows (culling by
// binary search per layer column) and only as much as the zoom makes legible: far out, coloured
// boxes and straight edges batched into a few paths; closer, rounded boxes with glyphs and curves;
// close, text. Text reaches the canvas only through fillText.

import { edgeGeometry } from './layout';
import { glyphFor } from './glyphs';
import type { Renderer } from './renderer';
import { TextFitter } from './renderer';
import {
  badgeText,
  BOX,
  E_DIM,
  E_PATH,
  edgeStyle,
  F_CURSOR,
  F_DIM,
  F_FOLDED,
  F_PATH,
  F_PROBLEM,
  F_SELECTED,
  nodeStyle,
  type Scene,
} from './scene';
import { typeColour } from './theme';
import { detailLevel, viewportOf, visibleEdges, visibleNodes, type Transform } from './viewport';

/** Plain edges are drawn only when layer columns are at least this far apart on screen. */
const EDGE_MIN_COLUMN_PX = 6;

export class CanvasRenderer implements Renderer {
  readonly kind = 'canvas';
  readonly element: HTMLCanvasElement;
  private readonly ctx: CanvasRenderingContext2D;
  private scene: Scene | undefined;
  private width = 1;
  private height = 1;
  private dpr = 1;
  private readonly glyphs = new Map<string, Path2D>();
  private readonly fitter = new TextFitter();
  private readonly visN: number[] = [];
  private readonly visE: number[] = [];
  private readonly geom = new Float64Array(8);
  private last: Transform = { k: 1, x: 0, y: 0 };

  constructor() {
    this.element = document.createElement('canvas');
    this.element.className = 'lineage-canvas';
    const ctx = this.element.getContext('2d', { alpha: false });
    if (!ctx) throw new Error('Canvas 2D is not available');
    this.ctx = ctx;
  }

  setScene(scene: Scene): void {
    this.scene = scene;
    this.fitter.reset();
  }

  updateFlags(): void {
    // Flags are read at draw time.
  }

  resize(width: number, height: number): void {
    this.width = Math.max(1, width);
    this.height = Math.max(1, height);
    this.dpr = window.devicePixelRatio || 1;
    this.element.width = Math.round(this.width * this.dpr);
    this.element.height = Math.round(this.height * this.dpr);
    this.element.style.width = `${this.width}px`;
    this.element.style.height = `${this.height}px`;
    this.draw(this.last);
  }

  destroy(): void {
    this.element.remove();
    this.scene = undefined;
  }

  private glyph(d: string): Path2D {
    let p = this.glyphs.get(d);
    if (!p) {
      p = new Path2D(d);
      this.glyphs.set(d, p);
    }
    return p;
  }

  draw(t: Transform): void {
    this.last = t;
    const { ctx, dpr } = this;
    const s = this.scene;
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.globalAlpha = 1;
    ctx.fillStyle = s?.theme.background ?? '#000';
    ctx.fillRect(0, 0, this.element.width, this.element.height);
    if (!s || !s.layout.n) return;
    ctx.setTransform(dpr * t.k, 0, 0, dpr * t.k, dpr * t.x, dpr * t.y);
    const vp = viewportOf(t, this.width, this.height, 24);
    const lod = detailLevel(t.k);
    // Far out, edges between columns only a few pixels apart are noise: keep the highlighted ones.
    const columnsApart = t.k * (s.layout.nodeWidth + s.layout.layerGap) >= EDGE_MIN_COLUMN_PX;
    this.drawEdges(s, t, lod, visibleEdges(s.layout, vp, this.visE), columnsApart);
    const nodes = visibleNodes(s.layout, vp, this.visN);
    if (lod === 0) this.drawBoxes(s, t, nodes);
    else this.drawNodes(s, t, lod, nodes);
  }

  private drawEdges(s: Scene, t: Transform, lod: number, edges: number[], plain: boolean): void {
    const { ctx, geom: g } = this;
    const L = s.layout;
    // Batch by style: plain, dimmed, on a path (and dimmed path).
    for (const pass of plain ? [0, E_DIM, E_PATH, E_PATH | E_DIM] : [E_PATH, E_PATH | E_DIM]) {
      let any = false;
      ctx.beginPath();
      for (const e of edges) {
        if ((s.edgeFlags[e] & (E_PATH | E_DIM)) !== pass) continue;
        edgeGeometry(L, e, g);
        ctx.moveTo(g[0], g[1]);
        if (lod === 0) ctx.lineTo(g[6], g[7]);
        else ctx.bezierCurveTo(g[2], g[3], g[4], g[5], g[6], g[7]);
        any = true;
      }
      if (!any) continue;
      const st = edgeStyle(s.theme, pass);
      ctx.globalAlpha = st.opacity;
      ctx.strokeStyle = st.stroke;
      ctx.lineWidth = st.width / t.k;
      ctx.stroke();
    }
    ctx.globalAlpha = 1;
  }

  /**
   * Far out: filled boxes in the type colour. Where nodes are packed tighter than a pixel, each
   * screen row of a column is drawn once and runs of one colour become one rectangle, so the cost
   * follows the pixels on screen rather than the node count. Highlighted nodes (problems, paths,
   * selection) are drawn on top at a visible minimum size.
   */
  private drawBoxes(s: Scene, t: Transform, nodes: number[]): void {
    const { ctx } = this;
    const L = s.layout;
    const th = s.theme;
    const k = t.k;
    const px = 1 / k; // one screen pixel in layout units
    const buckets = new Map<string, number[]>(); // colour → flat [x, y0, y1, …]
    const add = (colour: string, x: number, y0: number, y1: number): void => {
      const b = buckets.get(colour);
      if (b) b.push(x, y0, y1);
      else buckets.set(colour, [x, y0, y1]);
    };
    const marked: number[] = [];
    let runLayer = -1;
    let runColour = '';
    let runY0 = 0;
    let runY1 = 0;
    let lastRow = -Infinity;
    const flush = (): void => {
      if (runLayer >= 0) add(runColour, L.x[L.layers[runLayer][0]], runY0, runY1);
      runLayer = -1;
    };
    for (const v of nodes) {
      const f = s.nodeFlags[v];
      if (f & (F_PROBLEM | F_PATH | F_SELECTED | F_CURSOR)) marked.push(v);
      const layer = L.layer[v];
      const y0 = L.y[v];
      const y1 = y0 + L.nodeHeight;
      const row = Math.floor(y0 * k + t.y);
      if (layer === runLayer && row === lastRow) {
        runY1 = Math.max(runY1, y1); // same pixel row: the first node's colour stands for it
        continue;
      }
      lastRow = row;
      const colour = f & F_DIM ? th.muted : typeColour(th, s.nodes[v].type);
      if (layer === runLayer && colour === runColour && y0 - runY1 <= px) {
        runY1 = y1;
        continue;
      }
      flush();
      runLayer = layer;
      runColour = colour;
      runY0 = y0;
      runY1 = y1;
    }
    flush();
    const w = L.nodeWidth;
    for (const [colour, b] of buckets) {
      ctx.globalAlpha = colour === th.muted ? 0.25 : 1;
      ctx.fillStyle = colour;
      ctx.beginPath();
      for (let i = 0; i < b.length; i += 3) ctx.rect(b[i], b[i + 1], w, b[i + 2] - b[i + 1]);
      ctx.fill();
    }
    ctx.globalAlpha = 1;
    // Highlights on top, never smaller than 3 px.
    const minH = 3 * px;
    for (const v of marked) {
      const f = s.nodeFlags[v];
      const h = Math.max(L.nodeHeight, minH);
      const y = L.y[v] + (L.nodeHeight - h) / 2;
      ctx.globalAlpha = f & F_DIM ? 0.25 : 1;
      ctx.fillStyle = f & F_PROBLEM ? (s.nodes[v].status === 'error' ? th.problem : th.warning) : f & F_PATH ? th.path : th.selection;
      ctx.fillRect(L.x[v], y, Math.max(w, minH), h);
      if (f & (F_SELECTED | F_CURSOR)) {
        ctx.globalAlpha = 1;
        ctx.strokeStyle = th.selection;
        ctx.lineWidth = 3 * px;
        ctx.strokeRect(L.x[v] - 4 * px, y - 4 * px, Math.max(w, minH) + 8 * px, h + 8 * px);
      }
    }
    ctx.globalAlpha = 1;
  }

  private drawNodes(s: Scene, t: Transform, lod: number, nodes: number[]): void {
    const { ctx } = this;
    const L = s.layout;
    const th = s.theme;
    const w = L.nodeWidth;
    const h = L.nodeHeight;
    const textW = w - BOX.textX - BOX.textRight;
    for (const v of nodes) {
      const st = nodeStyle(s, v);
      const x = L.x[v];
      const y = L.y[v];
      ctx.globalAlpha = st.opacity;
      const folded = (s.nodeFlags[v] & F_FOLDED) !== 0;
      if (folded) {
        for (const d of [6, 3]) {
          ctx.beginPath();
          ctx.roundRect(x + d, y - d, w, h, BOX.radius);
          ctx.fillStyle = st.fill;
          ctx.fill();
          ctx.lineWidth = 1 / Math.max(t.k, 0.5);
          ctx.strokeStyle = st.stroke;
          ctx.stroke();
        }
      }
      ctx.beginPath();
      ctx.roundRect(x, y, w, h, BOX.radius);
      ctx.fillStyle = st.fill;
      ctx.fill();
      ctx.lineWidth = st.strokeWidth;
      ctx.strokeStyle = st.stroke;
      ctx.setLineDash(st.dashed ? [4, 3] : []);
      ctx.stroke();
      ctx.setLineDash([]);
      ctx.translate(x + BOX.glyphX, y + BOX.glyphY);
      ctx.fillStyle = st.glyph;
      ctx.fill(this.glyph(glyphFor(s.nodes[v].type, folded)), 'evenodd');
      ctx.translate(-(x + BOX.glyphX), -(y + BOX.glyphY));
      if (lod === 2) {
        ctx.fillStyle = th.text;
        ctx.font = `${BOX.labelSize}px ${th.fontFamily}`;
        ctx.fillText(this.fitter.fit(`l${v}`, s.labels[v], textW, BOX.labelSize, th.fontFamily), x + BOX.textX, y + BOX.labelY);
        ctx.fillStyle = th.muted;
        ctx.font = `${BOX.subtitleSize}px ${th.fontFamily}`;
        ctx.fillText(this.fitter.fit(`s${v}`, s.subtitles[v], textW, BOX.subtitleSize, th.fontFamily), x + BOX.textX, y + BOX.subtitleY);
      }
      this.drawBadge(s, s.moreUp[v], x, y + h / 2, lod);
      this.drawBadge(s, s.moreDown[v], x + w, y + h / 2, lod);
    }
    ctx.globalAlpha = 1;
  }

  private drawBadge(s: Scene, count: number, cx: number, cy: number, lod: number): void {
    if (!count) return;
    const { ctx } = this;
    const text = badgeText(count);
    const bw = Math.max(18, this.fitter.measure(text, 10, s.theme.fontFamily) + 8);
    ctx.beginPath();
    ctx.roundRect(cx - bw / 2, cy - 8, bw, 16, 8);
    ctx.fillStyle = s.theme.badgeBackground;
    ctx.fill();
    if (lod < 2) return;
    ctx.fillStyle = s.theme.badgeForeground;
    ctx.font = `10px ${s.theme.fontFamily}`;
    ctx.textAlign = 'center';
    ctx.fillText(text, cx, cy + 4);
    ctx.textAlign = 'start';
  }
}
