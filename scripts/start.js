#!/usr/bin/env node
// `npm start`: builds, then opens examples/support-agent with the extension loaded from source.
// With desktop VS Code (`code` on PATH) that is an Extension Development Host window; without it
// (`--web`, or no `code`), code-server on 127.0.0.1:$PORT (default 8080) and a URL to open.
// Stays in the foreground until Ctrl-C, then kills code-server's whole process group.
'use strict';

const { spawn, spawnSync } = require('node:child_process');
const path = require('node:path');

const repoRoot = path.resolve(__dirname, '..');
const workspace = path.join(repoRoot, 'examples', 'support-agent');

function build() {
  const r = spawnSync(process.execPath, ['esbuild.js'], { cwd: repoRoot, stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

function hasDesktopCode() {
  // Inside a VS Code / code-server terminal `code` is a remote CLI shim, not a desktop VS Code.
  if (process.env.VSCODE_IPC_HOOK_CLI) return false;
  return spawnSync('sh', ['-c', 'command -v code'], { stdio: 'ignore' }).status === 0;
}

function startDesktop() {
  const child = spawn('code', [`--extensionDevelopmentPath=${repoRoot}`, workspace], {
    stdio: 'inherit',
  });
  child.on('exit', (code) => process.exit(code ?? 0));
}

async function startWeb() {
  // Reuse the test harness's launcher (TypeScript) rather than keep a second copy of it here.
  require('tsx/cjs');
  const { startCodeServer } = require('../test/support/codeServer.ts');
  const port = Number(process.env.PORT || 8080);
  const logDir = path.join(repoRoot, 'test-results', 'start');
  const server = await startCodeServer({ logDir, port });

  let stopping = false;
  const shutdown = (code) => {
    if (stopping) return;
    stopping = true;
    console.log('\nStopping code-server…');
    server.stop().finally(() => process.exit(code));
  };
  process.on('SIGINT', () => shutdown(0));
  process.on('SIGTERM', () => shutdown(0));
  process.on('SIGHUP', () => shutdown(0));
  void server.exited.then((code) => {
    if (stopping) return;
    console.error(`code-server exited (${code}); see ${path.relative(repoRoot, server.logFile)}`);
    shutdown(1);
  });

  // The payload's authority must equal the address in the browser bar: open this exact URL
  // (forward the port to the same number, e.g. ssh -L 8080:127.0.0.1:8080, when remote).
  const url = server.workbenchUrl({ folder: workspace, extensionDevelopmentPath: repoRoot });
  console.log('\nTraceLens is running in code-server. Open:\n');
  console.log(`  ${url}\n`);
  console.log(`Server log: ${path.relative(repoRoot, server.logFile)}`);
  console.log('After `npm run build`, reload the window to pick up changes. Ctrl-C to stop.');
}

build();
if (!process.argv.includes('--web') && hasDesktopCode()) {
  startDesktop();
} else {
  startWeb().catch((err) => {
    console.error(err.message ?? err);
    process.exit(1);
  });
}
