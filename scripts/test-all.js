#!/usr/bin/env node
// `npm test`: build, then every tier in order — unit (mocha), integration (the suite inside a
// real extension host via code-server), e2e (Playwright against code-server). Every tier runs
// even when an earlier one fails, so one run shows everything; the last line is the sum of all
// tiers, `N passed, N failed`, and the exit code is non-zero if any tier failed.
'use strict';

const { spawn, spawnSync } = require('node:child_process');
const path = require('node:path');

const repoRoot = path.resolve(__dirname, '..');
const bin = (name) => path.join(repoRoot, 'node_modules', '.bin', name);

const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

const tiers = [
  // Types per zone, lint and formatting: one check, counted as one test.
  { name: 'static', cmd: 'sh', args: ['-c', `${npm} run -s typecheck && ${npm} run -s lint`], parse: () => undefined, countExit: true },
  { name: 'unit', cmd: bin('mocha'), args: [], parse: parseMocha },
  {
    name: 'integration',
    cmd: bin('tsx'),
    args: ['scripts/run-integration.ts', '--no-build'],
    parse: (out) => parseSummary(out, 'integration'),
    needsCodeServer: true,
  },
  {
    name: 'e2e',
    cmd: bin('tsx'),
    args: ['test/e2e/runE2e.ts', '--no-build'],
    parse: (out) => parseSummary(out, 'e2e'),
    needsCodeServer: true,
  },
];

function banner(text) {
  console.log(`\n==== ${text} ${'='.repeat(Math.max(0, 70 - text.length))}`);
}

function build() {
  for (const script of ['esbuild.js', 'scripts/build-tests.js']) {
    const r = spawnSync(process.execPath, [script], { cwd: repoRoot, stdio: 'inherit' });
    if (r.status !== 0) return false;
  }
  return true;
}

/** Runs a tier, echoing its output live and keeping a copy to parse its counts. */
function runTier(tier) {
  return new Promise((resolve) => {
    const child = spawn(tier.cmd, tier.args, { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
      process.stdout.write(d);
    });
    child.stderr.on('data', (d) => {
      out += d;
      process.stderr.write(d);
    });
    child.on('error', (err) => {
      out += String(err);
      resolve({ code: 1, out });
    });
    child.on('close', (code, signal) => resolve({ code: code ?? (signal ? 1 : 0), out }));
  });
}

function parseMocha(out) {
  const passed = /^\s*(\d+) passing/m.exec(out);
  const failed = /^\s*(\d+) failing/m.exec(out);
  if (!passed && !failed) return undefined;
  return { passed: Number(passed?.[1] ?? 0), failed: Number(failed?.[1] ?? 0) };
}

// The tier's own summary line; the last one wins (the runner repeats the suite's line last).
function parseSummary(out, name) {
  const all = [...out.matchAll(new RegExp(`^${name}: (\\d+) passed, (\\d+) failed$`, 'gm'))];
  const last = all.at(-1);
  return last ? { passed: Number(last[1]), failed: Number(last[2]) } : undefined;
}

async function main() {
  const started = Date.now();
  const results = [];
  banner('build');
  if (!build()) {
    console.log('\nbuild failed: no tests run');
    console.log('0 passed, 1 failed');
    return 1;
  }
  try {
    // PostgreSQL for the team store tests (unit and integration); without it they skip and say why.
    require('./system-packages.js').ensureSystemPackages(['postgresql', 'postgresql-contrib']);
  } catch (err) {
    console.warn(`[test-all] ${String(err)}`);
  }
  for (const tier of tiers) {
    banner(tier.name);
    const t0 = Date.now();
    let res;
    try {
      const installer = require('./install-code-server.js');
      if (tier.needsCodeServer) {
        require('./system-packages.js').ensureSystemPackages(['chromium', 'fonts-liberation', 'fonts-noto-color-emoji']);
        if (!installer.isInstalled()) installer.ensureCodeServer();
      }
      res = await runTier(tier);
    } catch (err) {
      console.error(String(err));
      res = { code: 1, out: '' };
    }
    const counts = tier.parse(res.out) ?? { passed: tier.countExit && res.code === 0 ? 1 : 0, failed: 0 };
    // A tier that fails without reporting a failed test (crash, build error, no tests found)
    // still counts as one failure, so the summary never reads green when the run was not.
    if (res.code !== 0 && counts.failed === 0) counts.failed = 1;
    results.push({ name: tier.name, ...counts, code: res.code, secs: (Date.now() - t0) / 1000 });
  }

  banner('summary');
  for (const r of results) {
    const status = r.code === 0 ? 'ok' : `FAILED (exit ${r.code})`;
    console.log(`${r.name.padEnd(12)} ${r.passed} passed, ${r.failed} failed  ${r.secs.toFixed(1)} s  ${status}`);
  }
  const passed = results.reduce((n, r) => n + r.passed, 0);
  const failed = results.reduce((n, r) => n + r.failed, 0);
  console.log(`total time ${((Date.now() - started) / 1000).toFixed(1)} s`);
  console.log(`${passed} passed, ${failed} failed`);
  return results.some((r) => r.code !== 0) ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
