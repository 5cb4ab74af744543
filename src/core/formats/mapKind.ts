// Which kind of step a span is, from whichever convention the producer used.

import { SPAN_KINDS, type Attributes, type SpanKind } from '../model/span';
import { str } from './attrs';

const OPENINFERENCE: Record<string, SpanKind> = {
  LLM: 'llm',
  CHAIN: 'chain',
  RETRIEVER: 'retriever',
  RERANKER: 'reranker',
  EMBEDDING: 'embedding',
  TOOL: 'tool',
  AGENT: 'agent',
  GUARDRAIL: 'guard',
  EVALUATOR: 'evaluator',
  PROMPT: 'prompt',
};

const GENAI_OPERATION: Record<string, SpanKind> = {
  chat: 'llm',
  text_completion: 'llm',
  generate_content: 'llm',
  completion: 'llm',
  embeddings: 'embedding',
  execute_tool: 'tool',
  invoke_agent: 'agent',
  create_agent: 'agent',
  retrieve: 'retriever',
  retrieval: 'retriever',
};

const TRACELOOP: Record<string, SpanKind> = {
  workflow: 'chain',
  task: 'chain',
  agent: 'agent',
  tool: 'tool',
};

const LANGSMITH: Record<string, SpanKind> = {
  llm: 'llm',
  chain: 'chain',
  tool: 'tool',
  retriever: 'retriever',
  embedding: 'embedding',
  prompt: 'prompt',
  parser: 'chain',
};

export function lookupKind(table: Record<string, SpanKind>, value: string | undefined): SpanKind | undefined {
  if (value === undefined) return undefined;
  return table[value] ?? table[value.toUpperCase()] ?? table[value.toLowerCase()];
}

export function openInferenceKind(value: string | undefined): SpanKind | undefined {
  return lookupKind(OPENINFERENCE, value);
}

export function inferKind(a: Attributes): SpanKind {
  const explicit = str(a, 'tracelens.span.kind')?.toLowerCase();
  if (explicit && (SPAN_KINDS as readonly string[]).includes(explicit)) return explicit as SpanKind;
  return (
    openInferenceKind(str(a, 'openinference.span.kind')) ??
    (str(a, 'tracelens.guard.name', 'tracelens.guard.passed') !== undefined ? 'guard' : undefined) ??
    lookupKind(LANGSMITH, str(a, 'langsmith.span.kind')) ??
    lookupKind(GENAI_OPERATION, str(a, 'gen_ai.operation.name')) ??
    lookupKind(TRACELOOP, str(a, 'traceloop.span.kind')) ??
    (str(a, 'llm.request.type') !== undefined ? 'llm' : undefined) ??
    (str(a, 'gen_ai.request.model', 'gen_ai.response.model', 'llm.model_name') !== undefined ? 'llm' : undefined) ??
    'span'
  );
}
