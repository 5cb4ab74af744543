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
import type { Attributes, Message, ModelRef, Span, SpanEvent, SpanKind } from '../model/span';
import { newAttributes, plainToAttr } from './anyValue';
import { text } from './attrs';
import type { ImportSink, SourceRecord } from './importResult';
import { mapSemantics } from './mapSemantics';
import {
  agentOf,
  asObj,
  childSpan,
  clean,
  codeOf,
  errorOf,
  exceptionEvent,
  feedbackOf,
  freeAttributes,
  guardOf,
  idOf,
  isId,
  kindOf,
  listOf,
  messagesOf,
  modelOf,
  type Reader,
  retrievalOf,
  statusOf,
  str,
  templateOf,
  timingOf,
  tokensOf,
  toolOf,
  warn,
} from './decisionLogFields';

export const DECISION_SCHEMA = 'tracelens.decision/v1';
const SCHEMA_PREFIX = 'tracelens.decision/';

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
