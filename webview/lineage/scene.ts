// What a renderer draws: the layout, the nodes in layout order with their display text, and
// per-node/per-edge flags (selected, on a problem path, dimmed…). The styling rules live here, DOM
// free, so the SVG renderer, the canvas renderer and the SVG export agree.

import type { LineageNode } from '../../src/core/model/lineage';
import type { GraphLayout } from './layout';
import { isProblem } from './graphView';
import { displayLabel } from './text';
import { typeColour, type Theme } from './theme';

export const F_SELECTED = 1;
export const F_CURSOR = 2;
export const F_PROBLEM = 4;
export const F_PATH = 8;
export const F_DIM = 16;
export const F_FOLDED = 32;
export const F_ROOT = 64;

export const E_PATH = 1;
export const E_DIM = 2;

export interface Scene {
  layout: GraphLayout;
  /** The node of each layout index. */
  nodes: LineageNode[];
  labels: string[];
  subtitles: string[];
  nodeFlags: Uint8Array;
  edgeFlags: Uint8Array;
  /** Upstream nodes hidden by a collapse (> 0), -1 when the host has more upstream, else 0. */
  moreUp: Int32Array;
  moreDown: Int32Array;
  theme: Theme;
}

const STATUS_WORD: Record<string, Record<string, string>> = {
  guard: { warning: 'fired', error: 'failed' },
  feedback: { warning: 'negative', error: 'negative' },
};

/** The second line of a node: its type, one telling fact and its status. */
export function subtitleOf(n: LineageNode): string {
  if (n.collapsed) return `${n.type} · folded, Enter to expand`;
  const f = n.facts ?? {};
  const parts: string[] = [n.type === 'span' && f.kind ? f.kind : n.type];
  const fact =
    n.type === 'span'
      ? (f.duration ?? f.model ?? f.tool)
      : n.type === 'document'
        ? f.score && `score ${f.score}`
        : n.type === 'template'
          ? f.version && `v${f.version}`
          : n.type === 'job'
            ? f.state
            : n.type === 'feedback'
              ? f.score && `score ${f.score}`
              : n.type === 'code'
                ? f.line && `line ${f.line}`
                : undefined;
  if (fact) parts.push(fact);
  if (typeof n.status === 'string' && n.status !== 'ok') {
    const words = Object.prototype.hasOwnProperty.call(STATUS_WORD, n.type) ? STATUS_WORD[n.type] : undefined;
    parts.push(words && Object.prototype.hasOwnProperty.call(words, n.status) ? words[n.status] : n.status);
  }
  return displayLabel(parts.join(' · '), 80);
}

/** Scene text and the flags that do not depend on interaction. */
export function sceneBase(layout: GraphLayout, byId: Map<string, LineageNode>, theme: Theme): Scene {
  const nodes: LineageNode[] = new Array<LineageNode>(layout.n);
  const labels: string[] = new Array<string>(layout.n);
  const subtitles: string[] = new Array<string>(layout.n);
  const nodeFlags = new Uint8Array(layout.n);
  for (let v = 0; v < layout.n; v++) {
    const n = byId.get(layout.ids[v]) ?? { id: layout.ids[v], type: 'span', label: layout.ids[v] };
    nodes[v] = n;
    labels[v] = displayLabel(typeof n.label === 'string' && n.label ? n.label : n.id);
    subtitles[v] = subtitleOf(n);
    if (isProblem(n)) nodeFlags[v] |= F_PROBLEM;
    if (n.collapsed) nodeFlags[v] |= F_FOLDED;
  }
  return {
    layout,
    nodes,
    labels,
    subtitles,
    nodeFlags,
    edgeFlags: new Uint8Array(layout.edgeCount),
    moreUp: new Int32Array(layout.n),
    moreDown: new Int32Array(layout.n),
    theme,
  };
}

export interface NodeStyle {
  fill: string;
  stroke: string;
  strokeWidth: number;
  /** Dashed outline (the keyboard cursor when not selected). */
  dashed: boolean;
  glyph: string;
  opacity: number;
}

export function nodeStyle(s: Scene, v: number): NodeStyle {
  const f = s.nodeFlags[v];
  const n = s.nodes[v];
  const t = s.theme;
  const ownColour = typeColour(t, n.type);
  const problemColour = n.status === 'error' ? t.problem : t.warning;
  let stroke = f & F_PROBLEM ? problemColour : f & F_PATH ? t.path : t.kind.startsWith('high-contrast') ? t.nodeBorder : ownColour;
  let strokeWidth = f & (F_PROBLEM | F_PATH | F_ROOT) ? 2 : 1;
  if (f & (F_SELECTED | F_CURSOR)) {
    stroke = t.selection;
    strokeWidth = f & F_SELECTED ? 3 : 2;
  }
  return {
    fill: t.nodeFill,
    stroke,
    strokeWidth,
    dashed: !!(f & F_CURSOR) && !(f & F_SELECTED),
    glyph: f & F_PROBLEM ? problemColour : ownColour,
    opacity: f & F_DIM ? 0.25 : 1,
  };
}

export interface EdgeStyle {
  stroke: string;
  width: number;
  opacity: number;
}

/** The look of an edge with these flags (E_PATH, E_DIM). */
export function edgeStyle(theme: Theme, flags: number): EdgeStyle {
  if (flags & E_PATH) return { stroke: theme.path, width: 2.5, opacity: flags & E_DIM ? 0.3 : 1 };
  return { stroke: theme.edge, width: 1, opacity: flags & E_DIM ? 0.15 : 0.8 };
}

/** The "+12" / "⋯" badge text for hidden or not-yet-loaded neighbours. */
export function badgeText(count: number): string {
  return count < 0 ? '⋯' : `+${count > 999 ? '999+' : count}`;
}

/** Node box geometry shared by the renderers and the export (layout units). */
export const BOX = {
  radius: 4,
  glyphX: 8,
  glyphY: 6,
  textX: 30,
  labelY: 19,
  subtitleY: 35,
  labelSize: 12,
  subtitleSize: 11,
  /** Room kept on the right of the text. */
  textRight: 8,
} as const;
