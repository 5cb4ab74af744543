// The lineage panel in a real VS Code webview: with the demo's bad answer, the page (real bundle,
// real CSP, real webview iframe) completes the handshake and asks for the root's detail through the
// panel's handlers; the panel selects nodes it sent and disposes cleanly.

import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { lineageReport } from '../../src/cli/lineage';
import type { LineageNode } from '../../src/core/model/lineage';
import { LineagePanel } from '../../src/vscode/lineagePanel';
import { api, closeAllEditors, waitFor, workspaceFile } from './support';

describe('lineage panel', () => {
  after(closeAllEditors);

  it('shows the demo bad answer and serves the page by node id', async () => {
    await api();
    const ext = vscode.extensions.getExtension('tracelens.tracelens');
    assert.ok(ext);
    const traces = workspaceFile('traces').fsPath;
    const { report } = await lineageReport(
      [path.join(traces, 'support-agent.otlp.jsonl'), path.join(traces, 'policy-ingest.openlineage.jsonl')],
      'ea4cf58cdc690151626426a080751f02',
    );
    assert.ok(report);
    const asked: string[] = [];
    const panel = LineagePanel.create(
      ext.extensionUri,
      { graph: { nodes: report.nodes, edges: report.edges }, rootId: report.root, problemNodeIds: report.problems.flatMap((p) => p.path) },
      {
        onNodeDetail: (n: LineageNode) => {
          asked.push(n.id);
          return { nodeId: n.id, title: n.label, sections: [] };
        },
      },
    );
    let disposed = false;
    panel.onDidDispose(() => (disposed = true));
    // The page loaded under the CSP, said ready, got the graph and asked for the root's detail.
    await waitFor('the page to ask for the root detail', () => asked.includes(report.root));
    assert.ok(panel.visible);
    panel.select('not-a-node');
    panel.select(report.nodes[1].id, true);
    panel.dispose();
    assert.ok(disposed);
    panel.dispose();
  });
});
