// The search tables built after a streamed load (src/store/sqlJsSearchBuild.ts, src/ingest/
// searchPass.ts): a search issued before they are built waits and gives the complete answer; a
// cancelled load is searchable over what it read; the index cache keeps them once built, and an
// image saved without them is completed before it is searched.

import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { writeJsonl } from '../../../bench/generate';
import { parseQuery } from '../../../src/core/query/parser';
import { streamImportFile } from '../../../src/ingest/streamImport';
import type { SqlJsStore } from '../../../src/store/sqlJsStore';
import type { SearchIndexProgress } from '../../../src/store/traceStore';
import { DEMO, addWhole, demoSpans, keysOf, openStore, runIds, spanKeys } from './demoSearch';

const QUERIES = ['tool:lookup_order', 'canada', 'refund', '"30 days"', 'guard:refund_amount_limit', 'attr.gen_ai.request.temperature=0'];

describe('search tables built after the load', function () {
  this.timeout(120_000);
  let store: SqlJsStore;
  let reference: SqlJsStore;
  let dir: string;
  /** The answers of the demo added whole (search rows made with the spans). */
  const expected = new Map<string, string[]>();

  before(async () => {
    reference = await openStore();
    await addWhole(reference);
    for (const q of QUERIES) expected.set(q, await spanKeys(reference, q));
    assert.ok(expected.get('canada')?.length && expected.get('tool:lookup_order')?.length);
  });
  after(async () => reference?.close());
  beforeEach(async () => {
    store = await openStore();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tracelens-deferred-'));
  });
  afterEach(async () => {
    await store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('a search before the background build finished waits for it and gives the complete answer', async () => {
    const r = await streamImportFile(DEMO, { store, worker: true, indexer: { batchRows: 7, firstBatchRows: 3 } });
    assert.equal(r.searchIndex, 'deferred');
    const state = store.searchIndexStatus(r.source.id)?.state;
    assert.ok(state === 'pending' || state === 'building', `state right after the load: ${state}`);
    const progress: SearchIndexProgress[] = [];
    const hits = await store.searchSpans(parseQuery('canada'), { limit: 10_000, onIndexProgress: (p) => progress.push(p) });
    assert.deepEqual(hits.map((h) => `${h.traceId}/${h.spanId}`).sort(), expected.get('canada'));
    assert.equal(store.searchIndexStatus(r.source.id)?.state, 'ready');
    const last = progress[progress.length - 1];
    assert.ok(last && last.sourceId === r.source.id && last.done === last.total && last.total === r.source.spanCount, JSON.stringify(last));
    for (const q of QUERIES) assert.deepEqual(await spanKeys(store, q), expected.get(q), q);
    assert.deepEqual(
      await runIds(store, 'feedback:negative template:answer'),
      await runIds(reference, 'feedback:negative template:answer'),
    );
  });

  it('lazy: queries on span columns answer at once; the first one that needs the tables builds them', async () => {
    const r = await streamImportFile(DEMO, { store, worker: false, searchIndex: 'lazy', indexer: { batchRows: 5 } });
    assert.equal(store.searchIndexStatus(r.source.id)?.state, 'pending');
    assert.deepEqual(await spanKeys(store, 'kind:llm status:ok'), await spanKeys(reference, 'kind:llm status:ok'));
    assert.equal(store.searchIndexStatus(r.source.id)?.state, 'pending', 'field terms read the span rows only');
    for (const q of QUERIES) assert.deepEqual(await spanKeys(store, q), expected.get(q), q);
    assert.equal(store.searchIndexStatus(r.source.id)?.state, 'ready');
  });

  it('an aborted search rejects and leaves the build to finish for the next one', async () => {
    const r = await streamImportFile(DEMO, { store, worker: false, searchIndex: 'lazy' });
    const ac = new AbortController();
    const pending = store.searchSpans(parseQuery('canada'), { signal: ac.signal, onIndexProgress: () => ac.abort() });
    await assert.rejects(pending, { name: 'AbortError' });
    assert.deepEqual(await spanKeys(store, 'canada'), expected.get('canada'));
    assert.equal(store.searchIndexStatus(r.source.id)?.state, 'ready');
  });

  it('duplicate span ids: the ~2 copy gets its own text, a re-delivery none', async () => {
    const line = (name: string, word: string): string =>
      JSON.stringify({
        resourceSpans: [
          {
            resource: { attributes: [{ key: 'service.name', value: { stringValue: `svc-${word}` } }] },
            scopeSpans: [
              {
                spans: [
                  {
                    traceId: '0af7651916cd43dd8448eb211c80319c',
                    spanId: 'b7ad6b7169203331',
                    name,
                    kind: 1,
                    startTimeUnixNano: '1700000000000000000',
                    endTimeUnixNano: '1700000001000000000',
                    attributes: [{ key: 'input.value', value: { stringValue: `a ${word} question` } }],
                  },
                ],
              },
            ],
          },
        ],
      });
    const other = (spanId: string, word: string): string => line('x', word).replace('b7ad6b7169203331', spanId);
    const file = path.join(dir, 'dups.otlp.jsonl');
    const first = line('chat first', 'zebra');
    fs.writeFileSync(
      file,
      [first, first, other('c0ffee0000000001', 'okapi'), line('chat second', 'walrus'), other('c0ffee0000000002', 'ibis')].join('\n') +
        '\n',
    );
    const r = await streamImportFile(file, { store, worker: false, searchIndex: 'lazy', indexer: { batchRows: 2, firstBatchRows: 1 } });
    assert.equal(r.source.spanCount, 4);
    const id = (s: string): string => `0af7651916cd43dd8448eb211c80319c/${s}`;
    assert.deepEqual(await spanKeys(store, 'zebra'), [id('b7ad6b7169203331')]);
    assert.deepEqual(await spanKeys(store, 'walrus'), [id('b7ad6b7169203331~2')]);
    assert.deepEqual(await spanKeys(store, 'okapi'), [id('c0ffee0000000001')]);
    assert.deepEqual(await spanKeys(store, 'ibis'), [id('c0ffee0000000002')]);
    assert.equal((await spanKeys(store, 'question')).length, 4);
    // Resource attributes are stored once per resource; the kept copy names its own.
    assert.deepEqual(await spanKeys(store, 'attr.service.name:svc-walrus'), [id('b7ad6b7169203331~2')]);
    assert.deepEqual(await spanKeys(store, 'attr.service.name:svc-zebra'), [id('b7ad6b7169203331')]);
    assert.deepEqual(await spanKeys(store, 'attr.service.name:svc-*'), [
      id('b7ad6b7169203331'),
      id('b7ad6b7169203331~2'),
      id('c0ffee0000000001'),
      id('c0ffee0000000002'),
    ]);
  });

  it('resource attributes answer attr. queries for every span they describe, both ways of building', async () => {
    const spans = await demoSpans();
    const r = await streamImportFile(DEMO, { store, worker: false, searchIndex: 'lazy' });
    for (const [key, value] of [
      ['service.version', '1.4.0'],
      ['telemetry.sdk.language', 'nodejs'],
    ]) {
      const want = keysOf(spans, (s) => s.resource?.[key] === value && s.attributes[key] === undefined);
      assert.ok(want.length > 0, key);
      assert.deepEqual(await spanKeys(store, `attr.${key}:${value}`), want, key);
      assert.deepEqual(await spanKeys(reference, `attr.${key}:${value}`), want, key);
      assert.deepEqual(
        await spanKeys(store, `kind:llm -attr.${key}:${value}`),
        keysOf(spans, (s) => s.kind === 'llm' && !want.includes(`${s.traceId}/${s.spanId}`)),
      );
    }
    assert.equal(store.searchIndexStatus(r.source.id)?.state, 'ready');
  });

  it("a cancelled load's partial source is searchable over what was read, and only that", async () => {
    const file = path.join(dir, 'big.jsonl');
    writeJsonl(file, 2_000_000, 4);
    const ac = new AbortController();
    const r = await streamImportFile(file, {
      store,
      worker: true,
      signal: ac.signal,
      indexer: { chunkBytes: 64 * 1024, batchRows: 100, firstBatchRows: 20, groupBytes: 128 * 1024 },
      maxInFlight: 1,
      onProgress: (p) => {
        if (p.phase === 'indexing' && p.spans >= 300) ac.abort();
      },
    });
    assert.equal(r.source.state, 'partial');
    assert.equal(r.searchIndex, 'deferred');
    const n = r.source.spanCount;
    assert.ok(n >= 300 && n < 2_000_000 / 1000, `${n} spans`);
    // Every span has one of these words in its name; the tool and retriever names key the rest.
    assert.equal((await spanKeys(store, 'answer OR lookup OR chat OR retrieve')).length, n);
    const tools = await spanKeys(store, 'kind:tool');
    assert.ok(tools.length > 0);
    assert.deepEqual(await spanKeys(store, 'tool:lookup_order'), tools);
    assert.deepEqual(await spanKeys(store, 'lookup'), tools);
    assert.deepEqual(await spanKeys(store, 'retrieve'), await spanKeys(store, 'kind:retriever'));
    assert.deepEqual(await spanKeys(store, 'attr.openinference.span.kind:RETRIEVER'), await spanKeys(store, 'kind:retriever'));
    assert.equal(store.searchIndexStatus(r.source.id)?.state, 'ready');
  });

  it('the index cache keeps the search tables once built', async () => {
    const cacheDir = path.join(dir, 'cache');
    const r = await streamImportFile(DEMO, { store, cacheDir, worker: true });
    assert.equal(r.searchIndex, 'deferred');
    // Resolves after the tables are in and the cache is saved again.
    await store.buildSearchIndex(r.source.id);
    const again = await openStore();
    try {
      const c = await streamImportFile(DEMO, { store: again, cacheDir, worker: true });
      assert.equal(c.fromCache, true);
      assert.equal(c.searchIndex, 'ready');
      assert.equal(again.searchIndexStatus(c.source.id)?.state, 'ready');
      for (const q of QUERIES) assert.deepEqual(await spanKeys(again, q), expected.get(q), q);
    } finally {
      await again.close();
    }
  });

  it('an image cached before its search tables were built is completed, not searched as it is', async () => {
    const cacheDir = path.join(dir, 'cache');
    const r = await streamImportFile(DEMO, { store, cacheDir, worker: false, searchIndex: 'lazy' });
    assert.equal(store.searchIndexStatus(r.source.id)?.state, 'pending');
    const again = await openStore();
    try {
      const c = await streamImportFile(DEMO, { store: again, cacheDir, worker: false, searchIndex: 'lazy' });
      assert.equal(c.fromCache, true);
      assert.equal(c.searchIndex, 'deferred');
      assert.equal(again.searchIndexStatus(c.source.id)?.state, 'pending');
      for (const q of QUERIES) assert.deepEqual(await spanKeys(again, q), expected.get(q), q);
      assert.equal(again.searchIndexStatus(c.source.id)?.state, 'ready');
    } finally {
      await again.close();
    }
  });

  it('a source that changed since its load fails the build with the reason; nothing is searched wrongly', async () => {
    const file = path.join(dir, 'demo.otlp.jsonl');
    fs.copyFileSync(DEMO, file);
    const r = await streamImportFile(file, { store, worker: false, searchIndex: 'lazy' });
    // Drop the first record: every span after it moves up.
    const lines = fs.readFileSync(file, 'utf8').split('\n');
    fs.writeFileSync(file, lines.slice(1).join('\n'));
    await assert.rejects(store.searchSpans(parseQuery('refund')), /changed since it was loaded/);
    assert.equal(store.searchIndexStatus(r.source.id)?.state, 'failed');
  });

  it('closing a source stops its build; other sources still answer', async () => {
    const a = await streamImportFile(DEMO, { store, worker: true, searchIndex: 'lazy' });
    const b = await streamImportFile(DEMO, { store, worker: false, searchIndex: 'lazy' });
    const building = store.buildSearchIndex(a.source.id);
    await store.removeSource(a.source.id);
    await assert.rejects(building, { name: 'AbortError' });
    assert.deepEqual(await spanKeys(store, 'canada', { sourceIds: [a.source.id, b.source.id] }), expected.get('canada'));
  });
});
