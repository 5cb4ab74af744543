// Fill a span's semantic fields from its raw attributes and events. Every importer builds the
// skeleton (ids, times, status, attributes) and calls this, so conventions are mapped once.

import type { Attributes, Span, SpanEvent } from '../model/span';
import { attrGate, presentGates } from './attrGates';
import { str } from './attrs';
import { codeLocation, documents, exception, feedback, guardResult, sessionId, templateRef, userId } from './mapContext';
import { inferKind, KIND_STEPS } from './mapKind';
import { cost, modelRef, tokenUsage, toolExecution } from './mapLlm';
import { inputMessages, outputMessages } from './mapMessages';

const operationOf = (a: Attributes): string | undefined => str(a, 'gen_ai.operation.name', 'llm.request.type');
const inputOf = (a: Attributes): string | undefined =>
  str(a, 'input.value', 'traceloop.entity.input', 'langfuse.observation.input', 'gen_ai.retrieval.query.text');
const outputOf = (a: Attributes): string | undefined => str(a, 'output.value', 'traceloop.entity.output', 'langfuse.observation.output');

// Each step below is skipped when the span has none of the keys it reads (attrGates.ts), which
// is then exactly what it would have returned. Steps that also read events are gated on their
// attribute part and run whenever the span has events.
const NO_EVENTS: SpanEvent[] = Object.freeze([]) as unknown as SpanEvent[];
const G_KIND = KIND_STEPS.map((step, i) => attrGate(`kind step ${i}`, step));
const G_OPERATION = attrGate('operation', operationOf);
const G_SESSION = attrGate('sessionId', sessionId);
const G_USER = attrGate('userId', userId);
const G_MODEL = attrGate('modelRef', modelRef);
const G_USAGE = attrGate('tokenUsage', tokenUsage);
const G_COST = attrGate('cost', cost);
const G_IN_MSGS = attrGate('inputMessages', (a) => inputMessages(a, NO_EVENTS));
const G_OUT_MSGS = attrGate('outputMessages', (a) => outputMessages(a, NO_EVENTS));
const G_TOOL = attrGate('toolExecution', toolExecution);
const G_DOCS = attrGate('documents', documents);
const G_TEMPLATE = attrGate('templateRef', templateRef);
const G_CODE = attrGate('codeLocation', codeLocation);
const G_GUARD = attrGate('guardResult', (a) => guardResult(a, '', false));
const G_FEEDBACK = attrGate('feedback', (a) => feedback(a, NO_EVENTS));
const G_EXCEPTION = attrGate('exception', (a) => exception(NO_EVENTS, a));
const G_INPUT = attrGate('input', inputOf);
const G_OUTPUT = attrGate('output', outputOf);

/** The KIND_STEPS to try: bit i for step i when the span has one of its keys. */
function kindSteps(present: number): number {
  let steps = 0;
  for (let i = 0; i < G_KIND.length; i++) if (present & G_KIND[i]) steps |= 1 << i;
  return steps;
}

let indexOnly = false;

/**
 * Run `fn` with index-only mapping: skips what only the detail view needs and is read back by
 * byte range (output messages, tool calls, tool execution, documents, exception; input messages
 * are kept for spans without a parent, for their run's preview). For bulk indexing.
 */
export function withIndexOnlyMapping<T>(fn: () => T): T {
  const prev = indexOnly;
  indexOnly = true;
  try {
    return fn();
  } finally {
    indexOnly = prev;
  }
}

export function mapSemantics(span: Span): Span {
  const a = span.attributes;
  const p = presentGates(a);
  const events = span.events.length > 0;
  if (span.kind === 'span') span.kind = inferKind(a, kindSteps(p));
  span.operation = (p & G_OPERATION ? operationOf(a) : undefined) ?? span.operation;
  span.sessionId = (p & G_SESSION ? sessionId(a) : undefined) ?? span.sessionId;
  span.userId = (p & G_USER ? userId(a) : undefined) ?? span.userId;
  span.model = (p & G_MODEL ? modelRef(a) : undefined) ?? span.model;
  span.usage = (p & G_USAGE ? tokenUsage(a) : undefined) ?? span.usage;
  span.cost = (p & G_COST ? cost(a) : undefined) ?? span.cost;
  const inMsgs = (!indexOnly || span.parentId === undefined) && (events || p & G_IN_MSGS) ? inputMessages(a, span.events) : undefined;
  if (inMsgs) span.inputMessages = inMsgs;
  const outMsgs = !indexOnly && (events || p & G_OUT_MSGS) ? outputMessages(a, span.events) : undefined;
  if (outMsgs) span.outputMessages = outMsgs;
  const calls = outMsgs?.flatMap((m) => m.toolCalls ?? []) ?? [];
  if (calls.length) span.toolCalls = calls;
  if (span.kind === 'tool' && !indexOnly) span.tool = (p & G_TOOL ? toolExecution(a) : undefined) ?? span.tool;
  if (!indexOnly) span.documents = (p & G_DOCS ? documents(a) : undefined) ?? span.documents;
  span.template = (p & G_TEMPLATE ? templateRef(a) : undefined) ?? span.template;
  span.code = (p & G_CODE ? codeLocation(a) : undefined) ?? span.code;
  const guard = p & G_GUARD ? guardResult(a, span.name, span.status === 'error') : undefined;
  if (guard) span.guards = [guard];
  else if (span.kind === 'guard') span.guards = [{ name: span.name, passed: span.status !== 'error' }];
  span.feedback = (events || p & G_FEEDBACK ? feedback(a, span.events) : undefined) ?? span.feedback;
  if (!indexOnly) span.exception = (events || p & G_EXCEPTION ? exception(span.events, a) : undefined) ?? span.exception;
  span.input = (p & G_INPUT ? inputOf(a) : undefined) ?? span.input;
  span.output = (p & G_OUTPUT ? outputOf(a) : undefined) ?? span.output;
  span.service = str(span.resource ?? {}, 'service.name') ?? span.service;
  if (!indexOnly) for (const k of Object.keys(span) as (keyof Span)[]) if (span[k] === undefined) delete span[k];
  return span;
}
