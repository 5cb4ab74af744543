// The standard launcher for the integration suite on a machine with internet: @vscode/test-electron
// downloads desktop VS Code and runs the same suite as scripts/run-integration.ts (which CI uses,
// through code-server, because neither VS Code nor Electron can be downloaded there).
//
//   tsx test/integration/runInElectron.ts     (VSCODE_VERSION=stable|insiders|1.100.3 optional)
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { runTests } from '@vscode/test-electron';

const repoRoot = path.resolve(__dirname, '..', '..');

async function main(): Promise<void> {
  for (const script of ['esbuild.js', 'scripts/build-tests.js']) {
    const r = spawnSync(process.execPath, [script], { cwd: repoRoot, stdio: 'inherit' });
    if (r.status !== 0) throw new Error(`node ${script} failed`);
  }
  await runTests({
    version: process.env.VSCODE_VERSION,
    extensionDevelopmentPath: repoRoot,
    extensionTestsPath: path.join(repoRoot, 'dist-test', 'integration', 'index'),
    launchArgs: [
      path.join(repoRoot, 'examples', 'support-agent'),
      // Only the extension under test: a developer's installed extensions must not interfere.
      '--disable-extensions',
      '--disable-workspace-trust',
    ],
  });
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
