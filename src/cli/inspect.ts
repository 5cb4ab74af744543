// `tracelens inspect <file…> [--json]`: what each file holds, and what was wrong with it.

import type { Diagnostic } from '../core/model/diagnostic';
import { FORMAT_LABELS } from '../core/model/format';
import { summarize } from '../core/trace/summary';
import { isoFromNanos } from '../core/formats/time';
import { importFile } from '../ingest/importFile';

export interface InspectRecord {
  path: string;
  format: string;
  traces: number;
  spans: number;
  errorSpans: number;
  llmSpans: number;
  inputTokens: number;
  outputTokens: number;
  models: string[];
  start?: string;
  end?: string;
  diagnostics: (Diagnostic & { path: string })[];
}

export async function inspectFile(file: string): Promise<InspectRecord> {
  const r = await importFile(file);
  const s = summarize(r.spans);
  return {
    path: file,
    format: r.format,
    traces: s.traces,
    spans: s.spans,
    errorSpans: s.errorSpans,
    llmSpans: s.llmSpans,
    inputTokens: s.inputTokens,
    outputTokens: s.outputTokens,
    models: s.models,
    start: s.startNs !== undefined ? isoFromNanos(s.startNs) : undefined,
    end: s.endNs !== undefined ? isoFromNanos(s.endNs) : undefined,
    diagnostics: r.diagnostics.map((d) => ({ path: file, ...d })),
  };
}

export function formatDiagnostic(d: Diagnostic & { path: string }): string {
  const where = [d.path, d.line, d.offset === undefined ? undefined : `byte ${d.offset}`].filter((x) => x !== undefined).join(':');
  return `${where}: ${d.severity}: ${d.message} [${d.code}]`;
}

export function formatInspect(r: InspectRecord): string {
  const lines = [
    `${r.path}`,
    `  format         ${FORMAT_LABELS[r.format as keyof typeof FORMAT_LABELS] ?? r.format}`,
    `  traces         ${r.traces}`,
    `  spans          ${r.spans}  (${r.errorSpans} error, ${r.llmSpans} LLM)`,
    `  tokens         ${r.inputTokens} in, ${r.outputTokens} out`,
  ];
  if (r.models.length) lines.push(`  models         ${r.models.join(', ')}`);
  if (r.start) lines.push(`  time           ${r.start} → ${r.end}`);
  lines.push(`  diagnostics    ${r.diagnostics.length}`);
  for (const d of r.diagnostics.slice(0, 20)) lines.push(`    ${formatDiagnostic(d)}`);
  if (r.diagnostics.length > 20) lines.push(`    … ${r.diagnostics.length - 20} more`);
  return lines.join('\n');
}
