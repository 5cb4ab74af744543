// The lineage page against a fake host messenger, in Chromium with the real bundle and CSP: the
// demo's bad answer (built by the real lineage code from examples/support-agent), clicking and
// keyboard navigation, collapse/expand, open requests, SVG export, theme switches (dark, light,
// high contrast), restoring UI state; then a large graph on canvas and a folded sibling group.

import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import type { Page } from 'playwright-core';
import { lineageReport } from '../../src/cli/lineage';
import type { LineageGraph } from '../../src/core/model/lineage';
import type { LineageHostMessage } from '../../src/protocol/lineageMessages';
import { saveScreenshot } from '../support/browser';
import { layeredDag } from '../support/lineageGraphs';
import { installFakeHost, sentMessages, startLineagePageServer, waitForFirstDraw, type LineagePageServer } from '../support/lineagePage';
import { e2eTest } from './harness';

const BAD_TRACE = 'ea4cf58cdc690151626426a080751f02';
const pageErrors: string[] = [];

async function demoMessage(workspace: string): Promise<Extract<LineageHostMessage, { type: 'lineageGraph' }>> {
  const traces = path.join(workspace, 'traces');
  const { report } = await lineageReport(
    [path.join(traces, 'support-agent.otlp.jsonl'), path.join(traces, 'policy-ingest.openlineage.jsonl')],
    BAD_TRACE,
    { workspace },
  );
  assert.ok(report, 'the demo has the bad run');
  return {
    type: 'lineageGraph',
    graph: { nodes: report.nodes, edges: report.edges },
    rootId: report.root,
    problemNodeIds: [...new Set(report.problems.flatMap((p) => p.path))],
    truncated: report.truncated,
  };
}

async function openPage(
  first: Page,
  server: LineagePageServer,
  msg: Extract<LineageHostMessage, { type: 'lineageGraph' }>,
  state?: unknown,
): Promise<Page> {
  const page = await first.context().newPage();
  page.on('pageerror', (e) => pageErrors.push(e.stack ?? e.message));
  await installFakeHost(page, { graphMessage: msg, autoReply: true, state });
  await page.goto(server.url());
  await waitForFirstDraw(page);
  return page;
}

const lastOf = async (page: Page, type: string): Promise<Record<string, unknown> | undefined> =>
  (await sentMessages(page)).filter((m) => m.type === type).pop();

const nodeBox = (page: Page, text: string) => page.locator('.lineage-graph svg g.node', { hasText: text }).first();

e2eTest('lineage page: the demo bad answer — click, keys, collapse, open, export, themes, restore', async (ctx) => {
  const msg = await demoMessage(ctx.workspace);
  const server = await startLineagePageServer();
  try {
    const page = await openPage(ctx.page, server, msg);
    assert.match(
      await page.locator('.lineage-counts').innerText(),
      new RegExp(`^${msg.graph.nodes.length} nodes · ${msg.graph.edges.length} edges · SVG`),
    );
    assert.match(await page.locator('.lineage-title').innerText(), /^Why: Gifts can be returned/);
    // The output is selected first; the stale document and the negative feedback are on highlighted paths.
    await page.locator('.lineage-detail .detail-title', { hasText: 'Detail of output:' }).waitFor();
    const redPaths = await page.locator('.lineage-graph svg path[stroke-width="2.5"]').count();
    assert.ok(redPaths >= 4, `${redPaths} edges highlighted on the paths to problems`);
    await saveScreenshot(page, ctx.resultsDir, 'lineage-demo-dark');
    // Too wide to read whole at this size: it opened on the output; Fit (0) shows everything.
    await page.locator('.lineage-graph').focus();
    await page.keyboard.press('0');
    await page.mouse.move(5, 5);
    await saveScreenshot(page, ctx.resultsDir, 'lineage-demo-fit');

    // Click the stale document: its detail, a select and a detail request by id.
    await nodeBox(page, 'refund-policy-2023').click();
    await page.locator('.lineage-detail .detail-title', { hasText: 'Detail of document:' }).waitFor();
    assert.equal(
      await page.locator('.lineage-graph svg path[stroke-width="2.5"]').count(),
      redPaths,
      'the output’s problem paths stay lit',
    );
    const select = await lastOf(page, 'lineageSelect');
    assert.match(String(select?.nodeId), /^document:ea4cf58c.*:0$/);
    assert.equal((await lastOf(page, 'lineageNodeDetail'))?.nodeId, select?.nodeId);
    await saveScreenshot(page, ctx.resultsDir, 'lineage-demo-document-selected');

    // Keyboard: → from the document reaches its retriever span; Enter asks the host to open it.
    await page.locator('.lineage-graph').focus();
    await page.keyboard.press('ArrowRight');
    await page.locator('.visually-hidden[aria-live]', { hasText: 'retrieve policies' }).waitFor();
    await page.keyboard.press('Enter');
    assert.match(String((await lastOf(page, 'lineageOpen'))?.nodeId), /^span:ea4cf58c/);
    // u collapses its upstream (the three documents and what only feeds them), u again restores.
    const before = await page.locator('.lineage-counts').innerText();
    await page.keyboard.press('u');
    await page.locator('.lineage-status', { hasText: /hidden/ }).waitFor();
    const collapsed = await page.locator('.lineage-counts').innerText();
    assert.notEqual(collapsed, before);
    assert.ok(await page.locator('.lineage-graph svg text', { hasText: /^\+\d+$/ }).count(), 'a +N badge marks the hidden causes');
    assert.deepEqual(await lastOf(page, 'lineageCollapse'), {
      type: 'lineageCollapse',
      nodeId: (await lastOf(page, 'lineageOpen'))?.nodeId,
      direction: 'upstream',
    });
    await saveScreenshot(page, ctx.resultsDir, 'lineage-demo-collapsed');
    await page.keyboard.press('u');
    await page.waitForFunction((text) => document.querySelector('.lineage-counts')?.textContent === text, before);

    // Double-click the template: an open request for the template node.
    await nodeBox(page, 'answer@3').dblclick();
    assert.equal((await lastOf(page, 'lineageOpen'))?.nodeId, 'template:answer@3');

    // Export SVG: the page hands the host a standalone SVG of the whole graph.
    await page.getByRole('button', { name: 'Export the graph as an SVG file' }).click();
    await page.locator('.lineage-status', { hasText: 'Saved lineage.svg.' }).waitFor();
    const svg = await page.evaluate(() => String((window as unknown as { __lastSvg: string }).__lastSvg));
    assert.ok(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"') && svg.includes('refund-policy-2023') && svg.includes('#1f1f1f'));

    // Themes: VS Code swaps the body class; the graph is re-rendered with the new colours.
    for (const [theme, bg] of [
      ['vscode-light', '#ffffff'],
      ['vscode-high-contrast', '#000000'],
    ] as const) {
      await page.evaluate((t) => (document.body.className = t), theme);
      await page.waitForFunction((b) => document.querySelector('.lineage-graph svg > rect')?.getAttribute('fill') === b, bg);
      await page.mouse.move(5, 5);
      await saveScreenshot(page, ctx.resultsDir, `lineage-demo-${theme.replace('vscode-', '')}`);
    }

    // Restore: a fresh page given the saved state shows the same selection and view.
    const state = await page.evaluate(() => (window as unknown as { __state: unknown }).__state);
    await page.close();
    const again = await openPage(ctx.page, server, msg, state);
    await again.locator('.lineage-detail .detail-title', { hasText: 'Detail of template:answer@3' }).waitFor();
    const restored = await again.evaluate(() => (window as unknown as { __state?: { transform?: unknown } }).__state);
    assert.ok(restored === undefined || typeof restored === 'object');
    await again.close();
    assert.deepEqual(pageErrors, []);
  } finally {
    await server.close();
  }
});

e2eTest('lineage page: 2,000 nodes on canvas, level of detail, folded siblings', async (ctx) => {
  const server = await startLineagePageServer();
  try {
    const big = layeredDag(2000, 3);
    const page = await openPage(ctx.page, server, { type: 'lineageGraph', graph: big, rootId: 'n0', options: { foldThreshold: 0 } });
    assert.match(await page.locator('.lineage-counts').innerText(), /2,000 nodes .* canvas/);
    await saveScreenshot(page, ctx.resultsDir, 'lineage-2000-initial');
    // Fit: all 2,000 at once, drawn as coloured boxes (level of detail 0).
    await page.locator('.lineage-graph').focus();
    await page.keyboard.press('0');
    await page.mouse.move(5, 5);
    await saveScreenshot(page, ctx.resultsDir, 'lineage-2000-fit');
    // Focus a cause of the output (f): labels are drawn; a click selects what is under the pointer.
    await page.keyboard.press('Home');
    await page.keyboard.press('ArrowLeft');
    await page.keyboard.press('f');
    const box = (await page.locator('.lineage-graph').boundingBox())!;
    await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
    await page.locator('.lineage-detail .detail-title', { hasText: 'Detail of n' }).waitFor();
    await saveScreenshot(page, ctx.resultsDir, 'lineage-2000-focus');
    await page.close();

    // Forty tool calls under one agent step fold into "37 more tool calls"; opening it unfolds.
    const fan: LineageGraph = {
      nodes: [
        { id: 'out', type: 'output', label: 'answer' },
        { id: 'agent', type: 'span', label: 'agent', facts: { kind: 'agent' } },
      ],
      edges: [{ from: 'agent', to: 'out', type: 'produced' }],
    };
    for (let i = 0; i < 40; i++) {
      fan.nodes.push({ id: `tool${i}`, type: 'span', label: `execute_tool lookup_${i}`, facts: { kind: 'tool' } });
      fan.edges.push({ from: `tool${i}`, to: 'agent', type: 'input_to' });
    }
    const folded = await openPage(ctx.page, server, { type: 'lineageGraph', graph: fan, rootId: 'out' });
    assert.match(await folded.locator('.lineage-counts').innerText(), /^6 nodes/);
    await nodeBox(folded, '37 more tool calls').waitFor();
    await saveScreenshot(folded, ctx.resultsDir, 'lineage-folded-siblings');
    await nodeBox(folded, '37 more tool calls').dblclick();
    await folded.waitForFunction(() => /^42 nodes/.test(document.querySelector('.lineage-counts')?.textContent ?? ''));
    assert.equal(
      (await sentMessages(folded)).filter((m) => String(m.nodeId ?? '').startsWith('fold:')).length,
      0,
      'page-side groups never reach the host',
    );
    await folded.close();
    assert.deepEqual(pageErrors, []);
  } finally {
    await server.close();
  }
});
