// Summaries of what index workers read: the most common format of a file, and the summaries of
// the indexers that shared one file merged into one (streamImport.ts).

import type { Diagnostic } from '../core/model/diagnostic';
import type { FormatId } from '../core/model/format';
import type { IndexSummary } from './fileIndexer';

/** At most this many diagnostics of one code are listed per file; the rest are counted. */
export const MAX_DIAGNOSTICS_PER_CODE = 1000;

export function topFormat(counts: Partial<Record<FormatId, number>>): FormatId {
  return (Object.entries(counts) as [FormatId, number][]).sort((a, b) => b[1] - a[1])[0]?.[0] ?? 'unknown';
}

/** The summaries of the indexers that shared one file, as one. */
export function mergeSummaries(parts: IndexSummary[]): IndexSummary {
  const formatCounts: Partial<Record<FormatId, number>> = {};
  for (const p of parts)
    for (const [f, n] of Object.entries(p.formatCounts) as [FormatId, number][]) formatCounts[f] = (formatCounts[f] ?? 0) + n;
  const counts = new Map<string, number>();
  const diagnostics: Diagnostic[] = [];
  for (const d of parts.flatMap((p) => p.diagnostics)) {
    const n = (counts.get(d.code) ?? 0) + 1;
    counts.set(d.code, n);
    if (n <= MAX_DIAGNOSTICS_PER_CODE) diagnostics.push(d);
  }
  const records = parts.reduce((a, p) => a + p.records, 0);
  const ended = parts.every((p) => p.bytesDone >= p.bytesTotal);
  const lead = parts[0];
  if (ended && records === 0 && !diagnostics.some((d) => d.code === 'source.tooLarge' || d.code === 'source.empty')) {
    diagnostics.push({ severity: 'warning', code: 'source.empty', message: 'The file is empty', line: 1, offset: 0 });
  }
  return {
    format: topFormat(formatCounts),
    formatCounts,
    mode: lead.mode,
    bytesDone: Math.min(...parts.map((p) => p.bytesDone)),
    bytesTotal: lead.bytesTotal,
    groups: Math.max(...parts.map((p) => p.groups)),
    records,
    spans: parts.reduce((a, p) => a + p.spans, 0),
    stepMs: parts.reduce((a, p) => a + p.stepMs, 0),
    lineageRuns: parts.flatMap((p) => p.lineageRuns),
    diagnostics,
  };
}
