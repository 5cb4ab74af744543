// A layered left-to-right layout for lineage graphs (causes on the left, the output on the right),
// pure and DOM-free so it is tested in Node. Sugiyama-style in four linear-ish passes:
//   1. cycles are broken by an iterative DFS (back edges are laid out reversed, never looped on);
//   2. layers: longest path to a sink, so every cause sits just left of its nearest effect and the
//      output is rightmost;
//   3. order in each layer: barycenter sweeps (a fixed number, so the result is deterministic),
//      keeping the ordering with the fewest crossings between adjacent layers;
//   4. y: each node pulled towards its neighbours' mean, then the layer's order and spacing restored
//      exactly with pool-adjacent-violators (least squares under "at least one pitch apart").
// Everything is O(V + E) per pass apart from the per-layer sorts (O(V log V)), with typed arrays:
// 20,000 nodes lay out in tens of milliseconds. There are no dummy nodes for long edges; their
// endpoints' positions feed the barycenters directly.

export interface LayoutOptions {
  nodeWidth?: number;
  nodeHeight?: number;
  /** Horizontal space between layers. */
  layerGap?: number;
  /** Vertical space between nodes of a layer. */
  nodeGap?: number;
  /** Barycenter sweeps for the order (default depends on size). */
  orderSweeps?: number;
  /** Sweeps for the y coordinates (default depends on size). */
  coordSweeps?: number;
}

export interface GraphLayout {
  n: number;
  ids: string[];
  index: Map<string, number>;
  /** Top-left corner of each node. */
  x: Float64Array;
  y: Float64Array;
  layer: Int32Array;
  /** Node indices of each layer, top to bottom (y increasing). */
  layers: Int32Array[];
  /** Edges kept (both ends known, no self-loops), as laid out: cause → effect. */
  edgeCount: number;
  edgeFrom: Int32Array;
  edgeTo: Int32Array;
  /** The input edge each laid-out edge came from. */
  edgeInput: Int32Array;
  /** 1 when the edge closed a cycle and runs right-to-left. */
  edgeBack: Uint8Array;
  /** Bounding box of each edge's curve: x0, y0, x1, y1 (4 per edge). */
  edgeBox: Float64Array;
  width: number;
  height: number;
  nodeWidth: number;
  nodeHeight: number;
  layerGap: number;
  nodeGap: number;
}

interface Csr {
  start: Int32Array;
  items: Int32Array;
}

function csr(n: number, from: Int32Array, to: Int32Array, count: number): Csr {
  const start = new Int32Array(n + 1);
  for (let e = 0; e < count; e++) start[from[e] + 1]++;
  for (let i = 0; i < n; i++) start[i + 1] += start[i];
  const fill = start.slice(0, n);
  const items = new Int32Array(count);
  for (let e = 0; e < count; e++) items[fill[from[e]]++] = to[e];
  return { start, items };
}

/** Marks back edges of an iterative DFS (in input order), so reversing them leaves a DAG. */
function findBackEdges(n: number, from: Int32Array, to: Int32Array, count: number): Uint8Array {
  const back = new Uint8Array(count);
  // Outgoing edge ids per node, in input order.
  const start = new Int32Array(n + 1);
  for (let e = 0; e < count; e++) start[from[e] + 1]++;
  for (let i = 0; i < n; i++) start[i + 1] += start[i];
  const fill = start.slice(0, n);
  const edgeIds = new Int32Array(count);
  for (let e = 0; e < count; e++) edgeIds[fill[from[e]]++] = e;

  const state = new Uint8Array(n); // 0 new, 1 on stack, 2 done
  const stack = new Int32Array(n);
  const cursor = new Int32Array(n);
  for (let root = 0; root < n; root++) {
    if (state[root]) continue;
    let top = 0;
    stack[0] = root;
    state[root] = 1;
    cursor[root] = start[root];
    while (top >= 0) {
      const v = stack[top];
      if (cursor[v] < start[v + 1]) {
        const e = edgeIds[cursor[v]++];
        const w = to[e];
        if (state[w] === 1) back[e] = 1;
        else if (state[w] === 0) {
          state[w] = 1;
          cursor[w] = start[w];
          stack[++top] = w;
        }
      } else {
        state[v] = 2;
        top--;
      }
    }
  }
  return back;
}

/** Fenwick-tree count of crossings between two adjacent layers (edges given as position pairs). */
function crossingsBetween(pairs: number[], upperSize: number, tree: Int32Array): number {
  // pairs: flat [posA, posB, ...], sorted by posA then posB.
  tree.fill(0, 0, upperSize + 1);
  let crossings = 0;
  let seen = 0;
  for (let p = 0; p < pairs.length; p += 2) {
    const b = pairs[p + 1];
    // Edges seen so far with a larger posB cross this one.
    let le = 0;
    for (let i = b + 1; i > 0; i -= i & -i) le += tree[i];
    crossings += seen - le;
    for (let i = b + 1; i <= upperSize; i += i & -i) tree[i]++;
    seen++;
  }
  return crossings;
}

/**
 * Pool-adjacent-violators: the y closest (least squares) to `want` that keeps the given order and
 * puts consecutive nodes at least `pitch` apart. Writes into `out`.
 */
export function placeInOrder(want: Float64Array, count: number, pitch: number, out: Float64Array): void {
  // With z_i = y_i - i·pitch the constraint is z non-decreasing: isotonic regression of want_i - i·pitch.
  const blockSum = new Float64Array(count);
  const blockLen = new Int32Array(count);
  let blocks = 0;
  for (let i = 0; i < count; i++) {
    blockSum[blocks] = want[i] - i * pitch;
    blockLen[blocks] = 1;
    blocks++;
    while (blocks > 1 && blockSum[blocks - 2] / blockLen[blocks - 2] > blockSum[blocks - 1] / blockLen[blocks - 1]) {
      blockSum[blocks - 2] += blockSum[blocks - 1];
      blockLen[blocks - 2] += blockLen[blocks - 1];
      blocks--;
    }
  }
  let i = 0;
  for (let b = 0; b < blocks; b++) {
    const z = blockSum[b] / blockLen[b];
    for (let k = 0; k < blockLen[b]; k++, i++) out[i] = z + i * pitch;
  }
}

export function layoutGraph(
  nodes: readonly { id: string }[],
  edges: readonly { from: string; to: string }[],
  opts: LayoutOptions = {},
): GraphLayout {
  const nodeWidth = opts.nodeWidth ?? 200;
  const nodeHeight = opts.nodeHeight ?? 44;
  const layerGap = opts.layerGap ?? 90;
  const nodeGap = opts.nodeGap ?? 14;
  const pitch = nodeHeight + nodeGap;

  // ---- index nodes (first occurrence of an id wins) and keep edges with both ends known
  const ids: string[] = [];
  const index = new Map<string, number>();
  for (const nd of nodes) {
    if (index.has(nd.id)) continue;
    index.set(nd.id, ids.length);
    ids.push(nd.id);
  }
  const n = ids.length;
  const eFrom = new Int32Array(edges.length);
  const eTo = new Int32Array(edges.length);
  const eInput = new Int32Array(edges.length);
  let m = 0;
  for (let i = 0; i < edges.length; i++) {
    const a = index.get(edges[i].from);
    const b = index.get(edges[i].to);
    if (a === undefined || b === undefined || a === b) continue;
    eFrom[m] = a;
    eTo[m] = b;
    eInput[m] = i;
    m++;
  }
  const edgeFrom = eFrom.slice(0, m);
  const edgeTo = eTo.slice(0, m);
  const edgeInput = eInput.slice(0, m);

  // ---- 1. break cycles: the DAG used for layering reverses back edges
  const edgeBack = findBackEdges(n, edgeFrom, edgeTo, m);
  const dFrom = new Int32Array(m);
  const dTo = new Int32Array(m);
  for (let e = 0; e < m; e++) {
    dFrom[e] = edgeBack[e] ? edgeTo[e] : edgeFrom[e];
    dTo[e] = edgeBack[e] ? edgeFrom[e] : edgeTo[e];
  }
  const succ = csr(n, dFrom, dTo, m);
  const pred = csr(n, dTo, dFrom, m);

  // ---- 2. layers: longest path to a sink (Kahn's order, reversed)
  const indeg = new Int32Array(n);
  for (let e = 0; e < m; e++) indeg[dTo[e]]++;
  const topo = new Int32Array(n);
  let head = 0;
  let tail = 0;
  for (let v = 0; v < n; v++) if (indeg[v] === 0) topo[tail++] = v;
  while (head < tail) {
    const v = topo[head++];
    for (let k = succ.start[v]; k < succ.start[v + 1]; k++) {
      const w = succ.items[k];
      if (--indeg[w] === 0) topo[tail++] = w;
    }
  }
  const height = new Int32Array(n);
  let maxHeight = 0;
  for (let t = n - 1; t >= 0; t--) {
    const v = topo[t];
    let h = 0;
    for (let k = succ.start[v]; k < succ.start[v + 1]; k++) h = Math.max(h, height[succ.items[k]] + 1);
    height[v] = h;
    if (h > maxHeight) maxHeight = h;
  }
  const layer = new Int32Array(n);
  for (let v = 0; v < n; v++) layer[v] = maxHeight - height[v];
  const layerCount = n ? maxHeight + 1 : 0;

  // ---- 3. order: initial by discovery from the sinks upstream, then barycenter sweeps
  const disc = new Int32Array(n).fill(-1);
  const queue = new Int32Array(n);
  let qh = 0;
  let qt = 0;
  for (let v = 0; v < n; v++) {
    if (succ.start[v + 1] === succ.start[v]) {
      disc[v] = qt;
      queue[qt++] = v;
    }
  }
  while (qh < qt) {
    const v = queue[qh++];
    for (let k = pred.start[v]; k < pred.start[v + 1]; k++) {
      const w = pred.items[k];
      if (disc[w] < 0) {
        disc[w] = qt;
        queue[qt++] = w;
      }
    }
  }
  const layerSize = new Int32Array(layerCount);
  for (let v = 0; v < n; v++) layerSize[layer[v]]++;
  const layers: Int32Array[] = [];
  for (let l = 0; l < layerCount; l++) layers.push(new Int32Array(layerSize[l]));
  {
    const fill = new Int32Array(layerCount);
    const byDisc = Array.from({ length: n }, (_, i) => i).sort((a, b) => disc[a] - disc[b]);
    for (const v of byDisc) layers[layer[v]][fill[layer[v]]++] = v;
  }
  const pos = new Float64Array(n);
  const setPositions = (l: number): void => {
    const L = layers[l];
    const mid = (L.length - 1) / 2;
    for (let i = 0; i < L.length; i++) pos[L[i]] = i - mid;
  };
  for (let l = 0; l < layerCount; l++) setPositions(l);

  const key = new Float64Array(n);
  const sortLayer = (l: number, adj: Csr): void => {
    const L = layers[l];
    for (let i = 0; i < L.length; i++) {
      const v = L[i];
      const s = adj.start[v];
      const e = adj.start[v + 1];
      if (e === s) key[v] = pos[v];
      else {
        let sum = 0;
        for (let k = s; k < e; k++) sum += pos[adj.items[k]];
        key[v] = sum / (e - s);
      }
    }
    const sorted = Array.from(L).sort((a, b) => key[a] - key[b] || pos[a] - pos[b] || a - b);
    L.set(sorted);
    setPositions(l);
  };

  // Crossings between adjacent layers only (long edges are ignored by the count).
  const tree = new Int32Array(n + 2);
  const countCrossings = (): number => {
    let total = 0;
    for (let l = 0; l + 1 < layerCount; l++) {
      const pairs: [number, number][] = [];
      for (const v of layers[l]) {
        for (let k = succ.start[v]; k < succ.start[v + 1]; k++) {
          const w = succ.items[k];
          if (layer[w] === l + 1) pairs.push([pos[v], pos[w]]);
        }
      }
      if (pairs.length < 2) continue;
      pairs.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
      const mid = (layers[l + 1].length - 1) / 2;
      const flat: number[] = [];
      for (const [a, b] of pairs) flat.push(a, b + mid);
      total += crossingsBetween(flat, layers[l + 1].length, tree);
    }
    return total;
  };

  const sweeps = opts.orderSweeps ?? (n <= 3000 ? 8 : n <= 12000 ? 4 : 3);
  const measure = n <= 5000;
  let best = measure ? countCrossings() : 0;
  let bestLayers = measure ? layers.map((L) => L.slice()) : undefined;
  for (let s = 0; s < sweeps && (!measure || best > 0); s++) {
    if (s % 2 === 0) for (let l = layerCount - 2; l >= 0; l--) sortLayer(l, succ);
    else for (let l = 1; l < layerCount; l++) sortLayer(l, pred);
    if (measure) {
      const c = countCrossings();
      if (c < best) {
        best = c;
        bestLayers = layers.map((L) => L.slice());
      }
    }
  }
  if (bestLayers) {
    for (let l = 0; l < layerCount; l++) {
      layers[l].set(bestLayers[l]);
      setPositions(l);
    }
  }

  // ---- 4. y coordinates: pull towards neighbours, restore spacing in order (PAVA)
  const y = new Float64Array(n);
  for (let v = 0; v < n; v++) y[v] = pos[v] * pitch;
  let maxLayer = 0;
  for (let l = 0; l < layerCount; l++) maxLayer = Math.max(maxLayer, layers[l].length);
  const want = new Float64Array(maxLayer);
  const placed = new Float64Array(maxLayer);
  const relax = (l: number, useSucc: boolean, usePred: boolean): void => {
    const L = layers[l];
    for (let i = 0; i < L.length; i++) {
      const v = L[i];
      let sum = 0;
      let cnt = 0;
      if (useSucc) {
        for (let k = succ.start[v]; k < succ.start[v + 1]; k++) {
          sum += y[succ.items[k]];
          cnt++;
        }
      }
      if (usePred) {
        for (let k = pred.start[v]; k < pred.start[v + 1]; k++) {
          sum += y[pred.items[k]];
          cnt++;
        }
      }
      want[i] = cnt ? sum / cnt : y[v];
    }
    placeInOrder(want, L.length, pitch, placed);
    for (let i = 0; i < L.length; i++) y[L[i]] = placed[i];
  };
  const coordSweeps = opts.coordSweeps ?? (n <= 12000 ? 6 : 4);
  for (let s = 0; s < coordSweeps; s++) {
    // Causes follow their effects (right to left), then effects centre on their causes.
    if (s % 2 === 0) for (let l = layerCount - 2; l >= 0; l--) relax(l, true, false);
    else for (let l = 1; l < layerCount; l++) relax(l, false, true);
  }
  // Last: causes settle next to the effects they feed, the way "why?" is read.
  for (let l = layerCount - 2; l >= 0; l--) relax(l, true, false);

  let minY = Infinity;
  let maxY = -Infinity;
  for (let v = 0; v < n; v++) {
    if (y[v] < minY) minY = y[v];
    if (y[v] > maxY) maxY = y[v];
  }
  if (!n) minY = maxY = 0;
  const x = new Float64Array(n);
  const pitchX = nodeWidth + layerGap;
  for (let v = 0; v < n; v++) {
    y[v] -= minY;
    x[v] = layer[v] * pitchX;
  }

  const edgeBox = new Float64Array(m * 4);
  const g = new Float64Array(8);
  const layout: GraphLayout = {
    n,
    ids,
    index,
    x,
    y,
    layer,
    layers,
    edgeCount: m,
    edgeFrom,
    edgeTo,
    edgeInput,
    edgeBack,
    edgeBox,
    width: n ? (layerCount - 1) * pitchX + nodeWidth : 0,
    height: n ? maxY - minY + nodeHeight : 0,
    nodeWidth,
    nodeHeight,
    layerGap,
    nodeGap,
  };
  for (let e = 0; e < m; e++) {
    edgeGeometry(layout, e, g);
    edgeBox[e * 4] = Math.min(g[0], g[2], g[4], g[6]);
    edgeBox[e * 4 + 1] = Math.min(g[1], g[7]);
    edgeBox[e * 4 + 2] = Math.max(g[0], g[2], g[4], g[6]);
    edgeBox[e * 4 + 3] = Math.max(g[1], g[7]);
  }
  return layout;
}

/**
 * The cubic curve of edge `e`, from the right side of its cause to the left side of its effect:
 * x1, y1, c1x, c1y, c2x, c2y, x2, y2. The curve stays inside the box of these points.
 */
export function edgeGeometry(layout: GraphLayout, e: number, out: Float64Array = new Float64Array(8)): Float64Array {
  const a = layout.edgeFrom[e];
  const b = layout.edgeTo[e];
  const h2 = layout.nodeHeight / 2;
  const x1 = layout.x[a] + layout.nodeWidth;
  const y1 = layout.y[a] + h2;
  const x2 = layout.x[b];
  const y2 = layout.y[b] + h2;
  const dx = Math.max(layout.layerGap / 2, Math.abs(x2 - x1) / 2);
  out[0] = x1;
  out[1] = y1;
  out[2] = x1 + dx;
  out[3] = y1;
  out[4] = x2 - dx;
  out[5] = y2;
  out[6] = x2;
  out[7] = y2;
  return out;
}
