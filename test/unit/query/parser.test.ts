// The query language's parser: every construct, precedence, and errors that point at the
// offending characters.

import * as assert from 'node:assert/strict';
import { SPAN_KINDS } from '../../../src/core/model/span';
import type { Expr } from '../../../src/core/query/ast';
import { lex } from '../../../src/core/query/lexer';
import { MAX_DEPTH, parseQuery } from '../../../src/core/query/parser';
import { formatQueryError, isQueryError, type QueryError } from '../../../src/core/query/queryError';

/** The tree without source locations, for comparing shapes. */
function ast(q: string): unknown {
  const strip = (x: unknown): unknown => {
    if (Array.isArray(x)) return x.map(strip);
    if (x && typeof x === 'object') {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(x)) if (k !== 'loc') out[k] = strip(v);
      return out;
    }
    return x;
  };
  return strip(parseQuery(q));
}

const word = (text: string, prefix = false) => ({ type: 'text', text, phrase: false, prefix });
const phrase = (text: string) => ({ type: 'text', text, phrase: true, prefix: false });
const and = (...items: unknown[]) => ({ type: 'and', items });
const or = (...items: unknown[]) => ({ type: 'or', items });
const not = (item: unknown) => ({ type: 'not', item });
const field = (f: string, ...pieces: string[]) => ({ type: 'field', field: f, pattern: { pieces } });

function error(q: string): QueryError {
  try {
    parseQuery(q);
  } catch (e) {
    assert.ok(isQueryError(e), `not a QueryError: ${String(e)}`);
    return e;
  }
  assert.fail(`no error for ${JSON.stringify(q)}`);
}

describe('query parser', () => {
  describe('terms', () => {
    const cases: [string, unknown][] = [
      ['', { type: 'all' }],
      ['  \t\n ', { type: 'all' }],
      ['refund', word('refund')],
      ['refu*', word('refu', true)],
      ['refu**', word('refu', true)],
      ['gpt-4o', word('gpt-4o')],
      ['10:30', word('10:30')],
      ['"exact phrase"', phrase('exact phrase')],
      ['"say \\"hi\\" \\\\o/"', phrase('say "hi" \\o/')],
      ['"a*b"', phrase('a*b')],
      ['"OR"', phrase('OR')],
      ['kind:llm', { type: 'kind', kinds: ['llm'] }],
      ['KIND:Agent', { type: 'kind', kinds: ['agent'] }],
      ['kind:re*', { type: 'kind', kinds: ['retriever', 'reranker'] }],
      ['kind:*', { type: 'kind', kinds: [...SPAN_KINDS] }],
      ['kind:"llm"', { type: 'kind', kinds: ['llm'] }],
      ['status:error', { type: 'status', statuses: ['error'] }],
      ['status:*', { type: 'status', statuses: ['ok', 'error', 'unset'] }],
      ['model:gpt-4o', field('model', 'gpt-4o')],
      ['model=gpt-4o', field('model', 'gpt-4o')],
      ['model:gpt-4o*', field('model', 'gpt-4o', '')],
      ['model:*4o*', field('model', '', '4o', '')],
      ['model:*', field('model', '', '')],
      ['model:"gpt*"', field('model', 'gpt*')],
      ['model:"gpt 4o"', field('model', 'gpt 4o')],
      ['provider:openai', field('provider', 'openai')],
      ['service:checkout', field('service', 'checkout')],
      ['name:"chat gpt-4o"', field('name', 'chat gpt-4o')],
      ['trace:4bf92f3577b34da6a3ce929d0e0e4736', field('trace', '4bf92f3577b34da6a3ce929d0e0e4736')],
      ['span:00f067aa0ba902b7', field('span', '00f067aa0ba902b7')],
      ['session:sess-1', field('session', 'sess-1')],
      ['user:u-*', field('user', 'u-', '')],
      ['template:refund', field('template', 'refund')],
      ['version:3', field('version', '3')],
      ['tool:lookup_order', field('tool', 'lookup_order')],
      ['feedback:positive', { type: 'feedback', feedback: 'positive' }],
      ['feedback:Negative', { type: 'feedback', feedback: 'negative' }],
      ['feedback:any', { type: 'feedback', feedback: 'any' }],
      ['feedback:none', { type: 'feedback', feedback: 'none' }],
      ['feedback:bad', { type: 'feedback', feedback: 'negative' }],
      ['feedback:good', { type: 'feedback', feedback: 'positive' }],
      ['guard:fired', { type: 'guard', guard: { is: 'fired' } }],
      ['guard:failed', { type: 'guard', guard: { is: 'fired' } }],
      ['guard:passed', { type: 'guard', guard: { is: 'passed' } }],
      ['guard:refund_amount_limit', { type: 'guard', guard: { is: 'name', pattern: { pieces: ['refund_amount_limit'] } } }],
      ['guard:"fired"', { type: 'guard', guard: { is: 'name', pattern: { pieces: ['fired'] } } }],
      ['attr.user.id:42', { type: 'attr', key: 'user.id', match: { op: ':', pattern: { pieces: ['42'] } } }],
      ['attr.user.id:*', { type: 'attr', key: 'user.id', match: { op: ':', pattern: { pieces: ['', ''] } } }],
      ['attr.http.status_code>=500', { type: 'attr', key: 'http.status_code', match: { op: '>=', value: 500 } }],
      ['attr.x:>-1.5', { type: 'attr', key: 'x', match: { op: '>', value: -1.5 } }],
      ['attr.x=3', { type: 'attr', key: 'x', match: { op: '=', value: 3 } }],
      ['attr.x:"a b"', { type: 'attr', key: 'x', match: { op: ':', pattern: { pieces: ['a b'] } } }],
      ['attr."my key":v*', { type: 'attr', key: 'my key', match: { op: ':', pattern: { pieces: ['v', ''] } } }],
      ['attr."a:b"<3', { type: 'attr', key: 'a:b', match: { op: '<', value: 3 } }],
      ['attr."k":"v w"', { type: 'attr', key: 'k', match: { op: ':', pattern: { pieces: ['v w'] } } }],
      ['latency>2s', { type: 'compare', metric: 'latency', op: '>', value: 2_000_000_000n }],
      ['latency>=1.5m', { type: 'compare', metric: 'latency', op: '>=', value: 90_000_000_000n }],
      ['latency<500ms', { type: 'compare', metric: 'latency', op: '<', value: 500_000_000n }],
      ['latency<=.5s', { type: 'compare', metric: 'latency', op: '<=', value: 500_000_000n }],
      ['latency=100us', { type: 'compare', metric: 'latency', op: '=', value: 100_000n }],
      ['latency:>=1h', { type: 'compare', metric: 'latency', op: '>=', value: 3_600_000_000_000n }],
      ['latency:2s', { type: 'compare', metric: 'latency', op: '=', value: 2_000_000_000n }],
      ['latency>0.5ns', { type: 'compare', metric: 'latency', op: '>', value: 0n }],
      ['latency>0.000000001s', { type: 'compare', metric: 'latency', op: '>', value: 1n }],
      ['tokens>=4000', { type: 'compare', metric: 'tokens', op: '>=', value: 4000 }],
      ['tokens>4k', { type: 'compare', metric: 'tokens', op: '>', value: 4000 }],
      ['tokens>1.5k', { type: 'compare', metric: 'tokens', op: '>', value: 1500 }],
      ['tokens.in<10', { type: 'compare', metric: 'tokens.in', op: '<', value: 10 }],
      ['tokens.out=5', { type: 'compare', metric: 'tokens.out', op: '=', value: 5 }],
      ['cost>0.01', { type: 'compare', metric: 'cost', op: '>', value: 0.01 }],
      ['cost<=$1', { type: 'compare', metric: 'cost', op: '<=', value: 1 }],
      ['after:2026-11-01', { type: 'time', bound: 'after', at: { absoluteNs: 1_793_491_200_000_000_000n } }],
      ['after:2026-11-01T10:00', { type: 'time', bound: 'after', at: { absoluteNs: 1_793_527_200_000_000_000n } }],
      ['after:2026-11-01T10:00:00Z', { type: 'time', bound: 'after', at: { absoluteNs: 1_793_527_200_000_000_000n } }],
      ['after:2026-11-01T12:00:00+02:00', { type: 'time', bound: 'after', at: { absoluteNs: 1_793_527_200_000_000_000n } }],
      ['after:2026-11-01T09:30-0030', { type: 'time', bound: 'after', at: { absoluteNs: 1_793_527_200_000_000_000n } }],
      ['after:"2026-11-01 10:00:00.123456789"', { type: 'time', bound: 'after', at: { absoluteNs: 1_793_527_200_123_456_789n } }],
      ['before:2024-02-29', { type: 'time', bound: 'before', at: { absoluteNs: 1_709_164_800_000_000_000n } }],
      ['before:1969-12-31', { type: 'time', bound: 'before', at: { absoluteNs: -86_400_000_000_000n } }],
      ['before:24h', { type: 'time', bound: 'before', at: { agoNs: 86_400_000_000_000n } }],
      ['after:7d', { type: 'time', bound: 'after', at: { agoNs: 604_800_000_000_000n } }],
      ['after:1.5h', { type: 'time', bound: 'after', at: { agoNs: 5_400_000_000_000n } }],
      ['after:2w', { type: 'time', bound: 'after', at: { agoNs: 1_209_600_000_000_000n } }],
      ['after:90m', { type: 'time', bound: 'after', at: { agoNs: 5_400_000_000_000n } }],
      ['-kind:llm', not({ type: 'kind', kinds: ['llm'] })],
      ['NOT kind:llm', not({ type: 'kind', kinds: ['llm'] })],
      ['-"a b"', not(phrase('a b'))],
      ['--a', not(not(word('a')))],
    ];
    for (const [q, expected] of cases) it(JSON.stringify(q), () => assert.deepEqual(ast(q), expected));
  });

  describe('precedence: NOT, then AND, then OR', () => {
    const [a, b, c, d] = ['a', 'b', 'c', 'd'].map((x) => word(x));
    const cases: [string, unknown][] = [
      ['a b', and(a, b)],
      ['a AND b', and(a, b)],
      ['a b OR c d', or(and(a, b), and(c, d))],
      ['a OR b c', or(a, and(b, c))],
      ['a AND b OR c', or(and(a, b), c)],
      ['a OR b OR c', or(a, b, c)],
      ['a OR (b OR c)', or(a, b, c)],
      ['(a b) c', and(a, b, c)],
      ['(a OR b) c', and(or(a, b), c)],
      ['a (b OR c)', and(a, or(b, c))],
      ['-a b', and(not(a), b)],
      ['-a OR b', or(not(a), b)],
      ['-(a b)', not(and(a, b))],
      ['-(a OR b) c', and(not(or(a, b)), c)],
      ['NOT a OR b', or(not(a), b)],
      ['NOT (a OR b)', not(or(a, b))],
      ['((a))', a],
      ['(a)-b', and(a, not(b))],
      ['(a)(b)', and(a, b)],
      ['a or b', and(a, word('or'), b)],
      ['a OR-b', and(a, word('OR-b'))],
      ['a OR -b', or(a, not(b))],
      ['a -b -(c OR d)', and(a, not(b), not(or(c, d)))],
      [
        'kind:llm status:error model:gpt-4o latency>2s template:refund feedback:negative "exact phrase" -service:test attr.user.id:42 after:2026-11-01',
        and(
          { type: 'kind', kinds: ['llm'] },
          { type: 'status', statuses: ['error'] },
          field('model', 'gpt-4o'),
          { type: 'compare', metric: 'latency', op: '>', value: 2_000_000_000n },
          field('template', 'refund'),
          { type: 'feedback', feedback: 'negative' },
          phrase('exact phrase'),
          not(field('service', 'test')),
          { type: 'attr', key: 'user.id', match: { op: ':', pattern: { pieces: ['42'] } } },
          { type: 'time', bound: 'after', at: { absoluteNs: 1_793_491_200_000_000_000n } },
        ),
      ],
    ];
    for (const [q, expected] of cases) it(q, () => assert.deepEqual(ast(q), expected));
  });

  it('records where each node came from', () => {
    const e = parseQuery('kind:llm -model:"a b" (x OR y*)') as Expr & { type: 'and' };
    assert.deepEqual(e.loc, { start: 0, end: 31 });
    assert.deepEqual(
      e.items.map((i) => (i.type === 'all' ? undefined : i.loc)),
      [
        { start: 0, end: 8 },
        { start: 9, end: 21 },
        { start: 22, end: 31 },
      ],
    );
  });

  describe('errors point at the offending characters', () => {
    const deep = `${'('.repeat(MAX_DEPTH + 8)}a${')'.repeat(MAX_DEPTH + 8)}`;
    const cases: [string, string, number?][] = [
      ['latency>2x', "unknown unit 'x' at 9"],
      ['latency>2', 'latency needs a unit at 9'],
      ['latency>fast', 'latency needs a number at 8', 4],
      ['latency>=', "missing value after 'latency>=' at 9"],
      ['latency:>', "missing value after 'latency:>' at 9"],
      ['foo:bar', "unknown field 'foo' at 0", 3],
      ['http://example.com', "unknown field 'http' at 0", 4],
      ['kind:llmm', "unknown kind 'llmm' at 5", 4],
      ['kind:llm status:bad', "unknown status 'bad' at 16", 3],
      ['feedback:meh', "unknown feedback 'meh' at 9"],
      ['model>3', "'model' cannot be compared with '>' at 5"],
      ['after>2026-01-01', "'after' cannot be compared with '>' at 5"],
      ['after=2026-01-01', "'after' takes ':' at 5"],
      ['after:2026-13-01', "'2026-13-01' is not a valid date at 6", 10],
      ['after:2026-02-29', "'2026-02-29' is not a valid date at 6"],
      ['after:2026-01-01T24:00', "'2026-01-01T24:00' is not a valid date at 6"],
      ['after:2026-01-01T10:00+25:00', "'+25:00' is not a valid time zone offset at 6"],
      ['after:yesterday', "'yesterday' is not a date, time or age at 6"],
      ['after:2026', "'2026' is not a date, time or age at 6"],
      ['after:7y', "unknown unit 'y' at 7"],
      ['before:3ms', "unknown unit 'ms' at 8", 2],
      ['model:', "missing value after 'model:' at 6"],
      ['guard: x', "missing value after 'guard:' at 6"],
      ['tokens>1.5', 'tokens must be a whole number at 7', 3],
      ['tokens>4m', "unknown unit 'm' at 8"],
      ['cost>1usd', "unknown unit 'usd' at 6", 3],
      ['attr.:x', 'missing attribute key after attr. at 5'],
      ['attr.', 'missing attribute key after attr. at 5'],
      ['attr.x', "missing ':' after 'attr.x' at 6"],
      ['attr.x>abc', 'attr.x needs a number at 7'],
      ['attr.x>3kg', "'kg' is not part of a number at 8"],
      ['attr."k" x', 'missing \':\' after attr."k" at 8'],
      ['(a OR b', "unclosed '(' at 0"],
      ['a (b', "unclosed '(' at 2"],
      ['a (', "unclosed '(' at 2"],
      ['a OR b)', "unexpected ')' at 6"],
      [')', "unexpected ')' at 0"],
      ['OR a', "'OR' needs a term before it at 0", 2],
      ['a OR', "'OR' needs a term after it at 2"],
      ['a OR OR b', "'OR' needs a term after it at 2"],
      ['(a OR) b', "'OR' needs a term after it at 3"],
      ['a AND', "'AND' needs a term after it at 2", 3],
      ['AND a', "'AND' needs a term before it at 0"],
      ['()', 'empty parentheses at 0', 2],
      ['a -', "nothing to negate after '-' at 2"],
      ['a - b', "nothing to negate after '-' at 2"],
      ['NOT', "nothing to negate after 'NOT' at 0", 3],
      ['-)', "nothing to negate after '-' at 0"],
      ['- )', "nothing to negate after '-' at 0"],
      ['(a -) b', "nothing to negate after '-' at 3"],
      ['"abc', 'unterminated quote at 0'],
      ['kind:llm "abc', 'unterminated quote at 9'],
      ['re*und', "'*' can only end a search word at 2"],
      ['*', "'*' alone is not a search at 0"],
      ['model:"gpt"x', "expected a space before 'x' at 11"],
      ['"a""b"', "expected a space before '\"' at 3"],
      ['a\u0000b', 'a NUL character cannot be searched for at 1'],
      ['"a\u0000b"', 'a NUL character cannot be searched for at 2'],
      [deep, `nesting deeper than ${MAX_DEPTH} levels at ${MAX_DEPTH}`],
      [`${'-'.repeat(200)}a`, `nesting deeper than ${MAX_DEPTH} levels at ${MAX_DEPTH}`],
      [`${'NOT '.repeat(40)}a`, `nesting deeper than ${MAX_DEPTH} levels at ${MAX_DEPTH * 4}`],
      ['x '.repeat(101), 'more than 100 terms at 200'],
      ['a'.repeat(4001), 'query is longer than 4000 characters at 4000'],
      ['('.repeat(100_000), 'query is longer than 4000 characters at 4000'],
    ];
    for (const [q, message, length] of cases) {
      it(`${JSON.stringify(q.length > 40 ? `${q.slice(0, 40)}…` : q)} → ${message}`, () => {
        const e = error(q);
        assert.equal(e.message, message);
        assert.equal(e.name, 'QueryError');
        assert.ok(e instanceof Error);
        if (length !== undefined) assert.equal(e.length, length);
        assert.ok(e.offset >= 0 && e.offset <= q.length);
      });
    }
  });

  describe('formatQueryError', () => {
    it('draws a caret under the offending characters, with the hint below', () => {
      const q = 'latency>2x';
      assert.equal(
        formatQueryError(q, error(q)),
        ['latency>2x', "         ^ unknown unit 'x'", '           use ms, s, m, h, us or ns'].join('\n'),
      );
    });

    it('underlines the whole offending token', () => {
      const q = 'kind:llm foo:bar';
      assert.equal(formatQueryError(q, error(q)).split('\n').slice(0, 2).join('\n'), "kind:llm foo:bar\n         ^~~ unknown field 'foo'");
    });

    it('points past the end when something is missing', () => {
      const q = 'model:';
      assert.equal(formatQueryError(q, error(q)), "model:\n      ^ missing value after 'model:'");
    });

    it('keeps the caret aligned after emoji, tabs and line breaks', () => {
      const q = '"🙂"\tfoo:x';
      assert.equal(formatQueryError(q, error(q)).split('\n')[1], "    ^~~ unknown field 'foo'");
      const nl = 'a\nfoo:x';
      assert.equal(formatQueryError(nl, error(nl)).split('\n').slice(0, 2).join('\n'), "a·foo:x\n  ^~~ unknown field 'foo'");
    });

    it('shows a window around the error in a long query', () => {
      const q = `${'word '.repeat(50)}latency>2x ${'more '.repeat(40)}`;
      const [line, caret] = formatQueryError(q, error(q)).split('\n');
      assert.ok(line.startsWith('…') && line.endsWith('…'));
      assert.ok(line.length <= 80);
      assert.equal(line[caret.indexOf('^')], 'x');
    });
  });

  it('lexes words, quotes, parentheses and negation with glue flags', () => {
    assert.deepEqual(
      lex('a -(b)"c"').map((t) => [t.type, t.start, t.end, t.glued]),
      [
        ['word', 0, 1, false],
        ['neg', 2, 3, false],
        ['lparen', 3, 4, true],
        ['word', 4, 5, true],
        ['rparen', 5, 6, true],
        ['quoted', 6, 9, true],
      ],
    );
  });
});
