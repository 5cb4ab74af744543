// Small building blocks of the span detail page. Everything from the trace becomes text nodes
// (el() never parses HTML), with invisible and bidi characters made visible and lengths bounded.

import type { DetailRow, DetailText } from '../../src/core/model/spanDetail';
import { el } from '../dom';
import { displayLabel, displayValue } from '../lineage/text';

export type OpenValue = (valueId: string) => void;

const fmt = (n: number): string => n.toLocaleString('en-US');

/** A one-line label from the trace: visible controls, bounded. */
export function label(s: string | undefined, max = 200): string {
  return displayLabel(String(s ?? ''), max);
}

/** A value block: the (cut) text, and when cut, how much is shown and "Open full value". */
export function valueBlock(v: DetailText | undefined, open: OpenValue, what = 'value'): HTMLElement {
  const box = el('div', { class: 'sd-value' });
  if (!v || typeof v.text !== 'string') return box;
  box.append(el('pre', { class: v.json ? 'sd-pre sd-json' : 'sd-pre' }, displayValue(v.text)));
  if (typeof v.fullLength === 'number' && typeof v.valueId === 'string') {
    const id = v.valueId;
    const button = el(
      'button',
      { type: 'button', class: 'link', title: `Open the whole ${what} in a read-only editor` },
      'Open full value',
    );
    button.addEventListener('click', () => open(id));
    box.append(el('p', { class: 'sd-cut muted' }, `Showing ${fmt(v.text.length)} of ${fmt(v.fullLength)} characters. `, button));
  }
  return box;
}

/** A short value inline (table cells): one block either way, so long values stay readable. */
export function cellValue(v: DetailText, open: OpenValue): HTMLElement {
  if (!v.json && !v.valueId && !v.text.includes('\n') && v.text.length <= 200)
    return el('span', { class: 'sd-inline' }, displayValue(v.text));
  return valueBlock(v, open);
}

/** Key/value rows (attributes, metadata, variables) as a table. */
export function rowsTable(rows: DetailRow[], open: OpenValue, caption: string): HTMLElement {
  const body = el('tbody');
  for (const r of rows) body.append(el('tr', {}, el('th', { scope: 'row' }, label(r.key, 300)), el('td', {}, cellValue(r.value, open))));
  return el('table', { class: 'sd-table', 'aria-label': caption }, body);
}

/** A section that collapses (<details>), with a real heading inside its summary for navigation. */
export function section(title: string, id: string, open: boolean, ...children: (Node | undefined)[]): HTMLElement {
  const d = el('details', { class: 'sd-section', id: `sd-${id}` }, el('summary', {}, el('h2', {}, title)), ...children);
  d.open = open;
  return d;
}

/** A small coloured label: kind, status, role, passed/failed. */
export function badge(text: string, cls = ''): HTMLElement {
  return el('span', { class: `sd-badge ${cls}`.trim() }, text);
}

export function fact(dl: HTMLElement, key: string, ...value: (Node | string | undefined)[]): void {
  if (value.every((v) => v === undefined || v === '')) return;
  dl.append(el('dt', {}, key), el('dd', {}, ...value));
}

export function actionButton(text: string, title: string, onClick: () => void, cls = 'secondary'): HTMLButtonElement {
  const b = el('button', { type: 'button', class: cls, title }, text);
  b.addEventListener('click', onClick);
  return b;
}

export { fmt };
