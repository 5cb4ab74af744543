// The lineage bench's baseline, bundled by bench/lineage.ts into a plain page of the same browser:
// what the simplest d3 approach costs for the same node count — `d3.tree` for the layout, and every
// node and link drawn on a canvas each frame (no culling, no level of detail).

import { hierarchy, tree, type HierarchyPointNode } from 'd3';

interface Datum {
  id: number;
  children: Datum[];
}

let laid: HierarchyPointNode<Datum>[] = [];
let width = 1;
let height = 1;

function treeLayout(parents: number[]): number {
  const t0 = performance.now();
  const nodes: Datum[] = parents.map((_, id) => ({ id, children: [] }));
  parents.forEach((p, i) => {
    if (p >= 0) nodes[p].children.push(nodes[i]);
  });
  const root = tree<Datum>().nodeSize([58, 290])(hierarchy(nodes[0]));
  laid = root.descendants();
  let minX = Infinity;
  let maxX = -Infinity;
  for (const n of laid) {
    minX = Math.min(minX, n.x);
    maxX = Math.max(maxX, n.x);
  }
  for (const n of laid) n.x -= minX;
  height = maxX - minX + 44;
  width = (root.height + 1) * 290;
  return performance.now() - t0;
}

/** Draws everything at the fit transform; returns the time including a pixel read-back (forces raster). */
function drawAll(canvas: HTMLCanvasElement, scale: number): number {
  const t0 = performance.now();
  const ctx = canvas.getContext('2d', { alpha: false })!;
  const k = Math.min(canvas.width / width, canvas.height / height) * scale;
  ctx.setTransform(1, 0, 0, 1, 0, 0);
  ctx.fillStyle = '#1f1f1f';
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  ctx.setTransform(k, 0, 0, k, 0, 0);
  ctx.strokeStyle = '#cccccc80';
  ctx.lineWidth = 1 / k;
  ctx.beginPath();
  for (const n of laid) {
    if (!n.parent) continue;
    ctx.moveTo(n.y + 200, n.x + 22);
    ctx.lineTo(n.parent.y, n.parent.x + 22);
  }
  ctx.stroke();
  for (const n of laid) {
    ctx.fillStyle = n.depth % 2 ? '#3794ff' : '#d18616';
    ctx.fillRect(n.y, n.x, 200, 44);
  }
  ctx.getImageData(0, 0, 1, 1);
  return performance.now() - t0;
}

(window as unknown as { __baseline: unknown }).__baseline = { treeLayout, drawAll };
