// The lineage page's pure layout, in Node: layers follow the edges, nodes of a layer never
// overlap, cycles end, the same input gives the same picture, and culling finds exactly what a
// brute-force scan finds.

import * as assert from 'node:assert/strict';
import { edgeGeometry, layoutGraph, placeInOrder, type GraphLayout } from '../../webview/lineage/layout';
import {
  centreOn,
  detailLevel,
  fitTransform,
  isOnScreen,
  nodeAt,
  viewportOf,
  visibleEdges,
  visibleNodes,
  type Viewport,
} from '../../webview/lineage/viewport';
import { layeredDag, rng } from '../support/lineageGraphs';

const E = (from: string, to: string): { from: string; to: string } => ({ from, to });
const N = (...ids: string[]): { id: string }[] => ids.map((id) => ({ id }));

function assertLayersRespectEdges(L: GraphLayout): void {
  for (let e = 0; e < L.edgeCount; e++) {
    const a = L.edgeFrom[e];
    const b = L.edgeTo[e];
    if (L.edgeBack[e]) assert.ok(L.layer[a] > L.layer[b], `back edge ${L.ids[a]}→${L.ids[b]} runs right to left`);
    else assert.ok(L.layer[a] < L.layer[b], `edge ${L.ids[a]}→${L.ids[b]}: layer ${L.layer[a]} < ${L.layer[b]}`);
  }
}

function assertNoOverlaps(L: GraphLayout): void {
  const pitch = L.nodeHeight + L.nodeGap;
  let seen = 0;
  for (const layer of L.layers) {
    for (let i = 0; i < layer.length; i++) {
      const v = layer[i];
      assert.equal(L.x[v], L.layer[v] * (L.nodeWidth + L.layerGap));
      assert.ok(L.y[v] >= -1e-6 && L.y[v] + L.nodeHeight <= L.height + 1e-6, 'inside the layout box');
      if (i) assert.ok(L.y[v] - L.y[layer[i - 1]] >= pitch - 1e-6, `nodes ${layer[i - 1]} and ${v} overlap`);
    }
    seen += layer.length;
  }
  assert.equal(seen, L.n, 'every node in exactly one layer');
}

/** Crossings between edges spanning adjacent layers, counted pair by pair. */
function bruteCrossings(L: GraphLayout): number {
  const short: [number, number, number][] = [];
  for (let e = 0; e < L.edgeCount; e++) {
    const a = L.edgeFrom[e];
    const b = L.edgeTo[e];
    if (L.layer[b] === L.layer[a] + 1) short.push([L.layer[a], L.y[a], L.y[b]]);
  }
  let c = 0;
  for (let i = 0; i < short.length; i++) {
    for (let j = i + 1; j < short.length; j++) {
      const [la, ya1, ya2] = short[i];
      const [lb, yb1, yb2] = short[j];
      if (la === lb && (ya1 - yb1) * (ya2 - yb2) < 0) c++;
    }
  }
  return c;
}

describe('lineage layout', () => {
  it('lays causes left of effects with the output rightmost', () => {
    const L = layoutGraph(N('out', 'llm', 'tpl', 'model', 'doc', 'retr', 'dataset'), [
      E('llm', 'out'),
      E('tpl', 'llm'),
      E('model', 'llm'),
      E('retr', 'llm'),
      E('doc', 'retr'),
      E('dataset', 'doc'),
    ]);
    assertLayersRespectEdges(L);
    assertNoOverlaps(L);
    const layerOf = (id: string): number => L.layer[L.index.get(id)!];
    assert.equal(layerOf('out'), L.layers.length - 1);
    assert.equal(layerOf('llm'), layerOf('out') - 1);
    // Longest path to the sink: the template and model sit right next to the LLM call.
    assert.equal(layerOf('tpl'), layerOf('llm') - 1);
    assert.equal(layerOf('dataset'), 0);
    assert.ok(L.width > 0 && L.height > 0);
  });

  it('keeps layers and spacing on a 2,000-node and a 20,000-node DAG', () => {
    for (const n of [2000, 20000]) {
      const g = layeredDag(n, 7);
      const L = layoutGraph(g.nodes, g.edges);
      assert.equal(L.n, n);
      assert.equal(L.edgeCount, g.edges.length);
      assert.equal([...L.edgeBack].filter(Boolean).length, 0, 'a DAG has no back edges');
      assertLayersRespectEdges(L);
      assertNoOverlaps(L);
    }
  });

  it('untangles crossings it can see (barycenter sweeps keep the best order)', () => {
    // Two parents whose children are listed crossed: a→{x2,y2}, b→{x1,y1}, input order x1,x2,y1,y2.
    const L = layoutGraph(N('x1', 'x2', 'y1', 'y2', 'a', 'b'), [E('x1', 'b'), E('x2', 'a'), E('y1', 'b'), E('y2', 'a')]);
    assert.equal(bruteCrossings(L), 0);
    const g = layeredDag(400, 3);
    const swept = layoutGraph(g.nodes, g.edges);
    const unswept = layoutGraph(g.nodes, g.edges, { orderSweeps: 0 });
    assert.ok(bruteCrossings(swept) <= bruteCrossings(unswept), `${bruteCrossings(swept)} <= ${bruteCrossings(unswept)}`);
  });

  it('is cycle-safe: self-loops dropped, back edges reversed, no recursion', () => {
    const L = layoutGraph(N('a', 'b', 'c', 'd'), [E('a', 'b'), E('b', 'c'), E('c', 'a'), E('c', 'd'), E('d', 'd'), E('b', 'a')]);
    assert.equal(L.edgeCount, 5, 'the self-loop is dropped');
    assert.ok([...L.edgeBack].some(Boolean));
    assertLayersRespectEdges(L);
    assertNoOverlaps(L);
    // A 50,000-node ring and a long chain: no stack overflow.
    const ring = 50_000;
    const ids = Array.from({ length: ring }, (_, i) => `r${i}`);
    const big = layoutGraph(
      ids.map((id) => ({ id })),
      ids.map((id, i) => E(id, ids[(i + 1) % ring])),
      { orderSweeps: 1, coordSweeps: 1 },
    );
    assert.equal(big.layers.length, ring);
    assert.equal([...big.edgeBack].filter(Boolean).length, 1);
  });

  it('ignores edges to unknown nodes and duplicate node ids', () => {
    const L = layoutGraph(N('a', 'b', 'a'), [E('a', 'b'), E('a', 'ghost'), E('ghost', 'b')]);
    assert.equal(L.n, 2);
    assert.equal(L.edgeCount, 1);
    assert.equal(L.edgeInput[0], 0);
    const empty = layoutGraph([], []);
    assert.equal(empty.n, 0);
    assert.equal(empty.width, 0);
    assert.deepEqual(visibleNodes(empty, { x0: 0, y0: 0, x1: 100, y1: 100 }), []);
    assert.equal(nodeAt(empty, 1, 1), -1);
  });

  it('is deterministic', () => {
    const g = layeredDag(3000, 11);
    const a = layoutGraph(g.nodes, g.edges);
    const b = layoutGraph(structuredClone(g.nodes), structuredClone(g.edges));
    assert.deepEqual([...a.x], [...b.x]);
    assert.deepEqual([...a.y], [...b.y]);
    assert.deepEqual(
      a.layers.map((l) => [...l]),
      b.layers.map((l) => [...l]),
    );
  });

  it('places in order with minimum spacing, as close as possible (PAVA)', () => {
    const out = new Float64Array(4);
    placeInOrder(Float64Array.from([0, 0, 0, 0]), 4, 10, out);
    assert.deepEqual([...out], [-15, -5, 5, 15], 'a pile-up spreads symmetrically');
    placeInOrder(Float64Array.from([0, 100, 200, 300]), 4, 10, out);
    assert.deepEqual([...out], [0, 100, 200, 300], 'already apart: unchanged');
    placeInOrder(Float64Array.from([50, 0, 200, 205]), 4, 10, out);
    assert.deepEqual([...out], [20, 30, 197.5, 207.5]);
  });

  it('edge curves stay inside their boxes', () => {
    const g = layeredDag(300, 5);
    const L = layoutGraph(g.nodes, g.edges);
    const geo = new Float64Array(8);
    for (let e = 0; e < L.edgeCount; e++) {
      edgeGeometry(L, e, geo);
      for (let t = 0; t <= 1; t += 0.125) {
        const u = 1 - t;
        const x = u * u * u * geo[0] + 3 * u * u * t * geo[2] + 3 * u * t * t * geo[4] + t * t * t * geo[6];
        const y = u * u * u * geo[1] + 3 * u * u * t * geo[3] + 3 * u * t * t * geo[5] + t * t * t * geo[7];
        assert.ok(x >= L.edgeBox[e * 4] - 1e-6 && x <= L.edgeBox[e * 4 + 2] + 1e-6);
        assert.ok(y >= L.edgeBox[e * 4 + 1] - 1e-6 && y <= L.edgeBox[e * 4 + 3] + 1e-6);
      }
    }
  });
});

describe('lineage viewport', () => {
  const g = layeredDag(5000, 9);
  const L = layoutGraph(g.nodes, g.edges);
  const r = rng(42);

  const bruteNodes = (vp: Viewport): number[] => {
    const out: number[] = [];
    for (let v = 0; v < L.n; v++) {
      if (L.x[v] <= vp.x1 && L.x[v] + L.nodeWidth >= vp.x0 && L.y[v] <= vp.y1 && L.y[v] + L.nodeHeight >= vp.y0) out.push(v);
    }
    return out.sort((a, b) => a - b);
  };

  it('culls exactly the nodes and edges a full scan finds', () => {
    for (let i = 0; i < 200; i++) {
      const x0 = r() * L.width * 1.2 - L.width * 0.1;
      const y0 = r() * L.height * 1.2 - L.height * 0.1;
      const vp = { x0, y0, x1: x0 + r() * 3000, y1: y0 + r() * 2000 };
      assert.deepEqual(
        [...visibleNodes(L, vp)].sort((a, b) => a - b),
        bruteNodes(vp),
      );
      const edges = visibleEdges(L, vp);
      const brute: number[] = [];
      for (let e = 0; e < L.edgeCount; e++) {
        const b = L.edgeBox.subarray(e * 4, e * 4 + 4);
        if (b[0] <= vp.x1 && b[2] >= vp.x0 && b[1] <= vp.y1 && b[3] >= vp.y0) brute.push(e);
      }
      assert.deepEqual(edges, brute);
      // Every edge with an end point on screen is among the visible edges.
      const ve = new Set(edges);
      const geo = new Float64Array(8);
      const inside = (x: number, y: number): boolean => x >= vp.x0 && x <= vp.x1 && y >= vp.y0 && y <= vp.y1;
      for (let e = 0; e < L.edgeCount; e++) {
        edgeGeometry(L, e, geo);
        if (inside(geo[0], geo[1]) || inside(geo[6], geo[7])) assert.ok(ve.has(e));
      }
    }
  });

  it('finds the node under a point', () => {
    for (let i = 0; i < 500; i++) {
      const px = r() * L.width;
      const py = r() * L.height;
      const hit = nodeAt(L, px, py);
      const brute = bruteNodes({ x0: px, y0: py, x1: px, y1: py });
      if (hit < 0) assert.equal(brute.length, 0);
      else assert.deepEqual(brute, [hit]);
    }
    const v = 123;
    assert.equal(nodeAt(L, L.x[v] + 5, L.y[v] + 5), v);
  });

  it('fits, centres and picks a level of detail', () => {
    const t = fitTransform(L, 1600, 1000);
    const vp = viewportOf(t, 1600, 1000);
    assert.ok(vp.x0 <= 0 && vp.y0 <= 0 && vp.x1 >= L.width && vp.y1 >= L.height, 'the whole graph is in view');
    assert.equal(visibleNodes(L, vp).length, L.n);
    assert.ok(t.k <= 1);
    const c = centreOn(L, 10, 800, 600, 1);
    assert.ok(isOnScreen(L, 10, c, 800, 600));
    assert.equal(detailLevel(0.1), 0);
    assert.equal(detailLevel(0.4), 1);
    assert.equal(detailLevel(1), 2);
  });
});
