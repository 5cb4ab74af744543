// Feedback in the embedded store: marks count in the span's and run's columns (tree, search),
// an author's later mark replaces theirs, and re-applying the same marks changes nothing.

import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { parseQuery } from '../../../src/core/query/parser';
import { importFile } from '../../../src/ingest/importFile';
import { openSqlJsStore, type SqlJsStore } from '../../../src/store/sqlJsStore';

const WASM = require.resolve('sql.js/dist/sql-wasm.wasm');
const DEMO = path.join(__dirname, '../../../examples/support-agent/traces/support-agent.otlp.jsonl');
const RUN = '44beb933525611b69ce55a223401c249'; // a run with 👍 from the source
const LLM = '3c64873b3754a5c1'; // its answer call

describe('embedded store feedback', () => {
  let store: SqlJsStore;
  let id: number;
  before(async () => {
    store = await openSqlJsStore(WASM);
    const { spans } = await importFile(DEMO);
    id = (await store.addSource({ uri: 'file:///demo', label: 'demo', format: 'otlp-json', bytes: 1 }, spans)).id;
  });
  after(() => store.close());

  const run = async (): Promise<{ neg: number; pos: number }> => {
    const r = (await store.listRuns(id, { limit: 100 })).find((x) => x.traceId === RUN);
    return { neg: r?.negativeFeedback ?? -1, pos: r?.positiveFeedback ?? -1 };
  };

  it('counts a mark on the span and its run, replaces an author’s earlier mark, and is idempotent', async () => {
    assert.deepEqual(await run(), { neg: 0, pos: 1 });
    assert.deepEqual(await store.listFeedback(id, RUN), []);
    await store.addFeedback(id, { traceId: RUN, spanId: LLM, value: 'negative', note: 'made up a policy', author: 'me', atMs: 10 });
    assert.equal((await store.getSpan(id, RUN, LLM))?.negativeFeedback, 1);
    assert.deepEqual(await run(), { neg: 1, pos: 1 });
    // Reopening a source re-applies stored marks: the same mark again changes nothing.
    await store.addFeedback(id, { traceId: RUN, spanId: LLM, value: 'negative', note: 'made up a policy', author: 'me', atMs: 10 });
    assert.deepEqual(await run(), { neg: 1, pos: 1 });
    await store.addFeedback(id, { traceId: RUN, spanId: LLM, value: 'positive', author: 'me', atMs: 20 });
    assert.deepEqual(await run(), { neg: 0, pos: 2 });
    await store.addFeedback(id, { traceId: RUN, spanId: LLM, value: 'negative', author: 'you', atMs: 30 });
    assert.deepEqual(await run(), { neg: 1, pos: 2 });
    assert.deepEqual(
      (await store.listFeedback(id, RUN, LLM)).map((m) => [m.author, m.value, m.note]),
      [
        ['me', 'positive', undefined],
        ['you', 'negative', undefined],
      ],
    );
    assert.deepEqual(await store.listFeedback(id, RUN, 'other'), []);
    await assert.rejects(store.addFeedback(id, { traceId: RUN, spanId: 'nope', value: 'negative', atMs: 1 }), /not in this source/);
  });

  it('feeds feedback: searches', async () => {
    const hits = await store.searchSpans(parseQuery('feedback:negative kind:llm'));
    assert.deepEqual(
      hits.map((s) => s.spanId),
      [LLM],
    );
  });
});
