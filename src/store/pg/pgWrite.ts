// Writing spans into the team store, one batch per transaction. Every column travels as one
// array parameter (`unnest($1::text[], …)`), so a batch is a handful of statements whatever its
// size and no value is ever spliced into SQL. Spans already there (same source, trace and span
// id) are skipped, which makes pushing the same source twice a no-op; runs and child counts of
// the traces a batch touched are then recomputed from the spans, so they stay right whichever
// batches the spans of a trace arrived in.

import type { PoolClient } from 'pg';
import type { Span } from '../../core/model/span';
import { spanSearchRows } from '../../core/query/searchRows';
import { isNegative, isPositive } from '../../core/trace/runs';
import { rootPreview } from '../spanRows';
import { encodePayload, maskSpan, pgText } from './pgPayload';

/** Columns written per span, in the order of the arrays below, with their array types. */
const SPAN_INSERT: readonly [string, string][] = [
  ['trace_id', 'text'],
  ['span_id', 'text'],
  ['parent_id', 'text'],
  ['name', 'text'],
  ['kind', 'text'],
  ['start_ns', 'numeric'],
  ['end_ns', 'numeric'],
  ['status', 'text'],
  ['status_message', 'text'],
  ['service', 'text'],
  ['session_id', 'text'],
  ['user_id', 'text'],
  ['provider', 'text'],
  ['model', 'text'],
  ['request_model', 'text'],
  ['input_tokens', 'int'],
  ['output_tokens', 'int'],
  ['cost', 'float8'],
  ['template_name', 'text'],
  ['template_version', 'text'],
  ['template_path', 'text'],
  ['code_file', 'text'],
  ['code_line', 'int'],
  ['code_function', 'text'],
  ['guards_failed', 'int'],
  ['guard_action', 'text'],
  ['src_negative_feedback', 'int'],
  ['src_positive_feedback', 'int'],
  ['preview', 'text'],
  ['payload', 'text'],
  ['payload_truncated', 'bool'],
];

const INSERT_SPANS_SQL = `
INSERT INTO tracelens.spans (source_id, ${SPAN_INSERT.map(([c]) => c).join(', ')}, negative_feedback, positive_feedback)
SELECT $1, u.*, u.src_negative_feedback, u.src_positive_feedback
FROM unnest(${SPAN_INSERT.map(([, t], i) => `$${i + 2}::${t}[]`).join(', ')}) AS u(${SPAN_INSERT.map(([c]) => c).join(', ')})
ON CONFLICT (source_id, trace_id, span_id) DO NOTHING
RETURNING id, trace_id, span_id`;

const cfg = "'tracelens.search'::regconfig";
const INSERT_TEXT_SQL = `
INSERT INTO tracelens.span_text (span_pk, tsv)
SELECT u.pk, setweight(to_tsvector(${cfg}, u.n), 'A') || to_tsvector(${cfg}, u.i) || to_tsvector(${cfg}, u.o) || to_tsvector(${cfg}, u.t)
FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::text[]) AS u(pk, n, i, o, t)`;
const INSERT_ATTRS_SQL =
  'INSERT INTO tracelens.span_attrs (span_pk, key, value, num) SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::float8[])';
const INSERT_GUARDS_SQL =
  'INSERT INTO tracelens.span_guards (span_pk, name, passed, action) SELECT * FROM unnest($1::bigint[], $2::text[], $3::bool[], $4::text[])';
const INSERT_TOOLS_SQL = 'INSERT INTO tracelens.span_tools (span_pk, name) SELECT * FROM unnest($1::bigint[], $2::text[])';

const CHILD_COUNTS_SQL = `
UPDATE tracelens.spans s SET child_count = coalesce(c.n, 0)
FROM tracelens.spans p LEFT JOIN (
  SELECT trace_id, parent_id, count(*) AS n FROM tracelens.spans
  WHERE source_id = $1 AND trace_id = ANY($2::text[]) AND parent_id IS NOT NULL GROUP BY trace_id, parent_id
) c ON c.trace_id = p.trace_id AND c.parent_id = p.span_id
WHERE p.id = s.id AND s.source_id = $1 AND s.trace_id = ANY($2::text[]) AND s.child_count <> coalesce(c.n, 0)`;

/** Runs of the given traces, from their spans; the root as summarizeRuns picks it. */
export const RUNS_UPSERT_SQL = `
INSERT INTO tracelens.runs (source_id, trace_id, root_span_id, name, kind, start_ns, end_ns, span_count, error_count, llm_count,
  input_tokens, output_tokens, cost, guards_failed, negative_feedback, positive_feedback, models, root_count, preview)
SELECT a.source_id, a.trace_id, r.span_id, r.name, r.kind, a.s, a.e, a.n, a.err, a.llm, a.it, a.ot, a.cost, a.gf, a.neg, a.pos,
  a.models, a.roots, nullif(r.preview, '')
FROM (
  SELECT source_id, trace_id, min(start_ns) AS s, max(end_ns) AS e, count(*) AS n,
    count(*) FILTER (WHERE status = 'error') AS err, count(*) FILTER (WHERE kind = 'llm') AS llm,
    coalesce(sum(input_tokens), 0) AS it, coalesce(sum(output_tokens), 0) AS ot, coalesce(sum(cost), 0) AS cost,
    sum(guards_failed) AS gf, sum(negative_feedback) AS neg, sum(positive_feedback) AS pos,
    coalesce(array_agg(DISTINCT model ORDER BY model) FILTER (WHERE model IS NOT NULL), '{}') AS models,
    count(*) FILTER (WHERE parent_id IS NULL) AS roots
  FROM tracelens.spans WHERE source_id = $1 AND trace_id = ANY($2::text[]) GROUP BY source_id, trace_id
) a
CROSS JOIN LATERAL (
  SELECT span_id, name, kind, preview FROM tracelens.spans x
  WHERE x.source_id = a.source_id AND x.trace_id = a.trace_id
  ORDER BY (x.parent_id IS NOT NULL), x.start_ns, x.id LIMIT 1
) r
ON CONFLICT (source_id, trace_id) DO UPDATE SET
  root_span_id = excluded.root_span_id, name = excluded.name, kind = excluded.kind, start_ns = excluded.start_ns,
  end_ns = excluded.end_ns, span_count = excluded.span_count, error_count = excluded.error_count, llm_count = excluded.llm_count,
  input_tokens = excluded.input_tokens, output_tokens = excluded.output_tokens, cost = excluded.cost,
  guards_failed = excluded.guards_failed, negative_feedback = excluded.negative_feedback,
  positive_feedback = excluded.positive_feedback, models = excluded.models, root_count = excluded.root_count, preview = excluded.preview`;

export const SOURCE_COUNTS_SQL = `
UPDATE tracelens.sources SET
  span_count = (SELECT count(*) FROM tracelens.spans WHERE source_id = $1),
  trace_count = (SELECT count(*) FROM tracelens.runs WHERE source_id = $1)
WHERE id = $1`;

function spanColumns(spans: Span[]): unknown[][] {
  const cols: unknown[][] = SPAN_INSERT.map(() => []);
  for (const s of spans) {
    let failed = 0;
    let action: string | undefined;
    for (const g of s.guards ?? []) {
      if (!g.passed) {
        if (failed === 0) action = g.action;
        failed++;
      }
    }
    if (failed === 0) action = s.guards?.[0]?.action;
    const payload = encodePayload(s);
    const values: unknown[] = [
      s.traceId,
      s.spanId,
      s.parentId,
      s.name,
      s.kind,
      s.startNs.toString(),
      s.endNs.toString(),
      s.status,
      s.statusMessage,
      s.service,
      s.sessionId,
      s.userId,
      s.model?.provider,
      s.model?.returned ?? s.model?.requested,
      s.model?.requested,
      int(s.usage?.input),
      int(s.usage?.output),
      Number.isFinite(s.cost) ? s.cost : undefined,
      s.template?.name,
      s.template?.version,
      s.template?.path,
      s.code?.file,
      int(s.code?.line),
      s.code?.function,
      failed,
      action,
      s.feedback?.filter(isNegative).length ?? 0,
      s.feedback?.filter(isPositive).length ?? 0,
      s.parentId === undefined ? rootPreview(s) : undefined,
      payload.json,
      payload.truncated,
    ];
    values.forEach((v, i) => cols[i].push(typeof v === 'string' ? pgText(v) : (v ?? null)));
  }
  return cols;
}

const INT32_MAX = 2 ** 31 - 1;
const int = (n: number | undefined): number | undefined =>
  n === undefined || !Number.isFinite(n) ? undefined : Math.max(-INT32_MAX, Math.min(INT32_MAX, Math.trunc(n)));

export interface BatchResult {
  inserted: number;
  traceIds: string[];
}

/**
 * One batch, in the caller's transaction: spans (masked first), their search rows, then child
 * counts and runs of the traces they belong to.
 */
export async function writeSpanBatch(c: PoolClient, sourceId: number, batch: Span[]): Promise<BatchResult> {
  const spans = batch.map(maskSpan);
  const { rows } = await c.query<{ id: string; trace_id: string; span_id: string }>(INSERT_SPANS_SQL, [sourceId, ...spanColumns(spans)]);
  const byKey = new Map(spans.map((s) => [`${s.traceId}\u0000${s.spanId}`, s]));
  const text: unknown[][] = [[], [], [], [], []];
  const attrs: unknown[][] = [[], [], [], []];
  const guards: unknown[][] = [[], [], [], []];
  const tools: unknown[][] = [[], []];
  for (const r of rows) {
    const s = byKey.get(`${r.trace_id}\u0000${r.span_id}`);
    if (!s) continue;
    const x = spanSearchRows(s);
    [r.id, x.text.name, x.text.input, x.text.output, x.text.tools].forEach((v, i) => text[i].push(i ? pgText(v) : v));
    for (const a of x.attrs) [r.id, pgText(a.key), pgText(a.value), a.num].forEach((v, i) => attrs[i].push(v));
    for (const g of x.guards) [r.id, pgText(g.name), g.passed, pgText(g.action)].forEach((v, i) => guards[i].push(v));
    for (const t of x.tools) [r.id, pgText(t)].forEach((v, i) => tools[i].push(v));
  }
  if (rows.length) {
    await c.query(INSERT_TEXT_SQL, text);
    if (attrs[0].length) await c.query(INSERT_ATTRS_SQL, attrs);
    if (guards[0].length) await c.query(INSERT_GUARDS_SQL, guards);
    if (tools[0].length) await c.query(INSERT_TOOLS_SQL, tools);
  }
  const traceIds = [...new Set(spans.map((s) => s.traceId))];
  if (rows.length) {
    await c.query(CHILD_COUNTS_SQL, [sourceId, traceIds]);
    await c.query(RUNS_UPSERT_SQL, [sourceId, traceIds]);
  }
  return { inserted: rows.length, traceIds };
}
