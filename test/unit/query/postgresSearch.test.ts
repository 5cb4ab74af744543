// The PostgreSQL dialect against a real server, through the team store itself (its migrated
// schema, its writer): the shared cases must give the answers they give on SQLite. The server is
// TRACELENS_TEST_PG_URL or a throwaway cluster from test/support/postgres.ts (CI installs
// PostgreSQL); skipped, with the reason, only where neither exists.

import * as assert from 'node:assert/strict';
import { compileRunSearch, compileSpanSearch, type CompileOptions } from '../../../src/core/query/compileSql';
import { parseQuery } from '../../../src/core/query/parser';
import { openPgStore, type PgStore } from '../../../src/store/pg/pgStore';
import { postgresUnavailable, testPostgres } from '../../support/postgres';
import { SPAN_CASES } from './cases';
import { NOW, SOURCE_1, SOURCE_2 } from './fixtures';

interface Queryable {
  query(sql: string, params?: unknown[]): Promise<{ rows: Record<string, unknown>[] }>;
}

const OPTS: CompileOptions = { dialect: 'postgres', now: NOW };

describe('search on PostgreSQL (the team store schema)', function () {
  const unavailable = postgresUnavailable();
  if (unavailable) {
    it.skip(`needs PostgreSQL: ${unavailable}`);
    return;
  }
  this.timeout(120_000);
  let store: PgStore | undefined;
  let db: Queryable;
  before(async () => {
    const target = await (await testPostgres()).freshDatabase('query');
    store = await openPgStore({ ...target, sslmode: 'auto' });
    // Source ids 1 and 2, as the cases expect: a fresh database numbers them in push order.
    const one = await store.addSource({ uri: 'file:///cases/one.jsonl', label: 'one', format: 'otlp-json', bytes: 0 }, SOURCE_1);
    const two = await store.addSource({ uri: 'file:///cases/two.jsonl', label: 'two', format: 'otlp-json', bytes: 0 }, SOURCE_2);
    assert.deepEqual([one.id, two.id], [1, 2]);
    // The compiled SQL runs on the store's own pool (a private member, read in tests only).
    db = (store as unknown as { pool: Queryable }).pool;
  });
  after(async () => store?.close());

  const spans = async (q: string): Promise<string[]> => {
    const c = compileSpanSearch(parseQuery(q), { ...OPTS, limit: 1000 });
    const { rows } = await db!.query(c.sql, c.params);
    return rows.map((r) => String(r.span_id)).sort();
  };

  for (const c of SPAN_CASES) {
    it(`spans: ${c.query || '(empty)'}`, async () => assert.deepEqual(await spans(c.query), c.postgres ?? c.spans));
  }

  it('finds runs whose terms are met by different spans', async () => {
    const c = compileRunSearch(parseQuery('feedback:negative template:answer'), { ...OPTS, sourceIds: [1, 2] });
    const { rows } = await db!.query(c.sql, c.params);
    assert.deepEqual(
      rows.map((r) => [r.trace_id, r.match_span_id, Number(r.match_score), Number(r.match_count)]),
      [['trace-aaaa', 'a1', 1, 2]],
    );
    const page = compileRunSearch(parseQuery('-kind:tool'), { ...OPTS, limit: 1, after: { startNs: NOW, sourceId: 9, traceId: 'z' } });
    assert.deepEqual(
      (await db!.query(page.sql, page.params)).rows.map((r) => r.trace_id),
      ['trace-cccc'],
    );
  });
});
