// The lineage graph panel: a webview built by the one HTML builder (strict CSP, nonce script,
// bundled assets only) with view `lineage`. It shows one LineageGraph; LineageSession answers
// the page (validated messages, ids the panel sent, the caller's handlers). Trace text reaches the
// page only through postMessage, never the HTML or the panel title. The page restores its own UI
// state (getState/setState), so the context is not retained while hidden.

import * as vscode from 'vscode';
import type { Log } from './log';
import { LineageSession, type LineagePanelHandlers, type LineagePanelInput } from './lineageSession';
import { buildWebviewHtml, webviewOptions } from './webviewHtml';

export type { LineagePanelHandlers, LineagePanelInput } from './lineageSession';

export const LINEAGE_VIEW_TYPE = 'tracelens.lineage';
const TITLE = 'TraceLens Lineage';

export interface LineagePanelOptions {
  log?: Log;
  viewColumn?: vscode.ViewColumn;
  /** Keep focus where it is when the panel opens. */
  preserveFocus?: boolean;
}

/** Asks where to save the SVG (default `lineage.svg` in the first workspace folder) and writes it. */
async function saveSvgFile(svg: string): Promise<string | undefined> {
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
  const target = await vscode.window.showSaveDialog({
    defaultUri: folder ? vscode.Uri.joinPath(folder, 'lineage.svg') : undefined,
    filters: { 'SVG image': ['svg'] },
    saveLabel: 'Export',
    title: 'Export Lineage Graph as SVG',
  });
  if (!target) return undefined;
  await vscode.workspace.fs.writeFile(target, new TextEncoder().encode(svg));
  return target.path.split('/').pop() ?? target.path;
}

export class LineagePanel implements vscode.Disposable {
  private readonly disposables: vscode.Disposable[] = [];
  private readonly disposeEmitter = new vscode.EventEmitter<void>();
  /** Fires once when the panel closes (by the user or by dispose()). */
  readonly onDidDispose = this.disposeEmitter.event;
  private readonly session: LineageSession;
  private disposed = false;

  /** Opens a new lineage panel beside the active editor (or in `opts.viewColumn`). */
  static create(
    extensionUri: vscode.Uri,
    input: LineagePanelInput,
    handlers: LineagePanelHandlers = {},
    opts: LineagePanelOptions = {},
  ): LineagePanel {
    const panel = vscode.window.createWebviewPanel(
      LINEAGE_VIEW_TYPE,
      TITLE,
      { viewColumn: opts.viewColumn ?? vscode.ViewColumn.Beside, preserveFocus: opts.preserveFocus ?? false },
      { ...webviewOptions(extensionUri), enableForms: false, retainContextWhenHidden: false },
    );
    return new LineagePanel(panel, extensionUri, input, handlers, opts.log);
  }

  /** Wraps an existing panel (e.g. one VS Code restores through a WebviewPanelSerializer). */
  constructor(
    private readonly panel: vscode.WebviewPanel,
    extensionUri: vscode.Uri,
    input: LineagePanelInput,
    handlers: LineagePanelHandlers = {},
    log?: Log,
  ) {
    this.session = new LineageSession(input, handlers, {
      post: (msg) => panel.webview.postMessage(msg),
      saveSvg: saveSvgFile,
      log,
    });
    panel.iconPath = vscode.Uri.joinPath(extensionUri, 'media', 'tracelens.svg');
    panel.webview.options = { ...webviewOptions(extensionUri), enableForms: false };
    panel.webview.html = buildWebviewHtml(panel.webview, extensionUri, { title: TITLE, view: 'lineage' });
    this.disposables.push(
      this.disposeEmitter,
      panel.webview.onDidReceiveMessage((raw: unknown) => void this.session.onMessage(raw)),
      panel.onDidDispose(() => this.cleanUp()),
    );
  }

  get visible(): boolean {
    return !this.disposed && this.panel.visible;
  }

  /** Shows another graph in this panel. */
  setGraph(input: LineagePanelInput): void {
    if (!this.disposed) this.session.setGraph(input);
  }

  /** Shows a message in the page's status line. */
  showError(text: string): void {
    if (!this.disposed) this.session.showError(text);
  }

  /** Selects a node in the page (e.g. when the Runs tree's selection moves); `focus` also zooms to it. */
  select(nodeId: string, focus = false): void {
    if (!this.disposed) this.session.select(nodeId, focus);
  }

  reveal(viewColumn?: vscode.ViewColumn, preserveFocus = false): void {
    if (!this.disposed) this.panel.reveal(viewColumn, preserveFocus);
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
