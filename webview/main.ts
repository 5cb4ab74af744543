// Webview entry: handshake with the host, then render what it sends. The page's `data-view`
// picks the app: the trace summary (default), the lineage graph or the span detail.

import { startSpanDetailView } from './detail/spanDetailView';
import { el } from './dom';
import { startLineageView } from './lineage/lineageView';
import { renderSummary } from './summaryView';
import { onHostMessage, vscodeApi } from './vscodeApi';

const root = document.getElementById('app') ?? document.body;

if (document.body.dataset.view === 'lineage') {
  startLineageView(root);
} else if (document.body.dataset.view === 'spanDetail') {
  startSpanDetailView(root);
} else {
  onHostMessage((msg) => {
    switch (msg.type) {
      case 'loading':
        root.replaceChildren(el('p', { class: 'muted' }, msg.text));
        break;
      case 'error':
        root.replaceChildren(el('p', { class: 'error-text', role: 'alert' }, msg.text));
        break;
      case 'summary':
        renderSummary(root, msg.data);
        break;
    }
  });

  vscodeApi.postMessage({ type: 'ready' });
}
