// One measurement of the import bench, in a process of its own so its peak RSS is its own:
//   node importChild.js <task> <file> [cacheDir] [workerScript] [workers] [search|no-search]
// Tasks: `baseline` (the bare loop: fixed-size reads, a native newline split, UTF-8 decode and
// JSON.parse of each line; a single document is read whole and parsed whole), `import`
// (streamImportFile into a fresh sql.js store: the index the runs need; then, timed apart, the
// search tables' build, the search pass that the extension runs in the background after the
// load; then the index cache write), `reopen` (the same with the cache warm). Prints one JSON
// line. RSS is sampled every 5 ms by a thread of its own (so a busy main thread does not hide a
// peak), per phase.

import * as fs from 'node:fs';
import { Worker } from 'node:worker_threads';
import { streamImportFile } from '../src/ingest/streamImport';
import { openSqlJsStore } from '../src/store/sqlJsStore';

export interface ChildResult {
  task: string;
  workers?: number;
  bytes: number;
  ms: number;
  records?: number;
  spans?: number;
  runs?: number;
  firstRunsMs?: number;
  indexMs?: number;
  storeMs?: number;
  parseMs?: number;
  finishMs?: number;
  /** The search tables' build after the load (the search pass + inserts). */
  searchMs?: number;
  /** Index sizes after the search build (MiB): whole image, then the search tables' share. */
  imageMb?: number;
  cacheWriteMs?: number;
  fromCache?: boolean;
  complete?: boolean;
  fastInserts?: boolean;
  heapIndex?: boolean;
  diagnostics?: number;
  /** Peak RSS (MiB) per phase: setup, work (baseline/import/reopen), search build, cache write. */
  peakRssMb: { setup: number; work: number; search: number; cache: number };
  /** The kernel's high-water mark for the whole process (MiB). */
  vmHwmMb?: number;
}

const PHASES = ['setup', 'work', 'search', 'cache'] as const;

function startSampler(): { phase(i: number): void; stop(): Promise<{ setup: number; work: number; search: number; cache: number }> } {
  const peaks = new SharedArrayBuffer(8 * PHASES.length);
  const phase = new SharedArrayBuffer(8);
  const code = `
    const { workerData, parentPort } = require('node:worker_threads');
    const peak = new Float64Array(workerData.peaks);
    const phase = new Int32Array(workerData.phase);
    const tick = () => {
      const r = process.memoryUsage.rss();
      const p = Atomics.load(phase, 0);
      if (r > peak[p]) peak[p] = r;
    };
    const iv = setInterval(tick, 5);
    parentPort.on('message', () => { tick(); clearInterval(iv); parentPort.postMessage('done'); });
  `;
  const w = new Worker(code, { eval: true, workerData: { peaks, phase } });
  const phaseArr = new Int32Array(phase);
  const peakArr = new Float64Array(peaks);
  return {
    phase: (i) => Atomics.store(phaseArr, 0, i),
    stop: () =>
      new Promise((resolve) => {
        w.once('message', () => {
          void w.terminate();
          const mb = (i: number): number => Math.round(peakArr[i] / 2 ** 20);
          resolve({ setup: mb(0), work: mb(1), search: mb(2), cache: mb(3) });
        });
        w.postMessage('stop');
      }),
  };
}

function vmHwmMb(): number | undefined {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync('/proc/self/status', 'utf8'));
    return m ? Math.round(Number(m[1]) / 1024) : undefined;
  } catch {
    return undefined;
  }
}

/** The bare loop the import is compared with. */
function baseline(file: string): { records: number } {
  const fd = fs.openSync(file, 'r');
  const head = Buffer.alloc(Math.min(65536, fs.fstatSync(fd).size));
  fs.readSync(fd, head, 0, head.length, 0);
  const firstLine = head.toString('utf8').split('\n')[0].trim();
  const isLines = firstLine.length > 1 && firstLine.endsWith('}');
  try {
    if (!isLines) {
      JSON.parse(fs.readFileSync(file, 'utf8'));
      return { records: 1 };
    }
    const buf = Buffer.allocUnsafe(1 << 20);
    let carry: Buffer | undefined;
    let pos = 0;
    let records = 0;
    for (;;) {
      const n = fs.readSync(fd, buf, 0, buf.length, pos);
      if (n === 0) break;
      pos += n;
      let data = buf.subarray(0, n);
      if (carry) {
        data = Buffer.concat([carry, data]);
        carry = undefined;
      }
      let i = 0;
      for (;;) {
        const nl = data.indexOf(10, i);
        if (nl < 0) {
          if (i < data.length) carry = Buffer.from(data.subarray(i));
          break;
        }
        if (nl > i) {
          JSON.parse(data.toString('utf8', i, nl));
          records++;
        }
        i = nl + 1;
      }
    }
    if (carry && carry.length) {
      JSON.parse(carry.toString('utf8'));
      records++;
    }
    return { records };
  } finally {
    fs.closeSync(fd);
  }
}

async function main(): Promise<void> {
  const [task, file, cacheDir, workerScript, workers, search] = process.argv.slice(2);
  const bytes = fs.statSync(file).size;
  const sampler = startSampler();
  let result: ChildResult;
  if (task === 'baseline') {
    sampler.phase(1);
    const t = performance.now();
    const r = baseline(file);
    const ms = performance.now() - t;
    result = { task, bytes, ms, records: r.records, peakRssMb: await sampler.stop() };
  } else {
    const store = await openSqlJsStore(require.resolve('sql.js/dist/sql-wasm.wasm'));
    const heapIndex = store.heapResident;
    sampler.phase(1);
    const t = performance.now();
    const r = await streamImportFile(file, {
      store,
      cacheDir,
      workerScript,
      workers: workers ? Number(workers) : undefined,
      writeCache: false,
      // Built below, timed apart (the extension starts it in the background after the load).
      searchIndex: 'lazy',
    });
    const ms = performance.now() - t;
    let searchMs: number | undefined;
    let imageMb: number | undefined;
    if (task === 'import' && r.searchIndex === 'deferred' && search !== 'no-search') {
      sampler.phase(2);
      const ts = performance.now();
      await store.buildSearchIndex(r.source.id);
      searchMs = performance.now() - ts;
    }
    let cacheWriteMs: number | undefined;
    if (task === 'import' && cacheDir && r.complete) {
      sampler.phase(3);
      // The cache write, timed apart from the import (the extension does it after the load).
      const { sourceIdentity, writeIndexCache } = await import('../src/store/indexCache');
      const tc = performance.now();
      const image = store.exportSource(r.source.id);
      imageMb = Math.round(image.length / 2 ** 20);
      await writeIndexCache(cacheDir, await sourceIdentity(file), { format: r.format, diagnostics: r.diagnostics, lineageRuns: [] }, image);
      cacheWriteMs = performance.now() - tc;
    }
    result = {
      task,
      workers: workers ? Number(workers) : undefined,
      bytes,
      ms,
      spans: r.source.spanCount,
      runs: r.source.traceCount,
      firstRunsMs: r.timings.firstRunsMs,
      indexMs: r.timings.indexMs,
      storeMs: r.timings.storeMs,
      parseMs: r.timings.parseMs,
      finishMs: r.timings.finishMs,
      searchMs,
      imageMb,
      cacheWriteMs,
      fromCache: r.fromCache,
      complete: r.complete,
      heapIndex,
      diagnostics: r.diagnostics.length,
      peakRssMb: await sampler.stop(),
    };
    await store.close();
  }
  result.vmHwmMb = vmHwmMb();
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
