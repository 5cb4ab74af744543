// OpenTelemetry Python SDK JSON: `ReadableSpan.to_json()` / ConsoleSpanExporter objects
// `{name, context:{trace_id:"0x…", span_id:"0x…"}, kind:"SpanKind.INTERNAL", parent_id, start_time,
// end_time (ISO), status:{status_code, description}, attributes:{flat}, events, links, resource}`,
// one per JSON Lines record or in an array. The same SDK's `LogRecord.to_json()` objects
// (`body`, `severity_text`, `observed_timestamp`…, e.g. AgentOps' log capture) are logs, not
// spans: they are recognised and reported, never mistaken for spans.

import type { Diagnostic } from '../model/diagnostic';
import type { Attributes, Span, StatusCode } from '../model/span';
import { newAttributes, plainToAttr } from './anyValue';
import { isZeroId, normalizeOtlpId } from './ids';
import type { RecordImporter, SourceRecord } from './importResult';
import { asArr, asObj, clampEnd, diag, keepRest, type Obj, optStr, recordRange } from './jsonShapes';
import { mapSemantics } from './mapSemantics';
import { nanosFromIso } from './time';
import { lookupTable } from './lookupTable';

export function isOtelPythonSpan(v: unknown): boolean {
  const o = asObj(v);
  const ctx = asObj(o?.context);
  return !!o && !!ctx && typeof ctx.trace_id === 'string' && typeof o.kind === 'string' && o.kind.startsWith('SpanKind.');
}

export function isOtelPythonLog(v: unknown): boolean {
  const o = asObj(v);
  return !!o && 'body' in o && ('severity_text' in o || 'severity_number' in o) && ('observed_timestamp' in o || 'timestamp' in o);
}

const isItem = (v: unknown): boolean => isOtelPythonSpan(v) || isOtelPythonLog(v);

export function isOtelPythonJson(value: unknown): boolean {
  return Array.isArray(value) ? value.length > 0 && isItem(value[0]) : isItem(value);
}

const STATUS = lookupTable<StatusCode>({ UNSET: 'unset', OK: 'ok', ERROR: 'error' });
const SPAN_FIELDS = new Set([
  'name',
  'context',
  'kind',
  'parent_id',
  'start_time',
  'end_time',
  'status',
  'attributes',
  'events',
  'resource',
]);

export const importOtelPythonValue: RecordImporter = (value, rec, sink) => {
  let logs = 0;
  let other = 0;
  for (const item of Array.isArray(value) ? value : [value]) {
    if (isOtelPythonSpan(item)) {
      const span = readSpan(item as Obj, rec, sink.diagnostics);
      if (span) sink.spans.push(span);
    } else if (isOtelPythonLog(item)) logs++;
    else other++;
  }
  if (logs) {
    sink.diagnostics.push(
      diag(
        rec,
        'warning',
        'otel.logRecords',
        `${logs} OpenTelemetry log record${logs === 1 ? '' : 's'} (LogRecord.to_json: body, severity_text, timestamp) — logs, not spans; not imported`,
      ),
    );
  }
  if (other)
    sink.diagnostics.push(diag(rec, 'warning', 'record.unknown', `${other} item(s) are neither OTel spans nor log records; skipped`));
};

function readSpan(o: Obj, rec: SourceRecord, diags: Diagnostic[]): Span | undefined {
  const ctx = asObj(o.context) ?? {};
  const traceId = normalizeOtlpId(ctx.trace_id, 16);
  const spanId = normalizeOtlpId(ctx.span_id, 8);
  if (!traceId || !spanId) {
    diags.push(diag(rec, 'error', 'span.noId', `OTel span "${String(o.name ?? '')}" has no trace or span id; skipped`));
    return undefined;
  }
  const parent = normalizeOtlpId(o.parent_id, 8);
  const attributes = flat(o.attributes);
  if (typeof o.kind === 'string') attributes['otel.span.kind'] = o.kind.replace(/^SpanKind\./, '');
  if (ctx.trace_state !== undefined && ctx.trace_state !== '[]') attributes['otel.trace_state'] = plainToAttr(ctx.trace_state);
  if (asArr(o.links).length) attributes['otel.links'] = plainToAttr(o.links);
  keepRest(attributes, o, new Set([...SPAN_FIELDS, 'links']), 'otel.');
  const status = asObj(o.status) ?? {};
  let startNs = nanosFromIso(o.start_time);
  if (startNs === undefined) {
    diags.push(diag(rec, 'warning', 'span.noTime', `OTel span ${spanId} has no start_time`, String(ctx.span_id)));
    startNs = 0n;
  }
  const resource = asObj(o.resource);
  const span: Span = {
    traceId,
    spanId,
    parentId: isZeroId(parent) ? undefined : parent,
    name: typeof o.name === 'string' ? o.name : '',
    kind: 'span',
    startNs,
    endNs: nanosFromIso(o.end_time) ?? startNs,
    status: STATUS[String(status.status_code ?? 'UNSET').toUpperCase()] ?? 'unset',
    statusMessage: optStr(status.description),
    attributes,
    resource: flat(resource?.attributes ?? {}),
    events: asArr(o.events).map((e) => {
      const eo = asObj(e) ?? {};
      return { name: String(eo.name ?? ''), timeNs: nanosFromIso(eo.timestamp), attributes: flat(eo.attributes) };
    }),
    range: recordRange(rec),
  };
  clampEnd(span, rec, diags);
  return mapSemantics(span);
}

function flat(raw: unknown): Attributes {
  const out = newAttributes();
  for (const [k, v] of Object.entries(asObj(raw) ?? {})) out[k] = plainToAttr(v);
  return out;
}
