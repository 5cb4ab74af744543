// The SQLite dialect for real: compiled queries run against an in-memory sql.js database with
// the proposed search tables, filled from the fixture spans (and the demo trace).

import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import type { Database } from 'sql.js';
import { compileRunSearch, compileSpanFilter, compileSpanSearch, type CompileOptions } from '../../../src/core/query/compileSql';
import { parseQuery } from '../../../src/core/query/parser';
import { SQLITE_SEARCH_SCHEMA, type SearchSchema } from '../../../src/core/query/searchSchema';
import { normalizeTrees } from '../../../src/core/trace/normalizeTrees';
import { importFile } from '../../../src/ingest/importFile';
import { SPAN_CASES } from './cases';
import { NOW, SOURCE_1, SOURCE_2 } from './fixtures';
import { all, insertSpans, openSearchDb } from './searchDb';

const OPTS: CompileOptions = { dialect: 'sqlite', now: NOW };

describe('search on sql.js (SQLite dialect)', () => {
  let db: Database;
  before(async () => {
    db = await openSearchDb();
    insertSpans(db, 1, SOURCE_1);
    insertSpans(db, 2, SOURCE_2);
  });
  after(() => db.close());

  const spans = (q: string, extra: Partial<CompileOptions> = {}): string[] =>
    all(db, compileSpanSearch(parseQuery(q), { ...OPTS, limit: 1000, ...extra }))
      .map((r) => String(r.span_id))
      .sort();
  const runs = (q: string, extra: Partial<CompileOptions> = {}): string[] =>
    all(db, compileRunSearch(parseQuery(q), { ...OPTS, ...extra })).map((r) => String(r.trace_id));

  for (const c of SPAN_CASES) {
    const expected = c.sqlite ?? c.spans;
    it(`spans: ${c.query || '(empty)'}`, () => assert.deepEqual(spans(c.query), expected));
  }

  it('works the same with the tables in an attached database (the store keeps them in `idx`)', async () => {
    const idx = await openSearchDb('idx');
    try {
      insertSpans(idx, 1, SOURCE_1);
      insertSpans(idx, 2, SOURCE_2);
      assert.equal(Number(idx.exec("SELECT count(*) FROM idx.sqlite_master WHERE name = 'span_fts'")[0].values[0][0]), 1);
      for (const c of SPAN_CASES) {
        const got = all(idx, compileSpanSearch(parseQuery(c.query), { ...OPTS, limit: 1000 }))
          .map((r) => String(r.span_id))
          .sort();
        assert.deepEqual(got, c.sqlite ?? c.spans, c.query);
      }
      const rows = all(idx, compileRunSearch(parseQuery('feedback:negative template:answer'), OPTS));
      assert.deepEqual(
        rows.map((r) => r.match_span_id),
        ['a1'],
      );
    } finally {
      idx.close();
    }
  });

  it('left the database intact after the hostile queries', () => {
    assert.equal(Number(db.exec('SELECT count(*) FROM spans')[0].values[0][0]), 9);
    assert.equal(Number(db.exec('SELECT count(*) FROM span_fts')[0].values[0][0]), 9);
  });

  it('finds runs whose terms are met by different spans, with the best-matching span', () => {
    const rows = all(db, compileRunSearch(parseQuery('feedback:negative template:answer'), OPTS));
    assert.deepEqual(
      rows.map((r) => [r.trace_id, r.match_span_id, r.match_score, r.match_count]),
      [['trace-aaaa', 'a1', 1, 2]],
    );
    assert.equal(rows[0].root_span_id, 'a1', 'returns the run row');
    const best = all(db, compileRunSearch(parseQuery('kind:llm latency>2s refund'), OPTS));
    assert.deepEqual(
      best.map((r) => [r.trace_id, r.match_span_id, r.match_score]),
      [['trace-aaaa', 'l1', 3]],
    );
    assert.deepEqual(spans('feedback:negative template:answer'), [], 'span scope needs one span to meet both');
  });

  it('applies run-scope negation, OR and time to whole runs', () => {
    assert.deepEqual(runs('feedback:positive template:answer'), []);
    assert.deepEqual(runs('-service:test'), ['trace-cccc', 'trace-aaaa']);
    assert.deepEqual(runs('guard:fired OR feedback:positive'), ['trace-bbbb', 'trace-aaaa']);
    assert.deepEqual(runs('after:150s'), ['trace-cccc']);
    assert.deepEqual(runs('before:2023-11-14T22:16:00Z'), ['trace-aaaa']);
    assert.deepEqual(runs(''), ['trace-cccc', 'trace-bbbb', 'trace-aaaa']);
    const none = all(db, compileRunSearch(parseQuery('-kind:tool'), OPTS));
    assert.deepEqual(
      none.map((r) => [r.trace_id, r.match_span_id, r.match_score, r.match_count]),
      [
        ['trace-cccc', 'x3', 0, 0],
        ['trace-bbbb', 'a2', 0, 0],
      ],
      'with no positive term, the match is the earliest span',
    );
  });

  it('limits to sources', () => {
    assert.deepEqual(spans('kind:*', { sourceIds: [2] }), ['e3', 'x3']);
    assert.deepEqual(spans('', { sourceIds: [] }), []);
    assert.deepEqual(runs('', { sourceIds: [1] }), ['trace-bbbb', 'trace-aaaa']);
    assert.deepEqual(runs('kind:llm', { sourceIds: [2] }), []);
  });

  it('pages spans and runs by keyset, newest first', () => {
    const q = parseQuery('');
    const seen: string[] = [];
    let after: Parameters<typeof compileSpanSearch>[1]['after'];
    for (let i = 0; i < 10; i++) {
      const page = all(db, compileSpanSearch(q, { ...OPTS, limit: 4, after }));
      if (!page.length) break;
      seen.push(...page.map((r) => String(r.span_id)));
      const last = page[page.length - 1];
      after = {
        startNs: BigInt(String(last.start_ns)),
        sourceId: Number(last.source_id),
        traceId: String(last.trace_id),
        spanId: String(last.span_id),
      };
    }
    assert.deepEqual(seen, ['e3', 'x3', 'g2', 'l2', 'a2', 'g1', 't1', 'l1', 'a1']);
    const first = all(db, compileRunSearch(q, { ...OPTS, limit: 2 }));
    assert.deepEqual(
      first.map((r) => r.trace_id),
      ['trace-cccc', 'trace-bbbb'],
    );
    const last = first[1];
    const second = all(
      db,
      compileRunSearch(q, {
        ...OPTS,
        limit: 2,
        after: { startNs: BigInt(String(last.start_ns)), sourceId: Number(last.source_id), traceId: String(last.trace_id) },
      }),
    );
    assert.deepEqual(
      second.map((r) => r.trace_id),
      ['trace-aaaa'],
    );
  });

  it('composes a filter into other SQL', () => {
    const f = compileSpanFilter(parseQuery('kind:llm OR status:error'), { ...OPTS, sourceIds: [1] });
    const rows = all(db, { sql: `SELECT s.span_id FROM spans s WHERE ${f.sql} ORDER BY s.span_id`, params: f.params });
    assert.deepEqual(
      rows.map((r) => r.span_id),
      ['l1', 'l2', 't1'],
    );
  });

  it('computes latency from start and end when the schema has no duration column', () => {
    const schema: SearchSchema = { ...SQLITE_SEARCH_SCHEMA, spans: { ...SQLITE_SEARCH_SCHEMA.spans, durationNs: undefined } };
    const q = compileSpanSearch(parseQuery('latency>2s kind:llm'), { ...OPTS, schema });
    assert.doesNotMatch(q.sql, /duration_ns/);
    assert.deepEqual(
      all(db, q).map((r) => r.span_id),
      ['l1'],
    );
  });

  it("returns the demo's bad run for feedback:negative template:answer", async () => {
    const demo = path.join(__dirname, '../../../examples/support-agent/traces/support-agent.otlp.jsonl');
    const imported = await importFile(demo);
    const demoDb = await openSearchDb();
    try {
      insertSpans(demoDb, 7, normalizeTrees(imported.spans).spans);
      const rows = all(demoDb, compileRunSearch(parseQuery('feedback:negative template:answer'), OPTS));
      assert.equal(rows.length, 1);
      const bad = imported.spans.find((s) => s.feedback?.some((f) => (f.score ?? 0) < 0));
      assert.ok(bad);
      assert.equal(rows[0].trace_id, bad.traceId);
      assert.deepEqual(
        all(demoDb, compileRunSearch(parseQuery('guard:fired'), OPTS)).map((r) => r.match_span_id),
        [imported.spans.find((s) => s.guards?.some((g) => !g.passed))?.spanId],
      );
      assert.ok(all(demoDb, compileSpanSearch(parseQuery('"30 days"'), OPTS)).length > 0);
    } finally {
      demoDb.close();
    }
  });
});
