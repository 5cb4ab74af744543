// Walking lineage graphs: upstream/downstream closure with depth and size limits, cycles, the
// paths to problems, and collapsing repeated siblings.

import * as assert from 'node:assert/strict';
import { collapseSiblings } from '../../../src/core/lineage/collapse';
import { downstreamClosure, outputNodeFor, pathsToProblems, problemKind, upstreamClosure } from '../../../src/core/lineage/closure';
import type { LineageEdge, LineageGraph, LineageNode } from '../../../src/core/model/lineage';

const n = (id: string, type: LineageNode['type'] = 'span', extra: Partial<LineageNode> = {}): LineageNode => ({
  id,
  type,
  label: id,
  ...extra,
});
const e = (from: string, to: string, type: LineageEdge['type'] = 'input_to'): LineageEdge => ({ from, to, type });
const ids = (g: LineageGraph): string[] => g.nodes.map((x) => x.id).sort();

// a → b → c → out, d → c, c → x (downstream only), and a cycle b → a.
const G: LineageGraph = {
  nodes: [
    n('a'),
    n('b'),
    n('c'),
    n('d', 'document', { status: 'stale' }),
    n('x'),
    n('out', 'output'),
    n('f', 'feedback', { status: 'warning' }),
  ],
  edges: [
    e('a', 'b'),
    e('b', 'c'),
    e('c', 'out', 'produced'),
    e('d', 'c', 'retrieved'),
    e('c', 'x'),
    e('b', 'a'),
    e('f', 'out', 'rated'),
    e('ghost', 'out'),
  ],
};

describe('lineage closure', () => {
  it('upstream: everything that fed a node, edges inside the closure only, cycles visited once', () => {
    const up = upstreamClosure(G, 'out');
    assert.deepEqual(ids(up), ['a', 'b', 'c', 'd', 'f', 'out']);
    assert.equal(up.truncated, false);
    assert.deepEqual({ ...up.depth }, { out: 0, c: 1, f: 1, b: 2, d: 2, a: 3 });
    assert.ok(up.edges.every((x) => x.from in up.depth && x.to in up.depth));
    assert.ok(!up.edges.some((x) => x.to === 'x'), 'no edge leaves the closure');
    assert.ok(
      up.edges.some((x) => x.from === 'b' && x.to === 'a'),
      'the cycle edge is kept, walked once',
    );
  });

  it('downstream: everything a node fed', () => {
    assert.deepEqual(ids(downstreamClosure(G, 'd')), ['c', 'd', 'out', 'x']);
    assert.deepEqual(ids(downstreamClosure(G, 'a')), ['a', 'b', 'c', 'out', 'x']);
  });

  it('depth, size and edge-type limits', () => {
    const d1 = upstreamClosure(G, 'out', { maxDepth: 1 });
    assert.deepEqual(ids(d1), ['c', 'f', 'out']);
    assert.equal(d1.truncated, true);
    const s = upstreamClosure(G, 'out', { maxNodes: 2 });
    assert.equal(s.nodes.length, 2);
    assert.equal(s.truncated, true);
    assert.deepEqual(ids(upstreamClosure(G, 'out', { edgeTypes: ['produced', 'retrieved'] })), ['c', 'd', 'out']);
    assert.deepEqual(upstreamClosure(G, 'nope').nodes, []);
  });

  it('survives a large cycle and a long chain without recursion limits', function () {
    this.timeout(20_000);
    const N = 60_000;
    const nodes = Array.from({ length: N }, (_, i) => n(`n${i}`));
    const edges = nodes.map((_, i) => e(`n${i}`, `n${(i + 1) % N}`));
    const g = { nodes, edges };
    assert.equal(upstreamClosure(g, 'n0', { maxNodes: Infinity }).nodes.length, N);
    const capped = upstreamClosure(g, 'n0');
    assert.equal(capped.nodes.length, 50_000, 'the default size cap');
    assert.equal(capped.truncated, true);
    assert.equal(downstreamClosure(g, 'n5', { maxDepth: 10 }).nodes.length, 11);
  });

  it('paths to problems: shortest path from the output to each problem behind it', () => {
    const p = pathsToProblems(G, 'out');
    assert.deepEqual(
      p.paths.map((x) => [x.kind, x.path]),
      [
        ['negative_feedback', ['out', 'f']],
        ['stale_document', ['out', 'c', 'd']],
      ],
    );
    assert.deepEqual(p.paths[1].edges, [e('c', 'out', 'produced'), e('d', 'c', 'retrieved')]);
    assert.deepEqual(p.nodes.sort(), ['c', 'd', 'f', 'out']);
    assert.equal(pathsToProblems(G, 'x').paths.length, 1, 'x is fed by c, which the stale d fed');
    assert.equal(pathsToProblems(G, 'a').paths.length, 0, 'nothing wrong upstream of a (a cycle with b)');
  });

  it('knows what counts as a problem', () => {
    assert.equal(problemKind(n('s', 'span', { status: 'error' })), 'error');
    assert.equal(problemKind(n('s', 'span', { status: 'ok' })), undefined);
    assert.equal(problemKind(n('g', 'guard', { status: 'warning' })), 'failed_guard');
    assert.equal(problemKind(n('g', 'guard', { status: 'ok' })), undefined);
    assert.equal(problemKind(n('t', 'template', { status: 'stale' })), 'stale_template');
    assert.equal(problemKind(n('j', 'job', { status: 'error' })), 'failed_job');
    assert.equal(problemKind(n('f', 'feedback', { status: 'ok' })), undefined);
  });

  it('finds the start node from a node id, a span id or a trace id', () => {
    const g: LineageGraph = {
      nodes: [
        n('span:t:root', 'span', { ref: { traceId: 't', spanId: 'root' } }),
        n('span:t:child', 'span', { ref: { traceId: 't', spanId: 'child' } }),
        n('output:t:root', 'output', { ref: { traceId: 't', spanId: 'root' } }),
        n('span:u:only', 'span', { ref: { traceId: 'u', spanId: 'only' } }),
      ],
      edges: [e('span:t:child', 'span:t:root'), e('span:t:root', 'output:t:root', 'produced')],
    };
    assert.equal(outputNodeFor(g, 'root'), 'output:t:root');
    assert.equal(outputNodeFor(g, 't'), 'output:t:root');
    assert.equal(outputNodeFor(g, 'child'), 'span:t:child');
    assert.equal(outputNodeFor(g, 'u'), 'span:u:only');
    assert.equal(outputNodeFor(g, 'span:t:child'), 'span:t:child');
    assert.equal(outputNodeFor(g, 'missing'), undefined);
  });
});

describe('collapsing repeated siblings', () => {
  // An agent with 12 tool calls (one failed), each also feeding the next LLM call, and 2 LLM calls.
  const tools = Array.from({ length: 12 }, (_, i) =>
    n(`tool${i}`, 'span', { facts: { kind: 'tool' }, ...(i === 7 ? { status: 'error' as const } : {}) }),
  );
  const G2: LineageGraph = {
    nodes: [
      n('agent', 'span', { facts: { kind: 'agent' } }),
      n('llm1', 'span', { facts: { kind: 'llm' } }),
      n('llm2', 'span', { facts: { kind: 'llm' } }),
      n('code', 'code'),
      ...tools,
    ],
    edges: [
      ...tools.map((t) => e(t.id, 'agent')),
      ...tools.map((t, i) => e(t.id, i < 6 ? 'llm1' : 'llm2')),
      ...tools.map((t) => e('code', t.id, 'ran')),
      e('llm1', 'agent'),
      e('llm2', 'agent'),
    ],
  };

  it('folds all but the first few into one stand-in, keeping problem nodes and rewiring edges', () => {
    const c = collapseSiblings(G2, { threshold: 6, keep: 3 });
    const stand = c.nodes.find((x) => x.collapsed);
    assert.ok(stand);
    assert.equal(stand.label, '8 more tool calls');
    assert.equal(stand.collapsed?.count, 8);
    assert.ok(!stand.collapsed?.members.includes('tool7'), 'the failed call stays visible');
    assert.deepEqual(
      c.nodes.filter((x) => x.id.startsWith('tool')).map((x) => x.id),
      ['tool0', 'tool1', 'tool2', 'tool7'],
    );
    const edgesOf = (id: string) => c.edges.filter((x) => x.from === id || x.to === id).map((x) => `${x.from}>${x.to}:${x.type}`);
    assert.deepEqual(
      edgesOf(stand.id).sort(),
      [`${stand.id}>agent:input_to`, `${stand.id}>llm1:input_to`, `${stand.id}>llm2:input_to`, `code>${stand.id}:ran`].sort(),
    );
    const ids2 = new Set(c.nodes.map((x) => x.id));
    assert.ok(c.edges.every((x) => ids2.has(x.from) && ids2.has(x.to)));
    assert.equal(G2.nodes.length, 16, 'the input graph is untouched');
  });

  it('leaves small groups and expanded groups alone', () => {
    assert.equal(collapseSiblings(G2, { threshold: 20 }), G2);
    const key = collapseSiblings(G2).nodes.find((x) => x.collapsed)!.id;
    assert.equal(collapseSiblings(G2, { expanded: [key] }).nodes.length, G2.nodes.length);
  });
});
