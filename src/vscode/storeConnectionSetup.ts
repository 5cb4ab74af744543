// Wires the team store and feedback into the extension (called once from services.ts): the
// connection, its part of the Runs tree, its span documents, and the commands.

import * as vscode from 'vscode';
import { FeedbackController } from './feedback';
import type { Log } from './log';
import type { RunsNode, RunsTreeProvider } from './runsTree';
import type { SourceManager } from './sourceManager';
import { StoreConnection } from './storeConnection';
import { registerStoreCommands } from './storeConnectionCommands';
import { TEAM_SPAN_SCHEME, TeamSpanDocumentProvider } from './storeConnectionSpans';
import { TeamStoreTree } from './storeConnectionTree';

export interface TeamStoreParts {
  teamStore: StoreConnection;
  feedback: FeedbackController;
  disposables: vscode.Disposable[];
}

export function createTeamStore(
  context: vscode.ExtensionContext,
  d: { sources: SourceManager; runsTree: RunsTreeProvider; treeView: vscode.TreeView<RunsNode>; log: Log; pageSize: () => number },
): TeamStoreParts {
  const teamStore = new StoreConnection(context, d.log);
  const refresh = (): void => d.runsTree.refresh();
  const teamTree = new TeamStoreTree(teamStore, d.pageSize, (node) => d.runsTree.refresh(node));
  d.runsTree.team = teamTree;
  const feedback = new FeedbackController(context, d.sources, teamStore, d.log, () => d.treeView.selection, refresh);
  // A password in the settings (checklist S-01) is reported at once, not only on connect.
  const check = (): void =>
    void teamStore.checkSettings(false).catch((err: unknown) => d.log.warn(`Checking the team store settings: ${(err as Error).message}`));
  check();
  return {
    teamStore,
    feedback,
    disposables: [
      teamStore,
      teamTree,
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('tracelens.store.postgres')) check();
      }),
      feedback,
      vscode.workspace.registerTextDocumentContentProvider(TEAM_SPAN_SCHEME, new TeamSpanDocumentProvider(teamStore)),
      ...registerStoreCommands({ connection: teamStore, teamTree, sources: d.sources, feedback, log: d.log, refresh }),
      ...feedback.register(),
    ],
  };
}
