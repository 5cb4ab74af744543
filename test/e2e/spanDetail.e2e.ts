// In VS Code: open the demo trace, expand the bad run in the Runs view, click its answering LLM call
// and read the span detail panel beside the editor — header, the messages by role, the tool call with
// its result, the "60 days" answer — then ask for the lineage from the panel, and come back from the
// lineage graph's detail pane with "Open Span Detail". Screenshot:
// test-results/e2e/span-detail.png.

import * as assert from 'node:assert/strict';
import { e2eTest } from './harness';
import { expand, nextRow, quickOpen, treeRow } from './workbench';

const BAD_RUN = /My jacket from order A-4120/;

e2eTest('span detail: click the bad answer’s LLM call in the Runs view and read its detail panel', async (ctx) => {
  const { page } = ctx;
  await ctx.openWorkbench();
  await page.locator('.activitybar [aria-label^="TraceLens"]').first().waitFor();
  await quickOpen(page, 'support-agent.otlp.jsonl');
  await page
    .frameLocator('iframe.webview')
    .first()
    .frameLocator('iframe#active-frame')
    .locator('h1', { hasText: 'support-agent.otlp.jsonl' })
    .waitFor();

  await page.locator('.activitybar [aria-label^="TraceLens"]').first().click();
  const bad = treeRow(page, BAD_RUN);
  await bad.waitFor();
  await expand(page, bad);
  const root = await nextRow(page, bad);
  assert.match(await root.innerText(), /support_agent\.answer/);
  await expand(page, root);
  // The run calls the model three times; the last call wrote the answer.
  const calls = page.locator('.part.sidebar .monaco-list-row', { hasText: 'chat support-sim-1' });
  await calls.nth(2).waitFor();
  await calls.nth(2).click();

  const detail = page.frameLocator('iframe.webview').last().frameLocator('iframe#active-frame');
  await detail.locator('h1.sd-title', { hasText: 'chat support-sim-1' }).waitFor();
  await page.locator('.tabs-container .tab', { hasText: 'Span Detail · llm' }).waitFor();
  const header = await detail.locator('.sd-header').innerText();
  for (const text of ['support-sim-1 → support-sim-1-2026-10', 'answer@3', 'src/agent.ts:109', '872 in · 42 out', '60 days'])
    assert.ok(header.includes(text), `the header shows ${text}`);
  assert.deepEqual(await detail.locator('#sd-messages .sd-msg-head .sd-badge').allInnerTexts(), [
    'System',
    'User',
    'Assistant',
    'Tool',
    'Assistant',
  ]);
  assert.match(await detail.locator('#sd-messages .sd-call').first().innerText(), /lookup_order[\s\S]*"status": "delivered"/);
  // Give the panel the whole window for the screenshot.
  await page.keyboard.press('Control+K');
  await page.keyboard.press('Control+M');
  await page.mouse.move(5, 500);
  await ctx.screenshot('span-detail');
  await page.keyboard.press('Control+K');
  await page.keyboard.press('Control+M');

  // From the panel: the lineage of this answer.
  await detail.getByRole('button', { name: 'Show Lineage' }).click();
  const graph = page.frameLocator('iframe.webview').last().frameLocator('iframe#active-frame');
  await graph.locator('.lineage-title', { hasText: 'Why: chat support-sim-1' }).waitFor();
  // And back: the lineage detail pane of a span node offers its span detail.
  await graph.locator('.lineage-detail .detail-title', { hasText: 'chat support-sim-1' }).waitFor();
  await graph.getByRole('button', { name: 'Open Span Detail' }).click();
  await page.locator('.tabs-container .tab.active', { hasText: 'Span Detail · llm' }).waitFor();
});
