// A user's first minute: open the demo decision log, see its summary, find the run with the
// thumbs-down in the TraceLens tree, expand it down to its steps, open the retriever's detail panel.

import * as assert from 'node:assert/strict';
import { e2eTest } from './harness';
import { expand, nextRow, quickOpen, treeRow, widenSideBar } from './workbench';

const BAD_RUN = /My jacket from order A-4120/;

e2eTest('open the demo trace, expand the bad run, read its retriever step', async (ctx) => {
  const { page } = ctx;
  await ctx.openWorkbench();

  // Quick Open the file: *.otlp.jsonl opens in the TraceLens editor by default.
  await page.locator('.activitybar [aria-label^="TraceLens"]').first().waitFor();
  await quickOpen(page, 'support-agent.otlp.jsonl');

  // The summary page, inside the webview's nested iframes.
  const frame = page.frameLocator('iframe.webview').frameLocator('iframe#active-frame');
  await frame.locator('h1', { hasText: 'support-agent.otlp.jsonl' }).waitFor();
  await frame.locator('.stat', { hasText: 'runs' }).locator('.stat-value', { hasText: '7' }).waitFor();
  await frame.locator('td', { hasText: BAD_RUN }).waitFor();

  // The Runs view: the source is there with its runs; the bad run carries its thumbs-down.
  await page.locator('.activitybar [aria-label^="TraceLens"]').first().click();
  await treeRow(page, 'support-agent.otlp.jsonl').waitFor();
  await widenSideBar(page);
  const bad = treeRow(page, BAD_RUN);
  await bad.waitFor();
  assert.match((await bad.innerText()).replace(/\s+/g, ' '), /👎 1/);

  await expand(page, bad);
  const root = await nextRow(page, bad);
  assert.match(await root.innerText(), /support_agent\.answer/);
  await expand(page, root);
  for (const step of ['retrieve policies', 'execute_tool lookup_order', 'guard cites_policy', 'chat support-sim-1']) {
    await treeRow(page, step).waitFor();
  }
  assert.match(await treeRow(page, 'chat support-sim-1').innerText(), /support-sim-1-2026-10/);
  await page.mouse.move(900, 600);
  await ctx.screenshot('demo-bad-run-expanded');

  // Clicking the retriever opens its detail panel beside the summary.
  await treeRow(page, 'retrieve policies').click();
  await page.locator('.tabs-container .tab', { hasText: 'Span Detail · retriever' }).waitFor();
  const detail = page.frameLocator('iframe.webview').last().frameLocator('iframe#active-frame');
  await detail.locator('h2', { hasText: 'Retrieved documents (3)' }).waitFor();
  await detail.locator('.sd-doc-head', { hasText: 'refund-policy-2023' }).first().waitFor();
  await page.mouse.move(900, 600);
  await ctx.screenshot('demo-retriever-detail');
});
