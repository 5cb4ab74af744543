// package.json and the code agree: every command contributed is one the code registers, and
// the reverse; views and editors name the ids the code uses.

import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Commands, TRACE_EDITOR, TRACE_EDITOR_ANY, VIEW_RUNS } from '../../src/vscode/commandIds';

const pkg = JSON.parse(fs.readFileSync(path.join(__dirname, '../../package.json'), 'utf8'));

describe('package.json manifest', () => {
  it('contributes exactly the commands the code defines, all under the TraceLens category', () => {
    const contributed = (pkg.contributes.commands as { command: string; category: string }[]).map((c) => c.command).sort();
    assert.deepEqual(contributed, Object.values(Commands).sort());
    assert.ok(pkg.contributes.commands.every((c: { category: string }) => c.category === 'TraceLens'));
  });

  it('names the view and custom editors the code registers', () => {
    assert.equal(pkg.contributes.views.tracelens[0].id, VIEW_RUNS);
    const editors = pkg.contributes.customEditors.map((e: { viewType: string }) => e.viewType);
    assert.deepEqual(editors, [TRACE_EDITOR, TRACE_EDITOR_ANY]);
    const patterns = pkg.contributes.customEditors[0].selector.map((s: { filenamePattern: string }) => s.filenamePattern);
    assert.deepEqual(patterns, [
      '*.otlp.json',
      '*.otlp.jsonl',
      '*.traces.json',
      '*.traces.jsonl',
      '*.decisions.jsonl',
      '*.otlp.pb',
      '*.openlineage.json',
      '*.openlineage.jsonl',
    ]);
  });

  it('targets VS Code 1.100 with matching typings', () => {
    assert.equal(pkg.engines.vscode, '^1.100.0');
    assert.match(pkg.devDependencies['@types/vscode'], /^\D*1\.100\./);
    assert.equal(pkg.name, 'tracelens');
    assert.equal(pkg.license, 'MIT');
  });
});
