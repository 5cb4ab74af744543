// Workbench moves the e2e tests share: tree rows, expanding, the side bar's width, the palette.

import type { Locator, Page } from 'playwright-core';

export function treeRow(page: Page, text: RegExp | string): Locator {
  return page.locator('.part.sidebar .monaco-list-row', { hasText: text }).first();
}

/** Expand with the twistie: clicking a span's label opens its detail instead. */
export async function expand(page: Page, row: Locator): Promise<void> {
  if ((await row.getAttribute('aria-expanded')) !== 'true') await row.locator('.monaco-tl-twistie').click();
  await page.waitForFunction((el) => el?.getAttribute('aria-expanded') === 'true', await row.elementHandle());
}

/** The row just below `row` in the tree (its first child once expanded). */
export async function nextRow(page: Page, row: Locator): Promise<Locator> {
  const index = Number(await row.getAttribute('data-index'));
  return page.locator(`.part.sidebar .monaco-list-row[data-index="${index + 1}"]`);
}

/** Give the side bar room so tree descriptions (latency, model, tokens, signals) show. */
export async function widenSideBar(page: Page): Promise<void> {
  const sidebar = await page.locator('.part.sidebar').boundingBox();
  if (!sidebar) return;
  const x = sidebar.x + sidebar.width;
  const y = sidebar.y + sidebar.height / 2;
  await page.mouse.move(x - 1, y);
  await page.mouse.down();
  await page.mouse.move(x + 380, y, { steps: 8 });
  await page.mouse.up();
}

/** Run a command by its title from the command palette. */
export async function runCommand(page: Page, title: string): Promise<void> {
  await page.keyboard.press('Control+Shift+P');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible' });
  await input.fill(`>${title}`);
  await page.locator('.quick-input-list .monaco-list-row', { hasText: title }).first().waitFor();
  await page.keyboard.press('Enter');
}

/**
 * Open a QuickPick with `open` and wait for `ready` in it. A QuickPick closes when focus leaves
 * it, and the workbench can still move focus just after it opens (an editor or panel settling:
 * seen in CI as a QuickPick whose title or rows were drawn, then hidden): it is opened again, up
 * to three times, when `ready` is not visible within 20 s.
 */
export async function withQuickPick(page: Page, what: string, open: () => Promise<void>, ready: Locator): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    await open();
    try {
      await ready.waitFor({ state: 'visible', timeout: 20_000 });
      return;
    } catch (err) {
      if (attempt === 3) throw err;
      console.log(`    (${what} did not stay open; opening it again, attempt ${attempt + 1})`);
      await page.keyboard.press('Escape');
    }
  }
}

/** Run a command that opens a QuickPick titled `title`, and wait for it (withQuickPick). */
export async function openQuickPick(page: Page, command: string, title: string): Promise<void> {
  const shown = page.locator('.quick-input-widget .quick-input-title', { hasText: title });
  await withQuickPick(page, `the ${title} QuickPick`, () => runCommand(page, command), shown);
}

/** Quick Open (Ctrl+P) a workspace file by name; trace files open in the TraceLens editor. */
export async function quickOpen(page: Page, file: string): Promise<void> {
  await page.keyboard.press('Control+P');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible' });
  await input.fill(file);
  await page.locator('.quick-input-list .monaco-list-row', { hasText: file }).first().waitFor();
  await page.keyboard.press('Enter');
}
