// The suite entry VS Code loads as `extensionTestsPath`: runs every compiled *.itest.js next to
// this file with mocha (bdd) inside the extension host, then resolves or rejects so the host
// exits with 0 or 1. Works the same under code-server and @vscode/test-electron.
import * as fs from 'node:fs';
import * as path from 'node:path';
import Mocha from 'mocha';

export function run(): Promise<void> {
  const mocha = new Mocha({
    ui: 'bdd',
    // Output is relayed as plain log lines (browser automation log or test-electron stdout).
    color: false,
    timeout: 60_000,
  });
  if (process.env.TRACELENS_ITEST_GREP) mocha.grep(process.env.TRACELENS_ITEST_GREP);
  for (const file of findTests(__dirname)) mocha.addFile(file);

  return new Promise((resolve, reject) => {
    try {
      const runner = mocha.run((failures) => {
        const passes = runner.stats?.passes ?? 0;
        // Parsed by scripts/run-integration.ts and scripts/test-all.js: keep the format.
        console.log(`integration: ${passes} passed, ${failures} failed`);
        if (failures > 0) reject(new Error(`${failures} integration test(s) failed`));
        else resolve();
      });
    } catch (err) {
      console.log('integration: 0 passed, 1 failed');
      reject(err);
    }
  });
}

function findTests(dir: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) return findTests(p);
      return e.name.endsWith('.itest.js') ? [p] : [];
    })
    .sort();
}
