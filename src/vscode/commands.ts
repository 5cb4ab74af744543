// Command handlers. Arguments from menus, the page or other extensions are validated: they
// name sources, runs and spans by id.

import * as vscode from 'vscode';
import { FORMAT_LABELS, type FormatId } from '../core/model/format';
import type { Span } from '../core/model/span';
import { FORMATS } from '../core/formats/registry';
import { Commands, TRACE_EDITOR, TRACE_EDITOR_ANY } from './commandIds';
import type { LineageController } from './lineageController';
import type { LiveReceiverController } from './liveReceiver';
import { compareTemplate, goToCode, goToTemplate, templateMatches, type TracedTemplates } from './navigation';
import { WorkspaceTexts } from './workspaceTexts';
import type { Log } from './log';
import type { RunsNode, RunsTreeProvider } from './runsTree';
import { isSpanRef, spanUri, type SpanRef } from './spanDocument';
import type { SourceManager } from './sourceManager';
import type { SpanDetailController } from './spanDetailController';

const TRACE_PATTERN = /\.(otlp\.jsonl?|otlp\.pb|traces\.jsonl?|decisions\.jsonl|openlineage\.jsonl?)$/i;

export interface CommandDeps {
  sources: SourceManager;
  tree: RunsTreeProvider;
  treeView: vscode.TreeView<RunsNode>;
  log: Log;
  receiver: LiveReceiverController;
  texts: WorkspaceTexts;
  traced: TracedTemplates;
  lineage: LineageController;
  spanDetail: SpanDetailController;
}

export function registerCommands(d: CommandDeps): vscode.Disposable[] {
  const reg = (id: string, fn: (...args: unknown[]) => unknown): vscode.Disposable =>
    vscode.commands.registerCommand(id, async (...args: unknown[]) => {
      try {
        return await fn(...args);
      } catch (err) {
        d.log.error(`${id} failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
        void vscode.window.showErrorMessage(`TraceLens: ${err instanceof Error ? err.message : String(err)}`);
        return undefined;
      }
    });

  return [
    reg(Commands.openTraceFile, async (arg) => {
      const uri =
        arg instanceof vscode.Uri
          ? arg
          : (
              await vscode.window.showOpenDialog({
                canSelectMany: false,
                openLabel: 'Open Trace',
                filters: { 'Trace files': ['json', 'jsonl', 'ndjson', 'pb', 'binpb'], 'All files': ['*'] },
              })
            )?.[0];
      if (!uri) return;
      await vscode.commands.executeCommand('vscode.openWith', uri, TRACE_PATTERN.test(uri.path) ? TRACE_EDITOR : TRACE_EDITOR_ANY);
    }),
    // Reveal Span (a click in the Runs view) and Show Span Detail open the span detail panel.
    reg(Commands.revealSpan, async (arg) => {
      const ref = spanRefFrom(arg);
      if (!ref) throw new Error('Reveal Span needs a span: pick one in the Runs view.');
      await d.spanDetail.show(ref);
    }),
    reg(Commands.showSpanDetail, async (arg) => {
      const ref = spanRefFrom(arg) ?? spanRefFrom(d.treeView.selection[0]);
      if (!ref) throw new Error('Show Span Detail needs a span: pick one in the Runs view.');
      await d.spanDetail.show(ref, { preserveFocus: false });
    }),
    reg(Commands.openSpanAsText, async (arg) => {
      const ref = spanRefFrom(arg) ?? spanRefFrom(d.treeView.selection[0]);
      if (!ref) throw new Error('Open Span as Text needs a span: pick one in the Runs view.');
      const src = await d.sources.byId(ref.sourceId);
      const row = await (await d.sources.getStore()).getSpan(ref.sourceId, ref.traceId, ref.spanId);
      if (!src || !row) throw new Error('That span is no longer loaded.');
      const doc = await vscode.workspace.openTextDocument(spanUri(ref, src.label, row.name));
      await vscode.languages.setTextDocumentLanguage(doc, 'markdown');
      await vscode.window.showTextDocument(doc, { preview: true, preserveFocus: true, viewColumn: vscode.ViewColumn.Beside });
    }),
    reg(Commands.revealRun, async (arg) => {
      const o = arg as { sourceId?: unknown; traceId?: unknown };
      if (!o || !Number.isInteger(o.sourceId) || typeof o.traceId !== 'string') throw new Error('Reveal Run needs a run.');
      const source = await d.sources.byId(o.sourceId as number);
      const run = source && (await d.tree.findRun(source, o.traceId));
      if (!source || !run) throw new Error(`Run ${o.traceId} is not loaded.`);
      await d.treeView.reveal({ type: 'run', source, run }, { select: true, focus: true, expand: true });
    }),
    reg(Commands.refreshRuns, () => d.tree.refresh()),
    reg(Commands.loadMoreRuns, (id) => {
      if (Number.isInteger(id)) d.tree.loadMore(id as number);
    }),
    reg(Commands.closeSource, async (arg) => {
      const node = arg as RunsNode | undefined;
      const target = node?.source.uri ?? (await pickSource(d.sources));
      if (!target) return;
      await closeEditorsFor(target);
      await d.sources.close(target);
    }),
    reg(Commands.showLog, () => d.log.show()),
    reg(Commands.openAsFormat, async (arg) => {
      const node = arg as RunsNode | undefined;
      const uri = node?.source.uri ?? activeTraceEditorUri() ?? (await pickSource(d.sources));
      if (!uri) return;
      const pick = await vscode.window.showQuickPick(
        [
          { label: 'Detect from content', id: undefined as FormatId | undefined },
          ...FORMATS.map((f) => ({ label: FORMAT_LABELS[f.id], description: f.id, id: f.id as FormatId | undefined })),
        ],
        { placeHolder: `Read ${uri.path.split('/').pop()} as…` },
      );
      if (!pick) return;
      const src = await d.sources.reloadAs(uri, pick.id);
      void vscode.window.showInformationMessage(
        `TraceLens: ${src.label} read as ${FORMAT_LABELS[src.format as FormatId] ?? src.format}: ${src.summary.spans} spans, ${src.diagnostics.length} problems.`,
      );
    }),
    // filterRuns and clearRunsFilter: searchFeature.ts (one filter for CodeLens lists and queries).
    reg(Commands.showLineage, async (arg) => {
      const ref = spanRefFrom(arg) ?? spanRefFrom(d.treeView.selection[0]) ?? (await pickRun(d));
      if (ref) await d.lineage.show(ref);
    }),
    reg(Commands.goToCode, async (arg) => goToCode(await fullSpan(d, arg))),
    reg(Commands.goToTemplate, async (arg) => goToTemplate(await fullSpan(d, arg), d.texts, d.traced)),
    reg(Commands.compareTemplate, async (arg) => {
      const span = await fullSpan(d, arg);
      if (!span.template?.text) throw new Error(`"${span.name}" carries no template text to compare.`);
      const [best] = await templateMatches(span, d.texts);
      const uri = best && WorkspaceTexts.uriOf(best.path);
      if (!uri) throw new Error(`No template file of this workspace matches "${span.name}".`);
      await compareTemplate(span, uri, d.traced);
    }),
    reg(Commands.startReceiver, () => d.receiver.start()),
    reg(Commands.stopReceiver, () => d.receiver.stop()),
    reg(Commands.saveReceivedSpans, () => d.receiver.saveAs()),
    reg(Commands.receiverMenu, async () => {
      const endpoint = d.receiver.endpoint;
      if (!endpoint) return d.receiver.start();
      const pick = await vscode.window.showQuickPick(
        [
          { label: '$(copy) Copy Endpoint', id: 'copy', description: `${endpoint}/v1/traces` },
          { label: '$(list-tree) Show Live Runs', id: 'show' },
          { label: '$(save) Save Received Spans…', id: 'save' },
          { label: '$(debug-stop) Stop Receiver', id: 'stop', description: `${d.receiver.spanCount} spans received` },
        ],
        { placeHolder: `TraceLens receiver at ${endpoint}` },
      );
      if (pick?.id === 'copy') await vscode.env.clipboard.writeText(`${endpoint}/v1/traces`);
      else if (pick?.id === 'show') await vscode.commands.executeCommand('tracelens.runs.focus');
      else if (pick?.id === 'save') await d.receiver.saveAs();
      else if (pick?.id === 'stop') await d.receiver.stop();
      return undefined;
    }),
  ];
}

function spanRefFrom(arg: unknown): SpanRef | undefined {
  if (isSpanRef(arg)) return arg;
  const node = arg as RunsNode | undefined;
  if (node?.type === 'span') return { sourceId: node.source.id, traceId: node.span.traceId, spanId: node.span.spanId };
  if (node?.type === 'run') return { sourceId: node.source.id, traceId: node.run.traceId, spanId: node.run.rootSpanId };
  return undefined;
}

/** The whole span (payload read back from its source) that a command argument names. */
async function fullSpan(d: CommandDeps, arg: unknown): Promise<Span> {
  const ref = spanRefFrom(arg) ?? spanRefFrom(d.treeView.selection[0]);
  if (!ref) throw new Error('Pick a span in the Runs view first.');
  const { span } = await d.sources.readSpan(ref.sourceId, ref.traceId, ref.spanId);
  if (!span) throw new Error('That span is no longer loaded.');
  return span;
}

/** From the palette with nothing selected: pick a loaded run. */
async function pickRun(d: CommandDeps): Promise<SpanRef | undefined> {
  const store = await d.sources.getStore();
  const items: (vscode.QuickPickItem & { ref: SpanRef })[] = [];
  for (const s of await d.sources.loaded()) {
    for (const r of await store.listRuns(s.id, { limit: 500 })) {
      items.push({
        label: r.preview ?? r.name,
        description: [r.name, r.errorCount ? `${r.errorCount} errors` : '', r.negativeFeedback ? '👎' : ''].filter(Boolean).join(' · '),
        detail: `${s.label} · ${r.traceId}`,
        ref: { sourceId: s.id, traceId: r.traceId, spanId: r.rootSpanId },
      });
    }
  }
  if (!items.length) throw new Error('No runs are loaded: open a trace file first.');
  return (
    await vscode.window.showQuickPick(items, {
      placeHolder: 'Show the lineage of which run?',
      matchOnDescription: true,
      matchOnDetail: true,
    })
  )?.ref;
}

function activeTraceEditorUri(): vscode.Uri | undefined {
  const input = vscode.window.tabGroups.activeTabGroup.activeTab?.input;
  return input instanceof vscode.TabInputCustom ? input.uri : undefined;
}

async function pickSource(sources: SourceManager): Promise<vscode.Uri | undefined> {
  const loaded = await sources.loaded();
  const pick = await vscode.window.showQuickPick(
    loaded.map((s) => ({ label: s.label, description: s.uri.fsPath, uri: s.uri })),
    { placeHolder: 'Close which trace source?' },
  );
  return pick?.uri;
}

async function closeEditorsFor(uri: vscode.Uri): Promise<void> {
  const tabs = vscode.window.tabGroups.all
    .flatMap((g) => g.tabs)
    .filter((t) => t.input instanceof vscode.TabInputCustom && t.input.uri.toString() === uri.toString());
  if (tabs.length) await vscode.window.tabGroups.close(tabs);
}
