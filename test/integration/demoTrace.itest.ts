// Opening the demo's decision log in the TraceLens editor fills the Runs tree; the bad run
// shows its steps with model and tokens; "Open Span as Text" opens the span's detail; closing the
// editor unloads it.

import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import type { RunsNode } from '../../src/vscode/runsTree';
import type { TraceLensApi } from '../../src/vscode/services';
import { api, closeAllEditors, waitFor, workspaceFile } from './support';

const DEMO = 'traces/support-agent.otlp.jsonl';

/** Distinct trace ids and span count, read straight from the file (not through our importer). */
function rawCounts(file: string): { traces: number; spans: number } {
  const traces = new Set<string>();
  let spans = 0;
  for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
    if (!line.trim()) continue;
    for (const rs of JSON.parse(line).resourceSpans)
      for (const ss of rs.scopeSpans)
        for (const s of ss.spans) {
          traces.add(s.traceId);
          spans++;
        }
  }
  return { traces: traces.size, spans };
}

async function label(t: TraceLensApi, n: RunsNode): Promise<{ label: string; description: string }> {
  const item = await t.runsTree.getTreeItem(n);
  return { label: String(typeof item.label === 'object' ? item.label.label : item.label), description: String(item.description ?? '') };
}

describe('demo trace in the TraceLens editor', () => {
  let t: TraceLensApi;
  const uri = workspaceFile(DEMO);

  before(async () => {
    t = await api();
    await closeAllEditors();
  });
  after(closeAllEditors);

  it('fills the Runs tree with every run of the file', async () => {
    await vscode.commands.executeCommand('vscode.openWith', uri, 'tracelens.traceEditor');
    const sourceNode = await waitFor('the demo source in the tree', async () =>
      (await t.runsTree.getChildren()).find((n) => n.type === 'source' && n.source.label === 'support-agent.otlp.jsonl'),
    );
    const runs = await t.runsTree.getChildren(sourceNode);
    const expected = rawCounts(uri.fsPath);
    assert.equal(runs.length, expected.traces);
    const spanTotal = runs.reduce((n, r) => n + (r.type === 'run' ? r.run.spanCount : 0), 0);
    assert.equal(spanTotal, expected.spans);
    assert.equal(sourceNode.type === 'source' && sourceNode.source.diagnostics.length, 0);
  });

  it('shows the bad run with its LLM, tool, retriever and guard steps, models and tokens', async () => {
    const [sourceNode] = await t.runsTree.getChildren();
    const runs = await t.runsTree.getChildren(sourceNode);
    const bad = runs.find((r) => r.type === 'run' && r.run.negativeFeedback > 0);
    assert.ok(bad && bad.type === 'run', 'a run with negative feedback');
    assert.match((await label(t, bad)).description, /👎/);
    const top = await t.runsTree.getChildren(bad);
    assert.equal(top.length, 1, 'one root span');
    const steps = await t.runsTree.getChildren(top[0]);
    const kinds = new Set(steps.map((s) => (s.type === 'span' ? s.span.kind : '')));
    for (const k of ['llm', 'tool', 'retriever', 'guard'])
      assert.ok(kinds.has(k as never), `a ${k} step under the bad run (got ${[...kinds].join(', ')})`);
    const llm = steps.find((s) => s.type === 'span' && s.span.kind === 'llm');
    assert.ok(llm);
    const { description } = await label(t, llm);
    assert.match(description, /support-sim-1/);
    assert.match(description, /\d+→\d+ tok/);
  });

  it('reveals a span as a read-only detail document', async () => {
    const [sourceNode] = await t.runsTree.getChildren();
    const runs = await t.runsTree.getChildren(sourceNode);
    const bad = runs.find((r) => r.type === 'run' && r.run.negativeFeedback > 0)!;
    const [root] = await t.runsTree.getChildren(bad);
    const steps = await t.runsTree.getChildren(root);
    const retriever = steps.find((s) => s.type === 'span' && s.span.kind === 'retriever')!;
    // Reveal Span (a click) opens the span detail panel; the Markdown document is "Open Span as Text".
    await vscode.commands.executeCommand('tracelens.openSpanAsText', retriever);
    const editor = await waitFor('the span detail document', () =>
      vscode.window.visibleTextEditors.find((e) => e.document.uri.scheme === 'tracelens'),
    );
    const text = editor.document.getText();
    assert.match(text, /^# /);
    assert.match(text, /## Retrieved documents \(\d+\)/);
    assert.match(text, /refund-policy-2023/);
    assert.equal(editor.document.languageId, 'markdown');
  });

  it('unloads the source when its editor closes, and never writes the file', async () => {
    const before = fs.readFileSync(uri.fsPath);
    await closeAllEditors();
    await waitFor('the tree to empty', async () => ((await t.runsTree.getChildren()).length === 0 ? true : undefined));
    assert.ok(fs.readFileSync(uri.fsPath).equals(before));
  });
});
