// Lineage: how one output came to be. Nodes are the things a decision depended on (spans,
// templates, models, tools, guards, documents, datasets, jobs, code, feedback); edges point from
// cause to effect ("fed", "produced"), so "why this output?" is the upstream closure.

export type LineageNodeType =
  'output' | 'span' | 'template' | 'model' | 'tool' | 'guard' | 'document' | 'dataset' | 'job' | 'code' | 'feedback';

export type LineageEdgeType =
  /** A step fed a later step (parent/child, sequence inside a run). */
  | 'input_to'
  /** A span produced an output. */
  | 'produced'
  /** An LLM call's prompt was rendered from a template. */
  | 'rendered_from'
  /** An LLM call used a model. */
  | 'used_model'
  /** A span called a tool / a tool returned into a span. */
  | 'called'
  /** A retriever returned a document. */
  | 'retrieved'
  /** A document was written by a job run / derived from a dataset. */
  | 'derived_from'
  /** A job read a dataset. */
  | 'read'
  /** A job wrote a dataset. */
  | 'wrote'
  /** A guard checked a step. */
  | 'checked'
  /** Code that ran a step. */
  | 'ran'
  /** Feedback rated an output. Runs feedback → output, so an output's upstream closure carries its ratings. */
  | 'rated';

export type LineageStatus = 'ok' | 'error' | 'warning' | 'stale';

export interface LineageNode {
  /** Stable, unique within a graph, e.g. `span:<trace>:<span>`, `dataset:<ns>/<name>`. */
  id: string;
  type: LineageNodeType;
  label: string;
  status?: LineageStatus;
  /** Short facts for the detail pane (kind, model, score, action…); values are plain text. */
  facts?: Record<string, string>;
  /** What the node refers to, for navigation: ids only, never paths chosen by the page. */
  ref?: { traceId?: string; spanId?: string; runId?: string; templateName?: string; file?: string; line?: number };
  /** Set on the stand-in node made by `collapseSiblings` ("12 more tool calls"): the hidden node ids. */
  collapsed?: { count: number; members: string[] };
}

export interface LineageEdge {
  from: string;
  to: string;
  type: LineageEdgeType;
}

export interface LineageGraph {
  nodes: LineageNode[];
  edges: LineageEdge[];
}

/** A dataset as OpenLineage names it. */
export interface DatasetRef {
  namespace: string;
  name: string;
  facets?: Record<string, unknown>;
  /** `inputFacets` of an input dataset (data quality metrics, input statistics…), merged across events. */
  inputFacets?: Record<string, unknown>;
  /** `outputFacets` of an output dataset (output statistics…), merged across events. */
  outputFacets?: Record<string, unknown>;
}

/** One OpenLineage run, merged across its START/RUNNING/COMPLETE/FAIL events. */
export interface LineageRun {
  runId: string;
  job: { namespace: string; name: string; facets?: Record<string, unknown> };
  state: 'START' | 'RUNNING' | 'COMPLETE' | 'ABORT' | 'FAIL' | 'OTHER';
  startNs?: bigint;
  endNs?: bigint;
  inputs: DatasetRef[];
  outputs: DatasetRef[];
  parentRunId?: string;
  errorMessage?: string;
  facets?: Record<string, unknown>;
  /** Line of the first event of this run in its source. */
  line?: number;
  /**
   * What the record is. Absent or `run`: a RunEvent run. `job`: a JobEvent (static job lineage, no run;
   * `runId` is the synthetic `job:<namespace>/<name>`). `dataset`: a DatasetEvent (no job, no run; the
   * dataset is `outputs[0]`, `runId` is `dataset:<namespace>/<name>`, `job` is empty). Count runs with
   * `kind === undefined || kind === 'run'`.
   */
  kind?: 'run' | 'job' | 'dataset';
  /** The parent run's job (run facet `parent.job`). */
  parentJob?: { namespace: string; name: string };
  /** The root run (run facet `parent.root.run.runId`), when the producer names one. */
  rootRunId?: string;
  /** How many events were merged into this run. */
  eventCount?: number;
}
