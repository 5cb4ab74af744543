// Langfuse: UI/API trace exports `{trace:{…, observations, scores}, observations:[…]}` (the two
// observation lists are merged by id: the top-level copy carries input/output/metadata the nested
// one leaves null), the public API's trace object with nested observations and scores, `{data:[…],
// meta}` list pages (traces, observations or scores), and bare observation arrays.
// An observation reads as the span Langfuse's OTel contract describes: `langfuse.observation.*`
// (type, level, model, usage_details, prompt…), plus the OTel attributes Langfuse kept in
// `metadata.attributes`. Trace fields go on the trace's root observation as `langfuse.trace.*`;
// scores become feedback on their observation, or on the trace's root. Ids are kept as given.

import type { Diagnostic } from '../model/diagnostic';
import type { Feedback, Span, ToolCall } from '../model/span';
import { newAttributes, plainToAttr } from './anyValue';
import { parseJson, text } from './attrs';
import type { RecordImporter, SourceRecord } from './importResult';
import { asArr, asObj, clampEnd, diag, idStr, keepRest, type Obj, optStr, recordRange } from './jsonShapes';
import { langfuseKind } from './mapKind';
import { mapSemantics } from './mapSemantics';
import { nanosFromEpoch, nanosFromIso } from './time';

const isTrace = (o: Obj | undefined): boolean =>
  !!o && typeof o.id === 'string' && 'projectId' in o && 'timestamp' in o && !('type' in o) && !('dataType' in o);
const isObservation = (o: Obj | undefined): boolean =>
  !!o && typeof o.id === 'string' && typeof o.traceId === 'string' && typeof o.type === 'string' && 'startTime' in o;
const isScore = (o: Obj | undefined): boolean =>
  !!o && typeof o.name === 'string' && ('value' in o || 'stringValue' in o) && ('dataType' in o || 'source' in o) && 'traceId' in o;

export function isLangfuse(value: unknown): boolean {
  if (Array.isArray(value)) return value.length > 0 && isObservation(asObj(value[0]));
  const o = asObj(value);
  if (!o) return false;
  const t = asObj(o.trace);
  if (t && (Array.isArray(o.observations) || Array.isArray(t.observations))) return true;
  if (isTrace(o) && (Array.isArray(o.observations) || Array.isArray(o.scores))) return true;
  if (Array.isArray(o.data) && asObj(o.meta) && o.data.length > 0) {
    const first = asObj(o.data[0]);
    return isTrace(first) || isObservation(first) || isScore(first);
  }
  return isObservation(o);
}

interface Gathered {
  traces: Map<string, Obj>;
  observations: Map<string, Obj>;
  scores: Obj[];
}

export const importLangfuseValue: RecordImporter = (value, rec, sink) => {
  const g: Gathered = { traces: new Map(), observations: new Map(), scores: [] };
  gather(value, g, rec, sink.diagnostics);
  const spans: Span[] = [];
  const byId = new Map<string, Span>();
  for (const o of g.observations.values()) {
    const trace = g.traces.get(String(o.traceId ?? ''));
    const span = observationSpan(o, trace, rec, sink.diagnostics);
    if (!span) continue;
    spans.push(span);
    byId.set(`${span.traceId}\u0000${span.spanId}`, span);
  }
  // The root of each trace carries the trace's own fields and its trace-level scores.
  const roots = new Map<string, Span>();
  for (const s of spans) {
    if (s.parentId !== undefined && byId.has(`${s.traceId}\u0000${s.parentId}`)) continue;
    const cur = roots.get(s.traceId);
    if (!cur || s.startNs < cur.startNs) roots.set(s.traceId, s);
  }
  for (const [id, trace] of g.traces) {
    const root = roots.get(id);
    if (root) traceFields(root.attributes, trace);
    else {
      const span = traceSpan(trace, rec, sink.diagnostics);
      spans.push(span);
      roots.set(id, span);
    }
  }
  let unmatched = 0;
  for (const sc of g.scores) {
    const traceId = String(sc.traceId ?? '');
    const obsId = idStr(sc.observationId);
    const target = (obsId ? byId.get(`${traceId}\u0000${obsId}`) : undefined) ?? roots.get(traceId);
    if (!target) {
      unmatched++;
      continue;
    }
    target.feedback = [...(target.feedback ?? []), scoreFeedback(sc)];
  }
  if (unmatched) {
    sink.diagnostics.push(diag(rec, 'info', 'feedback.noRun', `${unmatched} Langfuse score(s) refer to traces not in this source`));
  }
  sink.spans.push(...spans);
};

function gather(value: unknown, g: Gathered, rec: SourceRecord, diags: Diagnostic[]): void {
  const addObs = (list: unknown): void => {
    for (const x of asArr(list)) {
      const o = asObj(x);
      if (!o || !isObservation(o)) {
        // The trace list API names observations by id only.
        if (typeof x !== 'string')
          diags.push(diag(rec, 'warning', 'record.unknown', 'A Langfuse observation without id/traceId/type/startTime; skipped'));
        continue;
      }
      const prev = g.observations.get(o.id as string);
      g.observations.set(o.id as string, prev ? mergeNonNull(prev, o) : o);
    }
  };
  const addTrace = (t: Obj): void => {
    g.traces.set(t.id as string, t);
    addObs(t.observations);
    for (const s of asArr(t.scores)) if (isScore(asObj(s))) g.scores.push(s as Obj);
  };
  if (Array.isArray(value)) return addObs(value);
  const o = asObj(value);
  if (!o) return;
  const t = asObj(o.trace);
  if (t) {
    if (typeof t.id === 'string') addTrace(t);
    else addObs(t.observations);
    addObs(o.observations);
    for (const s of asArr(o.scores)) if (isScore(asObj(s))) g.scores.push(s as Obj);
    return;
  }
  if (isTrace(o)) return addTrace(o);
  if (Array.isArray(o.data)) {
    for (const x of o.data) {
      const item = asObj(x);
      if (item && isTrace(item)) addTrace(item);
      else if (item && isObservation(item)) addObs([item]);
      else if (item && isScore(item)) g.scores.push(item);
      else diags.push(diag(rec, 'warning', 'record.unknown', 'A Langfuse list item that is not a trace, observation or score; skipped'));
    }
    return;
  }
  addObs([o]);
}

/** `b`'s values over `a`'s, except where `b` carries nothing (null, "{}" metadata). */
function mergeNonNull(a: Obj, b: Obj): Obj {
  const out: Obj = Object.assign(Object.create(null) as Obj, a);
  for (const [k, v] of Object.entries(b)) {
    if (v === null || v === undefined) continue;
    if (k === 'metadata' && (v === '{}' || (asObj(v) && Object.keys(v as Obj).length === 0)) && out[k]) continue;
    out[k] = v;
  }
  return out;
}

const OBS_FIELDS = new Set([
  'id',
  'traceId',
  'parentObservationId',
  'type',
  'name',
  'startTime',
  'endTime',
  'level',
  'statusMessage',
  'model',
  'modelParameters',
  'usageDetails',
  'costDetails',
  'completionStartTime',
  'promptName',
  'promptVersion',
  'input',
  'output',
  'metadata',
]);

function observationSpan(o: Obj, trace: Obj | undefined, rec: SourceRecord, diags: Diagnostic[]): Span | undefined {
  const spanId = o.id as string;
  const traceId = idStr(o.traceId) ?? idStr(trace?.id);
  if (!traceId) {
    diags.push(diag(rec, 'error', 'span.noId', `Langfuse observation ${spanId} has no traceId; skipped`, spanId));
    return undefined;
  }
  const a = newAttributes();
  const span: Span = {
    traceId,
    spanId,
    parentId: idStr(o.parentObservationId),
    name: typeof o.name === 'string' ? o.name : '',
    kind: langfuseKind(String(o.type)) ?? 'span',
    startNs: 0n,
    endNs: 0n,
    status: o.level === 'ERROR' ? 'error' : 'unset',
    statusMessage: optStr(o.statusMessage),
    sessionId: optStr(trace?.sessionId),
    userId: optStr(trace?.userId),
    attributes: a,
    events: [],
    range: recordRange(rec),
  };
  times(span, o.startTime, o.endTime, rec, diags);
  readMetadata(span, o.metadata, 'langfuse.observation.metadata');
  const set = (k: string, v: unknown): void => {
    if (v === null || v === undefined || (typeof v === 'object' && Object.keys(v).length === 0)) return;
    a[k] = plainToAttr(v);
  };
  set('langfuse.observation.type', o.type);
  set('langfuse.observation.level', o.level);
  set('langfuse.observation.status_message', o.statusMessage);
  set('langfuse.observation.model.name', o.model);
  set('langfuse.observation.model.parameters', o.modelParameters);
  set('langfuse.observation.usage_details', o.usageDetails);
  set('langfuse.observation.cost_details', o.costDetails);
  set('langfuse.observation.completion_start_time', o.completionStartTime);
  set('langfuse.observation.prompt.name', o.promptName);
  set('langfuse.observation.prompt.version', o.promptVersion);
  set('langfuse.observation.input', typeof o.input === 'string' || o.input === null ? o.input : JSON.stringify(o.input));
  set('langfuse.observation.output', typeof o.output === 'string' || o.output === null ? o.output : JSON.stringify(o.output));
  keepRest(a, o, OBS_FIELDS, 'langfuse.observation.');
  const declared = span.kind;
  mapSemantics(span);
  // SPAN and EVENT leave the kind to the OTel attributes, but Langfuse decided they are no generation.
  if (declared === 'span' && span.kind === 'llm') span.kind = 'span';
  if (span.kind === 'llm' && !span.outputMessages && typeof o.output === 'string' && o.output && parseJson(o.output) === undefined) {
    span.outputMessages = [{ role: 'assistant', content: o.output }];
  }
  if (!span.toolCalls) {
    const calls = toolCallsOf(o);
    if (calls.length) span.toolCalls = calls;
  }
  if (span.kind === 'tool' && !span.tool) {
    span.tool = { name: span.name, arguments: text(parseJson(o.input) ?? o.input), result: text(parseJson(o.output) ?? o.output) };
    if (span.tool.arguments === undefined) delete span.tool.arguments;
    if (span.tool.result === undefined) delete span.tool.result;
  }
  if (span.cost === undefined && typeof o.totalCost === 'number' && o.totalCost > 0) span.cost = o.totalCost;
  return span;
}

/** Langfuse `toolCalls` (JSON strings `{id, arguments, type, index}`) named by `toolCallNames`. */
function toolCallsOf(o: Obj): ToolCall[] {
  const names = asArr(o.toolCallNames);
  return asArr(o.toolCalls).flatMap((raw, i) => {
    const c = asObj(parseJson(raw) ?? raw);
    if (!c) return [];
    const call: ToolCall = { name: String(c.name ?? names[i] ?? '') };
    const id = optStr(c.id);
    if (id) call.id = id;
    const args = text(c.arguments);
    if (args !== undefined) call.arguments = args;
    return [call];
  });
}

function times(span: Span, start: unknown, end: unknown, rec: SourceRecord, diags: Diagnostic[], latencyS?: unknown): void {
  const s = nanosFromIso(start);
  let e = nanosFromIso(end);
  if (s === undefined) diags.push(diag(rec, 'warning', 'span.noTime', `Langfuse item ${span.spanId} has no start time`, span.spanId));
  span.startNs = s ?? e ?? 0n;
  if (e === undefined && latencyS !== undefined) {
    const d = nanosFromEpoch(latencyS, 's');
    if (d !== undefined) e = span.startNs + d;
  }
  span.endNs = e ?? span.startNs;
  clampEnd(span, rec, diags);
}

/**
 * Langfuse `metadata` (a JSON string or object). OTel-ingested data keeps the span's attributes,
 * resource and scope there: those become the span's own; other keys are kept under `prefix.*`.
 */
function readMetadata(span: Span, raw: unknown, prefix: string): void {
  if (raw === null || raw === undefined || raw === '') return;
  const md = asObj(typeof raw === 'string' ? parseJson(raw) : raw);
  if (!md) {
    span.attributes[prefix] = plainToAttr(raw);
    return;
  }
  for (const [k, v] of Object.entries(asObj(md.attributes) ?? {})) span.attributes[k] = plainToAttr(v);
  const res = asObj(md.resourceAttributes);
  if (res) {
    span.resource = newAttributes();
    for (const [k, v] of Object.entries(res)) span.resource[k] = plainToAttr(v);
  }
  const scope = asObj(md.scope);
  if (scope) {
    span.scope = { name: optStr(scope.name), version: optStr(scope.version) };
    if (asObj(scope.attributes)) span.attributes['langfuse.scope.attributes'] = plainToAttr(scope.attributes);
  }
  keepRest(span.attributes, md, new Set(['attributes', 'resourceAttributes', 'scope']), `${prefix}.`);
}

const TRACE_FIELDS = new Set(['id', 'observations', 'scores', 'userId', 'sessionId', 'metadata']);

function traceFields(a: Span['attributes'], t: Obj): void {
  if (optStr(t.userId)) a['langfuse.user.id'] = t.userId as string;
  if (optStr(t.sessionId)) a['langfuse.session.id'] = t.sessionId as string;
  const md = t.metadata === null || t.metadata === undefined ? undefined : (parseJson(t.metadata) ?? t.metadata);
  if (md !== undefined) a['langfuse.trace.metadata'] = plainToAttr(md);
  // Observations may list their children's ids only; the count is kept, the ids are not data.
  if (asArr(t.observations).some((x) => typeof x === 'string')) a['langfuse.trace.observationIds'] = plainToAttr(t.observations);
  keepRest(a, t, TRACE_FIELDS, 'langfuse.trace.');
}

/** A trace with no observations in this source is shown as one span. */
function traceSpan(t: Obj, rec: SourceRecord, diags: Diagnostic[]): Span {
  const span: Span = {
    traceId: t.id as string,
    spanId: t.id as string,
    name: typeof t.name === 'string' ? t.name : '',
    kind: 'span',
    startNs: 0n,
    endNs: 0n,
    status: 'unset',
    sessionId: optStr(t.sessionId),
    userId: optStr(t.userId),
    attributes: newAttributes(),
    events: [],
    range: recordRange(rec),
  };
  times(span, t.timestamp, undefined, rec, diags, t.latency);
  readMetadata(span, t.metadata, 'langfuse.trace.metadata');
  traceFields(span.attributes, { ...t, metadata: null });
  if (typeof t.input === 'string' || t.input) span.input = typeof t.input === 'string' ? t.input : JSON.stringify(t.input);
  if (typeof t.output === 'string' || t.output) span.output = typeof t.output === 'string' ? t.output : JSON.stringify(t.output);
  return mapSemantics(span);
}

function scoreFeedback(sc: Obj): Feedback {
  const f: Feedback = { name: String(sc.name) };
  if (typeof sc.value === 'number') f.score = sc.value;
  const label = optStr(sc.stringValue) ?? optStr(sc.longStringValue);
  if (label) f.label = label;
  const comment = optStr(sc.comment);
  if (comment) f.comment = comment;
  const source = optStr(sc.source);
  if (source) f.source = source;
  return f;
}
