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
 * Run a command that opens a QuickPick titled `title`, and wait for it. A QuickPick closes when
 * focus leaves it, and the workbench can still move focus just after the command runs (an
 * editor or view settling after a load: the title was seen set, then hidden, in one CI run):
 * the command is run again, up to three times, when the QuickPick is not up within 20 s.
 */
export async function openQuickPick(page: Page, command: string, title: string): Promise<void> {
  const shown = page.locator('.quick-input-widget .quick-input-title', { hasText: title });
  for (let attempt = 1; ; attempt++) {
    await runCommand(page, command);
    try {
      await shown.waitFor({ state: 'visible', timeout: 20_000 });
      return;
    } catch (err) {
      if (attempt === 3) throw err;
      console.log(`    (the ${title} QuickPick did not stay open; running ${command} again, attempt ${attempt + 1})`);
      await page.keyboard.press('Escape');
    }
  }
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
