// Search across sources, the index cache, the worker path and duplicate span ids.

import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseQuery } from '../../../src/core/query/parser';
import type { SqlJsStore } from '../../../src/store/sqlJsStore';
import { DEMO, addStreamed, addWhole, demoSpans, hasWord, key, keysOf, openStore, runIds, spanKeys, usesTool } from './demoSearch';

describe('embedded store search: sources, cache, worker, duplicates', () => {
  let store: SqlJsStore;
  let dir: string;
  beforeEach(async () => {
    store = await openStore();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tracelens-search-'));
  });
  afterEach(async () => {
    await store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('merges sources newest first, honours limit and sourceIds', async () => {
    const spans = await demoSpans();
    const a = await addWhole(store);
    const b = await addStreamed(store);
    const hits = await store.searchSpans(parseQuery('kind:llm'), { limit: 1000 });
    const llm = spans.filter((s) => s.kind === 'llm');
    assert.equal(hits.length, 2 * llm.length);
    assert.deepEqual(new Set(hits.map((h) => h.sourceId)), new Set([a.id, b.id]));
    for (let i = 1; i < hits.length; i++) {
      const [p, q] = [hits[i - 1], hits[i]];
      assert.ok(p.startNs > q.startNs || (p.startNs === q.startNs && p.sourceId >= q.sourceId), 'newest first');
    }
    const newest = [...llm].sort((x, y) => (x.startNs > y.startNs ? -1 : 1))[0];
    const top = await store.searchSpans(parseQuery('kind:llm'), { limit: 2 });
    assert.deepEqual(
      top.map((h) => [h.sourceId, key(h)]),
      [
        [b.id, key(newest)],
        [a.id, key(newest)],
      ],
    );
    assert.deepEqual(
      await spanKeys(store, 'kind:llm', { sourceIds: [a.id] }),
      keysOf(spans, (s) => s.kind === 'llm'),
    );
    assert.deepEqual(await store.searchSpans(parseQuery('kind:llm'), { sourceIds: [] }), []);
    const runs = await store.searchRuns(parseQuery('tool:lookup_order'), { limit: 3 });
    assert.equal(runs.length, 3);
    assert.ok(runs[0].run.startNs >= runs[1].run.startNs && runs[1].run.startNs >= runs[2].run.startNs);
    await store.removeSource(a.id);
    assert.deepEqual(new Set((await store.searchSpans(parseQuery('kind:llm'))).map((h) => h.sourceId)), new Set([b.id]));
  });

  it('rejects with an AbortError when the signal is aborted', async () => {
    await addWhole(store);
    const ac = new AbortController();
    ac.abort();
    await assert.rejects(store.searchRuns(parseQuery('refund'), { signal: ac.signal }), { name: 'AbortError' });
    await assert.rejects(store.searchSpans(parseQuery('refund'), { signal: ac.signal }), { name: 'AbortError' });
  });

  it('an index reopened from the cache answers as the one that was built', async () => {
    const src = await addStreamed(store);
    const queries = ['tool:lookup_order', 'canada', 'feedback:negative template:answer', 'attr.gen_ai.request.temperature=0'];
    const before = await Promise.all(queries.map((q) => spanKeys(store, q)));
    const image = store.exportSource(src.id);
    const reopened = await openStore();
    try {
      const row = reopened.openCachedSource({ uri: 'file:///cached', label: 'cached', format: 'otlp-json', bytes: 1 }, image);
      assert.ok(row);
      assert.deepEqual(await Promise.all(queries.map((q) => spanKeys(reopened, q))), before);
      assert.deepEqual(
        await runIds(reopened, 'feedback:negative template:answer'),
        await runIds(store, 'feedback:negative template:answer'),
      );
    } finally {
      await reopened.close();
    }
  });

  it('search rows cross from the parse worker intact', async () => {
    const spans = await demoSpans();
    const src = await addStreamed(store, DEMO, true);
    assert.equal(src.spanCount, spans.length);
    assert.deepEqual(await spanKeys(store, 'tool:lookup_order'), keysOf(spans, usesTool('lookup_order')));
    assert.deepEqual(await spanKeys(store, 'canada'), keysOf(spans, hasWord('canada')));
  });

  it('a duplicate span id with other content is kept searchable as its ~2 copy; a re-delivery adds nothing', async () => {
    const line = (spanId: string, name: string, prompt: string): string =>
      JSON.stringify({
        resourceSpans: [
          {
            resource: { attributes: [{ key: 'service.name', value: { stringValue: 'dup-test' } }] },
            scopeSpans: [
              {
                spans: [
                  {
                    traceId: '0af7651916cd43dd8448eb211c80319c',
                    spanId,
                    name,
                    kind: 1,
                    startTimeUnixNano: '1700000000000000000',
                    endTimeUnixNano: '1700000001000000000',
                    attributes: [
                      { key: 'gen_ai.operation.name', value: { stringValue: 'chat' } },
                      {
                        key: 'gen_ai.input.messages',
                        value: { stringValue: JSON.stringify([{ role: 'user', parts: [{ type: 'text', content: prompt }] }]) },
                      },
                    ],
                  },
                ],
              },
            ],
          },
        ],
      });
    const file = path.join(dir, 'dups.otlp.jsonl');
    const first = line('b7ad6b7169203331', 'chat first', 'original zebra question');
    fs.writeFileSync(file, [first, first, line('b7ad6b7169203331', 'chat second', 'different walrus question')].join('\n') + '\n');
    const src = await addStreamed(store, file);
    assert.equal(src.spanCount, 2);
    assert.deepEqual(await spanKeys(store, 'zebra'), ['0af7651916cd43dd8448eb211c80319c/b7ad6b7169203331']);
    assert.deepEqual(await spanKeys(store, 'walrus'), ['0af7651916cd43dd8448eb211c80319c/b7ad6b7169203331~2']);
    assert.deepEqual(await spanKeys(store, 'question'), [
      '0af7651916cd43dd8448eb211c80319c/b7ad6b7169203331',
      '0af7651916cd43dd8448eb211c80319c/b7ad6b7169203331~2',
    ]);
  });
});
