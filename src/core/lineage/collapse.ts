// Large graphs stay readable: repeated siblings — nodes of the same kind feeding the same node the
// same way, such as 40 tool calls under one agent or 30 retrieved documents — are folded into one
// stand-in ("37 more tool calls") after the first few. A pure transform: the input graph is not
// changed; expanding a group is re-running the transform with its id in `expanded`. Problem nodes
// (errors, failed guards, stale items, negative feedback) are never folded away.

import type { LineageEdge, LineageGraph, LineageNode } from '../model/lineage';
import { problemKind } from './closure';
import { lookupTable } from '../formats/lookupTable';

export interface CollapseOptions {
  /** Fold a group only when it has more than this many members (default 6). */
  threshold?: number;
  /** How many members stay visible before the stand-in (default 3). */
  keep?: number;
  /** Group ids (stand-in node ids) to leave expanded. */
  expanded?: readonly string[];
}

const NOUNS = lookupTable<[string, string]>({
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
});

function groupKind(n: LineageNode): string {
  return n.type === 'span' ? (n.facts?.kind ?? 'span') : n.type;
}

export function collapseSiblings(graph: LineageGraph, opts: CollapseOptions = {}): LineageGraph {
  const threshold = opts.threshold ?? 6;
  const keep = Math.max(0, opts.keep ?? 3);
  const expanded = new Set(opts.expanded ?? []);
  const nodes = new Map(graph.nodes.map((n) => [n.id, n]));
  const outgoing = new Map<string, LineageEdge[]>();
  for (const e of graph.edges) (outgoing.get(e.from) ?? outgoing.set(e.from, []).get(e.from)!).push(e);

  // Siblings: nodes of one kind that feed the same node the same way. A node with several effects
  // (a tool call feeds its parent and the next LLM call) joins its largest such group.
  const candidates = new Map<string, number>();
  const keysOf = new Map<string, string[]>();
  for (const n of graph.nodes) {
    const keys = [...new Set((outgoing.get(n.id) ?? []).map((e) => `group:${e.to}:${e.type}:${groupKind(n)}`))];
    keysOf.set(n.id, keys);
    for (const k of keys) candidates.set(k, (candidates.get(k) ?? 0) + 1);
  }
  const groups = new Map<string, string[]>();
  for (const n of graph.nodes) {
    const keys = keysOf.get(n.id)!;
    if (keys.length === 0) continue;
    const key = keys.reduce((best, k) => (candidates.get(k)! > candidates.get(best)! ? k : best), keys[0]);
    const g = groups.get(key);
    if (g) g.push(n.id);
    else groups.set(key, [n.id]);
  }

  const replace = new Map<string, string>();
  const standIns: LineageNode[] = [];
  for (const [key, members] of groups) {
    if (members.length <= threshold || expanded.has(key)) continue;
    const foldable = members.filter((id) => !problemKind(nodes.get(id)!));
    const hidden = foldable.slice(keep);
    if (hidden.length < 2) continue;
    for (const id of hidden) replace.set(id, key);
    const kind = groupKind(nodes.get(hidden[0])!);
    const [one, many] = NOUNS[kind] ?? [kind, `${kind} nodes`];
    standIns.push({
      id: key,
      type: nodes.get(hidden[0])!.type,
      label: `${hidden.length} more ${hidden.length === 1 ? one : many}`,
      collapsed: { count: hidden.length, members: hidden },
    });
  }
  if (replace.size === 0) return graph;

  const outNodes: LineageNode[] = [];
  const placed = new Set<string>();
  for (const n of graph.nodes) {
    const g = replace.get(n.id);
    if (!g) outNodes.push(n);
    else if (!placed.has(g)) {
      placed.add(g);
      outNodes.push(standIns.find((s) => s.id === g)!);
    }
  }
  const seen = new Set<string>();
  const outEdges: LineageEdge[] = [];
  for (const e of graph.edges) {
    const from = replace.get(e.from) ?? e.from;
    const to = replace.get(e.to) ?? e.to;
    if (from === to) continue;
    const k = `${from}\u0000${to}\u0000${e.type}`;
    if (seen.has(k)) continue;
    seen.add(k);
    outEdges.push(from === e.from && to === e.to ? e : { from, to, type: e.type });
  }
  return { nodes: outNodes, edges: outEdges };
}
