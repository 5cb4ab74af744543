// The workspace's prompt templates and TS/JS/Python sources, read once and kept fresh by a
// file watcher: what template matching, CodeLens and hovers work from. Bounded in count and
// size so a huge repository cannot stall the extension host.

import * as vscode from 'vscode';
import { DEFAULT_TEMPLATE_GLOBS, parseTemplateFile, type TemplateFile } from '../core/templates/templateFile';
import type { SourceText } from '../core/templates/resolveTemplate';

const MAX_FILES = 2000;
const MAX_BYTES = 1024 * 1024;
const EXCLUDE = '**/{node_modules,.git,dist,out,build,.venv,venv,__pycache__}/**';
const SOURCE_GLOB = '**/*.{ts,tsx,js,jsx,mjs,cjs,py}';

export class WorkspaceTexts implements vscode.Disposable {
  private templates?: Promise<TemplateFile[]>;
  private sources?: Promise<SourceText[]>;
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;
  private readonly disposables: vscode.Disposable[] = [];

  constructor() {
    const watcher = vscode.workspace.createFileSystemWatcher('**/*');
    const invalidate = (uri: vscode.Uri): void => {
      if (/[\\/](node_modules|\.git)[\\/]/.test(uri.fsPath)) return;
      this.templates = undefined;
      this.sources = undefined;
      this.changed.fire();
    };
    this.disposables.push(
      watcher,
      watcher.onDidChange(invalidate),
      watcher.onDidCreate(invalidate),
      watcher.onDidDelete(invalidate),
      vscode.workspace.onDidChangeConfiguration((e) => e.affectsConfiguration('tracelens.templates') && invalidate(vscode.Uri.file('/'))),
    );
  }

  templateFiles(): Promise<TemplateFile[]> {
    this.templates ??= this.readTemplates();
    return this.templates;
  }

  sourceTexts(): Promise<SourceText[]> {
    this.sources ??= this.readAll(SOURCE_GLOB).then((files) => files.map(({ rel, text }) => ({ path: rel, text })));
    return this.sources;
  }

  private async readTemplates(): Promise<TemplateFile[]> {
    const globs = vscode.workspace.getConfiguration('tracelens.templates').get<string[]>('globs', [...DEFAULT_TEMPLATE_GLOBS]);
    const seen = new Set<string>();
    const out: TemplateFile[] = [];
    for (const glob of globs) {
      for (const { rel, text } of await this.readAll(glob)) {
        if (seen.has(rel)) continue;
        seen.add(rel);
        out.push(parseTemplateFile(rel, text));
      }
    }
    return out;
  }

  private async readAll(glob: string): Promise<{ rel: string; text: string; uri: vscode.Uri }[]> {
    const uris = await vscode.workspace.findFiles(glob, EXCLUDE, MAX_FILES);
    const out: { rel: string; text: string; uri: vscode.Uri }[] = [];
    for (const uri of uris) {
      try {
        const stat = await vscode.workspace.fs.stat(uri);
        if (stat.size > MAX_BYTES || stat.type !== vscode.FileType.File) continue;
        const text = new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
        out.push({ rel: vscode.workspace.asRelativePath(uri, false).split('\\').join('/'), text, uri });
      } catch {
        /* unreadable files are skipped */
      }
    }
    return out;
  }

  /** The workspace file a workspace-relative template/source path names. */
  static uriOf(rel: string): vscode.Uri | undefined {
    const folder = vscode.workspace.workspaceFolders?.[0];
    return folder && vscode.Uri.joinPath(folder.uri, ...rel.split('/'));
  }

  dispose(): void {
    this.changed.dispose();
    for (const d of this.disposables) d.dispose();
  }
}
