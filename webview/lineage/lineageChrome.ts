// The lineage page's fixed parts: toolbar (title, counts, zoom, fit, export, status), the graph
// host with its keyboard help, the detail pane and a live region for announcements.

import { el } from '../dom';

export const KEYS_HELP =
  '← causes · → effects · ↑↓ same column · Space select · Enter open · f focus · u/d collapse upstream/downstream · + − zoom · 0 fit';

export interface LineageChrome {
  heading: HTMLElement;
  counts: HTMLElement;
  status: HTMLElement;
  exportButton: HTMLButtonElement;
  graphHost: HTMLDivElement;
  pane: HTMLElement;
  live: HTMLElement;
}

export interface ChromeActions {
  zoomOut(): void;
  zoomIn(): void;
  fit(): void;
  exportSvg(): void;
}

export function buildLineageChrome(root: HTMLElement, actions: ChromeActions): LineageChrome {
  const heading = el('h1', { class: 'lineage-title' }, 'Lineage');
  const counts = el('span', { class: 'muted lineage-counts' });
  const status = el('span', { class: 'lineage-status', role: 'status' });
  const btn = (label: string, title: string, fn: () => void): HTMLButtonElement => {
    const b = el('button', { type: 'button', class: 'secondary', title, 'aria-label': title }, label);
    b.addEventListener('click', fn);
    return b;
  };
  const exportButton = btn('Export SVG', 'Export the graph as an SVG file', () => actions.exportSvg());
  const toolbar = el(
    'header',
    { class: 'lineage-toolbar' },
    heading,
    counts,
    el(
      'span',
      { class: 'lineage-buttons' },
      btn('−', 'Zoom out', () => actions.zoomOut()),
      btn('+', 'Zoom in', () => actions.zoomIn()),
      btn('Fit', 'Fit the graph to the window', () => actions.fit()),
      exportButton,
    ),
    status,
  );
  const graphHost = el('div', {
    class: 'lineage-graph',
    tabindex: '0',
    role: 'application',
    'aria-roledescription': 'lineage graph',
    'aria-label': `Lineage graph. ${KEYS_HELP}`,
    title: KEYS_HELP,
  });
  const pane = el('aside', { class: 'lineage-detail', 'aria-label': 'Node detail' });
  const live = el('div', { class: 'visually-hidden', 'aria-live': 'polite' });
  root.replaceChildren(
    toolbar,
    el('div', { class: 'lineage-main' }, graphHost, pane),
    el('p', { class: 'lineage-help muted' }, KEYS_HELP),
    live,
  );
  root.classList.add('lineage-root');
  pane.append(el('p', { class: 'muted' }, 'Select a node to see its detail.'));
  return { heading, counts, status, exportButton, graphHost, pane, live };
}
