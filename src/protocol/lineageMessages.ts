// The typed protocol of the lineage panel (host ↔ page). The host owns the graph and sends it
// after the page's `ready`; the page keeps only UI state and asks for more by node id: expand a
// node's upstream or downstream, a node's detail, a jump to what a node refers to. Requests carry
// a `requestId` that the host echoes in its answer. Everything from the page is untrusted and goes
// through parseLineagePageMessage: ids only, length-limited, never paths, URIs or command names.

import type { LineageEdge, LineageGraph, LineageNode } from '../core/model/lineage';
import type { PanelOrigin } from './spanDetailMessages';

export type LineageDirection = 'upstream' | 'downstream';

/** Page-side display options the host may set (the bench turns folding off to measure raw sizes). */
export interface LineageViewOptions {
  /** Fold repeated siblings into one "12 more tool calls" node past this group size; 0 = never. */
  foldThreshold?: number;
  /** How many members of a folded group stay visible. */
  foldKeep?: number;
  /**
   * The first view: `output` (default) shows the whole graph when it is legible at that size, else
   * the output at a readable zoom on the right edge; `fit` always shows the whole graph.
   */
  initialView?: 'output' | 'fit';
}

/** A node's facts for the side pane: plain text only (the page renders it with textContent). */
export interface LineageNodeDetail {
  nodeId: string;
  title: string;
  sections: LineageDetailSection[];
  /** What Enter / "Open" does for this node, e.g. "Go to template"; absent = nothing to open. */
  openLabel?: string;
}

export interface LineageDetailSection {
  heading: string;
  /** Key/value facts. */
  rows?: [string, string][];
  /** A longer value (message, tool result, document content), already truncated by the host. */
  text?: string;
  /** The host cut `text`; the full value opens read-only in an editor via `open`. */
  truncated?: boolean;
}

/** Nodes and edges to add (and stand-ins to drop) after an `expand`. */
export interface LineageGraphPatch {
  nodes: LineageNode[];
  edges: LineageEdge[];
  /** Node ids to remove, e.g. a "12 more tool calls" stand-in replaced by its members. */
  remove?: string[];
}

/** Host → page. */
export type LineageHostMessage =
  | {
      type: 'lineageGraph';
      graph: LineageGraph;
      /** The output the graph explains (selected first, and the start of the problem paths). */
      rootId?: string;
      /** Node ids on the paths from the root to problems (errors, failed guards, stale items, negative feedback). */
      problemNodeIds?: string[];
      /** Nodes with more upstream/downstream lineage than the host sent: the page offers "expand". */
      frontier?: { upstream?: string[]; downstream?: string[] };
      /** The walk was cut by a depth or size limit. */
      truncated?: boolean;
      options?: LineageViewOptions;
      /** Ids to restore the panel after a window reload; the page keeps them in its state. */
      origin?: PanelOrigin;
    }
  | { type: 'lineageSelect'; nodeId: string; focus?: boolean }
  | { type: 'lineageExpanded'; requestId: number; nodeId: string; direction: LineageDirection; patch: LineageGraphPatch; text?: string }
  | { type: 'lineageNodeDetail'; requestId: number; detail: LineageNodeDetail | undefined }
  | { type: 'lineageExportDone'; requestId: number; saved: boolean; text: string }
  | { type: 'lineageError'; requestId?: number; text: string };

/** Page → host. */
export type LineagePageMessage =
  | { type: 'ready' }
  | { type: 'lineageSelect'; nodeId: string }
  | { type: 'lineageExpand'; requestId: number; nodeId: string; direction: LineageDirection }
  | { type: 'lineageCollapse'; nodeId: string; direction: LineageDirection }
  | { type: 'lineageNodeDetail'; requestId: number; nodeId: string }
  | { type: 'lineageOpen'; nodeId: string }
  | { type: 'lineageExportSvg'; requestId: number; svg: string };

/** Node ids are opaque (`span:<trace>:<span>`, `dataset:s3://bucket/name`…): any printable text up to this length. */
export const MAX_NODE_ID = 1024;
/** Largest SVG the page may hand over for saving. */
export const MAX_SVG_CHARS = 64 * 1024 * 1024;

// C0/C1 controls, bidi overrides/isolates, line/paragraph separators and zero-width characters:
// never part of an id we made, and dangerous in anything shown to a user.
// eslint-disable-next-line no-control-regex
const BAD_ID_CHARS = /[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]/;

export function isNodeId(v: unknown): v is string {
  return typeof v === 'string' && v.length > 0 && v.length <= MAX_NODE_ID && !BAD_ID_CHARS.test(v);
}

function isRequestId(v: unknown): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
}

function isDirection(v: unknown): v is LineageDirection {
  return v === 'upstream' || v === 'downstream';
}

/** An SVG document as the page serialises it: a string that starts with the `<svg` root element. */
export function isSvgText(v: unknown): v is string {
  return typeof v === 'string' && v.length <= MAX_SVG_CHARS && /^<svg[\s>]/.test(v);
}

/**
 * Validate a message from the lineage page: untrusted input. Unknown types, extra shapes, wrong
 * types, over-long or control-laden ids give `undefined` (drop it). Only the known fields are
 * copied, so nothing else the page adds reaches the host's handlers.
 */
export function parseLineagePageMessage(raw: unknown): LineagePageMessage | undefined {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return undefined;
  // Own fields only: nothing inherited from a prototype counts.
  const r = raw as Record<string, unknown>;
  const m: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
  for (const k of ['type', 'nodeId', 'requestId', 'direction', 'svg']) if (Object.prototype.hasOwnProperty.call(r, k)) m[k] = r[k];
  switch (m.type) {
    case 'ready':
      return { type: 'ready' };
    case 'lineageSelect':
      return isNodeId(m.nodeId) ? { type: 'lineageSelect', nodeId: m.nodeId } : undefined;
    case 'lineageOpen':
      return isNodeId(m.nodeId) ? { type: 'lineageOpen', nodeId: m.nodeId } : undefined;
    case 'lineageExpand':
      return isRequestId(m.requestId) && isNodeId(m.nodeId) && isDirection(m.direction)
        ? { type: 'lineageExpand', requestId: m.requestId, nodeId: m.nodeId, direction: m.direction }
        : undefined;
    case 'lineageCollapse':
      return isNodeId(m.nodeId) && isDirection(m.direction)
        ? { type: 'lineageCollapse', nodeId: m.nodeId, direction: m.direction }
        : undefined;
    case 'lineageNodeDetail':
      return isRequestId(m.requestId) && isNodeId(m.nodeId)
        ? { type: 'lineageNodeDetail', requestId: m.requestId, nodeId: m.nodeId }
        : undefined;
    case 'lineageExportSvg':
      return isRequestId(m.requestId) && isSvgText(m.svg) ? { type: 'lineageExportSvg', requestId: m.requestId, svg: m.svg } : undefined;
    default:
      return undefined;
  }
}
