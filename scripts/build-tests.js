#!/usr/bin/env node
// Bundles the integration suite (test/integration/**/*.ts) into dist-test/integration/ so the
// extension host can require it as plain CommonJS. Tests import '../../src/...' freely: that code
// is bundled in. Packages stay external and resolve from node_modules at run time (`vscode` is
// provided by the host; mocha must be one single instance shared by index.js and the tests).
'use strict';

const esbuild = require('esbuild');
const fs = require('node:fs');
const path = require('node:path');

const repoRoot = path.resolve(__dirname, '..');
const srcDir = path.join(repoRoot, 'test', 'integration');
const outDir = path.join(repoRoot, 'dist-test', 'integration');

// Runs outside the extension host (it launches desktop VS Code), so it is never bundled.
const hostSideOnly = new Set(['runInElectron.ts']);

function findEntries(dir) {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return findEntries(p);
    return e.name.endsWith('.ts') && !e.name.endsWith('.d.ts') && !hostSideOnly.has(e.name) ? [p] : [];
  });
}

async function main() {
  const entryPoints = findEntries(srcDir);
  // Start clean so a deleted test never lingers as a stale .itest.js.
  fs.rmSync(outDir, { recursive: true, force: true });
  await esbuild.build({
    entryPoints,
    outbase: srcDir,
    outdir: outDir,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    packages: 'external',
    external: ['vscode', 'mocha'],
    sourcemap: 'inline',
    logLevel: 'warning',
  });
  console.log(`[build-tests] ${entryPoints.length} file(s) -> ${path.relative(repoRoot, outDir)}`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
