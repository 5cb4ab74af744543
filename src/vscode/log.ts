// One output channel for the extension ("TraceLens" in the Output panel).

import * as vscode from 'vscode';

export type Log = vscode.LogOutputChannel;

export function createLog(): Log {
  return vscode.window.createOutputChannel('TraceLens', { log: true });
}
