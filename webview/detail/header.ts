// The span detail header: what the span is at a glance (name, kind, status, latency, service,
// model, template, code, tokens and cost), the actions on it, and the code revision flag.

import type { CodeRevisionFlag, SpanDetailModel } from '../../src/core/model/spanDetail';
import type { SpanDetailAction } from '../../src/protocol/spanDetailMessages';
import { el } from '../dom';
import { actionButton, badge, fact, fmt, label } from './blocks';

export type Act = (action: SpanDetailAction) => void;

function modelText(m: NonNullable<SpanDetailModel['model']>): string {
  const parts = [m.requested ?? m.returned ?? ''];
  if (m.returned && m.requested && m.returned !== m.requested) parts.push(`→ ${m.returned}`);
  return label(parts.filter(Boolean).join(' '), 300);
}

export function tokensText(u: NonNullable<SpanDetailModel['usage']>): string {
  const parts: string[] = [];
  if (u.input !== undefined) parts.push(`${fmt(u.input)} in`);
  if (u.output !== undefined) parts.push(`${fmt(u.output)} out`);
  if (u.cacheRead) parts.push(`${fmt(u.cacheRead)} cached`);
  if (u.cacheWrite) parts.push(`${fmt(u.cacheWrite)} cache writes`);
  if (u.reasoning) parts.push(`${fmt(u.reasoning)} reasoning`);
  if (!parts.length && u.total !== undefined) parts.push(`${fmt(u.total)} total`);
  return parts.join(' · ');
}

const FLAG_ICON: Record<CodeRevisionFlag['state'], string> = {
  checking: '…',
  unchanged: '✓',
  changed: '⚠',
  'revision-missing': '?',
  'not-in-revision': '⚠',
  'not-a-repo': '–',
  untrusted: '–',
  'no-file': '–',
  error: '!',
};

/** The "file changed since the traced revision" line under the code location. */
export function renderFlag(host: HTMLElement, flag: CodeRevisionFlag | undefined, act: Act): void {
  if (!flag) {
    host.replaceChildren();
    return;
  }
  const state = Object.prototype.hasOwnProperty.call(FLAG_ICON, flag.state) ? flag.state : 'error';
  const line = el('span', { class: `sd-flag sd-flag-${state}`, role: 'status' }, `${FLAG_ICON[state]} `, label(flag.text, 400));
  host.replaceChildren(line);
  if (flag.canDiff)
    host.append(
      ' ',
      actionButton('Show Diff', 'Compare the file at the traced revision with the file now', () => act('showDiff'), 'link'),
    );
}

export function renderHeader(m: SpanDetailModel, act: Act): { header: HTMLElement; flagHost: HTMLElement; status: HTMLElement } {
  const failed = m.status === 'error';
  const badges = el(
    'p',
    { class: 'sd-badges' },
    badge(m.kind, `sd-kind sd-kind-${m.kind}`),
    // OpenTelemetry's "unset" is the usual status of a span that did not fail.
    badge(failed ? 'error' : m.status === 'ok' ? 'ok' : 'no error', failed ? 'sd-bad' : 'sd-muted'),
    badge(m.latency, 'sd-muted'),
  );
  if (m.guards.some((g) => !g.passed)) badges.append(badge('guard fired', 'sd-warn'));
  if (m.feedback.some((f) => f.sentiment === 'negative')) badges.append(badge('👎 negative feedback', 'sd-bad'));
  const facts = el('dl', { class: 'facts sd-facts' });
  if (failed && m.statusMessage) fact(facts, 'Error', el('span', { class: 'error-text' }, label(m.statusMessage, 500)));
  fact(facts, 'Service', m.service ? label(m.service) : undefined);
  if (m.model)
    fact(
      facts,
      'Model',
      modelText(m.model),
      m.model.provider ? el('span', { class: 'muted' }, ` · ${label(m.model.provider)}`) : undefined,
    );
  const flagHost = el('span', { class: 'sd-flag-host' });
  if (m.template || m.actions.goToTemplate)
    fact(
      facts,
      'Template',
      m.template ? label(m.template.label) : el('span', { class: 'muted' }, 'not named (inferred from the prompt)'),
      ' ',
      actionButton('Go to Prompt Template', 'Open the prompt template file this call was rendered from', () => act('goToTemplate'), 'link'),
    );
  if (m.code)
    fact(
      facts,
      'Code',
      label(m.code.label, 400),
      ' ',
      actionButton('Go to Code', 'Open the code that made this span', () => act('goToCode'), 'link'),
      el('br'),
      flagHost,
    );
  // The answer at a glance: what this step returned (the whole text is in Messages below).
  const answer = [...m.outputMessages].reverse().find((x) => x.content?.text)?.content?.text ?? m.output?.text;
  if (answer) fact(facts, 'Returned', el('span', { class: 'sd-answer' }, label(answer, 300)));
  if (m.usage) fact(facts, 'Tokens', tokensText(m.usage));
  fact(facts, 'Cost', m.cost);
  fact(facts, 'Started', m.start);
  fact(facts, 'Session', m.session ? label(m.session) : undefined);
  fact(facts, 'User', m.user ? label(m.user) : undefined);
  if (m.source) fact(facts, 'Source', `${label(m.source.label)}${m.source.line ? `, line ${m.source.line}` : ''}`);
  fact(
    facts,
    'Ids',
    el(
      'span',
      { class: 'sd-ids' },
      `trace ${label(m.traceId)} · span ${label(m.spanId)}${m.parentId ? ` · parent ${label(m.parentId)}` : ''}`,
    ),
  );
  const actions = el('div', { class: 'sd-actions' });
  if (m.actions.showLineage)
    actions.append(actionButton('Show Lineage', 'Why this output? The upstream graph of this span', () => act('showLineage'), 'primary'));
  actions.append(actionButton('Open Span as Text', 'The whole span as a read-only Markdown document', () => act('openAsText')));
  const status = el('p', { class: 'sd-status', role: 'status', 'aria-live': 'polite' });
  const header = el(
    'header',
    { class: 'sd-header' },
    el('h1', { class: 'sd-title', tabindex: '-1' }, label(m.name, 400)),
    badges,
    facts,
    actions,
    status,
  );
  return { header, flagHost, status };
}
