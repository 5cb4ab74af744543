// Runs the e2e tier: Playwright (Debian Chromium) drives code-server with the extension loaded
// from source (the `extensionDevelopmentPath` payload). Every test/e2e/*.e2e.ts registers tests
// with e2eTest(); each runs in a fresh browser context with its own timeout, and a failure keeps
// a screenshot and the browser console under test-results/e2e/.
//
//   tsx test/e2e/runE2e.ts [--no-build] [name substring]
// Env: CHROMIUM_PATH, HEADED=1.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Browser } from 'playwright-core';
import { launchBrowser, newPage, saveScreenshot, trySaveScreenshot } from '../support/browser';
import { repoRoot, startCodeServer, type CodeServer } from '../support/codeServer';
import { registeredTests, type E2eContext } from './harness';

const resultsDir = path.join(repoRoot, 'test-results', 'e2e');
const workspace = path.join(repoRoot, 'examples', 'support-agent');

async function main(): Promise<number> {
  const args = process.argv.slice(2);
  if (!args.includes('--no-build')) build();
  const filter = args.find((a) => !a.startsWith('--'));

  for (const file of fs
    .readdirSync(__dirname)
    .filter((f) => f.endsWith('.e2e.ts'))
    .sort()) {
    await import(path.join(__dirname, file));
  }
  const tests = registeredTests.filter((t) => !filter || t.name.includes(filter));
  fs.rmSync(resultsDir, { recursive: true, force: true });
  fs.mkdirSync(resultsDir, { recursive: true });

  let server: CodeServer | undefined;
  let browser: Browser | undefined;
  const stopAll = async (): Promise<void> => {
    await browser?.close().catch(() => undefined);
    await server?.stop();
  };
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => void stopAll().finally(() => process.exit(130)));
  }

  let passed = 0;
  let failed = 0;
  const started = Date.now();
  try {
    server = await startCodeServer({ logDir: resultsDir });
    browser = await launchBrowser();
    for (const test of tests) {
      const slug = test.name
        .replace(/[^\w]+/g, '-')
        .replace(/^-|-$/g, '')
        .toLowerCase();
      const page = await newPage(browser, resultsDir, `${slug}.console.log`);
      // Generous: the first workbench load also warms code-server's caches.
      page.setDefaultTimeout(60_000);
      const srv = server;
      const ctx: E2eContext = {
        page,
        server: srv,
        resultsDir,
        workspace,
        async openWorkbench() {
          await page.goto(srv.workbenchUrl({ folder: workspace, extensionDevelopmentPath: repoRoot }));
          await page.locator('.monaco-workbench').waitFor({ state: 'visible' });
        },
        screenshot: (name) => saveScreenshot(page, resultsDir, name),
      };
      const t0 = Date.now();
      try {
        await withTimeout(test.fn(ctx), test.timeoutMs, test.name);
        passed++;
        console.log(`  ✓ ${test.name} (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
      } catch (err) {
        failed++;
        console.log(`  ✗ ${test.name} (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
        console.log(indent((err as Error).stack ?? String(err)));
        const shot = await trySaveScreenshot(page, resultsDir, `${slug}-failure`);
        if (shot) console.log(`    screenshot: ${path.relative(repoRoot, shot)}`);
      } finally {
        await page
          .context()
          .close()
          .catch(() => undefined);
      }
    }
  } catch (err) {
    // The harness itself failed (server or browser would not start): count it as a failure.
    failed++;
    console.log(`[e2e] ${(err as Error).stack ?? String(err)}`);
  } finally {
    await stopAll();
  }
  if (failed) console.log(`[e2e] logs and screenshots: ${path.relative(repoRoot, resultsDir)}/`);
  console.log(`[e2e] ${tests.length} test(s) in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  // Parsed by scripts/test-all.js: keep the format.
  console.log(`e2e: ${passed} passed, ${failed} failed`);
  return failed ? 1 : 0;
}

function build(): void {
  const r = spawnSync(process.execPath, ['esbuild.js'], { cwd: repoRoot, stdio: 'inherit' });
  if (r.status !== 0) throw new Error('node esbuild.js failed');
}

function withTimeout<T>(promise: Promise<T>, ms: number, name: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`"${name}" timed out after ${ms} ms`)), ms);
  });
  return Promise.race([promise, expired]).finally(() => clearTimeout(timer));
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((l) => `    ${l}`)
    .join('\n');
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
