// A file with a corrupt line: a clear problem at the right line in the Problems panel, every
// valid run still in the tree, the extension host unharmed and the file untouched.

import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { api, closeAllEditors, waitFor } from './support';

function line(traceHex: string): string {
  return JSON.stringify({
    resourceSpans: [
      {
        resource: { attributes: [{ key: 'service.name', value: { stringValue: 'bad-input' } }] },
        scopeSpans: [
          {
            spans: [
              {
                traceId: traceHex.repeat(32 / traceHex.length),
                spanId: 'a'.repeat(16),
                name: `run-${traceHex}`,
                startTimeUnixNano: '1',
                endTimeUnixNano: '2',
              },
            ],
          },
        ],
      },
    ],
  });
}

describe('bad input', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tracelens-bad-'));
  after(async () => {
    await closeAllEditors();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('reports a corrupt JSON line with its line number and keeps every valid run', async () => {
    const t = await api();
    const file = path.join(dir, 'broken.otlp.jsonl');
    fs.writeFileSync(file, [line('1'), line('2'), '{"resourceSpans": [ {oops', line('3'), line('4')].join('\n') + '\n');
    const before = fs.readFileSync(file);
    const uri = vscode.Uri.file(file);
    await vscode.commands.executeCommand('vscode.openWith', uri, 'tracelens.traceEditor');
    const source = await waitFor('the broken file in the tree', async () =>
      (await t.runsTree.getChildren()).find((n) => n.type === 'source' && n.source.label === 'broken.otlp.jsonl'),
    );
    assert.equal((await t.runsTree.getChildren(source)).length, 4);
    const problems = await waitFor('a problem for line 3', () =>
      vscode.languages.getDiagnostics(uri).find((d) => d.range.start.line === 2),
    );
    assert.equal(problems.severity, vscode.DiagnosticSeverity.Error);
    assert.match(problems.message, /Invalid JSON/);
    assert.ok(fs.readFileSync(file).equals(before), 'the source file is never modified');
  });
});
