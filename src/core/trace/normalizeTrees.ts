// Make span trees safe to walk: drop duplicate ids, detach spans whose parent is missing or
// that sit in a parent cycle. Views then never loop and never lose a span.

import type { Diagnostic } from '../model/diagnostic';
import type { Span } from '../model/span';

export interface NormalizedSpans {
  spans: Span[];
  diagnostics: Diagnostic[];
}

export const spanKey = (traceId: string, spanId: string): string => `${traceId}\u0000${spanId}`;

export function normalizeTrees(input: Span[]): NormalizedSpans {
  const diagnostics: Diagnostic[] = [];
  const byKey = new Map<string, Span>();
  const spans: Span[] = [];
  for (const s of input) {
    const first = byKey.get(spanKey(s.traceId, s.spanId));
    if (first) {
      // OTLP allows re-delivery: identical copies go silently; conflicting ones are kept, marked.
      if (fingerprint(first) === fingerprint(s)) continue;
      let copy = 2;
      while (byKey.has(spanKey(s.traceId, `${s.spanId}~${copy}`))) copy++;
      diagnostics.push(
        located(
          s,
          'warning',
          'span.duplicate',
          `Span id ${s.spanId} appears again in trace ${s.traceId} with different content; kept as ${s.spanId}~${copy}`,
        ),
      );
      s.attributes['tracelens.duplicateOf'] = s.spanId;
      s.spanId = `${s.spanId}~${copy}`;
    }
    byKey.set(spanKey(s.traceId, s.spanId), s);
    spans.push(s);
  }
  let missing = 0;
  let firstMissing: Span | undefined;
  for (const s of spans) {
    if (s.parentId === undefined) continue;
    if (s.parentId === s.spanId) {
      diagnostics.push(
        located(s, 'warning', 'span.parentCycle', `Span ${s.spanId} names itself as its parent; it is shown at the top of its run`),
      );
    } else if (!byKey.has(spanKey(s.traceId, s.parentId))) {
      missing++;
      firstMissing ??= s;
    } else continue;
    s.detachedParentId = s.parentId;
    s.parentId = undefined;
  }
  if (firstMissing) {
    diagnostics.push(
      located(
        firstMissing,
        'info',
        'span.missingParent',
        `${missing} span(s) refer to a parent that is not in this source (first: ${firstMissing.spanId}); they are shown at the top of their run`,
      ),
    );
  }
  breakCycles(spans, byKey, diagnostics);
  return { spans, diagnostics };
}

function breakCycles(spans: Span[], byKey: Map<string, Span>, diagnostics: Diagnostic[]): void {
  const parentOf = (s: Span): Span | undefined => (s.parentId === undefined ? undefined : byKey.get(spanKey(s.traceId, s.parentId)));
  for (const cur of cycleBreaks(spans, parentOf)) {
    diagnostics.push(
      located(cur, 'warning', 'span.parentCycle', `Span ${cur.spanId} is part of a parent cycle; it is shown at the top of its run`),
    );
    cur.detachedParentId = cur.parentId;
    cur.parentId = undefined;
  }
}

/**
 * The spans to detach so that no parent chain loops, in the order they are found: nodes are
 * walked in the order given, each walk following parents until a root or a node seen before, and
 * a walk that comes back to a node of its own path detaches that node. The one rule for a file
 * read whole (normalizeTrees) and for an index's post-pass (src/store/sqlJsTreeRepair.ts).
 * `parentOf` is never asked about a node twice, so callers may detach as they go.
 */
export function cycleBreaks<T>(nodes: Iterable<T>, parentOf: (node: T) => T | undefined): T[] {
  // 1 = on the current path, 2 = known to reach a root or a break.
  const state = new Map<T, number>();
  const breaks: T[] = [];
  for (const start of nodes) {
    const path: T[] = [];
    let cur: T | undefined = start;
    while (cur !== undefined && !state.has(cur)) {
      state.set(cur, 1);
      path.push(cur);
      cur = parentOf(cur);
    }
    if (cur !== undefined && state.get(cur) === 1) breaks.push(cur);
    for (const p of path) state.set(p, 2);
  }
  return breaks;
}

/** Content identity of a span, to tell re-delivered copies from conflicting ones. */
function fingerprint(s: Span): string {
  return JSON.stringify([s.parentId, s.name, String(s.startNs), String(s.endNs), s.status, s.statusMessage, s.attributes, s.events.length]);
}

function located(s: Span, severity: Diagnostic['severity'], code: string, message: string): Diagnostic {
  return { severity, code, message, line: s.range?.line, offset: s.range?.byteStart };
}
