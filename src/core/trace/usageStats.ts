// How templates and traced functions fared across loaded runs: what CodeLens and hovers show
// ("37 runs · 4 errors · 2 👎 · p95 2.3s", recent placeholder values).

import type { Span } from '../model/span';
import { isNegative } from './runs';

export interface UsageStats {
  traceIds: Set<string>;
  calls: number;
  errors: number;
  guardsFailed: number;
  negativeFeedback: number;
  /** Span durations in nanoseconds (numbers: durations fit easily). */
  durations: number[];
  /** Recent distinct values per template variable, newest first (templates only). */
  recentValues: Map<string, string[]>;
}

export interface SourceUsage {
  /** Keyed by `path:<workspace-relative path>` and `name:<template name>`. */
  templates: Map<string, UsageStats>;
  /** Keyed by `<code file>#<function>`. */
  functions: Map<string, UsageStats>;
}

const RECENT = 5;

function empty(): UsageStats {
  return { traceIds: new Set(), calls: 0, errors: 0, guardsFailed: 0, negativeFeedback: 0, durations: [], recentValues: new Map() };
}

export function usageStats(spans: readonly Span[]): SourceUsage {
  // Run-level signals (feedback sits on the root, guards on siblings) count for every step of the run.
  const negRuns = new Set<string>();
  const guardRuns = new Set<string>();
  for (const s of spans) {
    if (s.feedback?.some(isNegative)) negRuns.add(s.traceId);
    if (s.guards?.some((g) => !g.passed)) guardRuns.add(s.traceId);
  }
  const templates = new Map<string, UsageStats>();
  const functions = new Map<string, UsageStats>();
  const add = (map: Map<string, UsageStats>, key: string, s: Span): UsageStats => {
    const st = map.get(key) ?? empty();
    map.set(key, st);
    const newRun = !st.traceIds.has(s.traceId);
    st.traceIds.add(s.traceId);
    st.calls++;
    if (s.status === 'error') st.errors++;
    if (newRun && negRuns.has(s.traceId)) st.negativeFeedback++;
    if (newRun && guardRuns.has(s.traceId)) st.guardsFailed++;
    st.durations.push(Number(s.endNs - s.startNs));
    return st;
  };
  const ordered = [...spans].sort((a, b) => (a.startNs < b.startNs ? 1 : a.startNs > b.startNs ? -1 : 0));
  for (const s of ordered) {
    const t = s.template;
    if (t) {
      const keys = [t.path && `path:${t.path}`, t.name && `name:${t.name}`].filter((k): k is string => !!k);
      for (const key of keys) {
        const st = add(templates, key, s);
        for (const [k, v] of Object.entries(t.variables ?? {})) {
          const list = st.recentValues.get(k) ?? [];
          if (list.length < RECENT && !list.includes(v)) list.push(v);
          st.recentValues.set(k, list);
        }
      }
    }
    if (s.code?.file && s.code.function) add(functions, `${s.code.file}#${s.code.function}`, s);
  }
  return { templates, functions };
}

/** Merge per-source usage (several files may be loaded). */
export function mergeUsage(parts: readonly SourceUsage[]): SourceUsage {
  const out: SourceUsage = { templates: new Map(), functions: new Map() };
  for (const p of parts) {
    for (const [field, target] of [
      [p.templates, out.templates],
      [p.functions, out.functions],
    ] as const) {
      for (const [k, st] of field) {
        const cur = target.get(k) ?? empty();
        st.traceIds.forEach((t) => cur.traceIds.add(t));
        cur.calls += st.calls;
        cur.errors += st.errors;
        cur.guardsFailed += st.guardsFailed;
        cur.negativeFeedback += st.negativeFeedback;
        cur.durations.push(...st.durations);
        for (const [v, vals] of st.recentValues) {
          const list = cur.recentValues.get(v) ?? [];
          for (const x of vals) if (list.length < RECENT && !list.includes(x)) list.push(x);
          cur.recentValues.set(v, list);
        }
        target.set(k, cur);
      }
    }
  }
  return out;
}

export function percentile(values: readonly number[], p: number): number | undefined {
  if (!values.length) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}
