// Searching the demo trace from the command palette: a run-level query finds the bad run (its 👎
// and its answer template are on different spans), a span query lists LLM calls with snippets,
// and Enter takes the user to the span in the Runs tree.

import * as assert from 'node:assert/strict';
import { e2eTest } from './harness';
import { openQuickPick, quickOpen, treeRow, widenSideBar } from './workbench';

const BAD_RUN = /My jacket from order A-4120/;

e2eTest('search: the demo trace from the palette — runs, then spans, Enter reveals', async (ctx) => {
  const { page } = ctx;
  await ctx.openWorkbench();

  // Open the demo trace (it loads into the Runs view) and show the view beside the search.
  await page.locator('.activitybar [aria-label^="TraceLens"]').first().waitFor();
  await quickOpen(page, 'support-agent.otlp.jsonl');
  const frame = page.frameLocator('iframe.webview').frameLocator('iframe#active-frame');
  await frame.locator('h1', { hasText: 'support-agent.otlp.jsonl' }).waitFor();
  await page.locator('.activitybar [aria-label^="TraceLens"]').first().click();
  await treeRow(page, 'support-agent.otlp.jsonl').waitFor();
  await widenSideBar(page);

  // Run-level: the 👎 is on the agent span, the template on an LLM call of the same run.
  await openQuickPick(page, 'TraceLens: Search Spans…', 'TraceLens: Search Spans');
  const input = page.locator('.quick-input-widget input');
  await input.pressSequentially('feedback:negative template:answer', { delay: 15 });
  await page.locator('.quick-input-widget .quick-input-title', { hasText: '1 run, 0 spans' }).waitFor();
  const runRow = page.locator('.quick-input-list .monaco-list-row', { hasText: BAD_RUN }).first();
  await runRow.waitFor();
  assert.match((await runRow.innerText()).replace(/\s+/g, ' '), /run · 👎 1 ·.*match: .* spans match · support-agent\.otlp\.jsonl/);
  await page.locator('.quick-input-list .monaco-list-row', { hasText: 'No single span meets every term' }).waitFor();
  await ctx.screenshot('search-quickpick');

  // Span-level: every term on one span; the snippet shows where the word is.
  await input.fill('');
  await input.pressSequentially('kind:llm gift', { delay: 15 });
  await page.locator('.quick-input-widget .quick-input-title', { hasText: /\d+ runs?, [1-9]\d* spans?/ }).waitFor();
  const spanRow = page.locator('.quick-input-list .monaco-list-row', { hasText: /llm · (ok · )?[\d.]+\s?m?s · run: My jacket/ }).first();
  await spanRow.waitFor();
  await page
    .locator('.quick-input-list .monaco-list-row', { hasText: /(input|output): .*gift/i })
    .first()
    .waitFor();
  await page.locator('.quick-input-list .monaco-list-row', { hasText: /\d+ more runs…/ }).waitFor();
  await ctx.screenshot('search-quickpick-spans');

  // Enter on the span: the QuickPick closes and the Runs tree selects the span inside its run.
  await spanRow.click();
  await page.locator('.quick-input-widget').waitFor({ state: 'hidden' });
  const selected = page.locator('.part.sidebar .monaco-list-row.selected');
  await selected.waitFor();
  assert.match(await selected.innerText(), /chat/);
  await page.mouse.move(900, 600);
  await ctx.screenshot('search-revealed');
});

e2eTest('search: filter the Runs view from a template context menu, then a typed query with an error', async (ctx) => {
  const { page } = ctx;
  await ctx.openWorkbench();
  await page.locator('.activitybar [aria-label^="TraceLens"]').first().waitFor();
  await quickOpen(page, 'support-agent.otlp.jsonl');
  await page
    .frameLocator('iframe.webview')
    .frameLocator('iframe#active-frame')
    .locator('h1', { hasText: 'support-agent.otlp.jsonl' })
    .waitFor();
  await page.locator('.activitybar [aria-label^="TraceLens"]').first().click();
  await treeRow(page, 'support-agent.otlp.jsonl').waitFor();
  await widenSideBar(page);

  // The template's editor context menu offers the command (the file is a resolved template).
  await quickOpen(page, 'answer.prompt.md');
  const text = page.locator('.editor-instance .view-lines', { hasText: 'Customer intent' }).first();
  await text.waitFor();
  await text.click({ button: 'right' });
  const item = page.locator('.context-view .action-item', { hasText: 'Find Runs Using This Template' });
  await item.waitFor();
  await item.click();
  // With one view in the container its title bar has no room for the description: the message says it.
  await page
    .locator('.part.sidebar', { hasText: /Only runs matching “template:"answer" OR template:"prompts\/answer\.prompt\.md"” \(7 runs\)/ })
    .waitFor();

  // Filter Runs… (the view's filter icon): a query error is shown at its column as it is typed.
  await page.locator('.part.sidebar .action-label[aria-label^="Filter Runs"]:visible').first().click();
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible' });
  await input.fill('');
  await input.pressSequentially('feedback:negative latency>2x', { delay: 10 });
  const message = page.locator('.quick-input-widget .quick-input-message', { hasText: "Column 28: unknown unit 'x'" });
  await message.waitFor();
  await page.mouse.move(900, 600);
  await ctx.screenshot('search-filter-error');
  await page.keyboard.press('Backspace');
  await input.pressSequentially('s', { delay: 10 });
  await message.waitFor({ state: 'hidden' });
  await page.keyboard.press('Enter');
  await page.locator('.part.sidebar', { hasText: 'Only runs matching “feedback:negative latency>2s” (1 run)' }).waitFor();
  await treeRow(page, BAD_RUN).waitFor();
  assert.equal(await page.locator('.part.sidebar .monaco-list-row[aria-level="2"]').count(), 1);
  await page.mouse.move(900, 600);
  await ctx.screenshot('search-filtered-tree');
});
