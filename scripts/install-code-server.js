#!/usr/bin/env node
// Installs code-server (a real VS Code build from npm) into <repo>/.tools/code-server so the
// integration and e2e tiers can run a real extension host with no internet and no desktop VS Code.
// Idempotent: a marker written after a successful install short-circuits later runs.
// The workarounds are the ones in docs/vscode-in-ci.md (shared): each is explained where applied.
'use strict';

const { ensureSystemPackages } = require('./system-packages.js');

const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

// The newest code-server whose engines.node is 20; 4.105+ fetch file watchers from GitHub.
const CODE_SERVER_VERSION = '4.100.3';
// What code-server 4.100.3 depends on: @vscode/ripgrep 1.15.11, which downloads rg v13.0.0-10.
const RIPGREP_PKG_VERSION = '1.15.11';
const RIPGREP_ASSET = 'ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz';

const repoRoot = path.resolve(__dirname, '..');
const installDir = path.join(repoRoot, '.tools', 'code-server');
const markerFile = path.join(installDir, 'installed.json');
const entryFile = path.join(installDir, 'node_modules', 'code-server', 'out', 'node', 'entry.js');

function log(msg) {
  console.log(`[install-code-server] ${msg}`);
}

function isInstalled() {
  try {
    const marker = JSON.parse(fs.readFileSync(markerFile, 'utf8'));
    return marker.version === CODE_SERVER_VERSION && fs.existsSync(entryFile);
  } catch {
    return false;
  }
}

function which(cmd) {
  const r = spawnSync('sh', ['-c', `command -v ${cmd}`], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : undefined;
}

function checkPrerequisites() {
  // kerberos needs gssapi/gssapi.h (libkrb5-dev); node-gyp builds need python3, make, g++.
  ensureSystemPackages(['libkrb5-dev', 'ripgrep', 'python3', 'make', 'g++', 'tar']);
}

// @vscode/ripgrep's postinstall downloads rg from GitHub unless it finds the release tarball in
// its cache under $TMPDIR; seed that cache with Debian's rg (the tarball holds `rg` at top level).
function seedRipgrepCache() {
  const cacheDir = path.join(os.tmpdir(), `vscode-ripgrep-cache-${RIPGREP_PKG_VERSION}`);
  const tarball = path.join(cacheDir, RIPGREP_ASSET);
  if (fs.existsSync(tarball) && fs.statSync(tarball).size > 0) {
    log(`ripgrep cache present: ${tarball}`);
    return;
  }
  const rg = fs.realpathSync(which('rg'));
  const staging = fs.mkdtempSync(path.join(os.tmpdir(), 'rg-staging-'));
  try {
    fs.copyFileSync(rg, path.join(staging, 'rg'));
    fs.chmodSync(path.join(staging, 'rg'), 0o755);
    fs.mkdirSync(cacheDir, { recursive: true });
    // Write under a temporary name then rename, so a crash never leaves a truncated tarball.
    const partial = `${tarball}.partial-${process.pid}`;
    run('tar', ['-czf', partial, '-C', staging, 'rg'], {});
    fs.renameSync(partial, tarball);
    log(`seeded ripgrep cache from ${rg}: ${tarball}`);
  } finally {
    fs.rmSync(staging, { recursive: true, force: true });
  }
}

function run(cmd, args, opts) {
  const r = spawnSync(cmd, args, { stdio: 'inherit', ...opts });
  if (r.error) throw r.error;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited with ${r.status}`);
}

function npmInstall() {
  fs.mkdirSync(installDir, { recursive: true });
  // Its own package.json so code-server (~300 MB) never mixes with the extension's dependencies.
  fs.writeFileSync(path.join(installDir, 'package.json'), JSON.stringify({ name: 'tracelens-code-server', private: true }, null, 2) + '\n');
  const env = {
    ...process.env,
    // npm 11 ignores --unsafe-perm; without this the postinstall refuses to run as root.
    npm_config_unsafe_perm: 'true',
    // node-pty's postinstall runs `npx node-gyp`, which is cancelled unless prompts are answered.
    npm_config_yes: 'true',
    npm_config_update_notifier: 'false',
    npm_config_fund: 'false',
    npm_config_audit: 'false',
  };
  // Point node-gyp at the running node's headers so it never downloads them (it would if HOME
  // is redirected, as in CI sandboxes). Harmless otherwise.
  const nodePrefix = path.resolve(path.dirname(process.execPath), '..');
  if (fs.existsSync(path.join(nodePrefix, 'include', 'node', 'node.h'))) {
    env.npm_config_nodedir = nodePrefix;
  }
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  run(npm, ['install', '--no-save', '--loglevel=warn', `code-server@${CODE_SERVER_VERSION}`], {
    cwd: installDir,
    env,
  });
}

/** Installs code-server if needed; returns the path of its entry script (run with node). */
function ensureCodeServer() {
  if (isInstalled()) {
    log(`code-server ${CODE_SERVER_VERSION} already installed in ${path.relative(repoRoot, installDir)}`);
    return entryFile;
  }
  const started = Date.now();
  log(`installing code-server ${CODE_SERVER_VERSION} into ${installDir} (about 2 minutes)`);
  checkPrerequisites();
  seedRipgrepCache();
  log('npm install (builds native modules with node-gyp)…');
  npmInstall();
  if (!fs.existsSync(entryFile)) throw new Error(`install finished but ${entryFile} is missing`);
  fs.writeFileSync(markerFile, JSON.stringify({ version: CODE_SERVER_VERSION }) + '\n');
  log(`installed in ${((Date.now() - started) / 1000).toFixed(0)} s`);
  return entryFile;
}

module.exports = { CODE_SERVER_VERSION, installDir, entryFile, ensureCodeServer, isInstalled };

if (require.main === module) {
  try {
    ensureCodeServer();
  } catch (err) {
    console.error(`[install-code-server] failed: ${err.message}`);
    process.exit(1);
  }
}
