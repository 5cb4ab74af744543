// Messages out of structured LLM payloads, whoever wrote them: OpenAI chat messages and
// completions, the Responses API, Anthropic content blocks, LangChain messages (serialized
// `{lc, type:"constructor", id:[…,"HumanMessage"], kwargs}` and `.dict()` forms, `generations`),
// and the wrappers around them (`{messages}`, `{choices}`, `{output}`). Used by the run formats
// (LangSmith, Langfuse, MLflow, OpenAI Agents) and the JSON attribute flavours that carry them.

import type { Message, ToolCall } from '../model/span';
import { parseJson, text } from './attrs';
import { lookupTable } from './lookupTable';

type Obj = Record<string, unknown>;
const asObj = (v: unknown): Obj | undefined => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : undefined);

const MAX_MESSAGES = 10_000;

// LangChain message class / `.dict()` type → chat role.
const LC_ROLES = lookupTable<string>({
  HumanMessage: 'user',
  HumanMessageChunk: 'user',
  human: 'user',
  AIMessage: 'assistant',
  AIMessageChunk: 'assistant',
  ai: 'assistant',
  SystemMessage: 'system',
  SystemMessageChunk: 'system',
  system: 'system',
  ToolMessage: 'tool',
  ToolMessageChunk: 'tool',
  tool: 'tool',
  FunctionMessage: 'function',
  function: 'function',
  ChatMessage: 'user',
});

/** A payload decoded from a JSON string when it is one; other values as they are. */
function decoded(v: unknown): unknown {
  return typeof v === 'string' ? parseJson(v) : v;
}

/**
 * The messages a payload carries, or undefined when it is not message-shaped (then the caller
 * shows it as generic input/output). `defaultRole` names messages that carry no role.
 */
export function messagesFromPayload(payload: unknown, defaultRole = 'user'): Message[] | undefined {
  const out: Message[] = [];
  collect(decoded(payload), defaultRole, out, 0);
  return out.length ? out : undefined;
}

function collect(v: unknown, role: string, out: Message[], depth: number): void {
  if (depth > 6 || out.length >= MAX_MESSAGES) return;
  if (Array.isArray(v)) {
    for (const x of v) collect(x, role, out, depth + 1);
    return;
  }
  const o = asObj(v);
  if (!o) return;
  const m = oneMessage(o, role);
  if (m) {
    out.push(m);
    return;
  }
  // Wrappers: LangSmith/LangChain inputs and outputs, OpenAI completions and responses.
  if (Array.isArray(o.messages)) return collect(o.messages, role, out, depth + 1);
  if (Array.isArray(o.choices)) {
    for (const c of o.choices) {
      const co = asObj(c);
      const msg = asObj(co?.message) ?? asObj(co?.delta);
      const m2 = msg ? oneMessage(msg, 'assistant') : typeof co?.text === 'string' ? { role: 'assistant', content: co.text } : undefined;
      if (!m2) continue;
      if (typeof co?.finish_reason === 'string' && !m2.finishReason) m2.finishReason = co.finish_reason;
      out.push(m2);
    }
    return;
  }
  if (Array.isArray(o.generations)) {
    for (const g of o.generations.flat()) {
      const go = asObj(g);
      if (!go) continue;
      const msg = asObj(go.message);
      const m2 = msg ? oneMessage(msg, 'assistant') : typeof go.text === 'string' ? { role: 'assistant', content: go.text } : undefined;
      if (!m2) continue;
      const fr = asObj(go.generation_info)?.finish_reason;
      if (typeof fr === 'string' && !m2.finishReason) m2.finishReason = fr;
      out.push(m2);
    }
    return;
  }
  if (o.object === 'response' && Array.isArray(o.output)) return collect(o.output, 'assistant', out, depth + 1);
  if (asObj(o.message)) return collect(o.message, role, out, depth + 1);
  // LangSmith-over-OTel wraps a prompt run's formatted messages: {"output":{"messages":[…]}}.
  if (asObj(o.output)) return collect(o.output, role, out, depth + 1);
}

/** One message object in any of the known shapes, else undefined. */
function oneMessage(o: Obj, defaultRole: string): Message | undefined {
  // LangChain serialized: {lc:1, type:"constructor", id:[..., "HumanMessage"], kwargs:{content, …}}
  if (o.lc !== undefined && Array.isArray(o.id) && asObj(o.kwargs)) {
    const cls = String(o.id[o.id.length - 1] ?? '');
    const kw = o.kwargs as Obj;
    if (!/Message(Chunk)?$/.test(cls)) return undefined;
    return build(kw, LC_ROLES[cls] ?? (typeof kw.role === 'string' ? kw.role : defaultRole));
  }
  // OpenAI Responses API items.
  if (o.type === 'function_call' && typeof o.name === 'string') {
    return { role: 'assistant', content: '', toolCalls: [{ id: str(o.call_id) ?? str(o.id), name: o.name, arguments: text(o.arguments) }] };
  }
  if (o.type === 'function_call_output') {
    return { role: 'tool', content: text(o.output) ?? '', toolCallId: str(o.call_id) };
  }
  if (typeof o.role === 'string') return build(o, o.role);
  // LangChain `.dict()`: {type:"human"|"ai"|…, content}
  if (typeof o.type === 'string' && LC_ROLES[o.type] && 'content' in o) return build(o, LC_ROLES[o.type]);
  return undefined;
}

function build(o: Obj, role: string): Message {
  const calls: ToolCall[] = [];
  const texts: string[] = [];
  let toolCallId = str(o.tool_call_id);
  const content = o.content;
  if (typeof content === 'string') texts.push(content);
  else if (Array.isArray(content)) {
    for (const b of content) {
      const bo = asObj(b);
      if (!bo) {
        if (typeof b === 'string') texts.push(b);
        continue;
      }
      if (bo.type === 'tool_use') calls.push({ id: str(bo.id), name: String(bo.name ?? ''), arguments: text(bo.input) });
      else if (bo.type === 'tool-call') {
        // Vercel AI SDK parts
        calls.push({ id: str(bo.toolCallId), name: String(bo.toolName ?? ''), arguments: text(bo.args ?? bo.input) });
      } else if (bo.type === 'tool_result' || bo.type === 'tool-result') {
        toolCallId ??= str(bo.tool_use_id) ?? str(bo.toolCallId);
        texts.push(contentText(bo.content ?? bo.result ?? bo.output));
      } else if (typeof bo.text === 'string') texts.push(bo.text);
      else if (typeof bo.content === 'string') texts.push(bo.content);
    }
  } else if (content !== undefined && content !== null) texts.push(text(content) ?? '');
  const kw = asObj(o.additional_kwargs);
  for (const list of [o.tool_calls, kw?.tool_calls]) if (Array.isArray(list)) calls.push(...toolCalls(list));
  const fc = asObj(o.function_call) ?? asObj(kw?.function_call);
  if (fc && typeof fc.name === 'string') calls.push({ name: fc.name, arguments: text(fc.arguments) });
  const m: Message = { role, content: texts.join('\n') };
  const name = str(o.name);
  if (name) m.name = name;
  if (toolCallId) m.toolCallId = toolCallId;
  const fr = str(o.finish_reason) ?? str(asObj(o.response_metadata)?.finish_reason);
  if (fr) m.finishReason = fr;
  if (calls.length) m.toolCalls = dedupeCalls(calls);
  return m;
}

function contentText(c: unknown): string {
  if (typeof c === 'string') return c;
  if (Array.isArray(c))
    return c.map((x) => (asObj(x) && typeof (x as Obj).text === 'string' ? String((x as Obj).text) : text(x))).join('\n');
  return text(c) ?? '';
}

/** OpenAI `{id, function:{name, arguments}}`, LangChain `{id, name, args}`, Vercel `{toolCallId, toolName, args}` tool calls. */
export function toolCalls(list: unknown[]): ToolCall[] {
  const out: ToolCall[] = [];
  for (const c of list) {
    const o = asObj(c);
    if (!o) continue;
    const fn = asObj(o.function);
    out.push({
      id: str(o.id) ?? str(o.call_id) ?? str(o.toolCallId),
      name: String(fn?.name ?? o.name ?? o.toolName ?? ''),
      arguments: text(fn?.arguments ?? o.arguments ?? o.args ?? o.input),
    });
  }
  return out;
}

// LangChain AIMessages carry the same call in `tool_calls` and `additional_kwargs.tool_calls`.
function dedupeCalls(calls: ToolCall[]): ToolCall[] {
  const seen = new Set<string>();
  return calls.filter((c) => {
    const k = c.id ? `id:${c.id}` : `${c.name}\u0000${c.arguments ?? ''}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v.length > 0 ? v : undefined);
