// The span detail panel: a webview built by the one HTML builder (strict CSP, nonce script, bundled
// assets only) with view `spanDetail`. SpanDetailSession answers the page; trace text reaches the
// page only through postMessage, never the HTML or the panel title (which names the span's kind,
// a closed set). Forms and command URIs are off; the page is rebuilt from the host's model when it
// is shown again, so its context is not retained while hidden.

import * as vscode from 'vscode';
import type { SpanKind } from '../core/model/span';
import type { Log } from './log';
import { SpanDetailSession, type SpanDetailHandlers } from './spanDetailSession';
import { buildWebviewHtml, webviewOptions } from './webviewHtml';

export const SPAN_DETAIL_VIEW_TYPE = 'tracelens.spanDetail';
const TITLE = 'Span Detail';

export class SpanDetailPanel implements vscode.Disposable {
  private readonly disposables: vscode.Disposable[] = [];
  private readonly disposeEmitter = new vscode.EventEmitter<void>();
  /** Fires once when the panel closes (by the user or by dispose()). */
  readonly onDidDispose = this.disposeEmitter.event;
  readonly session: SpanDetailSession;
  private disposed = false;

  /** Opens a new span detail panel beside the active editor. */
  static create(
    extensionUri: vscode.Uri,
    handlers: SpanDetailHandlers,
    opts: { log?: Log; preserveFocus?: boolean } = {},
  ): SpanDetailPanel {
    const panel = vscode.window.createWebviewPanel(
      SPAN_DETAIL_VIEW_TYPE,
      TITLE,
      { viewColumn: vscode.ViewColumn.Beside, preserveFocus: opts.preserveFocus ?? false },
      { ...webviewOptions(extensionUri), enableForms: false, retainContextWhenHidden: false },
    );
    return new SpanDetailPanel(panel, extensionUri, handlers, opts.log);
  }

  /** Wraps an existing panel (e.g. one VS Code restores through the serializer). */
  constructor(
    private readonly panel: vscode.WebviewPanel,
    extensionUri: vscode.Uri,
    handlers: SpanDetailHandlers,
    log?: Log,
  ) {
    this.session = new SpanDetailSession(handlers, { post: (msg) => panel.webview.postMessage(msg), log });
    panel.iconPath = vscode.Uri.joinPath(extensionUri, 'media', 'tracelens.svg');
    panel.webview.options = { ...webviewOptions(extensionUri), enableForms: false };
    panel.webview.html = buildWebviewHtml(panel.webview, extensionUri, { title: TITLE, view: 'spanDetail' });
    this.disposables.push(
      this.disposeEmitter,
      panel.webview.onDidReceiveMessage((raw: unknown) => void this.session.onMessage(raw)),
      panel.onDidDispose(() => this.cleanUp()),
    );
  }

  get visible(): boolean {
    return !this.disposed && this.panel.visible;
  }

  get isDisposed(): boolean {
    return this.disposed;
  }

  /** The tab title: the span's kind only (never trace text, checklist W-07). */
  setKind(kind: SpanKind | undefined): void {
    if (!this.disposed) this.panel.title = kind ? `${TITLE} · ${kind}` : TITLE;
  }

  reveal(preserveFocus = false): void {
    if (!this.disposed) this.panel.reveal(undefined, preserveFocus);
  }

  dispose(): void {
    if (this.disposed) return;
    this.panel.dispose(); // fires panel.onDidDispose → cleanUp
    this.cleanUp();
  }

  private cleanUp(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.session.close();
    this.disposeEmitter.fire();
    for (const d of this.disposables.splice(0)) d.dispose();
  }
}
