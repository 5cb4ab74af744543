// "TraceLens: Start Receiver": a live OTLP/HTTP endpoint on loopback. Spans appear in the Runs
// tree as they arrive (updates batched every 250 ms); terminals opened while it runs get the
// OTEL_EXPORTER_OTLP_* variables so an agent started there reports to it.

import * as vscode from 'vscode';
import type { Diagnostic } from '../core/model/diagnostic';
import type { Span } from '../core/model/span';
import { importOtlpProtobuf } from '../core/formats/otlpProtobuf';
import { toOtlpJsonLines } from '../core/formats/toOtlpJson';
import { writeLinesAtomically } from '../ingest/writeLinesAtomically';
import { OtlpReceiver } from '../ingest/receiver/otlpReceiver';
import type { Log } from './log';
import type { SourceManager } from './sourceManager';

export const LIVE_URI = vscode.Uri.from({ scheme: 'tracelens-live', path: '/receiver' });
/** Live spans kept in memory; past this the oldest are dropped (and the user told). */
const MAX_LIVE_SPANS = 100_000;
const FLUSH_MS = 250;

export class LiveReceiverController implements vscode.Disposable {
  private receiver?: OtlpReceiver;
  private spans: Span[] = [];
  private diagnostics: Diagnostic[] = [];
  private dropped = 0;
  private flushTimer?: ReturnType<typeof setTimeout>;
  private readonly status = vscode.window.createStatusBarItem('tracelens.receiver', vscode.StatusBarAlignment.Left, 10);

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly sources: SourceManager,
    private readonly log: Log,
  ) {
    this.status.name = 'TraceLens Receiver';
    this.status.command = 'tracelens.receiverMenu';
  }

  get running(): boolean {
    return this.receiver !== undefined;
  }

  get endpoint(): string | undefined {
    const a = this.receiver?.address;
    return a && `http://${a.host}:${a.port}`;
  }

  async start(portOverride?: number): Promise<void> {
    if (this.receiver) return void vscode.window.showInformationMessage(`TraceLens receiver is already running at ${this.endpoint}`);
    // Checked here too: the command can be invoked programmatically (checklist R-02).
    if (!vscode.workspace.isTrusted) throw new Error('The receiver opens a network port; trust this workspace first.');
    const cfg = vscode.workspace.getConfiguration('tracelens.receiver');
    const host = cfg.get<string>('host', '127.0.0.1');
    const allowRemote = cfg.get<boolean>('allowRemote', false);
    if (allowRemote && !['127.0.0.1', 'localhost', '::1'].includes(host)) {
      const ok = await vscode.window.showWarningMessage(
        `Listen on ${host}? Any machine that can reach it could send spans to this window.`,
        { modal: true },
        'Listen',
      );
      if (ok !== 'Listen') return;
    }
    const receiver = new OtlpReceiver({
      host,
      port: portOverride ?? cfg.get<number>('port', 4318),
      allowRemote,
      maxBodyBytes: cfg.get<number>('maxBodyMiB', 20) * 1024 * 1024,
      decodeProtobuf: importOtlpProtobuf,
      onBatch: (r) => this.accept(r.spans, r.diagnostics),
    });
    try {
      await receiver.start();
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      const pick = await vscode.window.showErrorMessage(`TraceLens receiver: ${message}`, 'Use Another Port…');
      if (pick) {
        const port = await vscode.window.showInputBox({
          prompt: 'Port for the TraceLens receiver',
          value: '4319',
          validateInput: (v) => (/^\d{2,5}$/.test(v) && +v < 65536 ? undefined : 'A port number'),
        });
        if (port) await this.start(Number(port));
      }
      return;
    }
    this.receiver = receiver;
    const endpoint = this.endpoint ?? '';
    const env = this.context.environmentVariableCollection;
    env.description = 'TraceLens receiver: agents started here send OpenTelemetry spans to VS Code';
    env.replace('OTEL_EXPORTER_OTLP_ENDPOINT', endpoint);
    env.replace('OTEL_EXPORTER_OTLP_TRACES_ENDPOINT', `${endpoint}/v1/traces`);
    env.replace('OTEL_EXPORTER_OTLP_PROTOCOL', 'http/protobuf');
    env.replace('OTEL_TRACES_EXPORTER', 'otlp');
    this.log.info(`Receiver listening on ${endpoint}`);
    await this.sources.putMemorySource(LIVE_URI, `Live · ${endpoint.replace('http://', '')}`, this.spans, this.diagnostics);
    this.updateStatus();
  }

  async stop(): Promise<void> {
    const r = this.receiver;
    this.receiver = undefined;
    this.context.environmentVariableCollection.clear();
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    this.status.hide();
    if (r) {
      await r.stop();
      this.log.info(`Receiver stopped after ${r.stats.spans} spans`);
    }
  }

  /**
   * "Save Received Spans…": the spans received so far as OTLP JSON Lines (which TraceLens and
   * other OTLP tools read back), written whole through a temporary file.
   */
  async saveAs(target?: vscode.Uri): Promise<vscode.Uri | undefined> {
    if (this.spans.length === 0) {
      void vscode.window.showInformationMessage('TraceLens has received no spans to save yet.');
      return undefined;
    }
    const stamp = new Date().toISOString().replace(/[:.]/g, '-').slice(0, 19);
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
    target ??= await vscode.window.showSaveDialog({
      title: 'Save Received Spans',
      defaultUri: folder && vscode.Uri.joinPath(folder, `received-${stamp}.otlp.jsonl`),
      filters: { 'OTLP JSON Lines': ['jsonl'] },
    });
    if (!target) return undefined;
    if (target.scheme !== 'file') throw new Error('Received spans can be saved to local files only.');
    const spans = [...this.spans];
    const diagnostics: Diagnostic[] = [];
    await writeLinesAtomically(target.fsPath, toOtlpJsonLines(spans, diagnostics));
    this.log.info(`Saved ${spans.length} received spans to ${target.fsPath}${diagnostics.length ? ` (${diagnostics.length} notes)` : ''}`);
    void vscode.window
      .showInformationMessage(`Saved ${spans.length} spans to ${vscode.workspace.asRelativePath(target)}.`, 'Open')
      .then((pick) => {
        if (pick) void vscode.commands.executeCommand('vscode.open', target);
      });
    return target;
  }

  get spanCount(): number {
    return this.spans.length;
  }

  private accept(spans: Span[], diagnostics: Diagnostic[]): void {
    this.spans.push(...spans);
    this.diagnostics.push(...diagnostics.slice(0, 100));
    if (this.spans.length > MAX_LIVE_SPANS) {
      const extra = this.spans.length - MAX_LIVE_SPANS;
      this.spans.splice(0, extra);
      if (this.dropped === 0)
        void vscode.window.showWarningMessage(`TraceLens keeps the latest ${MAX_LIVE_SPANS} live spans; older ones are dropped.`);
      this.dropped += extra;
    }
    if (this.diagnostics.length > 1000) this.diagnostics.splice(0, this.diagnostics.length - 1000);
    this.flushTimer ??= setTimeout(() => {
      this.flushTimer = undefined;
      const endpoint = this.endpoint ?? '';
      void this.sources.putMemorySource(LIVE_URI, `Live · ${endpoint.replace('http://', '')}`, [...this.spans], [...this.diagnostics]);
      this.updateStatus();
    }, FLUSH_MS);
  }

  private updateStatus(): void {
    if (!this.receiver) return;
    this.status.text = `$(radio-tower) ${this.endpoint?.replace('http://', '')} · ${this.spans.length} spans`;
    this.status.tooltip = `TraceLens is receiving OpenTelemetry spans at ${this.endpoint}/v1/traces (JSON or protobuf). Click for options.`;
    this.status.show();
  }

  dispose(): void {
    void this.stop();
    this.status.dispose();
  }
}
