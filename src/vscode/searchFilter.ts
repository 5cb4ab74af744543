// The Runs view's one filter: a query ("Filter Runs…", Find Runs Using This Template, saved
// queries) re-run by the tree on every refresh, or a list of runs (a CodeLens). The view's
// description and message say what is filtered and how many runs are left.

import * as vscode from 'vscode';
import { MAX_LIMIT } from '../core/query/compileSql';
import { parseQuery } from '../core/query/parser';
import { isQueryError } from '../core/query/queryError';
import type { Log } from './log';
import type { RunsNode, RunsTreeProvider } from './runsTree';
import { plain, queryErrorMessage } from './searchItems';
import type { SourceManager } from './sourceManager';
import { WorkspaceTexts } from './workspaceTexts';

/**
 * Menus show "Find Runs Using This Template" on these files (`resourcePath in tracelens.templatePaths`):
 * URI paths, which is what `resourcePath` holds in desktop VS Code and in a remote or web workbench alike.
 */
export const TEMPLATE_PATHS_CONTEXT = 'tracelens.templatePaths';

const quoted = (s: string): string => `"${s.replace(/["\\]/g, '\\$&')}"`;
const runs = (n: number): string => `${n.toLocaleString('en-US')}${n >= MAX_LIMIT ? '+' : ''} run${n === 1 ? '' : 's'}`;

export function validateQuery(text: string): vscode.InputBoxValidationMessage | undefined {
  try {
    parseQuery(text);
    return undefined;
  } catch (err) {
    if (!isQueryError(err)) throw err;
    return { message: queryErrorMessage(text, err), severity: vscode.InputBoxValidationSeverity.Error };
  }
}

export class RunsFilterController implements vscode.Disposable {
  private readonly disposables: vscode.Disposable[] = [];
  private viewSeq = 0;
  private templateTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly sources: SourceManager,
    private readonly tree: RunsTreeProvider,
    private readonly treeView: vscode.TreeView<RunsNode>,
    private readonly texts: WorkspaceTexts,
    private readonly log: Log,
  ) {
    this.disposables.push(
      sources.onDidChange(() => void (this.tree.activeFilter && this.updateView())),
      // Any workspace file change invalidates the texts: re-list templates once things settle.
      texts.onDidChange(() => {
        clearTimeout(this.templateTimer);
        this.templateTimer = setTimeout(() => void this.updateTemplateContext(), 1000);
      }),
    );
    void this.updateTemplateContext();
  }

  /** "Filter Runs…": ask for a query (checked as it is typed); empty clears the filter. */
  async prompt(): Promise<void> {
    const active = this.tree.activeFilter;
    const text = await vscode.window.showInputBox({
      title: 'TraceLens: Filter Runs',
      prompt: 'Runs where each term is met by some span of the run (see docs/search.md). Leave empty to clear the filter.',
      placeHolder: 'feedback:negative template:answer',
      value: active?.query ? active.label : '',
      validateInput: validateQuery,
    });
    if (text === undefined) return;
    if (!text.trim()) return this.clear();
    await this.applyQuery(text);
  }

  /** Filter the tree to runs matching `text`; resolves with how many there are. */
  async applyQuery(text: string): Promise<number> {
    let query;
    try {
      query = parseQuery(text);
    } catch (err) {
      if (isQueryError(err)) throw new Error(`Query error: ${queryErrorMessage(text, err)}`, { cause: err });
      throw err;
    }
    this.tree.setFilter({ query, label: text.trim() });
    const count = (await this.updateView()) ?? 0;
    await vscode.commands.executeCommand('tracelens.runs.focus');
    return count;
  }

  /** A fixed list of runs (a CodeLens): `{ traceIds, label }`. */
  async applyTraceIds(traceIds: string[], label: string): Promise<void> {
    this.tree.setFilter({ traceIds, label });
    await this.updateView();
    await vscode.commands.executeCommand('tracelens.runs.focus');
  }

  async clear(): Promise<void> {
    this.viewSeq++;
    this.tree.setFilter(undefined);
    this.treeView.description = undefined;
    this.treeView.message = undefined;
  }

  /** Describe the active filter in the view's title and message; returns the run count. */
  async updateView(): Promise<number | undefined> {
    const seq = ++this.viewSeq;
    const f = this.tree.activeFilter;
    if (!f) return undefined;
    let count = f.runCount;
    if (f.query) {
      try {
        const sourceIds = this.sources.visible().map((s) => s.id);
        const hits = sourceIds.length ? await (await this.sources.getStore()).searchRuns(f.query, { sourceIds, limit: MAX_LIMIT }) : [];
        count = hits.length;
      } catch (err) {
        this.log.error(`Counting runs for the filter "${f.label}" failed: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
    if (seq !== this.viewSeq) return count;
    const label = plain(f.label, 48);
    this.treeView.description = count === undefined ? `filter: ${label}` : `filter: ${label} · ${runs(count)}`;
    this.treeView.message =
      `Only runs matching ${f.query ? `“${plain(f.label, 200)}”` : plain(f.label, 200)}` +
      `${count === undefined ? '' : ` (${runs(count)})`}. Clear the filter to see every run.`;
    return count;
  }

  /** "Find Runs Using This Template": filter the tree to runs that used the template file. */
  async findTemplateRuns(arg: unknown): Promise<number> {
    const uri = arg instanceof vscode.Uri ? arg : vscode.window.activeTextEditor?.document.uri;
    if (!uri) throw new Error('Open a prompt template first.');
    const rel = vscode.workspace.asRelativePath(uri, false).split('\\').join('/');
    const template = (await this.texts.templateFiles()).find((t) => t.path === rel);
    if (!template) throw new Error(`${rel} is not a prompt template of this workspace (see the tracelens.templates.globs setting).`);
    const query = `template:${quoted(template.name)} OR template:${quoted(template.path)}`;
    const count = await this.applyQuery(query);
    if (!count) void vscode.window.showInformationMessage(`TraceLens: no loaded run used the template ${template.name}.`);
    return count;
  }

  private async updateTemplateContext(): Promise<void> {
    try {
      const paths = (await this.texts.templateFiles()).map((t) => WorkspaceTexts.uriOf(t.path)?.path).filter((p): p is string => !!p);
      await vscode.commands.executeCommand('setContext', TEMPLATE_PATHS_CONTEXT, paths);
    } catch (err) {
      this.log.error(`Listing prompt templates failed: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  dispose(): void {
    clearTimeout(this.templateTimer);
    for (const d of this.disposables) d.dispose();
  }
}
