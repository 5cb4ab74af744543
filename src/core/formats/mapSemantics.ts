// Fill a span's semantic fields from its raw attributes and events. Every importer builds the
// skeleton (ids, times, status, attributes) and calls this, so conventions are mapped once.

import type { Span } from '../model/span';
import { str } from './attrs';
import { codeLocation, documents, exception, feedback, guardResult, sessionId, templateRef, userId } from './mapContext';
import { inferKind } from './mapKind';
import { cost, modelRef, tokenUsage, toolExecution } from './mapLlm';
import { inputMessages, outputMessages } from './mapMessages';

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
  if (span.kind === 'span') span.kind = inferKind(a);
  span.operation = str(a, 'gen_ai.operation.name', 'llm.request.type') ?? span.operation;
  span.sessionId = sessionId(a) ?? span.sessionId;
  span.userId = userId(a) ?? span.userId;
  span.model = modelRef(a) ?? span.model;
  span.usage = tokenUsage(a) ?? span.usage;
  span.cost = cost(a) ?? span.cost;
  const inMsgs = !indexOnly || span.parentId === undefined ? inputMessages(a, span.events) : undefined;
  if (inMsgs) span.inputMessages = inMsgs;
  const outMsgs = indexOnly ? undefined : outputMessages(a, span.events);
  if (outMsgs) span.outputMessages = outMsgs;
  const calls = outMsgs?.flatMap((m) => m.toolCalls ?? []) ?? [];
  if (calls.length) span.toolCalls = calls;
  if (span.kind === 'tool' && !indexOnly) span.tool = toolExecution(a) ?? span.tool;
  if (!indexOnly) span.documents = documents(a) ?? span.documents;
  span.template = templateRef(a) ?? span.template;
  span.code = codeLocation(a) ?? span.code;
  const guard = guardResult(a, span.name, span.status === 'error');
  if (guard) span.guards = [guard];
  else if (span.kind === 'guard') span.guards = [{ name: span.name, passed: span.status !== 'error' }];
  span.feedback = feedback(a, span.events) ?? span.feedback;
  if (!indexOnly) span.exception = exception(span.events, a) ?? span.exception;
  span.input = str(a, 'input.value', 'traceloop.entity.input', 'langfuse.observation.input', 'gen_ai.retrieval.query.text') ?? span.input;
  span.output = str(a, 'output.value', 'traceloop.entity.output', 'langfuse.observation.output') ?? span.output;
  span.service = str(span.resource ?? {}, 'service.name') ?? span.service;
  if (!indexOnly) for (const k of Object.keys(span) as (keyof Span)[]) if (span[k] === undefined) delete span[k];
  return span;
}
