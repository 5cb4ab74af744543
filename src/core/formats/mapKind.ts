// Which kind of step a span is, from whichever convention the producer used.

import { SPAN_KINDS, type Attributes, type SpanKind } from '../model/span';
import { parseJson, str } from './attrs';
import { lookupTable } from './lookupTable';

const OPENINFERENCE = lookupTable<SpanKind>({
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
});

const GENAI_OPERATION = lookupTable<SpanKind>({
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
});

const TRACELOOP = lookupTable<SpanKind>({
  workflow: 'chain',
  task: 'chain',
  agent: 'agent',
  tool: 'tool',
});

const LANGSMITH = lookupTable<SpanKind>({
  llm: 'llm',
  chain: 'chain',
  tool: 'tool',
  retriever: 'retriever',
  embedding: 'embedding',
  prompt: 'prompt',
  parser: 'chain',
});

// Langfuse observation types (export `type`, OTel `langfuse.observation.type`). SPAN and EVENT
// declare nothing about the step, so the other conventions still decide.
const LANGFUSE = lookupTable<SpanKind>({
  GENERATION: 'llm',
  AGENT: 'agent',
  TOOL: 'tool',
  CHAIN: 'chain',
  RETRIEVER: 'retriever',
  EVALUATOR: 'evaluator',
  EMBEDDING: 'embedding',
  GUARDRAIL: 'guard',
});

// MLflow `mlflow.spanType` (a JSON literal in MLflow's own span JSON: `"\"LLM\""`).
const MLFLOW = lookupTable<SpanKind>({
  LLM: 'llm',
  CHAT_MODEL: 'llm',
  CHAIN: 'chain',
  AGENT: 'agent',
  TOOL: 'tool',
  RETRIEVER: 'retriever',
  EMBEDDING: 'embedding',
  RERANKER: 'reranker',
  PARSER: 'chain',
  MEMORY: 'retriever',
});

// Vercel AI SDK operation ids (`ai.operationId`, or the first word of `operation.name`).
const VERCEL = lookupTable<SpanKind>({
  'ai.generateText.doGenerate': 'llm',
  'ai.streamText.doStream': 'llm',
  'ai.generateObject.doGenerate': 'llm',
  'ai.streamObject.doStream': 'llm',
  'ai.toolCall': 'tool',
  'ai.embed.doEmbed': 'embedding',
  'ai.embedMany.doEmbed': 'embedding',
  'ai.embed': 'embedding',
  'ai.embedMany': 'embedding',
  'ai.generateText': 'chain',
  'ai.streamText': 'chain',
  'ai.generateObject': 'chain',
  'ai.streamObject': 'chain',
});

export function langfuseKind(type: string | undefined): SpanKind | undefined {
  return lookupKind(LANGFUSE, type);
}

export function mlflowKind(type: unknown): SpanKind | undefined {
  const v = typeof type === 'string' ? (parseJson(type) ?? type) : type;
  return typeof v === 'string' ? lookupKind(MLFLOW, v) : undefined;
}

function vercelKind(a: Attributes): SpanKind | undefined {
  const op = str(a, 'ai.operationId') ?? (a['ai.model.id'] !== undefined ? str(a, 'operation.name')?.split(' ')[0] : undefined);
  return op === undefined ? undefined : VERCEL[op];
}

export function lookupKind(table: Record<string, SpanKind>, value: string | undefined): SpanKind | undefined {
  if (value === undefined) return undefined;
  return table[value] ?? table[value.toUpperCase()] ?? table[value.toLowerCase()];
}

export function openInferenceKind(value: string | undefined): SpanKind | undefined {
  return lookupKind(OPENINFERENCE, value);
}

function explicitKind(a: Attributes): SpanKind | undefined {
  const explicit = str(a, 'tracelens.span.kind')?.toLowerCase();
  return explicit && (SPAN_KINDS as readonly string[]).includes(explicit) ? (explicit as SpanKind) : undefined;
}

/**
 * inferKind's conventions in precedence order, the first that decides wins. In a few steps so
 * that mapSemantics can skip a step whose keys a span lacks (attrGates.ts); each step answers
 * undefined when none of its conventions decides.
 */
export const KIND_STEPS: readonly ((a: Attributes) => SpanKind | undefined)[] = [
  (a) =>
    explicitKind(a) ??
    langfuseKind(str(a, 'langfuse.observation.type')) ??
    openInferenceKind(str(a, 'openinference.span.kind')) ??
    (str(a, 'tracelens.guard.name', 'tracelens.guard.passed') !== undefined ? 'guard' : undefined),
  (a) => lookupKind(LANGSMITH, str(a, 'langsmith.span.kind')) ?? mlflowKind(a['mlflow.spanType']),
  (a) => lookupKind(GENAI_OPERATION, str(a, 'gen_ai.operation.name')) ?? lookupKind(TRACELOOP, str(a, 'traceloop.span.kind')),
  (a) =>
    vercelKind(a) ??
    (str(a, 'llm.request.type') !== undefined ? 'llm' : undefined) ??
    (str(a, 'gen_ai.request.model', 'gen_ai.response.model', 'llm.model_name') !== undefined ? 'llm' : undefined),
];

const ALL_STEPS = (1 << KIND_STEPS.length) - 1;

/** The kind of step. `steps` has bit i set to try KIND_STEPS[i] (mapSemantics leaves out steps whose keys are absent). */
export function inferKind(a: Attributes, steps = ALL_STEPS): SpanKind {
  for (let i = 0; i < KIND_STEPS.length; i++) {
    if ((steps & (1 << i)) === 0) continue;
    const kind = KIND_STEPS[i](a);
    if (kind !== undefined && kind !== null) return kind;
  }
  return 'span';
}
