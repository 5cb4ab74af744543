// Zipkin v2 JSON: a span array (`/api/v2/trace/{id}`), a single span, or an array of traces
// (`/api/v2/traces`: an array of arrays). Times are epoch µs, scaled to ns exactly. Tags become
// attributes (the `error` tag marks an error); localEndpoint.serviceName is the service. A
// `shared` SERVER span that reuses its client's id is kept as its own span, `<id>~shared`, a
// child of the client half, and spans of the server's service under that id hang below it — the
// tree Zipkin's own SpanNode builder makes.

import type { Diagnostic } from '../model/diagnostic';
import type { Span, StatusCode } from '../model/span';
import { newAttributes, plainToAttr } from './anyValue';
import type { RecordImporter, SourceRecord } from './importResult';
import { asArr, asObj, clampEnd, diag, idStr, keepRest, type Obj, optStr, recordRange } from './jsonShapes';
import { mapSemantics } from './mapSemantics';
import { nanosFromEpoch } from './time';

const isSpan = (v: unknown): boolean => {
  const o = asObj(v);
  return (
    !!o && typeof o.traceId === 'string' && typeof o.id === 'string' && !('spanId' in o) && !('binaryAnnotations' in o) && !('type' in o)
  );
};

export function isZipkin(value: unknown): boolean {
  if (Array.isArray(value)) {
    const first = value[0];
    return Array.isArray(first) ? first.length > 0 && isSpan(first[0]) : isSpan(first);
  }
  return isSpan(value);
}

export const SHARED_SUFFIX = '~shared';

export const importZipkinValue: RecordImporter = (value, rec, sink) => {
  const traces: unknown[][] = Array.isArray(value) ? (value.some(Array.isArray) ? value.map(asArr) : [value]) : [[value]];
  for (const list of traces) {
    const raws = list.map(asObj);
    const spans: { span: Span; raw: Obj }[] = [];
    for (const raw of raws) {
      const span = readSpan(raw, rec, sink.diagnostics);
      if (span && raw) spans.push({ span, raw });
    }
    linkShared(spans);
    for (const { span } of spans) sink.spans.push(mapSemantics(span));
  }
};

/** Give shared server halves their own id under the client half; re-parent the server's children. */
function linkShared(spans: { span: Span; raw: Obj }[]): void {
  const key = (traceId: string, id: string): string => `${traceId}\u0000${id}`;
  const clients = new Set(spans.filter((s) => s.raw.shared !== true).map((s) => key(s.span.traceId, s.span.spanId)));
  const serverOf = new Map<string, { id: string; service?: string }[]>();
  for (const { span, raw } of spans) {
    if (raw.shared !== true || !clients.has(key(span.traceId, span.spanId))) continue;
    const id = span.spanId;
    span.spanId = `${id}${SHARED_SUFFIX}`;
    span.parentId = id;
    const k = key(span.traceId, id);
    serverOf.set(k, [...(serverOf.get(k) ?? []), { id: span.spanId, service: span.service }]);
  }
  if (serverOf.size === 0) return;
  for (const { span, raw } of spans) {
    if (raw.shared === true || span.parentId === undefined) continue;
    const halves = serverOf.get(key(span.traceId, span.parentId));
    const half = halves?.find((h) => h.service !== undefined && h.service === span.service);
    if (half) span.parentId = half.id;
  }
}

const SPAN_FIELDS = new Set(['traceId', 'id', 'parentId', 'name', 'timestamp', 'duration', 'tags', 'annotations', 'localEndpoint']);

const zipkinId = (v: unknown): string | undefined => {
  const s = idStr(v);
  return s && /^[0-9a-fA-F]+$/.test(s) ? s.toLowerCase() : s;
};

function readSpan(o: Obj | undefined, rec: SourceRecord, diags: Diagnostic[]): Span | undefined {
  const traceId = zipkinId(o?.traceId);
  const spanId = zipkinId(o?.id);
  if (!o || !traceId || !spanId) {
    diags.push(diag(rec, 'error', 'span.noId', `Zipkin span "${String(o?.name ?? '')}" has no traceId or id; skipped`));
    return undefined;
  }
  const a = newAttributes();
  const tags = asObj(o.tags) ?? {};
  for (const [k, v] of Object.entries(tags)) a[k] = plainToAttr(v);
  keepRest(a, o, SPAN_FIELDS, 'zipkin.');
  const local = asObj(o.localEndpoint);
  const resource = newAttributes();
  if (local) {
    if (typeof local.serviceName === 'string') resource['service.name'] = local.serviceName;
    keepRest(resource, local, new Set(['serviceName']), 'zipkin.localEndpoint.');
  }
  let startNs = nanosFromEpoch(o.timestamp, 'us');
  if (startNs === undefined) {
    diags.push(diag(rec, 'warning', 'span.noTime', `Zipkin span ${spanId} has no timestamp`, spanId));
    startNs = 0n;
  }
  const otelCode = String(tags['otel.status_code'] ?? '').toUpperCase();
  const failed = 'error' in tags || otelCode === 'ERROR';
  const status: StatusCode = failed ? 'error' : otelCode === 'OK' ? 'ok' : 'unset';
  const parentId = zipkinId(o.parentId);
  const span: Span = {
    traceId,
    spanId,
    parentId: parentId === spanId ? undefined : parentId,
    name: typeof o.name === 'string' ? o.name : '',
    kind: 'span',
    startNs,
    endNs: startNs + (nanosFromEpoch(o.duration, 'us') ?? 0n),
    status,
    statusMessage: failed ? (optStr(tags.error) ?? optStr(tags['otel.status_description'])) : undefined,
    service: typeof local?.serviceName === 'string' ? local.serviceName : undefined,
    attributes: a,
    resource,
    events: asArr(o.annotations).map((x) => {
      const an = asObj(x) ?? {};
      const attributes = newAttributes();
      keepRest(attributes, an, new Set(['timestamp', 'value']), '');
      return { name: String(an.value ?? ''), timeNs: nanosFromEpoch(an.timestamp, 'us'), attributes };
    }),
    range: recordRange(rec),
  };
  if (!span.statusMessage) delete span.statusMessage;
  if (!span.service) delete span.service;
  clampEnd(span, rec, diags);
  return span;
}
