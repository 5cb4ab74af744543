// The body of the span detail page: messages by role with their tool calls and results, the tool
// call of a tool span, retrieved documents, guards, feedback, exception and events, the template,
// links, and the raw attributes. Each is a <details> section with a heading, open when it matters.

import type { DetailException, DetailMessage, DetailToolCall, SpanDetailModel } from '../../src/core/model/spanDetail';
import { el } from '../dom';
import { badge, fmt, label, rowsTable, section, valueBlock, type OpenValue } from './blocks';
import { tokensText } from './header';

const ROLE_LABEL: Record<string, string> = { system: 'System', user: 'User', assistant: 'Assistant', tool: 'Tool', other: '' };

function toolCall(c: DetailToolCall, open: OpenValue): HTMLElement {
  const head = el('p', { class: 'sd-call-head' }, badge('tool call', 'sd-role-tool'), ' ', el('strong', {}, label(c.name)));
  if (c.id) head.append(el('span', { class: 'muted' }, ` ${label(c.id, 80)}`));
  const box = el('div', { class: 'sd-call' }, head);
  if (c.arguments) box.append(el('h4', {}, 'Arguments'), valueBlock(c.arguments, open, 'arguments'));
  if (c.result) box.append(el('h4', {}, 'Result'), valueBlock(c.result, open, 'result'));
  else box.append(el('p', { class: 'muted' }, 'No result recorded in this span.'));
  return box;
}

/** `shownCalls`: tool calls already shown (with their results) earlier in the list, by id. */
function message(m: DetailMessage, open: OpenValue, shownCalls: Map<string, string>): HTMLElement {
  const role = ROLE_LABEL[m.roleClass] ?? '';
  const head = el('p', { class: 'sd-msg-head' }, badge(role || label(m.role, 40), `sd-role-${m.roleClass}`));
  if (role && m.role.toLowerCase() !== m.roleClass) head.append(el('span', { class: 'muted' }, ` (${label(m.role, 40)})`));
  if (m.name) head.append(' ', el('strong', {}, label(m.name)));
  if (m.toolCallId) head.append(el('span', { class: 'muted' }, ` result of ${label(m.toolCallId, 80)}`));
  if (m.finishReason) head.append(el('span', { class: 'muted' }, ` · finished: ${label(m.finishReason, 40)}`));
  const art = el('article', { class: `sd-msg sd-msg-${m.roleClass}` }, head);
  const pairedWith = m.toolCallId ? shownCalls.get(m.toolCallId) : undefined;
  if (m.content && pairedWith !== undefined)
    // Already shown under its call: say where rather than repeat it.
    art.append(el('p', { class: 'muted' }, `Returned to the ${label(pairedWith)} call above (shown with its arguments).`));
  else if (m.content) art.append(valueBlock(m.content, open, 'message'));
  else if (!m.toolCalls.length) art.append(el('p', { class: 'muted' }, '(empty)'));
  for (const c of m.toolCalls) {
    art.append(toolCall(c, open));
    if (c.id && c.result) shownCalls.set(c.id, c.name);
  }
  return art;
}

function messages(m: SpanDetailModel, open: OpenValue): HTMLElement | undefined {
  if (!m.inputMessages.length && !m.outputMessages.length) return undefined;
  const roles = new Map<string, number>();
  for (const x of m.inputMessages) roles.set(x.roleClass, (roles.get(x.roleClass) ?? 0) + 1);
  const summary = [...roles].map(([r, n]) => `${n} ${r}`).join(' · ');
  const body: Node[] = [];
  const shownCalls = new Map<string, string>();
  if (m.inputMessages.length) {
    body.push(el('h3', {}, `Input (${m.inputMessages.length}${summary ? `: ${summary}` : ''})`));
    for (const x of m.inputMessages) body.push(message(x, open, shownCalls));
  }
  if (m.outputMessages.length) {
    body.push(el('h3', {}, `Output (${m.outputMessages.length})`));
    for (const x of m.outputMessages) body.push(message(x, open, shownCalls));
  }
  return section(`Messages (${m.inputMessages.length} in · ${m.outputMessages.length} out)`, 'messages', true, ...body);
}

function documents(m: SpanDetailModel, open: OpenValue): HTMLElement | undefined {
  if (!m.documents.length) return undefined;
  const items = m.documents.map((d) => {
    const head = el('p', { class: 'sd-doc-head' }, el('strong', {}, `${d.rank}. ${label(d.id ?? d.title ?? d.uri ?? 'document')}`));
    if (typeof d.score === 'number') head.append(' ', badge(`score ${d.score}`, 'sd-muted'));
    if (d.title && d.id) head.append(el('span', { class: 'muted' }, ` ${label(d.title)}`));
    const art = el('article', { class: 'sd-doc' }, head);
    if (d.source) art.append(el('p', { class: 'sd-doc-source muted' }, `Source: ${label(d.source, 500)}`));
    if (d.uri && d.uri !== d.source) art.append(el('p', { class: 'sd-doc-source muted' }, `URI: ${label(d.uri, 500)}`));
    if (d.content) art.append(valueBlock(d.content, open, 'document'));
    if (d.metadata.length) {
      const meta = el(
        'details',
        { class: 'sd-meta' },
        el('summary', {}, `Metadata (${d.metadata.length})`),
        rowsTable(d.metadata, open, 'Metadata'),
      );
      art.append(meta);
    }
    return art;
  });
  return section(`Retrieved documents (${m.documents.length})`, 'documents', true, ...items);
}

function guards(m: SpanDetailModel): HTMLElement | undefined {
  if (!m.guards.length) return undefined;
  const list = el('ul', { class: 'sd-list' });
  for (const g of m.guards) {
    const li = el(
      'li',
      { class: g.passed ? 'sd-guard' : 'sd-guard sd-guard-failed' },
      badge(g.passed ? 'passed' : 'failed', g.passed ? 'sd-ok' : 'sd-bad'),
      ' ',
      el('strong', {}, label(g.name)),
    );
    if (g.action) li.append(` → action: ${label(g.action)}`);
    if (g.reason) li.append(el('span', { class: 'muted' }, ` — ${label(g.reason, 1000)}`));
    list.append(li);
  }
  return section(`Guards (${m.guards.length})`, 'guards', true, list);
}

function feedback(m: SpanDetailModel): HTMLElement | undefined {
  if (!m.feedback.length) return undefined;
  const list = el('ul', { class: 'sd-list' });
  for (const f of m.feedback) {
    const icon = f.sentiment === 'negative' ? '👎' : f.sentiment === 'positive' ? '👍' : '•';
    const parts = [f.name, f.label, typeof f.score === 'number' ? `score ${f.score}` : undefined, f.source ? `from ${f.source}` : undefined]
      .filter((x): x is string => !!x)
      .map((x) => label(x));
    const li = el('li', { class: `sd-feedback sd-feedback-${f.sentiment}` }, `${icon} `, parts.join(' · '));
    if (f.comment) li.append(el('blockquote', {}, label(f.comment, 2000)));
    list.append(li);
  }
  return section(`Feedback (${m.feedback.length})`, 'feedback', true, list);
}

function exceptionBlock(x: DetailException, open: OpenValue): Node[] {
  const out: Node[] = [
    el('p', { class: 'error-text' }, el('strong', {}, label(x.type ?? 'Error')), x.message ? `: ${label(x.message, 2000)}` : ''),
  ];
  if (x.stacktrace) out.push(valueBlock(x.stacktrace, open, 'stack trace'));
  return out;
}

function events(m: SpanDetailModel, open: OpenValue): HTMLElement | undefined {
  if (!m.events.length) return undefined;
  const hasException = m.events.some((e) => e.exception);
  const items = m.events.map((e) => {
    const head = el('p', { class: 'sd-event-head' }, el('strong', {}, label(e.name)));
    if (e.offset) head.append(el('span', { class: 'muted' }, ` ${e.offset}`));
    if (e.time) head.append(el('span', { class: 'muted sd-time' }, ` (${e.time})`));
    const art = el('article', { class: 'sd-event' }, head);
    if (e.exception) art.append(...exceptionBlock(e.exception, open));
    if (e.attributes.length) art.append(rowsTable(e.attributes, open, `Attributes of event ${e.name}`));
    return art;
  });
  return section(`Events (${m.events.length})`, 'events', hasException || m.events.length <= 5, ...items);
}

export function renderSections(m: SpanDetailModel, open: OpenValue): HTMLElement[] {
  const out: (HTMLElement | undefined)[] = [];
  if (m.exception) out.push(section('Exception', 'exception', true, ...exceptionBlock(m.exception, open)));
  out.push(guards(m), feedback(m));
  out.push(messages(m, open));
  if (m.tool) out.push(section(`Tool call: ${label(m.tool.name)}`, 'tool', true, toolCall(m.tool, open)));
  if (m.toolCalls.length)
    out.push(section(`Tool calls (${m.toolCalls.length})`, 'toolcalls', true, ...m.toolCalls.map((c) => toolCall(c, open))));
  out.push(documents(m, open));
  if (m.input) out.push(section('Input', 'input', true, valueBlock(m.input, open, 'input')));
  if (m.output) out.push(section('Output', 'output', true, valueBlock(m.output, open, 'output')));
  if (m.usage || m.cost) {
    const dl = el('dl', { class: 'facts' });
    const u = m.usage ?? {};
    for (const [k, v] of [
      ['Input', u.input],
      ['Output', u.output],
      ['Cached (read)', u.cacheRead],
      ['Cache writes', u.cacheWrite],
      ['Reasoning', u.reasoning],
      ['Total', u.total ?? (u.input !== undefined || u.output !== undefined ? (u.input ?? 0) + (u.output ?? 0) : undefined)],
    ] as [string, number | undefined][])
      if (typeof v === 'number') dl.append(el('dt', {}, k), el('dd', { class: 'num' }, fmt(v)));
    if (m.cost) dl.append(el('dt', {}, 'Cost'), el('dd', { class: 'num' }, m.cost));
    out.push(section(`Tokens and cost${m.usage ? ` (${tokensText(m.usage)})` : ''}`, 'usage', false, dl));
  }
  if (m.templateText || m.variables.length) {
    const body: Node[] = [];
    if (m.templateText) body.push(el('h3', {}, 'Template text'), valueBlock(m.templateText, open, 'template'));
    if (m.variables.length)
      body.push(el('h3', {}, `Variables (${m.variables.length})`), rowsTable(m.variables, open, 'Template variables'));
    out.push(section(`Prompt template${m.template ? `: ${label(m.template.label)}` : ''}`, 'template', false, ...body));
  }
  out.push(events(m, open));
  if (m.links.length) {
    const list = el('ul', { class: 'sd-list' });
    for (const l of m.links) {
      const li = el('li', {}, `trace ${label(l.traceId)} · span ${label(l.spanId)}`);
      if (l.attributes.length) li.append(rowsTable(l.attributes, open, 'Link attributes'));
      list.append(li);
    }
    out.push(section(`Links (${m.links.length})`, 'links', false, list));
  }
  out.push(
    section(
      `Attributes (${m.attributes.length})`,
      'attributes',
      false,
      m.attributes.length ? rowsTable(m.attributes, open, 'Span attributes') : el('p', { class: 'muted' }, 'None.'),
    ),
  );
  if (m.resource.length)
    out.push(section(`Resource (${m.resource.length})`, 'resource', false, rowsTable(m.resource, open, 'Resource attributes')));
  return out.filter((x): x is HTMLElement => !!x);
}
