// The index worker: reads, parses and maps a source on its own thread (the second core) and posts
// compact row batches to the thread that owns the store. Flow control and cancellation go
// through a small shared array: the caller counts batches in flight down as it inserts them
// (the worker waits when too many are queued, so memory stays bounded) and sets the stop flag to
// cancel; the worker then sends what it holds and a summary of how far it got.

import { parentPort, workerData } from 'node:worker_threads';
import { FileIndexer, type FileIndexerOptions, type IndexEvent, type IndexSummary } from './fileIndexer';
import { searchBuffers } from '../store/sqlJsSearchRows';

export interface IndexWorkerData {
  file: string;
  options: FileIndexerOptions;
  /** Int32Array over a SharedArrayBuffer: [STOP, IN_FLIGHT]. */
  control: SharedArrayBuffer;
  maxInFlight: number;
}

export const STOP = 0;
export const IN_FLIGHT = 1;

export type WorkerMessage =
  | { type: 'events'; events: IndexEvent[] }
  | { type: 'done'; summary: IndexSummary; cancelled: boolean }
  | { type: 'error'; message: string; summary?: IndexSummary };

/** Posts events, transferring the batches' buffers (no copy). Returns the batches posted. */
function post(events: IndexEvent[], control: Int32Array): void {
  if (!events.length) return;
  const transfer: ArrayBuffer[] = [];
  let batches = 0;
  for (const e of events) {
    if (e.type === 'search') {
      batches++;
      const k = e.batch.keys;
      transfer.push(k.text.buffer as ArrayBuffer, k.lens.buffer as ArrayBuffer, k.nums.buffer as ArrayBuffer);
      transfer.push(...searchBuffers(e.batch.search));
      continue;
    }
    if (e.type !== 'batch') continue;
    batches++;
    for (const b of [e.batch, e.batch.runs, e.batch.kids]) {
      if (b) transfer.push(b.text.buffer as ArrayBuffer, b.lens.buffer as ArrayBuffer, b.nums.buffer as ArrayBuffer);
    }
    if (e.batch.runOf) transfer.push(e.batch.runOf.buffer as ArrayBuffer);
    if (e.batch.search) transfer.push(...searchBuffers(e.batch.search));
  }
  Atomics.add(control, IN_FLIGHT, batches);
  const msg: WorkerMessage = { type: 'events', events };
  parentPort?.postMessage(msg, transfer);
}

export function runIndexWorker(data: IndexWorkerData): void {
  const control = new Int32Array(data.control);
  let indexer: FileIndexer | undefined;
  try {
    indexer = new FileIndexer(data.file, data.options);
    let cancelled = false;
    for (;;) {
      while (Atomics.load(control, IN_FLIGHT) >= data.maxInFlight && Atomics.load(control, STOP) === 0) {
        Atomics.wait(control, IN_FLIGHT, Atomics.load(control, IN_FLIGHT), 50);
      }
      if (Atomics.load(control, STOP) !== 0) {
        cancelled = true;
        break;
      }
      const events = indexer.step();
      if (!events) break;
      post(events, control);
    }
    post(indexer.drain(), control);
    const msg: WorkerMessage = { type: 'done', summary: indexer.summary(), cancelled };
    parentPort?.postMessage(msg);
  } catch (err) {
    let summary: IndexSummary | undefined;
    try {
      if (indexer) {
        post(indexer.drain(), control);
        summary = indexer.summary();
      }
    } catch {
      /* the summary is best effort */
    }
    const msg: WorkerMessage = { type: 'error', message: err instanceof Error ? err.message : String(err), summary };
    parentPort?.postMessage(msg);
  } finally {
    indexer?.close();
  }
}

if (parentPort && workerData && (workerData as { kind?: string }).kind === 'tracelens-index') {
  runIndexWorker(workerData as IndexWorkerData);
}
