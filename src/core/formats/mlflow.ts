// MLflow traces: `Trace.to_json()` v3 `{info:{trace_id:"tr-…", …, assessments}, data:{spans}}`,
// v2 `{info:{request_id, …}, data:{spans, request, response}}` (spans with `context` and
// `0x` ids), and the file store's `traces.json` `{spans:[…]}`. Span attribute values are JSON
// literals (`"\"LLM\""`) and are decoded. Span ids are OTel ids (base64 or hex) normalised to
// lowercase hex, so spans join OTLP exports of the same run; the MLflow trace id stays in
// `mlflow.traceRequestId`. Assessments with feedback become feedback on their span (or the root).

import type { Diagnostic } from '../model/diagnostic';
import type { Attributes, Feedback, Span, SpanEvent, StatusCode } from '../model/span';
import { newAttributes, plainToAttr } from './anyValue';
import { parseJson, text } from './attrs';
import { isZeroId, normalizeOtlpId } from './ids';
import type { RecordImporter, SourceRecord } from './importResult';
import { asArr, asObj, clampEnd, diag, idStr, keepRest, type Obj, optStr, recordRange } from './jsonShapes';
import { mlflowKind } from './mapKind';
import { mapSemantics } from './mapSemantics';
import { nanosFrom, nanosFromIso } from './time';
import { lookupTable } from './lookupTable';

function hasMlflowAttributes(span: unknown): boolean {
  const a = asObj(asObj(span)?.attributes);
  return !!a && Object.keys(a).some((k) => k.startsWith('mlflow.'));
}

export function isMlflow(value: unknown): boolean {
  const o = asObj(value);
  if (!o) return false;
  const info = asObj(o.info);
  const data = asObj(o.data);
  if (info && data && Array.isArray(data.spans)) return true;
  return Array.isArray(o.spans) && o.spans.length > 0 && hasMlflowAttributes(o.spans[0]);
}

const STATUS = lookupTable<StatusCode>({
  STATUS_CODE_OK: 'ok',
  STATUS_CODE_ERROR: 'error',
  STATUS_CODE_UNSET: 'unset',
  OK: 'ok',
  ERROR: 'error',
  UNSET: 'unset',
  '0': 'unset',
  '1': 'ok',
  '2': 'error',
});

export const importMlflowValue: RecordImporter = (value, rec, sink) => {
  const o = asObj(value) ?? {};
  const info = asObj(o.info);
  const data = asObj(o.data);
  const rawSpans = asArr(data?.spans ?? o.spans);
  const traceKey = idStr(info?.trace_id) ?? idStr(info?.request_id);
  const meta = metadataOf(info);
  const spans: Span[] = [];
  for (const raw of rawSpans) {
    const span = readSpan(asObj(raw), traceKey, meta, rec, sink.diagnostics);
    if (span) spans.push(span);
  }
  if (rawSpans.length === 0) sink.diagnostics.push(diag(rec, 'warning', 'source.noSpans', `MLflow trace ${traceKey ?? ''} has no spans`));
  const roots = spans.filter((s) => s.parentId === undefined || !spans.some((p) => p.spanId === s.parentId));
  const root = roots.sort((a, b) => (a.startNs < b.startNs ? -1 : a.startNs > b.startNs ? 1 : 0))[0];
  if (root && info) traceInfo(root.attributes, info, data);
  for (const as of asArr(info?.assessments)) {
    const ao = asObj(as);
    if (!ao) continue;
    const sid = normalizeOtlpId(ao.span_id, 8);
    const target = (sid ? spans.find((s) => s.spanId === sid) : undefined) ?? root;
    if (!target) continue;
    const fb = assessmentFeedback(ao);
    if (fb) target.feedback = [...(target.feedback ?? []), fb];
    else {
      const list = Array.isArray(target.attributes['mlflow.expectations']) ? (target.attributes['mlflow.expectations'] as unknown[]) : [];
      target.attributes['mlflow.expectations'] = plainToAttr([...list, ao]);
    }
  }
  sink.spans.push(...spans);
};

interface TraceMeta {
  session?: string;
  user?: string;
}

function metadataOf(info: Obj | undefined): TraceMeta {
  const md = kvMap(info?.trace_metadata ?? info?.request_metadata);
  return { session: optStr(md['mlflow.trace.session']), user: optStr(md['mlflow.trace.user']) };
}

/** v2 stores tags/metadata as `[{key, value}]`, v3 as objects. */
function kvMap(raw: unknown): Obj {
  if (Array.isArray(raw)) {
    const out = Object.create(null) as Obj;
    for (const kv of raw) {
      const o = asObj(kv);
      if (o && typeof o.key === 'string') out[o.key] = o.value;
    }
    return out;
  }
  return asObj(raw) ?? {};
}

const SPAN_FIELDS = new Set([
  'trace_id',
  'span_id',
  'parent_span_id',
  'parent_id',
  'context',
  'name',
  'start_time_unix_nano',
  'end_time_unix_nano',
  'start_time',
  'end_time',
  'status',
  'status_code',
  'status_message',
  'attributes',
  'events',
]);

function readSpan(
  o: Obj | undefined,
  traceKey: string | undefined,
  meta: TraceMeta,
  rec: SourceRecord,
  diags: Diagnostic[],
): Span | undefined {
  if (!o) {
    diags.push(diag(rec, 'error', 'record.notObject', 'An MLflow span that is not an object; skipped'));
    return undefined;
  }
  const ctx = asObj(o.context);
  const spanId = normalizeOtlpId(o.span_id ?? ctx?.span_id, 8);
  const traceId = normalizeOtlpId(o.trace_id ?? ctx?.trace_id, 16) ?? traceKey;
  if (!spanId || !traceId) {
    diags.push(diag(rec, 'error', 'span.noId', `MLflow span "${String(o.name ?? '')}" has no span or trace id; skipped`, optStr(o.name)));
    return undefined;
  }
  const parent = normalizeOtlpId(o.parent_span_id ?? o.parent_id, 8);
  const a = decodeAttributes(o.attributes);
  keepRest(a, o, SPAN_FIELDS, 'mlflow.span.');
  const status = asObj(o.status);
  let startNs = nanosFrom(o.start_time_unix_nano) ?? timeValue(o.start_time);
  if (startNs === undefined) {
    diags.push(diag(rec, 'warning', 'span.noTime', `MLflow span ${spanId} has no start time`));
    startNs = 0n;
  }
  const span: Span = {
    traceId,
    spanId,
    parentId: isZeroId(parent) ? undefined : parent,
    name: typeof o.name === 'string' ? o.name : '',
    kind: mlflowKind(a['mlflow.spanType']) ?? 'span',
    startNs,
    endNs: nanosFrom(o.end_time_unix_nano) ?? timeValue(o.end_time) ?? startNs,
    status: STATUS[String(status?.code ?? status?.status_code ?? o.status_code ?? 'UNSET').toUpperCase()] ?? 'unset',
    statusMessage: optStr(status?.message ?? status?.description) ?? optStr(o.status_message),
    sessionId: meta.session,
    userId: meta.user,
    input: text(a['mlflow.spanInputs']),
    output: text(a['mlflow.spanOutputs']),
    attributes: a,
    events: asArr(o.events).map(eventOf),
    range: recordRange(rec),
  };
  clampEnd(span, rec, diags);
  mapSemantics(span);
  if ((span.kind === 'llm' || span.kind === 'embedding') && !span.model?.requested) {
    const inputs = asObj(a['mlflow.spanInputs']);
    const model = optStr(a.model) ?? optStr(a.model_name) ?? optStr(inputs?.model);
    if (model) span.model = { ...span.model, requested: model };
  }
  if (span.kind === 'tool' && !span.tool) {
    span.tool = { name: optStr(a['mlflow.spanFunctionName']) ?? span.name };
    if (span.input !== undefined) span.tool.arguments = span.input;
    if (span.output !== undefined) span.tool.result = span.output;
  }
  if (optStr(a['mlflow.spanFunctionName']) && !span.code) span.code = { function: a['mlflow.spanFunctionName'] as string };
  return span;
}

/** v2 times: ns as a number (or digit string), or ISO text. */
function timeValue(raw: unknown): bigint | undefined {
  return typeof raw === 'string' && raw.includes('-') ? nanosFromIso(raw) : nanosFrom(raw);
}

/** Every MLflow attribute value is a JSON literal: decode it, keep the raw text when it is not JSON. */
function decodeAttributes(raw: unknown): Attributes {
  const out = newAttributes();
  for (const [k, v] of Object.entries(asObj(raw) ?? {})) {
    if (typeof v !== 'string') {
      out[k] = plainToAttr(v);
      continue;
    }
    let decoded: unknown;
    try {
      decoded = JSON.parse(v);
    } catch {
      decoded = v;
    }
    out[k] = plainToAttr(decoded);
  }
  return out;
}

function eventOf(raw: unknown): SpanEvent {
  const e = asObj(raw) ?? {};
  return {
    name: typeof e.name === 'string' ? e.name : '',
    timeNs: nanosFrom(e.time_unix_nano) ?? timeValue(e.timestamp),
    attributes: decodeAttributes(e.attributes),
  };
}

const INFO_FIELDS = new Set(['assessments', 'trace_metadata', 'request_metadata', 'tags']);

/** The trace's `info` (and v2's request/response) on the root span, under `mlflow.trace.*`. */
function traceInfo(a: Attributes, info: Obj, data: Obj | undefined): void {
  keepRest(a, info, INFO_FIELDS, 'mlflow.trace.');
  for (const [k, v] of Object.entries(kvMap(info.trace_metadata ?? info.request_metadata))) {
    if (v !== null && v !== undefined) a[`mlflow.trace.metadata.${k}`] = plainToAttr(typeof v === 'string' ? (parseJson(v) ?? v) : v);
  }
  for (const [k, v] of Object.entries(kvMap(info.tags))) if (v !== null && v !== undefined) a[`mlflow.trace.tag.${k}`] = plainToAttr(v);
  if (data) keepRest(a, data, new Set(['spans']), 'mlflow.trace.');
}

function assessmentFeedback(ao: Obj): Feedback | undefined {
  const fb = asObj(ao.feedback);
  if (!fb) return undefined;
  const f: Feedback = { name: String(ao.assessment_name ?? ao.name ?? '') };
  const v = fb.value;
  if (typeof v === 'number') f.score = v;
  else if (typeof v === 'boolean') {
    f.score = v ? 1 : 0;
    f.label = String(v);
  } else if (v !== null && v !== undefined) f.label = text(v);
  const comment = optStr(ao.rationale) ?? optStr(asObj(fb.error)?.error_message);
  if (comment) f.comment = comment;
  const source = optStr(asObj(ao.source)?.source_type);
  if (source) f.source = source;
  return f;
}
