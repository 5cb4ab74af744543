// Model, token usage, cost and tool-call fields of LLM and tool spans.

import type { Attributes, ModelRef, TokenUsage, ToolCall } from '../model/span';
import { num, str } from './attrs';

export function modelRef(a: Attributes): ModelRef | undefined {
  const m: ModelRef = {
    provider: str(a, 'gen_ai.provider.name', 'gen_ai.system', 'llm.provider', 'llm.system'),
    requested: str(a, 'gen_ai.request.model', 'llm.request.model_name', 'llm.model_name', 'llm.request.model'),
    returned: str(a, 'gen_ai.response.model', 'llm.response.model_name', 'llm.response.model'),
  };
  if (!m.requested && m.returned) m.requested = m.returned;
  return m.provider || m.requested || m.returned ? m : undefined;
}

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
  for (const k of Object.keys(u) as (keyof TokenUsage)[]) if (u[k] === undefined) delete u[k];
  return Object.keys(u).length ? u : undefined;
}

export function cost(a: Attributes): number | undefined {
  return num(a, 'tracelens.cost.usd', 'gen_ai.usage.cost', 'llm.cost.total');
}

/** The tool a tool span executed, with its arguments and result. */
export function toolExecution(a: Attributes): ToolCall | undefined {
  const name = str(a, 'gen_ai.tool.name', 'tool.name', 'traceloop.entity.name');
  if (!name) return undefined;
  return {
    name,
    id: str(a, 'gen_ai.tool.call.id', 'tool.id', 'tool_call.id'),
    arguments: str(a, 'gen_ai.tool.call.arguments', 'tool.parameters', 'input.value', 'traceloop.entity.input'),
    result: str(a, 'gen_ai.tool.call.result', 'output.value', 'traceloop.entity.output'),
  };
}
