// OpenLineage events (spec 2-0-x): a RunEvent, DatasetEvent or JobEvent object, an array of them
// (dbt results, Marquez seed data) or JSON Lines (proxy/console transport). Each event becomes one
// partial LineageRun; `mergeLineageRuns` (run at the end of importRecords) merges them by runId.
// DatasetEvents and JobEvents have no run: they are kept as `kind: 'dataset'` / `kind: 'job'`
// records. The OpenLineage JSON Schema itself (OpenLineage.json) is recognised and diagnosed.

import type { Diagnostic } from '../model/diagnostic';
import type { DatasetRef, LineageRun } from '../model/lineage';
import type { ImportSink, SourceRecord } from './importResult';
import { runLinks } from '../lineage/mergeRuns';
import { nanosFromIso } from './time';

type Obj = Record<string, unknown>;
const asObj = (v: unknown): Obj | undefined => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : undefined);
const nonEmpty = (v: unknown): v is string => typeof v === 'string' && v.length > 0;

const EVENT_TYPES = new Set<LineageRun['state']>(['START', 'RUNNING', 'COMPLETE', 'ABORT', 'FAIL', 'OTHER']);
const PLACEHOLDER = /\{\{[^{}]*\}\}/;
const SPEC = /openlineage\.io\/spec/i;

function hasNamed(v: unknown): boolean {
  const o = asObj(v);
  return !!o && typeof o.namespace === 'string';
}

/** A RunEvent, DatasetEvent or JobEvent (by shape, or by an OpenLineage schemaURL). */
export function isOpenLineageEvent(v: unknown): boolean {
  const o = asObj(v);
  if (!o) return false;
  const run = asObj(o.run);
  if (run && typeof run.runId === 'string' && hasNamed(o.job)) return true;
  const spec = typeof o.schemaURL === 'string' && SPEC.test(o.schemaURL);
  if (spec && (run || asObj(o.job) || asObj(o.dataset))) return true;
  // DatasetEvent / JobEvent without the spec URL: an eventTime plus a named dataset or job, and no run.
  return typeof o.eventTime === 'string' && !('run' in o) && (hasNamed(o.dataset) || (hasNamed(o.job) && 'producer' in o));
}

/** The OpenLineage JSON Schema document (spec/OpenLineage.json): a definition, not events. */
export function isOpenLineageSchema(v: unknown): boolean {
  const o = asObj(v);
  if (!o) return false;
  const defs = asObj(o.$defs);
  return (typeof o.$id === 'string' && SPEC.test(o.$id)) || (!!defs && 'RunEvent' in defs && typeof o.$schema === 'string');
}

export function isOpenLineage(v: unknown): boolean {
  if (Array.isArray(v)) return v.length > 0 && isOpenLineageEvent(v[0]);
  return isOpenLineageEvent(v) || isOpenLineageSchema(v);
}

function facetsOf(v: unknown): Obj | undefined {
  const o = asObj(v);
  return o && Object.keys(o).length ? o : undefined;
}

function datasets(raw: unknown, role: 'input' | 'output', diags: Diagnostic[], rec: SourceRecord): DatasetRef[] {
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) {
    diags.push(diag(rec, 'warning', 'openlineage.dataset', `"${role}s" is not an array; ignored`));
    return [];
  }
  const out: DatasetRef[] = [];
  for (const d of raw) {
    const o = asObj(d);
    if (!o || typeof o.namespace !== 'string' || typeof o.name !== 'string') {
      diags.push(diag(rec, 'warning', 'openlineage.dataset', `An ${role} dataset without namespace and name; skipped`));
      continue;
    }
    const ref: DatasetRef = { namespace: o.namespace, name: o.name };
    const facets = facetsOf(o.facets);
    if (facets) ref.facets = facets;
    const extra = facetsOf(role === 'input' ? o.inputFacets : o.outputFacets);
    if (extra && role === 'input') ref.inputFacets = extra;
    if (extra && role === 'output') ref.outputFacets = extra;
    out.push(ref);
  }
  return out;
}

function diag(rec: SourceRecord, severity: Diagnostic['severity'], code: string, message: string, line = rec.line): Diagnostic {
  return { severity, code, message, line, offset: rec.byteStart };
}

/** Line of `needle` in the record, searching from `from` (characters); the record line if absent. */
function lineOf(rec: SourceRecord, needle: string, from: number): { line: number; at: number } {
  const at = rec.text.indexOf(needle, from);
  if (at < 0) return { line: rec.line, at: from };
  let n = 0;
  for (let i = 0; i < at; i++) if (rec.text.charCodeAt(i) === 10) n++;
  return { line: rec.line + n, at };
}

interface RecordState {
  placeholders: string[];
  cursor: number;
}

function importEvent(raw: unknown, index: number, rec: SourceRecord, sink: ImportSink, st: RecordState): void {
  const where = index >= 0 ? `Event ${index + 1}` : 'The event';
  const o = asObj(raw);
  if (!o) {
    sink.diagnostics.push(diag(rec, 'error', 'openlineage.event', `${where} is not an object; skipped`));
    return;
  }
  let timeNs: bigint | undefined;
  if (typeof o.eventTime === 'string') {
    if (PLACEHOLDER.test(o.eventTime)) st.placeholders.push(o.eventTime);
    else {
      timeNs = nanosFromIso(o.eventTime);
      if (timeNs === undefined) {
        sink.diagnostics.push(
          diag(
            rec,
            'warning',
            'openlineage.eventTime',
            `${where}: eventTime ${JSON.stringify(o.eventTime.slice(0, 60))} is not an ISO-8601 time; kept without a time`,
          ),
        );
      }
    }
  } else {
    sink.diagnostics.push(diag(rec, 'warning', 'openlineage.eventTime', `${where} has no eventTime; kept without a time`));
  }

  const job = asObj(o.job);
  const run = asObj(o.run);
  const dataset = asObj(o.dataset);

  if (!run) {
    if (dataset && !job) {
      if (typeof dataset.namespace !== 'string' || typeof dataset.name !== 'string') {
        sink.diagnostics.push(
          diag(rec, 'error', 'openlineage.dataset', `${where}: DatasetEvent without dataset namespace and name; skipped`),
        );
        return;
      }
      const ds: DatasetRef = { namespace: dataset.namespace, name: dataset.name };
      const facets = facetsOf(dataset.facets);
      if (facets) ds.facets = facets;
      sink.lineageRuns.push({
        kind: 'dataset',
        runId: `dataset:${ds.namespace}/${ds.name}`,
        job: { namespace: '', name: '' },
        state: 'OTHER',
        inputs: [],
        outputs: [ds],
        ...(timeNs !== undefined ? { startNs: timeNs } : {}),
        line: rec.line,
      });
      return;
    }
    if (job && typeof job.namespace === 'string' && typeof job.name === 'string') {
      const facets = facetsOf(job.facets);
      sink.lineageRuns.push({
        kind: 'job',
        runId: `job:${job.namespace}/${job.name}`,
        job: { namespace: job.namespace, name: job.name, ...(facets ? { facets } : {}) },
        state: 'OTHER',
        inputs: datasets(o.inputs, 'input', sink.diagnostics, rec),
        outputs: datasets(o.outputs, 'output', sink.diagnostics, rec),
        ...(timeNs !== undefined ? { startNs: timeNs } : {}),
        line: rec.line,
      });
      return;
    }
    sink.diagnostics.push(diag(rec, 'error', 'openlineage.event', `${where} has no run, job or dataset; skipped`));
    return;
  }

  if (!nonEmpty(run.runId)) {
    sink.diagnostics.push(diag(rec, 'error', 'openlineage.runId', `${where} has no run.runId; skipped`));
    return;
  }
  if (!job || typeof job.namespace !== 'string' || typeof job.name !== 'string') {
    sink.diagnostics.push(diag(rec, 'error', 'openlineage.job', `${where} (run ${run.runId}) has no job namespace and name; skipped`));
    return;
  }
  let state: LineageRun['state'] = 'OTHER';
  if (typeof o.eventType === 'string') {
    const t = o.eventType.toUpperCase() as LineageRun['state'];
    if (EVENT_TYPES.has(t)) state = t;
    else {
      sink.diagnostics.push(
        diag(
          rec,
          'warning',
          'openlineage.eventType',
          `${where} (run ${run.runId}): unknown eventType ${JSON.stringify(o.eventType.slice(0, 40))}; read as OTHER`,
        ),
      );
    }
  }
  const located = lineOf(rec, `"${run.runId}"`, st.cursor);
  st.cursor = located.at;
  const runFacets = facetsOf(run.facets);
  const jobFacets = facetsOf(job.facets);
  const part: LineageRun = {
    runId: run.runId,
    job: { namespace: job.namespace, name: job.name, ...(jobFacets ? { facets: jobFacets } : {}) },
    state,
    inputs: datasets(o.inputs, 'input', sink.diagnostics, rec),
    outputs: datasets(o.outputs, 'output', sink.diagnostics, rec),
    line: located.line,
    ...runLinks(runFacets),
  };
  if (runFacets) part.facets = runFacets;
  if (timeNs !== undefined) {
    if (state === 'COMPLETE' || state === 'FAIL' || state === 'ABORT') part.endNs = timeNs;
    else part.startNs = timeNs;
  }
  sink.lineageRuns.push(part);
}

export function importOpenLineageValue(value: unknown, rec: SourceRecord, sink: ImportSink): void {
  if (!Array.isArray(value) && isOpenLineageSchema(value)) {
    const id = asObj(value)?.$id;
    sink.diagnostics.push(
      diag(
        rec,
        'error',
        'openlineage.schema',
        `This is the OpenLineage JSON Schema${typeof id === 'string' ? ` (${id})` : ''}: it defines events but holds none; nothing to import`,
      ),
    );
    return;
  }
  const st: RecordState = { placeholders: [], cursor: 0 };
  if (Array.isArray(value)) value.forEach((ev, i) => importEvent(ev, i, rec, sink, st));
  else importEvent(value, -1, rec, sink, st);
  if (st.placeholders.length) {
    const n = st.placeholders.length;
    const examples = [...new Set(st.placeholders)].slice(0, 2).join(', ');
    sink.diagnostics.push(
      diag(
        rec,
        'warning',
        'openlineage.eventTime.placeholder',
        `${n} event${n === 1 ? ' has a' : 's have'} template placeholder${n === 1 ? '' : 's'} instead of an eventTime (${examples}); kept without times`,
      ),
    );
  }
}
