// Repairs of a streamed source's tree once every span is in (SqlJsSourceWriter.finish): parents
// that never arrived, parent cycles, child counts of the traces they touched, and previews of runs
// whose root changed. Each mirrors what normalizeTrees does for a file read whole.

import type { Database, SqlValue } from 'sql.js';
import type { Diagnostic } from '../core/model/diagnostic';
import { cycleBreaks, spanKey } from '../core/trace/normalizeTrees';
import { all, opt, type Row } from './sqlJsRows';
import { traceNoOf } from './sqlJsSchema';
import type { FinishOptions, PreviewRequest } from './traceStore';

/** Where the repairs report what they found (the writer's bounded diagnostic bag). */
export interface DiagnosticSink {
  add(d: Diagnostic): void;
}

/** Parents that never arrived: their children become roots of their run (as normalizeTrees does). */
export function detachMissingParents(db: Database, src: number, diags: DiagnosticSink): void {
  const missing = Number(db.exec('SELECT coalesce(sum(n), 0) FROM temp.pending')[0].values[0][0]);
  if (missing === 0) return;
  const first = all(
    db,
    `SELECT s.span_id, s.line, s.byte_start FROM temp.pending p JOIN traces t ON t.trace_id = p.trace_id
     JOIN spans s ON s.trace_no = t.trace_no AND s.parent_id = p.parent_id
     WHERE s.source_id = ? ORDER BY s.id LIMIT 1`,
    [src],
  )[0];
  db.run(
    `UPDATE spans SET parent_id = NULL FROM temp.pending p JOIN traces t ON t.trace_id = p.trace_id
     WHERE spans.source_id = $src AND spans.trace_no = t.trace_no AND spans.parent_id = p.parent_id`,
    { $src: src },
  );
  const detached = db.getRowsModified();
  db.exec('INSERT OR IGNORE INTO temp.affected SELECT DISTINCT trace_id FROM temp.pending; DELETE FROM temp.pending');
  diags.add({
    severity: 'info',
    code: 'span.missingParent',
    message: `${detached} span(s) refer to a parent that is not in this source (first: ${String(first?.span_id)}); they are shown at the top of their run`,
    line: opt<number>(first?.line),
    offset: opt<number>(first?.byte_start),
  });
}

/**
 * Parent cycles. Every span of a cycle has a parent and a child, so only those spans are read;
 * the traces where a cycle is found are then replayed span by span in file order, exactly as
 * normalizeTrees breaks them.
 */
export function breakCycles(db: Database, src: number, diags: DiagnosticSink): void {
  const rows = db.exec('SELECT trace_id, span_id, parent_id FROM spans WHERE source_id = ? AND parent_id IS NOT NULL AND child_count > 0', [
    src,
  ])[0]?.values;
  if (!rows?.length) return;
  const byKey = new Map<string, SqlValue[]>();
  for (const r of rows) byKey.set(spanKey(String(r[0]), String(r[1])), r);
  const parentOf = (r: SqlValue[]): SqlValue[] | undefined => byKey.get(spanKey(String(r[0]), String(r[2])));
  const cyclic = new Set(cycleBreaks(rows, parentOf).map((r) => String(r[0])));
  for (const traceId of cyclic) replayTrace(db, src, diags, traceId);
}

function replayTrace(db: Database, src: number, diags: DiagnosticSink, traceId: string): void {
  const rows = all(
    db,
    `SELECT id, span_id, parent_id, line, byte_start FROM spans WHERE source_id = ? AND trace_no = ${traceNoOf('?')} ORDER BY id`,
    [src, traceId],
  );
  const byId = new Map<string, Row>();
  for (const r of rows) byId.set(String(r.span_id), r);
  const parent = (r: Row): Row | undefined => (r.parent_id === null ? undefined : byId.get(String(r.parent_id)));
  for (const cur of cycleBreaks(rows, parent)) {
    diags.add({
      severity: 'warning',
      code: 'span.parentCycle',
      message: `Span ${String(cur.span_id)} is part of a parent cycle; it is shown at the top of its run`,
      line: opt<number>(cur.line),
      offset: opt<number>(cur.byte_start),
    });
    db.run('UPDATE spans SET parent_id = NULL WHERE id = ?', [cur.id]);
  }
  recountChildren(db, src, traceId);
  db.run('INSERT OR IGNORE INTO temp.affected VALUES (?)', [traceId]);
}

/** Runs whose root changed in the post-pass and has no preview yet: read it back from the source. */
export async function fillPreviews(db: Database, src: number, resolve: NonNullable<FinishOptions['resolvePreviews']>): Promise<void> {
  const rows = all(
    db,
    `SELECT r.trace_id, r.root_span_id, s.byte_start, s.byte_end, s.line FROM runs r
     JOIN spans s ON s.trace_no = r.trace_no AND s.span_id = r.root_span_id
     WHERE r.source_id = ? AND r.preview IS NULL AND s.preview IS NULL AND s.byte_start IS NOT NULL`,
    [src],
  );
  if (!rows.length) return;
  const requests: PreviewRequest[] = rows.map((r) => ({
    traceId: String(r.trace_id),
    spanId: String(r.root_span_id),
    byteStart: Number(r.byte_start),
    byteEnd: Number(r.byte_end),
    line: Number(r.line ?? 1),
  }));
  const previews = await resolve(requests);
  db.exec('BEGIN');
  try {
    requests.forEach((q, i) => {
      db.run(`UPDATE spans SET preview = ? WHERE source_id = ? AND trace_no = ${traceNoOf('?')} AND span_id = ?`, [
        previews[i] ?? '',
        src,
        q.traceId,
        q.spanId,
      ]);
      if (previews[i]) {
        db.run(`UPDATE runs SET preview = ? WHERE source_id = ? AND trace_no = ${traceNoOf('?')}`, [previews[i] ?? null, src, q.traceId]);
      }
    });
    db.exec('COMMIT');
  } catch (err) {
    db.exec('ROLLBACK');
    throw err;
  }
}

/** Child counts of one trace, counted from scratch (after a post-pass changed its tree). */
export function recountChildren(db: Database, src: number, traceId: string): void {
  db.run(
    `UPDATE spans SET child_count = (SELECT count(*) FROM spans c WHERE c.trace_no = spans.trace_no AND c.parent_id = spans.span_id)
     WHERE source_id = ? AND trace_no = ${traceNoOf('?')}`,
    [src, traceId],
  );
}
