// Every command the extension registers. A test checks this list against package.json.

export const Commands = {
  openTraceFile: 'tracelens.openTraceFile',
  revealSpan: 'tracelens.revealSpan',
  showSpanDetail: 'tracelens.showSpanDetail',
  openSpanAsText: 'tracelens.openSpanAsText',
  revealRun: 'tracelens.revealRun',
  refreshRuns: 'tracelens.refreshRuns',
  closeSource: 'tracelens.closeSource',
  loadMoreRuns: 'tracelens.loadMoreRuns',
  showLog: 'tracelens.showLog',
  startReceiver: 'tracelens.startReceiver',
  stopReceiver: 'tracelens.stopReceiver',
  receiverMenu: 'tracelens.receiverMenu',
  saveReceivedSpans: 'tracelens.saveReceivedSpans',
  goToCode: 'tracelens.goToCode',
  showLineage: 'tracelens.showLineage',
  goToTemplate: 'tracelens.goToTemplate',
  compareTemplate: 'tracelens.compareTemplate',
  filterRuns: 'tracelens.filterRuns',
  openAsFormat: 'tracelens.openAsFormat',
  clearRunsFilter: 'tracelens.clearRunsFilter',
  searchSpans: 'tracelens.searchSpans',
  goToRun: 'tracelens.goToRun',
  findTemplateRuns: 'tracelens.findTemplateRuns',
  runSavedQuery: 'tracelens.runSavedQuery',
  saveQuery: 'tracelens.saveQuery',
  connectStore: 'tracelens.connectStore',
  disconnectStore: 'tracelens.disconnectStore',
  reconnectStore: 'tracelens.reconnectStore',
  pushToStore: 'tracelens.pushToStore',
  teamStoreLoadMore: 'tracelens.teamStoreLoadMore',
  markGood: 'tracelens.markGood',
  markBad: 'tracelens.markBad',
} as const;

export type CommandId = (typeof Commands)[keyof typeof Commands];

export const VIEW_RUNS = 'tracelens.runs';
export const TRACE_EDITOR = 'tracelens.traceEditor';
export const TRACE_EDITOR_ANY = 'tracelens.traceEditor.anyJson';
export const SPAN_SCHEME = 'tracelens';
export const TRACED_TEMPLATE_SCHEME = 'tracelens-template';
