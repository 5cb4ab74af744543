// Debian packages the test hosts need. Missing ones are installed with apt when we are root on
// a Debian-like machine (as CI and these dev machines are); elsewhere we say what to install.
'use strict';

const fs = require('node:fs');
const { spawnSync } = require('node:child_process');

const has = (cmd) => spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;

/** package name → how to tell it is there */
const PACKAGES = {
  chromium: () => fs.existsSync(process.env.CHROMIUM_PATH || '/usr/bin/chromium'),
  'fonts-liberation': () => fs.existsSync('/usr/share/fonts/truetype/liberation'),
  // Feedback and signals use emoji (👍 👎); without a colour emoji font screenshots show boxes.
  'fonts-noto-color-emoji': () => fs.existsSync('/usr/share/fonts/truetype/noto/NotoColorEmoji.ttf'),
  'libkrb5-dev': () => fs.existsSync('/usr/include/gssapi/gssapi.h'),
  ripgrep: () => has('rg'),
  python3: () => has('python3'),
  make: () => has('make'),
  'g++': () => has('g++'),
  tar: () => has('tar'),
  // The team store's tests start a throwaway PostgreSQL server (test/support/postgres.ts).
  postgresql: () => fs.existsSync('/usr/lib/postgresql') && fs.readdirSync('/usr/lib/postgresql').some((v) => fs.existsSync(`/usr/lib/postgresql/${v}/bin/initdb`)),
  // unaccent, for the store's accent-folding full-text configuration.
  'postgresql-contrib': () =>
    fs.existsSync('/usr/share/postgresql') && fs.readdirSync('/usr/share/postgresql').some((v) => fs.existsSync(`/usr/share/postgresql/${v}/extension/unaccent.control`)),
};

function ensureSystemPackages(names) {
  const missing = names.filter((n) => !PACKAGES[n]());
  if (!missing.length) return;
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (!isRoot || !has('apt-get')) {
    throw new Error(`missing system packages: ${missing.join(' ')} — install them (e.g. apt-get install -y ${missing.join(' ')})`);
  }
  console.log(`[system-packages] apt-get install ${missing.join(' ')}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const run = (args) => spawnSync('apt-get', args, { stdio: 'inherit', env }).status === 0;
  if (!run(['update', '-q']) || !run(['install', '-y', '-q', '--no-install-recommends', ...missing])) {
    throw new Error(`apt-get install ${missing.join(' ')} failed`);
  }
}

module.exports = { ensureSystemPackages };

if (require.main === module) ensureSystemPackages(process.argv.slice(2).length ? process.argv.slice(2) : Object.keys(PACKAGES));
