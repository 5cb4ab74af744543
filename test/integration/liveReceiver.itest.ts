// The live receiver end to end: start it from the command, run the demo agent in a VS Code
// terminal (which inherits OTEL_EXPORTER_OTLP_*), and watch its runs fill the tree mid-run.

import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { importFile } from '../../src/ingest/importFile';
import { LIVE_URI } from '../../src/vscode/liveReceiver';
import { api, waitFor } from './support';

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer().once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

describe('live receiver', () => {
  let terminal: vscode.Terminal | undefined;

  after(async () => {
    terminal?.dispose();
    await vscode.commands.executeCommand('tracelens.stopReceiver');
    // The received runs stay listed after a stop (for the user); later suites expect them gone.
    await (await api()).sources.close(LIVE_URI);
    await vscode.workspace.getConfiguration('tracelens.receiver').update('port', undefined, vscode.ConfigurationTarget.Global);
  });

  it('shows the demo agent’s runs while it is still running, from a terminal', async function () {
    // tsx start-up plus seven turns 1.5 s apart, on a busy two-core machine.
    this.timeout(240_000);
    const t = await api();
    const port = await freePort();
    await vscode.workspace.getConfiguration('tracelens.receiver').update('port', port, vscode.ConfigurationTarget.Global);
    await vscode.commands.executeCommand('tracelens.startReceiver');
    assert.equal(t.receiver.endpoint, `http://127.0.0.1:${port}`);

    const repo = vscode.extensions.getExtension('tracelens.tracelens')!.extensionPath;
    terminal = vscode.window.createTerminal({ name: 'support-agent (live)', cwd: repo });
    terminal.sendText('DEMO_LIVE_PAUSE_MS=1500 npm run -s demo:live');

    const live = async () => (await t.runsTree.getChildren()).find((n) => n.type === 'source' && n.source.uri.scheme === 'tracelens-live');
    // Mid-run: some runs are in the tree while the agent still has turns to send.
    const midRun = await waitFor(
      'the first live runs',
      async () => {
        const node = await live();
        if (!node) return undefined;
        const runs = await t.runsTree.getChildren(node);
        return runs.length >= 1 && runs.length < 7 ? runs.length : undefined;
      },
      90_000,
    );
    assert.ok(midRun >= 1 && midRun < 7);
    const all = await waitFor(
      'all 7 demo runs',
      async () => {
        const node = await live();
        const runs = node ? await t.runsTree.getChildren(node) : [];
        return runs.length === 7 ? runs : undefined;
      },
      90_000,
    );
    const bad = all.find((r) => r.type === 'run' && r.run.negativeFeedback > 0);
    assert.ok(bad, 'the bad run arrived with its feedback');
    assert.ok(t.receiver.spanCount >= 54);
  });

  it('saves the received spans as OTLP JSON Lines that read back into the same runs', async () => {
    const t = await api();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tracelens-saved-'));
    const target = vscode.Uri.file(path.join(dir, 'received.otlp.jsonl'));
    const saved = await t.receiver.saveAs(target);
    assert.equal(saved?.fsPath, target.fsPath);
    const back = await importFile(target.fsPath);
    assert.equal(back.format, 'otlp-json');
    assert.equal(back.spans.length, t.receiver.spanCount);
    assert.equal(new Set(back.spans.map((s) => s.traceId)).size, 7);
    assert.ok(back.spans.some((s) => s.feedback?.some((f) => f.label === 'negative')));
    assert.deepEqual(fs.readdirSync(dir), ['received.otlp.jsonl'], 'no temporary file left behind');
  });
});
