// Runs the integration suite (dist-test/integration/index.js) inside a real VS Code extension
// host with no desktop VS Code: code-server serves the workbench, headless Chromium opens it with
// the `payload` query parameter (extensionDevelopmentPath + extensionTestsPath), and the
// workbench reports the suite's output and exit code through codeAutomationLog/codeAutomationExit.
//
//   tsx scripts/run-integration.ts [--no-build]
// Env: TRACELENS_ITEST_GREP (mocha grep), TRACELENS_ITEST_TIMEOUT_MS (default 300000),
//      CHROMIUM_PATH, HEADED=1.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { format } from 'node:util';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, newPage, trySaveScreenshot } from '../test/support/browser';
import { repoRoot, startCodeServer, type CodeServer } from '../test/support/codeServer';

const resultsDir = path.join(repoRoot, 'test-results', 'integration');
const suiteIndex = path.join(repoRoot, 'dist-test', 'integration', 'index.js');
const workspace = path.join(repoRoot, 'examples', 'support-agent');
const timeoutMs = Number(process.env.TRACELENS_ITEST_TIMEOUT_MS ?? 300_000);
const summaryPattern = /^integration: (\d+) passed, (\d+) failed$/m;

interface AutomationLogFile {
  relativePath: string;
  contents: string;
}

async function main(): Promise<number> {
  if (!process.argv.includes('--no-build')) build();
  for (const [what, file] of [
    ['extension bundle', path.join(repoRoot, 'dist', 'extension.js')],
    ['integration suite', suiteIndex],
    ['workspace folder', workspace],
  ]) {
    if (!fs.existsSync(file)) console.warn(`[integration] warning: ${what} missing: ${file}`);
  }
  fs.rmSync(resultsDir, { recursive: true, force: true });
  fs.mkdirSync(resultsDir, { recursive: true });
  const output = fs.createWriteStream(path.join(resultsDir, 'output.log'));
  const print = (line: string): void => {
    console.log(line);
    output.write(line + '\n');
  };

  let server: CodeServer | undefined;
  let browser: Browser | undefined;
  let page: Page | undefined;
  const started = Date.now();
  let transcript = '';
  let code = 1;
  const stopAll = async (): Promise<void> => {
    await browser?.close().catch(() => undefined);
    await server?.stop();
  };
  onInterrupt(stopAll);
  try {
    server = await startCodeServer({ logDir: resultsDir });
    browser = await launchBrowser();
    page = await newPage(browser, resultsDir);

    let exit!: (result: { code: number; logs: AutomationLogFile[] }) => void;
    const exited = new Promise<{ code: number; logs: AutomationLogFile[] }>((r) => (exit = r));
    await page.exposeFunction('codeAutomationLog', (type: string, args: unknown) => {
      const text = formatLogArgs(args);
      transcript += text + '\n';
      print(type === 'error' || type === 'warn' ? `[${type}] ${text}` : text);
    });
    await page.exposeFunction('codeAutomationExit', (exitCode: number, logs?: AutomationLogFile[]) =>
      exit({ code: exitCode, logs: logs ?? [] }),
    );

    const url = server.workbenchUrl({
      folder: workspace,
      extensionDevelopmentPath: repoRoot,
      extensionTestsPath: suiteIndex,
    });
    print(`[integration] ${url}`);
    await page.goto(url);
    const crashed = new Promise<'crash'>((r) => page?.once('crash', () => r('crash')));
    const result = await Promise.race([exited, crashed, timeout(timeoutMs)]);
    if (result === 'timeout') {
      print(`[integration] no exit from the extension host after ${timeoutMs} ms`);
    } else if (result === 'crash') {
      print('[integration] the browser page crashed');
    } else {
      code = result.code;
      saveAutomationLogs(result.logs);
    }
  } catch (err) {
    print(`[integration] ${(err as Error).stack ?? String(err)}`);
  } finally {
    if (code !== 0) {
      const shot = await trySaveScreenshot(page, resultsDir, 'failure');
      if (shot) print(`[integration] screenshot: ${path.relative(repoRoot, shot)}`);
      print(`[integration] logs: ${path.relative(repoRoot, resultsDir)}/`);
    }
    await stopAll();
  }

  // The suite prints the summary itself; repeat it last (or a failure when it never got that far)
  // so callers can always parse the final line.
  const summary = summaryPattern.exec(transcript);
  const passed = summary ? Number(summary[1]) : 0;
  const failed = summary ? Number(summary[2]) : 0;
  const extra = code !== 0 && failed === 0 ? 1 : 0;
  print(`[integration] exit code ${code} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  print(`integration: ${passed} passed, ${failed + extra} failed`);
  output.end();
  return code;
}

function build(): void {
  for (const script of ['esbuild.js', 'scripts/build-tests.js']) {
    const r = spawnSync(process.execPath, [script], { cwd: repoRoot, stdio: 'inherit' });
    if (r.status !== 0) throw new Error(`node ${script} failed`);
  }
}

// The workbench passes console.log's argument array as is, so mocha's printf-style lines
// ('%d passing (%s)', 3, '40ms') need formatting here.
function formatLogArgs(args: unknown): string {
  const parts = Array.isArray(args) ? args : [args];
  return format(...parts).replace(/\s+$/, '');
}

function saveAutomationLogs(logs: AutomationLogFile[]): void {
  for (const log of logs) {
    const file = path.join(resultsDir, 'workbench-logs', log.relativePath);
    if (!file.startsWith(resultsDir)) continue;
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, log.contents);
  }
}

function timeout(ms: number): Promise<'timeout'> {
  return new Promise((resolve) => setTimeout(() => resolve('timeout'), ms).unref());
}

function onInterrupt(cleanup: () => Promise<void>): void {
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      void cleanup().finally(() => process.exit(130));
    });
  }
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
