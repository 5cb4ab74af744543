// What the page shows of the graph the host sent, DOM-free: repeated siblings folded into one
// "12 more tool calls" node, per-node collapse of upstream/downstream, and on the laid-out graph
// the neighbours for keyboard navigation, the paths from a node to the problems behind it and the
// neighbourhood of a focused node. Cycle-safe (visited sets everywhere), linear time.

import type { LineageEdge, LineageGraph, LineageNode } from '../../src/core/model/lineage';
import type { LineageDirection, LineageGraphPatch } from '../../src/protocol/lineageMessages';
import type { GraphLayout } from './layout';

/** Whether a node is itself a problem: an error, a failed guard, a stale template or document, negative feedback. */
export function isProblem(n: LineageNode): boolean {
  if (n.status === 'error' || n.status === 'stale') return true;
  return n.status === 'warning' && (n.type === 'guard' || n.type === 'feedback');
}

/** Prefix of the ids of the page's own fold stand-ins (never sent to the host). */
export const FOLD_PREFIX = 'fold:';

export function isPageFold(id: string): boolean {
  return id.startsWith(FOLD_PREFIX);
}

const NOUNS: Record<string, [string, string]> = {
  llm: ['LLM call', 'LLM calls'],
  tool: ['tool call', 'tool calls'],
  retriever: ['retrieval', 'retrievals'],
  guard: ['guard', 'guards'],
  agent: ['agent step', 'agent steps'],
  chain: ['chain step', 'chain steps'],
  span: ['span', 'spans'],
  document: ['document', 'documents'],
  dataset: ['dataset', 'datasets'],
  job: ['job run', 'job runs'],
  feedback: ['rating', 'ratings'],
  code: ['code location', 'code locations'],
  template: ['template', 'templates'],
  model: ['model', 'models'],
  output: ['output', 'outputs'],
};

/** "12 more tool calls". */
export function foldLabel(kind: string, count: number): string {
  const [one, many] = NOUNS[kind] ?? [`${kind} node`, `${kind} nodes`];
  return `${count} more ${count === 1 ? one : many}`;
}

function kindOf(n: LineageNode): string {
  return n.type === 'span' ? (n.facts?.kind ?? 'span') : n.type;
}

export interface FoldOptions {
  /** Fold a group of siblings larger than this; 0 turns folding off. */
  threshold: number;
  /** Members left visible before the stand-in. */
  keep: number;
  /** Stand-in ids the user expanded. */
  expanded: ReadonlySet<string>;
}

export interface FoldResult extends LineageGraph {
  /** Stand-in id → hidden member ids. */
  groups: Map<string, string[]>;
}

/**
 * Folds repeated siblings: nodes of one kind that feed the same node by the same edge type. After
 * the first `keep`, the rest become one stand-in whose edges are the union of theirs. Problem nodes
 * are never folded. The input is not changed.
 */
export function foldSiblings(graph: LineageGraph, opts: FoldOptions): FoldResult {
  const groups = new Map<string, string[]>();
  if (opts.threshold <= 0) return { ...graph, groups };
  const byId = new Map<string, LineageNode>();
  for (const n of graph.nodes) if (!byId.has(n.id)) byId.set(n.id, n);
  // The group key of a node: its first outgoing edge's target and type, and its kind.
  const keyOf = new Map<string, string>();
  for (const e of graph.edges) {
    const n = byId.get(e.from);
    if (!n || keyOf.has(e.from) || !byId.has(e.to)) continue;
    keyOf.set(e.from, `${FOLD_PREFIX}${e.to}\u0000${e.type}\u0000${kindOf(n)}`);
  }
  const members = new Map<string, string[]>();
  for (const n of graph.nodes) {
    const k = keyOf.get(n.id);
    if (!k || isProblem(n) || n.collapsed) continue;
    const list = members.get(k);
    if (list) {
      if (list[list.length - 1] !== n.id) list.push(n.id);
    } else members.set(k, [n.id]);
  }
  const replace = new Map<string, string>();
  for (const [k, list] of members) {
    const id = k.split('\u0000').join('|');
    if (list.length <= opts.threshold || opts.expanded.has(id)) continue;
    const hidden = list.slice(Math.max(0, opts.keep));
    if (hidden.length < 2) continue;
    groups.set(id, hidden);
    for (const m of hidden) replace.set(m, id);
  }
  if (!replace.size) return { ...graph, groups };
  const nodes: LineageNode[] = [];
  const placed = new Set<string>();
  for (const n of graph.nodes) {
    const g = replace.get(n.id);
    if (!g) nodes.push(n);
    else if (!placed.has(g)) {
      placed.add(g);
      const hidden = groups.get(g)!;
      const first = byId.get(hidden[0])!;
      nodes.push({
        id: g,
        type: first.type,
        label: foldLabel(kindOf(first), hidden.length),
        collapsed: { count: hidden.length, members: hidden },
      });
    }
  }
  const seen = new Set<string>();
  const edges: LineageEdge[] = [];
  for (const e of graph.edges) {
    const from = replace.get(e.from) ?? e.from;
    const to = replace.get(e.to) ?? e.to;
    if (from === to) continue;
    const k = `${from}\u0000${to}\u0000${e.type}`;
    if (seen.has(k)) continue;
    seen.add(k);
    edges.push(from === e.from && to === e.to ? e : { from, to, type: e.type });
  }
  return { nodes, edges, groups };
}

export interface CollapseResult extends LineageGraph {
  /** How many nodes each collapse hid: node id → count, per direction. */
  hiddenUp: Map<string, number>;
  hiddenDown: Map<string, number>;
}

/**
 * Hides what a node's collapse covers: for "upstream", the nodes that only feed the graph through
 * that node (a cause that also feeds something still shown stays); "downstream" likewise. Each
 * collapse is applied in turn over the result of the previous ones.
 */
export function applyCollapses(graph: LineageGraph, collapsed: readonly [string, LineageDirection][]): CollapseResult {
  const hiddenUp = new Map<string, number>();
  const hiddenDown = new Map<string, number>();
  if (!collapsed.length) return { ...graph, hiddenUp, hiddenDown };
  const ids = new Set(graph.nodes.map((n) => n.id));
  const incoming = new Map<string, string[]>();
  const outgoing = new Map<string, string[]>();
  for (const e of graph.edges) {
    if (!ids.has(e.from) || !ids.has(e.to)) continue;
    (incoming.get(e.to) ?? incoming.set(e.to, []).get(e.to)!).push(e.from);
    (outgoing.get(e.from) ?? outgoing.set(e.from, []).get(e.from)!).push(e.to);
  }
  const hidden = new Set<string>();
  for (const [id, dir] of collapsed) {
    if (!ids.has(id) || hidden.has(id)) continue;
    const back = dir === 'upstream' ? incoming : outgoing;
    const fwd = dir === 'upstream' ? outgoing : incoming;
    // Everything reachable from the node in that direction.
    const cand = new Set<string>();
    const stack = [...(back.get(id) ?? [])];
    while (stack.length) {
      const v = stack.pop()!;
      if (v === id || cand.has(v) || hidden.has(v)) continue;
      cand.add(v);
      for (const w of back.get(v) ?? []) stack.push(w);
    }
    // A candidate that also reaches, the other way, something that stays visible stays — with
    // everything behind it.
    const keep: string[] = [];
    for (const v of cand) if ((fwd.get(v) ?? []).some((w) => w !== id && !cand.has(w) && !hidden.has(w))) keep.push(v);
    const kept = new Set<string>();
    while (keep.length) {
      const v = keep.pop()!;
      if (kept.has(v)) continue;
      kept.add(v);
      for (const w of back.get(v) ?? []) if (cand.has(w)) keep.push(w);
    }
    let count = 0;
    for (const v of cand) {
      if (kept.has(v)) continue;
      hidden.add(v);
      count++;
    }
    if (count) (dir === 'upstream' ? hiddenUp : hiddenDown).set(id, count);
  }
  return {
    nodes: graph.nodes.filter((n) => !hidden.has(n.id)),
    edges: graph.edges.filter((e) => !hidden.has(e.from) && !hidden.has(e.to)),
    hiddenUp,
    hiddenDown,
  };
}

/** In/out neighbours of each laid-out node (by layout index). */
export interface Adjacency {
  /** Causes of each node (edges into it). */
  inAdj: Int32Array[];
  /** Effects of each node. */
  outAdj: Int32Array[];
  /** Laid-out edge ids into / out of each node. */
  inEdges: Int32Array[];
  outEdges: Int32Array[];
}

export function adjacencyOf(layout: GraphLayout): Adjacency {
  const inL: number[][] = Array.from({ length: layout.n }, () => []);
  const outL: number[][] = Array.from({ length: layout.n }, () => []);
  const inE: number[][] = Array.from({ length: layout.n }, () => []);
  const outE: number[][] = Array.from({ length: layout.n }, () => []);
  for (let e = 0; e < layout.edgeCount; e++) {
    const a = layout.edgeFrom[e];
    const b = layout.edgeTo[e];
    outL[a].push(b);
    outE[a].push(e);
    inL[b].push(a);
    inE[b].push(e);
  }
  return {
    inAdj: inL.map((l) => Int32Array.from(l)),
    outAdj: outL.map((l) => Int32Array.from(l)),
    inEdges: inE.map((l) => Int32Array.from(l)),
    outEdges: outE.map((l) => Int32Array.from(l)),
  };
}

export type NavKey = 'left' | 'right' | 'up' | 'down';

/**
 * Keyboard navigation: left = to a cause, right = to an effect (the connected node nearest in
 * height), up/down = the node above/below in the same column. Returns `from` when there is none.
 */
export function navigate(layout: GraphLayout, adj: Adjacency, from: number, key: NavKey): number {
  if (from < 0 || from >= layout.n) return layout.n ? 0 : -1;
  if (key === 'up' || key === 'down') {
    const L = layout.layers[layout.layer[from]];
    const i = L.indexOf(from);
    const j = key === 'up' ? i - 1 : i + 1;
    return j >= 0 && j < L.length ? L[j] : from;
  }
  const cands = key === 'left' ? adj.inAdj[from] : adj.outAdj[from];
  let best = from;
  let bestD = Infinity;
  for (const v of cands) {
    const d = Math.abs(layout.y[v] - layout.y[from]);
    if (d < bestD || (d === bestD && v < best)) {
      best = v;
      bestD = d;
    }
  }
  return best;
}

export interface PathMarks {
  /** 1 for nodes on a path from the start to a problem (the problems included). */
  nodes: Uint8Array;
  /** 1 for laid-out edges on such a path. */
  edges: Uint8Array;
  /** How many problems were reached. */
  problems: number;
}

/**
 * The shortest upstream path from `start` to every problem behind it (breadth-first over causes,
 * each node visited once), marked for highlighting.
 */
export function pathsToProblems(layout: GraphLayout, adj: Adjacency, start: number, problem: (v: number) => boolean): PathMarks {
  const nodes = new Uint8Array(layout.n);
  const edges = new Uint8Array(layout.edgeCount);
  let problems = 0;
  if (start < 0 || start >= layout.n) return { nodes, edges, problems };
  const via = new Int32Array(layout.n).fill(-2); // -2 unvisited, -1 start, else the edge taken
  via[start] = -1;
  const order = [start];
  for (let q = 0; q < order.length; q++) {
    const v = order[q];
    const ins = adj.inEdges[v];
    for (let k = 0; k < ins.length; k++) {
      const e = ins[k];
      const w = layout.edgeFrom[e];
      if (via[w] !== -2) continue;
      via[w] = e;
      order.push(w);
    }
  }
  for (const v of order) {
    if (!problem(v)) continue;
    problems++;
    let cur = v;
    while (cur >= 0 && !nodes[cur]) {
      nodes[cur] = 1;
      const e = via[cur];
      if (e < 0) break;
      edges[e] = 1;
      cur = layout.edgeTo[e];
    }
  }
  return { nodes, edges, problems };
}

/** A node's upstream and downstream closure (itself included): what focus keeps undimmed. */
export function neighbourhood(layout: GraphLayout, adj: Adjacency, start: number): Uint8Array {
  const mark = new Uint8Array(layout.n);
  if (start < 0 || start >= layout.n) return mark;
  for (const lists of [adj.inAdj, adj.outAdj]) {
    const stack = [start];
    const seen = new Uint8Array(layout.n);
    while (stack.length) {
      const v = stack.pop()!;
      if (seen[v]) continue;
      seen[v] = 1;
      mark[v] = 1;
      for (const w of lists[v]) if (!seen[w]) stack.push(w);
    }
  }
  return mark;
}

/**
 * Applies an `expand` answer: drops `remove`d nodes (and their edges), adds or replaces nodes by id,
 * adds edges whose ends exist, keeping edges unique by (from, to, type).
 */
export function applyPatch(graph: LineageGraph, patch: LineageGraphPatch): LineageGraph {
  const remove = new Set(Array.isArray(patch.remove) ? patch.remove : []);
  const nodes = new Map<string, LineageNode>();
  for (const n of graph.nodes) if (!remove.has(n.id)) nodes.set(n.id, n);
  for (const n of patch.nodes ?? []) if (n && typeof n.id === 'string' && !remove.has(n.id)) nodes.set(n.id, n);
  const seen = new Set<string>();
  const edges: LineageEdge[] = [];
  for (const e of [...graph.edges, ...(patch.edges ?? [])]) {
    if (!e || !nodes.has(e.from) || !nodes.has(e.to)) continue;
    const k = `${e.from}\u0000${e.to}\u0000${e.type}`;
    if (seen.has(k)) continue;
    seen.add(k);
    edges.push(e);
  }
  return { nodes: [...nodes.values()], edges };
}
