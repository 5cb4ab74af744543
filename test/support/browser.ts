// Debian's Chromium driven by playwright-core. Never `npx playwright install`: there is no
// internet on CI, and the distro browser is what we have.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';

export const chromiumPath = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

// Flags that keep Chromium from reaching for the network or a GPU in a container.
const chromiumArgs = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];

export async function launchBrowser(): Promise<Browser> {
  if (!fs.existsSync(chromiumPath)) {
    throw new Error(`Chromium not found at ${chromiumPath}: apt-get install -y chromium, or set CHROMIUM_PATH`);
  }
  // Debian's wrapper starts crashpad with its database under $HOME/.config/chromium: keep that
  // in a throwaway HOME, like the rest of the test state.
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'tracelens-chromium-'));
  const browser = await chromium.launch({
    executablePath: chromiumPath,
    headless: process.env.HEADED !== '1',
    args: chromiumArgs,
    env: { ...process.env, HOME: home, XDG_CONFIG_HOME: path.join(home, '.config') },
  });
  browser.once('disconnected', () => fs.rmSync(home, { recursive: true, force: true }));
  return browser;
}

/** A page in a fresh context, with the browser console and page errors logged to a file. */
export async function newPage(browser: Browser, resultsDir: string, consoleLogName = 'browser-console.log'): Promise<Page> {
  fs.mkdirSync(resultsDir, { recursive: true });
  const context = await browser.newContext({ viewport: { width: 1600, height: 1000 } });
  const page = await context.newPage();
  const consoleLog = fs.createWriteStream(path.join(resultsDir, consoleLogName), { flags: 'a' });
  page.on('console', (m) => consoleLog.write(`[${m.type()}] ${m.text()}\n`));
  page.on('pageerror', (e) => consoleLog.write(`[pageerror] ${e.stack ?? e.message}\n`));
  context.once('close', () => consoleLog.end());
  return page;
}

/** Saves a full-viewport screenshot as <resultsDir>/<name>.png and returns its path. */
export async function saveScreenshot(page: Page, resultsDir: string, name: string): Promise<string> {
  fs.mkdirSync(resultsDir, { recursive: true });
  const file = path.join(resultsDir, `${name.replace(/[^\w.-]+/g, '-')}.png`);
  await page.screenshot({ path: file });
  return file;
}

/** Best effort: a failure path must not fail again while saving its evidence. */
export async function trySaveScreenshot(page: Page | undefined, resultsDir: string, name: string): Promise<string | undefined> {
  if (!page || page.isClosed()) return undefined;
  try {
    return await saveScreenshot(page, resultsDir, name);
  } catch {
    return undefined;
  }
}
