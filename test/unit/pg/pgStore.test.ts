// The team store against a real PostgreSQL server: TRACELENS_TEST_PG_URL, or a throwaway
// cluster started by test/support/postgres.ts. Skipped (with the reason) only when neither a
// URL nor the server binaries exist; CI installs them, so there these tests always run.

import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import type { Span } from '../../../src/core/model/span';
import { parseQuery } from '../../../src/core/query/parser';
import { importFile } from '../../../src/ingest/importFile';
import { openPgStore, type PgStore } from '../../../src/store/pg/pgStore';
import { LATEST_VERSION } from '../../../src/store/pg/pgSchema';
import { PAYLOAD_MARKER_KEY } from '../../../src/store/pg/pgPayload';
import type { PgConnectionSettings } from '../../../src/store/pg/pgConnection';
import { postgresUnavailable, testPostgres, type PgTarget } from '../../support/postgres';

const DEMO = path.join(__dirname, '../../../examples/support-agent/traces/support-agent.otlp.jsonl');
const BAD_RUN = 'ea4cf58cdc690151626426a080751f02';
const settingsFor = (t: PgTarget): PgConnectionSettings => ({ ...t, sslmode: 'auto' });

async function rawCount(store: PgStore, table: string): Promise<number> {
  // Through the store's own pool: a private member, read in tests only.
  const pool = (store as unknown as { pool: { query(sql: string): Promise<{ rows: { n: string }[] }> } }).pool;
  return Number((await pool.query(`SELECT count(*) AS n FROM tracelens.${table}`)).rows[0].n);
}

describe('team store (PostgreSQL)', function () {
  const unavailable = postgresUnavailable();
  if (unavailable) {
    it.skip(`needs PostgreSQL: ${unavailable}`);
    return;
  }
  this.timeout(120_000);
  let target: PgTarget;
  let store: PgStore;
  let demo: Span[];

  before(async () => {
    target = await (await testPostgres()).freshDatabase('store');
    demo = (await importFile(DEMO)).spans;
  });
  after(async () => store?.close());

  it('migrates an empty database, and a second connection finds nothing to do', async () => {
    store = await openPgStore(settingsFor(target));
    assert.deepEqual(store.migration, { from: 0, to: LATEST_VERSION, applied: [1, 2, 3] });
    const again = await openPgStore(settingsFor(target));
    try {
      assert.deepEqual(again.migration, { from: LATEST_VERSION, to: LATEST_VERSION, applied: [] });
    } finally {
      await again.close();
    }
    for (const t of ['sources', 'spans', 'runs', 'span_text', 'span_attrs', 'span_guards', 'span_tools', 'feedback']) {
      assert.equal(await rawCount(store, t), 0, t);
    }
    assert.equal(await rawCount(store, 'migrations'), LATEST_VERSION);
  });

  it('pushes the demo trace twice without duplicating anything', async () => {
    const info = {
      uri: 'file:///demo/support-agent.otlp.jsonl',
      label: 'support-agent.otlp.jsonl',
      format: 'otlp-json' as const,
      bytes: 1,
    };
    const progress: number[] = [];
    const first = await store.pushSource(info, demo, { batchSize: 20, onProgress: (done) => progress.push(done) });
    assert.deepEqual(progress, [20, 40, 54]);
    assert.equal(first.traceCount, 7);
    assert.equal(first.spanCount, 54);
    assert.equal(first.state, 'complete');
    const second = await store.addSource(info, demo);
    assert.equal(second.id, first.id);
    assert.equal(second.traceCount, 7);
    assert.equal(second.spanCount, 54);
    assert.equal(await rawCount(store, 'spans'), 54);
    assert.equal(await rawCount(store, 'runs'), 7);
    assert.equal(await rawCount(store, 'span_text'), 54);
    assert.equal((await store.listSources()).length, 1);
  });

  it('lists runs by keyset pages, in start order, with the same totals as the embedded store', async () => {
    const [src] = await store.listSources();
    const seen: string[] = [];
    let after: { startNs: bigint; traceId: string } | undefined;
    const sizes: number[] = [];
    for (;;) {
      const page = await store.listRuns(src.id, { limit: 3, after });
      sizes.push(page.length);
      if (!page.length) break;
      seen.push(...page.map((r) => r.traceId));
      const last = page[page.length - 1];
      after = { startNs: last.startNs, traceId: last.traceId };
    }
    assert.deepEqual(sizes, [3, 3, 1, 0]);
    assert.equal(new Set(seen).size, 7);
    const all = await store.listRuns(src.id, { limit: 100 });
    assert.deepEqual(
      all.map((r) => r.traceId),
      seen,
    );
    for (let i = 1; i < all.length; i++) assert.ok(all[i - 1].startNs <= all[i].startNs);
    const bad = all.find((r) => r.traceId === BAD_RUN);
    assert.ok(bad);
    assert.equal(bad.negativeFeedback, 1);
    assert.equal(bad.rootSpanId, '672671bd41f97971');
    assert.ok(bad.preview && bad.preview.length > 0, 'the run shows its input');
    assert.ok(bad.models.length > 0);
    const summary = await store.sourceSummary(src.id);
    assert.equal(summary?.traces, 7);
    assert.equal(summary?.spans, 54);
  });

  it('pages child spans and returns the stored span JSON for the detail view', async () => {
    const [src] = await store.listSources();
    const top = await store.childSpans(src.id, BAD_RUN, undefined);
    assert.deepEqual(
      top.map((s) => s.spanId),
      ['672671bd41f97971'],
    );
    const kids = await store.childSpans(src.id, BAD_RUN, top[0].spanId);
    assert.equal(top[0].childCount, kids.length);
    const firstTwo = await store.childSpanPage(src.id, BAD_RUN, top[0].spanId, { limit: 2 });
    const rest = await store.childSpanPage(src.id, BAD_RUN, top[0].spanId, {
      limit: 100,
      after: { startNs: firstTwo[1].startNs, spanId: firstTwo[1].spanId },
    });
    assert.deepEqual(
      [...firstTwo, ...rest].map((s) => s.spanId),
      kids.map((s) => s.spanId),
    );
    const original = demo.find((s) => s.spanId === '672671bd41f97971');
    const stored = await store.readSpan(src.id, BAD_RUN, '672671bd41f97971');
    assert.ok(original && stored);
    assert.equal(stored.truncated, false);
    assert.equal(stored.span.startNs, original.startNs);
    assert.equal(stored.span.endNs, original.endNs);
    assert.deepEqual(stored.span.feedback, original.feedback);
    assert.equal(stored.span.input, original.input);
  });

  it('searches runs whose terms are met by different spans: feedback:negative template:answer', async () => {
    const hits = await store.searchRuns(parseQuery('feedback:negative template:answer'));
    assert.deepEqual(
      hits.map((h) => h.run.traceId),
      [BAD_RUN],
    );
    const spans = await store.searchSpans(parseQuery('kind:llm template:answer'), { limit: 1000 });
    assert.ok(spans.length >= 7 && spans.every((s) => s.kind === 'llm' && s.templateName === 'answer'));
    const words = await store.searchRuns(parseQuery('"60 days"'));
    assert.ok(words.some((h) => h.run.traceId === BAD_RUN));
  });

  it('shares feedback between connections: one store writes, a second reads, counts follow', async () => {
    const [src] = await store.listSources();
    const other = await openPgStore(settingsFor(target));
    try {
      const spanId = '514b36b36624d734'; // the classify call of the bad run
      await store.addFeedback(src.id, { traceId: BAD_RUN, spanId, value: 'negative', note: 'wrong intent', author: 'alice', atMs: 1000 });
      const seen = await other.listFeedback(src.id, BAD_RUN);
      assert.deepEqual(seen, [{ traceId: BAD_RUN, spanId, value: 'negative', note: 'wrong intent', author: 'alice', atMs: 1000 }]);
      assert.equal((await other.getSpan(src.id, BAD_RUN, spanId))?.negativeFeedback, 1);
      const run = (await other.listRuns(src.id, { limit: 100 })).find((r) => r.traceId === BAD_RUN);
      assert.equal(run?.negativeFeedback, 2, 'the source’s own 👎 plus alice’s');
      // The same author changes their mind: replaced, not added.
      await other.addFeedback(src.id, { traceId: BAD_RUN, spanId, value: 'positive', author: 'alice', atMs: 2000 });
      const span = await store.getSpan(src.id, BAD_RUN, spanId);
      assert.equal(span?.negativeFeedback, 0);
      assert.equal(span?.positiveFeedback, 1);
      assert.equal((await store.listFeedback(src.id, BAD_RUN, spanId)).length, 1);
      // Another author (the default: the PostgreSQL role) adds theirs.
      await other.addFeedback(src.id, { traceId: BAD_RUN, spanId, value: 'negative', atMs: 3000 });
      const marks = await store.listFeedback(src.id, BAD_RUN, spanId);
      assert.deepEqual(
        marks.map((m) => [m.author, m.value]),
        [
          ['alice', 'positive'],
          [target.user, 'negative'],
        ],
      );
      const hits = await store.searchSpans(parseQuery('feedback:positive kind:llm'));
      assert.deepEqual(
        hits.map((s) => s.spanId),
        [spanId],
      );
      await assert.rejects(
        store.addFeedback(src.id, { traceId: BAD_RUN, spanId: 'nope', value: 'negative', atMs: 1 }),
        /not in the team store/,
      );
    } finally {
      await other.close();
    }
  });

  it('keeps injection payloads inert, in trace data and in queries', async () => {
    const evil = "x'); DROP TABLE tracelens.spans;--";
    const span: Span = {
      traceId: 'evil-trace',
      spanId: "s'1",
      name: `$1 ${evil}`,
      kind: 'tool',
      startNs: 1n,
      endNs: 2n,
      status: 'ok',
      service: evil,
      attributes: { 'key\'with"quotes': '$1', 'nul\u0000key': 'a\u0000b', 'user.id': 42 },
      events: [],
    };
    const src = await store.pushSource({ uri: `file:///${evil}`, label: evil, format: 'otlp-json', bytes: 1 }, [span]);
    const queries = [
      `service:"${evil}"`,
      `name:"$1*"`,
      `attr."key'with\\"quotes":"$1"`,
      `"'; DROP SCHEMA tracelens CASCADE; --"`,
      `"x'); DROP TABLE tracelens.runs;" refu*`,
      `name:"\\"); SELECT pg_sleep(10); --"`,
      'attr.user.id>41',
    ];
    for (const q of queries) await store.searchSpans(parseQuery(q));
    assert.deepEqual(
      (await store.searchSpans(parseQuery(`service:"${evil}"`))).map((s) => s.spanId),
      ["s'1"],
    );
    assert.deepEqual(
      (await store.searchSpans(parseQuery('attr.user.id>41'))).map((s) => s.spanId),
      ["s'1"],
    );
    assert.deepEqual(
      (await store.searchSpans(parseQuery(`attr."key'with\\"quotes":"$1"`))).map((s) => s.spanId),
      ["s'1"],
    );
    assert.equal(await rawCount(store, 'spans'), 55);
    assert.equal(await rawCount(store, 'runs'), 8);
    assert.equal((await store.getSpan(src.id, 'evil-trace', "s'1"))?.service, evil);
    await store.removeSource(src.id);
    assert.equal(await rawCount(store, 'spans'), 54);
  });

  it('caps a huge span and says so, and masks secrets at rest', async () => {
    const span: Span = {
      traceId: 'big',
      spanId: 'b1',
      name: 'big',
      kind: 'llm',
      startNs: 5n,
      endNs: 6n,
      status: 'ok',
      input: 'x'.repeat(1_500_000),
      attributes: { 'http.authorization': 'Bearer abcdefghijklmnopqrstuvwxyz', note: 'key sk-abcdefghijklmnopqrstuvwx' },
      events: [],
    };
    const src = await store.pushSource({ uri: 'file:///big', label: 'big', format: 'otlp-json', bytes: 1 }, [span]);
    const stored = await store.readSpan(src.id, 'big', 'b1');
    assert.ok(stored?.truncated);
    assert.match(String(stored.span.attributes[PAYLOAD_MARKER_KEY]), /^truncated: /);
    assert.ok((stored.span.input ?? '').length < 10_000);
    assert.doesNotMatch(JSON.stringify(stored.span.attributes), /abcdefghijklmnopqrstuvwx/);
    await store.removeSource(src.id);
  });

  it('reports a wrong password without the password in the message', async () => {
    const password = 'S3cr3t:p@ss%w0rd/;DROP';
    const err = await openPgStore({ ...settingsFor(target), password, connectTimeoutMs: 5000 }).then(
      () => undefined,
      (e: unknown) => e as Error & { code?: string },
    );
    assert.ok(err, 'connecting with a wrong password must fail');
    assert.equal(err.name, 'StoreError');
    assert.equal(err.code, '28P01');
    assert.match(err.message, /password authentication failed/);
    for (const form of [password, encodeURIComponent(password), 'S3cr3t']) assert.ok(!err.message.includes(form), err.message);
    assert.ok(!JSON.stringify(err).includes('S3cr3t'));
    assert.ok(!(err.stack ?? '').includes('S3cr3t'));
  });

  it('streams a source through beginSource / addSpans / finish', async () => {
    const writer = await store.beginSource({ uri: 'file:///streamed', label: 'streamed', format: 'otlp-json', bytes: 1 });
    writer.addSpans(demo.slice(0, 30));
    writer.addSpans(demo.slice(30));
    const { source } = await writer.finish();
    assert.equal(source.state, 'complete');
    assert.equal(source.spanCount, 54);
    assert.equal(source.traceCount, 7);
    await store.removeSource(source.id);
  });
});
