// Live: start the receiver from the palette, run the demo agent in a VS Code terminal, and watch
// its runs fill the TraceLens tree while it still has turns to send.

import * as assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { e2eTest } from './harness';
import { runCommand, widenSideBar } from './workbench';

/** Rows one level below the live source: its runs (the live source is the only source open). */
const liveRunCount = (page: Page): Promise<number> => page.locator('.part.sidebar .monaco-list-row[aria-level="2"]').count();

e2eTest(
  'start the receiver, run the demo agent in a terminal, see its runs arrive in the tree',
  async (ctx) => {
    const { page } = ctx;
    await ctx.openWorkbench();
    await page.locator('.activitybar [aria-label^="TraceLens"]').first().click();
    await widenSideBar(page);

    await runCommand(page, 'TraceLens: Start Receiver');
    const status = page.locator('.statusbar-item', { hasText: /127\.0\.0\.1:\d+ · \d+ spans/ });
    await status.waitFor();

    // A terminal opened now carries OTEL_EXPORTER_OTLP_ENDPOINT; the agent sends there.
    await runCommand(page, 'Terminal: Create New Terminal');
    const terminal = page.locator('.terminal-wrapper.active .xterm-helper-textarea, .terminal .xterm-helper-textarea').first();
    await terminal.waitFor({ state: 'attached' });
    await terminal.focus();
    // The workspace is examples/support-agent; the demo script lives at the repository root.
    await page.keyboard.type('cd ../.. && DEMO_LIVE_PAUSE_MS=2500 npm run -s demo:live\n');

    // Mid-run: the live source is in the tree with some, not all, of the 7 runs.
    const live = page.locator('.part.sidebar .monaco-list-row', { hasText: /Live · 127\.0\.0\.1/ }).first();
    await live.waitFor({ timeout: 90_000 });
    if ((await live.getAttribute('aria-expanded')) !== 'true') await live.locator('.monaco-tl-twistie').click();
    await page.locator('.part.sidebar .monaco-list-row[aria-level="2"]').first().waitFor({ timeout: 90_000 });
    const midRun = await liveRunCount(page);
    assert.ok(midRun >= 1 && midRun < 7, `runs in the tree mid-run: ${midRun}`);
    await page.mouse.move(900, 600);
    await ctx.screenshot('live-tree-mid-run');

    // All turns in: 7 runs, the bad one with its thumbs-down; the status bar counts the spans.
    await page
      .locator('.part.sidebar .monaco-list-row[aria-level="2"]', { hasText: /My jacket from order A-4120/ })
      .filter({ hasText: '👎' })
      .first()
      .waitFor({ timeout: 120_000 });
    await page.locator('.statusbar-item', { hasText: /· 54 spans/ }).waitFor({ timeout: 60_000 });
    await ctx.screenshot('live-tree-complete');
  },
  { timeoutMs: 300_000 },
);
