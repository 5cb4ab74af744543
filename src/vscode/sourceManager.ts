// Loaded sources: reads files into the store (lazily opened), ref-counted by the editors that
// show them, with their diagnostics in the Problems panel. The source file is never written.

import * as vscode from 'vscode';
import type { Diagnostic } from '../core/model/diagnostic';
import type { FormatId } from '../core/model/format';
import type { Span } from '../core/model/span';
import { normalizeTrees, spanKey } from '../core/trace/normalizeTrees';
import { summarizeRuns, type RunSummary } from '../core/trace/runs';
import { summarize, type SourceSummary } from '../core/trace/summary';
import { usageStats, type SourceUsage } from '../core/trace/usageStats';
import { importFile } from '../ingest/importFile';
import { readSpanFromSource } from '../ingest/readSpan';
import type { TraceStore } from '../store/traceStore';
import type { Log } from './log';

export interface LoadedSource {
  id: number;
  uri: vscode.Uri;
  label: string;
  format: string;
  bytes: number;
  summary: SourceSummary;
  /** The first runs, for the summary page; the tree pages through the store. */
  firstRuns: RunSummary[];
  diagnostics: Diagnostic[];
  /** Sources with no file behind them (live spans) keep their spans here for the detail view. */
  memory?: Map<string, Span>;
  /** Per template and per traced function: what CodeLens and hovers show. */
  usage: SourceUsage;
}

interface Entry {
  refs: number;
  loading: Promise<LoadedSource>;
}

export class SourceManager implements vscode.Disposable {
  private readonly entries = new Map<string, Entry>();
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;
  private readonly problems = vscode.languages.createDiagnosticCollection('tracelens');
  private store?: Promise<TraceStore>;

  constructor(
    private readonly openStore: () => Promise<TraceStore>,
    private readonly log: Log,
  ) {}

  getStore(): Promise<TraceStore> {
    this.store ??= this.openStore();
    return this.store;
  }

  /** Load a file (once) and take a reference to it; `release` gives it back. */
  acquire(uri: vscode.Uri): Promise<LoadedSource> {
    const key = uri.toString();
    const existing = this.entries.get(key);
    if (existing) {
      existing.refs++;
      return existing.loading;
    }
    const loading = this.load(uri);
    this.entries.set(key, { refs: 1, loading });
    loading.catch(() => this.entries.delete(key));
    return loading;
  }

  async release(uri: vscode.Uri): Promise<void> {
    const key = uri.toString();
    const entry = this.entries.get(key);
    if (!entry || --entry.refs > 0) return;
    this.entries.delete(key);
    await this.unload(uri, entry);
  }

  /** Close a source regardless of how many editors hold it. */
  async close(uri: vscode.Uri): Promise<void> {
    const key = uri.toString();
    const entry = this.entries.get(key);
    if (!entry) return;
    this.entries.delete(key);
    await this.unload(uri, entry);
  }

  private async unload(uri: vscode.Uri, entry: Entry): Promise<void> {
    this.problems.delete(uri);
    try {
      const src = await entry.loading;
      await (await this.getStore()).removeSource(src.id);
      this.log.info(`Closed ${uri.fsPath}`);
    } catch {
      /* a failed load has nothing to remove */
    }
    this.changed.fire();
  }

  /**
   * Set the whole content of an in-memory source (the live receiver). It is re-indexed as one
   * unit, so parents that arrive after their children still join; updates are serialised.
   */
  putMemorySource(uri: vscode.Uri, label: string, spans: Span[], diagnostics: Diagnostic[]): Promise<LoadedSource> {
    const key = uri.toString();
    const previous = this.entries.get(key);
    const loading = (async (): Promise<LoadedSource> => {
      const store = await this.getStore();
      const old = await previous?.loading.catch(() => undefined);
      if (old) await store.removeSource(old.id);
      const { spans: clean } = normalizeTrees(
        spans.map((s) => ({ ...s, parentId: s.parentId ?? s.detachedParentId, detachedParentId: undefined })),
      );
      const row = await store.addSource({ uri: key, label, format: 'otlp-json', bytes: 0 }, clean);
      const src: LoadedSource = {
        id: row.id,
        uri,
        label,
        format: 'otlp-json',
        bytes: 0,
        summary: summarize(clean),
        firstRuns: summarizeRuns(clean).slice(0, 200),
        diagnostics,
        memory: new Map(clean.map((s) => [spanKey(s.traceId, s.spanId), s])),
        usage: usageStats(clean),
      };
      this.changed.fire();
      return src;
    })();
    this.entries.set(key, { refs: previous?.refs ?? 1, loading });
    return loading;
  }

  async loaded(): Promise<LoadedSource[]> {
    const settled = await Promise.allSettled([...this.entries.values()].map((e) => e.loading));
    return settled.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
  }

  async byId(id: number): Promise<LoadedSource | undefined> {
    return (await this.loaded()).find((s) => s.id === id);
  }

  /** Formats the user chose with "Open as Format…", by source URI. */
  private readonly formatOverrides = new Map<string, FormatId>();

  /** Re-read a loaded source as the given format (or detect it again when undefined). */
  async reloadAs(uri: vscode.Uri, format: FormatId | undefined): Promise<LoadedSource> {
    const key = uri.toString();
    if (format) this.formatOverrides.set(key, format);
    else this.formatOverrides.delete(key);
    const entry = this.entries.get(key);
    const refs = entry?.refs ?? 1;
    if (entry) {
      this.entries.delete(key);
      await this.unload(uri, entry);
    }
    const loading = this.load(uri);
    this.entries.set(key, { refs, loading });
    loading.catch(() => this.entries.delete(key));
    return loading;
  }

  private async load(uri: vscode.Uri): Promise<LoadedSource> {
    if (uri.scheme !== 'file') throw new Error(`TraceLens reads local files only (got ${uri.scheme}:)`);
    const started = Date.now();
    const result = await importFile(uri.fsPath, { format: this.formatOverrides.get(uri.toString()) });
    const store = await this.getStore();
    const label = uri.path.split('/').pop() ?? uri.fsPath;
    const row = await store.addSource(
      { uri: uri.toString(), label, format: result.format, bytes: result.bytes, mtimeMs: result.mtimeMs },
      result.spans,
    );
    this.showProblems(uri, result.diagnostics);
    this.log.info(
      `Loaded ${uri.fsPath}: ${result.format}, ${row.traceCount} runs, ${row.spanCount} spans, ${result.diagnostics.length} diagnostics in ${Date.now() - started} ms`,
    );
    const src: LoadedSource = {
      id: row.id,
      uri,
      label,
      format: result.format,
      bytes: result.bytes,
      summary: summarize(result.spans),
      firstRuns: summarizeRuns(result.spans).slice(0, 200),
      diagnostics: result.diagnostics,
      usage: usageStats(result.spans),
    };
    this.changed.fire();
    return src;
  }

  private showProblems(uri: vscode.Uri, diags: Diagnostic[]): void {
    const severity = {
      error: vscode.DiagnosticSeverity.Error,
      warning: vscode.DiagnosticSeverity.Warning,
      info: vscode.DiagnosticSeverity.Information,
    };
    this.problems.set(
      uri,
      diags.map((d) => {
        const line = Math.max(0, (d.line ?? 1) - 1);
        const item = new vscode.Diagnostic(
          new vscode.Range(line, 0, line, 0),
          d.offset !== undefined ? `${d.message} (byte ${d.offset})` : d.message,
          severity[d.severity],
        );
        item.source = 'TraceLens';
        item.code = d.code;
        return item;
      }),
    );
  }

  /** The full span, read back from the source by its byte range. */
  async readSpan(sourceId: number, traceId: string, spanId: string): Promise<{ span?: Span; source?: LoadedSource }> {
    const source = await this.byId(sourceId);
    if (source?.memory) return { source, span: source.memory.get(spanKey(traceId, spanId)) };
    const row = await (await this.getStore()).getSpan(sourceId, traceId, spanId);
    if (!source || !row || row.byteStart === undefined || row.byteEnd === undefined) return { source };
    const span = await readSpanFromSource(
      source.uri.fsPath,
      { byteStart: row.byteStart, byteEnd: row.byteEnd, line: row.line ?? 1 },
      traceId,
      spanId,
    );
    return { span, source };
  }

  dispose(): void {
    this.changed.dispose();
    this.problems.dispose();
    void this.store?.then((s) => s.close()).catch(() => undefined);
  }
}
