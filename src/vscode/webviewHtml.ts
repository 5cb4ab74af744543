// Binds the pure page builder (webviewPage.ts) to a VS Code webview.

import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import { renderWebviewHtml } from './webviewPage';

/** A fresh, unguessable nonce per page load. */
export function makeNonce(): string {
  return randomBytes(18).toString('base64url');
}

export function buildWebviewHtml(webview: vscode.Webview, extensionUri: vscode.Uri, page: { title: string; view: string }): string {
  return renderWebviewHtml({
    cspSource: webview.cspSource,
    scriptUri: webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'dist', 'webview.js')).toString(),
    styleUri: webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'media', 'webview.css')).toString(),
    nonce: makeNonce(),
    ...page,
  });
}

export function webviewOptions(extensionUri: vscode.Uri): vscode.WebviewOptions {
  return {
    enableScripts: true,
    enableCommandUris: false,
    localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'dist'), vscode.Uri.joinPath(extensionUri, 'media')],
  };
}
