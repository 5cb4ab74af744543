// OTLP JSON: TracesData / ExportTraceServiceRequest documents and their envelope variants
// (`{"result":…}` from Jaeger api_v3, oteltest `trace_requests`, pre-1.0
// `instrumentationLibrarySpans`, snake_case), one per document or one per JSON Lines record.

import type { Diagnostic } from '../model/diagnostic';
import type { Attributes, Span, SpanEvent, SpanLink, StatusCode } from '../model/span';
import { decodeKeyValues, newAttributes } from './anyValue';
import type { SourceRecord } from './importResult';
import { isZeroId, normalizeOtlpId } from './ids';
import { mapSemantics } from './mapSemantics';
import { nanosFrom } from './time';
import { lookupTable } from './lookupTable';

type Obj = Record<string, unknown>;

const asObj = (v: unknown): Obj | undefined => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : undefined);
const asArr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

/** The resourceSpans lists an OTLP JSON value carries, whichever envelope wraps them. */
export function otlpResourceSpans(value: unknown): unknown[][] {
  const lists: unknown[][] = [];
  const visit = (v: unknown, depth: number): void => {
    if (depth > 3) return;
    if (Array.isArray(v)) {
      for (const x of v) visit(x, depth + 1);
      return;
    }
    const o = asObj(v);
    if (!o) return;
    const rs = o.resourceSpans ?? o.resource_spans;
    if (Array.isArray(rs)) {
      lists.push(rs);
      return;
    }
    if (o.result) visit(o.result, depth + 1);
    if (Array.isArray(o.trace_requests)) for (const r of o.trace_requests) visit(asObj(r)?.pbreq ?? r, depth + 1);
  };
  visit(value, 0);
  return lists;
}

export function isOtlpJson(value: unknown): boolean {
  return otlpResourceSpans(value).length > 0;
}

const STATUS = lookupTable<StatusCode>({
  '0': 'unset',
  '1': 'ok',
  '2': 'error',
  STATUS_CODE_UNSET: 'unset',
  STATUS_CODE_OK: 'ok',
  STATUS_CODE_ERROR: 'error',
  UNSET: 'unset',
  OK: 'ok',
  ERROR: 'error',
});

const OTEL_KINDS = ['UNSPECIFIED', 'INTERNAL', 'SERVER', 'CLIENT', 'PRODUCER', 'CONSUMER'];

function otelKind(raw: unknown): string | undefined {
  if (typeof raw === 'number') return OTEL_KINDS[raw];
  if (typeof raw === 'string') return raw.replace(/^SPAN_KIND_/, '');
  return undefined;
}

export function importOtlpValue(value: unknown, rec: SourceRecord, diags: Diagnostic[]): Span[] {
  const spans: Span[] = [];
  for (const list of otlpResourceSpans(value)) {
    for (const rsRaw of list) {
      const rs = asObj(rsRaw);
      if (!rs) continue;
      const resource = decodeKeyValues(asObj(rs.resource)?.attributes);
      const scopes = asArr(rs.scopeSpans ?? rs.scope_spans ?? rs.instrumentationLibrarySpans ?? rs.instrumentation_library_spans);
      for (const ssRaw of scopes) {
        const ss = asObj(ssRaw);
        if (!ss) continue;
        const scopeObj = asObj(ss.scope ?? ss.instrumentationLibrary ?? ss.instrumentation_library);
        const scope = scopeObj ? { name: str(scopeObj.name), version: str(scopeObj.version) } : undefined;
        for (const spRaw of asArr(ss.spans)) {
          const span = readSpan(asObj(spRaw), resource, scope, rec, diags);
          if (span) spans.push(span);
        }
      }
    }
  }
  return spans;
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v.length > 0 ? v : undefined);

function readSpan(
  o: Obj | undefined,
  resource: Attributes,
  scope: Span['scope'],
  rec: SourceRecord,
  diags: Diagnostic[],
): Span | undefined {
  const where = { line: rec.line, offset: rec.byteStart };
  if (!o) return undefined;
  const traceId = normalizeOtlpId(o.traceId ?? o.trace_id, 16);
  const spanId = normalizeOtlpId(o.spanId ?? o.span_id, 8);
  if (!traceId || !spanId) {
    diags.push({
      severity: 'error',
      code: 'span.noId',
      message: `Span "${String(o.name ?? '')}" has no trace or span id; skipped`,
      ...where,
    });
    return undefined;
  }
  const parent = normalizeOtlpId(o.parentSpanId ?? o.parent_span_id, 8);
  let startNs = nanosFrom(o.startTimeUnixNano ?? o.start_time_unix_nano);
  let endNs = nanosFrom(o.endTimeUnixNano ?? o.end_time_unix_nano);
  if (startNs === undefined) {
    diags.push({ severity: 'warning', code: 'span.noTime', message: `Span ${spanId} has no start time`, ...where });
    startNs = endNs ?? 0n;
  }
  if (endNs === undefined) endNs = startNs;
  if (endNs < startNs) {
    diags.push({
      severity: 'warning',
      code: 'span.endBeforeStart',
      message: `Span ${spanId} ends before it starts; duration shown as 0`,
      ...where,
    });
    endNs = startNs;
  }
  const status = asObj(o.status) ?? {};
  const attributes = decodeKeyValues(o.attributes);
  const kind = otelKind(o.kind);
  if (kind && !('otel.span.kind' in attributes)) attributes['otel.span.kind'] = kind;
  const span: Span = {
    traceId,
    spanId,
    parentId: isZeroId(parent) ? undefined : parent,
    name: typeof o.name === 'string' ? o.name : '',
    kind: 'span',
    startNs,
    endNs,
    status: STATUS[String(status.code ?? 0)] ?? 'unset',
    statusMessage: str(status.message),
    attributes,
    resource: resource ?? newAttributes(),
    scope,
    events: asArr(o.events).map(readEvent),
    range: { byteStart: rec.byteStart, byteEnd: rec.byteEnd, line: rec.line },
  };
  const links = readLinks(o.links);
  if (links) span.links = links;
  return mapSemantics(span);
}

/** Links with a usable target; undefined when there are none (most spans). */
function readLinks(raw: unknown): SpanLink[] | undefined {
  const links: SpanLink[] = [];
  for (const item of asArr(raw)) {
    const l = asObj(item) ?? {};
    const traceId = normalizeOtlpId(l.traceId ?? l.trace_id, 16);
    const spanId = normalizeOtlpId(l.spanId ?? l.span_id, 8);
    if (traceId && spanId) links.push({ traceId, spanId, attributes: decodeKeyValues(l.attributes) });
  }
  return links.length ? links : undefined;
}

function readEvent(raw: unknown): SpanEvent {
  const e = asObj(raw) ?? {};
  return {
    name: typeof e.name === 'string' ? e.name : '',
    timeNs: nanosFrom(e.timeUnixNano ?? e.time_unix_nano),
    attributes: decodeKeyValues(e.attributes),
  };
}
