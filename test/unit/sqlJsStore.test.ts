// The embedded store: runs paged by keyset, nested spans, lookups, removal.

import * as assert from 'node:assert/strict';
import type { Span } from '../../src/core/model/span';
import { normalizeTrees } from '../../src/core/trace/normalizeTrees';
import { openSqlJsStore, type SqlJsStore } from '../../src/store/sqlJsStore';

const WASM = require.resolve('sql.js/dist/sql-wasm.wasm');

function mk(traceId: string, spanId: string, parentId: string | undefined, startS: number, extra: Partial<Span> = {}): Span {
  return {
    traceId,
    spanId,
    parentId,
    name: `${traceId}/${spanId}`,
    kind: 'span',
    startNs: BigInt(startS) * 1_000_000_000n + 123n,
    endNs: BigInt(startS + 1) * 1_000_000_000n,
    status: 'unset',
    attributes: {},
    events: [],
    range: { byteStart: startS * 10, byteEnd: startS * 10 + 9, line: startS + 1 },
    ...extra,
  };
}

describe('sql.js store', () => {
  let store: SqlJsStore;
  before(async () => {
    store = await openSqlJsStore(WASM);
  });
  after(() => store.close());

  it('lists runs in start order with keyset pages and exact nanosecond times', async () => {
    const spans: Span[] = [];
    for (let i = 0; i < 25; i++) spans.push(mk(`t${String(24 - i).padStart(2, '0')}`, 'root', undefined, 1_700_000_000 + i));
    const src = await store.addSource({ uri: 'file:///a', label: 'a', format: 'otlp-json', bytes: 1 }, spans);
    assert.equal(src.traceCount, 25);
    const first = await store.listRuns(src.id, { limit: 10 });
    assert.equal(first.length, 10);
    assert.equal(first[0].traceId, 't24');
    assert.equal(first[0].startNs, 1_700_000_000_000_000_123n);
    const last = first[first.length - 1];
    const second = await store.listRuns(src.id, { limit: 100, after: { startNs: last.startNs, traceId: last.traceId } });
    assert.equal(second.length, 15);
    assert.equal(new Set([...first, ...second].map((r) => r.traceId)).size, 25);
    await store.removeSource(src.id);
    assert.deepEqual(await store.listRuns(src.id, { limit: 10 }), []);
  });

  it('returns nested spans, run totals and per-span signals', async () => {
    const spans = [
      mk('T', 'a', undefined, 10, { kind: 'agent', feedback: [{ score: -1, label: 'negative' }] }),
      mk('T', 'b', 'a', 11, { kind: 'llm', usage: { input: 100, output: 20 }, model: { requested: 'm1' } }),
      mk('T', 'c', 'a', 12, { kind: 'tool', status: 'error', statusMessage: 'timeout' }),
      mk('T', 'd', 'c', 13, { kind: 'guard', guards: [{ name: 'g', passed: false, action: 'fallback' }] }),
      mk('T', 'orphan', 'missing', 14),
    ];
    const { spans: clean } = normalizeTrees(spans);
    const src = await store.addSource({ uri: 'file:///b', label: 'b', format: 'otlp-json', bytes: 1 }, clean);
    const [run] = await store.listRuns(src.id, { limit: 5 });
    assert.equal(run.rootSpanId, 'a');
    assert.equal(run.spanCount, 5);
    assert.equal(run.errorCount, 1);
    assert.equal(run.llmCount, 1);
    assert.equal(run.inputTokens, 100);
    assert.equal(run.guardsFailed, 1);
    assert.equal(run.negativeFeedback, 1);
    assert.deepEqual(run.models, ['m1']);
    assert.equal(run.rootCount, 2);
    const top = await store.childSpans(src.id, 'T', undefined);
    assert.deepEqual(
      top.map((s) => s.spanId),
      ['a', 'orphan'],
    );
    const kids = await store.childSpans(src.id, 'T', 'a');
    assert.deepEqual(
      kids.map((s) => [s.spanId, s.kind, s.childCount]),
      [
        ['b', 'llm', 0],
        ['c', 'tool', 1],
      ],
    );
    const d = await store.getSpan(src.id, 'T', 'd');
    assert.equal(d?.guardsFailed, 1);
    assert.equal(d?.guardAction, 'fallback');
    assert.deepEqual([d?.byteStart, d?.byteEnd, d?.line], [130, 139, 14]);
    assert.equal((await store.getSpan(src.id, 'T', 'c'))?.statusMessage, 'timeout');
    assert.equal(await store.getSpan(src.id, 'T', 'zzz'), undefined);
  });

  it('keeps sources apart', async () => {
    const a = await store.addSource({ uri: 'file:///x', label: 'x', format: 'otlp-json', bytes: 1 }, [mk('S', 'r', undefined, 1)]);
    const b = await store.addSource({ uri: 'file:///y', label: 'y', format: 'otlp-json', bytes: 1 }, [mk('S', 'r', undefined, 2)]);
    assert.equal((await store.listRuns(a.id, { limit: 9 })).length, 1);
    await store.removeSource(a.id);
    assert.equal((await store.listRuns(b.id, { limit: 9 })).length, 1);
    assert.ok((await store.listSources()).every((s) => s.id !== a.id));
  });
});
