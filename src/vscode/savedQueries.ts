// Saved queries in `.tracelens/queries.json` of each workspace folder: read (validated, problems
// in the Problems panel at their position), watched, and written atomically (temp file in the
// same folder, fsync, rename). A file that does not parse is never written, and neither is one
// with unsaved edits in an editor. Validation lives in src/core/query/savedQueries.ts.

import { randomBytes } from 'node:crypto';
import { mkdir, open, readFile, rename, unlink } from 'node:fs/promises';
import * as path from 'node:path';
import * as vscode from 'vscode';
import {
  MAX_SAVED_QUERIES_CHARS,
  SAVED_QUERIES_PATH,
  SavedQueriesError,
  readSavedQueries,
  upsertSavedQuery,
  type SavedQueriesProblem,
  type SavedQuery,
} from '../core/query/savedQueries';

export interface SavedQueryEntry extends SavedQuery {
  file: vscode.Uri;
  folder: vscode.WorkspaceFolder;
}

export interface SavedQueriesFileProblem extends SavedQueriesProblem {
  file: vscode.Uri;
  /** True when the whole file could not be read (no entry of it is listed). */
  fatal: boolean;
}

export interface SavedQueriesList {
  queries: SavedQueryEntry[];
  problems: SavedQueriesFileProblem[];
}

export class SavedQueries implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;
  private readonly problems = vscode.languages.createDiagnosticCollection('tracelens-queries');
  private readonly disposables: vscode.Disposable[] = [];
  private cache?: Promise<SavedQueriesList>;

  constructor() {
    const watcher = vscode.workspace.createFileSystemWatcher(`**/${SAVED_QUERIES_PATH}`);
    const invalidate = (): void => {
      this.cache = undefined;
      this.changed.fire();
    };
    this.disposables.push(
      watcher,
      watcher.onDidChange(invalidate),
      watcher.onDidCreate(invalidate),
      watcher.onDidDelete(invalidate),
      vscode.workspace.onDidChangeWorkspaceFolders(invalidate),
    );
  }

  static fileOf(folder: vscode.WorkspaceFolder): vscode.Uri {
    return vscode.Uri.joinPath(folder.uri, ...SAVED_QUERIES_PATH.split('/'));
  }

  /** Every folder's saved queries and problems (re-read after the watcher sees a change). */
  list(): Promise<SavedQueriesList> {
    this.cache ??= this.readAll();
    return this.cache;
  }

  private async readAll(): Promise<SavedQueriesList> {
    const out: SavedQueriesList = { queries: [], problems: [] };
    for (const folder of (vscode.workspace.workspaceFolders ?? []).filter((f) => f.uri.scheme === 'file')) {
      const file = SavedQueries.fileOf(folder);
      const text = await readText(file);
      if (text === undefined) {
        this.problems.delete(file);
        continue;
      }
      const read = readSavedQueries(text);
      const problems: SavedQueriesFileProblem[] = read.ok
        ? read.problems.map((p) => ({ ...p, file, fatal: false }))
        : [{ ...read.problem, file, fatal: true }];
      if (read.ok) out.queries.push(...read.queries.map((q) => ({ ...q, file, folder })));
      out.problems.push(...problems);
      this.problems.set(file, problems.map(toDiagnostic));
    }
    return out;
  }

  /**
   * Save `query` as `name` in the folder's file: replaces the query of an entry with that name or
   * adds one; the rest of the file is kept as it is. Throws (and writes nothing) when the file
   * does not parse or has unsaved edits open.
   */
  async save(folder: vscode.WorkspaceFolder, name: string, query: string): Promise<{ file: vscode.Uri; replaced: boolean }> {
    const file = SavedQueries.fileOf(folder);
    const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === file.toString());
    if (open?.isDirty) throw new Error(`${vscode.workspace.asRelativePath(file)} has unsaved changes: save or revert them first.`);
    const before = await readText(file);
    let next: { text: string; replaced: boolean };
    try {
      next = upsertSavedQuery(before, name, query);
    } catch (err) {
      if (err instanceof SavedQueriesError)
        throw new Error(
          `${vscode.workspace.asRelativePath(file)}:${err.problem.line}:${err.problem.column}: ${err.problem.message}. Fix the file first; it was not changed.`,
          { cause: err },
        );
      throw err;
    }
    await writeAtomic(file.fsPath, next.text);
    this.cache = undefined;
    this.changed.fire();
    return { file, replaced: next.replaced };
  }

  /** Open the file at a problem's position (or at the top). */
  static async reveal(file: vscode.Uri, at?: { line: number; column: number }): Promise<void> {
    const doc = await vscode.workspace.openTextDocument(file);
    const pos = new vscode.Position(Math.max(0, (at?.line ?? 1) - 1), Math.max(0, (at?.column ?? 1) - 1));
    await vscode.window.showTextDocument(doc, { selection: new vscode.Range(pos, pos), preview: true });
  }

  dispose(): void {
    this.changed.dispose();
    this.problems.dispose();
    for (const d of this.disposables) d.dispose();
  }
}

function toDiagnostic(p: SavedQueriesProblem): vscode.Diagnostic {
  const pos = new vscode.Position(p.line - 1, p.column - 1);
  const d = new vscode.Diagnostic(new vscode.Range(pos, pos.translate(0, 1)), p.message, vscode.DiagnosticSeverity.Error);
  d.source = 'TraceLens';
  return d;
}

/** The file's text, or undefined when it does not exist. Larger-than-allowed files are cut (and then fail to parse). */
async function readText(file: vscode.Uri): Promise<string | undefined> {
  try {
    const bytes = await readFile(file.fsPath);
    return new TextDecoder().decode(bytes.subarray(0, MAX_SAVED_QUERIES_CHARS * 4 + 1));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

/** Temp file beside the target, flushed, then renamed over it: readers see the old or the new file, never half. */
async function writeAtomic(target: string, text: string): Promise<void> {
  await mkdir(path.dirname(target), { recursive: true });
  const temp = path.join(path.dirname(target), `.${path.basename(target)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    const handle = await open(temp, 'wx');
    try {
      await handle.writeFile(text, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, target);
  } catch (err) {
    await unlink(temp).catch(() => undefined);
    throw err;
  }
}
