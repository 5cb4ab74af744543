// "Show Span Detail": one reusable panel beside the editor with the span's whole context, read back
// from its source. It acts for the page by id (Go to Prompt Template, Go to Code, Show Lineage, Open
// Span as Text, Open full value, Show Diff) and survives a window reload: the page keeps the span's
// ids, VS Code hands them to the serializer, and the panel finds the source again — or says it is
// no longer loaded, offers to reopen it, and fills in by itself once it is back.

import * as vscode from 'vscode';
import { codeLocationsForSpan } from '../core/code/spanCode';
import type { Span } from '../core/model/span';
import { buildSpanDetail } from '../core/trace/spanDetailModel';
import { originFromState, type PanelOrigin, type SpanDetailAction } from '../protocol/spanDetailMessages';
import { Commands } from './commandIds';
import type { Log } from './log';
import { resolveTracedFile } from './navigation';
import type { LoadedSource, SourceManager } from './sourceManager';
import { SpanDetailPanel } from './spanDetailPanel';
import { revisionFlag, showRevisionDiff } from './spanDetailGit';
import { spanValueUri, type SpanRef } from './spanDocument';
import type { SpanDetailModel } from '../core/model/spanDetail';

/** The span's code file and traced revision, when it has both and the file is in the workspace. */
async function tracedFile(span: Span): Promise<{ uri: vscode.Uri; revision: string } | undefined> {
  const loc = codeLocationsForSpan(span).find((l) => l.file && l.revision && !l.library);
  if (!loc?.file || !loc.revision) return undefined;
  const found = await resolveTracedFile(loc.file);
  return 'error' in found ? undefined : { uri: found.uri, revision: loc.revision };
}

const labelOf = (source: string): string => {
  try {
    return vscode.Uri.parse(source, true).path.split('/').pop() || source;
  } catch {
    return source;
  }
};

export class SpanDetailController implements vscode.Disposable {
  private panel: SpanDetailPanel | undefined;
  private ref: SpanRef | undefined;
  private span: Span | undefined;
  private sourceLabel = '';
  /** A restored or orphaned panel waiting for its source to be loaded again. */
  private waiting: PanelOrigin | undefined;
  private readonly disposables: vscode.Disposable[] = [];
  private generation = 0;

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly sources: SourceManager,
    private readonly log: Log,
  ) {
    this.disposables.push(sources.onDidChange(() => void this.onSourcesChanged()));
  }

  /** The model the page shows now (the integration tests read it). */
  get model(): SpanDetailModel | undefined {
    const c = this.panel?.session.current;
    return c?.kind === 'detail' ? c.model : undefined;
  }

  /** What the panel shows: the detail, "source no longer loaded", or nothing. */
  get state(): 'detail' | 'missing' | 'closed' {
    return this.panel?.session.current?.kind ?? 'closed';
  }

  get currentPanel(): SpanDetailPanel | undefined {
    return this.panel;
  }

  async show(ref: SpanRef, opts: { preserveFocus?: boolean } = {}): Promise<void> {
    const { span, source } = await this.sources.readSpan(ref.sourceId, ref.traceId, ref.spanId);
    if (!source || !span) throw new Error('That span is no longer loaded.');
    const panel = this.ensurePanel(opts.preserveFocus ?? true);
    await this.present(panel, ref, span, source);
    panel.reveal(opts.preserveFocus ?? true);
  }

  /** The serializer's entry: a panel VS Code restored after a reload, with the state its page saved. */
  async restore(webviewPanel: vscode.WebviewPanel, state: unknown): Promise<void> {
    const panel = this.adopt(new SpanDetailPanel(webviewPanel, this.extensionUri, this.handlers(), this.log));
    const origin = originFromState(state);
    if (!origin) {
      await panel.session.showMissing({
        title: 'Nothing to show',
        text: 'Pick a span in the Runs view to see its detail.',
        canReopen: false,
      });
      return;
    }
    await this.openOrigin(panel, origin);
  }

  private ensurePanel(preserveFocus: boolean): SpanDetailPanel {
    if (this.panel && !this.panel.isDisposed) return this.panel;
    return this.adopt(SpanDetailPanel.create(this.extensionUri, this.handlers(), { log: this.log, preserveFocus }));
  }

  private adopt(panel: SpanDetailPanel): SpanDetailPanel {
    // One panel: a second restored one replaces the first.
    if (this.panel && this.panel !== panel) this.panel.dispose();
    this.panel = panel;
    panel.onDidDispose(() => {
      if (this.panel !== panel) return;
      this.panel = undefined;
      this.ref = this.span = this.waiting = undefined;
    });
    return panel;
  }

  private async present(panel: SpanDetailPanel, ref: SpanRef, span: Span, source: LoadedSource): Promise<void> {
    const gen = ++this.generation;
    this.ref = ref;
    this.span = span;
    this.sourceLabel = source.label;
    this.waiting = undefined;
    const { model } = buildSpanDetail(span, { sourceLabel: source.label });
    panel.setKind(span.kind);
    await panel.session.showDetail(model, { v: 1, source: source.uri.toString(), traceId: ref.traceId, spanId: ref.spanId });
    // Git answers later; the page shows "checking" until then.
    const file = await tracedFile(span);
    if (!file || gen !== this.generation) return;
    const rel = vscode.workspace.asRelativePath(file.uri, false);
    await panel.session.setCodeFlag(span.spanId, {
      state: 'checking',
      file: rel,
      revision: file.revision.slice(0, 7),
      text: `Comparing ${rel} with the traced revision…`,
      canDiff: false,
    });
    const flag = await revisionFlag(file.uri, file.revision);
    if (gen === this.generation) await panel.session.setCodeFlag(span.spanId, flag);
  }

  /** Shows the span an origin names if its source is loaded; else says so and waits for it. */
  private async openOrigin(panel: SpanDetailPanel, origin: PanelOrigin): Promise<void> {
    const source = (await this.sources.loaded()).find((s) => s.uri.toString() === origin.source);
    if (source) {
      const { span } = await this.sources.readSpan(source.id, origin.traceId, origin.spanId);
      if (span) {
        await this.present(panel, { sourceId: source.id, traceId: origin.traceId, spanId: origin.spanId }, span, source);
        return;
      }
      await panel.session.showMissing({
        origin,
        title: 'Span not found',
        text: `Span ${origin.spanId} of run ${origin.traceId} is not in ${source.label} any more.`,
        canReopen: false,
      });
      return;
    }
    this.ref = this.span = undefined;
    this.waiting = origin;
    this.generation++;
    panel.setKind(undefined);
    const reopen = origin.source.startsWith('file:');
    await panel.session.showMissing({
      origin,
      title: 'Source no longer loaded',
      text: reopen
        ? `${labelOf(origin.source)} is no longer loaded in TraceLens. Reopen it to see span ${origin.spanId} again.`
        : `The live receiver's spans are gone (they are kept only while the receiver runs). Span ${origin.spanId} cannot be shown.`,
      canReopen: reopen,
    });
  }

  private async onSourcesChanged(): Promise<void> {
    const panel = this.panel;
    if (!panel || panel.isDisposed) return;
    try {
      if (this.waiting) {
        const origin = this.waiting;
        if ((await this.sources.loaded()).some((s) => s.uri.toString() === origin.source)) await this.openOrigin(panel, origin);
      } else if (this.ref && !(await this.sources.byId(this.ref.sourceId))) {
        // The source was closed under the panel: keep its ids, so reopening it brings the span back.
        const origin = panel.session.origin;
        if (origin) await this.openOrigin(panel, origin);
      }
    } catch (err) {
      this.log.error(`Span detail: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  private handlers(): { onAction: (a: SpanDetailAction) => Promise<void>; onOpenValue: (id: string) => Promise<void> } {
    return { onAction: (a) => this.onAction(a), onOpenValue: (id) => this.openValue(id) };
  }

  private async onAction(action: SpanDetailAction): Promise<void> {
    if (action === 'reopenSource') {
      const origin = this.waiting;
      if (!origin?.source.startsWith('file:')) return;
      await vscode.commands.executeCommand(Commands.openTraceFile, vscode.Uri.parse(origin.source, true));
      return;
    }
    const ref = this.ref;
    const span = this.span;
    if (!ref || !span) return;
    switch (action) {
      case 'goToTemplate':
        await vscode.commands.executeCommand(Commands.goToTemplate, ref);
        break;
      case 'goToCode':
        await vscode.commands.executeCommand(Commands.goToCode, ref);
        break;
      case 'showLineage':
        await vscode.commands.executeCommand(Commands.showLineage, ref);
        break;
      case 'openAsText':
        await vscode.commands.executeCommand(Commands.openSpanAsText, ref);
        break;
      case 'showDiff': {
        const file = await tracedFile(span);
        if (!file) throw new Error(`The code file of "${span.name}" is not in this workspace.`);
        await showRevisionDiff(file.uri, file.revision);
        break;
      }
    }
  }

  /** "Open full value": the whole value, read-only, in an editor beside the panel. */
  private async openValue(valueId: string): Promise<void> {
    const ref = this.ref;
    const span = this.span;
    if (!ref || !span) return;
    const { model, fullValues } = buildSpanDetail(span, { sourceLabel: this.sourceLabel });
    if (!fullValues.has(valueId)) return;
    const json = findValue(model, valueId)?.json === true;
    const doc = await vscode.workspace.openTextDocument(spanValueUri(ref, this.sourceLabel, span.name, valueId, json));
    await vscode.window.showTextDocument(doc, { preview: true, viewColumn: vscode.ViewColumn.Beside });
  }

  dispose(): void {
    this.panel?.dispose();
    for (const d of this.disposables.splice(0)) d.dispose();
  }
}

/** The DetailText a value id names inside a model. */
function findValue(model: SpanDetailModel, valueId: string): { json?: boolean } | undefined {
  let found: { json?: boolean } | undefined;
  const visit = (v: unknown, depth: number): void => {
    if (found || !v || typeof v !== 'object' || depth > 8) return;
    const o = v as Record<string, unknown>;
    if (o.valueId === valueId && typeof o.text === 'string') {
      found = o as { json?: boolean };
      return;
    }
    for (const x of Array.isArray(v) ? v : Object.values(o)) visit(x, depth + 1);
  };
  visit(model, 0);
  return found;
}
