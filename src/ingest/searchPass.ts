// The search pass: the second read of a streamed source, after its load, making only search
// rows (full mapping) in an index worker, for the store to put in its search tables
// (src/store/sqlJsSearchBuild.ts). Same reader and options as the load, one worker, so spans
// come in the order the load offered them. Stops once the sink has every span the load stored
// (a cancelled load's prefix), or when `signal` aborts.

import { FileIndexer, type FileIndexerOptions, type IndexEvent } from './fileIndexer';
import { IN_FLIGHT, STOP, type IndexWorkerData, type WorkerMessage } from './indexWorker';
import type { SearchIndexSink } from '../store/sqlJsSearchBuild';
import type { FormatId } from '../core/model/format';
import { startWorker } from './workerStart';

export interface SearchPassOptions {
  /** The load's forced format, and its reader options (the pass must read the file the same way). */
  format?: FormatId;
  indexer?: FileIndexerOptions;
  /** In a worker thread (default) or here, a step per turn of the event loop. */
  worker?: boolean;
  workerScript?: string;
}

/**
 * Spans per batch: a batch is stored in one transaction on the host's thread, ~5–15 ms at 500,
 * so a search typed meanwhile waits for one batch at most.
 */
export const SEARCH_PASS_BATCH_ROWS = 500;

function passOptions(opts: SearchPassOptions): FileIndexerOptions {
  return {
    ...opts.indexer,
    format: opts.format ?? opts.indexer?.format,
    shard: { index: 0, count: 1 },
    search: false,
    searchOnly: true,
    batchRows: SEARCH_PASS_BATCH_ROWS,
    firstBatchRows: SEARCH_PASS_BATCH_ROWS,
  };
}

const abortError = (signal: AbortSignal): unknown => signal.reason ?? new DOMException('The search pass was stopped', 'AbortError');

export function runSearchPass(file: string, opts: SearchPassOptions, sink: SearchIndexSink, signal: AbortSignal): Promise<void> {
  return opts.worker === false ? passInProcess(file, opts, sink, signal) : passInWorker(file, opts, sink, signal);
}

/** Feeds the pass's search events to the sink; false once it wants no more. */
function feed(events: IndexEvent[], sink: SearchIndexSink): boolean {
  for (const e of events) if (e.type === 'search' && !sink.add(e.batch)) return false;
  return true;
}

async function passInProcess(file: string, opts: SearchPassOptions, sink: SearchIndexSink, signal: AbortSignal): Promise<void> {
  if (sink.total === 0) return;
  const indexer = new FileIndexer(file, passOptions(opts));
  try {
    for (;;) {
      if (signal.aborted) throw abortError(signal);
      const events = indexer.step();
      if (!events || !feed(events, sink)) return;
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  } finally {
    indexer.close();
  }
}

function passInWorker(file: string, opts: SearchPassOptions, sink: SearchIndexSink, signal: AbortSignal): Promise<void> {
  if (sink.total === 0) return Promise.resolve();
  return new Promise<void>((resolve, reject) => {
    const control = new SharedArrayBuffer(8);
    const flag = new Int32Array(control);
    const data: IndexWorkerData & { kind: string } = {
      kind: 'tracelens-index',
      file,
      options: passOptions(opts),
      control,
      maxInFlight: 2,
    };
    const worker = startWorker(opts.workerScript, data);
    let settled = false;
    const settle = (err?: unknown): void => {
      if (settled) return;
      settled = true;
      signal.removeEventListener('abort', onAbort);
      Atomics.store(flag, STOP, 1);
      Atomics.notify(flag, IN_FLIGHT);
      void worker.terminate();
      if (err === undefined) resolve();
      else reject(err);
    };
    const onAbort = (): void => settle(abortError(signal));
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort);
    worker.on('message', (msg: WorkerMessage) => {
      if (settled) return;
      if (msg.type === 'events') {
        let more = true;
        try {
          for (const e of msg.events) {
            if (e.type !== 'search') continue;
            if (more) more = sink.add(e.batch);
            Atomics.sub(flag, IN_FLIGHT, 1);
            Atomics.notify(flag, IN_FLIGHT);
          }
        } catch (err) {
          return settle(err);
        }
        if (!more) settle();
      } else if (msg.type === 'done') settle();
      else settle(new Error(msg.message));
    });
    worker.on('error', (err) => settle(err));
    worker.on('exit', (code) => settle(new Error(`the search worker stopped (exit code ${code})`)));
  });
}
