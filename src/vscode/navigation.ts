// "Go to Code" and "Go to Prompt Template" from a span: resolve what the trace names to a file
// of this workspace (safely: checklist N), open it at the line, and say when the traced
// template differs from the file now (native diff of traced text ↔ current file).

import { realpath, stat } from 'node:fs/promises';
import * as vscode from 'vscode';
import { clampLine, checkRealPath, resolveWorkspacePath } from '../core/code/pathSafety';
import { codeLocationsForSpan } from '../core/code/spanCode';
import type { Span } from '../core/model/span';
import { resolveTemplate, type TemplateMatch } from '../core/templates/resolveTemplate';
import { TRACED_TEMPLATE_SCHEME } from './commandIds';
import { announceRevision } from './spanDetailGit';
import { WorkspaceTexts } from './workspaceTexts';

const roots = (): string[] => (vscode.workspace.workspaceFolders ?? []).filter((f) => f.uri.scheme === 'file').map((f) => f.uri.fsPath);

/** The first safe, existing workspace file the raw traced path can name, or why there is none. */
export async function resolveTracedFile(raw: string): Promise<{ uri: vscode.Uri; mapping?: string } | { error: string }> {
  const resolved = resolveWorkspacePath(raw, roots());
  if (!resolved.ok) return { error: resolved.message };
  const realRoots = await Promise.all(roots().map((r) => realpath(r).catch(() => r)));
  for (const c of resolved.candidates) {
    try {
      const s = await stat(c.path);
      if (!s.isFile()) continue;
      // Symlinks must not lead out of the workspace (N-03).
      const check = checkRealPath(await realpath(c.path), realRoots);
      if (!check.ok) continue;
      return { uri: vscode.Uri.file(c.path), mapping: c.mapping };
    } catch {
      /* not there: try the next candidate */
    }
  }
  return { error: `${raw} is not in this workspace` };
}

async function openAt(uri: vscode.Uri, line1: number | undefined): Promise<vscode.TextEditor> {
  const doc = await vscode.workspace.openTextDocument(uri);
  const line = clampLine(line1, doc.lineCount).line - 1;
  const range = new vscode.Range(line, 0, line, 0);
  return vscode.window.showTextDocument(doc, { selection: range, preview: true });
}

export async function goToCode(span: Span): Promise<void> {
  const locations = codeLocationsForSpan(span).filter((l) => l.file);
  if (!locations.length) throw new Error(`Span "${span.name}" names no code location (code.* attributes or a stack trace).`);
  const misses: string[] = [];
  for (const loc of locations.filter((l) => !l.library).concat(locations.filter((l) => l.library))) {
    const found = await resolveTracedFile(loc.file!);
    if ('error' in found) {
      misses.push(found.error);
      continue;
    }
    await openAt(found.uri, loc.line);
    if (found.mapping) void vscode.window.setStatusBarMessage(`TraceLens: matched ${loc.file} as ${found.mapping}`, 8000);
    // "src/agent.ts changed since the traced revision abc1234 — Show Diff" (git answers later).
    if (loc.revision && !loc.library) void announceRevision(found.uri, loc.revision).catch(() => undefined);
    return;
  }
  throw new Error(`Could not open the code of "${span.name}": ${[...new Set(misses)].join('; ')}`);
}

export async function templateMatches(span: Span, texts: WorkspaceTexts): Promise<TemplateMatch[]> {
  return resolveTemplate(span, await texts.templateFiles(), await texts.sourceTexts());
}

/** Opens the best template match; offers the others when the match is not certain. */
export async function goToTemplate(span: Span, texts: WorkspaceTexts, traced: TracedTemplates): Promise<void> {
  const matches = await templateMatches(span, texts);
  if (!matches.length) throw new Error(`No prompt template of this workspace matches "${span.name}".`);
  let pick = matches[0];
  if (pick.confidence < 0.95 && matches.length > 1) {
    const chosen = await vscode.window.showQuickPick(
      matches.map((m) => ({
        label: `${m.path}:${m.line}`,
        description: `${Math.round(m.confidence * 100)}% · ${m.kind}`,
        detail: m.reason,
        m,
      })),
      { placeHolder: 'Which template produced this prompt? (best guess first)' },
    );
    if (!chosen) return;
    pick = chosen.m;
  }
  const uri = WorkspaceTexts.uriOf(pick.path);
  if (!uri) throw new Error('Open a workspace folder to jump to templates.');
  await openAt(uri, pick.line);
  if (pick.confidence < 1)
    void vscode.window.setStatusBarMessage(`TraceLens: ${Math.round(pick.confidence * 100)}% match — ${pick.reason}`, 8000);
  if (pick.drift?.status === 'changed' && span.template?.text) {
    const answer = await vscode.window.showWarningMessage(
      `The template ${pick.path} changed since this run was traced (${Math.round(pick.drift.similarity * 100)}% similar).`,
      'Compare Traced ↔ Current',
    );
    if (answer) await compareTemplate(span, uri, traced);
  }
}

/** Native diff: the template text as traced (read-only) against the file as it is now. */
export async function compareTemplate(span: Span, current: vscode.Uri, traced: TracedTemplates): Promise<void> {
  const left = traced.put(span);
  await vscode.commands.executeCommand(
    'vscode.diff',
    left,
    current,
    `${span.template?.name ?? 'template'} (traced) ↔ ${vscode.workspace.asRelativePath(current)}`,
  );
}

/** Read-only documents holding traced template texts, for the drift diff. */
export class TracedTemplates implements vscode.TextDocumentContentProvider {
  private readonly texts = new Map<string, string>();

  put(span: Span): vscode.Uri {
    const key = `${span.traceId}/${span.spanId}`;
    this.texts.set(key, span.template?.text ?? '');
    const name = (span.template?.name ?? 'template').replace(/[^\w.-]+/g, '_');
    return vscode.Uri.from({
      scheme: TRACED_TEMPLATE_SCHEME,
      path: `/${name}${span.template?.version ? `@${span.template.version}` : ''}.traced`,
      query: key,
    });
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.texts.get(uri.query) ?? '';
  }
}
