// The TraceLens activity-bar entry is there once the extension loads, and clicking it shows the
// TraceLens side bar with its Runs view.
import { e2eTest } from './harness';

e2eTest('the TraceLens activity-bar entry opens the Runs view', async (ctx) => {
  const { page } = ctx;
  await ctx.openWorkbench();

  const entry = page.locator('.activitybar [aria-label^="TraceLens"]').first();
  await entry.waitFor({ state: 'visible' });
  await entry.click();

  // The side bar title names the container; the Runs view shows either as its own pane header or,
  // when it is the container's only view, merged into the title ("TRACELENS: RUNS").
  const sidebar = page.locator('.part.sidebar');
  await sidebar.locator('.composite.title', { hasText: /tracelens/i }).waitFor();
  await sidebar
    .locator('.pane-header, .composite.title', { hasText: /runs/i })
    .first()
    .waitFor();
  await ctx.screenshot('activity-bar-tracelens');
});
