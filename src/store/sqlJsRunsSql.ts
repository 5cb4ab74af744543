// The SQL that merges span rows into `runs` (one row per trace) as a source streams in: from
// the producer's per-batch sums, from the span rows themselves, or recomputed for the traces a
// post-pass changed. Roots are chosen as summarizeRuns does. Used by sqlJsWriter.ts.

import { RUN_NUMBER_COLUMNS } from './spanRows';

/** The `runs` columns after (trace_no, source_id, trace_id), in the order every upsert writes them. */
const RUN_VALUE_COLUMNS = [
  'root_span_id',
  'name',
  'kind',
  'start_ns',
  'end_ns',
  ...RUN_NUMBER_COLUMNS.filter((c) => c !== 'root_count'),
  'models',
  'root_count',
  'preview',
  'root_start_ns',
] as const;

/** Merge rows into `runs`: from the spans matching `where`, or (`fromDelta`) from temp.run_delta. */
function runsUpsertSql(where: string, replace: boolean, fromDelta = false): string {
  // The better root: a span without a parent beats one with; then the earlier start; then the
  // earlier row (an earlier batch wins ties, as the first in file order does in summarizeRuns).
  const better =
    '((excluded.root_count > 0 AND (runs.root_count = 0 OR excluded.root_start_ns < runs.root_start_ns)) OR ' +
    '(excluded.root_count = 0 AND runs.root_count = 0 AND excluded.root_start_ns < runs.root_start_ns))';
  const pick = (col: string): string => `${col} = CASE WHEN ${better} THEN excluded.${col} ELSE runs.${col} END`;
  const add = (col: string): string => `${col} = runs.${col} + excluded.${col}`;
  const set = replace
    ? RUN_VALUE_COLUMNS.map((c) => `${c} = excluded.${c}`)
    : [
        pick('root_span_id'),
        pick('name'),
        pick('kind'),
        pick('preview'),
        'start_ns = min(runs.start_ns, excluded.start_ns)',
        'end_ns = max(runs.end_ns, excluded.end_ns)',
        ...RUN_NUMBER_COLUMNS.filter((c) => c !== 'root_count').map(add),
        "models = CASE WHEN excluded.models = '[]' THEN runs.models WHEN runs.models = '[]' THEN excluded.models ELSE " +
          '(SELECT json_group_array(value ORDER BY value) FROM (SELECT value FROM json_each(runs.models) UNION SELECT value FROM json_each(excluded.models))) END',
        // Last: every expression above reads the old values.
        pick('root_start_ns'),
        add('root_count'),
      ];
  // Runs are keyed by their trace's number (schema 6): the batch's traces are numbered first.
  const columns = `INSERT INTO runs (trace_no, source_id, trace_id, ${RUN_VALUE_COLUMNS.join(', ')})`;
  if (fromDelta) {
    return `${columns}
SELECT t.trace_no, $src, d.trace_id, ${RUN_VALUE_COLUMNS.map((c) => (c === 'preview' ? "nullif(d.preview, '')" : `d.${c}`)).join(', ')}
FROM temp.run_delta d JOIN traces t ON t.trace_id = d.trace_id WHERE true
ON CONFLICT (trace_no) DO UPDATE SET ${set.join(', ')}`;
  }
  return `${columns}
SELECT a.trace_no, a.source_id, a.trace_id, r.span_id, r.name, r.kind, a.s, a.e, a.n, a.err, a.llm, a.it, a.ot, a.cost, a.gf, a.neg, a.pos,
  a.models, a.roots, nullif(r.preview, ''), r.start_ns
FROM (
  SELECT trace_no, source_id, trace_id, min(start_ns) AS s, max(end_ns) AS e, count(*) AS n, sum(status = 'error') AS err,
    sum(kind = 'llm') AS llm, total(input_tokens) AS it, total(output_tokens) AS ot, total(cost) AS cost,
    sum(guards_failed) AS gf, sum(negative_feedback) AS neg, sum(positive_feedback) AS pos,
    json_group_array(DISTINCT model ORDER BY model) FILTER (WHERE model IS NOT NULL) AS models,
    sum(parent_id IS NULL) AS roots
  FROM spans WHERE ${where} GROUP BY trace_no
) a JOIN (
  SELECT trace_id, span_id, name, kind, preview, start_ns,
    row_number() OVER (PARTITION BY trace_id ORDER BY parent_id IS NOT NULL, start_ns, id) AS rn
  FROM spans WHERE ${where}
) r ON r.trace_id = a.trace_id AND r.rn = 1
WHERE true
ON CONFLICT (trace_no) DO UPDATE SET ${set.join(', ')}`;
}

/** From the span rows after `$after` (a batch whose producer sums are off: duplicates). */
export const BATCH_RUNS_SQL = runsUpsertSql('source_id = $src AND id > $after', false);

/** Merge the producer's run sums (temp.run_delta) into `runs`; same rules as runsUpsertSql. */
export const DELTA_RUNS_SQL = runsUpsertSql('', false, true);
export const TRACE_RUNS_SQL = runsUpsertSql(
  'source_id = $src AND trace_no IN (SELECT t.trace_no FROM temp.affected a JOIN traces t ON t.trace_id = a.trace_id)',
  true,
);
