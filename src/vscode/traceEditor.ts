// The read-only custom editor for trace files: opening one loads it into the Runs tree and
// shows a summary page; closing it unloads it. The file itself is never written.

import * as vscode from 'vscode';
import { formatDurationNs } from '../core/formats/time';
import { isoFromNanos } from '../core/formats/time';
import { FORMAT_LABELS, type FormatId } from '../core/model/format';
import { parseWebviewMessage, type HostMessage, type SummaryData } from '../protocol/messages';
import { Commands, VIEW_RUNS } from './commandIds';
import type { Log } from './log';
import type { LoadedSource, SourceManager } from './sourceManager';
import { buildWebviewHtml, webviewOptions } from './webviewHtml';

class TraceDocument implements vscode.CustomDocument {
  constructor(
    readonly uri: vscode.Uri,
    readonly loaded: Promise<LoadedSource>,
    private readonly onDispose: () => void,
  ) {}

  dispose(): void {
    this.onDispose();
  }
}

export function summaryData(src: LoadedSource): SummaryData {
  const s = src.summary;
  return {
    title: src.label,
    format: FORMAT_LABELS[src.format as FormatId] ?? src.format,
    bytes: src.bytes,
    traces: s.traces,
    spans: s.spans,
    errorSpans: s.errorSpans,
    llmSpans: s.llmSpans,
    inputTokens: s.inputTokens,
    outputTokens: s.outputTokens,
    models: s.models,
    services: s.services,
    start: s.startNs !== undefined ? isoFromNanos(s.startNs) : undefined,
    end: s.endNs !== undefined ? isoFromNanos(s.endNs) : undefined,
    diagnostics: src.diagnostics.slice(0, 200).map((d) => ({ severity: d.severity, message: d.message, line: d.line, offset: d.offset })),
    runs: src.firstRuns.slice(0, 100).map((r) => ({
      traceId: r.traceId,
      name: r.preview ?? r.name,
      status: r.errorCount ? 'error' : 'ok',
      latency: formatDurationNs(r.endNs - r.startNs),
      spanCount: r.spanCount,
      guardsFailed: r.guardsFailed,
      negativeFeedback: r.negativeFeedback,
    })),
    moreRuns: Math.max(0, s.traces - 100),
  };
}

export class TraceEditorProvider implements vscode.CustomReadonlyEditorProvider<TraceDocument> {
  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly sources: SourceManager,
    private readonly log: Log,
  ) {}

  openCustomDocument(uri: vscode.Uri): TraceDocument {
    const loaded = Promise.resolve(
      vscode.window.withProgress(
        { location: vscode.ProgressLocation.Window, title: `TraceLens: loading ${uri.path.split('/').pop()}` },
        () => this.sources.acquire(uri),
      ),
    );
    loaded.then(
      (src) => {
        const errors = src.diagnostics.filter((d) => d.severity === 'error');
        if (errors.length) {
          const first = errors[0];
          void vscode.window.showWarningMessage(
            `TraceLens: ${src.label} has ${errors.length} problem(s); everything valid was loaded. First: line ${first.line ?? '?'}: ${first.message}`,
          );
        }
      },
      (err: unknown) => {
        this.log.error(`Failed to load ${uri.fsPath}: ${String(err)}`);
        void vscode.window.showErrorMessage(`TraceLens could not open ${uri.fsPath}: ${err instanceof Error ? err.message : String(err)}`);
      },
    );
    return new TraceDocument(
      uri,
      loaded,
      () =>
        void loaded.then(
          () => this.sources.release(uri),
          () => undefined,
        ),
    );
  }

  resolveCustomEditor(doc: TraceDocument, panel: vscode.WebviewPanel): void {
    const { webview } = panel;
    webview.options = webviewOptions(this.extensionUri);
    webview.html = buildWebviewHtml(webview, this.extensionUri, { title: doc.uri.path.split('/').pop() ?? 'Trace', view: 'summary' });
    const post = (msg: HostMessage): Thenable<boolean> => webview.postMessage(msg);
    const sub = webview.onDidReceiveMessage(async (raw: unknown) => {
      const msg = parseWebviewMessage(raw);
      if (!msg) return;
      if (msg.type === 'ready') {
        void post({ type: 'loading', text: 'Loading…' });
        // A big file lists its first runs while the rest loads: say how far it is meanwhile.
        const progress = this.sources.onDidChange(() => {
          const src = this.sources.visible().find((s) => s.uri.toString() === doc.uri.toString());
          if (src?.state === 'loading') void post({ type: 'loading', text: loadingText(src) });
        });
        void doc.loaded.finally(() => progress.dispose()).catch(() => undefined);
        panel.onDidDispose(() => progress.dispose());
        try {
          void post({ type: 'summary', data: summaryData(await doc.loaded) });
        } catch (err) {
          void post({ type: 'error', text: `Could not open this file: ${err instanceof Error ? err.message : String(err)}` });
        }
      } else if (msg.type === 'revealRun') {
        const src = await doc.loaded;
        await vscode.commands.executeCommand(Commands.revealRun, { sourceId: src.id, traceId: msg.traceId });
      } else if (msg.type === 'showRuns') {
        await vscode.commands.executeCommand(`${VIEW_RUNS}.focus`);
      }
    });
    panel.onDidDispose(() => sub.dispose());
  }
}

function loadingText(src: LoadedSource): string {
  const pct = src.bytes > 0 ? ` ${Math.floor(((src.bytesIndexed ?? 0) / src.bytes) * 100)}%` : '';
  const { traces, spans } = src.summary;
  return `Loading…${pct} — ${traces.toLocaleString('en-US')} runs and ${spans.toLocaleString('en-US')} spans so far; the Runs view lists them as they arrive.`;
}
