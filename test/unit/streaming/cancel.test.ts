// A load stopped part-way (cancelled) leaves a usable index of what was read, marked partial,
// saying how far it got; first runs are reported as soon as the first batch is in.

import * as assert from 'node:assert/strict';
import { writeJsonl } from '../../../bench/generate';
import { streamImportFile } from '../../../src/ingest/streamImport';
import type { SqlJsStore } from '../../../src/store/sqlJsStore';
import { dumpIndex, openStore, tempDir } from './helpers';

describe('cancelling a streaming load', function () {
  this.timeout(120_000);
  let store: SqlJsStore;
  const tmp = tempDir();
  let file: string;
  let total: { spans: number; bytes: number };
  before(async () => {
    store = await openStore();
    file = tmp.file('big.jsonl');
    total = writeJsonl(file, 3_000_000, 4);
  });
  after(async () => {
    await store.close();
    tmp.remove();
  });

  for (const [worker, workers] of [
    [false, 1],
    [true, 1],
    [true, 2],
  ] as const) {
    it(`keeps what was read and says how far it got (${worker ? `${workers} worker(s)` : 'in-process'})`, async () => {
      const ac = new AbortController();
      let firstRuns = 0;
      const progress: number[] = [];
      const r = await streamImportFile(file, {
        store,
        worker,
        workers,
        signal: ac.signal,
        indexer: { chunkBytes: 64 * 1024, batchRows: 100, firstBatchRows: 20, groupBytes: 128 * 1024 },
        maxInFlight: 1,
        onFirstRuns: () => firstRuns++,
        onProgress: (p) => {
          if (p.phase === 'indexing') {
            progress.push(p.bytesDone);
            if (p.spans >= 200) ac.abort();
          }
        },
      });
      assert.equal(r.cancelled, true);
      assert.equal(r.complete, false);
      assert.equal(r.source.state, 'partial');
      assert.ok(r.bytesIndexed > 0 && r.bytesIndexed < total.bytes, `${r.bytesIndexed} of ${total.bytes}`);
      assert.equal(r.source.indexedBytes, r.bytesIndexed);
      assert.ok(r.source.spanCount >= 200 && r.source.spanCount < total.spans);
      assert.ok(r.diagnostics.some((d) => d.code === 'source.cancelled' && d.offset === r.bytesIndexed));
      assert.ok(firstRuns <= 1);
      assert.deepEqual(
        progress,
        [...progress].sort((a, b) => a - b),
      );
      // Usable: every run lists, every span is reachable from its run, totals add up.
      const dump = await dumpIndex(store, r.source.id);
      assert.equal(dump.runs.length, r.source.traceCount);
      assert.equal(dump.spans.length, r.source.spanCount);
      assert.equal(
        dump.runs.reduce((a, x) => a + x.spanCount, 0),
        r.source.spanCount,
      );
      // Whole lines only: the generator writes one run of 8 spans per line.
      assert.equal(r.source.spanCount % 8, 0);
      await store.removeSource(r.source.id);
    });
  }

  it('a signal aborted before the start loads nothing and still finishes cleanly', async () => {
    const ac = new AbortController();
    ac.abort();
    const r = await streamImportFile(file, { store, signal: ac.signal, worker: false });
    assert.equal(r.cancelled, true);
    assert.equal(r.source.spanCount, 0);
    assert.equal(r.bytesIndexed, 0);
    assert.deepEqual(await store.listRuns(r.source.id, { limit: 10 }), []);
    await store.removeSource(r.source.id);
  });

  it('reports first runs after the first batch, while the rest is still loading', async () => {
    let listedWhileLoading = -1;
    let firstAt = -1;
    const r = await streamImportFile(file, {
      store,
      worker: false,
      indexer: { chunkBytes: 64 * 1024, batchRows: 200, firstBatchRows: 10 },
      onFirstRuns: (src) => {
        firstAt = src.spanCount;
        void store.listRuns(src.id, { limit: 5 }).then((runs) => {
          if (listedWhileLoading < 0) listedWhileLoading = runs.length;
        });
      },
    });
    assert.ok(firstAt > 0 && firstAt < total.spans, `first runs at ${firstAt} spans`);
    assert.ok(listedWhileLoading > 0);
    assert.equal(r.source.spanCount, total.spans);
    await store.removeSource(r.source.id);
  });
});
