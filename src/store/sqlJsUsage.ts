// Per-template and per-function usage (what CodeLens and hovers show) computed from a source's
// index instead of from its spans in memory, with the semantics of core/trace/usageStats.ts:
// - a span counts for `path:<template path>` and `name:<template name>` (non-empty only), and
//   for `<code file>#<function>` when both are set;
// - runs: the distinct trace ids; calls: the spans; errors: spans with status `error`;
// - a run with any negative feedback or any failed guard (on any of its spans) counts once per
//   key: the run table's sums say that without touching the spans again;
// - durations: end - start of every span, in nanoseconds.
// Template variables are not in the index: the newest spans of each template are returned by
// byte range so the caller can read their variables back from the source (RECENT_READBACK each).

import type { Database } from 'sql.js';
import type { SourceUsage, UsageStats } from '../core/trace/usageStats';

/** Newest spans per template key read back for the "recent values" hover. */
export const RECENT_READBACK = 25;

/** Where a span is in its source, to read it back. */
export interface UsageSpanRef {
  traceId: string;
  spanId: string;
  byteStart: number;
  byteEnd: number;
  line: number;
}

export interface IndexUsage {
  /** `recentValues` are empty: fill them from `recentSpans`. */
  usage: SourceUsage;
  /** Per template key, its newest spans (newest first, at most RECENT_READBACK). */
  recentSpans: Map<string, UsageSpanRef[]>;
}

function empty(): UsageStats {
  return { traceIds: new Set(), calls: 0, errors: 0, guardsFailed: 0, negativeFeedback: 0, durations: [], recentValues: new Map() };
}

// Newest first, as usageStats orders spans (ties keep file order: the row id).
const USAGE_SQL = `
SELECT s.trace_id, s.span_id, s.status, s.start_ns, s.end_ns, s.template_path, s.template_name, s.code_file, s.code_function,
  s.byte_start, s.byte_end, s.line
FROM spans s
WHERE s.source_id = ? AND (s.template_path <> '' OR s.template_name <> '' OR (s.code_file <> '' AND s.code_function <> ''))
ORDER BY s.start_ns DESC, s.id`;

/** Usage of one source from its database (`sourceId`: the id stored in its rows). */
export function usageFromIndex(db: Database, sourceId: number): IndexUsage {
  const flagged = (column: 'negative_feedback' | 'guards_failed'): Set<string> => {
    const out = new Set<string>();
    const res = db.exec(`SELECT trace_id FROM runs WHERE source_id = ? AND ${column} > 0`, [sourceId])[0];
    for (const [t] of res?.values ?? []) out.add(String(t));
    return out;
  };
  const negRuns = flagged('negative_feedback');
  const guardRuns = flagged('guards_failed');
  const templates = new Map<string, UsageStats>();
  const functions = new Map<string, UsageStats>();
  const recentSpans = new Map<string, UsageSpanRef[]>();
  const add = (map: Map<string, UsageStats>, key: string, traceId: string, error: boolean, duration: number): void => {
    let st = map.get(key);
    if (!st) map.set(key, (st = empty()));
    const newRun = !st.traceIds.has(traceId);
    st.traceIds.add(traceId);
    st.calls++;
    if (error) st.errors++;
    if (newRun && negRuns.has(traceId)) st.negativeFeedback++;
    if (newRun && guardRuns.has(traceId)) st.guardsFailed++;
    st.durations.push(duration);
  };
  const stmt = db.prepare(USAGE_SQL);
  try {
    stmt.bind([sourceId]);
    while (stmt.step()) {
      const [traceIdV, spanIdV, status, start, end, tPath, tName, cFile, cFn, byteStart, byteEnd, line] = stmt.get();
      const traceId = String(traceIdV);
      const error = status === 'error';
      const duration = Number(BigInt(String(end)) - BigInt(String(start)));
      const keys: string[] = [];
      if (typeof tPath === 'string' && tPath) keys.push(`path:${tPath}`);
      if (typeof tName === 'string' && tName) keys.push(`name:${tName}`);
      for (const key of keys) {
        add(templates, key, traceId, error, duration);
        let refs = recentSpans.get(key);
        if (!refs) recentSpans.set(key, (refs = []));
        if (refs.length < RECENT_READBACK && byteStart !== null && byteEnd !== null) {
          refs.push({ traceId, spanId: String(spanIdV), byteStart: Number(byteStart), byteEnd: Number(byteEnd), line: Number(line ?? 1) });
        }
      }
      if (typeof cFile === 'string' && cFile && typeof cFn === 'string' && cFn) add(functions, `${cFile}#${cFn}`, traceId, error, duration);
    }
  } finally {
    stmt.free();
  }
  return { usage: { templates, functions }, recentSpans };
}

/** A store that can compute usage from its index (the embedded store). */
export interface UsageStore {
  sourceUsage(sourceId: number): IndexUsage | undefined;
}

export function isUsageStore(store: object): store is UsageStore {
  return typeof (store as Partial<UsageStore>).sourceUsage === 'function';
}
