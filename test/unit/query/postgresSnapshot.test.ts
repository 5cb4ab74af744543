// PostgreSQL SQL + parameters for a set of queries, compared with postgres.golden.json (runs with
// no server). Regenerate after a deliberate change with UPDATE_GOLDEN=1 npx mocha, and review
// the diff. With a server, postgresSearch.test.ts runs the same dialect for real.

import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { compileRunSearch, compileSpanSearch, type CompiledSql } from '../../../src/core/query/compileSql';
import { parseQuery } from '../../../src/core/query/parser';

const GOLDEN = path.join(__dirname, 'postgres.golden.json');
const NOW = 1_800_000_000_000_000_000n;

interface Snapshot {
  name: string;
  sql: string;
  params: unknown[];
}

const QUERIES: [name: string, build: () => CompiledSql][] = [];
const label = (shape: string, q: string, extra: object): string =>
  `${shape} ${q}${Object.keys(extra).length ? ` ${JSON.stringify(extra, (_, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v))}` : ''}`;
const spans = (q: string, extra: object = {}) =>
  QUERIES.push([label('spans', q, extra), () => compileSpanSearch(parseQuery(q), { dialect: 'postgres', now: NOW, ...extra })]);
const runs = (q: string, extra: object = {}) =>
  QUERIES.push([label('runs', q, extra), () => compileRunSearch(parseQuery(q), { dialect: 'postgres', now: NOW, ...extra })]);

const DESIGN_EXAMPLE =
  'kind:llm status:error model:gpt-4o latency>2s template:refund feedback:negative "exact phrase" -service:test attr.user.id:42 after:2026-11-01';

spans('');
spans(DESIGN_EXAMPLE);
runs(DESIGN_EXAMPLE, { sourceIds: [1, 2] });
runs('feedback:negative template:answer');
for (const q of [
  'kind:re*',
  'status:error OR status:unset',
  'model:gpt-4o* provider:openai',
  'service:checkout name:"chat *"',
  'trace:4bf92f35* span:00f067aa0ba902b7',
  'session:s-1 user:u-*',
  'template:prompts/* version:3',
  'tool:search',
  'feedback:any',
  'feedback:none',
  'guard:fired',
  'guard:passed',
  'guard:pii*',
  'attr."http.status_code">=500',
  'attr.user.id:*',
  'tokens>=4k tokens.in<100 tokens.out=5',
  'cost>$0.01',
  'latency:<=250ms',
  'after:7d before:2026-11-01T10:00:00.5+02:00',
  'refund "late fee" refu*',
  'refund OR -(kind:tool -status:error)',
  '-(-kind:llm)',
]) {
  spans(q);
}
spans('kind:llm', {
  limit: 25,
  after: { startNs: 1_700_000_000_000_000_001n, sourceId: 2, traceId: 't', spanId: 's' },
  columns: ['span_id', 'name'],
});
runs('kind:llm', { limit: 25, after: { startNs: 1_700_000_000_000_000_001n, sourceId: 2, traceId: 't' }, sourceIds: [2] });

const current = (): Snapshot[] =>
  QUERIES.map(([name, build]) => {
    const c = build();
    return { name, sql: c.sql, params: c.params.map((p) => (typeof p === 'bigint' ? `${p}n` : p)) };
  });

describe('PostgreSQL compilation snapshots', () => {
  if (process.env.UPDATE_GOLDEN) fs.writeFileSync(GOLDEN, `${JSON.stringify(current(), null, 2)}\n`);
  const golden = JSON.parse(fs.readFileSync(GOLDEN, 'utf8')) as Snapshot[];

  it('has a snapshot for every query', () => {
    assert.deepEqual(
      golden.map((g) => g.name),
      QUERIES.map(([n]) => n),
    );
  });

  for (const snap of current()) {
    it(snap.name, () =>
      assert.deepEqual(
        snap,
        golden.find((g) => g.name === snap.name),
      ),
    );
  }

  it('binds only strings and numbers (the pg driver sends no BigInt)', () => {
    for (const s of current())
      for (const p of s.params) assert.ok(typeof p === 'string' || typeof p === 'number', `${s.name}: ${String(p)}`);
  });
});
