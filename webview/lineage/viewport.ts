// Viewport helpers on a computed layout, DOM-free: what is on screen (culling), what lies under the
// pointer, how much detail to draw at a zoom level, and the transform that fits the graph.

import type { GraphLayout } from './layout';

/** A rectangle in layout coordinates. */
export interface Viewport {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

/** d3-zoom's transform: screen = layout · k + (x, y). */
export interface Transform {
  k: number;
  x: number;
  y: number;
}

/** The part of the layout a `width`×`height` screen shows under transform `t` (plus a margin in screen px). */
export function viewportOf(t: Transform, width: number, height: number, margin = 0): Viewport {
  return { x0: (-t.x - margin) / t.k, y0: (-t.y - margin) / t.k, x1: (width - t.x + margin) / t.k, y1: (height - t.y + margin) / t.k };
}

/** First index in `layer` whose node's bottom edge is at or below `y0` (binary search; layers are y-sorted). */
function firstBelow(layout: GraphLayout, layer: Int32Array, y0: number): number {
  let lo = 0;
  let hi = layer.length;
  const h = layout.nodeHeight;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (layout.y[layer[mid]] + h < y0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function layerRange(layout: GraphLayout, x0: number, x1: number): [number, number] {
  const pitchX = layout.nodeWidth + layout.layerGap;
  return [Math.max(0, Math.ceil((x0 - layout.nodeWidth) / pitchX)), Math.min(layout.layers.length - 1, Math.floor(x1 / pitchX))];
}

/**
 * Indices of the nodes whose box meets the viewport: per layer column a binary search, so the cost
 * is O(layers · log n + visible), not O(n).
 */
export function visibleNodes(layout: GraphLayout, vp: Viewport, out: number[] = []): number[] {
  out.length = 0;
  if (!layout.n || vp.x1 < vp.x0 || vp.y1 < vp.y0) return out;
  const [l0, l1] = layerRange(layout, vp.x0, vp.x1);
  for (let l = l0; l <= l1; l++) {
    const L = layout.layers[l];
    for (let i = firstBelow(layout, L, vp.y0); i < L.length; i++) {
      const v = L[i];
      if (layout.y[v] > vp.y1) break;
      out.push(v);
    }
  }
  return out;
}

/** Indices of the edges whose curve's box meets the viewport. */
export function visibleEdges(layout: GraphLayout, vp: Viewport, out: number[] = []): number[] {
  out.length = 0;
  const b = layout.edgeBox;
  for (let e = 0; e < layout.edgeCount; e++) {
    const i = e * 4;
    if (b[i] <= vp.x1 && b[i + 2] >= vp.x0 && b[i + 1] <= vp.y1 && b[i + 3] >= vp.y0) out.push(e);
  }
  return out;
}

/** The node under a layout-space point, or -1. */
export function nodeAt(layout: GraphLayout, px: number, py: number): number {
  if (!layout.n) return -1;
  const pitchX = layout.nodeWidth + layout.layerGap;
  const l = Math.floor(px / pitchX);
  if (l < 0 || l >= layout.layers.length || px - l * pitchX > layout.nodeWidth) return -1;
  const L = layout.layers[l];
  const i = firstBelow(layout, L, py);
  if (i < L.length && layout.y[L[i]] <= py) return L[i];
  return -1;
}

export type DetailLevel = 0 | 1 | 2;

/**
 * How much to draw at zoom `k`: 0 = coloured boxes and straight edges (the whole graph at a
 * glance), 1 = boxes with glyphs and curves, 2 = everything including text.
 */
export function detailLevel(k: number): DetailLevel {
  return k < 0.25 ? 0 : k < 0.55 ? 1 : 2;
}

export const MIN_ZOOM = 0.001;
export const MAX_ZOOM = 4;

/** The transform that shows the whole layout centred in a `width`×`height` screen, never above `maxK`. */
export function fitTransform(layout: GraphLayout, width: number, height: number, padding = 24, maxK = 1): Transform {
  if (!layout.n || width <= 0 || height <= 0) return { k: 1, x: padding, y: padding };
  const k = Math.max(
    MIN_ZOOM,
    Math.min(maxK, (width - 2 * padding) / Math.max(1, layout.width), (height - 2 * padding) / Math.max(1, layout.height)),
  );
  return { k, x: (width - layout.width * k) / 2, y: (height - layout.height * k) / 2 };
}

/** Labels are comfortably readable from this zoom up. */
export const READABLE_ZOOM = 0.75;

/**
 * The first view of a graph: all of it when that is legible, else node `anchor` (the output) at a
 * readable zoom against the right edge, vertically centred — "why?" is read from there leftwards.
 */
export function initialTransform(
  layout: GraphLayout,
  anchor: number,
  width: number,
  height: number,
  mode: 'output' | 'fit' = 'output',
): Transform {
  const fit = fitTransform(layout, width, height);
  if (mode === 'fit' || anchor < 0 || anchor >= layout.n || fit.k >= READABLE_ZOOM) return fit;
  const k = READABLE_ZOOM;
  return { k, x: width - 48 - (layout.x[anchor] + layout.nodeWidth) * k, y: height / 2 - (layout.y[anchor] + layout.nodeHeight / 2) * k };
}

/** The transform that centres node `v` at zoom `k`. */
export function centreOn(layout: GraphLayout, v: number, width: number, height: number, k: number): Transform {
  const cx = layout.x[v] + layout.nodeWidth / 2;
  const cy = layout.y[v] + layout.nodeHeight / 2;
  return { k, x: width / 2 - cx * k, y: height / 2 - cy * k };
}

/** Whether node `v` lies fully inside the screen under `t` (with a margin). */
export function isOnScreen(layout: GraphLayout, v: number, t: Transform, width: number, height: number, margin = 16): boolean {
  const sx = layout.x[v] * t.k + t.x;
  const sy = layout.y[v] * t.k + t.y;
  return sx >= margin && sy >= margin && sx + layout.nodeWidth * t.k <= width - margin && sy + layout.nodeHeight * t.k <= height - margin;
}
