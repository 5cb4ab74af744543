// A big trace file streams into the Runs tree: its first runs are listed while the rest loads,
// Cancel keeps what was read (a partial source whose runs can be listed), and reopening the
// unchanged file comes from the index cache. The file (~80 MB, ~50k spans) is written by the test.

import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { writeJsonl } from '../../bench/generate';
import type { RunsNode } from '../../src/vscode/runsTree';
import type { TraceLensApi } from '../../src/vscode/services';
import { api, closeAllEditors, waitFor, workspaceFile } from './support';

const BYTES = 80 * 2 ** 20;

type SourceNode = Extract<RunsNode, { type: 'source' }>;

async function sourceNode(t: TraceLensApi, uri: vscode.Uri): Promise<SourceNode | undefined> {
  const nodes = await t.runsTree.getChildren();
  return nodes.find((n): n is SourceNode => n.type === 'source' && n.source.uri.toString() === uri.toString());
}

async function description(t: TraceLensApi, n: RunsNode): Promise<string> {
  return String((await t.runsTree.getTreeItem(n)).description ?? '');
}

describe('streaming load of a big trace file', function () {
  this.timeout(240_000);
  let t: TraceLensApi;
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tracelens-streaming-'));
  const file = path.join(tmp, 'big.otlp.jsonl');
  const uri = vscode.Uri.file(file);
  let written: { bytes: number; spans: number };

  before(async () => {
    t = await api();
    await closeAllEditors();
    written = writeJsonl(file, BYTES, 11);
  });

  after(async () => {
    await closeAllEditors();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  /** Open `target` and, the moment it is listed while loading, run `whileLoading` on its node. */
  async function openWatching(target: vscode.Uri, whileLoading: (n: SourceNode) => Promise<void>): Promise<{ seen: boolean }> {
    let seen = false;
    let running: Promise<void> | undefined;
    const sub = t.sources.onDidChange(() => {
      if (running) return;
      const src = t.sources.visible().find((s) => s.uri.toString() === target.toString());
      if (src?.state !== 'loading') return;
      seen = true;
      running = (async () => {
        const n = await sourceNode(t, target);
        assert.ok(n, 'the loading source is in the tree');
        await whileLoading(n);
      })();
    });
    try {
      await vscode.commands.executeCommand('vscode.openWith', target, 'tracelens.traceEditor');
      await waitFor(
        'the load to finish',
        async () => {
          const n = await sourceNode(t, target);
          return n && n.source.state !== 'loading' ? n : undefined;
        },
        180_000,
      );
      await running;
    } finally {
      sub.dispose();
    }
    return { seen };
  }

  it('lists the first runs in the tree while the rest of the file loads', async () => {
    let runsWhileLoading = 0;
    let stillLoading = false;
    const { seen } = await openWatching(uri, async (n) => {
      const runs = await waitFor('runs under the loading source', async () => {
        const kids = await t.runsTree.getChildren(n);
        return kids.length > 0 ? kids : undefined;
      });
      runsWhileLoading = runs.length;
      stillLoading = t.sources.visible().find((s) => s.uri.toString() === uri.toString())?.state === 'loading';
      assert.match(await description(t, n), /loading \d+%/);
    });
    assert.ok(seen, 'the source was listed before it finished loading');
    assert.ok(runsWhileLoading > 0, 'runs were listed while loading');
    assert.ok(stillLoading, 'the runs came back before the load finished');
    const done = await sourceNode(t, uri);
    assert.ok(done);
    assert.equal(done.source.state, 'complete');
    assert.equal(done.source.fromCache, false);
    assert.equal(done.source.summary.spans, written.spans);
    assert.equal(done.source.summary.traces, written.spans / 8);
    assert.ok(!done.source.diagnostics.some((d) => d.severity === 'error'), JSON.stringify(done.source.diagnostics.slice(0, 3)));
  });

  it('reopens the unchanged file from the index cache', async () => {
    await closeAllEditors();
    await waitFor('the source to unload', async () => ((await sourceNode(t, uri)) ? undefined : true));
    await vscode.commands.executeCommand('vscode.openWith', uri, 'tracelens.traceEditor');
    const n = await waitFor('the reopened source', async () => {
      const node = await sourceNode(t, uri);
      return node?.source.state === 'complete' ? node : undefined;
    });
    assert.equal(n.source.fromCache, true, 'read from the index cache');
    assert.equal(n.source.summary.spans, written.spans);
    assert.equal(n.source.summary.traces, written.spans / 8);
    const runs = await t.runsTree.getChildren(n);
    assert.ok(runs.length > 0);
    // A span's detail is read back from the file through the cached index.
    const run = runs.find((r) => r.type === 'run');
    assert.ok(run?.type === 'run');
    const top = await t.runsTree.getChildren(run);
    assert.ok(top[0]?.type === 'span');
    const { span } = await t.sources.readSpan(n.source.id, top[0].span.traceId, top[0].span.spanId);
    assert.equal(span?.spanId, top[0].span.spanId);
    await closeAllEditors();
    await waitFor('the source to unload', async () => ((await sourceNode(t, uri)) ? undefined : true));
  });

  it('Cancel keeps what was read as a partial source whose runs are listed', async () => {
    // Another path: not in the index cache.
    const copy = vscode.Uri.file(path.join(tmp, 'copy.otlp.jsonl'));
    fs.copyFileSync(file, copy.fsPath);
    let cancelled = false;
    const { seen } = await openWatching(copy, async () => {
      cancelled = t.sources.cancel(copy);
    });
    assert.ok(seen && cancelled, 'cancelled while loading');
    const n = await sourceNode(t, copy);
    assert.ok(n);
    assert.equal(n.source.state, 'partial');
    assert.ok((n.source.bytesIndexed ?? 0) < written.bytes, `${n.source.bytesIndexed} of ${written.bytes} bytes`);
    assert.ok(n.source.summary.spans > 0 && n.source.summary.spans < written.spans, `${n.source.summary.spans} spans`);
    assert.ok(n.source.diagnostics.some((d) => d.code === 'source.cancelled'));
    assert.match(await description(t, n), /partial: \d+% read/);
    const runs = await t.runsTree.getChildren(n);
    assert.ok(runs.length > 0 && runs.every((r) => r.type === 'run' || r.type === 'more'));
    const run = runs.find((r) => r.type === 'run');
    assert.ok(run?.type === 'run');
    assert.ok((await t.runsTree.getChildren(run)).length > 0, 'its spans are listed');
  });

  it('Open as Format reads the file again as the chosen format (past the cache), and back', async () => {
    const demo = workspaceFile('traces/support-agent.otlp.jsonl');
    await vscode.commands.executeCommand('vscode.openWith', demo, 'tracelens.traceEditor');
    await waitFor('the demo source', async () => (await sourceNode(t, demo))?.source.state === 'complete' || undefined);
    const forced = await t.sources.reloadAs(demo, 'tracelens-decisions');
    assert.equal(forced.format, 'tracelens-decisions');
    assert.equal(forced.fromCache, false);
    assert.equal(forced.summary.spans, 0);
    const again = await t.sources.reloadAs(demo, undefined);
    assert.equal(again.format, 'otlp-json');
    assert.equal(again.summary.spans, 54);
    assert.equal((await sourceNode(t, demo))?.source.id, again.id);
    await closeAllEditors();
    await waitFor('the demo to unload', async () => ((await sourceNode(t, demo)) ? undefined : true));
  });
});
