// Search over the embedded store, on the demo trace imported both ways (whole file + addSource,
// and the streaming import): each answer is checked against one computed from the imported
// spans, and the two import paths must answer every query identically.

import * as assert from 'node:assert/strict';
import type { Span } from '../../../src/core/model/span';
import { parseQuery } from '../../../src/core/query/parser';
import type { SqlJsStore } from '../../../src/store/sqlJsStore';
import type { SourceRow } from '../../../src/store/traceStore';
import {
  BAD_RUN,
  addStreamed,
  addWhole,
  demoSpans,
  hasNegativeFeedback,
  hasWord,
  key,
  keysOf,
  openStore,
  runIds,
  spanKeys,
  tracesWhere,
  usesTemplate,
  usesTool,
  withoutSource,
} from './demoSearch';

const ms = (n: number): bigint => BigInt(n) * 1_000_000n;

describe('embedded store search (demo trace)', () => {
  let spans: Span[];
  let whole: SqlJsStore;
  let streamed: SqlJsStore;
  let wholeSrc: SourceRow;
  let streamedSrc: SourceRow;

  before(async () => {
    spans = await demoSpans();
    whole = await openStore();
    streamed = await openStore();
    wholeSrc = await addWhole(whole);
    streamedSrc = await addStreamed(streamed);
  });
  after(async () => {
    await whole?.close();
    await streamed?.close();
  });

  /** Both stores give exactly `expected` (span keys), and the same rows. */
  async function expectSpans(query: string, expected: string[]): Promise<void> {
    assert.deepEqual(await spanKeys(whole, query), expected, `whole-file import: ${query}`);
    assert.deepEqual(await spanKeys(streamed, query), expected, `streamed import: ${query}`);
  }

  it('indexed every span on both paths', () => {
    assert.equal(wholeSrc.spanCount, spans.length);
    assert.equal(streamedSrc.spanCount, spans.length);
  });

  it('feedback:negative template:answer finds the bad run, and only it, with its best span', async () => {
    const expected = tracesWhere(spans, hasNegativeFeedback, usesTemplate('answer'));
    assert.deepEqual(expected, [BAD_RUN], 'the demo has one such run');
    for (const store of [whole, streamed]) {
      const hits = await store.searchRuns(parseQuery('feedback:negative template:answer'));
      assert.deepEqual(
        hits.map((h) => h.run.traceId),
        expected,
      );
      // Every matching span meets one of the two terms: the match is the earliest of them.
      const meeting = spans
        .filter((s) => s.traceId === BAD_RUN && (hasNegativeFeedback(s) || usesTemplate('answer')(s)))
        .sort((a, b) => (a.startNs < b.startNs ? -1 : a.startNs > b.startNs ? 1 : a.spanId < b.spanId ? -1 : 1));
      assert.equal(hits[0].matchSpanId, meeting[0].spanId);
      assert.equal(hits[0].matchScore, 1);
      assert.equal(hits[0].matchCount, meeting.length);
      assert.equal(hits[0].run.negativeFeedback, 1);
    }
    // In span scope both terms must hold on one span: none does.
    await expectSpans('feedback:negative template:answer', []);
  });

  it('kind:llm latency>… keeps the slow LLM calls', async () => {
    const llm = spans.filter((s) => s.kind === 'llm').map((s) => s.endNs - s.startNs);
    const sorted = [...llm].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    // A threshold between the fastest and slowest LLM calls, so the answer is a strict subset.
    const threshold = sorted[Math.floor(sorted.length / 2)];
    const thresholdMs = Number(threshold / 1_000_000n);
    const expected = keysOf(spans, (s) => s.kind === 'llm' && s.endNs - s.startNs > ms(thresholdMs));
    assert.ok(expected.length > 0 && expected.length < llm.length, `${expected.length} of ${llm.length}`);
    await expectSpans(`kind:llm latency>${thresholdMs}ms`, expected);
  });

  it('tool:lookup_order finds the tool runs and the LLM calls that asked for it', async () => {
    const expected = keysOf(spans, usesTool('lookup_order'));
    assert.ok(expected.length > 0);
    assert.ok(spans.some((s) => s.kind === 'tool' && expected.includes(key(s))));
    assert.ok(spans.some((s) => s.kind === 'llm' && expected.includes(key(s))));
    await expectSpans('tool:lookup_order', expected);
  });

  it('finds a word of a retrieved document: the retrievals that returned it and the prompts that quoted it', async () => {
    const word = 'Canada';
    const retrieved = spans.filter((s) => (s.documents ?? []).some((d) => /\bCanada\b/.test(d.content ?? '')));
    assert.ok(retrieved.length > 0, 'the shipping policy mentions Canada');
    const expected = keysOf(spans, hasWord(word));
    for (const r of retrieved) assert.ok(expected.includes(key(r)));
    await expectSpans(word, expected);
    await expectSpans('canada', expected);
    await expectSpans(
      'kind:retriever canada',
      keysOf(spans, (s) => s.kind === 'retriever' && hasWord(word)(s)),
    );
  });

  it('status:error, in span and run scope', async () => {
    const expected = keysOf(spans, (s) => s.status === 'error');
    assert.ok(expected.length > 0);
    await expectSpans('status:error', expected);
    const traces = tracesWhere(spans, (s) => s.status === 'error');
    assert.deepEqual(await runIds(whole, 'status:error'), traces);
    assert.deepEqual(await runIds(streamed, 'status:error'), traces);
  });

  it('negation is the exact complement', async () => {
    const expected = keysOf(spans, (s) => s.kind === 'llm' && !usesTool('lookup_order')(s));
    assert.ok(expected.length > 0);
    await expectSpans('kind:llm -tool:lookup_order', expected);
    // Run scope: runs where no span meets the term.
    const noError = tracesWhere(spans, () => true).filter((t) => !spans.some((s) => s.traceId === t && s.status === 'error'));
    assert.deepEqual(await runIds(whole, '-status:error'), noError);
    assert.deepEqual(await runIds(streamed, '-status:error'), noError);
  });

  it('OR unites', async () => {
    const expected = keysOf(spans, (s) => usesTool('issue_refund')(s) || s.status === 'error');
    await expectSpans('tool:issue_refund OR status:error', expected);
    const guards = keysOf(spans, (s) => s.kind === 'guard' || hasWord('refund')(s));
    await expectSpans('(kind:guard OR refund)', guards);
  });

  it('answers every query identically on both import paths, row for row', async () => {
    const queries = [
      '',
      'kind:llm',
      'refund',
      'refu*',
      '"30 days"',
      'guard:fired',
      'guard:passed',
      'model:support-sim-1',
      'attr.gen_ai.request.temperature=0',
      'attr.service.version:1.4.0',
      'tokens>100',
      'service:support-agent -kind:guard',
      'feedback:any',
    ];
    for (const q of queries) {
      const a = await whole.searchSpans(parseQuery(q), { limit: 1000 });
      const b = await streamed.searchSpans(parseQuery(q), { limit: 1000 });
      assert.deepEqual(withoutSource(b), withoutSource(a), q);
      const ra = await whole.searchRuns(parseQuery(q));
      const rb = await streamed.searchRuns(parseQuery(q));
      assert.deepEqual(
        rb.map((h) => ({ ...h, run: { ...h.run, sourceId: 0 } })),
        ra.map((h) => ({ ...h, run: { ...h.run, sourceId: 0 } })),
        q,
      );
    }
  });

  it('matches the requested model as well as the answering one', async () => {
    const requested = spans.find((s) => s.model?.requested && s.model.returned && s.model.requested !== s.model.returned);
    assert.ok(requested, 'the demo has a call answered by a dated model');
    const expected = keysOf(
      spans,
      (s) => s.model?.requested === requested.model?.requested || s.model?.returned === requested.model?.requested,
    );
    await expectSpans(`model:${requested.model?.requested}`, expected);
  });

  it('attributes: payloads are left out, other attributes are searchable', async () => {
    const withTemp = keysOf(spans, (s) => s.attributes['gen_ai.request.temperature'] === 0);
    assert.ok(withTemp.length > 0);
    await expectSpans('attr.gen_ai.request.temperature=0', withTemp);
    // The prompt is indexed as full text, not as an attribute.
    await expectSpans('attr.gen_ai.input.messages:*', []);
  });
});
