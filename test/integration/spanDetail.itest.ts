// The span detail panel in a real VS Code: Reveal Span on the demo bad answer's LLM call sends the
// page the model of that call; Open Span as Text keeps the Markdown document; "Open full value"
// opens the whole value read-only; the serializer's restore path finds a loaded source, says when
// it is not loaded and fills in after Reopen; and the "changed since the traced revision" flag
// against a git repository the test creates inside the workspace, with its Show Diff.

import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { Span } from '../../src/core/model/span';
import type { RunsNode } from '../../src/vscode/runsTree';
import type { TraceLensApi } from '../../src/vscode/services';
import { api, closeAllEditors, waitFor, workspaceFile } from './support';

const BAD_TRACE = 'ea4cf58cdc690151626426a080751f02';
const DEMO = 'traces/support-agent.otlp.jsonl';

function gitIn(dir: string, ...args: string[]): string {
  return execFileSync('git', args, {
    cwd: dir,
    encoding: 'utf8',
    env: { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@t', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@t' },
  }).trim();
}

const memorySpan = (extra: Partial<Span>): Span => ({
  traceId: 'itest0000000000000000000000000001',
  spanId: 'itest00000000001',
  name: 'itest call',
  kind: 'llm',
  startNs: 1_700_000_000_000_000_000n,
  endNs: 1_700_000_000_500_000_000n,
  status: 'ok',
  attributes: {},
  events: [],
  ...extra,
});

async function newPanel(): Promise<vscode.WebviewPanel> {
  return vscode.window.createWebviewPanel('tracelens.spanDetail', 'Span Detail', vscode.ViewColumn.Beside, {});
}

describe('span detail panel', () => {
  let t: TraceLensApi;
  const demo = workspaceFile(DEMO);
  let llm: RunsNode;

  before(async () => {
    t = await api();
    await closeAllEditors();
    await vscode.commands.executeCommand('vscode.openWith', demo, 'tracelens.traceEditor');
    const source = await waitFor('the demo source', async () =>
      (await t.runsTree.getChildren()).find((n) => n.type === 'source' && n.source.label === 'support-agent.otlp.jsonl'),
    );
    const run = (await t.runsTree.getChildren(source)).find((r) => r.type === 'run' && r.run.traceId === BAD_TRACE)!;
    const [root] = await t.runsTree.getChildren(run);
    const calls = (await t.runsTree.getChildren(root)).filter((s) => s.type === 'span' && s.span.kind === 'llm');
    llm = calls[calls.length - 1];
    assert.ok(llm && llm.type === 'span');
  });
  after(closeAllEditors);

  it('Reveal Span sends the page the model of the bad answer’s LLM call', async () => {
    assert.ok(llm.type === 'span');
    await vscode.commands.executeCommand('tracelens.revealSpan', llm);
    const model = await waitFor('the span detail model', () =>
      t.spanDetail.model?.spanId === (llm.type === 'span' ? llm.span.spanId : '') ? t.spanDetail.model : undefined,
    );
    assert.equal(model.name, 'chat support-sim-1');
    assert.equal(model.kind, 'llm');
    assert.deepEqual(
      model.inputMessages.map((m) => m.roleClass),
      ['system', 'user', 'assistant', 'tool'],
    );
    assert.equal(model.inputMessages[2].toolCalls[0].name, 'lookup_order');
    assert.match(model.inputMessages[2].toolCalls[0].result?.text ?? '', /"delivered"/);
    assert.match(model.outputMessages[0].content?.text ?? '', /60 days/);
    assert.equal(model.template?.label, 'answer@3');
    assert.equal(model.code?.label, 'src/agent.ts:109 (SupportAgent.respond)');
    assert.deepEqual(model.usage, { input: 872, output: 42 });
    assert.deepEqual(model.actions, { goToTemplate: true, goToCode: true, showLineage: true });
    assert.equal(model.source?.label, 'support-agent.otlp.jsonl');
    // The page loaded under the CSP and said `ready` (the session answers it with the model).
    assert.equal(t.spanDetail.state, 'detail');
    await waitFor('the page to load', () => ((t.spanDetail.currentPanel?.session.pageLoads ?? 0) > 0 ? true : undefined));
    // One reusable panel: another span replaces the content, no second panel.
    const first = t.spanDetail.currentPanel;
    await vscode.commands.executeCommand('tracelens.showSpanDetail', llm);
    assert.equal(t.spanDetail.currentPanel, first);
  });

  it('keeps Open Span as Text: the Markdown document', async () => {
    await vscode.commands.executeCommand('tracelens.openSpanAsText', llm);
    const editor = await waitFor('the span text document', () =>
      vscode.window.visibleTextEditors.find((e) => e.document.uri.scheme === 'tracelens'),
    );
    assert.equal(editor.document.languageId, 'markdown');
    assert.match(editor.document.getText(), /^# chat support-sim-1/);
  });

  it('restores from ids: the loaded source, "no longer loaded", then Reopen fills it in', async () => {
    assert.ok(llm.type === 'span');
    const origin = { v: 1, source: demo.toString(), traceId: BAD_TRACE, spanId: llm.span.spanId };
    await t.spanDetail.restore(await newPanel(), { origin });
    assert.equal(t.spanDetail.state, 'detail');
    assert.equal(t.spanDetail.model?.spanId, llm.span.spanId);

    // A source that is not loaded: the decision log of the same demo.
    const other = workspaceFile('traces/support-agent.decisions.jsonl');
    assert.ok(fs.existsSync(other.fsPath), 'the demo has a decision log');
    assert.ok(!(await t.sources.loaded()).some((s) => s.uri.toString() === other.toString()));
    const decisions = (await import('../../src/ingest/importFile')).importFile;
    const { spans } = await decisions(other.fsPath);
    const target = spans.find((s) => s.kind === 'llm') ?? spans[0];
    await t.spanDetail.restore(await newPanel(), {
      origin: { v: 1, source: other.toString(), traceId: target.traceId, spanId: target.spanId },
    });
    assert.equal(t.spanDetail.state, 'missing');
    const panel = t.spanDetail.currentPanel!;
    const current = panel.session.current;
    assert.ok(current?.kind === 'missing' && current.canReopen && /no longer loaded/.test(current.text), JSON.stringify(current));
    // Reopen (what the page's button asks for): the file opens, the panel fills in by itself.
    await panel.session.onMessage({ type: 'spanDetailAction', action: 'reopenSource' });
    await waitFor('the restored span', () => (t.spanDetail.model?.spanId === target.spanId ? true : undefined));
    assert.equal(t.spanDetail.state, 'detail');

    // A state a tampered page could save: nothing is opened.
    await t.spanDetail.restore(await newPanel(), { origin: { v: 1, source: 'https://evil.example/x', traceId: 'a', spanId: 'b' } });
    assert.equal(t.spanDetail.state, 'missing');
    const bad = t.spanDetail.currentPanel!.session.current;
    assert.ok(bad?.kind === 'missing' && !bad.canReopen);
    await t.sources.close(other);
  });

  it('restores the lineage panel from ids', async () => {
    assert.ok(llm.type === 'span');
    const panel = vscode.window.createWebviewPanel('tracelens.lineage', 'TraceLens Lineage', vscode.ViewColumn.Beside, {});
    await t.lineage.restore(panel, {
      v: 1,
      collapsed: [],
      expandedFolds: [],
      detailOpen: true,
      origin: { v: 1, source: demo.toString(), traceId: BAD_TRACE, spanId: llm.span.spanId },
    });
    assert.ok(t.lineage.isOpen);
    panel.dispose();
    await waitFor('the lineage panel to close', () => (!t.lineage.isOpen ? true : undefined));
  });

  it('opens a whole value read-only, and flags a file changed since the traced revision, with its diff', async function () {
    this.timeout(120_000);
    const folder = vscode.workspace.workspaceFolders![0].uri.fsPath;
    const repo = fs.mkdtempSync(path.join(folder, '.tracelens-itest-git-'));
    const live = vscode.Uri.from({ scheme: 'tracelens-live', path: '/itest' });
    try {
      gitIn(repo, 'init', '-q');
      fs.writeFileSync(path.join(repo, 'agent.ts'), 'export const days = 30;\n');
      gitIn(repo, 'add', '.');
      gitIn(repo, 'commit', '-q', '-m', 'traced');
      const commit = gitIn(repo, 'rev-parse', 'HEAD');
      fs.writeFileSync(path.join(repo, 'agent.ts'), 'export const days = 60;\n');
      const long = `${'the whole prompt '.repeat(400)}END`;
      const span = memorySpan({
        inputMessages: [{ role: 'user', content: long }],
        code: { file: `${path.basename(repo)}/agent.ts`, line: 1 },
        resource: { 'vcs.ref.head.revision': commit },
      });
      const source = await t.sources.putMemorySource(live, 'itest', [span], []);
      await t.spanDetail.show({ sourceId: source.id, traceId: span.traceId, spanId: span.spanId });
      const panel = t.spanDetail.currentPanel!;

      // "Open full value" by id: the whole text, read-only.
      const valueId = t.spanDetail.model!.inputMessages[0].content!.valueId!;
      assert.equal(valueId, 'in.0.content');
      await panel.session.onMessage({ type: 'spanDetailOpenValue', valueId });
      const doc = await waitFor('the full value document', () =>
        vscode.window.visibleTextEditors.find(
          (e) => e.document.uri.scheme === 'tracelens' && new URLSearchParams(e.document.uri.query).get('v') === valueId,
        ),
      );
      assert.equal(doc.document.getText(), long);

      const flag = await waitFor('the code flag', () => {
        const c = panel.session.current;
        return c?.kind === 'detail' && c.flag && c.flag.state !== 'checking' ? c.flag : undefined;
      });
      assert.ok(vscode.workspace.isTrusted, 'the suite runs in a trusted workspace (git runs only there)');
      assert.equal(flag.state, 'changed', flag.text);
      assert.equal(flag.revision, commit.slice(0, 7));
      assert.match(flag.text, /agent\.ts changed since the traced revision/);
      assert.ok(flag.canDiff);
      await panel.session.onMessage({ type: 'spanDetailAction', action: 'showDiff' });
      const left = await waitFor('the diff’s traced side', () =>
        vscode.workspace.textDocuments.find(
          (d) => d.uri.scheme === 'tracelens-git' && d.uri.path.endsWith(`agent.ts@${commit.slice(0, 7)}`),
        ),
      );
      assert.equal(left.getText(), 'export const days = 30;\n');

      // Traced at a revision that has the file as it is now: unchanged.
      gitIn(repo, 'commit', '-qam', 'now');
      const head = gitIn(repo, 'rev-parse', 'HEAD');
      const again = memorySpan({ spanId: 'itest00000000002', code: span.code, resource: { 'vcs.ref.head.revision': head } });
      const src2 = await t.sources.putMemorySource(live, 'itest', [span, again], []);
      await t.spanDetail.show({ sourceId: src2.id, traceId: again.traceId, spanId: again.spanId });
      const unchanged = await waitFor('the unchanged flag', () => {
        const c = t.spanDetail.currentPanel?.session.current;
        return c?.kind === 'detail' && c.model.spanId === again.spanId && c.flag && c.flag.state !== 'checking' ? c.flag : undefined;
      });
      assert.equal(unchanged.state, 'unchanged', unchanged.text);
    } finally {
      await t.sources.close(live);
      fs.rmSync(repo, { recursive: true, force: true });
    }
  });

  it('shows a mark given in TraceLens (Mark Output Bad) beside the source’s own feedback', async () => {
    assert.ok(llm.type === 'span');
    const note = 'cites the 2023 policy';
    await vscode.commands.executeCommand('tracelens.markBad', llm, { note });
    try {
      await vscode.commands.executeCommand('tracelens.showSpanDetail', llm);
      const spanId = llm.span.spanId;
      const mark = await waitFor('the mark in the detail model', () => {
        const model = t.spanDetail.model;
        return model?.spanId === spanId ? model.feedback.find((f) => JSON.stringify(f).includes(note)) : undefined;
      });
      assert.match(JSON.stringify(mark), /negative/);
      assert.match(JSON.stringify(mark), /TraceLens/);
    } finally {
      // Last in this suite: the source closes after it, and the mark's file goes with it, so
      // later suites see the demo's own counts.
      fs.rmSync(t.feedback.file.file, { force: true });
    }
  });
});
