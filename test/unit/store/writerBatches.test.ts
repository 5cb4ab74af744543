// The embedded store's writer keeps one transaction open for a whole load, with a savepoint per
// batch (sqlJsWriter.ts): a batch that fails part-way leaves nothing behind, the batches before
// and after it stay, the rows are readable while the load is open, and finish() commits.

import * as assert from 'node:assert/strict';
import type { Span } from '../../../src/core/model/span';
import { openSqlJsStore, type SqlJsStore } from '../../../src/store/sqlJsStore';
import { RUN_LAYOUT, RowBuilder, SpanBatchBuilder, batchRows, rootPreview, type SpanRowBatch } from '../../../src/store/spanRows';

const T0 = 1767225600000000000n;

function span(traceId: string, spanId: string, parentId: string | undefined, offsetMs: number): Span {
  const startNs = T0 + BigInt(offsetMs) * 1_000_000n;
  return {
    traceId,
    spanId,
    parentId,
    name: `op ${spanId}`,
    kind: parentId ? 'llm' : 'agent',
    startNs,
    endNs: startNs + 5_000_000n,
    status: 'ok',
    attributes: {},
    events: [],
    input: parentId ? undefined : `question ${traceId}`,
  };
}

function batchOf(traceId: string): SpanRowBatch {
  const b = new SpanBatchBuilder();
  for (const s of [span(traceId, `${traceId}-root`, undefined, 0), span(traceId, `${traceId}-kid`, `${traceId}-root`, 1)]) {
    b.add(s, s.parentId === undefined ? rootPreview(s) : undefined);
  }
  return b.take();
}

/** The same batch with a run row the store must refuse (`runs.models` is NOT NULL): it fails after its spans went in. */
function failingBatch(traceId: string): SpanRowBatch {
  const batch = batchOf(traceId);
  const models = 6; // RUN_TEXT_COLUMNS: trace_id, root_span_id, name, kind, start_ns, end_ns, models, …
  const runs = new RowBuilder(RUN_LAYOUT);
  for (const row of batchRows(batch.runs!, RUN_LAYOUT)) {
    row.forEach((v, c) => {
      if (c < RUN_LAYOUT.t) runs.text(c === models ? null : (v as string | null));
      else runs.num(v as number | null);
    });
    runs.endRow();
  }
  batch.runs = runs.take();
  return batch;
}

describe('embedded store writer: batches', () => {
  let store: SqlJsStore;
  before(async () => {
    store = await openSqlJsStore(require.resolve('sql.js/dist/sql-wasm.wasm'));
  });

  it('rolls back a failed batch alone; the load goes on and finish() commits the rest', async () => {
    const writer = await store.beginSource({ uri: 'file:///batches', label: 'batches', format: 'otlp-json', bytes: 1 });
    assert.equal(writer.addRows(batchOf('trace-a')).inserted, 2);
    // Readable while the load's transaction is open.
    assert.deepEqual(
      (await store.listRuns(writer.sourceId, { limit: 10 })).map((r) => r.traceId),
      ['trace-a'],
    );
    assert.throws(() => writer.addRows(failingBatch('trace-b')), /NOT NULL/);
    assert.equal(await store.getSpan(writer.sourceId, 'trace-b', 'trace-b-root'), undefined, 'the failed batch left no span');
    assert.equal(writer.addRows(batchOf('trace-c')).inserted, 2);
    const { source } = await writer.finish();
    assert.equal(source.spanCount, 4);
    assert.equal(source.traceCount, 2);
    const runs = await store.listRuns(source.id, { limit: 10 });
    assert.deepEqual(
      runs.map((r) => [r.traceId, r.spanCount, r.preview]),
      [
        ['trace-a', 2, 'question trace-a'],
        ['trace-c', 2, 'question trace-c'],
      ],
    );
    assert.deepEqual(
      (await store.childSpans(source.id, 'trace-c', 'trace-c-root')).map((s) => s.spanId),
      ['trace-c-kid'],
    );
    // Committed: a transaction of another writer (feedback) can start.
    await store.addFeedback(source.id, { traceId: 'trace-c', spanId: 'trace-c-root', value: 'negative', author: 'me', atMs: 1 });
    assert.equal((await store.listRuns(source.id, { limit: 10 }))[1].negativeFeedback, 1);
  });
});
