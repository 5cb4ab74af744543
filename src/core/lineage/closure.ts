// Walking a lineage graph: upstream closure ("why this output?"), downstream closure ("what did
// this feed?"), and the paths from an output to the problems behind it (error spans, failed guards,
// stale templates and documents, failed jobs, negative feedback). Breadth-first with a visited set,
// so cycles end the walk instead of looping; depth and size limits keep huge graphs in check.
// Graphs are treated as immutable: their adjacency index is cached per graph object.

import type { LineageEdge, LineageEdgeType, LineageGraph, LineageNode } from '../model/lineage';

export interface LineageIndex {
  nodes: Map<string, LineageNode>;
  /** Edges into a node (its causes). */
  incoming: Map<string, LineageEdge[]>;
  /** Edges out of a node (its effects). */
  outgoing: Map<string, LineageEdge[]>;
}

const indexCache = new WeakMap<LineageGraph, LineageIndex>();

export function indexLineage(graph: LineageGraph): LineageIndex {
  const cached = indexCache.get(graph);
  if (cached) return cached;
  const nodes = new Map(graph.nodes.map((n) => [n.id, n]));
  const incoming = new Map<string, LineageEdge[]>();
  const outgoing = new Map<string, LineageEdge[]>();
  for (const e of graph.edges) {
    if (!nodes.has(e.from) || !nodes.has(e.to)) continue;
    (incoming.get(e.to) ?? incoming.set(e.to, []).get(e.to)!).push(e);
    (outgoing.get(e.from) ?? outgoing.set(e.from, []).get(e.from)!).push(e);
  }
  const index = { nodes, incoming, outgoing };
  indexCache.set(graph, index);
  return index;
}

export interface ClosureOptions {
  /** Stop this many edges away from the start (default unlimited). */
  maxDepth?: number;
  /** Stop after this many nodes (default 50,000); `truncated` says so. */
  maxNodes?: number;
  /** Follow only these edge types. */
  edgeTypes?: readonly LineageEdgeType[];
}

export interface LineageClosure extends LineageGraph {
  root: string;
  direction: 'upstream' | 'downstream';
  /** Edges from the start node to each node reached (0 for the start). */
  depth: Record<string, number>;
  /** A depth or size limit cut the walk short. */
  truncated: boolean;
}

function closure(graph: LineageGraph, start: string, direction: 'upstream' | 'downstream', opts: ClosureOptions): LineageClosure {
  const idx = indexLineage(graph);
  const depth: Record<string, number> = Object.create(null) as Record<string, number>;
  const empty: LineageClosure = { root: start, direction, nodes: [], edges: [], depth, truncated: false };
  if (!idx.nodes.has(start)) return empty;
  const maxDepth = opts.maxDepth ?? Infinity;
  const maxNodes = opts.maxNodes ?? 50_000;
  const types = opts.edgeTypes ? new Set(opts.edgeTypes) : undefined;
  const adj = direction === 'upstream' ? idx.incoming : idx.outgoing;
  const order = [start];
  depth[start] = 0;
  let truncated = false;
  for (let q = 0; q < order.length; q++) {
    const id = order[q];
    const d = depth[id];
    for (const e of adj.get(id) ?? []) {
      if (types && !types.has(e.type)) continue;
      const next = direction === 'upstream' ? e.from : e.to;
      if (next in depth) continue;
      if (d + 1 > maxDepth || order.length >= maxNodes) {
        truncated = true;
        continue;
      }
      depth[next] = d + 1;
      order.push(next);
    }
  }
  const inSet = (id: string): boolean => id in depth;
  const edges = graph.edges.filter((e) => inSet(e.from) && inSet(e.to) && (!types || types.has(e.type)));
  return { root: start, direction, nodes: order.map((id) => idx.nodes.get(id)!), edges, depth, truncated };
}

/** Everything that fed `nodeId`, the node included. */
export function upstreamClosure(graph: LineageGraph, nodeId: string, opts: ClosureOptions = {}): LineageClosure {
  return closure(graph, nodeId, 'upstream', opts);
}

/** Everything `nodeId` fed, the node included. */
export function downstreamClosure(graph: LineageGraph, nodeId: string, opts: ClosureOptions = {}): LineageClosure {
  return closure(graph, nodeId, 'downstream', opts);
}

/**
 * The node to start "why?" from, given a span id, a trace id or a node id: the run's output for a
 * root span or a trace, else the span itself.
 */
export function outputNodeFor(graph: LineageGraph, id: string): string | undefined {
  const idx = indexLineage(graph);
  if (idx.nodes.has(id)) return id;
  const spans = graph.nodes.filter((n) => n.type === 'span' && n.ref?.spanId === id);
  const outputs = graph.nodes.filter((n) => n.type === 'output');
  for (const s of spans) {
    const out = outputs.find((o) => o.ref?.traceId === s.ref?.traceId && o.ref?.spanId === id);
    if (out) return out.id;
  }
  if (spans.length) return spans[0].id;
  const ofTrace = outputs.filter((o) => o.ref?.traceId === id);
  if (ofTrace.length) return ofTrace[0].id;
  // A trace without an output: its earliest root span.
  const traceSpans = graph.nodes.filter((n) => n.type === 'span' && n.ref?.traceId === id);
  const root = traceSpans.find(
    (n) => !(idx.outgoing.get(n.id) ?? []).some((e) => e.type === 'input_to' && idx.nodes.get(e.to)?.type === 'span'),
  );
  return root?.id ?? traceSpans[0]?.id;
}

export type ProblemKind = 'error' | 'failed_guard' | 'stale_template' | 'stale_document' | 'failed_job' | 'negative_feedback';

/** What is wrong with a node, if anything. */
export function problemKind(n: LineageNode): ProblemKind | undefined {
  switch (n.type) {
    case 'span':
    case 'output':
      return n.status === 'error' ? 'error' : undefined;
    case 'guard':
      return n.status === 'warning' || n.status === 'error' ? 'failed_guard' : undefined;
    case 'template':
      return n.status === 'stale' ? 'stale_template' : undefined;
    case 'document':
      return n.status === 'stale' ? 'stale_document' : undefined;
    case 'job':
      return n.status === 'error' ? 'failed_job' : undefined;
    case 'feedback':
      return n.status === 'warning' || n.status === 'error' ? 'negative_feedback' : undefined;
    default:
      return n.status === 'error' ? 'error' : undefined;
  }
}

export interface ProblemPath {
  /** The problem node. */
  problem: string;
  kind: ProblemKind;
  /** Node ids from the start (the output) to the problem. */
  path: string[];
  /** The edges along the path (each from cause to effect). */
  edges: LineageEdge[];
}

export interface ProblemPaths {
  paths: ProblemPath[];
  /** Every node and edge on some path, for highlighting. */
  nodes: string[];
  edges: LineageEdge[];
}

/** The shortest upstream path from `fromId` to every problem behind it. */
export function pathsToProblems(graph: LineageGraph, fromId: string, opts: ClosureOptions = {}): ProblemPaths {
  const idx = indexLineage(graph);
  const result: ProblemPaths = { paths: [], nodes: [], edges: [] };
  if (!idx.nodes.has(fromId)) return result;
  const maxDepth = opts.maxDepth ?? Infinity;
  const via = new Map<string, LineageEdge | null>([[fromId, null]]);
  const depth = new Map<string, number>([[fromId, 0]]);
  const order = [fromId];
  for (let q = 0; q < order.length; q++) {
    const id = order[q];
    const d = depth.get(id)!;
    if (d >= maxDepth) continue;
    for (const e of idx.incoming.get(id) ?? []) {
      if (opts.edgeTypes && !opts.edgeTypes.includes(e.type)) continue;
      if (via.has(e.from)) continue;
      via.set(e.from, e);
      depth.set(e.from, d + 1);
      order.push(e.from);
    }
  }
  const nodeSet = new Set<string>();
  const edgeSet = new Set<LineageEdge>();
  for (const id of order) {
    const kind = problemKind(idx.nodes.get(id)!);
    if (!kind) continue;
    const path: string[] = [id];
    const edges: LineageEdge[] = [];
    let cur = id;
    for (let e = via.get(cur); e; e = via.get(cur)) {
      edges.push(e);
      cur = e.to;
      path.push(cur);
    }
    path.reverse();
    edges.reverse();
    result.paths.push({ problem: id, kind, path, edges });
    path.forEach((p) => nodeSet.add(p));
    edges.forEach((e) => edgeSet.add(e));
  }
  result.nodes = [...nodeSet];
  result.edges = [...edgeSet];
  return result;
}
