// Open a trace file of any size into the store: from the index cache when the file is unchanged,
// otherwise streamed — read, parsed and mapped in a worker thread (the second core), inserted
// here batch by batch, so runs are listable from the first batch on. Progress reports bytes
// done; an AbortSignal stops the load and keeps what was read (the source is marked `partial`
// and says how far it got). The file is only ever read.

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Worker } from 'node:worker_threads';
import type { Diagnostic } from '../core/model/diagnostic';
import type { FormatId } from '../core/model/format';
import type { LineageRun } from '../core/model/lineage';
import { mergeLineageRuns } from '../core/lineage/mergeRuns';
import { rootPreview } from '../store/spanRows';
import { readIndexCache, sourceIdentity, writeIndexCache, type SourceIdentity } from '../store/indexCache';
import {
  isCacheableStore,
  type FinishResult,
  type PreviewRequest,
  type SourceInfo,
  type SourceRow,
  type SourceWriter,
  type TraceStore,
} from '../store/traceStore';
import { FileIndexer, type FileIndexerOptions, type IndexEvent, type IndexSummary } from './fileIndexer';
import { mergeSummaries } from './indexSummary';
import { IN_FLIGHT, STOP, type IndexWorkerData, type WorkerMessage } from './indexWorker';
import { compareDuplicates, readSpansAt } from './readIndexedSpan';
import { runSearchPass } from './searchPass';
import { startWorker } from './workerStart';
import type { DeferOptions, SearchIndexBuilder, SearchIndexStatus } from '../store/sqlJsSearchBuild';

export interface StreamImportProgress {
  phase: 'cache' | 'indexing' | 'finishing' | 'done';
  bytesDone: number;
  bytesTotal: number;
  spans: number;
  /** True from the moment the first batch is in the store: runs can be listed. */
  firstRunsAvailable: boolean;
  sourceId?: number;
}

export interface StreamImportOptions {
  store: TraceStore;
  /** Where the index cache lives (the extension's global storage); no caching without it. */
  cacheDir?: string;
  signal?: AbortSignal;
  onProgress?: (p: StreamImportProgress) => void;
  /** Called once, as soon as the first batch is indexed (or the cached index is open). */
  onFirstRuns?: (source: SourceRow) => void;
  /** Defaults: `uri` = file URI of the path, `label` = its base name. */
  uri?: string;
  label?: string;
  /** Force a format instead of detecting it per record. */
  format?: FormatId;
  /** Parse in a worker thread (default). `false` runs the same code here, a chunk per turn. */
  worker?: boolean;
  /** Worker threads sharing the parsing (default: defaultWorkerCount(file size)). */
  workers?: number;
  /** The worker script; defaults to `indexWorker.js` beside this file (the bundle) or the source. */
  workerScript?: string;
  /** Batches queued between the worker and the store before the worker waits. */
  maxInFlight?: number;
  indexer?: FileIndexerOptions;
  /** Save the index in `cacheDir` after a complete load (default true); awaited before returning. */
  writeCache?: boolean;
  /**
   * When the search tables are built (stores that can defer them; others always get them inline):
   * - `background` (default with a worker): after the load, by a second pass in a worker, while
   *   the runs are already shown; the index cache is saved again once they are in;
   * - `lazy`: by the first search that needs them (or `buildSearchIndex`);
   * - `inline` (default without a worker): with the span rows, in the same pass (~5× the store's
   *   work per span: fine for small files).
   * A search that needs them before they are built waits for them (SqlJsStore.searchIndexStatus).
   */
  searchIndex?: 'background' | 'lazy' | 'inline';
}

/** A store that can build a source's search tables after its load (SqlJsStore). */
interface DeferringStore extends TraceStore {
  deferSearchIndex(sourceId: number, builder: SearchIndexBuilder, opts?: DeferOptions): void;
  buildSearchIndex(sourceId: number): Promise<void>;
  searchIndexStatus(sourceId: number): SearchIndexStatus | undefined;
}

const defersSearch = (store: TraceStore): store is DeferringStore =>
  typeof (store as Partial<DeferringStore>).deferSearchIndex === 'function';

function searchMode(opts: StreamImportOptions): 'background' | 'lazy' | 'inline' {
  if (!defersSearch(opts.store)) return 'inline';
  return opts.searchIndex ?? (opts.worker === false ? 'inline' : 'background');
}

export interface StreamImportResult {
  source: SourceRow;
  format: FormatId;
  diagnostics: Diagnostic[];
  lineageRuns: LineageRun[];
  /** Whether the whole file is indexed (false: cancelled or failed; `bytesIndexed` says how far). */
  complete: boolean;
  cancelled: boolean;
  /** The load failed part-way (read error, worker crash); what was read is kept. */
  error?: string;
  bytesIndexed: number;
  bytesTotal: number;
  fromCache: boolean;
  /** `deferred`: the search tables are built after the load (see StreamImportOptions.searchIndex). */
  searchIndex: 'ready' | 'deferred';
  /**
   * `indexMs`: reading to the last batch stored; `storeMs`: of that, time this thread spent
   * storing batches; `parseMs`: time the indexer spent reading, parsing and mapping (its thread).
   */
  timings: {
    firstRunsMs?: number;
    indexMs: number;
    storeMs?: number;
    parseMs?: number;
    finishMs: number;
    cacheReadMs?: number;
    cacheWriteMs?: number;
    totalMs: number;
  };
}

/** What the cache keeps besides the image, to answer a reopen exactly as the first load did. */
interface CacheMeta {
  format: FormatId;
  diagnostics: Diagnostic[];
  lineageRuns: LineageRun[];
}

const now = (): number => performance.now();

export async function streamImportFile(file: string, opts: StreamImportOptions): Promise<StreamImportResult> {
  const t0 = now();
  const st = await fs.promises.stat(file);
  const info: SourceInfo = {
    uri: opts.uri ?? `file://${path.resolve(file)}`,
    label: opts.label ?? path.basename(file),
    format: opts.format ?? 'unknown',
    bytes: st.size,
    mtimeMs: st.mtimeMs,
  };
  const progress = (p: Omit<StreamImportProgress, 'bytesTotal'>): void => opts.onProgress?.({ ...p, bytesTotal: st.size });

  let identity: SourceIdentity | undefined;
  const store = opts.store;
  if (opts.cacheDir && isCacheableStore(store)) {
    progress({ phase: 'cache', bytesDone: 0, spans: 0, firstRunsAvailable: false });
    identity = await sourceIdentity(file);
    const cached = await readIndexCache<CacheMeta>(opts.cacheDir, identity);
    if (cached) {
      const source = store.openCachedSource({ ...info, format: cached.meta.format }, cached.image);
      if (source) {
        // Saved before its search tables were built: build them as after a load.
        const deferred = defersSearch(store) && store.searchIndexStatus(source.id)?.state !== 'ready';
        if (deferred) deferSearch(file, opts, source.id, () => cached.meta, identity);
        const ms = now() - t0;
        opts.onFirstRuns?.(source);
        progress({ phase: 'done', bytesDone: st.size, spans: source.spanCount, firstRunsAvailable: true, sourceId: source.id });
        return {
          source,
          format: cached.meta.format,
          diagnostics: cached.meta.diagnostics,
          lineageRuns: cached.meta.lineageRuns,
          complete: true,
          cancelled: false,
          bytesIndexed: st.size,
          bytesTotal: st.size,
          fromCache: true,
          searchIndex: deferred ? 'deferred' : 'ready',
          timings: { firstRunsMs: ms, indexMs: 0, finishMs: 0, cacheReadMs: ms, totalMs: ms },
        };
      }
    }
  }

  const writer = await store.beginSource(info);
  const mode = searchMode(opts);
  const diagnostics: Diagnostic[] = [];
  let format: FormatId = 'unknown';
  let lineageRuns: LineageRun[] = [];
  let complete = false;
  // Known before the load ends, so a search that waits for the load finds how to build the rest.
  if (mode !== 'inline') {
    deferSearch(file, opts, writer.sourceId, () => (complete ? { format, diagnostics, lineageRuns } : undefined), identity);
  }
  let spans = 0;
  let bytesDone = 0;
  let firstRunsMs: number | undefined;
  let storeMs = 0;
  const handle = (events: IndexEvent[]): void => {
    const th = now();
    for (const e of events) {
      if (e.type === 'context') writer.addContext(e.context);
      else if (e.type === 'batch') {
        const r = writer.addRows(e.batch);
        spans += r.inserted;
        bytesDone = e.bytesDone;
        if (firstRunsMs === undefined) {
          firstRunsMs = now() - t0;
          void store.listSources().then((rows) => {
            const row = rows.find((s) => s.id === writer.sourceId);
            if (row) opts.onFirstRuns?.(row);
          });
        }
      }
    }
    writer.setIndexedBytes(bytesDone);
    storeMs += now() - th;
    progress({ phase: 'indexing', bytesDone, spans, firstRunsAvailable: firstRunsMs !== undefined, sourceId: writer.sourceId });
  };

  const tIndex = now();
  let outcome: { summary?: IndexSummary; cancelled: boolean; error?: string };
  try {
    outcome = opts.worker === false ? await indexInProcess(file, opts, handle) : await indexInWorker(file, st.size, opts, handle);
  } catch (err) {
    outcome = { cancelled: false, error: err instanceof Error ? err.message : String(err) };
  }
  const indexMs = now() - tIndex;
  const summary = outcome.summary;
  if (summary) diagnostics.push(...summary.diagnostics);
  // OpenLineage events come one per record: merged into runs by run id, as importRecords does.
  lineageRuns = summary?.lineageRuns.length ? mergeLineageRuns(summary.lineageRuns, diagnostics) : [];
  if (outcome.error) {
    diagnostics.push({
      severity: 'error',
      code: 'source.readError',
      message: `Loading stopped: ${outcome.error}; what was read is kept`,
      offset: bytesDone,
    });
  }
  complete = !outcome.cancelled && !outcome.error;
  // What is stored is always a prefix of the file, up to the end of the last record stored.
  const indexedBytes = complete ? st.size : bytesDone;
  if (!complete) {
    diagnostics.push({
      severity: 'warning',
      code: outcome.cancelled ? 'source.cancelled' : 'source.partial',
      message: `${outcome.cancelled ? 'Loading was cancelled' : 'Loading stopped'} at byte ${indexedBytes} of ${st.size} (${percent(indexedBytes, st.size)}); the runs read so far are shown`,
      offset: indexedBytes,
    });
  }

  progress({
    phase: 'finishing',
    bytesDone: indexedBytes,
    spans,
    firstRunsAvailable: firstRunsMs !== undefined,
    sourceId: writer.sourceId,
  });
  const tFinish = now();
  format = summary?.format ?? 'unknown';
  const finished: FinishResult = await writer.finish({
    partial: !complete,
    indexedBytes,
    format,
    resolvePreviews: (reqs) => resolvePreviews(file, store, writer, reqs),
    compareDuplicates: (pairs) => compareDuplicates(file, store, writer.sourceId, pairs),
  });
  diagnostics.push(...finished.diagnostics);
  const finishMs = now() - tFinish;

  let cacheWriteMs: number | undefined;
  if (complete && opts.cacheDir && identity && isCacheableStore(store) && opts.writeCache !== false) {
    const tc = now();
    try {
      const image = store.exportSource(writer.sourceId);
      const meta: CacheMeta = { format, diagnostics, lineageRuns };
      await writeIndexCache(opts.cacheDir, identity, meta, image);
    } catch (err) {
      diagnostics.push({ severity: 'info', code: 'cache.writeFailed', message: `The index could not be cached: ${String(err)}` });
    }
    cacheWriteMs = now() - tc;
  }
  const deferred = mode !== 'inline' && defersSearch(store) && store.searchIndexStatus(writer.sourceId)?.state === 'pending';
  // After the cache write: the image saved first is the one the runs need, without waiting.
  if (deferred && mode === 'background' && defersSearch(store)) void store.buildSearchIndex(writer.sourceId).catch(() => undefined);
  progress({ phase: 'done', bytesDone: indexedBytes, spans, firstRunsAvailable: true, sourceId: writer.sourceId });
  return {
    source: finished.source,
    format,
    diagnostics,
    lineageRuns,
    complete,
    cancelled: outcome.cancelled,
    error: outcome.error,
    bytesIndexed: indexedBytes,
    bytesTotal: st.size,
    fromCache: false,
    searchIndex: deferred ? 'deferred' : 'ready',
    timings: { firstRunsMs, indexMs, storeMs, parseMs: summary?.stepMs, finishMs, cacheWriteMs, totalMs: now() - t0 },
  };
}

/**
 * Tell the store how to build the source's search tables after the load: a search pass over the
 * file read as the load read it; once they are in, a complete source's index is cached again
 * (`meta()` gives what the cache keeps; undefined: the load was not complete, nothing is cached).
 */
function deferSearch(
  file: string,
  opts: StreamImportOptions,
  sourceId: number,
  meta: () => CacheMeta | undefined,
  identity: SourceIdentity | undefined,
): void {
  const store = opts.store;
  if (!defersSearch(store)) return;
  const builder: SearchIndexBuilder = (sink, signal) =>
    runSearchPass(file, { format: opts.format, indexer: opts.indexer, worker: opts.worker, workerScript: opts.workerScript }, sink, signal);
  const onBuilt = async (): Promise<void> => {
    const m = meta();
    if (!m || !opts.cacheDir || !identity || !isCacheableStore(store) || opts.writeCache === false) return;
    // The file must still be the one indexed (the pass checked the spans it read, not the bytes).
    const now = await sourceIdentity(file).catch(() => undefined);
    if (!now || now.mtimeMs !== identity.mtimeMs || now.size !== identity.size || now.edgesHash !== identity.edgesHash) return;
    await writeIndexCache(opts.cacheDir, identity, m, store.exportSource(sourceId));
  };
  store.deferSearchIndex(sourceId, builder, { onBuilt });
}

function percent(a: number, b: number): string {
  return b === 0 ? '100%' : `${Math.floor((a / b) * 1000) / 10}%`;
}

/** Previews of runs whose root changed in the post-pass, from their records in the source. */
async function resolvePreviews(
  file: string,
  store: TraceStore,
  writer: SourceWriter,
  reqs: PreviewRequest[],
): Promise<(string | undefined)[]> {
  const wanted = [];
  for (const r of reqs) wanted.push({ ...r, context: await store.spanContext(writer.sourceId, r.byteStart) });
  const spans = await readSpansAt(file, wanted);
  return spans.map((s) => {
    if (!s) return undefined;
    s.parentId = undefined;
    return rootPreview(s) || undefined;
  });
}

type Outcome = { summary?: IndexSummary; cancelled: boolean; error?: string };

/**
 * Takes the indexers' events and hands them on in file order: batches group by group (a group's
 * batches come from one indexer, in order; its last is marked `end`). After a partial group (a
 * stopped indexer) nothing more is taken, so what is stored is always a prefix of the file.
 */
class GroupMerger {
  private next = 0;
  private readonly held = new Map<number, { e: Extract<IndexEvent, { type: 'batch' }>; done: () => void }[]>();
  /** A partial group was stored: the rest is dropped. */
  stopped = false;

  constructor(private readonly handle: (events: IndexEvent[]) => void) {}

  get groupsStored(): number {
    return this.next;
  }

  /** `done` is called once per batch when it is stored or dropped (flow control). */
  add(events: IndexEvent[], done: () => void): void {
    for (const e of events) {
      if (e.type === 'context') {
        if (!this.stopped) this.handle([e]);
        continue;
      }
      // The load's indexers make span batches only (search events are the search pass's).
      if (e.type !== 'batch') continue;
      if (this.stopped || e.group < this.next) {
        done();
        continue;
      }
      const list = this.held.get(e.group);
      if (list) list.push({ e, done });
      else this.held.set(e.group, [{ e, done }]);
    }
    this.drain();
  }

  private drain(): void {
    for (;;) {
      const list = this.held.get(this.next);
      if (!list?.length) return;
      const item = list.shift();
      if (!item) return;
      try {
        if (!this.stopped) this.handle([item.e]);
      } finally {
        item.done();
      }
      if (item.e.partial) this.stop();
      if (item.e.end) {
        this.held.delete(this.next);
        this.next++;
      }
      if (this.stopped) return;
    }
  }

  /** Drop everything held (after a stop, a failure or the end). */
  stop(): void {
    this.stopped = true;
    for (const list of this.held.values()) for (const x of list) x.done();
    this.held.clear();
  }
}

function indexerOptions(opts: StreamImportOptions, index: number, count: number): FileIndexerOptions {
  return { ...opts.indexer, format: opts.format ?? opts.indexer?.format, shard: { index, count }, search: searchMode(opts) === 'inline' };
}

async function indexInProcess(file: string, opts: StreamImportOptions, handle: (events: IndexEvent[]) => void): Promise<Outcome> {
  const indexer = new FileIndexer(file, indexerOptions(opts, 0, 1));
  const merger = new GroupMerger(handle);
  const noop = (): void => undefined;
  try {
    for (;;) {
      if (opts.signal?.aborted) {
        merger.add(indexer.drain(), noop);
        return { summary: mergeSummaries([indexer.summary()]), cancelled: true };
      }
      const events = indexer.step();
      if (!events) break;
      merger.add(events, noop);
      // One chunk per turn of the event loop: the host stays responsive, and the signal is seen.
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    return { summary: mergeSummaries([indexer.summary()]), cancelled: false };
  } catch (err) {
    merger.add(indexer.drain(), noop);
    return { summary: mergeSummaries([indexer.summary()]), cancelled: false, error: err instanceof Error ? err.message : String(err) };
  } finally {
    indexer.close();
  }
}

/** From this size a two-core machine parses with two workers (see defaultWorkerCount). */
const TWO_WORKER_BYTES = 128 << 20;

/**
 * Worker threads for a file of `bytes`. This thread stores the rows (about a core's worth while a
 * big file loads), so on two cores a second worker makes three busy threads: for files of a few
 * MB it only delays the first runs (both start at once), and the editor's thread competes for
 * the same two cores. Since the store thread's share shrank, a second worker pays on big files
 * even there: 1 GB of JSON Lines took 8.8-10.8 s against 10.2-12.5 s with one (7 of 9 alternating
 * pairs on a shared two-core machine), a 200 MB document 3.4-4.1 s against 3.8-4.9 s, for
 * ~15 MB more RSS (8 MB young generations, workerStart.ts); at 128 MB the two were even.
 */
export function defaultWorkerCount(bytes?: number): number {
  const cores = os.availableParallelism();
  if (cores > 2) return 2;
  return cores === 2 && bytes !== undefined && bytes >= TWO_WORKER_BYTES ? 2 : 1;
}

function indexInWorker(file: string, bytes: number, opts: StreamImportOptions, handle: (events: IndexEvent[]) => void): Promise<Outcome> {
  const count = Math.max(1, Math.floor(opts.workers ?? defaultWorkerCount(bytes)));
  const merger = new GroupMerger(handle);
  return new Promise<Outcome>((resolve) => {
    let settled = false;
    let handlerError: string | undefined;
    let cancelled = false;
    let failure: string | undefined;
    const summaries: (IndexSummary | undefined)[] = new Array(count).fill(undefined);
    let finished = 0;
    const workers: Worker[] = [];
    const flags: Int32Array[] = [];
    const stopAll = (): void => {
      for (const f of flags) {
        Atomics.store(f, STOP, 1);
        Atomics.notify(f, IN_FLIGHT);
      }
    };
    const onAbort = (): void => {
      cancelled = true;
      stopAll();
    };
    const settle = (): void => {
      if (settled) return;
      settled = true;
      opts.signal?.removeEventListener('abort', onAbort);
      for (const w of workers) void w.terminate();
      merger.stop();
      const parts = summaries.filter((x): x is IndexSummary => x !== undefined);
      const summary = parts.length ? mergeSummaries(parts) : undefined;
      let error = handlerError ?? failure;
      if (!error && !cancelled && summary && merger.groupsStored < summary.groups)
        error = `the index workers left groups ${merger.groupsStored}…${summary.groups - 1} out`;
      resolve({ summary, cancelled: cancelled && !error, error });
    };
    if (opts.signal?.aborted) cancelled = true;
    opts.signal?.addEventListener('abort', onAbort);
    for (let k = 0; k < count; k++) {
      const control = new SharedArrayBuffer(8);
      const flag = new Int32Array(control);
      if (cancelled) Atomics.store(flag, STOP, 1);
      flags.push(flag);
      const data: IndexWorkerData & { kind: string } = {
        kind: 'tracelens-index',
        file,
        options: indexerOptions(opts, k, count),
        control,
        maxInFlight: opts.maxInFlight ?? 4,
      };
      const worker = startWorker(opts.workerScript, data, count);
      workers.push(worker);
      const done = (): void => {
        Atomics.sub(flag, IN_FLIGHT, 1);
        Atomics.notify(flag, IN_FLIGHT);
      };
      let ended = false;
      const end = (summary: IndexSummary | undefined, error?: string): void => {
        if (ended || settled) return;
        ended = true;
        summaries[k] = summary;
        if (error) {
          failure ??= error;
          stopAll();
        }
        if (++finished === count) settle();
      };
      worker.on('message', (msg: WorkerMessage) => {
        if (settled) return;
        if (msg.type === 'events') {
          try {
            if (handlerError) {
              for (const e of msg.events) if (e.type === 'batch') done();
            } else merger.add(msg.events, done);
          } catch (err) {
            // The store refused a batch: stop reading, keep what is in.
            handlerError = err instanceof Error ? err.message : String(err);
            merger.stop();
            stopAll();
          }
        } else if (msg.type === 'done') end(msg.summary);
        else end(msg.summary, msg.message);
      });
      worker.on('error', (err) => end(undefined, err.message));
      worker.on('exit', (code) => end(undefined, `the index worker stopped (exit code ${code})`));
    }
  });
}
