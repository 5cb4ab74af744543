// The TraceLens activity-bar entry is there once the extension loads, and clicking it shows the
// TraceLens side bar with its Runs view.
import { e2eTest } from './harness';

e2eTest('the TraceLens activity-bar entry opens the Runs view', async (ctx) => {
  const { page } = ctx;
  await ctx.openWorkbench();

  const entry = page.locator('.activitybar [aria-label^="TraceLens"]').first();
  await entry.waitFor({ state: 'visible' });
  await entry.click();
  // Move off the entry at once, or its hover tooltip shows up in the screenshot.
  await page.mouse.move(800, 500);

  // The side bar title names the container; the Runs view shows either as its own pane header or,
  // when it is the container's only view, merged into the title ("TRACELENS: RUNS").
  const sidebar = page.locator('.part.sidebar');
  await sidebar.locator('.composite.title', { hasText: /tracelens/i }).waitFor();
  await sidebar.locator('.pane-header, .composite.title', { hasText: /runs/i }).first().waitFor();
  // Settled: the extension has activated (its tree provider is registered) and nothing is loading.
  await page.waitForFunction(() => {
    const bar = document.querySelector('.part.sidebar');
    return (
      !!bar && !bar.querySelector('.monaco-progress-container.active') && !bar.textContent?.includes('There is no data provider registered')
    );
  });
  await ctx.screenshot('activity-bar-tracelens');
});
