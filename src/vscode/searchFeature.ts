// Search in the editor, wired: the Search Spans… and Go to Run… QuickPicks, the Runs filter,
// Find Runs Using This Template, saved queries (.tracelens/queries.json) and recent queries.
// Commands are registered here; `services.ts` builds it and hands it to the API as `search`.

import * as vscode from 'vscode';
import { parseQuery } from '../core/query/parser';
import { isQueryError } from '../core/query/queryError';
import { savedQueryProblem } from '../core/query/savedQueries';
import { Commands } from './commandIds';
import type { Log } from './log';
import type { RunsNode, RunsTreeProvider } from './runsTree';
import { SavedQueries, type SavedQueryEntry } from './savedQueries';
import { SearchController, type SearchMode } from './searchController';
import { RunsFilterController, validateQuery } from './searchFilter';
import { FILTER_BUTTON, noteItem, plain, queryErrorMessage, separator, type SearchItem } from './searchItems';
import { SearchSession } from './searchSession';
import type { SourceManager } from './sourceManager';
import type { WorkspaceTexts } from './workspaceTexts';

const RECENT_KEY = 'tracelens.search.recent';
const MAX_RECENT = 8;
const EXAMPLES: [string, string][] = [
  ['feedback:negative', 'runs with a 👎'],
  ['status:error', 'failed steps'],
  ['kind:llm latency>2s', 'slow model calls'],
  ['guard:fired', 'guards that failed'],
  ['template:answer feedback:negative', 'a template and bad feedback in the same run'],
];

export interface SearchDeps {
  sources: SourceManager;
  tree: RunsTreeProvider;
  treeView: vscode.TreeView<RunsNode>;
  texts: WorkspaceTexts;
  state: vscode.Memento;
  log: Log;
}

export class SearchFeature implements vscode.Disposable {
  readonly controller: SearchController;
  readonly filter: RunsFilterController;
  readonly saved = new SavedQueries();
  /** The open search QuickPick, if any (the integration tests drive it). */
  session: SearchSession | undefined;

  constructor(private readonly d: SearchDeps) {
    this.filter = new RunsFilterController(d.sources, d.tree, d.treeView, d.texts, d.log);
    this.controller = new SearchController(d.sources, d.tree, d.treeView, d.log, () => this.filter.clear());
  }

  /** Open a search QuickPick (replacing one already open); resolves once it is shown. */
  open(initial: string, mode: SearchMode): SearchSession {
    this.session?.dispose();
    const session = new SearchSession(
      {
        controller: this.controller,
        startItems: () => this.startItems(),
        // Back to the search afterwards (saved or not): the user was in the middle of it.
        saveQuery: (text) => this.saveQuery(text).finally(() => void this.open(text, mode)),
        filterRuns: async (text) => void (await this.filter.applyQuery(text)),
        goToRuns: (text) => void this.open(text, 'runs'),
        remember: (text) => this.remember(text),
        report: (err) => this.report(err),
      },
      mode,
      initial,
    );
    session.onDidHide(() => {
      if (this.session === session) this.session = undefined;
    });
    this.session = session;
    session.show();
    return session;
  }

  private report(err: unknown): void {
    const message = err instanceof Error ? err.message : String(err);
    this.d.log.error(`search: ${err instanceof Error ? (err.stack ?? message) : message}`);
    void vscode.window.showErrorMessage(`TraceLens: ${message}`);
  }

  private recent(): string[] {
    const v = this.d.state.get<unknown>(RECENT_KEY);
    return Array.isArray(v) ? v.filter((q): q is string => typeof q === 'string').slice(0, MAX_RECENT) : [];
  }

  private async remember(text: string): Promise<void> {
    const q = text.trim();
    await this.d.state.update(RECENT_KEY, [q, ...this.recent().filter((r) => r !== q)].slice(0, MAX_RECENT));
  }

  /** While the box is empty: saved queries (and the file's problems), recent queries, examples. */
  private async startItems(): Promise<SearchItem[]> {
    const items: SearchItem[] = [];
    const { queries, problems } = await this.saved.list().catch((err: unknown) => {
      this.d.log.error(`Reading saved queries failed: ${String(err)}`);
      return { queries: [], problems: [] };
    });
    if (queries.length || problems.length) items.push(separator('saved queries (.tracelens/queries.json)'));
    items.push(...queries.map((q) => this.savedItem(q)), ...problems.map((p) => this.problemItem(p)));
    const recent = this.recent();
    if (recent.length)
      items.push(
        separator('recent'),
        ...recent.map((q): SearchItem => ({ type: 'query', query: q, label: `$(history) ${plain(q, 120)}` })),
      );
    items.push(
      separator('examples'),
      ...EXAMPLES.map(([q, what]): SearchItem => ({ type: 'query', query: q, label: `$(lightbulb) ${q}`, description: what })),
    );
    return items;
  }

  private savedItem(q: SavedQueryEntry): SearchItem {
    return {
      type: 'query',
      query: q.query,
      name: q.name,
      label: `$(${q.queryError ? 'warning' : 'bookmark'}) ${plain(q.name, 80)}`,
      description: plain(q.query, 120),
      detail: q.queryError ? `query error: ${q.queryError}` : undefined,
      buttons: [FILTER_BUTTON],
    };
  }

  private problemItem(p: { file: vscode.Uri; line: number; column: number; message: string }): SearchItem {
    return {
      type: 'file',
      file: p.file,
      at: p,
      label: `$(error) ${vscode.workspace.asRelativePath(p.file)}:${p.line}:${p.column}`,
      description: plain(p.message, 160),
      detail: 'Enter opens the file at the problem; the file is not changed.',
    };
  }

  /** "Run Saved Query…": pick one; Enter opens the search with it, the filter button filters the tree. */
  async runSavedQuery(): Promise<void> {
    const { queries, problems } = await this.saved.list();
    const items: SearchItem[] = [...queries.map((q) => this.savedItem(q)), ...problems.map((p) => this.problemItem(p))];
    const folder = vscode.workspace.workspaceFolders?.find((f) => f.uri.scheme === 'file');
    if (!queries.length && folder) {
      const file = SavedQueries.fileOf(folder);
      items.push(
        problems.length
          ? noteItem('$(info) No saved query could be read')
          : noteItem(
              '$(info) No saved queries yet',
              'Save one with the 💾 button of TraceLens: Search Spans…, or write .tracelens/queries.json: [{ "name": "…", "query": "…" }]',
            ),
      );
      if (!problems.length) items.push({ type: 'file', file, label: '$(new-file) Open .tracelens/queries.json' });
    }
    const qp = vscode.window.createQuickPick<SearchItem>();
    qp.title = 'TraceLens: Run Saved Query';
    qp.placeholder = 'Pick a saved query (Enter searches with it; the filter button filters the Runs view)';
    qp.matchOnDescription = true;
    qp.items = items;
    const done = new Promise<void>((resolve) => {
      qp.onDidAccept(() => {
        const item = qp.activeItems[0];
        if (!item || item.type === 'note') return;
        qp.hide();
        if (item.type === 'query') this.open(item.query, 'runs+spans');
        else if (item.type === 'file') void this.openFile(item.file, item.at).catch((e: unknown) => this.report(e));
      });
      qp.onDidTriggerItemButton((e) => {
        if (e.button !== FILTER_BUTTON || e.item.type !== 'query') return;
        qp.hide();
        void this.filter.applyQuery(e.item.query).catch((err: unknown) => this.report(err));
      });
      qp.onDidHide(() => {
        qp.dispose();
        resolve();
      });
    });
    qp.show();
    await done;
  }

  private async openFile(file: vscode.Uri, at?: { line: number; column: number }): Promise<void> {
    try {
      await vscode.workspace.fs.stat(file);
    } catch {
      // Offer a file to fill in rather than an error: it is created empty-array, the user edits it.
      await vscode.workspace.fs.writeFile(file, new TextEncoder().encode('[\n]\n'));
    }
    await SavedQueries.reveal(file, at);
  }

  /** "Save Current Query": name it and write it to .tracelens/queries.json (replacing a same-named one). */
  async saveQuery(text: string | undefined): Promise<void> {
    const active = this.d.tree.activeFilter;
    let query = text ?? (active?.query ? active.label : undefined);
    query ??= await vscode.window.showInputBox({
      title: 'TraceLens: Save Query',
      prompt: 'The query to save',
      validateInput: validateQuery,
    });
    if (query === undefined) return;
    if (!query.trim()) throw new Error('There is no query to save: type one first.');
    try {
      parseQuery(query);
    } catch (err) {
      if (isQueryError(err)) throw new Error(`Cannot save a query with an error: ${queryErrorMessage(query, err)}`, { cause: err });
      throw err;
    }
    const folders = (vscode.workspace.workspaceFolders ?? []).filter((f) => f.uri.scheme === 'file');
    const folder =
      folders.length > 1 ? await vscode.window.showWorkspaceFolderPick({ placeHolder: 'Save the query in which folder?' }) : folders[0];
    if (!folder) {
      if (!folders.length) throw new Error('Open a workspace folder to save queries in .tracelens/queries.json.');
      return;
    }
    const existing = new Set((await this.saved.list()).queries.filter((q) => q.folder === folder).map((q) => q.name.toLowerCase()));
    const name = await vscode.window.showInputBox({
      title: 'TraceLens: Save Query',
      prompt: `Name for “${plain(query, 80)}” (saved in .tracelens/queries.json)`,
      value: plain(query, 60),
      validateInput: (v) =>
        savedQueryProblem(v, query) ??
        (existing.has(v.trim().toLowerCase())
          ? { message: `Replaces the saved query "${v.trim()}"`, severity: vscode.InputBoxValidationSeverity.Warning }
          : undefined),
    });
    if (name === undefined) return;
    const { file, replaced } = await this.saved.save(folder, name, query);
    void vscode.window.showInformationMessage(
      `TraceLens: ${replaced ? 'replaced' : 'saved'} "${name.trim()}" in ${vscode.workspace.asRelativePath(file)}.`,
    );
  }

  register(): vscode.Disposable[] {
    const reg = (id: string, fn: (...args: unknown[]) => unknown): vscode.Disposable =>
      vscode.commands.registerCommand(id, async (...args: unknown[]) => {
        try {
          return await fn(...args);
        } catch (err) {
          this.report(err);
          return undefined;
        }
      });
    const text = (arg: unknown): string =>
      typeof arg === 'string' ? arg : typeof (arg as { query?: unknown })?.query === 'string' ? (arg as { query: string }).query : '';
    return [
      // Resolve once the QuickPick is shown (not when it closes), so callers and tests can drive it.
      reg(Commands.searchSpans, (arg) => void this.open(text(arg), 'runs+spans')),
      reg(Commands.goToRun, (arg) => void this.open(text(arg), 'runs')),
      reg(Commands.findTemplateRuns, (arg) => this.filter.findTemplateRuns(arg)),
      reg(Commands.runSavedQuery, () => this.runSavedQuery()),
      reg(Commands.saveQuery, (arg) => this.saveQuery(typeof arg === 'string' ? arg : undefined)),
      reg(Commands.filterRuns, async (arg) => {
        if (arg === undefined) return this.filter.prompt();
        const o = arg as { traceIds?: unknown; label?: unknown; query?: unknown };
        if (typeof o?.query === 'string') return this.filter.applyQuery(o.query);
        if (!Array.isArray(o?.traceIds) || !o.traceIds.every((t) => typeof t === 'string'))
          throw new Error('Filter Runs needs a query or a list of runs.');
        return this.filter.applyTraceIds(o.traceIds as string[], typeof o.label === 'string' ? plain(o.label, 80) : 'filtered');
      }),
      reg(Commands.clearRunsFilter, () => this.filter.clear()),
    ];
  }

  dispose(): void {
    this.session?.dispose();
    this.filter.dispose();
    this.saved.dispose();
  }
}
