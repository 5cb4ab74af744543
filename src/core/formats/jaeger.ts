// Jaeger JSON: the query API `{data:[trace…], errors}`, a single UI trace `{traceID, spans,
// processes}`, and span arrays with an embedded `process` (anonymizer output). Times are epoch
// µs, scaled to ns exactly. The parent is the first CHILD_OF reference in the same trace (then
// FOLLOWS_FROM, then the legacy `parentSpanID`), as Jaeger itself picks it; other references
// are kept in `jaeger.references`. Tags become attributes, so `gen_ai.*` tags map like OTLP
// attributes; `otel.status_code`/`error=true` mark errors; the process is the resource.

import type { Diagnostic } from '../model/diagnostic';
import type { AttrValue, Attributes, Span, SpanEvent, StatusCode } from '../model/span';
import { newAttributes, plainToAttr } from './anyValue';
import { isZeroId } from './ids';
import type { RecordImporter, SourceRecord } from './importResult';
import { asArr, asObj, clampEnd, diag, idStr, keepRest, type Obj, optStr, recordRange } from './jsonShapes';
import { mapSemantics } from './mapSemantics';
import { nanosFromEpoch } from './time';

const isSpan = (v: unknown): boolean => {
  const o = asObj(v);
  return !!o && typeof o.traceID === 'string' && typeof o.spanID === 'string';
};
const isTrace = (v: unknown): boolean => {
  const o = asObj(v);
  return !!o && typeof o.traceID === 'string' && Array.isArray(o.spans);
};

export function isJaeger(value: unknown): boolean {
  if (Array.isArray(value)) return value.length > 0 && (isSpan(value[0]) || isTrace(value[0]));
  const o = asObj(value);
  if (!o) return false;
  if (Array.isArray(o.data)) return o.data.length > 0 ? isTrace(o.data[0]) : 'errors' in o && 'total' in o;
  return isTrace(o) || isSpan(o);
}

export const importJaegerValue: RecordImporter = (value, rec, sink) => {
  const o = asObj(value);
  const traces: Obj[] = [];
  if (Array.isArray(value)) {
    if (value.some(isTrace)) traces.push(...value.filter(isTrace).map((t) => t as Obj));
    else traces.push({ spans: value });
  } else if (o && Array.isArray(o.data)) {
    for (const t of o.data) {
      if (isTrace(t)) traces.push(t as Obj);
      else sink.diagnostics.push(diag(rec, 'warning', 'record.unknown', 'A Jaeger "data" entry that is not a trace; skipped'));
    }
    for (const e of asArr(o.errors)) {
      const eo = asObj(e);
      const msg = optStr(eo?.msg) ?? optStr(eo?.message) ?? (typeof e === 'string' ? e : JSON.stringify(e));
      sink.diagnostics.push(diag(rec, 'warning', 'source.reportedError', `The Jaeger query reported an error: ${msg}`));
    }
  } else if (o && isTrace(o)) traces.push(o);
  else if (o) traces.push({ spans: [o] });
  for (const t of traces) {
    const processes = asObj(t.processes) ?? {};
    for (const raw of asArr(t.spans)) {
      const span = readSpan(asObj(raw), processes, rec, sink.diagnostics);
      if (span) sink.spans.push(span);
    }
  }
};

const SPAN_FIELDS = new Set([
  'traceID',
  'spanID',
  'parentSpanID',
  'operationName',
  'references',
  'startTime',
  'duration',
  'tags',
  'logs',
  'process',
]);

/** Hex ids lowercased (encoders differ in case); other ids kept as given. */
function jaegerId(v: unknown): string | undefined {
  const s = idStr(v);
  return s && /^[0-9a-fA-F]+$/.test(s) ? s.toLowerCase() : s;
}

function readSpan(o: Obj | undefined, processes: Obj, rec: SourceRecord, diags: Diagnostic[]): Span | undefined {
  const traceId = jaegerId(o?.traceID);
  const spanId = jaegerId(o?.spanID);
  if (!o || !traceId || !spanId) {
    diags.push(diag(rec, 'error', 'span.noId', `Jaeger span "${String(o?.operationName ?? '')}" has no traceID or spanID; skipped`));
    return undefined;
  }
  const refs = asArr(o.references)
    .map(asObj)
    .filter((r): r is Obj => !!r);
  const sameTrace = (r: Obj): boolean => jaegerId(r.traceID) === traceId;
  const parentRef =
    refs.find((r) => r.refType === 'CHILD_OF' && sameTrace(r)) ?? refs.find((r) => r.refType === 'FOLLOWS_FROM' && sameTrace(r));
  const legacyParent = jaegerId(o.parentSpanID);
  const parentId = jaegerId(parentRef?.spanID) ?? (isZeroId(legacyParent) ? undefined : legacyParent);

  const a = tagsOf(o.tags);
  // The UI inlines the referenced span into each reference; it is in the list itself, so it is not kept twice.
  const otherRefs = refs.filter((r) => r !== parentRef).map(({ span: _inlined, ...r }) => r);
  if (otherRefs.length) a['jaeger.references'] = plainToAttr(otherRefs);
  keepRest(a, o, SPAN_FIELDS, 'jaeger.');

  const proc = asObj(o.process) ?? asObj(processes[String(o.processID ?? '')]);
  const resource = tagsOf(proc?.tags);
  if (typeof proc?.serviceName === 'string') resource['service.name'] = proc.serviceName;

  let startNs = nanosFromEpoch(o.startTime, 'us');
  if (startNs === undefined) {
    diags.push(diag(rec, 'warning', 'span.noTime', `Jaeger span ${spanId} has no startTime`, spanId));
    startNs = 0n;
  }
  const dur = nanosFromEpoch(o.duration, 'us');
  const code = String(a['otel.status_code'] ?? '').toUpperCase();
  const failed = code === 'ERROR' || a.error === true || a.error === 'true';
  const status: StatusCode = failed ? 'error' : code === 'OK' ? 'ok' : 'unset';
  const scopeName = optStr(a['otel.scope.name']) ?? optStr(a['otel.library.name']);
  const span: Span = {
    traceId,
    spanId,
    parentId: parentId === spanId ? undefined : parentId,
    name: typeof o.operationName === 'string' ? o.operationName : '',
    kind: 'span',
    startNs,
    endNs: startNs + (dur ?? 0n),
    status,
    statusMessage: optStr(a['otel.status_description']),
    attributes: a,
    resource,
    scope: scopeName ? { name: scopeName, version: optStr(a['otel.scope.version']) ?? optStr(a['otel.library.version']) } : undefined,
    events: asArr(o.logs).map(logEvent),
    range: recordRange(rec),
  };
  if (o.duration !== undefined && dur === undefined) {
    diags.push(diag(rec, 'warning', 'span.badTime', `Jaeger span ${spanId} has an unreadable duration`, spanId));
  }
  clampEnd(span, rec, diags);
  return mapSemantics(span);
}

/** Jaeger KeyValues `[{key, type, value}]`: int64 kept as digits past 2^53, binary kept base64. */
function tagsOf(raw: unknown): Attributes {
  const out = newAttributes();
  for (const t of asArr(raw)) {
    const o = asObj(t);
    if (!o || typeof o.key !== 'string') continue;
    out[o.key] = tagValue(String(o.type ?? '').toLowerCase(), o.value);
  }
  return out;
}

function tagValue(type: string, v: unknown): AttrValue {
  if (type === 'bool' || type === 'boolean') return v === true || v === 'true';
  if (type === 'int64' && typeof v === 'string' && /^-?\d+$/.test(v)) return Number.isSafeInteger(Number(v)) ? Number(v) : v;
  if (type === 'float64' && typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return Number(v);
  return plainToAttr(v);
}

function logEvent(raw: unknown): SpanEvent {
  const l = asObj(raw) ?? {};
  const attributes = tagsOf(l.fields);
  const name = optStr(attributes.event) ?? optStr(attributes.message) ?? 'log';
  return { name, timeNs: nanosFromEpoch(l.timestamp, 'us'), attributes };
}
