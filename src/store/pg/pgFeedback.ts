// "Mark Output Good / Bad" in the team store: one row per (span, author), replaced by the
// author's next mark, and the span's and run's feedback counts recomputed in the same
// transaction, so the tree, `feedback:` searches and every teammate see it at once.

import type { PoolClient } from 'pg';
import type { FeedbackMark } from '../traceStore';
import { pgText } from './pgPayload';

const UPSERT_SQL = `
INSERT INTO tracelens.feedback (source_id, trace_id, span_id, author, value, note, at_ms)
VALUES ($1, $2, $3, $4, $5, $6, $7)
ON CONFLICT (source_id, trace_id, span_id, author) DO UPDATE SET value = excluded.value, note = excluded.note, at_ms = excluded.at_ms`;

const SPAN_COUNTS_SQL = `
UPDATE tracelens.spans s SET
  negative_feedback = s.src_negative_feedback + (SELECT count(*) FROM tracelens.feedback f
    WHERE f.source_id = s.source_id AND f.trace_id = s.trace_id AND f.span_id = s.span_id AND f.value = 'negative'),
  positive_feedback = s.src_positive_feedback + (SELECT count(*) FROM tracelens.feedback f
    WHERE f.source_id = s.source_id AND f.trace_id = s.trace_id AND f.span_id = s.span_id AND f.value = 'positive')
WHERE s.source_id = $1 AND s.trace_id = $2 AND s.span_id = $3`;

const RUN_COUNTS_SQL = `
UPDATE tracelens.runs r SET negative_feedback = t.neg, positive_feedback = t.pos
FROM (SELECT sum(negative_feedback) AS neg, sum(positive_feedback) AS pos FROM tracelens.spans WHERE source_id = $1 AND trace_id = $2) t
WHERE r.source_id = $1 AND r.trace_id = $2`;

export const MAX_NOTE_CHARS = 2000;

export async function writeFeedback(c: PoolClient, sourceId: number, mark: FeedbackMark, author: string): Promise<void> {
  if (mark.value !== 'positive' && mark.value !== 'negative') throw new Error(`Feedback must be positive or negative`);
  await c.query('BEGIN');
  try {
    // Lock the span row: concurrent marks on one span then recount one after the other.
    const { rowCount } = await c.query('SELECT 1 FROM tracelens.spans WHERE source_id = $1 AND trace_id = $2 AND span_id = $3 FOR UPDATE', [
      sourceId,
      mark.traceId,
      mark.spanId,
    ]);
    if (!rowCount) throw new Error(`Span ${mark.spanId} of run ${mark.traceId} is not in the team store`);
    const note = mark.note ? pgText(mark.note.slice(0, MAX_NOTE_CHARS)) : null;
    await c.query(UPSERT_SQL, [sourceId, mark.traceId, mark.spanId, pgText(author), mark.value, note, Math.trunc(mark.atMs)]);
    await c.query(SPAN_COUNTS_SQL, [sourceId, mark.traceId, mark.spanId]);
    await c.query(RUN_COUNTS_SQL, [sourceId, mark.traceId]);
    await c.query('COMMIT');
  } catch (err) {
    await c.query('ROLLBACK').catch(() => undefined);
    throw err;
  }
}

export async function readFeedback(c: PoolClient, sourceId: number, traceId: string, spanId?: string): Promise<FeedbackMark[]> {
  const params: unknown[] = [sourceId, traceId];
  let where = 'source_id = $1 AND trace_id = $2';
  if (spanId !== undefined) {
    params.push(spanId);
    where += ' AND span_id = $3';
  }
  const { rows } = await c.query<{ trace_id: string; span_id: string; value: string; note: string | null; author: string; at_ms: string }>(
    `SELECT trace_id, span_id, value, note, author, at_ms FROM tracelens.feedback WHERE ${where} ORDER BY at_ms, span_id, author`,
    params,
  );
  return rows.map((r) => ({
    traceId: r.trace_id,
    spanId: r.span_id,
    value: r.value as FeedbackMark['value'],
    note: r.note ?? undefined,
    author: r.author,
    atMs: Number(r.at_ms),
  }));
}
