// Phoenix span JSON (OpenInference): an array, JSON Lines, or an object of arrays, of
// `{name, context:{trace_id, span_id}, span_kind, parent_id, start_time, end_time, status_code,
// attributes, events}`. Ids are opaque strings here; times are ISO-8601 (naive = UTC).

import type { Diagnostic } from '../model/diagnostic';
import type { AttrValue, Attributes, Span, StatusCode } from '../model/span';
import { newAttributes, plainToAttr } from './anyValue';
import type { SourceRecord } from './importResult';
import { openInferenceKind } from './mapKind';
import { mapSemantics } from './mapSemantics';
import { nanosFromIso } from './time';
import { lookupTable } from './lookupTable';

type Obj = Record<string, unknown>;
const asObj = (v: unknown): Obj | undefined => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : undefined);

export function isPhoenixSpan(v: unknown): boolean {
  const o = asObj(v);
  return !!o && !!asObj(o.context) && 'trace_id' in (o.context as Obj) && ('span_kind' in o || 'parent_id' in o);
}

/** The span objects in a Phoenix value: an array, one span, or `{name: [spans]}`. */
export function phoenixSpans(value: unknown): unknown[] | undefined {
  if (Array.isArray(value)) return value.length > 0 && isPhoenixSpan(value[0]) ? value : undefined;
  if (isPhoenixSpan(value)) return [value];
  const o = asObj(value);
  if (!o) return undefined;
  const lists = Object.values(o).filter((x): x is unknown[] => Array.isArray(x) && x.length > 0 && isPhoenixSpan(x[0]));
  return lists.length ? lists.flat() : undefined;
}

const STATUS = lookupTable<StatusCode>({ OK: 'ok', ERROR: 'error', UNSET: 'unset' });

export function importPhoenixValue(value: unknown, rec: SourceRecord, diags: Diagnostic[]): Span[] {
  const out: Span[] = [];
  for (const raw of phoenixSpans(value) ?? []) {
    const o = asObj(raw);
    const ctx = asObj(o?.context);
    if (!o || !ctx || typeof ctx.trace_id !== 'string' || typeof ctx.span_id !== 'string') {
      diags.push({
        severity: 'error',
        code: 'span.noId',
        message: 'Phoenix span without context.trace_id/span_id; skipped',
        line: rec.line,
        offset: rec.byteStart,
      });
      continue;
    }
    const startNs = nanosFromIso(o.start_time) ?? 0n;
    let endNs = nanosFromIso(o.end_time) ?? startNs;
    if (endNs < startNs) {
      diags.push({
        severity: 'warning',
        code: 'span.endBeforeStart',
        message: `Span ${String(ctx.span_id)} ends before it starts; duration shown as 0`,
        line: rec.line,
        offset: rec.byteStart,
      });
      endNs = startNs;
    }
    const attributes = flatten(o.attributes);
    const span: Span = {
      traceId: ctx.trace_id,
      spanId: ctx.span_id,
      parentId: typeof o.parent_id === 'string' && o.parent_id ? o.parent_id : undefined,
      name: typeof o.name === 'string' ? o.name : '',
      kind: openInferenceKind(typeof o.span_kind === 'string' ? o.span_kind : undefined) ?? 'span',
      startNs,
      endNs,
      status: STATUS[String(o.status_code ?? 'UNSET').toUpperCase()] ?? 'unset',
      statusMessage: typeof o.status_message === 'string' && o.status_message ? o.status_message : undefined,
      attributes,
      events: (Array.isArray(o.events) ? o.events : []).map((e) => {
        const eo = asObj(e) ?? {};
        return { name: String(eo.name ?? ''), timeNs: nanosFromIso(eo.timestamp), attributes: flatten(eo.attributes) };
      }),
      range: { byteStart: rec.byteStart, byteEnd: rec.byteEnd, line: rec.line },
    };
    out.push(mapSemantics(span));
  }
  return out;
}

/** Phoenix may store attributes nested (`{llm:{model_name}}`); OpenInference keys are dotted. */
function flatten(v: unknown): Attributes {
  const out = newAttributes();
  const walk = (x: unknown, prefix: string, depth: number): void => {
    const o = asObj(x);
    if (o && depth < 16) {
      for (const [k, val] of Object.entries(o)) walk(val, prefix ? `${prefix}.${k}` : k, depth + 1);
      return;
    }
    if (Array.isArray(x) && x.some((e) => asObj(e)) && depth < 16) {
      x.forEach((e, i) => walk(e, `${prefix}.${i}`, depth + 1));
      return;
    }
    if (prefix) out[prefix] = plainToAttr(x) as AttrValue;
  };
  walk(v, '', 0);
  return out;
}
