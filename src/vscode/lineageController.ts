// "TraceLens: Show Lineage": the upstream graph of a run's output — LLM calls, template, model,
// tools, guards, retrieved documents and the datasets and jobs behind them — in one panel.

import * as vscode from 'vscode';
import { buildLineage } from '../core/lineage/buildLineage';
import { outputNodeFor, pathsToProblems, upstreamClosure } from '../core/lineage/closure';
import { collapseSiblings } from '../core/lineage/collapse';
import { compileMappingRules } from '../core/lineage/datasetJoin';
import { maskSecretValue } from '../core/trace/maskSecrets';
import type { LineageGraph, LineageRun } from '../core/model/lineage';
import type { Span } from '../core/model/span';
import { importFile } from '../ingest/importFile';
import { Commands } from './commandIds';
import { LineagePanel, type LineagePanelHandlers, type LineagePanelInput } from './lineagePanel';
import { defaultDetail } from './lineageSession';
import { originFromState, type PanelOrigin } from '../protocol/spanDetailMessages';
import type { Log } from './log';
import { resolveTracedFile } from './navigation';
import type { SourceManager } from './sourceManager';
import type { SpanRef } from './spanDocument';

/** A run bigger than this is cut (the graph says so): lineage is read span by span. */
const MAX_LINEAGE_SPANS = 5000;

export class LineageController implements vscode.Disposable {
  private panel: LineagePanel | undefined;
  private closure: LineageGraph = { nodes: [], edges: [] };
  /** The span the panel's graph was built for. */
  private ref: SpanRef | undefined;
  /** A restored panel whose source is not loaded (yet). */
  private waiting: PanelOrigin | undefined;
  private readonly sourcesChanged: vscode.Disposable;

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly sources: SourceManager,
    private readonly log: Log,
  ) {
    this.sourcesChanged = sources.onDidChange(() => void this.onSourcesChanged());
  }

  get isOpen(): boolean {
    return this.panel !== undefined;
  }

  async show(ref: SpanRef): Promise<void> {
    const input = await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: 'TraceLens: building lineage' }, () =>
      this.inputFor(ref),
    );
    if (!input) throw new Error('No output to trace back from that span.');
    this.ref = ref;
    this.waiting = undefined;
    if (this.panel) {
      this.panel.setGraph(input);
      this.panel.reveal();
      return;
    }
    this.adopt(LineagePanel.create(this.extensionUri, input, this.handlers(), { log: this.log }));
  }

  /**
   * The serializer's entry: a panel VS Code restored after a reload, with the state its page saved
   * (ids only). The graph is rebuilt from the source if it is loaded; otherwise the panel says so,
   * offers to reopen the file, and fills in once it is loaded again.
   */
  async restore(webviewPanel: vscode.WebviewPanel, state: unknown): Promise<void> {
    const origin = originFromState(state);
    const empty: LineagePanelInput = { graph: { nodes: [], edges: [] }, origin };
    const panel = this.adopt(new LineagePanel(webviewPanel, this.extensionUri, empty, this.handlers(), this.log));
    if (!origin) {
      panel.showError('Nothing to show: use TraceLens: Show Lineage on a run.');
      return;
    }
    await this.openOrigin(panel, origin);
  }

  private adopt(panel: LineagePanel): LineagePanel {
    if (this.panel && this.panel !== panel) this.panel.dispose();
    this.panel = panel;
    panel.onDidDispose(() => {
      if (this.panel !== panel) return;
      this.panel = undefined;
      this.waiting = undefined;
    });
    return panel;
  }

  private async openOrigin(panel: LineagePanel, origin: PanelOrigin): Promise<void> {
    const source = (await this.sources.loaded()).find((s) => s.uri.toString() === origin.source);
    if (source) {
      const ref = { sourceId: source.id, traceId: origin.traceId, spanId: origin.spanId };
      const input = await this.inputFor(ref);
      if (input) {
        this.ref = ref;
        this.waiting = undefined;
        panel.setGraph(input);
        return;
      }
    }
    this.waiting = origin;
    const label = vscode.Uri.parse(origin.source, true).path.split('/').pop() ?? origin.source;
    const text = source
      ? `Run ${origin.traceId} is not in ${label} any more.`
      : `${label} is no longer loaded in TraceLens: reopen it to see this lineage again.`;
    panel.showError(text);
    if (!source && origin.source.startsWith('file:')) {
      // Not awaited: the restore must not wait for the user to answer.
      void vscode.window.showInformationMessage(`TraceLens: ${text}`, 'Reopen').then(async (answer) => {
        if (answer === 'Reopen') await vscode.commands.executeCommand(Commands.openTraceFile, vscode.Uri.parse(origin.source, true));
      });
    }
  }

  /** A restored panel waiting for its source: fill it in once the source is loaded again. */
  private async onSourcesChanged(): Promise<void> {
    const panel = this.panel;
    const origin = this.waiting;
    if (!panel || !origin) return;
    if (!(await this.sources.loaded()).some((s) => s.uri.toString() === origin.source)) return;
    try {
      await this.openOrigin(panel, origin);
    } catch (err) {
      this.log.error(`Lineage restore: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  private handlers(): LineagePanelHandlers {
    return {
      onOpenNode: async (node) => {
        const r = node.ref;
        const sourceId = this.ref?.sourceId;
        if (r?.traceId && r.spanId && (node.type === 'span' || node.type === 'output')) {
          if (sourceId === undefined) return;
          await vscode.commands.executeCommand(Commands.showSpanDetail, { sourceId, traceId: r.traceId, spanId: r.spanId });
        } else if (r?.file) {
          const found = await resolveTracedFile(r.file);
          if ('error' in found) throw new Error(found.error);
          const doc = await vscode.workspace.openTextDocument(found.uri);
          const line = Math.min(Math.max(1, r.line ?? 1), doc.lineCount) - 1;
          await vscode.window.showTextDocument(doc, { selection: new vscode.Range(line, 0, line, 0), preview: true });
        }
      },
      // A span's detail pane offers the span detail panel.
      onNodeDetail: (node) => {
        const d = defaultDetail(node);
        return node.ref?.traceId && node.ref.spanId && (node.type === 'span' || node.type === 'output')
          ? { ...d, openLabel: 'Open Span Detail' }
          : d;
      },
      // Host-side "12 more …" stand-ins from collapseSiblings expand to their members.
      onExpand: (node) => {
        if (!node.collapsed) return undefined;
        const m = new Set(node.collapsed.members);
        return {
          nodes: this.closure.nodes.filter((n) => m.has(n.id)),
          edges: this.closure.edges.filter((e) => m.has(e.from) || m.has(e.to)),
          remove: [node.id],
        };
      },
    };
  }

  private async inputFor(ref: SpanRef): Promise<LineagePanelInput | undefined> {
    // The run's own spans, read through the store (one span at a time from the source by byte
    // range, so a huge source is never re-read whole), joined with every loaded OpenLineage log.
    const { spans, cut } = await this.traceSpans(ref.sourceId, ref.traceId);
    const runs: LineageRun[] = [];
    for (const s of await this.sources.loaded()) {
      if (s.format !== 'openlineage' || s.uri.scheme !== 'file') continue;
      runs.push(...(await importFile(s.uri.fsPath)).lineageRuns);
    }
    const { rules, errors } = compileMappingRules(
      vscode.workspace.getConfiguration('tracelens.lineage').get<unknown>('datasetMappings', []),
    );
    if (errors.length) void vscode.window.showWarningMessage(`TraceLens: tracelens.lineage.datasetMappings: ${errors.join('; ')}`);
    const staleDocumentDays = vscode.workspace.getConfiguration('tracelens.lineage').get<number>('staleDocumentDays', 730);
    const graph = buildLineage(spans, runs, { datasetRules: rules, staleDocumentDays });
    const root = outputNodeFor(graph, ref.spanId) ?? outputNodeFor(graph, ref.traceId);
    if (!root) return undefined;
    const raw = upstreamClosure(graph, root, { maxNodes: 20_000 });
    // Facts reach the page as text; keys and tokens in them are masked first.
    const closure = {
      ...raw,
      nodes: raw.nodes.map((n) => (n.facts ? { ...n, facts: maskSecretValue(n.facts) as Record<string, string> } : n)),
    };
    this.closure = closure;
    return {
      graph: collapseSiblings(closure),
      rootId: root,
      problemNodeIds: pathsToProblems(closure, root).nodes,
      truncated: closure.truncated || cut,
      // Kept by the page (setState) so the panel can be restored after a window reload.
      origin: await this.originOf(ref),
    };
  }

  private async originOf(ref: SpanRef): Promise<PanelOrigin | undefined> {
    const source = await this.sources.byId(ref.sourceId);
    return source ? { v: 1, source: source.uri.toString(), traceId: ref.traceId, spanId: ref.spanId } : undefined;
  }

  /** Every span of a trace, walking the store's tree breadth first. */
  private async traceSpans(sourceId: number, traceId: string): Promise<{ spans: Span[]; cut: boolean }> {
    const store = await this.sources.getStore();
    const spans: Span[] = [];
    let parents: (string | undefined)[] = [undefined];
    while (parents.length && spans.length < MAX_LINEAGE_SPANS) {
      const next: string[] = [];
      for (const parent of parents) {
        for (const row of await store.childSpans(sourceId, traceId, parent)) {
          const { span } = await this.sources.readSpan(sourceId, traceId, row.spanId);
          if (span) spans.push(span);
          if (row.childCount > 0) next.push(row.spanId);
        }
      }
      parents = next;
    }
    return { spans, cut: parents.length > 0 };
  }

  dispose(): void {
    this.panel?.dispose();
    this.sourcesChanged.dispose();
  }
}
