// Shared helpers for integration tests: the extension's API, condition waits (never sleeps).

import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { TraceLensApi } from '../../src/vscode/services';

export async function api(): Promise<TraceLensApi> {
  const ext = vscode.extensions.getExtension<TraceLensApi>('tracelens.tracelens');
  assert.ok(ext, 'extension not found');
  return ext.activate();
}

export async function waitFor<T>(what: string, probe: () => T | undefined | Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await probe();
      if (v !== undefined && v !== false) return v as T;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export function workspaceFile(rel: string): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'the integration suite runs with examples/support-agent open');
  return vscode.Uri.joinPath(folder.uri, rel);
}

export async function closeAllEditors(): Promise<void> {
  await vscode.commands.executeCommand('workbench.action.closeAllEditors');
}
