// The search language: tokens → syntax tree. Precedence, tightest first: negation (`-`, `NOT`),
// AND (juxtaposition or `AND`), `OR`; parentheses group. Every error is a QueryError that
// points at the offending characters. The grammar is in docs/search.md.

import { SPAN_KINDS, type SpanKind, type StatusCode } from '../model/span';
import type { CompareOp, Expr, FeedbackFilter, Loc, Metric, Pattern, Term, TextField } from './ast';
import { lex, type Token } from './lexer';
import { QueryError } from './queryError';
import { parseCost, parseInstant, parseLatency, parsePlainNumber, parseTokenCount } from './values';
import { lookupTable } from '../formats/lookupTable';

/** Parentheses and negations nested deeper than this are refused (no unbounded recursion). */
export const MAX_DEPTH = 32;
/** Terms in one query. */
export const MAX_TERMS = 100;

const TEXT_FIELDS: readonly TextField[] = [
  'model',
  'provider',
  'service',
  'name',
  'trace',
  'span',
  'session',
  'user',
  'template',
  'version',
  'tool',
];
const METRICS: readonly Metric[] = ['latency', 'tokens', 'tokens.in', 'tokens.out', 'cost'];
const OTHER_FIELDS = ['kind', 'status', 'feedback', 'guard', 'after', 'before'] as const;
const ALL_FIELDS: readonly string[] = [...OTHER_FIELDS.slice(0, 2), ...TEXT_FIELDS, ...OTHER_FIELDS.slice(2), ...METRICS];
const STATUSES: readonly StatusCode[] = ['ok', 'error', 'unset'];
const FEEDBACK = lookupTable<FeedbackFilter>({
  positive: 'positive',
  good: 'positive',
  negative: 'negative',
  bad: 'negative',
  any: 'any',
  none: 'none',
});

const FIELD_HEAD = /^([A-Za-z][A-Za-z0-9_]*(?:\.[A-Za-z0-9_]+)*)(>=|<=|:|>|<|=)/;
const OP_HEAD = /^(>=|<=|:|>|<|=)/;
const COMPARE_AFTER_COLON = /^(>=|<=|>|<|=)/;

/** A field's value as written: the text, where it starts, and whether it was quoted. */
interface RawValue {
  text: string;
  offset: number;
  quoted: boolean;
}

function toPattern(v: RawValue): Pattern {
  return { pieces: v.quoted ? [v.text] : v.text.split('*') };
}

function matches(p: Pattern, candidate: string): boolean {
  const c = candidate.toLowerCase();
  const pieces = p.pieces.map((x) => x.toLowerCase());
  if (pieces.length === 1) return c === pieces[0];
  if (!c.startsWith(pieces[0])) return false;
  let at = pieces[0].length;
  for (let i = 1; i < pieces.length - 1; i++) {
    const found = c.indexOf(pieces[i], at);
    if (found < 0) return false;
    at = found + pieces[i].length;
  }
  const last = pieces[pieces.length - 1];
  return c.length - last.length >= at && c.endsWith(last);
}

const list = (xs: readonly string[]): string => xs.join(', ');

class Parser {
  private pos = 0;
  private depth = 0;
  private terms = 0;
  private lastEnd = 0;

  constructor(
    private readonly tokens: Token[],
    private readonly input: string,
  ) {}

  parse(): Expr {
    if (this.tokens.length === 0) return { type: 'all' };
    const e = this.parseOr();
    const rest = this.peek();
    if (rest) throw new QueryError("unexpected ')'", rest.start, 1, "there is no '(' for it to close");
    return e;
  }

  private peek(): Token | undefined {
    return this.tokens[this.pos];
  }

  private next(): Token {
    const t = this.tokens[this.pos++];
    this.lastEnd = t.end;
    return t;
  }

  private isWord(t: Token | undefined, text: string): boolean {
    return t?.type === 'word' && t.text === text;
  }

  private startsTerm(t: Token | undefined): boolean {
    return t !== undefined && t.type !== 'rparen' && !this.isWord(t, 'OR') && !this.isWord(t, 'AND');
  }

  private parseOr(): Expr {
    const first = this.parseAnd();
    const items = [first];
    while (this.isWord(this.peek(), 'OR')) {
      const op = this.next();
      if (!this.startsTerm(this.peek())) throw new QueryError("'OR' needs a term after it", op.start, 2);
      items.push(this.parseAnd());
    }
    return items.length === 1 ? first : { type: 'or', items: flatten('or', items), loc: span(items) };
  }

  private parseAnd(): Expr {
    const items: Expr[] = [];
    for (;;) {
      const t = this.peek();
      if (!t || t.type === 'rparen' || this.isWord(t, 'OR')) break;
      if (this.isWord(t, 'AND')) {
        this.next();
        if (items.length === 0) throw new QueryError("'AND' needs a term before it", t.start, 3);
        if (!this.startsTerm(this.peek())) throw new QueryError("'AND' needs a term after it", t.start, 3);
        continue;
      }
      const prev = this.tokens[this.pos - 1];
      if (t.glued && (t.type === 'word' || t.type === 'quoted') && (prev?.type === 'word' || prev?.type === 'quoted')) {
        throw new QueryError(
          `expected a space before '${this.input[t.start]}'`,
          t.start,
          1,
          'to search for text with quotes in it, quote all of it',
        );
      }
      items.push(this.parseUnary());
    }
    if (items.length === 0) {
      const t = this.peek();
      if (this.isWord(t, 'OR')) throw new QueryError("'OR' needs a term before it", t!.start, 2);
      if (t?.type === 'rparen') throw new QueryError("unexpected ')'", t.start, 1, "there is no '(' for it to close");
      throw new QueryError('expected a term', this.input.length);
    }
    return items.length === 1 ? items[0] : { type: 'and', items: flatten('and', items), loc: span(items) };
  }

  private enter(at: Token): void {
    if (++this.depth > MAX_DEPTH) throw new QueryError(`nesting deeper than ${MAX_DEPTH} levels`, at.start);
  }

  private parseUnary(): Expr {
    const t = this.peek()!;
    if (t.type === 'neg' || this.isWord(t, 'NOT')) {
      this.next();
      this.enter(t);
      const n = this.peek();
      // `-` binds to what follows it directly: `a - b` is a mistake, not `a -b`.
      if (!this.startsTerm(n) || (t.type === 'neg' && !n?.glued)) {
        throw new QueryError(`nothing to negate after '${t.type === 'neg' ? '-' : 'NOT'}'`, t.start, t.end - t.start);
      }
      const item = this.parseUnary();
      this.depth--;
      return { type: 'not', item, loc: { start: t.start, end: this.lastEnd } };
    }
    if (t.type === 'lparen') {
      this.next();
      this.enter(t);
      if (this.peek()?.type === 'rparen') throw new QueryError('empty parentheses', t.start, 2);
      if (!this.peek()) throw new QueryError("unclosed '('", t.start);
      const e = this.parseOr();
      if (this.peek()?.type !== 'rparen') throw new QueryError("unclosed '('", t.start);
      this.next();
      this.depth--;
      // The group's location includes its parentheses.
      return e.type === 'all' ? e : { ...e, loc: { start: t.start, end: this.lastEnd } };
    }
    return this.parseTerm();
  }

  private countTerm(t: Token): void {
    if (++this.terms > MAX_TERMS) throw new QueryError(`more than ${MAX_TERMS} terms`, t.start, t.end - t.start);
  }

  private parseTerm(): Term {
    const t = this.next();
    this.countTerm(t);
    if (t.type === 'quoted') return { type: 'text', text: t.text, phrase: true, prefix: false, loc: { start: t.start, end: t.end } };
    if (t.type !== 'word') throw new QueryError('expected a term', t.start);
    if (/^attr\./i.test(t.text)) return this.parseAttr(t);
    const head = FIELD_HEAD.exec(t.text);
    if (!head) return this.textWord(t);
    const name = head[1].toLowerCase();
    if (!ALL_FIELDS.includes(name)) {
      throw new QueryError(
        `unknown field '${head[1]}'`,
        t.start,
        head[1].length,
        `fields are ${list(ALL_FIELDS)} and attr.<key>; to search for this text, put it in quotes`,
      );
    }
    let op = head[2] as CompareOp | ':';
    const opOffset = t.start + head[1].length;
    let value = this.value(t, head[0].length, `${head[1]}${op}`);
    const numeric = (METRICS as readonly string[]).includes(name);
    if (numeric && op === ':' && !value.quoted) {
      const m = COMPARE_AFTER_COLON.exec(value.text);
      if (m) {
        op = m[1] as CompareOp;
        value = { text: value.text.slice(m[1].length), offset: value.offset + m[1].length, quoted: false };
        if (!value.text) throw new QueryError(`missing value after '${head[0]}${m[1]}'`, value.offset);
      }
    }
    const loc: Loc = { start: t.start, end: this.lastEnd };
    if (numeric) return this.compare(name as Metric, op === ':' ? '=' : op, value, loc);
    if (op !== ':' && op !== '=') {
      throw new QueryError(`'${head[1]}' cannot be compared with '${op}'`, opOffset, op.length, `use ${head[1]}:value`);
    }
    if ((TEXT_FIELDS as readonly string[]).includes(name))
      return { type: 'field', field: name as TextField, pattern: toPattern(value), loc };
    switch (name) {
      case 'kind': {
        const kinds = SPAN_KINDS.filter((k) => matches(toPattern(value), k));
        if (!kinds.length)
          throw new QueryError(`unknown kind '${value.text}'`, value.offset, value.text.length, `kinds are ${list(SPAN_KINDS)}`);
        return { type: 'kind', kinds: kinds as SpanKind[], loc };
      }
      case 'status': {
        const statuses = STATUSES.filter((s) => matches(toPattern(value), s));
        if (!statuses.length)
          throw new QueryError(`unknown status '${value.text}'`, value.offset, value.text.length, `statuses are ${list(STATUSES)}`);
        return { type: 'status', statuses, loc };
      }
      case 'feedback': {
        const feedback = FEEDBACK[value.text.toLowerCase()];
        if (!feedback) {
          throw new QueryError(`unknown feedback '${value.text}'`, value.offset, value.text.length, 'use positive, negative, any or none');
        }
        return { type: 'feedback', feedback, loc };
      }
      case 'guard': {
        const word = value.quoted ? '' : value.text.toLowerCase();
        if (word === 'fired' || word === 'failed') return { type: 'guard', guard: { is: 'fired' }, loc };
        if (word === 'passed') return { type: 'guard', guard: { is: 'passed' }, loc };
        return { type: 'guard', guard: { is: 'name', pattern: toPattern(value) }, loc };
      }
      default: {
        // after / before
        if (op !== ':') throw new QueryError(`'${head[1]}' takes ':'`, opOffset, op.length, `use ${head[1]}:2026-11-01 or ${head[1]}:7d`);
        return { type: 'time', bound: name as 'after' | 'before', at: parseInstant(value.text, value.offset), loc };
      }
    }
  }

  /** The value after `field:`: the rest of the word, or a quoted string glued to it. */
  private value(t: Token & { type: 'word' }, headLength: number, written: string): RawValue {
    const text = t.text.slice(headLength);
    if (text) return { text, offset: t.start + headLength, quoted: false };
    const q = this.peek();
    if (q?.type === 'quoted' && q.glued) {
      this.next();
      return { text: q.text, offset: q.start + 1, quoted: true };
    }
    throw new QueryError(`missing value after '${written}'`, t.end);
  }

  private textWord(t: Token & { type: 'word' }): Term {
    const stars = /\*+$/.exec(t.text);
    const text = stars ? t.text.slice(0, stars.index) : t.text;
    const inner = text.indexOf('*');
    if (inner >= 0) {
      throw new QueryError(
        "'*' can only end a search word",
        t.start + inner,
        1,
        'a wildcard in text search matches words that start with what comes before it',
      );
    }
    if (!text) throw new QueryError("'*' alone is not a search", t.start, t.text.length, 'use field:* to find spans where a field is set');
    return { type: 'text', text, phrase: false, prefix: stars !== null, loc: { start: t.start, end: t.end } };
  }

  private parseAttr(t: Token & { type: 'word' }): Term {
    let key: string;
    let rest: string;
    let restOffset: number;
    let restToken: Token & { type: 'word' } = t;
    if (t.text.length === 5) {
      // attr."key with spaces":value
      const q = this.peek();
      if (q?.type !== 'quoted' || !q.glued) throw new QueryError('missing attribute key after attr.', t.end, 1, 'as in attr.user.id:42');
      this.next();
      key = q.text;
      const w = this.peek();
      if (w?.type !== 'word' || !w.glued || !OP_HEAD.test(w.text)) {
        throw new QueryError(`missing ':' after attr."${key}"`, q.end, 1, 'as in attr."my key":value');
      }
      this.next();
      restToken = w;
      rest = w.text;
      restOffset = w.start;
    } else {
      const body = t.text.slice(5);
      const at = body.search(/[:<>=]/);
      if (at < 0) throw new QueryError(`missing ':' after '${t.text}'`, t.end, 1, 'as in attr.user.id:42');
      key = body.slice(0, at);
      if (!key) throw new QueryError('missing attribute key after attr.', t.start + 5, 1, 'as in attr.user.id:42');
      rest = body.slice(at);
      restOffset = t.start + 5 + at;
    }
    const op = OP_HEAD.exec(rest)![1] as CompareOp | ':';
    const value = this.value(restToken, restOffset - restToken.start + op.length, `attr.${key}${op}`);
    const loc: Loc = { start: t.start, end: this.lastEnd };
    if (op === ':' && !value.quoted) {
      const m = COMPARE_AFTER_COLON.exec(value.text);
      if (m) {
        const v = value.text.slice(m[1].length);
        if (!v) throw new QueryError(`missing value after '${m[1]}'`, value.offset + m[1].length);
        return {
          type: 'attr',
          key,
          match: { op: m[1] as CompareOp, value: parsePlainNumber(v, value.offset + m[1].length, `attr.${key}`) },
          loc,
        };
      }
    }
    if (op === ':') return { type: 'attr', key, match: { op: ':', pattern: toPattern(value) }, loc };
    return { type: 'attr', key, match: { op, value: parsePlainNumber(value.text, value.offset, `attr.${key}`) }, loc };
  }

  private compare(metric: Metric, op: CompareOp, v: RawValue, loc: Loc): Term {
    switch (metric) {
      case 'latency':
        return { type: 'compare', metric, op, value: parseLatency(v.text, v.offset), loc };
      case 'cost':
        return { type: 'compare', metric, op, value: parseCost(v.text, v.offset), loc };
      default:
        return { type: 'compare', metric, op, value: parseTokenCount(v.text, v.offset, metric), loc };
    }
  }
}

function span(items: Expr[]): Loc {
  const locs = items.map((e) => (e.type === 'all' ? undefined : e.loc)).filter((l): l is Loc => l !== undefined);
  return { start: Math.min(...locs.map((l) => l.start)), end: Math.max(...locs.map((l) => l.end)) };
}

function flatten(type: 'and' | 'or', items: Expr[]): Expr[] {
  return items.flatMap((e) => (e.type === type ? e.items : [e]));
}

/**
 * Parses a query into its syntax tree. The empty (or all-whitespace) query is `{ type: 'all' }`.
 * Throws a QueryError for anything it cannot read.
 */
export function parseQuery(input: string): Expr {
  return new Parser(lex(input), input).parse();
}
