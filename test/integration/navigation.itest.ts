// From the bad answer's LLM call to the prompt template file and the code line that made it.

import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import type { RunsNode } from '../../src/vscode/runsTree';
import { api, closeAllEditors, waitFor, workspaceFile } from './support';

const BAD_TRACE = 'ea4cf58cdc690151626426a080751f02';

/** The bad run's last LLM call, as the raw file records it (not through our importer). */
function rawAnswerCall(file: string): { spanId: string; codeFile: string; codeLine: number } {
  for (const line of fs.readFileSync(file, 'utf8').split('\n').filter(Boolean)) {
    for (const rs of JSON.parse(line).resourceSpans)
      for (const ss of rs.scopeSpans)
        for (const s of ss.spans) {
          const a = Object.fromEntries(
            s.attributes.map((kv: { key: string; value: Record<string, unknown> }) => [kv.key, Object.values(kv.value)[0]]),
          );
          if (s.traceId === BAD_TRACE && a['gen_ai.prompt.name'] === 'answer')
            return { spanId: s.spanId, codeFile: a['code.file.path'], codeLine: Number(a['code.line.number']) };
        }
  }
  throw new Error('no answer call in the demo trace');
}

describe('go to template and code', () => {
  const uri = workspaceFile('traces/support-agent.otlp.jsonl');
  let llm: RunsNode;

  before(async () => {
    const t = await api();
    await vscode.commands.executeCommand('vscode.openWith', uri, 'tracelens.traceEditor');
    const source = await waitFor('the demo source', async () => (await t.runsTree.getChildren()).find((n) => n.type === 'source'));
    const run = (await t.runsTree.getChildren(source)).find((r) => r.type === 'run' && r.run.traceId === BAD_TRACE)!;
    const [root] = await t.runsTree.getChildren(run);
    const expected = rawAnswerCall(uri.fsPath);
    llm = (await t.runsTree.getChildren(root)).find((s) => s.type === 'span' && s.span.spanId === expected.spanId)!;
    assert.ok(llm, 'the answer call is in the tree');
  });
  after(closeAllEditors);

  it('Go to Prompt Template opens prompts/answer.prompt.md at the template body', async () => {
    await vscode.commands.executeCommand('tracelens.goToTemplate', llm);
    const editor = await waitFor('the template editor', () => {
      const e = vscode.window.activeTextEditor;
      return e?.document.uri.path.endsWith('/prompts/answer.prompt.md') ? e : undefined;
    });
    const line = editor.selection.active.line;
    const text = editor.document.getText();
    const bodyStart = text.split('\n').findIndex((l, i) => i > 0 && l.trim() === '---') + 1;
    assert.equal(line, bodyStart, 'the cursor is on the first line after the front matter');
  });

  it('Go to Code opens the traced file at the traced line, which makes the call', async () => {
    const expected = rawAnswerCall(uri.fsPath);
    await vscode.commands.executeCommand('tracelens.goToCode', llm);
    const editor = await waitFor('the code editor', () => {
      const e = vscode.window.activeTextEditor;
      return e?.document.uri.path.endsWith(`/${expected.codeFile}`) ? e : undefined;
    });
    assert.equal(editor.selection.active.line, expected.codeLine - 1);
    assert.match(editor.document.lineAt(expected.codeLine - 1).text, /inSpan\(|startSpan\(/);
  });
});
