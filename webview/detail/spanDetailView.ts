// The span detail page: handshake with the host, then render the span model it sends (or "source
// no longer loaded"). The page keeps only the span's ids in its state (setState), which VS Code
// hands to the host's serializer after a window reload. It asks for actions by name and for whole
// values by id; the host checks both.

import type { SpanDetailModel } from '../../src/core/model/spanDetail';
import { parsePanelOrigin, type SpanDetailHostMessage, type SpanDetailPageMessage } from '../../src/protocol/spanDetailMessages';
import { el } from '../dom';
import { onHostMessage, vscodeApi } from '../vscodeApi';
import { actionButton, label } from './blocks';
import { renderFlag, renderHeader, type Act } from './header';
import { renderSections } from './sections';

function post(msg: SpanDetailPageMessage): void {
  vscodeApi.postMessage(msg);
}

class SpanDetailApp {
  private spanId: string | undefined;
  private flagHost: HTMLElement | undefined;
  private status: HTMLElement | undefined;

  constructor(private readonly root: HTMLElement) {}

  start(): void {
    this.root.classList.add('sd-root');
    this.root.replaceChildren(el('p', { class: 'muted' }, 'Loading span…'));
    onHostMessage((msg) => this.onMessage(msg as SpanDetailHostMessage));
    post({ type: 'ready' });
  }

  private act: Act = (action) => post({ type: 'spanDetailAction', action });
  private open = (valueId: string): void => post({ type: 'spanDetailOpenValue', valueId });

  private onMessage(msg: SpanDetailHostMessage): void {
    switch (msg.type) {
      case 'spanDetail':
        if (msg.model && typeof msg.model === 'object') this.render(msg.model);
        this.keep(msg.origin);
        break;
      case 'spanDetailCode':
        if (msg.spanId === this.spanId && this.flagHost && msg.flag) renderFlag(this.flagHost, msg.flag, this.act);
        break;
      case 'spanDetailMissing':
        this.renderMissing(String(msg.title ?? ''), String(msg.text ?? ''), msg.canReopen === true);
        this.keep(msg.origin);
        break;
      case 'spanDetailStatus':
        if (this.status) {
          this.status.textContent = label(String(msg.text ?? ''), 1000);
          this.status.classList.toggle('error-text', msg.error === true);
        }
        break;
    }
  }

  /** Keeps the span's ids (and nothing else) for VS Code to hand back after a reload. */
  private keep(raw: unknown): void {
    const origin = parsePanelOrigin(raw);
    if (origin) vscodeApi.setState({ origin });
  }

  private render(m: SpanDetailModel): void {
    const sameSpan = this.spanId === m.spanId;
    const scroll = sameSpan ? window.scrollY : 0;
    this.spanId = m.spanId;
    const { header, flagHost, status } = renderHeader(m, this.act);
    this.flagHost = flagHost;
    this.status = status;
    this.root.replaceChildren(header, el('div', { class: 'sd-body' }, ...renderSections(m, this.open)));
    window.scrollTo(0, scroll);
    // A new span's title takes focus only when the page has it already (a keyboard user in the
    // panel): a span shown from the Runs tree, or a panel restored or updated in the background,
    // must not pull focus from where the user is (it closed open QuickPicks, too).
    if (!sameSpan && document.hasFocus()) document.querySelector<HTMLElement>('.sd-title')?.focus({ preventScroll: true });
  }

  private renderMissing(title: string, text: string, canReopen: boolean): void {
    this.spanId = undefined;
    this.flagHost = undefined;
    this.status = el('p', { class: 'sd-status', role: 'status', 'aria-live': 'polite' });
    const box = el(
      'section',
      { class: 'sd-missing', role: 'alert' },
      el('h1', {}, label(title || 'Span not available')),
      el('p', {}, label(text, 1000)),
    );
    if (canReopen) box.append(actionButton('Reopen Source', 'Open the trace file again', () => this.act('reopenSource'), 'primary'));
    box.append(this.status);
    this.root.replaceChildren(box);
  }
}

/** Starts the span detail page in `root` (the page's `<main id="app">`). */
export function startSpanDetailView(root: HTMLElement): void {
  new SpanDetailApp(root).start();
}
