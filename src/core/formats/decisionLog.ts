// TraceLens decision log (`tracelens.decision/v1`): our own JSON Lines format for teams that log
// agent decisions without OpenTelemetry. One record per decision; docs/decision-log.md describes
// it and docs/decision-log.schema.json is its JSON Schema.
//
// Mapping: a record is one span (trace = run_id, span = step_id, parent = parent_step_id). Its
// tool calls, its retrieval and its guard checks become child spans (kind tool / retriever /
// guard), because each is a step with its own timing, status and inputs — except when the record
// itself is of that kind and carries exactly one, which then describes the record. Feedback and
// errors become span events, as OpenTelemetry carries them. Free `attributes` are mapped by the
// usual conventions first; the record's explicit fields win over them.

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

export const DECISION_SCHEMA = 'tracelens.decision/v1';
const SCHEMA_PREFIX = 'tracelens.decision/';

type Obj = Record<string, unknown>;
const asObj = (v: unknown): Obj | undefined => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : undefined);

/** Top-level keys a v1 record may carry; anything else is kept as a `tracelens.decision.<key>` attribute. */
const KNOWN = new Set([
  'schema',
  'run_id',
  'step_id',
  'parent_step_id',
  'name',
  'kind',
  'operation',
  'start',
  'start_ns',
  'end',
  'end_ns',
  'duration_ms',
  'status',
  'error',
  'service',
  'session_id',
  'user_id',
  'agent',
  'model',
  'parameters',
  'input',
  'messages',
  'template',
  'output',
  'output_messages',
  'finish_reason',
  'tools',
  'retrieval',
  'guards',
  'feedback',
  'tokens',
  'cost',
  'code',
  'attributes',
]);

/** One decision record: marked with the schema, or (unmarked) carrying both run_id and step_id. */
export function isDecisionRecord(v: unknown): boolean {
  const o = asObj(v);
  if (!o) return false;
  if (typeof o.schema === 'string') return o.schema.startsWith(SCHEMA_PREFIX);
  return isId(o.run_id) && isId(o.step_id);
}

/** A record, or a JSON array of records (a whole log written as one document). */
export function isDecisionLog(v: unknown): boolean {
  return Array.isArray(v) ? v.length > 0 && isDecisionRecord(v[0]) : isDecisionRecord(v);
}

const isId = (v: unknown): boolean => (typeof v === 'string' && v.length > 0) || (typeof v === 'number' && Number.isFinite(v));
const idOf = (v: unknown): string | undefined => (isId(v) ? String(v) : undefined);

// Notes made once per import rather than once per record.
const noted = new WeakMap<ImportSink, Set<string>>();
function noteOnce(sink: ImportSink, key: string, d: Diagnostic): void {
  let seen = noted.get(sink);
  if (!seen) noted.set(sink, (seen = new Set()));
  if (seen.has(key)) return;
  seen.add(key);
  sink.diagnostics.push(d);
}

/** RecordImporter for the format registry. */
export function importDecisionLog(value: unknown, rec: SourceRecord, sink: ImportSink): void {
  const records = Array.isArray(value) ? value : [value];
  records.forEach((r, i) => importRecord(r, rec, sink, records.length > 1 ? i : undefined));
}

interface Reader {
  rec: SourceRecord;
  sink: ImportSink;
  /** `[3]` when the record is the fourth element of an array document. */
  where: string;
}

function warn(r: Reader, code: string, message: string, severity: Diagnostic['severity'] = 'warning'): void {
  r.sink.diagnostics.push({ severity, code, message: `${message}${r.where}`, line: r.rec.line, offset: r.rec.byteStart });
}

function importRecord(raw: unknown, rec: SourceRecord, sink: ImportSink, index: number | undefined): void {
  const r: Reader = { rec, sink, where: index === undefined ? '' : ` (record ${index})` };
  const o = asObj(raw);
  if (!o) {
    warn(r, 'decision.notObject', 'Decision log entry is not a JSON object; skipped', 'error');
    return;
  }
  if (typeof o.schema === 'string' && o.schema !== DECISION_SCHEMA) {
    noteOnce(sink, `schema:${o.schema}`, {
      severity: 'warning',
      code: 'decision.schemaVersion',
      message: `Decision log schema "${o.schema}" is newer than ${DECISION_SCHEMA}; read as ${DECISION_SCHEMA}, fields it does not know are kept as attributes`,
      line: rec.line,
      offset: rec.byteStart,
    });
  }
  const traceId = idOf(o.run_id);
  const spanId = idOf(o.step_id);
  if (!traceId || !spanId) {
    warn(r, 'decision.noId', 'Decision record without run_id and step_id; skipped', 'error');
    return;
  }
  const parentId = o.parent_step_id === null || o.parent_step_id === undefined ? undefined : idOf(o.parent_step_id);
  if (o.parent_step_id !== undefined && o.parent_step_id !== null && parentId === undefined) {
    warn(r, 'decision.field', `Step ${spanId}: parent_step_id is not a string or number; the step is shown as a root`);
  }

  const attributes = freeAttributes(r, o.attributes, 'attributes');
  for (const key of Object.keys(o)) {
    if (KNOWN.has(key)) continue;
    attributes[`tracelens.decision.${key}`] = plainToAttr(o[key]);
    noteOnce(sink, `field:${key}`, {
      severity: 'info',
      code: 'decision.unknownField',
      message: `Decision records carry "${key}", which ${DECISION_SCHEMA} does not define; kept as attribute tracelens.decision.${key}`,
      line: rec.line,
      offset: rec.byteStart,
    });
  }
  const agent = agentOf(r, o.agent);
  if (agent) Object.assign(attributes, agent);
  const params = asObj(o.parameters);
  if (params) for (const [k, v] of Object.entries(params)) attributes[`gen_ai.request.${k}`] = plainToAttr(v);
  else if (o.parameters !== undefined) warn(r, 'decision.field', `Step ${spanId}: parameters is not an object; ignored`);

  const model = modelOf(r, o.model);
  const timing = timingOf(r, o, `Step ${spanId}`);
  const kind = kindOf(r, o.kind, model !== undefined, o.agent !== undefined && parentId === undefined);
  const status = statusOf(r, o.status, o.error);
  const error = errorOf(o.error);
  const events: SpanEvent[] = [];
  if (error) events.push(exceptionEvent(error, timing.end ?? timing.start));

  const skeleton: Span = {
    traceId,
    spanId,
    parentId,
    name: str(o.name) ?? defaultName(kind ?? 'chain', str(o.operation), model, agent),
    kind: kind ?? 'span',
    startNs: timing.start ?? 0n,
    endNs: timing.end ?? timing.start ?? 0n,
    status,
    statusMessage: error?.message,
    attributes,
    events,
    range: { byteStart: rec.byteStart, byteEnd: rec.byteEnd, line: rec.line },
  };
  const feedbackEvents = feedbackOf(r, o.feedback, timing.end ?? timing.start);
  events.push(...feedbackEvents);

  // Conventions in the free attributes first, then the record's own fields over them.
  const span = mapSemantics(skeleton);
  if (span.kind === 'span') span.kind = 'chain';
  span.operation = str(o.operation) ?? span.operation;
  span.service = str(o.service) ?? span.service;
  if (span.service) span.resource = Object.assign(newAttributes(), span.resource, { 'service.name': span.service });
  span.sessionId = str(o.session_id) ?? span.sessionId;
  span.userId = str(o.user_id) ?? span.userId;
  if (model) span.model = model;
  const usage = tokensOf(r, o.tokens);
  if (usage) span.usage = usage;
  if (typeof o.cost === 'number' && Number.isFinite(o.cost)) span.cost = o.cost;
  else if (o.cost !== undefined) warn(r, 'decision.field', `Step ${spanId}: cost is not a number (USD); ignored`);
  const input = text(o.input);
  if (input !== undefined) span.input = input;
  const messages = messagesOf(r, o.messages, 'messages');
  if (messages) span.inputMessages = messages;
  const template = templateOf(r, o.template);
  if (template) span.template = template;
  const code = codeOf(r, o.code);
  if (code) span.code = code;

  const tools = listOf(r, o.tools, 'tools')
    .map((t, i) => toolOf(r, t, i))
    .filter((t) => t !== undefined);
  const retrieval = o.retrieval === undefined ? undefined : retrievalOf(r, o.retrieval);
  const guards = listOf(r, o.guards, 'guards')
    .map((g, i) => guardOf(r, g, i))
    .filter((g) => g !== undefined);

  // The model's answer: explicit output messages, else the output (and the tool calls) as one
  // assistant message; for other kinds the output is the step's output value.
  const outputMessages = messagesOf(r, o.output_messages, 'output_messages');
  const finish = str(o.finish_reason);
  if (outputMessages) span.outputMessages = outputMessages;
  else if (span.kind === 'llm' && (o.output !== undefined || tools.length > 0 || finish)) {
    const m: Message = { role: 'assistant', content: text(o.output) ?? '' };
    const calls = tools.map((t) => t.call);
    if (calls.length) m.toolCalls = calls.map(({ id, name, arguments: args }) => clean({ id, name, arguments: args }));
    if (finish) m.finishReason = finish;
    span.outputMessages = [m];
  }
  if (span.kind !== 'llm' || outputMessages) {
    const output = text(o.output);
    if (output !== undefined) span.output = output;
  }
  const calls = span.outputMessages?.flatMap((m) => m.toolCalls ?? []) ?? [];
  if (calls.length) span.toolCalls = calls;
  else delete span.toolCalls;

  const children: Span[] = [];
  const ownEntry = <T>(list: T[], k: SpanKind): T | undefined => (span.kind === k && list.length === 1 ? list[0] : undefined);

  // Sub-steps without explicit times are laid out one after another: the retrieval and the tools
  // from the record's start, the guards back from its end.
  let cursor = span.startNs;
  if (retrieval) {
    if (span.kind === 'retriever') {
      span.documents = retrieval.documents;
      if (span.input === undefined && retrieval.query !== undefined) span.input = retrieval.query;
    } else {
      const child = childSpan(span, retrieval.common, `${spanId}.retrieval`, retrieval.name ?? 'retrieve', 'retriever', cursor);
      child.documents = retrieval.documents;
      if (retrieval.query !== undefined) child.input = retrieval.query;
      cursor = child.endNs;
      children.push(child);
    }
  }
  const ownTool = ownEntry(tools, 'tool');
  if (ownTool) span.tool = ownTool.call;
  else {
    tools.forEach((t, i) => {
      const child = childSpan(span, t.common, `${spanId}.tool.${i}`, `execute_tool ${t.call.name}`, 'tool', cursor);
      child.operation = 'execute_tool';
      child.tool = t.call;
      cursor = child.endNs;
      children.push(child);
    });
  }
  const ownGuard = ownEntry(guards, 'guard');
  if (ownGuard) {
    span.guards = [ownGuard.result];
    if (span.input === undefined && ownGuard.input !== undefined) span.input = ownGuard.input;
    if (span.output === undefined && ownGuard.output !== undefined) span.output = ownGuard.output;
  } else {
    let back = span.endNs;
    const placed: Span[] = [];
    for (let i = guards.length - 1; i >= 0; i--) {
      const g = guards[i];
      const child = childSpan(span, g.common, `${spanId}.guard.${i}`, `guard ${g.result.name}`, 'guard', back, true);
      child.guards = [g.result];
      if (g.input !== undefined) child.input = g.input;
      if (g.output !== undefined) child.output = g.output;
      back = child.startNs;
      placed.unshift(child);
    }
    children.push(...placed);
  }

  // A record without an end lasts until its last sub-step ends.
  if (timing.end === undefined) for (const c of children) if (c.endNs > span.endNs) span.endNs = c.endNs;
  if (timing.start === undefined) {
    warn(r, 'decision.noTime', `Step ${spanId} has no start time (start or start_ns)`);
  }
  for (const k of Object.keys(span) as (keyof Span)[]) if (span[k] === undefined) delete span[k];
  sink.spans.push(span, ...children);
}

/** A record without a name is called after its model (`chat gpt-4o`), its agent, or its kind. */
function defaultName(kind: SpanKind, operation: string | undefined, model: ModelRef | undefined, agent: Attributes | undefined): string {
  if (model?.requested) return operation ? `${operation} ${model.requested}` : model.requested;
  const agentName = agent?.['gen_ai.agent.name'];
  if (typeof agentName === 'string') return agentName;
  return operation ?? kind;
}

// ---------------------------------------------------------------------------------------------
// Field readers. Each accepts the documented shape, reports anything else once per record and
// ignores it, so one bad field never costs the rest of the record.

const str = (v: unknown): string | undefined => (typeof v === 'string' && v.length > 0 ? v : undefined);
const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

function clean<T extends object>(o: T): T {
  for (const k of Object.keys(o) as (keyof T)[]) if (o[k] === undefined) delete o[k];
  return o;
}

function freeAttributes(r: Reader, v: unknown, field: string): Attributes {
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

function kindOf(r: Reader, v: unknown, hasModel: boolean, isAgentRoot: boolean): SpanKind | undefined {
  if (typeof v === 'string') {
    const k = v.toLowerCase();
    if ((SPAN_KINDS as readonly string[]).includes(k)) return k as SpanKind;
    warn(r, 'decision.field', `Unknown kind "${v}" (expected one of ${SPAN_KINDS.join(', ')}); kind inferred instead`);
  } else if (v !== undefined) warn(r, 'decision.field', 'kind is not a string; kind inferred instead');
  if (hasModel) return 'llm';
  if (isAgentRoot) return 'agent';
  return undefined;
}

function statusOf(r: Reader, v: unknown, error: unknown): StatusCode {
  if (typeof v === 'string') {
    const s = v.toLowerCase();
    if (s === 'ok' || s === 'error' || s === 'unset') return s;
    if (s === 'success') return 'ok';
    if (s === 'failed' || s === 'failure') return 'error';
    warn(r, 'decision.field', `Unknown status "${v}" (expected ok, error or unset)`);
  } else if (v !== undefined) warn(r, 'decision.field', 'status is not a string');
  return error !== undefined && error !== null && error !== false ? 'error' : 'unset';
}

interface ErrorInfo {
  type?: string;
  message?: string;
  stacktrace?: string;
}

function errorOf(v: unknown): ErrorInfo | undefined {
  if (typeof v === 'string') return v ? { message: v } : undefined;
  const o = asObj(v);
  if (!o) return undefined;
  const e = clean({ type: str(o.type), message: str(o.message), stacktrace: str(o.stacktrace) });
  return Object.keys(e).length ? e : undefined;
}

function exceptionEvent(e: ErrorInfo, at: bigint | undefined): SpanEvent {
  const attributes = newAttributes();
  if (e.type) attributes['exception.type'] = e.type;
  if (e.message) attributes['exception.message'] = e.message;
  if (e.stacktrace) attributes['exception.stacktrace'] = e.stacktrace;
  return clean({ name: 'exception', timeNs: at, attributes });
}

interface Timing {
  start?: bigint;
  end?: bigint;
}

/** start/start_ns, end/end_ns, duration_ms (or latency_ms for sub-steps). */
function timingOf(r: Reader, o: Obj, what: string, durationKey = 'duration_ms'): Timing {
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
function timeOf(r: Reader, o: Obj, key: string, what: string): bigint | undefined {
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

function agentOf(r: Reader, v: unknown): Attributes | undefined {
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

function modelOf(r: Reader, v: unknown): ModelRef | undefined {
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

function tokensOf(r: Reader, v: unknown): TokenUsage | undefined {
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

function messagesOf(r: Reader, v: unknown, field: string): Message[] | undefined {
  if (v === undefined || v === null) return undefined;
  if (!Array.isArray(v)) {
    warn(r, 'decision.field', `${field} is not an array of messages; ignored`);
    return undefined;
  }
  // OpenAI chat messages ({role, content, name, tool_calls, tool_call_id}) or GenAI parts form.
  return messagesFromJson(v);
}

function templateOf(r: Reader, v: unknown): TemplateRef | undefined {
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

function codeOf(r: Reader, v: unknown): CodeLocation | undefined {
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

function listOf(r: Reader, v: unknown, field: string): Obj[] {
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
interface Common {
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

function commonOf(r: Reader, o: Obj, what: string): Common {
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

interface ToolEntry {
  call: ToolCall;
  common: Common;
}

function toolOf(r: Reader, o: Obj, i: number): ToolEntry | undefined {
  const name = str(o.name);
  if (!name) {
    warn(r, 'decision.field', `tools[${i}] has no name; ignored`);
    return undefined;
  }
  const call: ToolCall = clean({ id: idOf(o.id), name, arguments: text(o.arguments), result: text(o.result) });
  return { call, common: commonOf(r, o, `tools[${i}]`) };
}

interface RetrievalEntry {
  name?: string;
  query?: string;
  documents: RetrievedDocument[];
  common: Common;
}

function retrievalOf(r: Reader, v: unknown): RetrievalEntry | undefined {
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

interface GuardEntry {
  result: { name: string; passed: boolean; action?: string; reason?: string };
  input?: string;
  output?: string;
  common: Common;
}

function guardOf(r: Reader, o: Obj, i: number): GuardEntry | undefined {
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

function feedbackOf(r: Reader, v: unknown, at: bigint | undefined): SpanEvent[] {
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
function childSpan(parent: Span, c: Common, defaultId: string, name: string, kind: SpanKind, cursor: bigint, backwards = false): Span {
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
