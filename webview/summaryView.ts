// The trace file's summary page in the custom editor: what the file holds at a glance.

import type { SummaryData } from '../src/protocol/messages';
import { el } from './dom';
import { vscodeApi } from './vscodeApi';

const fmt = (n: number): string => n.toLocaleString('en-US');

function stat(label: string, value: string, cls = ''): HTMLElement {
  return el('div', { class: `stat ${cls}`.trim() }, el('div', { class: 'stat-value' }, value), el('div', { class: 'stat-label' }, label));
}

export function renderSummary(root: HTMLElement, d: SummaryData): void {
  root.replaceChildren();
  const showRuns = el('button', { type: 'button', class: 'primary' }, 'Show in Runs view');
  showRuns.addEventListener('click', () => vscodeApi.postMessage({ type: 'showRuns' }));
  root.append(
    el('header', {}, el('h1', {}, d.title), el('p', { class: 'muted' }, `${d.format} · ${fmt(d.bytes)} bytes`), showRuns),
    el(
      'section',
      { class: 'stats', 'aria-label': 'Totals' },
      stat('runs', fmt(d.traces)),
      stat('spans', fmt(d.spans)),
      stat('error spans', fmt(d.errorSpans), d.errorSpans ? 'bad' : ''),
      stat('LLM calls', fmt(d.llmSpans)),
      stat('input tokens', fmt(d.inputTokens)),
      stat('output tokens', fmt(d.outputTokens)),
    ),
  );
  const facts = el('dl', { class: 'facts' });
  const fact = (k: string, v: string | undefined): void => {
    if (v) facts.append(el('dt', {}, k), el('dd', {}, v));
  };
  fact('Time range', d.start ? `${d.start} → ${d.end}` : undefined);
  fact('Models', d.models.join(', '));
  fact('Services', d.services.join(', '));
  root.append(facts);
  root.append(runsTable(d));
  if (d.diagnostics.length) root.append(diagnosticsList(d));
}

function runsTable(d: SummaryData): HTMLElement {
  const body = el('tbody');
  for (const r of d.runs) {
    const flags = [r.guardsFailed ? `${r.guardsFailed} guard fired` : '', r.negativeFeedback ? `${r.negativeFeedback} 👎` : '']
      .filter(Boolean)
      .join(' · ');
    const link = el('button', { type: 'button', class: 'link', title: `Reveal run ${r.traceId} in the Runs view` }, r.name || r.traceId);
    link.addEventListener('click', () => vscodeApi.postMessage({ type: 'revealRun', traceId: r.traceId }));
    body.append(
      el(
        'tr',
        { class: r.status === 'error' ? 'error' : '' },
        el('td', {}, link),
        el('td', {}, r.status),
        el('td', { class: 'num' }, r.latency),
        el('td', { class: 'num' }, String(r.spanCount)),
        el('td', {}, flags),
      ),
    );
  }
  const table = el(
    'table',
    { class: 'runs' },
    el(
      'thead',
      {},
      el('tr', {}, el('th', {}, 'Run'), el('th', {}, 'Status'), el('th', {}, 'Latency'), el('th', {}, 'Spans'), el('th', {}, 'Signals')),
    ),
    body,
  );
  const section = el('section', { 'aria-label': 'Runs' }, el('h2', {}, 'Runs'), table);
  if (d.moreRuns > 0) section.append(el('p', { class: 'muted' }, `… and ${fmt(d.moreRuns)} more in the Runs view`));
  return section;
}

function diagnosticsList(d: SummaryData): HTMLElement {
  const list = el('ul', { class: 'diagnostics' });
  for (const x of d.diagnostics) {
    const where = [x.line !== undefined ? `line ${x.line}` : '', x.offset !== undefined ? `byte ${x.offset}` : '']
      .filter(Boolean)
      .join(', ');
    list.append(el('li', { class: x.severity }, `${x.severity}${where ? ` (${where})` : ''}: ${x.message}`));
  }
  return el('section', { 'aria-label': 'Problems' }, el('h2', {}, `Problems (${d.diagnostics.length})`), list);
}
