// Window reloads: VS Code restores the span detail and lineage panels through these serializers,
// handing back the state their pages saved — ids only (source URI, trace id, span id), validated
// again here — and each controller finds the source or says it is no longer loaded.

import * as vscode from 'vscode';
import { LINEAGE_VIEW_TYPE } from './lineagePanel';
import type { LineageController } from './lineageController';
import type { Log } from './log';
import { SPAN_DETAIL_VIEW_TYPE } from './spanDetailPanel';
import type { SpanDetailController } from './spanDetailController';

export function registerPanelSerializers(spanDetail: SpanDetailController, lineage: LineageController, log: Log): vscode.Disposable[] {
  const guard =
    (what: string, restore: (panel: vscode.WebviewPanel, state: unknown) => Promise<void>) =>
    async (panel: vscode.WebviewPanel, state: unknown): Promise<void> => {
      try {
        await restore(panel, state);
      } catch (err) {
        log.error(`Restoring the ${what} panel failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
      }
    };
  return [
    vscode.window.registerWebviewPanelSerializer(SPAN_DETAIL_VIEW_TYPE, {
      deserializeWebviewPanel: guard('span detail', (p, s) => spanDetail.restore(p, s)),
    }),
    vscode.window.registerWebviewPanelSerializer(LINEAGE_VIEW_TYPE, {
      deserializeWebviewPanel: guard('lineage', (p, s) => lineage.restore(p, s)),
    }),
  ];
}
