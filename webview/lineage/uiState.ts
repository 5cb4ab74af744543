// The lineage page's persisted UI intent (getState/setState): what is selected, the zoom, what
// the user collapsed or expanded. The host owns the data; this is all the page keeps. Read back
// defensively: a stale or mangled state must never break the page.

import { isNodeId, type LineageDirection } from '../../src/protocol/lineageMessages';
import { parsePanelOrigin, type PanelOrigin } from '../../src/protocol/spanDetailMessages';
import { MAX_ZOOM, MIN_ZOOM, type Transform } from './viewport';

export interface LineageUiState {
  v: 1;
  /** The graph this state belongs to (its root output); state for another graph is dropped. */
  rootId?: string;
  selected?: string;
  cursor?: string;
  focus?: string;
  transform?: Transform;
  collapsed: [string, LineageDirection][];
  /** Page-side folded groups the user expanded. */
  expandedFolds: string[];
  /** The detail pane is shown. */
  detailOpen: boolean;
  /** What the host built the graph from (ids only): VS Code hands it back to restore the panel. */
  origin?: PanelOrigin;
}

export const MAX_STATE_ITEMS = 2000;

export function emptyState(rootId?: string): LineageUiState {
  return { v: 1, rootId, collapsed: [], expandedFolds: [], detailOpen: true };
}

const finite = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

export function sanitizeState(raw: unknown): LineageUiState {
  const s = emptyState();
  if (!raw || typeof raw !== 'object') return s;
  const r = raw as Record<string, unknown>;
  if (r.v !== 1) return s;
  if (isNodeId(r.rootId)) s.rootId = r.rootId;
  if (isNodeId(r.selected)) s.selected = r.selected;
  if (isNodeId(r.cursor)) s.cursor = r.cursor;
  if (isNodeId(r.focus)) s.focus = r.focus;
  const t = r.transform as Record<string, unknown> | undefined;
  if (t && finite(t.k) && finite(t.x) && finite(t.y) && t.k >= MIN_ZOOM && t.k <= MAX_ZOOM && Math.abs(t.x) < 1e9 && Math.abs(t.y) < 1e9) {
    s.transform = { k: t.k, x: t.x, y: t.y };
  }
  if (Array.isArray(r.collapsed)) {
    for (const c of r.collapsed.slice(0, MAX_STATE_ITEMS)) {
      if (Array.isArray(c) && isNodeId(c[0]) && (c[1] === 'upstream' || c[1] === 'downstream')) s.collapsed.push([c[0], c[1]]);
    }
  }
  if (Array.isArray(r.expandedFolds)) s.expandedFolds = r.expandedFolds.slice(0, MAX_STATE_ITEMS).filter(isNodeId);
  if (typeof r.detailOpen === 'boolean') s.detailOpen = r.detailOpen;
  const origin = parsePanelOrigin(r.origin);
  if (origin) s.origin = origin;
  return s;
}

/** Toggles a collapse; returns the new list. */
export function toggleCollapse(
  list: readonly [string, LineageDirection][],
  id: string,
  dir: LineageDirection,
): [string, LineageDirection][] {
  const i = list.findIndex(([n, d]) => n === id && d === dir);
  return i >= 0 ? [...list.slice(0, i), ...list.slice(i + 1)] : [...list, [id, dir]];
}
