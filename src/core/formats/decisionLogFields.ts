// Field readers of the TraceLens decision log (see decisionLog.ts). Each accepts the documented
// shape, reports anything else once per record and ignores it, so one bad field never costs the
// rest of the record.

import type { Diagnostic } from '../model/diagnostic';
import {
  SPAN_KINDS,
  type AttrValue,
  type Attributes,
  type CodeLocation,
  type Message,
  type ModelRef,
  type RetrievedDocument,
  type Span,
  type SpanEvent,
  type SpanKind,
  type StatusCode,
  type TemplateRef,
  type TokenUsage,
  type ToolCall,
} from '../model/span';
import { newAttributes, plainToAttr } from './anyValue';
import { text } from './attrs';
import type { ImportSink, SourceRecord } from './importResult';
import { mapSemantics } from './mapSemantics';
import { messagesFromJson } from './mapMessages';
import { nanosFrom, nanosFromIso } from './time';

export type Obj = Record<string, unknown>;
export const asObj = (v: unknown): Obj | undefined => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : undefined);

export const isId = (v: unknown): boolean => (typeof v === 'string' && v.length > 0) || (typeof v === 'number' && Number.isFinite(v));
export const idOf = (v: unknown): string | undefined => (isId(v) ? String(v) : undefined);

export interface Reader {
  rec: SourceRecord;
  sink: ImportSink;
  /** `[3]` when the record is the fourth element of an array document. */
  where: string;
}

export function warn(r: Reader, code: string, message: string, severity: Diagnostic['severity'] = 'warning'): void {
  r.sink.diagnostics.push({ severity, code, message: `${message}${r.where}`, line: r.rec.line, offset: r.rec.byteStart });
}

export const str = (v: unknown): string | undefined => (typeof v === 'string' && v.length > 0 ? v : undefined);
export const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

export function clean<T extends object>(o: T): T {
  for (const k of Object.keys(o) as (keyof T)[]) if (o[k] === undefined) delete o[k];
  return o;
}

export function freeAttributes(r: Reader, v: unknown, field: string): Attributes {
  const out = newAttributes();
  if (v === undefined || v === null) return out;
  const o = asObj(v);
  if (!o) {
    warn(r, 'decision.field', `${field} is not an object; ignored`);
    return out;
  }
  for (const [k, x] of Object.entries(o)) out[k] = plainToAttr(x);
  return out;
}

export function kindOf(r: Reader, v: unknown, hasModel: boolean, isAgentRoot: boolean): SpanKind | undefined {
  if (typeof v === 'string') {
    const k = v.toLowerCase();
    if ((SPAN_KINDS as readonly string[]).includes(k)) return k as SpanKind;
    warn(r, 'decision.field', `Unknown kind "${v}" (expected one of ${SPAN_KINDS.join(', ')}); kind inferred instead`);
  } else if (v !== undefined) warn(r, 'decision.field', 'kind is not a string; kind inferred instead');
  if (hasModel) return 'llm';
  if (isAgentRoot) return 'agent';
  return undefined;
}

export function statusOf(r: Reader, v: unknown, error: unknown): StatusCode {
  if (typeof v === 'string') {
    const s = v.toLowerCase();
    if (s === 'ok' || s === 'error' || s === 'unset') return s;
    if (s === 'success') return 'ok';
    if (s === 'failed' || s === 'failure') return 'error';
    warn(r, 'decision.field', `Unknown status "${v}" (expected ok, error or unset)`);
  } else if (v !== undefined) warn(r, 'decision.field', 'status is not a string');
  return error !== undefined && error !== null && error !== false ? 'error' : 'unset';
}

export interface ErrorInfo {
  type?: string;
  message?: string;
  stacktrace?: string;
}

export function errorOf(v: unknown): ErrorInfo | undefined {
  if (typeof v === 'string') return v ? { message: v } : undefined;
  const o = asObj(v);
  if (!o) return undefined;
  const e = clean({ type: str(o.type), message: str(o.message), stacktrace: str(o.stacktrace) });
  return Object.keys(e).length ? e : undefined;
}

export function exceptionEvent(e: ErrorInfo, at: bigint | undefined): SpanEvent {
  const attributes = newAttributes();
  if (e.type) attributes['exception.type'] = e.type;
  if (e.message) attributes['exception.message'] = e.message;
  if (e.stacktrace) attributes['exception.stacktrace'] = e.stacktrace;
  return clean({ name: 'exception', timeNs: at, attributes });
}

export interface Timing {
  start?: bigint;
  end?: bigint;
}

/** start/start_ns, end/end_ns, duration_ms (or latency_ms for sub-steps). */
export function timingOf(r: Reader, o: Obj, what: string, durationKey = 'duration_ms'): Timing {
  const start = timeOf(r, o, 'start', what);
  let end = timeOf(r, o, 'end', what);
  const dur = o[durationKey];
  if (end === undefined && dur !== undefined) {
    if (typeof dur === 'number' && Number.isFinite(dur) && dur >= 0 && start !== undefined) end = start + BigInt(Math.round(dur * 1e6));
    else if (typeof dur !== 'number' || !Number.isFinite(dur) || dur < 0)
      warn(r, 'decision.field', `${what}: ${durationKey} is not a non-negative number`);
  }
  if (start !== undefined && end !== undefined && end < start) {
    warn(r, 'span.endBeforeStart', `${what} ends before it starts; duration shown as 0`);
    end = start;
  }
  return { start, end };
}

/**
 * `<key>_ns`: epoch nanoseconds, an integer or a decimal string (exact: the JSON reader keeps
 * long `_ns` numbers as digits). `<key>`: ISO-8601 (naive = UTC), or a digit string of epoch ns.
 */
export function timeOf(r: Reader, o: Obj, key: string, what: string): bigint | undefined {
  const ns = o[`${key}_ns`];
  if (ns !== undefined) {
    const v = nanosFrom(ns);
    if (v !== undefined) return v;
    warn(r, 'decision.field', `${what}: ${key}_ns is not epoch nanoseconds`);
  }
  const t = o[key];
  if (t === undefined) return undefined;
  if (typeof t === 'string') {
    const v = /^\d+$/.test(t) ? BigInt(t) : nanosFromIso(t);
    if (v !== undefined) return v;
  }
  if (typeof t === 'number' && Number.isFinite(t) && t >= 0) {
    warn(
      r,
      'decision.field',
      `${what}: ${key} is a number; read as epoch nanoseconds (use ${key}_ns, or an ISO-8601 string, to keep it exact)`,
    );
    return BigInt(Math.trunc(t));
  }
  warn(r, 'decision.field', `${what}: ${key} is not an ISO-8601 time`);
  return undefined;
}

export function agentOf(r: Reader, v: unknown): Attributes | undefined {
  if (v === undefined || v === null) return undefined;
  const out = newAttributes();
  if (typeof v === 'string') {
    out['gen_ai.agent.name'] = v;
    return out;
  }
  const o = asObj(v);
  if (!o) {
    warn(r, 'decision.field', 'agent is not a string or object; ignored');
    return undefined;
  }
  for (const k of ['name', 'id', 'version', 'description']) if (str(o[k])) out[`gen_ai.agent.${k}`] = o[k] as string;
  return Object.keys(out).length ? out : undefined;
}

export function modelOf(r: Reader, v: unknown): ModelRef | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'string') return v ? { requested: v } : undefined;
  const o = asObj(v);
  if (!o) {
    warn(r, 'decision.field', 'model is not a string or object; ignored');
    return undefined;
  }
  const m = clean({ provider: str(o.provider), requested: str(o.name), returned: str(o.version) });
  if (!m.requested && m.returned) m.requested = m.returned;
  return m.provider || m.requested ? m : undefined;
}

export function tokensOf(r: Reader, v: unknown): TokenUsage | undefined {
  if (v === undefined || v === null) return undefined;
  const o = asObj(v);
  if (!o) {
    warn(r, 'decision.field', 'tokens is not an object; ignored');
    return undefined;
  }
  const u = clean({
    input: num(o.input),
    output: num(o.output),
    cacheRead: num(o.cache_read),
    cacheWrite: num(o.cache_write),
    reasoning: num(o.reasoning),
    total: num(o.total),
  });
  return Object.keys(u).length ? u : undefined;
}

export function messagesOf(r: Reader, v: unknown, field: string): Message[] | undefined {
  if (v === undefined || v === null) return undefined;
  if (!Array.isArray(v)) {
    warn(r, 'decision.field', `${field} is not an array of messages; ignored`);
    return undefined;
  }
  // OpenAI chat messages ({role, content, name, tool_calls, tool_call_id}) or GenAI parts form.
  return messagesFromJson(v);
}

export function templateOf(r: Reader, v: unknown): TemplateRef | undefined {
  if (v === undefined || v === null) return undefined;
  const o = asObj(v);
  if (!o) {
    warn(r, 'decision.field', 'template is not an object; ignored');
    return undefined;
  }
  const t: TemplateRef = clean({
    name: str(o.name),
    version: o.version === undefined ? undefined : text(o.version),
    path: str(o.path),
    text: str(o.text),
  });
  const vars = asObj(o.variables);
  if (vars) {
    t.variables = Object.create(null) as Record<string, string>;
    for (const [k, x] of Object.entries(vars)) t.variables[k] = text(x) ?? '';
  } else if (o.variables !== undefined) warn(r, 'decision.field', 'template.variables is not an object; ignored');
  return Object.keys(t).length ? t : undefined;
}

export function codeOf(r: Reader, v: unknown): CodeLocation | undefined {
  if (v === undefined || v === null) return undefined;
  const o = asObj(v);
  if (!o) {
    warn(r, 'decision.field', 'code is not an object; ignored');
    return undefined;
  }
  const c = clean({
    file: str(o.file),
    line: num(o.line),
    column: num(o.column),
    function: str(o.function),
    namespace: str(o.namespace),
    repository: str(o.repository),
    revision: str(o.revision),
  });
  return c.file || c.function ? c : undefined;
}

export function listOf(r: Reader, v: unknown, field: string): Obj[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) {
    warn(r, 'decision.field', `${field} is not an array; ignored`);
    return [];
  }
  const out: Obj[] = [];
  v.forEach((x, i) => {
    const o = asObj(x);
    if (o) out.push(o);
    else warn(r, 'decision.field', `${field}[${i}] is not an object; ignored`);
  });
  return out;
}

/** What every sub-step (tool call, retrieval, guard check) may carry besides its own fields. */
export interface Common {
  stepId?: string;
  start?: bigint;
  end?: bigint;
  /** latency_ms of a sub-step without a start: the parent places it, this is its duration. */
  latencyNs?: bigint;
  status: StatusCode;
  error?: ErrorInfo;
  attributes: Attributes;
  code?: CodeLocation;
}

export function commonOf(r: Reader, o: Obj, what: string): Common {
  const timing = timingOf(r, o, what, 'latency_ms');
  const latency = num(o.latency_ms);
  return {
    stepId: idOf(o.step_id),
    start: timing.start,
    end: timing.end,
    latencyNs: latency !== undefined && latency >= 0 ? BigInt(Math.round(latency * 1e6)) : undefined,
    status: statusOf(r, o.status, o.error),
    error: errorOf(o.error),
    attributes: freeAttributes(r, o.attributes, `${what}.attributes`),
    code: codeOf(r, o.code),
  };
}

export interface ToolEntry {
  call: ToolCall;
  common: Common;
}

export function toolOf(r: Reader, o: Obj, i: number): ToolEntry | undefined {
  const name = str(o.name);
  if (!name) {
    warn(r, 'decision.field', `tools[${i}] has no name; ignored`);
    return undefined;
  }
  const call: ToolCall = clean({ id: idOf(o.id), name, arguments: text(o.arguments), result: text(o.result) });
  return { call, common: commonOf(r, o, `tools[${i}]`) };
}

export interface RetrievalEntry {
  name?: string;
  query?: string;
  documents: RetrievedDocument[];
  common: Common;
}

export function retrievalOf(r: Reader, v: unknown): RetrievalEntry | undefined {
  const o = asObj(v);
  if (!o) {
    warn(r, 'decision.field', 'retrieval is not an object; ignored');
    return undefined;
  }
  const documents = listOf(r, o.documents, 'retrieval.documents').map((d): RetrievedDocument => {
    const meta = asObj(d.metadata);
    const metadata = meta ? (plainToAttr(meta) as Attributes) : undefined;
    const dataset = asObj(d.dataset);
    let md = metadata;
    if (dataset && (str(dataset.namespace) || str(dataset.name))) {
      md ??= newAttributes();
      if (str(dataset.namespace)) md['dataset.namespace'] = dataset.namespace as string;
      if (str(dataset.name)) md['dataset.name'] = dataset.name as string;
    }
    return clean({ id: idOf(d.id), uri: str(d.uri), score: num(d.score), content: text(d.content), metadata: md });
  });
  return { name: str(o.name), query: text(o.query), documents, common: commonOf(r, o, 'retrieval') };
}

export interface GuardEntry {
  result: { name: string; passed: boolean; action?: string; reason?: string };
  input?: string;
  output?: string;
  common: Common;
}

export function guardOf(r: Reader, o: Obj, i: number): GuardEntry | undefined {
  const name = str(o.name);
  if (!name || typeof o.passed !== 'boolean') {
    warn(r, 'decision.field', `guards[${i}] needs a name and a boolean passed; ignored`);
    return undefined;
  }
  return {
    result: clean({ name, passed: o.passed, action: str(o.action), reason: str(o.reason) }),
    input: text(o.input),
    output: text(o.output),
    common: commonOf(r, o, `guards[${i}]`),
  };
}

export function feedbackOf(r: Reader, v: unknown, at: bigint | undefined): SpanEvent[] {
  return listOf(r, v, 'feedback').map((f, i) => {
    const attributes = newAttributes();
    const set = (k: string, x: AttrValue | undefined): void => {
      if (x !== undefined) attributes[`tracelens.feedback.${k}`] = x;
    };
    set('name', str(f.name));
    set('score', num(f.score));
    set('label', str(f.label));
    set('comment', str(f.comment));
    set('source', str(f.source));
    const time = timeOf(r, f, 'time', `feedback[${i}]`);
    return clean({ name: 'tracelens.feedback', timeNs: time ?? at, attributes });
  });
}

/** A child span for a sub-step, placed at `cursor` (forwards, or backwards from it) unless timed. */
export function childSpan(
  parent: Span,
  c: Common,
  defaultId: string,
  name: string,
  kind: SpanKind,
  cursor: bigint,
  backwards = false,
): Span {
  const latency = c.latencyNs ?? 0n;
  let startNs: bigint;
  let endNs: bigint;
  if (c.start !== undefined) {
    startNs = c.start;
    endNs = c.end ?? c.start + latency;
  } else if (backwards) {
    endNs = cursor;
    startNs = endNs - latency > parent.startNs ? endNs - latency : parent.startNs;
  } else {
    startNs = cursor;
    endNs = startNs + latency;
  }
  const span = mapSemantics({
    traceId: parent.traceId,
    spanId: c.stepId ?? defaultId,
    parentId: parent.spanId,
    name,
    kind,
    startNs,
    endNs,
    status: c.status,
    statusMessage: c.error?.message,
    attributes: c.attributes,
    resource: parent.resource,
    events: c.error ? [exceptionEvent(c.error, endNs)] : [],
    range: parent.range,
  });
  if (parent.service) span.service = parent.service;
  if (c.code) span.code = c.code;
  return span;
}
