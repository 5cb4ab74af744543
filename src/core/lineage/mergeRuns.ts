// One LineageRun per OpenLineage run: the importer yields one partial run per event (JSON Lines
// records arrive one at a time), and this post-pass merges them by runId — state from the events'
// order, facets merged with later events winning and `_deleted` facets removed, inputs and outputs
// united by (namespace, name). Idempotent, so runs from several files can be merged again.

import type { Diagnostic } from '../model/diagnostic';
import type { DatasetRef, LineageRun } from '../model/lineage';

type Facets = Record<string, unknown>;

const TERMINAL = new Set<LineageRun['state']>(['COMPLETE', 'FAIL', 'ABORT']);

const isObj = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);

/** Later facets replace earlier ones key by key; a facet with `_deleted: true` removes the key. */
export function mergeFacets(base: Facets | undefined, next: Facets | undefined): Facets | undefined {
  if (!next) return base;
  const out: Facets = { ...(base ?? {}) };
  for (const [k, v] of Object.entries(next)) {
    if (isObj(v) && v._deleted === true) delete out[k];
    else out[k] = v;
  }
  return Object.keys(out).length ? out : undefined;
}

const datasetKey = (d: { namespace: string; name: string }): string => `${d.namespace}\u0000${d.name}`;

function mergeDatasets(lists: DatasetRef[][]): DatasetRef[] {
  const byKey = new Map<string, DatasetRef>();
  for (const list of lists) {
    for (const d of list) {
      const k = datasetKey(d);
      const prev = byKey.get(k);
      if (!prev) {
        byKey.set(k, { ...d });
        continue;
      }
      const facets = mergeFacets(prev.facets, d.facets);
      const inputFacets = mergeFacets(prev.inputFacets, d.inputFacets);
      const outputFacets = mergeFacets(prev.outputFacets, d.outputFacets);
      byKey.set(k, {
        namespace: prev.namespace,
        name: prev.name,
        ...(facets ? { facets } : {}),
        ...(inputFacets ? { inputFacets } : {}),
        ...(outputFacets ? { outputFacets } : {}),
      });
    }
  }
  return [...byKey.values()];
}

/** The time that orders a part: its end (terminal events) or its start. */
const partTime = (r: LineageRun): bigint | undefined => r.endNs ?? r.startNs;

function mergeGroup(parts: LineageRun[], diagnostics?: Diagnostic[]): LineageRun {
  if (parts.length === 1 && parts[0].eventCount !== undefined) return parts[0];
  // Event time decides the order when every part has one; otherwise arrival order (placeholder times).
  const ordered = parts.every((p) => partTime(p) !== undefined)
    ? [...parts].sort((a, b) => {
        const ta = partTime(a) as bigint;
        const tb = partTime(b) as bigint;
        return ta < tb ? -1 : ta > tb ? 1 : 0;
      })
    : parts;
  const first = ordered[0];
  let state: LineageRun['state'] = 'OTHER';
  let terminal: LineageRun['state'] | undefined;
  let startNs: bigint | undefined;
  let endNs: bigint | undefined;
  let runFacets: Facets | undefined;
  let jobFacets: Facets | undefined;
  let line: number | undefined;
  let events = 0;
  for (const p of ordered) {
    if (TERMINAL.has(p.state)) terminal = p.state;
    else if (p.state !== 'OTHER') state = p.state;
    if (p.startNs !== undefined && (startNs === undefined || p.startNs < startNs)) startNs = p.startNs;
    if (p.endNs !== undefined && (endNs === undefined || p.endNs > endNs)) endNs = p.endNs;
    runFacets = mergeFacets(runFacets, p.facets);
    jobFacets = mergeFacets(jobFacets, p.job.facets);
    if (p.line !== undefined && (line === undefined || p.line < line)) line = p.line;
    events += p.eventCount ?? 1;
    if (diagnostics && (p.job.namespace !== first.job.namespace || p.job.name !== first.job.name)) {
      diagnostics.push({
        severity: 'warning',
        code: 'openlineage.jobMismatch',
        message: `Run ${p.runId} is reported for job ${p.job.namespace}/${p.job.name} and for ${first.job.namespace}/${first.job.name}; the first is kept`,
        line: p.line,
      });
    }
  }
  const run: LineageRun = {
    runId: first.runId,
    job: { namespace: first.job.namespace, name: first.job.name, ...(jobFacets ? { facets: jobFacets } : {}) },
    state: terminal ?? state,
    inputs: mergeDatasets(ordered.map((p) => p.inputs)),
    outputs: mergeDatasets(ordered.map((p) => p.outputs)),
    eventCount: events,
  };
  if (startNs !== undefined) run.startNs = startNs;
  if (endNs !== undefined) run.endNs = endNs;
  if (runFacets) run.facets = runFacets;
  if (line !== undefined) run.line = line;
  if (first.kind) run.kind = first.kind;
  // Links from the merged facets; a run built without facets keeps the links it was given.
  const links = runLinks(runFacets);
  for (const p of ordered) {
    links.parentRunId ??= p.parentRunId;
    links.parentJob ??= p.parentJob;
    links.rootRunId ??= p.rootRunId;
    links.errorMessage ??= p.errorMessage;
  }
  for (const [k, v] of Object.entries(links)) if (v !== undefined) Object.assign(run, { [k]: v });
  if (run.startNs !== undefined && run.endNs !== undefined && run.endNs < run.startNs) run.startNs = run.endNs;
  return run;
}

/** Parent run, parent job, root run and error message, read from the (merged) run facets. */
export function runLinks(facets: Facets | undefined): Pick<LineageRun, 'parentRunId' | 'parentJob' | 'rootRunId' | 'errorMessage'> {
  const out: Pick<LineageRun, 'parentRunId' | 'parentJob' | 'rootRunId' | 'errorMessage'> = {};
  const parent = facets?.parent;
  if (isObj(parent)) {
    const run = parent.run;
    if (isObj(run) && typeof run.runId === 'string' && run.runId) out.parentRunId = run.runId;
    const job = parent.job;
    if (isObj(job) && typeof job.namespace === 'string' && typeof job.name === 'string') {
      out.parentJob = { namespace: job.namespace, name: job.name };
    }
    const root = parent.root;
    if (isObj(root) && isObj(root.run) && typeof root.run.runId === 'string' && root.run.runId) out.rootRunId = root.run.runId;
  }
  const err = facets?.errorMessage;
  if (isObj(err) && typeof err.message === 'string') out.errorMessage = err.message;
  return out;
}

/**
 * Merge partial runs (one per event, or already-merged runs from several sources) by runId.
 * Runs keep the order of their first part. Job mismatches inside one runId are reported.
 */
export function mergeLineageRuns(runs: LineageRun[], diagnostics?: Diagnostic[]): LineageRun[] {
  const groups = new Map<string, LineageRun[]>();
  for (const r of runs) {
    const key = `${r.kind ?? 'run'}\u0000${r.runId}`;
    const g = groups.get(key);
    if (g) g.push(r);
    else groups.set(key, [r]);
  }
  return [...groups.values()].map((g) => mergeGroup(g, diagnostics));
}
