// Syntax tree → parameterised SQL for the embedded store (SQLite via sql.js) and the team store
// (PostgreSQL). Every value from the query travels as a parameter (`?N` / `$N`); the SQL text
// is built only from code: keywords, operators and the identifiers of a SearchSchema, which
// are checked to be plain names. Text from the query is never spliced, not even escaped.
//
// Two result shapes:
// - spans: every term applies to the same span (`kind:llm latency>2s` = slow LLM calls);
// - runs: each term may be met by a different span of the run (`feedback:negative
//   template:answer` = runs with negative feedback that used the `answer` template), with the
//   span that meets the most terms as the run's match.

import type { AttrTerm, CompareOp, CompareTerm, Expr, FieldTerm, GuardTerm, Pattern, Term, TextTerm, TimeTerm } from './ast';
import { defaultSearchSchema, type Dialect, type SearchSchema } from './searchSchema';

export interface CompiledSql {
  sql: string;
  /** Positional: `params[0]` binds `?1` / `$1`. Strings, numbers and (SQLite only) bigints. */
  params: unknown[];
}

export interface CompileOptions {
  dialect: Dialect;
  /** Defaults to SQLITE_SEARCH_SCHEMA / POSTGRES_SEARCH_SCHEMA. */
  schema?: SearchSchema;
  /** "Now" in Unix nanoseconds, for ages such as `after:7d`. */
  now: bigint;
  /** Only these sources (all when absent). */
  sourceIds?: readonly number[];
  /** Page size; default 100, at most 10,000. */
  limit?: number;
}

/** Keyset cursor for span results: the last row of the previous page. */
export interface SpanCursor {
  startNs: bigint;
  sourceId: number;
  traceId: string;
  spanId: string;
}

/** Keyset cursor for run results: the last run of the previous page. */
export interface RunCursor {
  startNs: bigint;
  sourceId: number;
  traceId: string;
}

export interface SpanSearchOptions extends CompileOptions {
  after?: SpanCursor;
  /** Span columns to return; default all (`s.*`). */
  columns?: readonly string[];
}

export interface RunSearchOptions extends CompileOptions {
  after?: RunCursor;
  /** Run columns to return; default all (`r.*`). */
  columns?: readonly string[];
}

export const DEFAULT_LIMIT = 100;
export const MAX_LIMIT = 10_000;

const TABLE = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)?$/;
const COLUMN = /^[A-Za-z_][A-Za-z0-9_]*$/;
const INT64_MAX = 2n ** 63n - 1n;
const MAX_NS_TEXT = '9'.repeat(20);

/** `%`, `_` and the escape character itself are literal in every pattern we build. */
const escapeLike = (s: string): string => s.replace(/[\\%_]/g, (c) => `\\${c}`);

/**
 * An FTS4 phrase for one term, escaped inside the parameter: a double quote would end the
 * phrase and a `*` would make a prefix, so both become spaces (the tokenizer splits on them
 * anyway). Inside a phrase, operators (OR, NOT, NEAR, `-`, `column:`) are plain words.
 */
export function fts4Phrase(t: Pick<TextTerm, 'text' | 'prefix'>): string {
  const words = t.text.replace(/["*]/g, ' ').trim();
  return `"${words}${t.prefix && words ? '*' : ''}"`;
}

/** The words of a term as PostgreSQL tsquery lexemes with a prefix marker: `'refu':*`. */
export function tsqueryPrefix(text: string): string {
  const words = text.match(/[\p{L}\p{N}]+/gu) ?? [];
  return words.length ? `${words.map((w) => `'${w}'`).join(' <-> ')}:*` : '';
}

type Mode = 'span' | 'run';

/** Several full-text terms ANDed in span mode: one index lookup instead of several. */
interface TextGroup {
  type: 'textGroup';
  terms: TextTerm[];
}

class SqlBuilder {
  readonly params: unknown[] = [];
  private readonly leaves = new Map<Term | TextGroup, string>();
  private readonly s: SearchSchema['spans'];
  private cfgParam?: string;
  private sourceParams?: string[];

  constructor(
    readonly dialect: Dialect,
    readonly schema: SearchSchema,
    private readonly now: bigint,
    private readonly sourceIds: readonly number[] | undefined,
  ) {
    checkSchema(schema);
    this.s = schema.spans;
  }

  param(v: unknown): string {
    this.params.push(v);
    return this.dialect === 'sqlite' ? `?${this.params.length}` : `$${this.params.length}`;
  }

  /** The source filter's placeholders, allocated once and reused wherever the filter appears. */
  sources(column: string): string | undefined {
    if (!this.sourceIds) return undefined;
    if (this.sourceIds.length === 0) return 'FALSE';
    this.sourceParams ??= this.sourceIds.map((id) => this.param(id));
    return `${column} IN (${this.sourceParams.join(', ')})`;
  }

  col(name: string): string {
    return `s.${name}`;
  }

  /** Start-time parameter in the store's encoding. */
  ns(v: bigint): string {
    const clamped = v < 0n ? 0n : v;
    if (this.dialect === 'postgres') return this.param(clamped.toString());
    const text = clamped.toString();
    return this.param(text.length > 20 ? MAX_NS_TEXT : text.padStart(20, '0'));
  }

  /** Case-insensitive match of one pattern against any of the columns (one shared parameter). */
  private like(columns: string | string[], p: Pattern): string {
    const cols = typeof columns === 'string' ? [columns] : columns;
    let parts: string[];
    if (p.pieces.length > 1 && p.pieces.every((x) => x === '')) {
      parts = cols.map((c) => `${c} IS NOT NULL`);
    } else {
      const op = this.dialect === 'sqlite' ? 'LIKE' : 'ILIKE';
      const value = this.param(p.pieces.map(escapeLike).join('%'));
      parts = cols.map((c) => `${c} ${op} ${value} ESCAPE '\\'`);
    }
    return parts.length === 1 ? parts[0] : `(${parts.join(' OR ')})`;
  }

  // ── one span ──────────────────────────────────────────────────────────────────────────

  /** A term as a condition on the span `s`; memoised so a term reused in a score binds once. */
  spanLeaf(t: Term | TextGroup): string {
    let sql = this.leaves.get(t);
    if (sql === undefined) {
      sql = this.compileLeaf(t);
      this.leaves.set(t, sql);
    }
    return sql;
  }

  private compileLeaf(t: Term | TextGroup): string {
    switch (t.type) {
      case 'text':
        return this.fullText([t]);
      case 'textGroup':
        return this.fullText(t.terms);
      case 'field':
        return this.field(t);
      case 'kind':
        return `${this.col(this.s.kind)} IN (${t.kinds.map((k) => this.param(k)).join(', ')})`;
      case 'status':
        return `${this.col(this.s.status)} IN (${t.statuses.map((k) => this.param(k)).join(', ')})`;
      case 'feedback': {
        const pos = `${this.col(this.s.positiveFeedback)} > 0`;
        const neg = `${this.col(this.s.negativeFeedback)} > 0`;
        if (t.feedback === 'positive') return pos;
        if (t.feedback === 'negative') return neg;
        if (t.feedback === 'any') return `(${pos} OR ${neg})`;
        return `(${this.col(this.s.positiveFeedback)} = 0 AND ${this.col(this.s.negativeFeedback)} = 0)`;
      }
      case 'guard':
        return this.guard(t);
      case 'attr':
        return this.attr(t);
      case 'compare':
        return this.compare(t);
      case 'time':
        return this.time(t);
    }
  }

  private field(t: FieldTerm): string {
    const s = this.s;
    switch (t.field) {
      case 'template':
        return this.like(
          [s.templateName, s.templatePath].filter((c): c is string => !!c).map((c) => this.col(c)),
          t.pattern,
        );
      case 'model':
        return this.like(
          [s.model, s.requestModel].filter((c): c is string => !!c).map((c) => this.col(c)),
          t.pattern,
        );
      case 'tool': {
        const x = this.schema.tools;
        return `${this.col(s.pk)} IN (SELECT tt.${x.spanPk} FROM ${x.table} tt WHERE ${this.like(`tt.${x.name}`, t.pattern)})`;
      }
      default: {
        const column = {
          provider: s.provider,
          service: s.service,
          name: s.name,
          trace: s.traceId,
          span: s.spanId,
          session: s.sessionId,
          user: s.userId,
          version: s.templateVersion,
        }[t.field];
        return this.like(this.col(column), t.pattern);
      }
    }
  }

  private guard(t: GuardTerm): string {
    const g = this.schema.guards;
    const failed = this.col(this.s.guardsFailed);
    const ran = (where: string): string => `${this.col(this.s.pk)} IN (SELECT tg.${g.spanPk} FROM ${g.table} tg WHERE ${where})`;
    switch (t.guard.is) {
      case 'fired':
        return `${failed} > 0`;
      case 'passed':
        return `(${failed} = 0 AND ${ran(`tg.${g.passed} = TRUE`)})`;
      case 'name':
        return ran(this.like(`tg.${g.name}`, t.guard.pattern));
    }
  }

  private attr(t: AttrTerm): string {
    const a = this.schema.attrs;
    let where = `ta.${a.key} = ${this.param(t.key)}`;
    if (t.match.op === ':') {
      const p = t.match.pattern;
      if (!(p.pieces.length > 1 && p.pieces.every((x) => x === ''))) where += ` AND ${this.like(`ta.${a.value}`, p)}`;
    } else {
      where += ` AND ta.${a.num} ${t.match.op} ${this.param(t.match.value)}`;
    }
    return `${this.col(this.s.pk)} IN (SELECT ta.${a.spanPk} FROM ${a.table} ta WHERE ${where})`;
  }

  private compare(t: CompareTerm): string {
    const s = this.s;
    const op: CompareOp = t.op;
    switch (t.metric) {
      case 'latency': {
        const duration = s.durationNs
          ? this.col(s.durationNs)
          : this.dialect === 'sqlite'
            ? `(CAST(${this.col(s.endNs)} AS INTEGER) - CAST(${this.col(s.startNs)} AS INTEGER))`
            : `(${this.col(s.endNs)} - ${this.col(s.startNs)})`;
        const v = t.value > INT64_MAX ? INT64_MAX : t.value;
        return `${duration} ${op} ${this.param(this.dialect === 'sqlite' ? v : v.toString())}`;
      }
      case 'tokens': {
        const i = this.col(s.inputTokens);
        const o = this.col(s.outputTokens);
        return `((${i} IS NOT NULL OR ${o} IS NOT NULL) AND COALESCE(${i}, 0) + COALESCE(${o}, 0) ${op} ${this.param(t.value)})`;
      }
      case 'tokens.in':
        return `${this.col(s.inputTokens)} ${op} ${this.param(t.value)}`;
      case 'tokens.out':
        return `${this.col(s.outputTokens)} ${op} ${this.param(t.value)}`;
      case 'cost':
        return `${this.col(s.cost)} ${op} ${this.param(t.value)}`;
    }
  }

  private instant(t: TimeTerm): bigint {
    return 'absoluteNs' in t.at ? t.at.absoluteNs : this.now - t.at.agoNs;
  }

  private time(t: TimeTerm): string {
    return `${this.col(this.s.startNs)} ${t.bound === 'after' ? '>=' : '<'} ${this.ns(this.instant(t))}`;
  }

  private fullText(terms: TextTerm[]): string {
    const x = this.schema.text;
    const pk = this.col(this.s.pk);
    if (this.dialect === 'sqlite') {
      const match = this.param(terms.map(fts4Phrase).join(' '));
      return `${pk} IN (SELECT ${x.key} FROM ${x.table} WHERE ${x.match} MATCH ${match})`;
    }
    this.cfgParam ??= this.param(this.schema.textSearchConfig ?? 'simple');
    const cfg = `${this.cfgParam}::regconfig`;
    const queries = terms.map((t) => {
      if (t.prefix) return `to_tsquery(${cfg}, ${this.param(tsqueryPrefix(t.text))})`;
      return `${t.phrase ? 'phraseto_tsquery' : 'plainto_tsquery'}(${cfg}, ${this.param(t.text)})`;
    });
    const q = queries.length === 1 ? queries[0] : `(${queries.join(' && ')})`;
    return `${pk} IN (SELECT tx.${x.key} FROM ${x.table} tx WHERE tx.${x.match} @@ ${q})`;
  }

  // ── boolean structure ─────────────────────────────────────────────────────────────────

  /** Conditions are made two-valued under NOT, so `-service:test` keeps spans with no service. */
  expr(e: Expr, mode: Mode): string {
    switch (e.type) {
      case 'all':
        return 'TRUE';
      case 'not':
        return `NOT COALESCE(${this.expr(e.item, mode)}, FALSE)`;
      case 'or':
        return `(${e.items.map((x) => this.expr(x, mode)).join(' OR ')})`;
      case 'and': {
        const texts = mode === 'span' ? e.items.filter((x): x is TextTerm => x.type === 'text') : [];
        const parts: string[] = [];
        if (texts.length > 1) parts.push(this.spanLeaf({ type: 'textGroup', terms: texts }));
        for (const x of e.items) if (texts.length <= 1 || x.type !== 'text') parts.push(this.expr(x, mode));
        return `(${parts.join(' AND ')})`;
      }
      default:
        return mode === 'span' ? this.spanLeaf(e) : this.runLeaf(e);
    }
  }

  /** The run `r` has a span that meets the term; time bounds apply to the run's start. */
  private runLeaf(t: Term): string {
    const s = this.s;
    const r = this.schema.runs;
    if (t.type === 'time') return `r.${r.startNs} ${t.bound === 'after' ? '>=' : '<'} ${this.ns(this.instant(t))}`;
    const inSources = this.sources(this.col(s.sourceId));
    const where = inSources ? `${inSources} AND ${this.spanLeaf(t)}` : this.spanLeaf(t);
    return `(r.${r.sourceId}, r.${r.traceId}) IN (SELECT ${this.col(s.sourceId)}, ${this.col(s.traceId)} FROM ${s.table} s WHERE ${where})`;
  }

  /**
   * How many of the query's positive terms a span meets: ranks the spans of a matching run.
   * Time bounds are about the run, not about which of its spans is the match.
   */
  score(e: Expr): string {
    const leaves: Term[] = [];
    const walk = (x: Expr, negated: boolean): void => {
      if (x.type === 'all') return;
      if (x.type === 'not') walk(x.item, !negated);
      else if (x.type === 'and' || x.type === 'or') x.items.forEach((i) => walk(i, negated));
      else if (!negated && x.type !== 'time') leaves.push(x);
    };
    walk(e, false);
    return leaves.length ? leaves.map((l) => `CASE WHEN ${this.spanLeaf(l)} THEN 1 ELSE 0 END`).join(' + ') : '0';
  }

  limit(n: number | undefined): string {
    const v = Math.max(1, Math.min(MAX_LIMIT, Math.floor(n ?? DEFAULT_LIMIT)));
    return this.param(Number.isFinite(v) ? v : DEFAULT_LIMIT);
  }

  columns(alias: string, cols: readonly string[] | undefined): string {
    if (!cols || cols.length === 0) return `${alias}.*`;
    for (const c of cols) if (!COLUMN.test(c)) throw new Error(`not a column name: ${JSON.stringify(c)}`);
    return cols.map((c) => `${alias}.${c}`).join(', ');
  }
}

function checkSchema(schema: SearchSchema): void {
  const groups: Record<string, object> = {
    spans: schema.spans,
    runs: schema.runs,
    text: schema.text,
    attrs: schema.attrs,
    guards: schema.guards,
    tools: schema.tools,
  };
  for (const [group, cols] of Object.entries(groups)) {
    for (const [k, v] of Object.entries(cols)) {
      if (v === undefined) continue;
      const ok = typeof v === 'string' && (k === 'table' ? TABLE : COLUMN).test(v);
      if (!ok) throw new Error(`search schema ${group}.${k} is not a plain SQL name: ${JSON.stringify(v)}`);
    }
  }
}

/** The query as one boolean condition on the span alias `s` (for composing into other SQL). */
export function compileSpanFilter(expr: Expr, opts: CompileOptions): CompiledSql {
  const b = new SqlBuilder(opts.dialect, opts.schema ?? defaultSearchSchema(opts.dialect), opts.now, opts.sourceIds);
  const where = b.expr(expr, 'span');
  const inSources = b.sources(b.col(b.schema.spans.sourceId));
  return { sql: inSources ? `${inSources} AND ${where}` : where, params: b.params };
}

/**
 * Spans that meet the whole query, newest first (start, source, trace, span descending), one
 * keyset page at a time.
 */
export function compileSpanSearch(expr: Expr, opts: SpanSearchOptions): CompiledSql {
  const b = new SqlBuilder(opts.dialect, opts.schema ?? defaultSearchSchema(opts.dialect), opts.now, opts.sourceIds);
  const s = b.schema.spans;
  const key = [s.startNs, s.sourceId, s.traceId, s.spanId].map((c) => b.col(c));
  const where = [b.expr(expr, 'span')];
  const inSources = b.sources(b.col(s.sourceId));
  if (inSources) where.push(inSources);
  if (opts.after) {
    const a = opts.after;
    where.push(`(${key.join(', ')}) < (${b.ns(a.startNs)}, ${b.param(a.sourceId)}, ${b.param(a.traceId)}, ${b.param(a.spanId)})`);
  }
  const sql =
    `SELECT ${b.columns('s', opts.columns)} FROM ${s.table} s WHERE ${where.join(' AND ')}` +
    ` ORDER BY ${key.map((k) => `${k} DESC`).join(', ')} LIMIT ${b.limit(opts.limit)}`;
  return { sql, params: b.params };
}

/**
 * Runs where every term is met by some span of the run, newest first, one keyset page at a
 * time. Each row is the run's row (`r.*` or `columns`) plus `match_span_id` (the span meeting
 * the most positive terms; ties go to the earliest), `match_score` (how many it meets) and
 * `match_count` (how many spans of the run meet at least one).
 */
export function compileRunSearch(expr: Expr, opts: RunSearchOptions): CompiledSql {
  const b = new SqlBuilder(opts.dialect, opts.schema ?? defaultSearchSchema(opts.dialect), opts.now, opts.sourceIds);
  const s = b.schema.spans;
  const r = b.schema.runs;
  const where = [b.expr(expr, 'run')];
  const inSources = b.sources(`r.${r.sourceId}`);
  if (inSources) where.push(inSources);
  const key = [`r.${r.startNs}`, `r.${r.sourceId}`, `r.${r.traceId}`];
  if (opts.after) {
    const a = opts.after;
    where.push(`(${key.join(', ')}) < (${b.ns(a.startNs)}, ${b.param(a.sourceId)}, ${b.param(a.traceId)})`);
  }
  const score = b.score(expr);
  const sql = [
    'WITH page AS (',
    `SELECT r.${r.sourceId} AS source_id, r.${r.traceId} AS trace_id, r.${r.startNs} AS start_ns${r.traceNo ? `, r.${r.traceNo} AS run_key` : ''} FROM ${r.table} r`,
    `WHERE ${where.join(' AND ')}`,
    `ORDER BY ${key.map((k) => `${k} DESC`).join(', ')} LIMIT ${b.limit(opts.limit)}`,
    '), scored AS (',
    `SELECT ${b.col(s.sourceId)} AS source_id, ${b.col(s.traceId)} AS trace_id, ${b.col(s.spanId)} AS span_id,`,
    // From the page into its runs' spans by index. SQLite would otherwise scan every span and
    // filter against the page; its CROSS JOIN keeps the written order.
    `${b.col(s.startNs)} AS start_ns, ${score} AS score FROM page p`,
    spansOfPage(b, opts.dialect),
    '), ranked AS (',
    'SELECT x.source_id, x.trace_id, x.span_id, x.score,',
    'ROW_NUMBER() OVER (PARTITION BY x.source_id, x.trace_id ORDER BY x.score DESC, x.start_ns, x.span_id) AS rn,',
    'SUM(CASE WHEN x.score > 0 THEN 1 ELSE 0 END) OVER (PARTITION BY x.source_id, x.trace_id) AS matched',
    'FROM scored x',
    ')',
    `SELECT ${b.columns('r', opts.columns)}, m.span_id AS match_span_id, m.score AS match_score, m.matched AS match_count`,
    'FROM page p',
    // Back to the page's runs by their key (by rowid where runs are keyed by a trace number).
    r.traceNo
      ? `JOIN ${r.table} r ON r.${r.traceNo} = p.run_key`
      : `JOIN ${r.table} r ON r.${r.sourceId} = p.source_id AND r.${r.traceId} = p.trace_id`,
    'JOIN ranked m ON m.source_id = p.source_id AND m.trace_id = p.trace_id AND m.rn = 1',
    'ORDER BY p.start_ns DESC, p.source_id DESC, p.trace_id DESC',
  ].join('\n');
  return { sql, params: b.params };
}

/** The join from the page's runs to their spans, through the trace numbers where spans are keyed by them. */
function spansOfPage(b: SqlBuilder, dialect: RunSearchOptions['dialect']): string {
  const s = b.schema.spans;
  const join = dialect === 'sqlite' ? 'CROSS JOIN' : 'JOIN';
  const t = b.schema.traceNumbers;
  if (!t) return `${join} ${s.table} s ON ${b.col(s.sourceId)} = p.source_id AND ${b.col(s.traceId)} = p.trace_id`;
  return (
    `${join} ${t.table} tn ON tn.${t.traceId} = p.trace_id ` +
    `${join} ${s.table} s ON s.${t.spansTraceNo} = tn.${t.traceNo} AND ${b.col(s.sourceId)} = p.source_id`
  );
}

/** The query's positive full-text words and phrases, for highlighting a snippet. */
export function fullTextTerms(expr: Expr): string[] {
  const out: string[] = [];
  const walk = (x: Expr, negated: boolean): void => {
    if (x.type === 'not') walk(x.item, !negated);
    else if (x.type === 'and' || x.type === 'or') x.items.forEach((i) => walk(i, negated));
    else if (x.type === 'text' && !negated) out.push(x.text);
  };
  walk(expr, false);
  return out;
}
