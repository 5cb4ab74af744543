// Team store commands: Connect to Store…, Disconnect Store, Push to Store (loaded sources →
// PostgreSQL, with progress and cancel), and the team tree's "Load more…".

import * as vscode from 'vscode';
import type { FormatId } from '../core/model/format';
import type { Span } from '../core/model/span';
import { importFile } from '../ingest/importFile';
import { describeHealth } from '../store/pg/pgHealth';
import type { SourceRow } from '../store/traceStore';
import { Commands } from './commandIds';
import type { FeedbackController } from './feedback';
import type { Log } from './log';
import type { RunsNode } from './runsTree';
import type { LoadedSource, SourceManager } from './sourceManager';
import type { StoreConnection } from './storeConnection';
import type { TeamStoreTree } from './storeConnectionTree';

export interface StoreCommandDeps {
  connection: StoreConnection;
  teamTree: TeamStoreTree;
  sources: SourceManager;
  feedback: FeedbackController;
  log: Log;
  refresh: () => void;
}

export interface PushResult {
  pushed: { label: string; source: SourceRow }[];
  cancelled: boolean;
}

/** The spans of a loaded source, in full: read again from the file (never written), or from memory. */
async function spansOf(src: LoadedSource): Promise<Span[]> {
  if (src.memory) return [...src.memory.values()];
  const format = src.format && src.format !== 'unknown' ? (src.format as FormatId) : undefined;
  return (await importFile(src.uri.fsPath, { format })).spans;
}

export async function pushSources(d: StoreCommandDeps, chosen: LoadedSource[]): Promise<PushResult> {
  const store = d.connection.require();
  const embedded = await d.sources.getStore();
  const rows = new Map((await embedded.listSources()).map((r) => [r.id, r]));
  const result: PushResult = { pushed: [], cancelled: false };
  await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `TraceLens: pushing to ${d.connection.label}`, cancellable: true },
    async (progress, token) => {
      const abort = new AbortController();
      const sub = token.onCancellationRequested(() => abort.abort());
      try {
        for (const src of chosen) {
          if (abort.signal.aborted) break;
          progress.report({ message: `${src.label}: reading` });
          const spans = await spansOf(src);
          const row = rows.get(src.id);
          let last = 0;
          const source = await store.pushSource(
            { uri: src.uri.toString(), label: src.label, format: src.format as FormatId, bytes: src.bytes, mtimeMs: row?.mtimeMs },
            spans,
            {
              signal: abort.signal,
              onProgress: (done, total) => {
                progress.report({
                  message: `${src.label}: ${done} of ${total} spans`,
                  increment: ((done - last) / total / chosen.length) * 100,
                });
                last = done;
              },
            },
          );
          // Marks given locally on this file go along (same author, replacing theirs).
          for (const m of row ? await d.feedback.file.marksFor(row) : []) {
            await store.addFeedback(source.id, m).catch((err: Error) => d.log.warn(`Feedback on ${m.spanId} not pushed: ${err.message}`));
          }
          result.pushed.push({ label: src.label, source });
          d.log.info(`Pushed ${src.label} to ${d.connection.target}: ${source.traceCount} runs, ${source.spanCount} spans`);
        }
      } catch (err) {
        if ((err as Error).name !== 'AbortError') throw err;
      } finally {
        result.cancelled = abort.signal.aborted;
        sub.dispose();
        d.refresh();
      }
    },
  );
  return result;
}

export function registerStoreCommands(d: StoreCommandDeps): vscode.Disposable[] {
  const reg = (id: string, fn: (...args: unknown[]) => unknown): vscode.Disposable =>
    vscode.commands.registerCommand(id, async (...args: unknown[]) => {
      try {
        // Nothing a command returns carries a secret: results are row counts and labels.
        return await fn(...args);
      } catch (err) {
        const msg = err instanceof Error ? err.message : String(err);
        d.log.error(`${id} failed: ${msg}`);
        void vscode.window.showErrorMessage(`TraceLens: ${msg}`);
        return undefined;
      }
    });
  return [
    reg(Commands.connectStore, async () => {
      const store = await d.connection.connect();
      if (!store) return undefined;
      void vscode.window.showInformationMessage(`TraceLens: connected to ${d.connection.label} as ${store.author}.`);
      await vscode.commands.executeCommand('tracelens.runs.focus');
      return { target: store.target };
    }),
    reg(Commands.disconnectStore, () => d.connection.disconnect()),
    reg(Commands.reconnectStore, async () => {
      const h = await d.connection.reconnect();
      if (!h) return undefined;
      if (h.kind === 'connected') void vscode.window.showInformationMessage(`TraceLens: ${d.connection.label} is reachable.`);
      else
        void vscode.window.showWarningMessage(
          `TraceLens: ${d.connection.target} is still unreachable: ${h.error}. TraceLens keeps retrying (${describeHealth(h)}).`,
        );
      return { connected: h.kind === 'connected' };
    }),
    reg(Commands.pushToStore, async (arg) => {
      d.connection.require();
      const node = arg as RunsNode | undefined;
      const loaded = await d.sources.loaded();
      let chosen: LoadedSource[];
      if (node?.type === 'source') chosen = [node.source];
      else {
        if (!loaded.length) throw new Error('No trace files are open: open one, then push it.');
        const picks = await vscode.window.showQuickPick(
          loaded.map((s) => ({ label: s.label, description: `${s.summary.traces} runs · ${s.summary.spans} spans`, picked: true, s })),
          { canPickMany: true, placeHolder: `Push which sources to ${d.connection.label}?` },
        );
        if (!picks?.length) return undefined;
        chosen = picks.map((p) => p.s);
      }
      const r = await pushSources(d, chosen);
      const what = r.pushed.map((p) => `${p.label} (${p.source.traceCount} runs)`).join(', ') || 'nothing';
      void vscode.window.showInformationMessage(`TraceLens: ${r.cancelled ? 'push cancelled after' : 'pushed'} ${what}.`);
      return {
        pushed: r.pushed.map((p) => ({ label: p.label, runs: p.source.traceCount, spans: p.source.spanCount })),
        cancelled: r.cancelled,
      };
    }),
    reg(Commands.teamStoreLoadMore, (key) => {
      if (typeof key === 'string') d.teamTree.loadMore(key);
    }),
  ];
}
