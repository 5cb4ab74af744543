// Model, token usage, cost and tool-call fields of LLM and tool spans.

import type { Attributes, ModelRef, TokenUsage, ToolCall } from '../model/span';
import { definedOnly, num, parseJson, str } from './attrs';

export function modelRef(a: Attributes): ModelRef | undefined {
  const m: ModelRef = {
    provider: str(
      a,
      'gen_ai.provider.name',
      'gen_ai.system',
      'llm.provider',
      'llm.system',
      'ai.model.provider',
      'langsmith.metadata.ls_provider',
    ),
    requested: str(
      a,
      'gen_ai.request.model',
      'llm.request.model_name',
      'llm.model_name',
      'llm.request.model',
      'ai.model.id',
      'langfuse.observation.model.name',
      'langsmith.metadata.ls_model_name',
    ),
    returned: str(a, 'gen_ai.response.model', 'llm.response.model_name', 'llm.response.model', 'ai.response.model'),
  };
  if (!m.requested && m.returned) m.requested = m.returned;
  const out = definedOnly(m);
  return out.provider || out.requested || out.returned ? out : undefined;
}

const VERCEL_OUTER = new Set(['ai.generateText', 'ai.streamText', 'ai.generateObject', 'ai.streamObject', 'ai.embed', 'ai.embedMany']);

export function tokenUsage(a: Attributes): TokenUsage | undefined {
  const u: TokenUsage = {
    input: num(a, 'gen_ai.usage.input_tokens', 'gen_ai.usage.prompt_tokens', 'llm.token_count.prompt', 'llm.usage.prompt_tokens'),
    output: num(
      a,
      'gen_ai.usage.output_tokens',
      'gen_ai.usage.completion_tokens',
      'llm.token_count.completion',
      'llm.usage.completion_tokens',
    ),
    cacheRead: num(
      a,
      'gen_ai.usage.cache_read.input_tokens',
      'gen_ai.usage.cache_read_input_tokens',
      'llm.token_count.prompt_details.cache_read',
    ),
    cacheWrite: num(a, 'gen_ai.usage.cache_creation.input_tokens', 'llm.token_count.prompt_details.cache_write'),
    reasoning: num(
      a,
      'gen_ai.usage.reasoning_output_tokens',
      'gen_ai.usage.reasoning_tokens',
      'llm.token_count.completion_details.reasoning',
    ),
    total: num(a, 'gen_ai.usage.total_tokens', 'llm.token_count.total', 'llm.usage.total_tokens'),
  };
  // Vercel AI SDK: the model call's own usage. An outer ai.generateText/streamText span repeats
  // the sum of its steps; counting it too would count every token twice.
  if (!VERCEL_OUTER.has(str(a, 'ai.operationId') ?? '')) {
    const vercel: TokenUsage = {
      input: num(a, 'ai.usage.promptTokens', 'ai.usage.inputTokens'),
      output: num(a, 'ai.usage.completionTokens', 'ai.usage.outputTokens'),
      total: num(a, 'ai.usage.totalTokens'),
    };
    // Nothing to fill when none is there (every non-Vercel span): skip flattening the object.
    if (vercel.input !== undefined || vercel.output !== undefined || vercel.total !== undefined) fillUsage(u, vercel);
  }
  // JSON usage objects fill what the flat keys left open: Langfuse-over-OTel usage_details, MLflow,
  // Logfire's OpenAI response_data.usage.
  for (const key of ['langfuse.observation.usage_details', 'mlflow.chat.tokenUsage']) {
    if (a[key] !== undefined) fillUsage(u, parseJson(a[key]) ?? a[key]);
  }
  if (a.response_data !== undefined) {
    const rd = parseJson(a.response_data) ?? a.response_data;
    if (rd && typeof rd === 'object' && !Array.isArray(rd)) fillUsage(u, (rd as Record<string, unknown>).usage);
  }
  const out = definedOnly(u);
  return Object.keys(out).length ? out : undefined;
}

/**
 * Fill usage from a usage object: Langfuse `usageDetails` ({input, output, total,
 * input_cache_read | prompt_details.cache_read, output_reasoning | completion_details.reasoning}),
 * LangChain `usage_metadata` / MLflow ({input_tokens, output_tokens, total_tokens,
 * input_token_details.cache_read, output_token_details.reasoning}), OpenAI `usage`
 * ({prompt_tokens, completion_tokens, prompt_tokens_details.cached_tokens, …}).
 */
export function fillUsage(u: TokenUsage, raw: unknown): TokenUsage {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return u;
  const flat = flatNumbers(raw as Record<string, unknown>);
  const pick = (...keys: string[]): number | undefined => {
    for (const k of keys) if (flat[k] !== undefined) return flat[k];
    return undefined;
  };
  const fill = (k: keyof TokenUsage, v: number | undefined): void => {
    if (u[k] === undefined && v !== undefined) u[k] = v;
  };
  fill('input', pick('input', 'input_tokens', 'prompt_tokens', 'promptTokens', 'inputTokens'));
  fill('output', pick('output', 'output_tokens', 'completion_tokens', 'completionTokens', 'outputTokens'));
  fill('total', pick('total', 'total_tokens', 'totalTokens'));
  fill(
    'cacheRead',
    pick(
      'input_cache_read',
      'prompt_details.cache_read',
      'input_token_details.cache_read',
      'prompt_tokens_details.cached_tokens',
      'input_tokens_details.cached_tokens',
      'cache_read_input_tokens',
    ),
  );
  fill('cacheWrite', pick('input_cache_creation', 'input_token_details.cache_creation', 'cache_creation_input_tokens'));
  fill(
    'reasoning',
    pick(
      'output_reasoning',
      'completion_details.reasoning',
      'output_token_details.reasoning',
      'completion_tokens_details.reasoning_tokens',
      'output_tokens_details.reasoning_tokens',
    ),
  );
  return u;
}

function flatNumbers(
  o: Record<string, unknown>,
  prefix = '',
  out: Record<string, number> = Object.create(null),
  depth = 0,
): Record<string, number> {
  for (const [k, v] of Object.entries(o)) {
    const key = prefix + k;
    if (typeof v === 'number' && Number.isFinite(v)) out[key] = v;
    else if (typeof v === 'string' && /^\d+(\.\d+)?$/.test(v)) out[key] = Number(v);
    else if (v && typeof v === 'object' && !Array.isArray(v) && depth < 2)
      flatNumbers(v as Record<string, unknown>, key + '.', out, depth + 1);
  }
  return out;
}

export function cost(a: Attributes): number | undefined {
  const c = num(a, 'tracelens.cost.usd', 'gen_ai.usage.cost', 'llm.cost.total');
  if (c !== undefined) return c;
  const details = parseJson(a['langfuse.observation.cost_details']) ?? a['langfuse.observation.cost_details'];
  const total = details && typeof details === 'object' ? (details as Record<string, unknown>).total : undefined;
  return typeof total === 'number' && Number.isFinite(total) ? total : undefined;
}

/** The tool a tool span executed, with its arguments and result. */
export function toolExecution(a: Attributes): ToolCall | undefined {
  const name = str(a, 'gen_ai.tool.name', 'tool.name', 'traceloop.entity.name', 'ai.toolCall.name');
  if (!name) return undefined;
  return {
    name,
    id: str(a, 'gen_ai.tool.call.id', 'tool.id', 'tool_call.id', 'ai.toolCall.id'),
    arguments: str(a, 'gen_ai.tool.call.arguments', 'tool.parameters', 'input.value', 'traceloop.entity.input', 'ai.toolCall.args'),
    result: str(a, 'gen_ai.tool.call.result', 'output.value', 'traceloop.entity.output', 'ai.toolCall.result'),
  };
}
