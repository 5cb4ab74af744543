// The side pane: the selected node's facts, then the host's fuller detail when it arrives, and the
// actions on the node. Everything from the trace is set as text (el() makes text nodes only).

import type { LineageNode } from '../../src/core/model/lineage';
import type { LineageNodeDetail } from '../../src/protocol/lineageMessages';
import { el } from '../dom';
import { displayLabel, displayValue } from './text';

export type DetailAction = 'open' | 'focus' | 'expandUp' | 'collapseUp' | 'expandDown' | 'collapseDown';

export interface DetailView {
  node: LineageNode;
  detail?: LineageNodeDetail;
  /** The host was asked for the detail and has not answered yet. */
  pending: boolean;
  /** Nodes hidden upstream/downstream by a collapse of this node. */
  hiddenUp: number;
  hiddenDown: number;
  /** Shown causes/effects, and whether the host has more. */
  shownUp: number;
  shownDown: number;
  moreUp: boolean;
  moreDown: boolean;
  focused: boolean;
  /** What "open" does here, e.g. "Expand group"; absent when nothing can be opened. */
  openLabel?: string;
}

const MAX_ROWS = 200;

function button(label: string, action: DetailAction, onAction: (a: DetailAction) => void, primary = false): HTMLButtonElement {
  const b = el('button', { type: 'button', class: primary ? 'primary' : 'secondary' }, label);
  b.addEventListener('click', () => onAction(action));
  return b;
}

function factsList(rows: [string, string][]): HTMLElement {
  const dl = el('dl', { class: 'facts' });
  for (const [k, v] of rows.slice(0, MAX_ROWS))
    dl.append(el('dt', {}, displayLabel(String(k), 60)), el('dd', {}, displayValue(String(v), 4096)));
  if (rows.length > MAX_ROWS) dl.append(el('dt', {}, '…'), el('dd', {}, `${rows.length - MAX_ROWS} more`));
  return dl;
}

export function renderDetail(pane: HTMLElement, d: DetailView, onAction: (a: DetailAction) => void): void {
  const n = d.node;
  const title = d.detail?.title ?? n.label ?? n.id;
  const status = n.status && n.status !== 'ok' ? ` · ${n.status}` : '';
  const children: Node[] = [
    el('h2', { class: 'detail-title' }, displayLabel(String(title), 400)),
    el('p', { class: 'muted' }, `${n.type}${status}`),
  ];
  const actions = el('div', { class: 'detail-actions' });
  const openLabel = d.detail?.openLabel ?? d.openLabel;
  if (openLabel) actions.append(button(displayLabel(openLabel, 40), 'open', onAction, true));
  actions.append(button(d.focused ? 'Unfocus' : 'Focus', 'focus', onAction));
  if (d.hiddenUp) actions.append(button(`Expand upstream (${d.hiddenUp})`, 'expandUp', onAction));
  else if (d.moreUp) actions.append(button('Load more upstream', 'expandUp', onAction));
  else if (d.shownUp) actions.append(button('Collapse upstream', 'collapseUp', onAction));
  if (d.hiddenDown) actions.append(button(`Expand downstream (${d.hiddenDown})`, 'expandDown', onAction));
  else if (d.moreDown) actions.append(button('Load more downstream', 'expandDown', onAction));
  else if (d.shownDown) actions.append(button('Collapse downstream', 'collapseDown', onAction));
  children.push(actions);

  if (d.detail) {
    for (const sec of d.detail.sections.slice(0, 50)) {
      const section = el('section', { class: 'detail-section' }, el('h3', {}, displayLabel(String(sec.heading), 120)));
      if (Array.isArray(sec.rows) && sec.rows.length) section.append(factsList(sec.rows));
      if (typeof sec.text === 'string') section.append(el('pre', { class: 'detail-text' }, displayValue(sec.text)));
      if (sec.truncated) section.append(el('p', { class: 'muted' }, 'Shortened here: open it to read the full value.'));
      children.push(section);
    }
  } else {
    const facts = n.facts && typeof n.facts === 'object' ? Object.entries(n.facts).map(([k, v]): [string, string] => [k, String(v)]) : [];
    if (n.collapsed) facts.unshift(['hidden', `${n.collapsed.count} nodes`]);
    if (facts.length) children.push(el('section', { class: 'detail-section' }, el('h3', {}, 'Facts'), factsList(facts)));
    if (d.pending) children.push(el('p', { class: 'muted' }, 'Loading detail…'));
  }
  children.push(el('p', { class: 'detail-id muted' }, displayLabel(n.id, 400)));
  pane.replaceChildren(...children);
}
