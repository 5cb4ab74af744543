// Thin activation: everything is built in services.ts; heavy parts load on first use.

import type * as vscode from 'vscode';
import { createServices, type TraceLensApi } from './services';

export function activate(context: vscode.ExtensionContext): TraceLensApi {
  return createServices(context);
}

export function deactivate(): void {
  // Everything is disposed through context.subscriptions.
}
