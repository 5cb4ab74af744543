// Checklist S-05: hostile text in a query never becomes SQL. For every payload, in every place a
// value can go, in both dialects and all three result shapes: the SQL text is exactly the SQL
// of a harmless value in the same place, it holds no string literal of ours but the LIKE escape
// character, and the payload travels in the parameters. The SQLite SQL is also run for real.

import * as assert from 'node:assert/strict';
import type { Database } from 'sql.js';
import type { Expr } from '../../../src/core/query/ast';
import {
  compileRunSearch,
  compileSpanFilter,
  compileSpanSearch,
  fts4Phrase,
  type CompileOptions,
  type CompiledSql,
} from '../../../src/core/query/compileSql';
import { MAX_QUERY_LENGTH } from '../../../src/core/query/lexer';
import { parseQuery } from '../../../src/core/query/parser';
import { isQueryError } from '../../../src/core/query/queryError';
import { NOW, SOURCE_1, SOURCE_2 } from './fixtures';
import { all, insertSpans, openSearchDb } from './searchDb';

const PAYLOADS = [
  "'",
  "''",
  "' OR 1=1 --",
  "' OR '1'='1",
  "x' OR 1=1) --",
  "')) OR ((1=1",
  "'; DROP TABLE spans; --",
  ';DROP TABLE spans',
  '"; DROP TABLE spans; --',
  '--',
  '/* comment */ OR 1=1',
  "\\' OR 1=1 --",
  '\\',
  '%',
  '_',
  "%' OR '%'='",
  "' UNION SELECT sql FROM sqlite_master --",
  "E'\\x27' OR TRUE",
  '$1',
  '$1 OR $2',
  '?1',
  '?',
  ':name @p',
  '’ OR 1=1 --',
  '“x” OR ”1”=”1',
  '＇ OR １=１ --',
  '‘ OR ’’=’',
  "\u202e' OR 1=1 --",
  "a\n' OR 1=1 --\r\n",
  'NEAR OR AND NOT * ^ -',
  'span_fts MATCH x',
  "x' OR 1=1 --",
];

/** Writes a value as a quoted query string. */
const quote = (v: string): string => `"${v.replace(/[\\"]/g, (c) => `\\${c}`)}"`;

/** Places a value can go, as query text. All but the last match only what has the value. */
const POSITIONS: ((v: string) => string)[] = [
  (v) => `name:${quote(v)}`,
  (v) => `model:${quote(v)}`,
  (v) => `template:${quote(v)}`,
  (v) => `trace:${quote(v)}`,
  (v) => `session:${quote(v)}`,
  (v) => `guard:${quote(v)}`,
  (v) => `tool:${quote(v)}`,
  (v) => `attr.${quote(v)}:${quote(v)}`,
  (v) => `attr.${quote(v)}>1`,
  (v) => quote(v),
  (v) => `kind:llm -name:${quote(v)} OR (${quote(v)} tokens>1)`,
];

const BENIGN = 'harmless';
const escapeLike = (s: string): string => s.replace(/[\\%_]/g, (c) => `\\${c}`);

type Compile = (e: Expr, o: CompileOptions) => CompiledSql;
const SHAPES: [string, Compile][] = [
  ['filter', compileSpanFilter],
  ['spans', compileSpanSearch],
  ['runs', compileRunSearch],
];

/** The SQL with our one literal (the LIKE escape character) taken out. */
const withoutEscapeClause = (sql: string): string => sql.split("ESCAPE '\\'").join('');

describe('injection payloads (checklist S-05)', () => {
  for (const dialect of ['sqlite', 'postgres'] as const) {
    for (const [shape, compile] of SHAPES) {
      it(`${dialect} ${shape}: SQL text is independent of the values, which travel as parameters`, () => {
        const opts: CompileOptions = { dialect, now: NOW, sourceIds: [1, 2] };
        for (const position of POSITIONS) {
          const expected = compile(parseQuery(position(BENIGN)), opts).sql;
          for (const p of PAYLOADS) {
            const q = position(p);
            const c = compile(parseQuery(q), opts);
            assert.equal(c.sql, expected, `SQL changed for ${q}`);
            const bare = withoutEscapeClause(c.sql);
            for (const bad of ["'", '"', ';', '--', '/*', '\u0000', '’', '“', '＇', '\r']) {
              assert.ok(!bare.includes(bad), `${JSON.stringify(bad)} in SQL for ${q}`);
            }
            const carried = c.params.some((v) => v === p || v === escapeLike(p) || v === fts4Phrase({ text: p, prefix: false }));
            assert.ok(carried, `payload not in params for ${q}: ${JSON.stringify(c.params)}`);
          }
        }
      });
    }
  }

  it('carries attribute keys verbatim, as parameters', () => {
    for (const p of PAYLOADS) {
      const c = compileSpanFilter(parseQuery(`attr.${quote(p)}:*`), { dialect: 'sqlite', now: NOW });
      assert.deepEqual(c.params, [p]);
      assert.equal(c.sql, 's.id IN (SELECT ta.span_pk FROM span_attrs ta WHERE ta.key = ?1)');
    }
  });

  it('carries NUL verbatim when a caller builds the tree itself (the parser refuses it)', () => {
    const tree: Expr = { type: 'field', field: 'name', pattern: { pieces: ["a\u0000' OR 1=1 --"] }, loc: { start: 0, end: 1 } };
    for (const dialect of ['sqlite', 'postgres'] as const) {
      const c = compileSpanFilter(tree, { dialect, now: NOW });
      assert.deepEqual(c.params, ["a\u0000' OR 1=1 --"]);
      assert.ok(!c.sql.includes('\u0000'));
    }
    assert.throws(
      () => parseQuery('name:"a\u0000b"'),
      (e: unknown) => isQueryError(e) && e.offset === 7,
    );
  });

  it('bounds huge inputs and deep nesting with a QueryError, not a crash', () => {
    const big = `name:${quote("'".repeat(MAX_QUERY_LENGTH - 7))}`;
    const c = compileSpanSearch(parseQuery(big), { dialect: 'sqlite', now: NOW });
    assert.equal(c.params[0], "'".repeat(MAX_QUERY_LENGTH - 7));
    assert.ok(c.sql.length < 300);
    const refused = [
      `${big} x`,
      'x'.repeat(10_000_000),
      '('.repeat(MAX_QUERY_LENGTH),
      `${'('.repeat(1000)}a${')'.repeat(1000)}`,
      `${'-'.repeat(1000)}a`,
      `${'NOT '.repeat(500)}a`,
      `${'(a OR '.repeat(600)}`,
      'a OR '.repeat(700),
      '"'.repeat(3),
    ];
    for (const q of refused) assert.throws(() => parseQuery(q), isQueryError, q.slice(0, 30));
  });

  describe('run for real on sql.js', () => {
    let db: Database;
    before(async () => {
      db = await openSearchDb();
      insertSpans(db, 1, SOURCE_1);
      insertSpans(db, 2, SOURCE_2);
    });
    after(() => db.close());

    it('never matches everything, never fails, never changes the database', () => {
      const total = SOURCE_1.length + SOURCE_2.length;
      POSITIONS.forEach((position, i) => {
        const negated = i === POSITIONS.length - 1;
        for (const p of PAYLOADS) {
          const q = position(p);
          const e = parseQuery(q);
          const spans = all(db, compileSpanSearch(e, { dialect: 'sqlite', now: NOW, limit: 1000 }));
          const runs = all(db, compileRunSearch(e, { dialect: 'sqlite', now: NOW }));
          if (negated) continue;
          assert.ok(spans.length < total, `${q} matched every span`);
          assert.ok(runs.length < 3, `${q} matched every run`);
        }
      });
      assert.equal(Number(db.exec('SELECT count(*) FROM spans')[0].values[0][0]), total);
      assert.equal(Number(db.exec('SELECT count(*) FROM span_fts')[0].values[0][0]), total);
      assert.equal(Number(db.exec("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'spans'")[0].values[0][0]), 1);
    });

    it('finds text with quotes and SQL in it exactly', () => {
      const names = (q: string) => all(db, compileSpanSearch(parseQuery(q), { dialect: 'sqlite', now: NOW })).map((r) => r.span_id);
      assert.deepEqual(names(`name:${quote("x' OR 1=1 --")}`), ['x3']);
      assert.deepEqual(names(`name:${quote("x' OR 1=1 -*")}`), [], 'a * inside quotes is literal');
      assert.deepEqual(names("name:x'*"), ['x3'], 'a * outside quotes is a wildcard');
      assert.deepEqual(names(`attr.${quote('weird key')}:${quote('a;DROP TABLE spans;--')}`), ['x3']);
    });
  });
});
