// The "file changed since the traced revision" flag in VS Code: what git says about a workspace
// file at a traced revision (gitRevision.ts), in words for the span detail and for Go to Code, and
// the native diff of the file as it was (a read-only `tracelens-git:` document) against the file now.

import { realpath } from 'node:fs/promises';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { checkRealPath } from '../core/code/pathSafety';
import type { CodeRevisionFlag } from '../core/model/spanDetail';
import { compareWithRevision, fileAtRevision, isRevision, shortRevision } from './gitRevision';

export const GIT_REVISION_SCHEME = 'tracelens-git';

const roots = (): string[] => (vscode.workspace.workspaceFolders ?? []).filter((f) => f.uri.scheme === 'file').map((f) => f.uri.fsPath);

/** The real file must still be inside a workspace folder (symlinks included): checklist N-03. */
async function insideWorkspace(file: string): Promise<boolean> {
  try {
    const realRoots = await Promise.all(roots().map((r) => realpath(r).catch(() => r)));
    return checkRealPath(await realpath(file), realRoots).ok;
  } catch {
    return false;
  }
}

/**
 * The flag for a workspace file (already resolved safely) and a traced revision. Git runs only in
 * a trusted workspace: a repository's config can name programs to run.
 */
export async function revisionFlag(file: vscode.Uri, revision: string): Promise<CodeRevisionFlag> {
  const rel = vscode.workspace.asRelativePath(file, false);
  const short = shortRevision(revision);
  const flag = (state: CodeRevisionFlag['state'], text: string, canDiff = false): CodeRevisionFlag => ({
    state,
    file: rel,
    revision: short,
    text,
    canDiff,
  });
  if (!isRevision(revision)) return flag('error', `The traced revision "${short}" is not a commit id, so ${rel} was not compared.`);
  if (!vscode.workspace.isTrusted) return flag('untrusted', `Not compared with revision ${short}: git does not run in Restricted Mode.`);
  if (file.scheme !== 'file' || !(await insideWorkspace(file.fsPath))) return flag('no-file', `${rel} is not a file of this workspace.`);
  const r = await compareWithRevision({ dir: path.dirname(file.fsPath), name: path.basename(file.fsPath), revision });
  switch (r.state) {
    case 'unchanged':
      return flag('unchanged', `${rel} is unchanged since the traced revision ${short}.`);
    case 'changed':
      return flag('changed', `${rel} changed since the traced revision ${short}.`, true);
    case 'revision-missing':
      return flag('revision-missing', `Revision ${short} is not in this clone: ${rel} could not be compared.`);
    case 'not-in-revision':
      return flag('not-in-revision', `${rel} did not exist at the traced revision ${short}.`);
    case 'not-a-repo':
      return flag('not-a-repo', `${rel} is not in a git repository: it could not be compared with revision ${short}.`);
    default:
      return flag('error', `Could not compare ${rel} with revision ${short}: ${r.message}`);
  }
}

/** The read-only document of a file at a revision: `tracelens-git:/<name>@<rev>?f=<path>&r=<rev>`. */
export function revisionUri(file: vscode.Uri, revision: string): vscode.Uri {
  const query = new URLSearchParams({ f: file.fsPath, r: revision }).toString();
  return vscode.Uri.from({ scheme: GIT_REVISION_SCHEME, path: `/${path.basename(file.fsPath)}@${shortRevision(revision)}`, query });
}

/**
 * Serves `tracelens-git:` documents. The URI is checked again as if it came from anywhere: a
 * commit id, a file that is really inside a workspace folder, a trusted workspace.
 */
export class GitRevisionDocuments implements vscode.TextDocumentContentProvider {
  async provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    const q = new URLSearchParams(uri.query);
    const file = q.get('f') ?? '';
    const revision = q.get('r') ?? '';
    if (!isRevision(revision) || !path.isAbsolute(file)) return 'Not a TraceLens revision document.';
    if (!vscode.workspace.isTrusted) return 'Git does not run in Restricted Mode.';
    if (!(await insideWorkspace(file))) return `${file} is not a file of this workspace.`;
    try {
      return await fileAtRevision({ dir: path.dirname(file), name: path.basename(file), revision });
    } catch (err) {
      return `Could not read ${path.basename(file)} at revision ${shortRevision(revision)}: ${err instanceof Error ? err.message : String(err)}`;
    }
  }
}

/** Native diff: the file at the traced revision (read-only) ↔ the file now. */
export async function showRevisionDiff(file: vscode.Uri, revision: string): Promise<void> {
  const rel = vscode.workspace.asRelativePath(file, false);
  await vscode.commands.executeCommand('vscode.diff', revisionUri(file, revision), file, `${rel} (${shortRevision(revision)}) ↔ now`, {
    preview: true,
  });
}

/** After Go to Code opened a file: say when it changed since the traced revision, offer the diff. */
export async function announceRevision(file: vscode.Uri, revision: string): Promise<CodeRevisionFlag> {
  const flag = await revisionFlag(file, revision);
  if (flag.state === 'changed') {
    const answer = await vscode.window.showInformationMessage(`TraceLens: ${flag.text.replace(/\.$/, '')}`, 'Show Diff');
    if (answer === 'Show Diff') await showRevisionDiff(file, revision);
  } else if (flag.state !== 'unchanged') {
    void vscode.window.setStatusBarMessage(`TraceLens: ${flag.text}`, 8000);
  }
  return flag;
}
