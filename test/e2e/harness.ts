// The tiny e2e test API: `*.e2e.ts` files call e2eTest(); runE2e.ts imports them, then runs the
// registered tests one by one, each in a fresh browser context against one shared code-server.
import type { Page } from 'playwright-core';
import type { CodeServer } from '../support/codeServer';

export interface E2eContext {
  page: Page;
  server: CodeServer;
  /** test-results/e2e */
  resultsDir: string;
  /** Absolute path of examples/support-agent, the folder the workbench opens. */
  workspace: string;
  /** Opens the workbench with the extension loaded from source; resolves once it is drawn. */
  openWorkbench(): Promise<void>;
  /** Saves test-results/e2e/<name>.png and returns its path. */
  screenshot(name: string): Promise<string>;
}

export interface E2eTest {
  name: string;
  timeoutMs: number;
  fn: (ctx: E2eContext) => Promise<void>;
}

export const registeredTests: E2eTest[] = [];

export function e2eTest(name: string, fn: (ctx: E2eContext) => Promise<void>, options: { timeoutMs?: number } = {}): void {
  registeredTests.push({ name, fn, timeoutMs: options.timeoutMs ?? 180_000 });
}
