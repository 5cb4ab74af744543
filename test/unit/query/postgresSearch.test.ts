// The PostgreSQL dialect against a real server, when there is one: set TRACELENS_TEST_PG_URL
// (e.g. postgres://postgres@%2Ftmp%2Fpg:5432/postgres) and have the `pg` client installed.
// Skipped (one pending test) without the URL; the compile-only snapshots always run.
// Each run works in a fresh schema-scoped transaction and rolls it back.

import * as assert from 'node:assert/strict';
import { compileRunSearch, compileSpanSearch, type CompileOptions } from '../../../src/core/query/compileSql';
import { parseQuery } from '../../../src/core/query/parser';
import { SPAN_CASES } from './cases';
import { NOW, SOURCE_1, SOURCE_2 } from './fixtures';
import { createPgTables, insertSpansPg, type PgLike } from './pgFixture';

interface PgClient extends PgLike {
  connect(): Promise<void>;
  end(): Promise<void>;
}

function loadClient(url: string): PgClient {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const pg = require('pg') as { Client: new (o: { connectionString: string }) => PgClient };
  return new pg.Client({ connectionString: url });
}

const OPTS: CompileOptions = { dialect: 'postgres', now: NOW };

const PG_URL = process.env.TRACELENS_TEST_PG_URL;

describe('search on PostgreSQL (when TRACELENS_TEST_PG_URL is set)', () => {
  if (!PG_URL) {
    it.skip('runs the shared cases against a real server (set TRACELENS_TEST_PG_URL)');
    return;
  }
  let db: PgClient | undefined;
  before(async () => {
    db = loadClient(PG_URL);
    await db.connect();
    await db.query('BEGIN');
    await db.query('DROP SCHEMA IF EXISTS tracelens CASCADE');
    await createPgTables(db);
    await insertSpansPg(db, 1, SOURCE_1);
    await insertSpansPg(db, 2, SOURCE_2);
  });
  after(async () => {
    if (!db) return;
    await db.query('ROLLBACK');
    await db.end();
  });

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
