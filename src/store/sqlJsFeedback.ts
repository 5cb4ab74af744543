// "Mark Output Good / Bad" in the embedded index. The marks themselves are persisted by the
// extension (TraceLens's own storage, never the source file) and applied here each time a source
// is opened. A mark counts in the span's and run's feedback columns, which the tree and
// `feedback:` searches read: the span's count is what the source said (kept in
// `feedback_base` the first time the span is marked) plus one per author's current mark.

import { traceNoOf } from './sqlJsSchema';
import type { SourceDb } from './sqlJsRows';
import { all } from './sqlJsRows';
import type { FeedbackMark } from './traceStore';

const TABLES = `
CREATE TABLE IF NOT EXISTS feedback (
  source_id INTEGER NOT NULL,
  trace_id TEXT NOT NULL,
  span_id TEXT NOT NULL,
  author TEXT NOT NULL,
  value TEXT NOT NULL CHECK (value IN ('positive', 'negative')),
  note TEXT,
  at_ms INTEGER NOT NULL,
  PRIMARY KEY (source_id, trace_id, span_id, author)
);
CREATE TABLE IF NOT EXISTS feedback_base (
  source_id INTEGER NOT NULL,
  trace_id TEXT NOT NULL,
  span_id TEXT NOT NULL,
  neg INTEGER NOT NULL,
  pos INTEGER NOT NULL,
  PRIMARY KEY (source_id, trace_id, span_id)
);`;

const MAX_NOTE_CHARS = 2000;

function hasTables(src: SourceDb): boolean {
  return all(src.db, "SELECT 1 AS x FROM sqlite_master WHERE type = 'table' AND name = 'feedback'").length > 0;
}

export function addSqlJsFeedback(src: SourceDb | undefined, mark: FeedbackMark): void {
  if (!src) throw new Error('That source is not loaded');
  if (src.writer) throw new Error('The source is still loading; mark it once it has loaded');
  if (mark.value !== 'positive' && mark.value !== 'negative') throw new Error('Feedback must be positive or negative');
  const db = src.db;
  const key = [src.internalId, mark.traceId, mark.spanId];
  db.exec('BEGIN');
  try {
    db.exec(TABLES);
    if (!all(db, `SELECT 1 AS x FROM spans WHERE source_id = ? AND trace_no = ${traceNoOf('?')} AND span_id = ?`, key).length) {
      throw new Error(`Span ${mark.spanId} of run ${mark.traceId} is not in this source`);
    }
    db.run(
      `INSERT OR IGNORE INTO feedback_base (source_id, trace_id, span_id, neg, pos)
       SELECT source_id, trace_id, span_id, negative_feedback, positive_feedback FROM spans WHERE source_id = ? AND trace_no = ${traceNoOf('?')} AND span_id = ?`,
      key,
    );
    db.run(
      `INSERT INTO feedback (source_id, trace_id, span_id, author, value, note, at_ms) VALUES (?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (source_id, trace_id, span_id, author) DO UPDATE SET value = excluded.value, note = excluded.note, at_ms = excluded.at_ms`,
      [...key, mark.author ?? '', mark.value, mark.note?.slice(0, MAX_NOTE_CHARS) ?? null, Math.trunc(mark.atMs)],
    );
    const count = (value: string): string =>
      `(SELECT count(*) FROM feedback f WHERE f.source_id = spans.source_id AND f.trace_id = spans.trace_id AND f.span_id = spans.span_id AND f.value = '${value}')`;
    db.run(
      `UPDATE spans SET
         negative_feedback = (SELECT neg FROM feedback_base b WHERE b.source_id = spans.source_id AND b.trace_id = spans.trace_id AND b.span_id = spans.span_id) + ${count('negative')},
         positive_feedback = (SELECT pos FROM feedback_base b WHERE b.source_id = spans.source_id AND b.trace_id = spans.trace_id AND b.span_id = spans.span_id) + ${count('positive')}
       WHERE source_id = ? AND trace_no = ${traceNoOf('?')} AND span_id = ?`,
      key,
    );
    db.run(
      `UPDATE runs SET
         negative_feedback = (SELECT total(negative_feedback) FROM spans WHERE source_id = runs.source_id AND trace_no = runs.trace_no),
         positive_feedback = (SELECT total(positive_feedback) FROM spans WHERE source_id = runs.source_id AND trace_no = runs.trace_no)
       WHERE source_id = ? AND trace_no = ${traceNoOf('?')}`,
      [src.internalId, mark.traceId],
    );
    db.exec('COMMIT');
  } catch (err) {
    db.exec('ROLLBACK');
    throw err;
  }
}

export function listSqlJsFeedback(src: SourceDb | undefined, traceId: string, spanId?: string): FeedbackMark[] {
  if (!src || !hasTables(src)) return [];
  const params = [src.internalId, traceId, ...(spanId === undefined ? [] : [spanId])];
  const rows = all(
    src.db,
    `SELECT * FROM feedback WHERE source_id = ? AND trace_id = ?${spanId === undefined ? '' : ' AND span_id = ?'} ORDER BY at_ms, span_id, author`,
    params,
  );
  return rows.map((r) => ({
    traceId: String(r.trace_id),
    spanId: String(r.span_id),
    value: String(r.value) as FeedbackMark['value'],
    note: r.note === null ? undefined : String(r.note),
    author: String(r.author) || undefined,
    atMs: Number(r.at_ms),
  }));
}
