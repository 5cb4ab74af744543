// A scripted stand-in for a chat model: no network, same output for the same input. It reads the
// rendered prompt like an LLM would (excerpts in rank order, the question, tool results) and has
// the same weaknesses a real one shows: it trusts the top excerpt and glosses over tool statuses.
import type { SimClock } from './determinism';
import { hexDigest } from './determinism';
import { terms } from './retriever';

export type Part =
  | { type: 'text'; content: string }
  | { type: 'tool_call'; id: string; name: string; arguments: Record<string, unknown> }
  | { type: 'tool_call_response'; id: string; response: unknown };

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant' | 'tool';
  parts: Part[];
  finish_reason?: string;
}

export interface ToolDefinition {
  type: 'function';
  name: string;
  description: string;
  parameters: Record<string, unknown>;
}

export interface ChatResponse {
  model: string;
  message: ChatMessage;
  finishReason: 'stop' | 'tool_calls';
  usage: { inputTokens: number; outputTokens: number };
}

export const REQUEST_MODEL = 'support-sim-1';
const RESPONSE_MODEL = 'support-sim-1-2026-10';

/** A rough word-piece count: stable, and close enough to real tokenizers for a demo. */
export const countTokens = (text: string) => (text.match(/[A-Za-z0-9]+|[^\sA-Za-z0-9]/g) ?? []).length;

interface Excerpt {
  id: string;
  sentences: string[];
}

type ToolResults = Map<string, Record<string, unknown>>;

export class ScriptedModel {
  constructor(private readonly clock: SimClock) {}

  async chat(messages: ChatMessage[], tools: ToolDefinition[] = []): Promise<ChatResponse> {
    const prompt = textOf(messages.filter((m) => m.role === 'user').at(-1));
    const parts = /^Labels:/m.test(prompt) ? [text(classify(prompt))] : answer(prompt, messages, tools);
    const message: ChatMessage = { role: 'assistant', parts };
    const finishReason = parts.some((p) => p.type === 'tool_call') ? 'tool_calls' : 'stop';
    const usage = {
      inputTokens: countTokens(JSON.stringify(messages) + (tools.length ? JSON.stringify(tools) : '')),
      outputTokens: countTokens(JSON.stringify(parts)),
    };
    // Simulated latency: time to first token plus per-token prefill and decode.
    this.clock.advanceMicros(240_000 + 250 * usage.inputTokens + 11_000 * usage.outputTokens);
    return {
      model: RESPONSE_MODEL,
      message: { ...message, finish_reason: finishReason },
      finishReason,
      usage,
    };
  }
}

const text = (content: string): Part => ({ type: 'text', content });
const textOf = (m: ChatMessage | undefined) => (m?.parts ?? []).map((p) => (p.type === 'text' ? p.content : '')).join('');

function classify(prompt: string): string {
  const message = /^Message: (.*)$/m.exec(prompt)?.[1] ?? '';
  if (/\b[A-Z]-\d{4}\b/.test(message)) return 'order_issue';
  if (/\b(ship|shipping|deliver|delivery)\b/i.test(message)) return 'shipping';
  if (/\b(refund|return|money)\b/i.test(message)) return 'refund_policy';
  return 'other';
}

function excerpts(prompt: string): Excerpt[] {
  return [...prompt.matchAll(/^\[([\w-]+)\] \(effective [\d-]+\) (.*)$/gm)].map((m) => ({
    id: m[1],
    sentences: m[2].split(/(?<=[.!?])\s+(?=[A-Z])/),
  }));
}

/** Tool results so far, by tool name (the model only ever calls each tool once per turn). */
function toolResults(messages: ChatMessage[]): ToolResults {
  const names = new Map<string, string>();
  const results: ToolResults = new Map();
  for (const part of messages.flatMap((m) => m.parts)) {
    if (part.type === 'tool_call') names.set(part.id, part.name);
    if (part.type === 'tool_call_response') {
      results.set(names.get(part.id) ?? '?', part.response as Record<string, unknown>);
    }
  }
  return results;
}

const cite = (sentence: string, id: string) => `${sentence.replace(/[.!?]$/, '')} [${id}].`;

/** The sentence of the TOP excerpt that best overlaps the question: no cross-checking. */
function bestSentence(all: Excerpt[], question: string): string {
  const top = all[0];
  if (!top) return "I couldn't find a policy that answers this, so I'll pass it to a colleague.";
  const q = new Set(terms(question));
  const asksDuration = /\b(how many days|how long|when)\b/i.test(question);
  const scoreOf = (s: string) => terms(s).filter((t) => q.has(t)).length + (asksDuration && /\d+ (business )?days?\b/.test(s) ? 1 : 0);
  const best = top.sentences.reduce((a, b) => (scoreOf(b) > scoreOf(a) ? b : a));
  return cite(best, top.id);
}

function refundTiming(all: Excerpt[]): string {
  for (const e of all) {
    const s = e.sentences.find((x) => /payment method/.test(x));
    if (s) return cite(s, e.id);
  }
  return '';
}

function answer(prompt: string, messages: ChatMessage[], tools: ToolDefinition[]): Part[] {
  const question = /^Customer question: (.*)$/m.exec(prompt)?.[1] ?? '';
  const all = excerpts(prompt);
  const offered = new Set(tools.map((t) => t.name));
  const results = toolResults(messages);
  const orderId = /\b[A-Z]-\d{4}\b/.exec(question)?.[0];
  const call = (name: string, args: Record<string, unknown>): Part[] => [
    {
      type: 'tool_call',
      id: `call_${hexDigest(`${question}:${name}`, 12)}`,
      name,
      arguments: args,
    },
  ];

  if (orderId && offered.has('lookup_order') && !results.has('lookup_order')) {
    return call('lookup_order', { order_id: orderId });
  }
  const order = results.get('lookup_order');
  if (order && 'error' in order) {
    return [
      text(
        `Sorry, I can't check order ${orderId} right now because our order system is not responding; ` +
          `please try again in a few minutes. ${refundTiming(all)}`,
      ),
    ];
  }
  // "How many days…" asks about the policy, not for a refund to be issued now.
  const asksPolicy = /\bhow (many days|long)\b/i.test(question);
  const wantsRefund = !asksPolicy && /\b(refund|broken|damaged|stopped working|money back|\S+ back)\b/i.test(question);
  if (order && order.status === 'delivered' && wantsRefund && offered.has('issue_refund')) {
    const refund = results.get('issue_refund');
    if (!refund) {
      return call('issue_refund', { order_id: orderId, amount: order.total, reason: question });
    }
    // The scripted flaw: the model reports the refund as issued whatever `status` says.
    const amount = Number(refund.amount).toFixed(2);
    return [text(`I've issued a refund of $${amount} for order ${orderId}. ${refundTiming(all)}`)];
  }
  return [text(bestSentence(all, question))];
}
