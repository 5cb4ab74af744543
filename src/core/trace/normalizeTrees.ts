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
    const key = spanKey(s.traceId, s.spanId);
    if (byKey.has(key)) {
      diagnostics.push(
        located(s, 'warning', 'span.duplicate', `Duplicate span id ${s.spanId} in trace ${s.traceId}; the first copy is kept`),
      );
      continue;
    }
    byKey.set(key, s);
    spans.push(s);
  }
  let missing = 0;
  for (const s of spans) {
    if (s.parentId === undefined) continue;
    if (s.parentId === s.spanId || !byKey.has(spanKey(s.traceId, s.parentId))) {
      if (s.parentId !== s.spanId) missing++;
      s.detachedParentId = s.parentId;
      s.parentId = undefined;
    }
  }
  if (missing > 0) {
    diagnostics.push({
      severity: 'info',
      code: 'span.missingParent',
      message: `${missing} span(s) refer to a parent that is not in this source; they are shown at the top of their run`,
    });
  }
  breakCycles(spans, byKey, diagnostics);
  return { spans, diagnostics };
}

function breakCycles(spans: Span[], byKey: Map<string, Span>, diagnostics: Diagnostic[]): void {
  // 0 = unvisited, 1 = on the current path, 2 = known to reach a root.
  const state = new Map<Span, number>();
  for (const start of spans) {
    const path: Span[] = [];
    let cur: Span | undefined = start;
    while (cur && !state.has(cur)) {
      state.set(cur, 1);
      path.push(cur);
      cur = cur.parentId === undefined ? undefined : byKey.get(spanKey(cur.traceId, cur.parentId));
    }
    if (cur && state.get(cur) === 1) {
      diagnostics.push(
        located(cur, 'warning', 'span.parentCycle', `Span ${cur.spanId} is part of a parent cycle; it is shown at the top of its run`),
      );
      cur.detachedParentId = cur.parentId;
      cur.parentId = undefined;
    }
    for (const p of path) state.set(p, 2);
  }
}

function located(s: Span, severity: Diagnostic['severity'], code: string, message: string): Diagnostic {
  return { severity, code, message, line: s.range?.line, offset: s.range?.byteStart };
}
