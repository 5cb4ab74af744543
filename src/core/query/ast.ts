// The search language's syntax tree: what the parser produces and the SQL compiler consumes.
// Pure data. Offsets are JS string indexes (UTF-16 code units) into the query text.

import type { SpanKind, StatusCode } from '../model/span';

/** Where a node came from in the query text: `start` inclusive, `end` exclusive. */
export interface Loc {
  start: number;
  end: number;
}

/**
 * A value that may hold `*` wildcards: the literal pieces between them. One piece is an exact
 * (case-insensitive) match; `['', '']` is `*` alone, "the field is set"; `['gpt-4', '']` is a
 * prefix match. Quoted values are always one piece (a `*` inside quotes is literal).
 */
export interface Pattern {
  pieces: string[];
}

export type CompareOp = '>' | '>=' | '<' | '<=' | '=';

/** The empty query: matches everything. */
export interface AllNode {
  type: 'all';
}

export interface AndNode {
  type: 'and';
  items: Expr[];
  loc: Loc;
}

export interface OrNode {
  type: 'or';
  items: Expr[];
  loc: Loc;
}

export interface NotNode {
  type: 'not';
  item: Expr;
  loc: Loc;
}

/** A bare word or a quoted phrase: full-text over names, prompts, outputs and tool I/O. */
export interface TextTerm {
  type: 'text';
  text: string;
  /** Written in double quotes: the words must appear in this order. */
  phrase: boolean;
  /** A bare word ending in `*`: matches words that start with `text`. */
  prefix: boolean;
  loc: Loc;
}

/** Fields matched against one text value of the span (or a side table, for `tool`). */
export type TextField = 'model' | 'provider' | 'service' | 'name' | 'trace' | 'span' | 'session' | 'user' | 'template' | 'version' | 'tool';

export interface FieldTerm {
  type: 'field';
  field: TextField;
  pattern: Pattern;
  loc: Loc;
}

export interface KindTerm {
  type: 'kind';
  /** Already expanded from the written value (`kind:re*` → retriever, reranker). */
  kinds: SpanKind[];
  loc: Loc;
}

export interface StatusTerm {
  type: 'status';
  statuses: StatusCode[];
  loc: Loc;
}

export type FeedbackFilter = 'positive' | 'negative' | 'any' | 'none';

export interface FeedbackTerm {
  type: 'feedback';
  feedback: FeedbackFilter;
  loc: Loc;
}

export type GuardFilter = { is: 'fired' } | { is: 'passed' } | { is: 'name'; pattern: Pattern };

export interface GuardTerm {
  type: 'guard';
  guard: GuardFilter;
  loc: Loc;
}

export type AttrMatch = { op: ':'; pattern: Pattern } | { op: CompareOp; value: number };

/** `attr.<key>:value` or `attr.<key>>number`, over the span's (and its resource's) attributes. */
export interface AttrTerm {
  type: 'attr';
  key: string;
  match: AttrMatch;
  loc: Loc;
}

export type Metric = 'latency' | 'tokens' | 'tokens.in' | 'tokens.out' | 'cost';

export type CompareTerm =
  | { type: 'compare'; metric: 'latency'; op: CompareOp; /** nanoseconds */ value: bigint; loc: Loc }
  | { type: 'compare'; metric: 'tokens' | 'tokens.in' | 'tokens.out'; op: CompareOp; value: number; loc: Loc }
  | { type: 'compare'; metric: 'cost'; op: CompareOp; value: number; loc: Loc };

/** An absolute instant, or an age resolved against the `now` given to the compiler. */
export type Instant = { absoluteNs: bigint } | { agoNs: bigint };

/** `after:` keeps spans that start at or after the instant; `before:` those that start before it. */
export interface TimeTerm {
  type: 'time';
  bound: 'after' | 'before';
  at: Instant;
  loc: Loc;
}

export type Term = TextTerm | FieldTerm | KindTerm | StatusTerm | FeedbackTerm | GuardTerm | AttrTerm | CompareTerm | TimeTerm;

export type Expr = AllNode | AndNode | OrNode | NotNode | Term;
