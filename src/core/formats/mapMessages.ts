// Prompt and completion messages in every form we know: GenAI parts (new), GenAI prompt/
// completion strings and events (old), OpenLLMetry indexed keys, OpenInference indexed keys,
// LangSmith-over-OTel JSON payloads, Vercel AI SDK `ai.*`, Langfuse-over-OTel, MLflow, Logfire.

import type { Attributes, Message, SpanEvent, ToolCall } from '../model/span';
import { indexed, parseJson, str, text } from './attrs';
import { messagesFromPayload, toolCalls } from './mapPayload';

interface GenAiPart {
  type?: string;
  content?: unknown;
  id?: string;
  name?: string;
  arguments?: unknown;
  response?: unknown;
  result?: unknown;
}

/** `[{role, parts:[…]}]` (new semconv) or `[{role, content}]` (OpenAI shape). */
export function messagesFromJson(raw: unknown): Message[] | undefined {
  const parsed = typeof raw === 'string' ? parseJson(raw) : raw;
  if (parsed === undefined && typeof raw === 'string' && raw.length > 0) {
    return [{ role: 'user', content: raw }];
  }
  const list = Array.isArray(parsed) ? parsed : parsed && typeof parsed === 'object' ? [parsed] : [];
  const out: Message[] = [];
  for (const m of list) {
    if (!m || typeof m !== 'object') continue;
    const o = m as Record<string, unknown>;
    const msg: Message = { role: String(o.role ?? 'user'), content: '' };
    const texts: string[] = [];
    const calls: ToolCall[] = [];
    if (Array.isArray(o.parts)) {
      for (const p of o.parts as GenAiPart[]) {
        if (!p || typeof p !== 'object') continue;
        if (p.type === 'tool_call') {
          calls.push({ id: p.id, name: String(p.name ?? ''), arguments: text(p.arguments) });
        } else if (p.type === 'tool_call_response') {
          msg.toolCallId = p.id;
          texts.push(text(p.response ?? p.result) ?? '');
        } else {
          const t = text(p.content);
          if (t !== undefined) texts.push(t);
        }
      }
    } else if (o.content !== undefined) {
      texts.push(contentText(o.content));
    }
    if (Array.isArray(o.tool_calls)) calls.push(...openAiToolCalls(o.tool_calls));
    if (typeof o.tool_call_id === 'string') msg.toolCallId = o.tool_call_id;
    if (typeof o.name === 'string') msg.name = o.name;
    if (typeof o.finish_reason === 'string') msg.finishReason = o.finish_reason;
    msg.content = texts.join('\n');
    if (calls.length) msg.toolCalls = calls;
    out.push(msg);
  }
  return out;
}

function contentText(c: unknown): string {
  if (typeof c === 'string') return c;
  if (Array.isArray(c)) {
    return c.map((x) => (x && typeof x === 'object' && 'text' in x ? String((x as { text: unknown }).text) : text(x))).join('\n');
  }
  return text(c) ?? '';
}

function openAiToolCalls(list: unknown[]): ToolCall[] {
  const out: ToolCall[] = [];
  for (const c of list) {
    if (!c || typeof c !== 'object') continue;
    const o = c as { id?: string; name?: string; function?: { name?: string; arguments?: unknown }; arguments?: unknown };
    out.push({ id: o.id, name: String(o.function?.name ?? o.name ?? ''), arguments: text(o.function?.arguments ?? o.arguments) });
  }
  return out;
}

/** OpenLLMetry legacy: gen_ai.prompt.N.role|content, gen_ai.completion.N.… */
function indexedGenAi(a: Attributes, prefix: string): Message[] | undefined {
  const items = indexed(a, prefix);
  if (!items.length) return undefined;
  return items.map((it) => {
    const calls = indexed(it, 'tool_calls').map((c) => ({
      id: str(c, 'id'),
      name: str(c, 'name') ?? '',
      arguments: str(c, 'arguments'),
    }));
    const m: Message = { role: str(it, 'role') ?? 'user', content: str(it, 'content') ?? '' };
    const fr = str(it, 'finish_reason');
    if (fr) m.finishReason = fr;
    if (calls.length) m.toolCalls = calls;
    return m;
  });
}

/** OpenInference: llm.input_messages.N.message.role|content|contents.M…|tool_calls.M… */
function indexedOpenInference(a: Attributes, prefix: string): Message[] | undefined {
  const items = indexed(a, prefix);
  if (!items.length) return undefined;
  return items.map((it) => {
    const parts = indexed(it, 'message.contents')
      .map((p) => str(p, 'message_content.text'))
      .filter((t): t is string => t !== undefined);
    const calls = indexed(it, 'message.tool_calls').map((c) => ({
      id: str(c, 'tool_call.id'),
      name: str(c, 'tool_call.function.name') ?? '',
      arguments: str(c, 'tool_call.function.arguments'),
    }));
    const m: Message = {
      role: str(it, 'message.role') ?? 'user',
      content: str(it, 'message.content') ?? parts.join('\n'),
    };
    const name = str(it, 'message.name');
    if (name) m.name = name;
    const callId = str(it, 'message.tool_call_id');
    if (callId) m.toolCallId = callId;
    if (calls.length) m.toolCalls = calls;
    return m;
  });
}

function fromEvents(events: SpanEvent[], eventName: string, key: string, role: string): Message[] | undefined {
  const out: Message[] = [];
  for (const e of events) {
    if (e.name !== eventName) continue;
    const raw = e.attributes[key];
    const msgs = messagesFromJson(typeof raw === 'string' ? raw : text(raw));
    if (msgs) out.push(...msgs.map((m) => (m.role === 'user' && role !== 'user' ? { ...m, role } : m)));
  }
  return out.length ? out : undefined;
}

export function inputMessages(a: Attributes, events: SpanEvent[]): Message[] | undefined {
  const system = str(a, 'gen_ai.system_instructions');
  const main =
    (a['gen_ai.input.messages'] !== undefined ? messagesFromJson(a['gen_ai.input.messages']) : undefined) ??
    indexedOpenInference(a, 'llm.input_messages') ??
    indexedGenAi(a, 'gen_ai.prompt') ??
    promptMessages(a['gen_ai.prompt'], 'user') ??
    fromEvents(events, 'gen_ai.content.prompt', 'gen_ai.prompt', 'user') ??
    vercelPrompt(a) ??
    payloadMessages(a, INPUT_PAYLOADS, 'user');
  if (system === undefined) return main;
  const sys = messagesFromJson(system) ?? [];
  return [...sys.map((m) => ({ ...m, role: 'system' })), ...(main ?? [])];
}

export function outputMessages(a: Attributes, events: SpanEvent[]): Message[] | undefined {
  return (
    (a['gen_ai.output.messages'] !== undefined ? messagesFromJson(a['gen_ai.output.messages']) : undefined) ??
    indexedOpenInference(a, 'llm.output_messages') ??
    indexedGenAi(a, 'gen_ai.completion') ??
    asAssistant(promptMessages(a['gen_ai.completion'], 'assistant')) ??
    asAssistant(fromEvents(events, 'gen_ai.content.completion', 'gen_ai.completion', 'assistant')) ??
    vercelResponse(a) ??
    payloadMessages(a, OUTPUT_PAYLOADS, 'assistant')
  );
}

// JSON payload attributes that hold messages when they are message-shaped (else they are generic
// input/output): Langfuse-over-OTel, MLflow span inputs/outputs, Logfire OpenAI request/response.
const INPUT_PAYLOADS = ['langfuse.observation.input', 'mlflow.spanInputs', 'request_data'];
const OUTPUT_PAYLOADS = ['langfuse.observation.output', 'mlflow.spanOutputs', 'response_data'];

function payloadMessages(a: Attributes, keys: string[], role: string): Message[] | undefined {
  for (const k of keys) {
    if (a[k] === undefined || a[k] === null) continue;
    const ms = messagesFromPayload(a[k], role);
    if (ms) return ms;
  }
  return undefined;
}

/**
 * `gen_ai.prompt` / `gen_ai.completion` as one value: plain text (OpenLIT), a message list, or a
 * LangSmith-over-OTel JSON object (`{"messages":[[…LangChain messages]]}`, `{"generations":…}`).
 * JSON that holds no messages (`{"input":"…"}`) is generic input/output, not a message.
 */
function promptMessages(raw: unknown, role: string): Message[] | undefined {
  if (raw === undefined || raw === null) return undefined;
  const parsed = typeof raw === 'string' ? parseJson(raw) : raw;
  if (parsed === undefined) return typeof raw === 'string' && raw.length > 0 ? [{ role, content: raw }] : undefined;
  if (typeof parsed === 'string') return parsed.length > 0 ? [{ role, content: parsed }] : undefined;
  if (hasParts(parsed)) return messagesFromJson(parsed);
  return messagesFromPayload(parsed, role);
}

function hasParts(v: unknown): boolean {
  const first = Array.isArray(v) ? v[0] : v;
  return !!first && typeof first === 'object' && Array.isArray((first as { parts?: unknown }).parts);
}

/** Vercel AI SDK: `ai.prompt.messages` (JSON list) or `ai.prompt` (`{system, prompt, messages}`). */
function vercelPrompt(a: Attributes): Message[] | undefined {
  if (a['ai.prompt.messages'] !== undefined) return messagesFromPayload(a['ai.prompt.messages'], 'user');
  const p = parseJson(a['ai.prompt']) ?? a['ai.prompt'];
  if (!p || typeof p !== 'object' || Array.isArray(p)) return undefined;
  const o = p as { system?: unknown; prompt?: unknown; messages?: unknown };
  const out: Message[] = [];
  if (typeof o.system === 'string') out.push({ role: 'system', content: o.system });
  if (typeof o.prompt === 'string') out.push({ role: 'user', content: o.prompt });
  out.push(...(messagesFromPayload(o.messages, 'user') ?? []));
  return out.length ? out : undefined;
}

/** Vercel AI SDK: `ai.response.text` and `ai.response.toolCalls`. */
function vercelResponse(a: Attributes): Message[] | undefined {
  const content = str(a, 'ai.response.text');
  const calls = parseJson(a['ai.response.toolCalls']);
  if (content === undefined && !Array.isArray(calls)) return undefined;
  const m: Message = { role: 'assistant', content: content ?? '' };
  if (Array.isArray(calls) && calls.length) m.toolCalls = toolCalls(calls);
  const fr = str(a, 'ai.response.finishReason');
  if (fr) m.finishReason = fr;
  return [m];
}

function asAssistant(ms: Message[] | undefined): Message[] | undefined {
  return ms?.map((m) => (m.role === 'user' ? { ...m, role: 'assistant' } : m));
}
