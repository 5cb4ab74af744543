// `npm run bench -- lineage`: the lineage page's layout + first render for 200, 2,000 and 20,000
// node layered DAGs, and its zoom and pan redraws, measured in headless Chromium on the real
// bundle (dist/webview.js) under the real CSP. Each figure is also given as a ratio to a baseline
// measured in the same browser in the same run: `d3.tree` on the same node count plus drawing
// every node and link on a canvas (no culling, no level of detail).
//
// First render = from posting the graph message to the page until its first frame is drawn and
// rasterised (message decode, folding, layout, scene, draw). It is measured at the "fit" view, the
// worst case (every node on screen). Redraw = the draw call plus a one-pixel read-back that forces
// the canvas to rasterise; "frame" adds the wait for the animation frame (≤ 16.7 ms at 60 Hz).

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as esbuild from 'esbuild';
import type { Browser, Page } from 'playwright-core';
import { chromiumPath, launchBrowser } from '../test/support/browser';
import { layeredDag, treeParents } from '../test/support/lineageGraphs';
import { installFakeHost, repoRoot, startLineagePageServer, type LineagePageServer } from '../test/support/lineagePage';

const SIZES = [200, 2000, 20000];
const RUNS = 3;
const STEPS = 30;
const VIEWPORT = { width: 1600, height: 1000 };

interface FirstRender {
  total: number;
  layout: number;
  draw: number;
  renderer: string;
}

interface Redraw {
  draw: number[];
  frame: number[];
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? (s[(s.length - 1) >> 1] + s[s.length >> 1]) / 2 : NaN;
};

// Page-side code as strings: tsx would add helpers (`__name`) to functions serialised into the page.
const FIRST_RENDER = String.raw`async (msg) => {
  performance.clearMarks();
  performance.clearMeasures();
  const t0 = performance.now();
  window.postMessage(msg, '*');
  await new Promise((resolve) => {
    (function poll() {
      if (performance.getEntriesByName('lineage-first-draw').length) resolve();
      else requestAnimationFrame(poll);
    })();
  });
  const canvas = document.querySelector('.lineage-graph canvas');
  if (canvas) canvas.getContext('2d').getImageData(0, 0, 1, 1);
  else document.querySelector('.lineage-graph svg').getBoundingClientRect();
  const total = performance.now() - t0;
  const layout = performance.getEntriesByName('lineage-layout').pop();
  const draw = performance.getEntriesByName('lineage-draw').pop();
  return { total, layout: layout ? layout.duration : NaN, draw: draw ? draw.duration : NaN, renderer: canvas ? 'canvas' : 'svg' };
}`;

/** Zoom (wheel) or pan (drag) steps; each waits for the page's draw, then forces raster. */
const REDRAW = String.raw`async ({ kind, steps }) => {
  const host = document.querySelector('.lineage-graph');
  const r = host.getBoundingClientRect();
  const cx = r.left + r.width / 2;
  const cy = r.top + r.height / 2;
  const canvas = host.querySelector('canvas');
  const draw = [];
  const frame = [];
  const nextFrame = () => new Promise((resolve) => requestAnimationFrame(() => resolve()));
  if (kind === 'pan') host.dispatchEvent(new MouseEvent('mousedown', { clientX: cx, clientY: cy, button: 0, bubbles: true, view: window }));
  for (let i = 0; i < steps; i++) {
    const before = performance.getEntriesByName('lineage-draw').length;
    const t0 = performance.now();
    if (kind === 'zoom') {
      // In and out around the starting zoom, so the whole run stays near the worst case.
      host.dispatchEvent(new WheelEvent('wheel', { clientX: cx, clientY: cy, deltaY: i % 2 ? 120 : -120, bubbles: true, cancelable: true }));
    } else {
      const dx = (i % 2 ? -1 : 1) * 40;
      window.dispatchEvent(new MouseEvent('mousemove', { clientX: cx + dx, clientY: cy + (i % 3) * 10, button: 0, bubbles: true, view: window }));
    }
    await nextFrame();
    const t1 = performance.now();
    if (canvas) canvas.getContext('2d').getImageData(0, 0, 1, 1);
    else await nextFrame();
    const t2 = performance.now();
    const entries = performance.getEntriesByName('lineage-draw');
    if (entries.length > before) {
      draw.push(entries[entries.length - 1].duration + (canvas ? t2 - t1 : 0));
      frame.push(t2 - t0);
    }
  }
  if (kind === 'pan') window.dispatchEvent(new MouseEvent('mouseup', { clientX: cx, clientY: cy, button: 0, bubbles: true, view: window }));
  return { draw, frame };
}`;

async function lineagePage(browser: Browser, server: LineagePageServer): Promise<Page> {
  const page = await browser.newPage({ viewport: VIEWPORT });
  page.on('pageerror', (e) => console.error(`[page] ${e.message}`));
  await installFakeHost(page, {});
  await page.goto(server.url());
  await page.waitForFunction(() => ((window as unknown as { __sent?: { type: string }[] }).__sent ?? []).some((m) => m.type === 'ready'));
  return page;
}

async function measureOurs(
  browser: Browser,
  server: LineagePageServer,
  n: number,
): Promise<{ first: FirstRender[]; zoom: Redraw; pan: Redraw; edges: number }> {
  const graph = layeredDag(n, 1);
  const msg = { type: 'lineageGraph', graph, rootId: 'n0', options: { foldThreshold: 0, initialView: 'fit' } };
  const json = JSON.stringify(msg);
  const first: FirstRender[] = [];
  let zoom: Redraw = { draw: [], frame: [] };
  let pan: Redraw = { draw: [], frame: [] };
  for (let run = 0; run < RUNS; run++) {
    const page = await lineagePage(browser, server);
    first.push((await page.evaluate(`(${FIRST_RENDER})(${json})`)) as FirstRender);
    if (run === RUNS - 1) {
      zoom = (await page.evaluate(`(${REDRAW})(${JSON.stringify({ kind: 'zoom', steps: STEPS })})`)) as Redraw;
      pan = (await page.evaluate(`(${REDRAW})(${JSON.stringify({ kind: 'pan', steps: STEPS })})`)) as Redraw;
    }
    await page.close();
  }
  return { first, zoom, pan, edges: graph.edges.length };
}

async function baselineScript(): Promise<string> {
  const out = await esbuild.build({
    entryPoints: [path.join(__dirname, 'lineageBaseline.ts')],
    bundle: true,
    write: false,
    format: 'iife',
    platform: 'browser',
    target: 'es2022',
    minify: true,
    logLevel: 'warning',
  });
  return out.outputFiles[0].text;
}

async function measureBaseline(browser: Browser, script: string, n: number): Promise<{ first: number[]; redraw: number[] }> {
  const parents = treeParents(n, 1);
  const first: number[] = [];
  let redraw: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    const page = await browser.newPage({ viewport: VIEWPORT });
    await page.setContent(`<canvas width="${VIEWPORT.width - 340}" height="${VIEWPORT.height - 60}"></canvas>`);
    await page.addScriptTag({ content: script });
    const r = (await page.evaluate(
      `(async (parents, steps) => {
        const b = window.__baseline;
        const canvas = document.querySelector('canvas');
        const layout = b.treeLayout(parents);
        const draw = b.drawAll(canvas, 1);
        const redraw = [];
        for (let i = 0; i < steps; i++) redraw.push(b.drawAll(canvas, i % 2 ? 1 : 1.25));
        return { first: layout + draw, redraw };
      })(${JSON.stringify(parents)}, ${STEPS})`,
    )) as { first: number; redraw: number[] };
    first.push(r.first);
    if (run === RUNS - 1) redraw = r.redraw;
    await page.close();
  }
  return { first, redraw };
}

const ms = (v: number): string => (Number.isFinite(v) ? `${v < 10 ? v.toFixed(1) : Math.round(v)} ms` : '—');
const ratio = (a: number, b: number): string => (Number.isFinite(a) && b > 0 ? `${(a / b).toFixed(2)}×` : '—');

function table(rows: string[][]): string {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  return rows.map((r) => r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join('  ')).join('\n');
}

export async function runLineageBench(): Promise<number> {
  // The webview bundle as shipped (esbuild.js --production settings), built into a temp folder.
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tracelens-bench-'));
  const bundle = path.join(dir, 'webview.js');
  await esbuild.build({
    entryPoints: [path.join(repoRoot, 'webview', 'main.ts')],
    outfile: bundle,
    bundle: true,
    minify: true,
    format: 'iife',
    platform: 'browser',
    target: 'es2022',
    logLevel: 'warning',
  });
  const server = await startLineagePageServer({ bundle });
  const browser = await launchBrowser();
  const script = await baselineScript();
  const rows: string[][] = [
    [
      'nodes',
      'edges',
      'renderer',
      'layout',
      'first render',
      'baseline',
      'ratio',
      'zoom redraw',
      'zoom frame',
      'pan redraw',
      'pan frame',
      'baseline redraw',
      'ratio',
    ],
  ];
  const bars: string[] = [];
  try {
    const version = browser.version();
    console.log(
      `lineage bench: headless Chromium ${version} (${chromiumPath}), viewport ${VIEWPORT.width}×${VIEWPORT.height}, ${RUNS} runs per size (median), ${STEPS} zoom and ${STEPS} pan steps`,
    );
    console.log(
      'baseline: d3.tree layout of a tree with the same node count + every node and link drawn on a canvas (no culling, no level of detail)\n',
    );
    for (const n of SIZES) {
      const ours = await measureOurs(browser, server, n);
      const base = await measureBaseline(browser, script, n);
      const first = median(ours.first.map((f) => f.total));
      const zoomDraw = median(ours.zoom.draw);
      const panDraw = median(ours.pan.draw);
      const baseRedraw = median(base.redraw);
      rows.push([
        n.toLocaleString('en-US'),
        ours.edges.toLocaleString('en-US'),
        ours.first[0].renderer,
        ms(median(ours.first.map((f) => f.layout))),
        ms(first),
        ms(median(base.first)),
        ratio(first, median(base.first)),
        ms(zoomDraw),
        ms(median(ours.zoom.frame)),
        ms(panDraw),
        ms(median(ours.pan.frame)),
        ms(baseRedraw),
        ratio(Math.max(zoomDraw, panDraw), baseRedraw),
      ]);
      if (n === 2000) bars.push(`2,000 nodes first render ${ms(first)} (bar ≤ 1 s): ${first <= 1000 ? 'PASS' : 'FAIL'}`);
      if (n === 20000) {
        bars.push(`20,000 nodes first render ${ms(first)} (bar ≤ 2 s): ${first <= 2000 ? 'PASS' : 'FAIL'}`);
        const worst = Math.max(median(ours.zoom.frame), median(ours.pan.frame));
        bars.push(
          `20,000 nodes zoom/pan median frame ${ms(worst)}, redraw ${ms(Math.max(zoomDraw, panDraw))} (bar ≤ 50 ms): ${worst <= 50 ? 'PASS' : 'FAIL'}`,
        );
      }
    }
  } finally {
    await browser.close();
    await server.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
  console.log(table(rows));
  console.log(`\n${bars.join('\n')}`);
  return bars.some((b) => b.endsWith('FAIL')) ? 1 : 0;
}
