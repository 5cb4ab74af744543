// Totals for a set of spans: what the CLI prints and the editor's summary page shows.

import type { Span } from '../model/span';

export interface SourceSummary {
  traces: number;
  spans: number;
  errorSpans: number;
  llmSpans: number;
  inputTokens: number;
  outputTokens: number;
  models: string[];
  services: string[];
  startNs?: bigint;
  endNs?: bigint;
}

export function summarize(spans: Iterable<Span>): SourceSummary {
  const traces = new Set<string>();
  const models = new Set<string>();
  const services = new Set<string>();
  const s: SourceSummary = { traces: 0, spans: 0, errorSpans: 0, llmSpans: 0, inputTokens: 0, outputTokens: 0, models: [], services: [] };
  for (const sp of spans) {
    s.spans++;
    traces.add(sp.traceId);
    if (sp.status === 'error') s.errorSpans++;
    if (sp.kind === 'llm') s.llmSpans++;
    s.inputTokens += sp.usage?.input ?? 0;
    s.outputTokens += sp.usage?.output ?? 0;
    const model = sp.model?.returned ?? sp.model?.requested;
    if (model) models.add(model);
    if (sp.service) services.add(sp.service);
    if (s.startNs === undefined || sp.startNs < s.startNs) s.startNs = sp.startNs;
    if (s.endNs === undefined || sp.endNs > s.endNs) s.endNs = sp.endNs;
  }
  s.traces = traces.size;
  s.models = [...models].sort();
  s.services = [...services].sort();
  return s;
}
