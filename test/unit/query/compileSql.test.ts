// Syntax tree → SQL for both dialects: exact text for representative queries, placeholder
// numbering, option handling and the schema guard. (Running the SQL: sqliteSearch.test.ts and,
// with a server, postgresSearch.test.ts; full PostgreSQL snapshots: postgresSnapshot.test.ts.)

import * as assert from 'node:assert/strict';
import {
  compileRunSearch,
  compileSpanFilter,
  compileSpanSearch,
  fts4Phrase,
  fullTextTerms,
  tsqueryPrefix,
  type CompileOptions,
  type CompiledSql,
} from '../../../src/core/query/compileSql';
import { parseQuery } from '../../../src/core/query/parser';
import { POSTGRES_SEARCH_SCHEMA, SQLITE_SEARCH_SCHEMA, type SearchSchema } from '../../../src/core/query/searchSchema';

const NOW = 1_800_000_000_000_000_000n;
const SQLITE: CompileOptions = { dialect: 'sqlite', now: NOW };
const PG: CompileOptions = { dialect: 'postgres', now: NOW };

const where = (q: string, opts: CompileOptions = SQLITE): CompiledSql => compileSpanFilter(parseQuery(q), opts);

/** Every placeholder is numbered within the params, and every param is used. */
function checkPlaceholders(c: CompiledSql, dialect: 'sqlite' | 'postgres'): void {
  const used = [...c.sql.matchAll(dialect === 'sqlite' ? /\?(\d+)/g : /\$(\d+)/g)].map((m) => Number(m[1]));
  assert.deepEqual(
    [...new Set(used)].sort((a, b) => a - b),
    c.params.map((_, i) => i + 1),
    c.sql,
  );
  if (dialect === 'sqlite') assert.doesNotMatch(c.sql, /\?(?!\d)/, 'no bare ? placeholders');
}

describe('SQL compilation', () => {
  describe('SQLite conditions', () => {
    const cases: [string, string, unknown[]][] = [
      ['', 'TRUE', []],
      ['kind:llm', 's.kind IN (?1)', ['llm']],
      ['kind:re*', 's.kind IN (?1, ?2)', ['retriever', 'reranker']],
      ['status:error', 's.status IN (?1)', ['error']],
      ['model:gpt-4o*', "(s.model LIKE ?1 ESCAPE '\\' OR s.request_model LIKE ?1 ESCAPE '\\')", ['gpt-4o%']],
      ['model:*', '(s.model IS NOT NULL OR s.request_model IS NOT NULL)', []],
      ['name:"100%_sure\\\\"', "s.name LIKE ?1 ESCAPE '\\'", ['100\\%\\_sure\\\\']],
      ['name:a*b*c', "s.name LIKE ?1 ESCAPE '\\'", ['a%b%c']],
      ['service:test', "s.service LIKE ?1 ESCAPE '\\'", ['test']],
      ['provider:openai', "s.provider LIKE ?1 ESCAPE '\\'", ['openai']],
      ['trace:abc', "s.trace_id LIKE ?1 ESCAPE '\\'", ['abc']],
      ['span:abc', "s.span_id LIKE ?1 ESCAPE '\\'", ['abc']],
      ['session:s1', "s.session_id LIKE ?1 ESCAPE '\\'", ['s1']],
      ['user:u1', "s.user_id LIKE ?1 ESCAPE '\\'", ['u1']],
      ['version:3', "s.template_version LIKE ?1 ESCAPE '\\'", ['3']],
      ['template:answer', "(s.template_name LIKE ?1 ESCAPE '\\' OR s.template_path LIKE ?1 ESCAPE '\\')", ['answer']],
      ['tool:search', "s.id IN (SELECT tt.span_pk FROM span_tools tt WHERE tt.name LIKE ?1 ESCAPE '\\')", ['search']],
      ['tool:*', 's.id IN (SELECT tt.span_pk FROM span_tools tt WHERE tt.name IS NOT NULL)', []],
      ['feedback:positive', 's.positive_feedback > 0', []],
      ['feedback:negative', 's.negative_feedback > 0', []],
      ['feedback:any', '(s.positive_feedback > 0 OR s.negative_feedback > 0)', []],
      ['feedback:none', '(s.positive_feedback = 0 AND s.negative_feedback = 0)', []],
      ['guard:fired', 's.guards_failed > 0', []],
      ['guard:passed', '(s.guards_failed = 0 AND s.id IN (SELECT tg.span_pk FROM span_guards tg WHERE tg.passed = TRUE))', []],
      ['guard:pii*', "s.id IN (SELECT tg.span_pk FROM span_guards tg WHERE tg.name LIKE ?1 ESCAPE '\\')", ['pii%']],
      [
        'attr.user.id:42',
        "s.id IN (SELECT ta.span_pk FROM span_attrs ta WHERE ta.key = ?1 AND ta.value LIKE ?2 ESCAPE '\\')",
        ['user.id', '42'],
      ],
      ['attr.user.id:*', 's.id IN (SELECT ta.span_pk FROM span_attrs ta WHERE ta.key = ?1)', ['user.id']],
      ['attr.n>=2.5', 's.id IN (SELECT ta.span_pk FROM span_attrs ta WHERE ta.key = ?1 AND ta.num >= ?2)', ['n', 2.5]],
      ['latency>2s', 's.duration_ns > ?1', [2_000_000_000n]],
      ['latency>99999999999h', 's.duration_ns > ?1', [2n ** 63n - 1n]],
      [
        'tokens>=4000',
        '((s.input_tokens IS NOT NULL OR s.output_tokens IS NOT NULL) AND COALESCE(s.input_tokens, 0) + COALESCE(s.output_tokens, 0) >= ?1)',
        [4000],
      ],
      ['tokens.in<10', 's.input_tokens < ?1', [10]],
      ['tokens.out=5', 's.output_tokens = ?1', [5]],
      ['cost>0.01', 's.cost > ?1', [0.01]],
      ['after:2026-11-01', 's.start_ns >= ?1', ['01793491200000000000']],
      ['before:1960-01-01', 's.start_ns < ?1', ['00000000000000000000']],
      ['after:9999-12-31', 's.start_ns >= ?1', ['99999999999999999999']],
      ['after:7d', 's.start_ns >= ?1', [`0${NOW - 604_800_000_000_000n}`]],
      ['refund', 's.id IN (SELECT docid FROM span_fts WHERE span_fts MATCH ?1)', ['"refund"']],
      ['refu*', 's.id IN (SELECT docid FROM span_fts WHERE span_fts MATCH ?1)', ['"refu*"']],
      ['"refund policy"', 's.id IN (SELECT docid FROM span_fts WHERE span_fts MATCH ?1)', ['"refund policy"']],
      ['refund "late fee" refu*', '(s.id IN (SELECT docid FROM span_fts WHERE span_fts MATCH ?1))', ['"refund" "late fee" "refu*"']],
      [
        'refund -late',
        '(s.id IN (SELECT docid FROM span_fts WHERE span_fts MATCH ?1) AND NOT COALESCE(s.id IN (SELECT docid FROM span_fts WHERE span_fts MATCH ?2), FALSE))',
        ['"refund"', '"late"'],
      ],
      [
        'refund OR late',
        '(s.id IN (SELECT docid FROM span_fts WHERE span_fts MATCH ?1) OR s.id IN (SELECT docid FROM span_fts WHERE span_fts MATCH ?2))',
        ['"refund"', '"late"'],
      ],
      ['-service:test', "NOT COALESCE(s.service LIKE ?1 ESCAPE '\\', FALSE)", ['test']],
      [
        'kind:llm (status:error OR latency>1s)',
        '(s.kind IN (?1) AND (s.status IN (?2) OR s.duration_ns > ?3))',
        ['llm', 'error', 1_000_000_000n],
      ],
    ];
    for (const [q, sql, params] of cases) {
      it(q || '(empty)', () => {
        const c = where(q);
        assert.equal(c.sql, sql);
        assert.deepEqual(c.params, params);
        checkPlaceholders(c, 'sqlite');
      });
    }
  });

  describe('PostgreSQL conditions', () => {
    const cases: [string, string, unknown[]][] = [
      ['model:gpt-4o*', "(s.model ILIKE $1 ESCAPE '\\' OR s.request_model ILIKE $1 ESCAPE '\\')", ['gpt-4o%']],
      ['latency>2s', 's.duration_ns > $1', ['2000000000']],
      ['after:2026-11-01', 's.start_ns >= $1', ['1793491200000000000']],
      ['before:1960-01-01', 's.start_ns < $1', ['0']],
      ['guard:passed', '(s.guards_failed = 0 AND s.id IN (SELECT tg.span_pk FROM tracelens.span_guards tg WHERE tg.passed = TRUE))', []],
      [
        'refund',
        's.id IN (SELECT tx.span_pk FROM tracelens.span_text tx WHERE tx.tsv @@ plainto_tsquery($1::regconfig, $2))',
        ['tracelens.search', 'refund'],
      ],
      [
        '"refund policy"',
        's.id IN (SELECT tx.span_pk FROM tracelens.span_text tx WHERE tx.tsv @@ phraseto_tsquery($1::regconfig, $2))',
        ['tracelens.search', 'refund policy'],
      ],
      [
        'gpt-4*',
        's.id IN (SELECT tx.span_pk FROM tracelens.span_text tx WHERE tx.tsv @@ to_tsquery($1::regconfig, $2))',
        ['tracelens.search', "'gpt' <-> '4':*"],
      ],
      [
        'refund "late fee" OR x',
        '((s.id IN (SELECT tx.span_pk FROM tracelens.span_text tx WHERE tx.tsv @@ (plainto_tsquery($1::regconfig, $2) && phraseto_tsquery($1::regconfig, $3)))) OR s.id IN (SELECT tx.span_pk FROM tracelens.span_text tx WHERE tx.tsv @@ plainto_tsquery($1::regconfig, $4)))',
        ['tracelens.search', 'refund', 'late fee', 'x'],
      ],
      ['-service:test', "NOT COALESCE(s.service ILIKE $1 ESCAPE '\\', FALSE)", ['test']],
    ];
    for (const [q, sql, params] of cases) {
      it(q, () => {
        const c = where(q, PG);
        assert.equal(c.sql, sql);
        assert.deepEqual(c.params, params);
        checkPlaceholders(c, 'postgres');
      });
    }
  });

  it('computes latency from start and end when there is no duration column', () => {
    const strip = (s: SearchSchema): SearchSchema => ({ ...s, spans: { ...s.spans, durationNs: undefined } });
    assert.equal(
      where('latency>1s', { ...SQLITE, schema: strip(SQLITE_SEARCH_SCHEMA) }).sql,
      '(CAST(s.end_ns AS INTEGER) - CAST(s.start_ns AS INTEGER)) > ?1',
    );
    assert.equal(where('latency>1s', { ...PG, schema: strip(POSTGRES_SEARCH_SCHEMA) }).sql, '(s.end_ns - s.start_ns) > $1');
  });

  it('builds a keyset-paged span search', () => {
    const c = compileSpanSearch(parseQuery('kind:llm'), {
      ...SQLITE,
      sourceIds: [3, 4],
      limit: 50,
      after: { startNs: 1_700_000_000_000_000_001n, sourceId: 3, traceId: 't', spanId: 's' },
    });
    assert.equal(
      c.sql,
      'SELECT s.* FROM spans s WHERE s.kind IN (?1) AND s.source_id IN (?2, ?3) AND (s.start_ns, s.source_id, s.trace_id, s.span_id) < (?4, ?5, ?6, ?7)' +
        ' ORDER BY s.start_ns DESC, s.source_id DESC, s.trace_id DESC, s.span_id DESC LIMIT ?8',
    );
    assert.deepEqual(c.params, ['llm', 3, 4, '01700000000000000001', 3, 't', 's', 50]);
    const pg = compileSpanSearch(parseQuery('kind:llm'), {
      ...PG,
      columns: ['span_id', 'name'],
      after: { startNs: 5n, sourceId: 1, traceId: 't', spanId: 's' },
    });
    assert.match(
      pg.sql,
      /^SELECT s\.span_id, s\.name FROM tracelens\.spans s WHERE s\.kind IN \(\$1\) AND \(s\.start_ns, s\.source_id, s\.trace_id, s\.span_id\) < \(\$2, \$3, \$4, \$5\)/,
    );
    assert.deepEqual(pg.params, ['llm', '5', 1, 't', 's', 100]);
  });

  it('reuses placeholders a run search needs twice (term in the filter and in the score)', () => {
    for (const dialect of ['sqlite', 'postgres'] as const) {
      const c = compileRunSearch(parseQuery('feedback:negative template:answer -kind:tool refund after:7d'), {
        dialect,
        now: NOW,
        sourceIds: [1],
      });
      checkPlaceholders(c, dialect);
      assert.equal(c.params.filter((p) => p === 'answer').length, 1);
      assert.equal(c.params.filter((p) => p === 1).length, 1, 'one placeholder for the source id, used in every subquery');
      assert.match(c.sql, /CASE WHEN s\.negative_feedback > 0 THEN 1 ELSE 0 END/);
      assert.doesNotMatch(c.sql, /CASE WHEN NOT/, 'negated terms do not score');
      assert.doesNotMatch(c.sql, /CASE WHEN s\.start_ns/, 'time bounds do not score');
      assert.match(c.sql, /r\.start_ns >= [?$]\d+/, 'time bounds apply to the run');
    }
  });

  it('clamps the page size', () => {
    const limitOf = (limit: number) => {
      const c = compileSpanSearch(parseQuery(''), { ...SQLITE, limit });
      return c.params[c.params.length - 1];
    };
    assert.equal(limitOf(0), 1);
    assert.equal(limitOf(-5), 1);
    assert.equal(limitOf(2.7), 2);
    assert.equal(limitOf(1e12), 10_000);
    assert.equal(limitOf(Number.NaN), 100);
  });

  it('matches nothing for an empty source list', () => {
    assert.equal(where('kind:llm', { ...SQLITE, sourceIds: [] }).sql, 'FALSE AND s.kind IN (?1)');
  });

  it('refuses schema names and columns that are not plain identifiers', () => {
    const bad = (patch: (s: SearchSchema) => SearchSchema) => () =>
      where('kind:llm', { ...SQLITE, schema: patch(structuredClone(SQLITE_SEARCH_SCHEMA)) });
    assert.throws(
      bad((s) => ({ ...s, spans: { ...s.spans, table: 'spans; DROP TABLE spans' } })),
      /spans\.table is not a plain SQL name/,
    );
    assert.throws(
      bad((s) => ({ ...s, spans: { ...s.spans, kind: 'kind --' } })),
      /spans\.kind/,
    );
    assert.throws(
      bad((s) => ({ ...s, attrs: { ...s.attrs, key: 'a.b' } })),
      /attrs\.key/,
    );
    assert.throws(
      bad((s) => ({ ...s, text: { ...s.text, table: 'a.b.c' } })),
      /text\.table/,
    );
    assert.doesNotThrow(bad((s) => ({ ...s, spans: { ...s.spans, table: 'tracelens.spans' } })));
    assert.throws(
      () => compileSpanSearch(parseQuery(''), { ...SQLITE, columns: ['name', 'x) FROM sqlite_master --'] }),
      /not a column name/,
    );
  });

  it('quotes full-text terms for FTS4 inside the parameter', () => {
    assert.equal(fts4Phrase({ text: 'refund', prefix: false }), '"refund"');
    assert.equal(fts4Phrase({ text: 'refu', prefix: true }), '"refu*"');
    assert.equal(fts4Phrase({ text: 'say "hi" *now*', prefix: false }), '"say  hi   now"');
    assert.equal(fts4Phrase({ text: 'x" OR "1', prefix: false }), '"x  OR  1"');
    assert.equal(fts4Phrase({ text: '"', prefix: true }), '""');
    assert.equal(tsqueryPrefix("O'Brien's ca"), "'O' <-> 'Brien' <-> 's' <-> 'ca':*");
    assert.equal(tsqueryPrefix("!!' & |"), '');
    assert.equal(tsqueryPrefix('Café'), "'Café':*");
  });

  it('lists the positive full-text terms for highlighting', () => {
    assert.deepEqual(fullTextTerms(parseQuery('refund "late fee" -spam (x OR -(-y)) kind:llm')), ['refund', 'late fee', 'x', 'y']);
  });
});
