// Loaded sources: reads files into the store (lazily opened), ref-counted by the editors that
// show them, with their diagnostics in the Problems panel. Files stream in (sourceLoader.ts): a
// big one is listed with its first runs while the rest loads, and can be cancelled, keeping what
// was read. The source file is never written.

import * as vscode from 'vscode';
import type { Diagnostic } from '../core/model/diagnostic';
import type { FormatId } from '../core/model/format';
import type { Span } from '../core/model/span';
import { normalizeTrees, spanKey } from '../core/trace/normalizeTrees';
import { summarizeRuns } from '../core/trace/runs';
import { summarize } from '../core/trace/summary';
import { usageStats } from '../core/trace/usageStats';
import type { TraceStore } from '../store/traceStore';
import type { Log } from './log';
import { loadFileSource, readSpansBack, type LoadedSource } from './sourceLoader';

export type { LoadedSource } from './sourceLoader';

interface Entry {
  refs: number;
  loading: Promise<LoadedSource>;
  /** What the tree shows: the loaded source, or a big file's while it loads. */
  current?: LoadedSource;
  /** Aborts a load in flight (Cancel, or the source closed while loading). */
  controller?: AbortController;
  closing?: boolean;
}

export class SourceManager implements vscode.Disposable {
  private readonly entries = new Map<string, Entry>();
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;
  private readonly problems = vscode.languages.createDiagnosticCollection('tracelens');
  private store?: Promise<TraceStore>;
  /** Formats the user chose with "Open as Format…", by source URI. */
  private readonly formatOverrides = new Map<string, FormatId>();

  constructor(
    private readonly openStore: () => Promise<TraceStore>,
    private readonly log: Log,
    /** The index cache folder (the extension's global storage); none: no caching. */
    private readonly cacheDir?: string,
  ) {}

  getStore(): Promise<TraceStore> {
    this.store ??= this.openStore();
    return this.store;
  }

  /** Load a file (once) and take a reference to it; `release` gives it back. */
  acquire(uri: vscode.Uri): Promise<LoadedSource> {
    const existing = this.entries.get(uri.toString());
    if (existing) {
      existing.refs++;
      return existing.loading;
    }
    return this.startLoad(uri, 1).loading;
  }

  private startLoad(uri: vscode.Uri, refs: number): Entry {
    const key = uri.toString();
    const entry: Entry = { refs, loading: undefined as unknown as Promise<LoadedSource>, controller: new AbortController() };
    entry.loading = this.load(uri, entry);
    this.entries.set(key, entry);
    entry.loading.catch(() => {
      if (this.entries.get(key) === entry) this.entries.delete(key);
      if (entry.current) this.changed.fire();
    });
    return entry;
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

  /**
   * Stop a load in flight (what the notification's Cancel does): what was read stays loaded,
   * marked partial. False when nothing was loading.
   */
  cancel(uri: vscode.Uri): boolean {
    const entry = this.entries.get(uri.toString());
    if (!entry?.controller || entry.controller.signal.aborted) return false;
    entry.controller.abort();
    return true;
  }

  private async unload(uri: vscode.Uri, entry: Entry): Promise<void> {
    this.problems.delete(uri);
    entry.closing = true;
    entry.controller?.abort();
    entry.current = undefined;
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
    const entry: Entry = { refs: previous?.refs ?? 1, loading: undefined as unknown as Promise<LoadedSource>, current: previous?.current };
    entry.loading = (async (): Promise<LoadedSource> => {
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
        state: 'complete',
        bytesIndexed: 0,
        reader: 'record',
      };
      entry.current = src;
      this.changed.fire();
      return src;
    })();
    this.entries.set(key, entry);
    return entry.loading;
  }

  /** Every source, once loaded (waits for loads in flight). */
  async loaded(): Promise<LoadedSource[]> {
    const settled = await Promise.allSettled([...this.entries.values()].map((e) => e.loading));
    return settled.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
  }

  /**
   * What the Runs tree lists, without waiting: loaded sources, and big files still loading once
   * their first runs are in (`state: 'loading'`).
   */
  visible(): LoadedSource[] {
    return [...this.entries.values()].flatMap((e) => (e.current ? [e.current] : []));
  }

  async byId(id: number): Promise<LoadedSource | undefined> {
    return this.visible().find((s) => s.id === id) ?? (await this.loaded()).find((s) => s.id === id);
  }

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
    return this.startLoad(uri, refs).loading;
  }

  private async load(uri: vscode.Uri, entry: Entry): Promise<LoadedSource> {
    const controller = entry.controller ?? new AbortController();
    const src = await loadFileSource(
      uri,
      this.formatOverrides.get(uri.toString()),
      { store: await this.getStore(), log: this.log, cacheDir: this.cacheDir },
      {
        controller,
        onVisible: (live) => {
          if (entry.closing) return;
          entry.current = live;
          this.changed.fire();
        },
        onUpdate: () => {
          if (!entry.closing) this.changed.fire();
        },
        closing: () => entry.closing === true,
      },
    );
    entry.controller = undefined;
    if (entry.closing) return src;
    entry.current = src;
    this.showProblems(uri, src.diagnostics);
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

  /** The full span, read back from the source by its byte range (also while the source loads). */
  async readSpan(sourceId: number, traceId: string, spanId: string): Promise<{ span?: Span; source?: LoadedSource }> {
    const source = await this.byId(sourceId);
    // Live spans are re-indexed as a new source on every batch, so marks do not stay with them.
    if (source?.memory) return { source, span: source.memory.get(spanKey(traceId, spanId)) };
    const store = await this.getStore();
    const row = await store.getSpan(sourceId, traceId, spanId);
    if (!source || !row || row.byteStart === undefined || row.byteEnd === undefined) return { source };
    const [span] = await readSpansBack(store, source, [
      { traceId, spanId, byteStart: row.byteStart, byteEnd: row.byteEnd, line: row.line ?? 1 },
    ]);
    return { span: await withMarks(store, sourceId, span), source };
  }

  dispose(): void {
    for (const e of this.entries.values()) {
      e.closing = true;
      e.controller?.abort();
    }
    this.changed.dispose();
    this.problems.dispose();
    void this.store?.then((s) => s.close()).catch(() => undefined);
  }
}

/**
 * The span as the views show it: with the marks given in TraceLens ("Mark Output Good / Bad")
 * beside the feedback the source carries, so the detail and the lineage graph show them too.
 */
async function withMarks(store: TraceStore, sourceId: number, span: Span | undefined): Promise<Span | undefined> {
  if (!span) return span;
  const marks = await store.listFeedback(sourceId, span.traceId, span.spanId).catch(() => []);
  if (!marks.length) return span;
  const given = marks.map((m) => ({
    label: m.value,
    score: m.value === 'positive' ? 1 : -1,
    comment: m.note,
    source: m.author ? `TraceLens · ${m.author}` : 'TraceLens',
    name: 'user mark',
  }));
  return { ...span, feedback: [...(span.feedback ?? []), ...given] };
}
