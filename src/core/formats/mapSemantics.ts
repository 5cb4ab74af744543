// Fill a span's semantic fields from its raw attributes and events. Every importer builds the
// skeleton (ids, times, status, attributes) and calls this, so conventions are mapped once.

import type { Span } from '../model/span';
import { str } from './attrs';
import { codeLocation, documents, exception, feedback, guardResult, sessionId, templateRef, userId } from './mapContext';
import { inferKind } from './mapKind';
import { cost, modelRef, tokenUsage, toolExecution } from './mapLlm';
import { inputMessages, outputMessages } from './mapMessages';

export function mapSemantics(span: Span): Span {
  const a = span.attributes;
  if (span.kind === 'span') span.kind = inferKind(a);
  span.operation = str(a, 'gen_ai.operation.name', 'llm.request.type') ?? span.operation;
  span.sessionId = sessionId(a) ?? span.sessionId;
  span.userId = userId(a) ?? span.userId;
  span.model = modelRef(a) ?? span.model;
  span.usage = tokenUsage(a) ?? span.usage;
  span.cost = cost(a) ?? span.cost;
  const inMsgs = inputMessages(a, span.events);
  if (inMsgs) span.inputMessages = inMsgs;
  const outMsgs = outputMessages(a, span.events);
  if (outMsgs) span.outputMessages = outMsgs;
  const calls = outMsgs?.flatMap((m) => m.toolCalls ?? []) ?? [];
  if (calls.length) span.toolCalls = calls;
  if (span.kind === 'tool') span.tool = toolExecution(a) ?? span.tool;
  span.documents = documents(a) ?? span.documents;
  span.template = templateRef(a) ?? span.template;
  span.code = codeLocation(a) ?? span.code;
  const guard = guardResult(a, span.name, span.status === 'error');
  if (guard) span.guards = [guard];
  else if (span.kind === 'guard') span.guards = [{ name: span.name, passed: span.status !== 'error' }];
  span.feedback = feedback(a, span.events) ?? span.feedback;
  span.exception = exception(span.events, a) ?? span.exception;
  span.input = str(a, 'input.value', 'traceloop.entity.input', 'langfuse.observation.input', 'gen_ai.retrieval.query.text') ?? span.input;
  span.output = str(a, 'output.value', 'traceloop.entity.output', 'langfuse.observation.output') ?? span.output;
  span.service = str(span.resource ?? {}, 'service.name') ?? span.service;
  for (const k of Object.keys(span) as (keyof Span)[]) if (span[k] === undefined) delete span[k];
  return span;
}
