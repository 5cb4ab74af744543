// OpenLineage runs, jobs and datasets as lineage nodes: dataset ─read→ job ─wrote→ dataset, with
// the job's code location and parent run.

import type { LineageNode, LineageRun } from '../model/lineage';
import { isoFromNanos } from '../formats/time';
import { parseStackTrace } from '../code/stackTrace';
import { datasetKey } from './datasetJoin';
import { codeNode, datasetNodeId, facts, jobNodeId, type GraphBuilder } from './lineageGraphBuilder';

export function datasetNode(d: { namespace: string; name: string; facets?: Record<string, unknown> }, origin?: string): LineageNode {
  const f = d.facets ?? {};
  const schema = f.schema as { fields?: unknown[] } | undefined;
  const source = f.dataSource as { uri?: string; name?: string } | undefined;
  const facetNames = Object.keys(f);
  return {
    id: datasetNodeId(d),
    type: 'dataset',
    label: datasetKey(d),
    facts: facts([
      ['namespace', d.namespace],
      ['name', d.name],
      ['schema fields', Array.isArray(schema?.fields) ? schema.fields.length : undefined],
      ['data source', typeof source?.uri === 'string' ? source.uri : undefined],
      ['facets', facetNames.length ? facetNames.join(', ') : undefined],
      ['note', origin],
    ]),
  };
}

export function addLineageRuns(b: GraphBuilder, runs: LineageRun[], runsById: Map<string, LineageRun>): void {
  // Dataset-only records first, so their facets describe the dataset nodes.
  for (const r of runs) if (r.kind === 'dataset' && r.outputs[0]) b.node(datasetNode(r.outputs[0]));
  for (const r of runs) {
    if (r.kind === 'dataset') continue;
    const isJob = r.kind === 'job';
    const jid = jobNodeId(r.job.namespace, r.job.name, isJob ? undefined : r.runId);
    const jf = r.job.facets ?? {};
    const doc = (jf.documentation as { description?: string } | undefined)?.description;
    const jobType = jf.jobType as { processingType?: string; integration?: string; jobType?: string } | undefined;
    const sql = (jf.sql as { query?: string } | undefined)?.query;
    const n: LineageNode = {
      id: jid,
      type: 'job',
      label: `${r.job.namespace}/${r.job.name}`,
      facts: facts([
        ['namespace', r.job.namespace],
        ['name', r.job.name],
        ['state', isJob ? 'job (no run)' : r.state],
        ['runId', isJob ? undefined : r.runId],
        ['start', r.startNs !== undefined ? isoFromNanos(r.startNs) : undefined],
        ['end', r.endNs !== undefined ? isoFromNanos(r.endNs) : undefined],
        ['error', r.errorMessage],
        ['description', typeof doc === 'string' ? doc : undefined],
        ['type', jobType ? [jobType.processingType, jobType.integration, jobType.jobType].filter(Boolean).join(' ') : undefined],
        ['sql', typeof sql === 'string' ? sql : undefined],
        ['events', r.eventCount],
      ]),
      ref: isJob ? {} : { runId: r.runId },
    };
    if (r.state === 'FAIL' || r.state === 'ABORT') n.status = 'error';
    else if (r.state === 'COMPLETE') n.status = 'ok';
    if (!b.nodes.has(jid)) b.node(n);
    else b.nodes.set(jid, { ...n, id: jid });
    for (const d of r.inputs) {
      if (!b.nodes.has(datasetNodeId(d))) b.node(datasetNode(d));
      b.edge(datasetNodeId(d), jid, 'read');
    }
    for (const d of r.outputs) {
      if (!b.nodes.has(datasetNodeId(d))) b.node(datasetNode(d));
      b.edge(jid, datasetNodeId(d), 'wrote');
    }
    const loc = jf.sourceCodeLocation as { path?: string; url?: string; repoUrl?: string; version?: string } | undefined;
    if (loc && (loc.path || loc.url)) {
      const cid = codeNode(
        b,
        { file: loc.path ?? loc.url, repository: loc.repoUrl ?? loc.url, revision: loc.version },
        'OpenLineage sourceCodeLocation facet',
      );
      if (cid) b.edge(cid, jid, 'ran');
    }
    const err = r.facets?.errorMessage as { stackTrace?: string } | undefined;
    if (typeof err?.stackTrace === 'string') {
      const frame = parseStackTrace(err.stackTrace).find((f) => !f.library && f.file);
      const cid = frame ? codeNode(b, frame, 'OpenLineage errorMessage stack trace') : undefined;
      if (cid) b.edge(cid, jid, 'ran');
    }
    if (r.parentRunId && !isJob) {
      const parent = runsById.get(r.parentRunId);
      const pj = parent?.job ?? r.parentJob;
      const pid = pj ? jobNodeId(pj.namespace, pj.name, r.parentRunId) : `job:?#${r.parentRunId}`;
      if (!parent && !b.nodes.has(pid)) {
        b.node({
          id: pid,
          type: 'job',
          label: pj ? `${pj.namespace}/${pj.name}` : `run ${r.parentRunId.slice(0, 8)}`,
          facts: facts([
            ['runId', r.parentRunId],
            ['note', 'parent run named by the parent facet; not in the loaded events'],
          ]),
          ref: { runId: r.parentRunId },
        });
      }
      b.edge(jid, pid, 'input_to');
    }
  }
}
