// In VS Code: open the demo trace and the ingestion job's OpenLineage events, Show Lineage for
// the bad run from the palette, click the stale document in the graph and read its detail.

import * as assert from 'node:assert/strict';
import { e2eTest } from './harness';
import { runCommand, withQuickPick } from './workbench';

e2eTest('show the lineage of the bad answer and read the stale document’s detail', async (ctx) => {
  const { page } = ctx;
  await ctx.openWorkbench();
  await page.locator('.activitybar [aria-label^="TraceLens"]').first().waitFor();

  const palette = async (text: string): Promise<void> => {
    await page.keyboard.press('Control+P');
    const input = page.locator('.quick-input-widget input');
    await input.waitFor({ state: 'visible' });
    await input.fill(text);
  };
  // Both the traces and the ingestion job's OpenLineage events are loaded, so they join.
  for (const file of ['support-agent.otlp.jsonl', 'policy-ingest.openlineage.jsonl']) {
    await palette(file);
    await page.locator('.quick-input-list .monaco-list-row', { hasText: file }).first().waitFor();
    await page.keyboard.press('Enter');
    await page.frameLocator('iframe.webview').last().frameLocator('iframe#active-frame').locator('h1', { hasText: file }).waitFor();
  }

  const badRun = page.locator('.quick-input-list .monaco-list-row', { hasText: 'My jacket from order A-4120' }).first();
  await withQuickPick(page, 'the Show Lineage run picker', () => runCommand(page, 'TraceLens: Show Lineage'), badRun);
  await badRun.click();

  const graph = page.frameLocator('iframe.webview').last().frameLocator('iframe#active-frame');
  await graph.locator('.lineage-title', { hasText: /Gifts can be returned/ }).waitFor();
  // Give the graph the whole window and fit it, so every cause is on screen.
  await page.keyboard.press('Control+K');
  await page.keyboard.press('Control+M');
  await graph.locator('button', { hasText: /^Fit$/ }).first().click();
  await graph.locator('.lineage-graph svg g.node', { hasText: 'refund-policy-2023' }).first().click();
  await graph.locator('.lineage-detail .detail-title', { hasText: 'refund-policy-2023' }).waitFor();
  assert.match(await graph.locator('.lineage-detail').innerText(), /stale|60 days/i);
  await page.mouse.move(5, 500);
  await ctx.screenshot('lineage-bad-answer-in-vscode');
  // The document names where it came from: the ingested bucket the job read.
  assert.match(await graph.locator('.lineage-detail').innerText(), /s3:\/\/acme-policies\/policy-docs\/refund-policy-2023\.md/);
});
