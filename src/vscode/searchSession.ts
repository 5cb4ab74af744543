// One open search QuickPick: searches as the user types (debounced; a newer keystroke aborts the
// search in flight), shows runs first and then spans, and acts on Enter and on item buttons.
// `settled()` resolves when the results for the current text are shown (the integration tests
// wait on it).

import * as vscode from 'vscode';
import type { SearchController, SearchMode, SearchResults } from './searchController';
import { GO_TO_RUN_LIMIT, RUN_LIMIT, SPAN_LIMIT } from './searchController';
import {
  FILTER_BUTTON,
  LINEAGE_BUTTON,
  SAVE_BUTTON,
  TEMPLATE_BUTTON,
  errorItem,
  noteItem,
  separator,
  type SearchItem,
} from './searchItems';
import { SavedQueries } from './savedQueries';

export const DEBOUNCE_MS = 150;
/** Runs shown above the spans when there are spans too (all of them, up to the limit, otherwise). */
export const RUNS_ABOVE_SPANS = 3;

export interface SessionDeps {
  controller: SearchController;
  /** What the box offers while it is empty: saved, recent and example queries. */
  startItems(): Promise<SearchItem[]>;
  saveQuery(text: string): Promise<void>;
  filterRuns(text: string): Promise<void>;
  /** Go to Run… with this query (all the runs, not the first few). */
  goToRuns(text: string): void;
  remember(text: string): Promise<void>;
  report(err: unknown): void;
}

const PLACEHOLDER: Record<SearchMode, string> = {
  'runs+spans': 'Search runs, then spans: kind:llm status:error latency>2s template:answer feedback:negative "exact phrase" refund*',
  runs: 'Go to a run: type a query (feedback:negative, model:gpt-4o, "a phrase") or leave empty for all runs',
};

export class SearchSession implements vscode.Disposable {
  readonly quickPick = vscode.window.createQuickPick<SearchItem>();
  private readonly disposables: vscode.Disposable[] = [this.quickPick];
  private timer: ReturnType<typeof setTimeout> | undefined;
  private abort: AbortController | undefined;
  private seq = 0;
  private pending = false;
  /** The text of the search scheduled or running (or last shown). */
  private scheduledText: string | undefined;
  private results: SearchResults | undefined;
  private waiters: ((r: SearchResults | undefined) => void)[] = [];
  private disposed = false;
  private readonly hidden = new vscode.EventEmitter<void>();
  readonly onDidHide = this.hidden.event;

  constructor(
    private readonly deps: SessionDeps,
    readonly mode: SearchMode,
    initial: string,
  ) {
    const qp = this.quickPick;
    qp.title = this.baseTitle;
    qp.placeholder = PLACEHOLDER[mode];
    qp.matchOnDescription = false;
    qp.matchOnDetail = false;
    qp.buttons = mode === 'runs' ? [FILTER_BUTTON] : [SAVE_BUTTON, FILTER_BUTTON];
    this.disposables.push(
      this.hidden,
      // Setting `value` ourselves comes back as a change event: the same text is not searched twice.
      qp.onDidChangeValue((v) => v !== this.scheduledText && this.schedule(v)),
      qp.onDidAccept(() => void this.accept(qp.activeItems[0])),
      qp.onDidTriggerItemButton((e) => void this.itemButton(e.item, e.button)),
      qp.onDidTriggerButton((b) => void this.titleButton(b)),
      qp.onDidHide(() => this.dispose()),
    );
    qp.value = initial;
    this.schedule(initial, 0);
  }

  show(): void {
    this.quickPick.show();
  }

  /** The results for the text now in the box, once shown. */
  settled(): Promise<SearchResults | undefined> {
    if (!this.pending) return Promise.resolve(this.results);
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  private schedule(text: string, delay = DEBOUNCE_MS): void {
    this.scheduledText = text;
    clearTimeout(this.timer);
    this.abort?.abort();
    this.pending = true;
    this.quickPick.busy = true;
    this.timer = setTimeout(() => void this.search(text), delay);
  }

  private async search(text: string): Promise<void> {
    const my = ++this.seq;
    const abort = (this.abort = new AbortController());
    let results: SearchResults;
    try {
      if (!text.trim() && this.mode !== 'runs') {
        results = { text, runs: [], spans: [], terms: [] };
        this.quickPick.items = await this.deps.startItems();
      } else {
        // A source's search index may still be building (after a load): say how far it is.
        const progress = (p: { done: number; total: number }): void => {
          if (my === this.seq && p.total)
            this.quickPick.title = `${this.baseTitle} — building the search index: ${Math.floor((100 * p.done) / p.total)}%`;
        };
        results = await this.deps.controller.run(text, this.mode, abort.signal, progress);
        if (my !== this.seq) return;
        this.quickPick.items = this.itemsFor(results);
      }
    } catch (err) {
      if (abort.signal.aborted) return; // a newer keystroke took over
      results = { text, runs: [], spans: [], terms: [], problem: String(err) };
      this.quickPick.items = [noteItem(`$(warning) ${String(err)}`)];
    }
    if (my !== this.seq) return;
    this.results = results;
    this.pending = false;
    this.quickPick.busy = false;
    this.quickPick.title = this.titleFor(results);
    for (const w of this.waiters.splice(0)) w(results);
    if (results.spans.length) void this.addSnippets(my, abort.signal);
  }

  private get baseTitle(): string {
    return this.mode === 'runs' ? 'TraceLens: Go to Run' : 'TraceLens: Search Spans';
  }

  private itemsFor(r: SearchResults): SearchItem[] {
    if (r.error) return [errorItem(r.text, r.error)];
    if (r.problem) return [noteItem(`$(warning) ${r.problem}`)];
    if (!r.runs.length && !r.spans.length)
      return [
        noteItem('$(circle-slash) Nothing matches', 'Runs may meet the terms with different spans; spans must meet every term themselves.'),
      ];
    const items: SearchItem[] = [];
    const runs = this.mode === 'runs' || !r.spans.length ? r.runs : r.runs.slice(0, RUNS_ABOVE_SPANS);
    if (runs.length) items.push(separator('runs: each term met by some span of the run'), ...runs);
    if (this.mode === 'runs') return items;
    if (runs.length < r.runs.length)
      items.push({
        type: 'moreRuns',
        query: r.text,
        label: `$(ellipsis) ${r.runs.length >= RUN_LIMIT ? 'More' : r.runs.length - runs.length} more runs…`,
        description: 'Go to Run… with this query',
        alwaysShow: true,
      });
    items.push(separator('spans: one span meets every term'));
    if (r.spans.length) items.push(...r.spans);
    else items.push(noteItem('$(info) No single span meets every term', 'The runs above meet them with different spans.'));
    return items;
  }

  private titleFor(r: SearchResults): string {
    const base = this.baseTitle;
    if (r.error || r.problem || !r.text.trim()) return r.error ? `${base} — query error` : base;
    const n = (count: number, limit: number, what: string): string =>
      `${count}${count >= limit ? '+' : ''} ${what}${count === 1 ? '' : 's'}`;
    const runs = n(r.runs.length, this.mode === 'runs' ? GO_TO_RUN_LIMIT : RUN_LIMIT, 'run');
    return this.mode === 'runs' ? `${base} — ${runs}` : `${base} — ${runs}, ${n(r.spans.length, SPAN_LIMIT, 'span')}`;
  }

  /** Fill span snippets in place, keeping the active item and the scroll position. */
  private async addSnippets(my: number, signal: AbortSignal): Promise<void> {
    try {
      const items = await this.deps.controller.withSnippets([...this.quickPick.items], this.results?.terms ?? [], signal);
      if (my !== this.seq || signal.aborted) return;
      const active = this.quickPick.activeItems[0];
      this.quickPick.keepScrollPosition = true;
      this.quickPick.items = items;
      // Only span items were replaced: find the active one again by its ids.
      const again =
        active?.type === 'span'
          ? items.find(
              (i) =>
                i.type === 'span' &&
                i.row.sourceId === active.row.sourceId &&
                i.row.spanId === active.row.spanId &&
                i.row.traceId === active.row.traceId,
            )
          : active;
      if (again && items.includes(again)) this.quickPick.activeItems = [again];
    } catch {
      /* aborted or unreadable: the index summary stays */
    }
  }

  private async accept(item: SearchItem | undefined): Promise<void> {
    if (!item || item.type === 'note') return;
    if (item.type === 'query') {
      this.quickPick.value = item.query;
      this.schedule(item.query, 0);
      return;
    }
    if (item.type === 'moreRuns') return this.deps.goToRuns(item.query);
    const text = this.quickPick.value;
    this.quickPick.hide();
    try {
      if (item.type === 'file') return await SavedQueries.reveal(item.file, item.at);
      if (text.trim()) await this.deps.remember(text);
      if (item.type === 'run' && this.mode === 'runs')
        await this.deps.controller.reveal({ sourceId: item.hit.run.sourceId, traceId: item.hit.run.traceId }, false);
      else {
        const ref = this.deps.controller.refOf(item);
        if (ref) await this.deps.controller.reveal(ref, true);
      }
    } catch (err) {
      this.deps.report(err);
    }
  }

  private async itemButton(item: SearchItem, button: vscode.QuickInputButton): Promise<void> {
    try {
      if (button === LINEAGE_BUTTON) await this.deps.controller.showLineage(item);
      else if (button === TEMPLATE_BUTTON) await this.deps.controller.goToTemplate(item);
      else if (button === FILTER_BUTTON && item.type === 'query') {
        this.quickPick.hide();
        await this.deps.filterRuns(item.query);
      }
    } catch (err) {
      this.deps.report(err);
    }
  }

  private async titleButton(button: vscode.QuickInputButton): Promise<void> {
    const text = this.quickPick.value;
    try {
      if (button === SAVE_BUTTON) {
        this.quickPick.hide();
        await this.deps.saveQuery(text);
      } else if (button === FILTER_BUTTON) {
        this.quickPick.hide();
        await this.deps.filterRuns(text);
      }
    } catch (err) {
      this.deps.report(err);
    }
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    clearTimeout(this.timer);
    this.abort?.abort();
    for (const w of this.waiters.splice(0)) w(this.results);
    this.hidden.fire();
    for (const d of this.disposables) d.dispose();
  }
}
