// CodeLens on the demo's prompt template and traced functions, computed from the loaded runs;
// clicking one filters the Runs tree to those runs.

import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { api, closeAllEditors, waitFor, workspaceFile } from './support';

async function lenses(uri: vscode.Uri): Promise<vscode.CodeLens[]> {
  // The workbench computes lenses for documents it has a model of: open it first.
  await vscode.workspace.openTextDocument(uri);
  return (await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri, 50)) ?? [];
}

describe('CodeLens on templates and traced code', () => {
  before(async () => {
    const t = await api();
    await vscode.commands.executeCommand('vscode.openWith', workspaceFile('traces/support-agent.otlp.jsonl'), 'tracelens.traceEditor');
    await waitFor('the demo source', async () => (await t.runsTree.getChildren()).find((n) => n.type === 'source'));
  });
  after(async () => {
    await vscode.commands.executeCommand('tracelens.clearRunsFilter');
    await closeAllEditors();
  });

  it('shows runs, errors, 👎 and p95 above prompts/answer.prompt.md', async () => {
    const uri = workspaceFile('prompts/answer.prompt.md');
    const lens = await waitFor('a TraceLens lens on the template', async () =>
      (await lenses(uri)).find((l) => l.command?.title.startsWith('TraceLens:')),
    );
    assert.equal(lens.range.start.line, 0);
    assert.match(lens.command!.title, /^TraceLens: 7 runs · 0 errors · 1 guard fired · 1 👎 · p95 \d/);
  });

  it('shows a lens above the traced agent function, and clicking it filters the Runs tree', async () => {
    const t = await api();
    const uri = workspaceFile('src/agent.ts');
    const all = await waitFor('lenses in src/agent.ts', async () => {
      const found = (await lenses(uri)).filter((l) => l.command?.title.startsWith('TraceLens:'));
      return found.length ? found : undefined;
    });
    const doc = await vscode.workspace.openTextDocument(uri);
    const answer = all.find((l) => /async answer\(/.test(doc.lineAt(l.range.start.line).text));
    assert.ok(answer, `a lens on SupportAgent.answer (got lines ${all.map((l) => l.range.start.line + 1).join(', ')})`);
    assert.match(answer.command!.title, /7 runs/);
    await vscode.commands.executeCommand(answer.command!.command, ...(answer.command!.arguments ?? []));
    const [source] = await t.runsTree.getChildren();
    assert.equal((await t.runsTree.getChildren(source)).length, 7);
    const tool = all.find((l) => /1 error/.test(l.command!.title));
    assert.ok(tool === undefined || /runs?/.test(tool.command!.title));
  });
});
