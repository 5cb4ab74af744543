// The composition root: builds every part once, wires them by constructor, owns disposal.

import * as vscode from 'vscode';
import type { TraceStore } from '../store/traceStore';
import { SPAN_SCHEME, TRACED_TEMPLATE_SCHEME, TRACE_EDITOR, TRACE_EDITOR_ANY, VIEW_RUNS } from './commandIds';
import { registerCommands } from './commands';
import { LineageController } from './lineageController';
import { LiveReceiverController } from './liveReceiver';
import { TracedTemplates } from './navigation';
import { TraceCodeLensProvider } from './traceCodeLens';
import { WorkspaceTexts } from './workspaceTexts';
import { createLog } from './log';
import { RunsTreeProvider } from './runsTree';
import { SearchFeature } from './searchFeature';
import { SourceManager } from './sourceManager';
import { createTeamStore } from './storeConnectionSetup';
import type { FeedbackController } from './feedback';
import type { StoreConnection } from './storeConnection';
import { SpanDocumentProvider } from './spanDocument';
import { SpanDetailController } from './spanDetailController';
import { GIT_REVISION_SCHEME, GitRevisionDocuments } from './spanDetailGit';
import { registerPanelSerializers } from './spanDetailSerializers';
import { TraceEditorProvider } from './traceEditor';

/** What `activate` returns: used by the integration tests and by other extensions. */
export interface TraceLensApi {
  sources: SourceManager;
  runsTree: RunsTreeProvider;
  receiver: LiveReceiverController;
  lineage: LineageController;
  search: SearchFeature;
  spanDetail: SpanDetailController;
  teamStore: StoreConnection;
  feedback: FeedbackController;
}

async function openEmbeddedStore(extensionUri: vscode.Uri): Promise<TraceStore> {
  // Loaded on first use so activation does not pay for sql.js and its WebAssembly.
  const { openSqlJsStore } = await import('../store/sqlJsStore');
  return openSqlJsStore(vscode.Uri.joinPath(extensionUri, 'dist', 'sql-wasm.wasm').fsPath);
}

export function createServices(context: vscode.ExtensionContext): TraceLensApi {
  const log = createLog();
  // Indexes of opened files are cached in the extension's storage, keyed by the file's identity.
  const indexCache = vscode.Uri.joinPath(context.globalStorageUri, 'index-cache').fsPath;
  const sources = new SourceManager(() => openEmbeddedStore(context.extensionUri), log, indexCache);
  const pageSize = (): number => vscode.workspace.getConfiguration('tracelens').get<number>('runs.pageSize', 200);
  const runsTree = new RunsTreeProvider(sources, pageSize);
  const treeView = vscode.window.createTreeView(VIEW_RUNS, { treeDataProvider: runsTree, showCollapseAll: true });
  const editor = new TraceEditorProvider(context.extensionUri, sources, log);
  const receiver = new LiveReceiverController(context, sources, log);
  const texts = new WorkspaceTexts();
  const traced = new TracedTemplates();
  const lenses = new TraceCodeLensProvider(sources, texts);
  const lineage = new LineageController(context.extensionUri, sources, log);
  const spanDetail = new SpanDetailController(context.extensionUri, sources, log);
  const search = new SearchFeature({ sources, tree: runsTree, treeView, texts, state: context.workspaceState, log });
  const team = createTeamStore(context, { sources, runsTree, treeView, log, pageSize });
  const fileSelector: vscode.DocumentSelector = { scheme: 'file' };
  const editorOptions = { supportsMultipleEditorsPerDocument: true, webviewOptions: { retainContextWhenHidden: false } };

  context.subscriptions.push(
    log,
    sources,
    runsTree,
    treeView,
    vscode.window.registerCustomEditorProvider(TRACE_EDITOR, editor, editorOptions),
    vscode.window.registerCustomEditorProvider(TRACE_EDITOR_ANY, editor, editorOptions),
    vscode.workspace.registerTextDocumentContentProvider(SPAN_SCHEME, new SpanDocumentProvider(sources)),
    receiver,
    texts,
    vscode.workspace.registerTextDocumentContentProvider(TRACED_TEMPLATE_SCHEME, traced),
    lenses,
    lineage,
    spanDetail,
    vscode.workspace.registerTextDocumentContentProvider(GIT_REVISION_SCHEME, new GitRevisionDocuments()),
    ...registerPanelSerializers(spanDetail, lineage, log),
    vscode.languages.registerCodeLensProvider(fileSelector, lenses),
    vscode.languages.registerHoverProvider(fileSelector, lenses),
    ...registerCommands({ sources, tree: runsTree, treeView, log, receiver, texts, traced, lineage, spanDetail }),
    search,
    ...search.register(),
    ...team.disposables,
  );
  log.info('TraceLens activated');
  return { search, sources, runsTree, receiver, lineage, spanDetail, teamStore: team.teamStore, feedback: team.feedback };
}
