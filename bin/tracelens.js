#!/usr/bin/env node
// Thin launcher so `npx tracelens` works from a clone: the CLI is bundled by `npm run build`
// (which `npm install` runs through the prepare script).
const path = require('node:path');
const fs = require('node:fs');
const cli = path.join(__dirname, '..', 'dist', 'cli.js');
if (!fs.existsSync(cli)) {
  console.error('tracelens: dist/cli.js is missing; run `npm run build` first.');
  process.exit(2);
}
require(cli);
