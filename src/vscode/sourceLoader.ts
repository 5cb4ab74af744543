// Loads one trace file into the store for the SourceManager. Files stream through the index
// (streamImport.ts: a worker parses, this thread stores batch by batch, the index is cached in
// the extension's storage), with progress, Cancel, and the first runs shown while the rest loads;
// what the source shows (summary, first runs, CodeLens usage) is read back from the index.
// Formats whose importer merges records across the file go the whole-file way (streamRoute.ts).
// The file itself is only ever read.

import * as fs from 'node:fs';
import * as vscode from 'vscode';
import type { Diagnostic } from '../core/model/diagnostic';
import type { FormatId } from '../core/model/format';
import type { Span } from '../core/model/span';
import type { RunSummary } from '../core/trace/runs';
import type { SourceSummary } from '../core/trace/summary';
import { usageStats, type SourceUsage } from '../core/trace/usageStats';
import { MAX_WHOLE_FILE_BYTES, importFile } from '../ingest/importFile';
import { readSpansBack as readBack, usageFromIndex } from '../ingest/indexedUsage';
import { streamImportFile, type StreamImportResult } from '../ingest/streamImport';
import { routeFor } from '../ingest/streamRoute';
import type { UsageSpanRef } from '../store/sqlJsUsage';
import type { SourceState, TraceStore } from '../store/traceStore';
import { formatBytes, startLoadProgress } from './loadProgress';
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
  /**
   * `loading` while a big file streams in (shown with its first runs); `partial` after a cancel or
   * failure; absent: complete.
   */
  state?: SourceState;
  /** How far into the file the index reaches (bytes; absent: all of it). */
  bytesIndexed?: number;
  /** The index came from the index cache (the file was indexed before and is unchanged). */
  fromCache?: boolean;
  /**
   * How a span's detail is read back: `indexed` through the index's byte ranges and document
   * contexts (streamed JSON), `record` (the default) by re-importing the record that holds it.
   */
  reader?: 'indexed' | 'record';
}

/** Files below this size load in-process (no worker to start); they take a few turns. */
export const IN_PROCESS_MAX_BYTES = 1 * 2 ** 20;
/** Files from this size are shown in the tree as soon as their first runs are in. */
export const SHOW_WHILE_LOADING_BYTES = 2 * 2 ** 20;
const FIRST_RUNS = 200;
/** How often a visible loading source refreshes its counts in the tree. */
const UPDATE_MS = 1000;

export interface LoaderDeps {
  store: TraceStore;
  log: Log;
  /** The index cache folder (none: no caching). */
  cacheDir?: string;
}

export interface LoadHooks {
  controller: AbortController;
  /** A big file's first runs are in: show the source while the rest loads. */
  onVisible(src: LoadedSource): void;
  /** Its counts moved on (throttled). */
  onUpdate(): void;
  /** The load was stopped by closing the source: no message. */
  closing(): boolean;
}

export function emptySummary(): SourceSummary {
  return { traces: 0, spans: 0, errorSpans: 0, llmSpans: 0, inputTokens: 0, outputTokens: 0, models: [], services: [] };
}

const emptyUsage = (): SourceUsage => ({ templates: new Map(), functions: new Map() });

export async function loadFileSource(
  uri: vscode.Uri,
  format: FormatId | undefined,
  deps: LoaderDeps,
  hooks: LoadHooks,
): Promise<LoadedSource> {
  if (uri.scheme !== 'file') throw new Error(`TraceLens reads local files only (got ${uri.scheme}:)`);
  const file = uri.fsPath;
  const label = uri.path.split('/').pop() ?? file;
  const started = Date.now();
  const route = await routeFor(file, format);
  if (route.way === 'whole') {
    deps.log.info(`Reading ${file} whole: ${route.reason ?? 'its records depend on each other'}`);
    return loadWhole(uri, label, format, deps, started);
  }
  const { store } = deps;
  const size = (await fs.promises.stat(file)).size;
  const live: LoadedSource = {
    id: -1,
    uri,
    label,
    format: format ?? 'unknown',
    bytes: size,
    summary: emptySummary(),
    firstRuns: [],
    diagnostics: [],
    usage: emptyUsage(),
    state: 'loading',
    bytesIndexed: 0,
    reader: 'indexed',
  };
  let settled = false;
  let visible = false;
  let lastUpdate = 0;
  const ui = startLoadProgress(label, size, hooks.controller);
  let result: StreamImportResult;
  try {
    result = await streamImportFile(file, {
      store,
      // A forced format reads the file differently from the cached index: no cache then.
      cacheDir: format ? undefined : deps.cacheDir,
      writeCache: !format,
      signal: hooks.controller.signal,
      uri: uri.toString(),
      label,
      format,
      worker: size > IN_PROCESS_MAX_BYTES,
      // The whole-file importer's limit also holds for single documents read whole (protobuf…).
      indexer: { maxWholeDocumentBytes: MAX_WHOLE_FILE_BYTES },
      onFirstRuns: (row) => {
        live.id = row.id;
        if (size < SHOW_WHILE_LOADING_BYTES) return;
        void store.listRuns(row.id, { limit: FIRST_RUNS }).then((runs) => {
          if (settled) return;
          live.firstRuns = runs;
          live.summary = { ...live.summary, traces: Math.max(live.summary.traces, runs.length) };
          visible = true;
          hooks.onVisible(live);
        });
      },
      onProgress: (p) => {
        ui.report(p.bytesDone, p.phase === 'finishing' ? 'Finishing the index…' : undefined);
        live.bytesIndexed = p.bytesDone;
        live.summary.spans = p.spans;
        if (p.sourceId !== undefined) live.id = p.sourceId;
        const now = Date.now();
        if (visible && !settled && now - lastUpdate >= UPDATE_MS) {
          lastUpdate = now;
          hooks.onUpdate();
        }
      },
    });
  } finally {
    settled = true;
    ui.dispose();
  }
  const id = result.source.id;
  const src: LoadedSource = {
    ...live,
    id,
    format: result.format,
    summary: (await store.sourceSummary(id)) ?? live.summary,
    firstRuns: await store.listRuns(id, { limit: FIRST_RUNS }),
    diagnostics: result.diagnostics,
    state: result.complete ? 'complete' : 'partial',
    bytesIndexed: result.bytesIndexed,
    fromCache: result.fromCache,
    reader: result.format === 'otlp-protobuf' ? 'record' : 'indexed',
  };
  src.usage = await indexUsage(store, src, deps.log);
  const how = result.fromCache ? 'from the index cache' : result.complete ? 'streamed' : result.cancelled ? 'cancelled' : 'stopped';
  deps.log.info(
    `Loaded ${file} (${how}): ${src.format}, ${src.summary.traces} runs, ${src.summary.spans} spans, ${src.diagnostics.length} diagnostics in ${Date.now() - started} ms` +
      // The search tables follow in the background (src/store/sqlJsSearchBuild.ts); a search waits for them.
      (result.searchIndex === 'deferred' ? '; its search index is built in the background' : ''),
  );
  if (!result.complete && !hooks.closing()) {
    const pct = size ? Math.floor((result.bytesIndexed / size) * 1000) / 10 : 100;
    const why = result.cancelled ? 'was cancelled' : `stopped (${result.error ?? 'read error'})`;
    void vscode.window.showWarningMessage(
      `TraceLens: loading ${label} ${why} at ${pct}% (${formatBytes(result.bytesIndexed)} of ${formatBytes(size)}); the ${src.summary.traces} runs read so far are shown.`,
    );
  }
  return src;
}

async function loadWhole(
  uri: vscode.Uri,
  label: string,
  format: FormatId | undefined,
  deps: LoaderDeps,
  started: number,
): Promise<LoadedSource> {
  const result = await importFile(uri.fsPath, { format });
  const { store } = deps;
  const row = await store.addSource(
    { uri: uri.toString(), label, format: result.format, bytes: result.bytes, mtimeMs: result.mtimeMs },
    result.spans,
  );
  const src: LoadedSource = {
    id: row.id,
    uri,
    label,
    format: result.format,
    bytes: result.bytes,
    summary: (await store.sourceSummary(row.id)) ?? emptySummary(),
    firstRuns: await store.listRuns(row.id, { limit: FIRST_RUNS }),
    diagnostics: result.diagnostics,
    // The spans are in memory already: the exact in-memory statistics cost nothing more.
    usage: usageStats(result.spans),
    state: 'complete',
    bytesIndexed: result.bytes,
    reader: 'record',
  };
  deps.log.info(
    `Loaded ${uri.fsPath} (whole file): ${src.format}, ${row.traceCount} runs, ${row.spanCount} spans, ${src.diagnostics.length} diagnostics in ${Date.now() - started} ms`,
  );
  return src;
}

/** Spans of a loaded source read back from its file by their byte ranges. */
export function readSpansBack(store: TraceStore, src: LoadedSource, refs: UsageSpanRef[]): Promise<(Span | undefined)[]> {
  return readBack(store, { id: src.id, file: src.uri.fsPath, reader: src.reader }, refs);
}

/** CodeLens usage from the index, template values read back from the file (none without index usage). */
async function indexUsage(store: TraceStore, src: LoadedSource, log: Log): Promise<SourceUsage> {
  const usage = await usageFromIndex(store, { id: src.id, file: src.uri.fsPath, reader: src.reader }, (err) =>
    // The file changed or went away since it was indexed: the counts stand, values are left out.
    log.warn(`Could not read template values back from ${src.uri.fsPath}: ${String(err)}`),
  );
  return usage ?? emptyUsage();
}
