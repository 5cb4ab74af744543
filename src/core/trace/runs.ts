// One row per run (trace): what the Runs tree lists at a glance.

import type { Message, Span } from '../model/span';
import { spanKey } from './normalizeTrees';

export interface RunSummary {
  traceId: string;
  rootSpanId: string;
  name: string;
  kind: Span['kind'];
  startNs: bigint;
  endNs: bigint;
  spanCount: number;
  errorCount: number;
  llmCount: number;
  inputTokens: number;
  outputTokens: number;
  cost: number;
  guardsFailed: number;
  negativeFeedback: number;
  positiveFeedback: number;
  models: string[];
  /** The run's input in one short line (the user's question, usually). */
  preview?: string;
  sessionId?: string;
  userId?: string;
}

export function isNegative(f: { score?: number; label?: string }): boolean {
  if (f.label && /^(negative|bad|thumbs?[_ -]?down|incorrect|wrong|no)$/i.test(f.label)) return true;
  return f.score !== undefined && f.score < 0;
}

export function isPositive(f: { score?: number; label?: string }): boolean {
  if (isNegative(f)) return false;
  if (f.label && /^(positive|good|thumbs?[_ -]?up|correct|yes)$/i.test(f.label)) return true;
  return f.score !== undefined && f.score > 0;
}

const PREVIEW_CHARS = 120;
/** Collapsing this much of a longer input nearly always yields the PREVIEW_CHARS + 2 needed. */
const PREVIEW_SCAN = PREVIEW_CHARS + 40;

/**
 * A run's input in one line of at most PREVIEW_CHARS characters (whitespace collapsed), from its
 * root's input or last user message. Simple inputs are cut without running the whitespace regex
 * over the whole text: on a bulk load, every run's root goes through here.
 */
export function runPreview(root: Span): string | undefined {
  const raw = root.input ?? lastUserContent(root.inputMessages);
  if (!raw) return undefined;
  if (raw.length >= PREVIEW_CHARS + 2) {
    if (plainHead(raw)) return `${raw.slice(0, PREVIEW_CHARS - 1)}…`;
    if (raw.length > PREVIEW_SCAN) {
      // Collapsing a prefix gives a prefix of the collapsed whole (a whitespace run cut at the
      // end still collapses to one space); with two characters to spare after the cut, trimming
      // the end of the whole cannot reach the first PREVIEW_CHARS - 1.
      const head = raw.slice(0, PREVIEW_SCAN).replace(/\s+/g, ' ').trimStart();
      if (head.length >= PREVIEW_CHARS + 2) return `${head.slice(0, PREVIEW_CHARS - 1)}…`;
    }
  }
  const oneLine = raw.replace(/\s+/g, ' ').trim();
  return oneLine.length > PREVIEW_CHARS ? `${oneLine.slice(0, PREVIEW_CHARS - 1)}…` : oneLine;
}

function lastUserContent(msgs: Message[] | undefined): string | undefined {
  if (!msgs) return undefined;
  for (let i = msgs.length - 1; i >= 0; i--) if (msgs[i].role === 'user') return msgs[i].content;
  return undefined;
}

/**
 * Whether the first PREVIEW_CHARS + 2 characters of `raw` are printable ASCII and single spaces,
 * the first not a space: collapsing and trimming leave them as they are, and at least one of the
 * last two is not a space, so the whole is cut to its first PREVIEW_CHARS - 1 characters.
 */
function plainHead(raw: string): boolean {
  let space = true;
  for (let i = 0; i < PREVIEW_CHARS + 2; i++) {
    const c = raw.charCodeAt(i);
    if (c === 32) {
      if (space) return false;
      space = true;
    } else if (c > 32 && c < 127) space = false;
    else return false;
  }
  return true;
}

export function childCounts(spans: Span[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const s of spans) {
    if (s.parentId === undefined) continue;
    const k = spanKey(s.traceId, s.parentId);
    counts.set(k, (counts.get(k) ?? 0) + 1);
  }
  return counts;
}

export function summarizeRuns(spans: Span[]): RunSummary[] {
  const byTrace = new Map<string, Span[]>();
  for (const s of spans) {
    const list = byTrace.get(s.traceId);
    if (list) list.push(s);
    else byTrace.set(s.traceId, [s]);
  }
  const runs: RunSummary[] = [];
  for (const [traceId, list] of byTrace) {
    const roots = list.filter((s) => s.parentId === undefined);
    const root = (roots.length ? roots : list).reduce((a, b) => (b.startNs < a.startNs ? b : a));
    const models = new Set<string>();
    const run: RunSummary = {
      traceId,
      rootSpanId: root.spanId,
      name: root.name,
      kind: root.kind,
      startNs: root.startNs,
      endNs: root.endNs,
      spanCount: list.length,
      errorCount: 0,
      llmCount: 0,
      inputTokens: 0,
      outputTokens: 0,
      cost: 0,
      guardsFailed: 0,
      negativeFeedback: 0,
      positiveFeedback: 0,
      models: [],
      preview: runPreview(root),
      sessionId: root.sessionId,
      userId: root.userId,
    };
    for (const s of list) {
      if (s.startNs < run.startNs) run.startNs = s.startNs;
      if (s.endNs > run.endNs) run.endNs = s.endNs;
      if (s.status === 'error') run.errorCount++;
      if (s.kind === 'llm') run.llmCount++;
      run.inputTokens += s.usage?.input ?? 0;
      run.outputTokens += s.usage?.output ?? 0;
      run.cost += s.cost ?? 0;
      run.guardsFailed += s.guards?.filter((g) => !g.passed).length ?? 0;
      run.negativeFeedback += s.feedback?.filter(isNegative).length ?? 0;
      run.positiveFeedback += s.feedback?.filter(isPositive).length ?? 0;
      const m = s.model?.returned ?? s.model?.requested;
      if (m) models.add(m);
      run.sessionId ??= s.sessionId;
      run.userId ??= s.userId;
    }
    run.models = [...models].sort();
    runs.push(run);
  }
  return runs.sort((a, b) => (a.startNs < b.startNs ? -1 : a.startNs > b.startNs ? 1 : 0));
}
