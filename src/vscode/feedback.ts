// "Mark Output Good / Bad" on a span or run (the run's root span) of the Runs tree, with an
// optional note. Local files: the mark goes to TraceLens's own storage (feedbackFile.ts) and into
// the embedded index, and is applied again whenever the same file (same URI, size and mtime) is
// opened. Team store: the mark is written to PostgreSQL, where every teammate sees it.

import * as os from 'node:os';
import * as vscode from 'vscode';
import type { FeedbackMark, FeedbackValue, SourceRow } from '../store/traceStore';
import { Commands } from './commandIds';
import { FeedbackFile } from './feedbackFile';
import type { Log } from './log';
import type { RunsNode } from './runsTree';
import type { LoadedSource, SourceManager } from './sourceManager';
import type { StoreConnection } from './storeConnection';
import type { TeamNode } from './storeConnectionTree';

interface Target {
  where: 'local' | 'team';
  sourceId: number;
  traceId: string;
  spanId: string;
  name: string;
}

export interface MarkOptions {
  /** Skip the note prompt (other extensions, tests): '' for no note. */
  note?: string;
}

function localUser(): string {
  try {
    return os.userInfo().username || 'me';
  } catch {
    return 'me';
  }
}

export class FeedbackController implements vscode.Disposable {
  readonly file: FeedbackFile;
  /** Embedded sources whose stored marks were applied (ids are never reused by the store). */
  private readonly applied = new Set<number>();
  private readonly subscription: vscode.Disposable;
  private applying: Promise<void> = Promise.resolve();

  constructor(
    context: vscode.ExtensionContext,
    private readonly sources: SourceManager,
    private readonly connection: StoreConnection,
    private readonly log: Log,
    private readonly selection: () => readonly RunsNode[],
    private readonly refresh: () => void,
  ) {
    this.file = new FeedbackFile(vscode.Uri.joinPath(context.globalStorageUri, 'feedback.json').fsPath, (m) => {
      log.warn(m);
      void vscode.window.showWarningMessage(`TraceLens: ${m}`);
    });
    this.subscription = sources.onDidChange(() => {
      this.applying = this.applying.then(() => this.applyStored()).catch((err) => this.log.warn(`Re-applying feedback: ${String(err)}`));
    });
  }

  /** Resolves once stored marks are applied to every source loaded so far. */
  whenApplied(): Promise<void> {
    return this.applying;
  }

  private target(arg: unknown): Target | undefined {
    const node = (arg && typeof arg === 'object' && 'type' in arg ? arg : this.selection()[0]) as RunsNode | undefined;
    if (!node) return undefined;
    if (node.type === 'span')
      return { where: 'local', sourceId: node.source.id, traceId: node.span.traceId, spanId: node.span.spanId, name: node.span.name };
    if (node.type === 'run')
      return {
        where: 'local',
        sourceId: node.source.id,
        traceId: node.run.traceId,
        spanId: node.run.rootSpanId,
        name: node.run.preview ?? node.run.name,
      };
    if (node.type === 'team') {
      const p = (node as TeamNode).part;
      if (p.kind === 'span')
        return { where: 'team', sourceId: p.row.id, traceId: p.span.traceId, spanId: p.span.spanId, name: p.span.name };
      if (p.kind === 'run')
        return { where: 'team', sourceId: p.row.id, traceId: p.run.traceId, spanId: p.run.rootSpanId, name: p.run.preview ?? p.run.name };
    }
    return undefined;
  }

  async mark(value: FeedbackValue, arg?: unknown, opts?: unknown): Promise<FeedbackMark | undefined> {
    const t = this.target(arg);
    if (!t) throw new Error('Pick a span or run in the Runs view first.');
    const given = opts && typeof opts === 'object' && !Array.isArray(opts) ? (opts as MarkOptions) : undefined;
    let note = typeof given?.note === 'string' ? given.note : undefined;
    if (note === undefined) {
      note = await vscode.window.showInputBox({
        title: `TraceLens: Mark Output ${value === 'positive' ? 'Good 👍' : 'Bad 👎'}`,
        prompt: `A note on "${t.name.slice(0, 80)}" (optional; Enter to skip, Escape to cancel)`,
        ignoreFocusOut: true,
      });
      if (note === undefined) return undefined;
    }
    const mark: FeedbackMark = { traceId: t.traceId, spanId: t.spanId, value, note: note.trim() || undefined, atMs: Date.now() };
    if (t.where === 'team') {
      const store = this.connection.require();
      await store.addFeedback(t.sourceId, mark);
      mark.author = store.author;
    } else {
      mark.author = localUser();
      const store = await this.sources.getStore();
      const row = (await store.listSources()).find((r) => r.id === t.sourceId);
      if (!row) throw new Error('That source is no longer loaded.');
      // Stored first: a mark the index refuses is not kept either.
      await store.addFeedback(t.sourceId, mark);
      await this.file.put(row, mark);
    }
    this.log.info(`Marked ${t.spanId} of run ${t.traceId} ${value} (${t.where === 'team' ? this.connection.target : 'local'})`);
    this.refresh();
    return mark;
  }

  /** Apply stored marks to loaded sources that have not had them yet. */
  private async applyStored(): Promise<void> {
    const loaded = await this.sources.loaded();
    const pending = loaded.filter((s) => !this.applied.has(s.id));
    if (!pending.length) return;
    const store = await this.sources.getStore();
    const rows = new Map<number, SourceRow>((await store.listSources()).map((r) => [r.id, r]));
    let changed = false;
    for (const src of pending) {
      const row = rows.get(src.id);
      // Still loading: the next change event (load finished) comes back here.
      if (!row || (row.state !== undefined && row.state === 'loading')) continue;
      this.applied.add(src.id);
      changed = (await this.applyTo(src, row)) || changed;
    }
    if (changed) this.refresh();
  }

  private async applyTo(src: LoadedSource, row: SourceRow): Promise<boolean> {
    const marks = await this.file.marksFor(row);
    if (!marks.length) return false;
    const store = await this.sources.getStore();
    let n = 0;
    for (const m of marks) {
      try {
        await store.addFeedback(src.id, m);
        n++;
      } catch (err) {
        this.log.warn(`Feedback on span ${m.spanId} of ${src.label} not applied: ${(err as Error).message}`);
      }
    }
    this.log.info(`Applied ${n} feedback mark(s) to ${src.label}`);
    return n > 0;
  }

  register(): vscode.Disposable[] {
    const reg = (id: string, value: FeedbackValue): vscode.Disposable =>
      vscode.commands.registerCommand(id, async (arg?: unknown, opts?: unknown) => {
        try {
          await this.mark(value, arg, opts);
        } catch (err) {
          this.log.error(`${id} failed: ${err instanceof Error ? err.message : String(err)}`);
          void vscode.window.showErrorMessage(`TraceLens: ${err instanceof Error ? err.message : String(err)}`);
        }
      });
    return [reg(Commands.markGood, 'positive'), reg(Commands.markBad, 'negative')];
  }

  dispose(): void {
    this.subscription.dispose();
  }
}
