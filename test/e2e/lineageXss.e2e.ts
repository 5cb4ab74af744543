// Checklist W-01/W-03/W-06/W-11 on the lineage page: the real bundle in Chromium, fed by a fake
// host a graph whose labels, facts and detail are an XSS payload corpus. No script may run, no
// request may leave, the text must show literally. Run with the real CSP and without it (so the
// page's own text-only rendering is what is tested, not just the CSP), with the SVG renderer and
// with the canvas one. Uses the e2e runner's browser; the code-server is not needed here.

import * as assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import type { LineageGraph } from '../../src/core/model/lineage';
import { saveScreenshot } from '../support/browser';
import { layeredDag, XSS_PAYLOADS, xssGraph } from '../support/lineageGraphs';
import { hostPost, installFakeHost, PAGE_ASSETS, sentMessages, startLineagePageServer, waitForFirstDraw } from '../support/lineagePage';
import { e2eTest } from './harness';

function canvasGraph(): LineageGraph {
  const evil = xssGraph();
  const filler = layeredDag(1600, 4);
  return {
    nodes: [...evil.nodes, ...filler.nodes],
    edges: [...evil.edges, ...filler.edges, { from: 'n0', to: 'output:evil', type: 'input_to' }],
  };
}

/** Elements and attributes that would mean trace text became markup. */
async function markupFound(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const found: string[] = [];
    const scripts = document.querySelectorAll('script');
    if (scripts.length !== 1) found.push(`${scripts.length} script elements`);
    for (const sel of [
      'img',
      'iframe',
      'video',
      'audio',
      'source',
      'object',
      'embed',
      'a',
      'style',
      'foreignObject',
      'math',
      'details',
      'form',
      'input',
      'textarea',
      'base',
      'meta[http-equiv="refresh"]',
    ]) {
      const n = document.querySelectorAll(sel).length;
      if (n) found.push(`${n} <${sel}>`);
    }
    for (const elem of Array.from(document.querySelectorAll('*'))) {
      for (const a of Array.from(elem.attributes)) {
        if (/^on/i.test(a.name)) found.push(`${elem.tagName} ${a.name}`);
        if (/^\s*javascript:/i.test(a.value)) found.push(`${elem.tagName} ${a.name}=javascript:`);
      }
    }
    const links = Array.from(document.querySelectorAll('link')).filter((l) => l.rel !== 'stylesheet');
    if (links.length) found.push(`${links.length} non-stylesheet <link>`);
    return found;
  });
}

async function runVariant(first: Page, resultsDir: string, name: string, o: { csp: boolean; canvas: boolean }): Promise<void> {
  const server = await startLineagePageServer();
  const page = await first.context().newPage();
  const requested: string[] = [];
  page.on('request', (r) => requested.push(r.url()));
  const pageErrors: string[] = [];
  page.on('pageerror', (e) => pageErrors.push(e.message));
  try {
    const graph = o.canvas ? canvasGraph() : xssGraph();
    await installFakeHost(page, {
      graphMessage: {
        type: 'lineageGraph',
        graph,
        rootId: 'output:evil',
        problemNodeIds: ['output:evil', 'span:evil:0'],
        frontier: { upstream: ['span:evil:3'] },
        options: o.canvas ? { foldThreshold: 0 } : undefined,
      },
      autoReply: true,
      detailText: XSS_PAYLOADS.join('\n'),
    });
    await page.goto(server.url({ csp: o.csp }));
    await waitForFirstDraw(page);
    const kind = await page.locator('.lineage-counts').innerText();
    assert.match(kind, o.canvas ? /canvas/ : /SVG/);

    // Select every payload node (the host's "select"), so each one's detail is rendered.
    for (const n of graph.nodes.filter((x) => x.id.includes('evil') || x.id === 'span:huge')) {
      await hostPost(page, { type: 'lineageSelect', nodeId: n.id });
    }
    await hostPost(page, { type: 'lineageSelect', nodeId: 'span:evil:1', focus: true });
    await page.locator('.lineage-detail h3', { hasText: 'window.__pwned' }).first().waitFor();
    // Keyboard and mouse through the graph; zoom in so the canvas draws text too.
    await page.locator('.lineage-graph').focus();
    for (const key of ['ArrowLeft', 'ArrowDown', 'ArrowDown', ' ', 'ArrowRight', 'Enter', '+', '+', 'f', 'u', 'u', 'Escape'])
      await page.keyboard.press(key);
    const box = (await page.locator('.lineage-graph').boundingBox())!;
    await page.mouse.dblclick(box.x + box.width / 2, box.y + box.height / 2);
    await page.mouse.move(box.x + 100, box.y + 100);
    await page.getByRole('button', { name: 'Export the graph as an SVG file' }).click();
    await page.locator('.lineage-status', { hasText: 'Saved lineage.svg.' }).waitFor();
    await hostPost(page, { type: 'lineageSelect', nodeId: 'span:evil:1' });
    await page.locator('.lineage-detail h3', { hasText: 'window.__pwned' }).first().waitFor();
    await page.waitForTimeout(500); // any delayed handler (onerror, onload) would have fired by now

    const w = await page.evaluate(() => {
      const win = window as unknown as Record<string, unknown>;
      return { pwned: win.__pwned, vscode: win.vscode, violations: win.__cspViolations as string[], svg: String(win.__lastSvg ?? '') };
    });
    assert.equal(w.pwned, undefined, `a payload ran (${name})`);
    assert.equal(w.vscode, undefined, 'the VS Code API object is not a global');
    assert.deepEqual(await markupFound(page), [], 'no markup from the trace in the DOM');
    assert.deepEqual(pageErrors, [], 'no page errors');
    if (o.csp) assert.deepEqual(w.violations, [], 'nothing tried to break the CSP');
    const unexpected = requested.filter((u) => !u.startsWith(server.origin) || !PAGE_ASSETS.includes(new URL(u).pathname));
    assert.deepEqual(unexpected, [], 'no request beyond the page and its bundle');
    assert.ok(
      server.requests.every((p) => PAGE_ASSETS.includes(p)),
      server.requests.join(' '),
    );

    // The text is there, literally: in the detail pane and (for SVG) in the graph.
    const pane = await page.locator('.lineage-detail').innerText();
    for (const p of [
      '<script>window.__pwned = "script"</script>',
      '<img src=x onerror="window.__pwned=\'img\'">',
      '</style><script>window.__pwned="style"</script>',
    ]) {
      assert.ok(pane.includes(p), `detail shows ${p} as text`);
    }
    assert.ok(pane.includes('user⟨U+202E⟩gnp.exe'), 'the bidi override is shown, not applied');
    assert.ok(!pane.includes('\u202e'), 'no raw bidi override in the pane');
    if (!o.canvas) {
      const labels = await page.locator('.lineage-graph svg text').allTextContents();
      assert.ok(
        labels.some((t) => t.startsWith('<img src=x onerror')),
        'SVG labels are text',
      );
    }
    // The exported SVG holds only the exporter's own elements.
    const tags = new Set([...w.svg.matchAll(/<\/?([a-zA-Z]+)/g)].map((m) => m[1]));
    assert.deepEqual([...tags].sort(), ['g', 'path', 'rect', 'svg', 'text', 'title']);
    const sent = await sentMessages(page);
    assert.ok(sent.some((m) => m.type === 'lineageExportSvg'));
    assert.ok(
      sent.every((m) =>
        typeof m.type === 'string' && m.type.startsWith('lineage')
          ? typeof m.nodeId === 'string' || m.type === 'lineageExportSvg'
          : m.type === 'ready',
      ),
      'the page sends only lineage messages with ids',
    );
    await saveScreenshot(page, resultsDir, `lineage-xss-${name}`);
  } finally {
    await page.close();
    await server.close();
  }
}

e2eTest('lineage page: XSS payload corpus renders as text, no script, no request (W-01, W-03, W-06, W-11)', async (ctx) => {
  await runVariant(ctx.page, ctx.resultsDir, 'svg-csp', { csp: true, canvas: false });
  await runVariant(ctx.page, ctx.resultsDir, 'svg-no-csp', { csp: false, canvas: false });
  await runVariant(ctx.page, ctx.resultsDir, 'canvas-csp', { csp: true, canvas: true });
  await runVariant(ctx.page, ctx.resultsDir, 'canvas-no-csp', { csp: false, canvas: true });
});
