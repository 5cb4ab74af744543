// Three small runs that between them exercise every search field, plus hostile text.
// Source 1: run A (negative feedback, a slow gpt-4o call with the `answer` template, a failed
// tool call, a fired guard) and run B (positive feedback, service `test`, `classify`).
// Source 2: run C, whose names and outputs are SQL-injection strings.

import type { Span } from '../../../src/core/model/span';

/** 2023-11-14T22:13:20Z */
export const BASE_S = 1_700_000_000;
/** The `now` the tests compile with: BASE + 400 s. */
export const NOW = BigInt(BASE_S + 400) * 1_000_000_000n;

const at = (s: number): bigint => BigInt(Math.round((BASE_S + s) * 1000)) * 1_000_000n;

function mk(traceId: string, spanId: string, parentId: string | undefined, start: number, end: number, extra: Partial<Span>): Span {
  return {
    traceId,
    spanId,
    parentId,
    name: spanId,
    kind: 'span',
    startNs: at(start),
    endNs: at(end),
    status: 'unset',
    attributes: {},
    events: [],
    ...extra,
  };
}

export const INJECTION_NAME = "x' OR 1=1 --";

export const SOURCE_1: Span[] = [
  mk('trace-aaaa', 'a1', undefined, 100, 110, {
    kind: 'agent',
    name: 'support_agent.answer',
    service: 'agent-svc',
    sessionId: 'sess-1',
    userId: 'u-1',
    input: 'What is the refund policy for damaged items?',
    feedback: [{ score: -1, label: 'negative', comment: 'wrong policy' }],
  }),
  mk('trace-aaaa', 'l1', 'a1', 101, 104, {
    kind: 'llm',
    name: 'chat gpt-4o',
    service: 'agent-svc',
    model: { provider: 'openai', requested: 'gpt-4o', returned: 'gpt-4o-2024-08-06' },
    usage: { input: 3000, output: 1500 },
    cost: 0.02,
    template: { name: 'answer', version: '3', path: 'prompts/answer.prompt.md' },
    inputMessages: [{ role: 'user', content: 'What is the refund policy for damaged items?' }],
    outputMessages: [{ role: 'assistant', content: 'Refunds are issued within 60 days.' }],
    attributes: { 'user.id': 42, retries: 3, 'gen_ai.request.temperature': 0.2 },
  }),
  mk('trace-aaaa', 't1', 'a1', 104, 104.2, {
    kind: 'tool',
    name: 'execute_tool lookup_order',
    service: 'agent-svc',
    status: 'error',
    statusMessage: 'timeout talking to orders',
    tool: { name: 'lookup_order', arguments: '{"order_id":"A-17"}' },
  }),
  mk('trace-aaaa', 'g1', 'a1', 105, 105.01, {
    kind: 'guard',
    name: 'guard refund_amount_limit',
    service: 'agent-svc',
    guards: [{ name: 'refund_amount_limit', passed: false, action: 'fallback' }],
  }),
  mk('trace-bbbb', 'a2', undefined, 200, 203, {
    kind: 'agent',
    name: 'support_agent.answer',
    service: 'test',
    sessionId: 'sess-2',
    userId: 'u-2',
    feedback: [{ score: 1, label: 'positive' }],
  }),
  mk('trace-bbbb', 'l2', 'a2', 200.5, 201, {
    kind: 'llm',
    name: 'chat claude',
    service: 'test',
    model: { provider: 'anthropic', requested: 'claude-3-5-sonnet' },
    usage: { input: 100, output: 50 },
    cost: 0.001,
    template: { name: 'classify', version: '1' },
    inputMessages: [{ role: 'user', content: 'Where\'s my order? O\'Brien said "soon"' }],
    outputMessages: [{ role: 'assistant', content: 'Café au lait, 100% sure_' }],
    attributes: { 'user.id': '43', customer: { tier: 'gold' } },
  }),
  mk('trace-bbbb', 'g2', 'a2', 202, 202.01, {
    kind: 'guard',
    name: 'guard cites_policy',
    service: 'test',
    guards: [{ name: 'cites_policy', passed: true, action: 'none' }],
  }),
];

export const SOURCE_2: Span[] = [
  mk('trace-cccc', 'x3', undefined, 300, 301, {
    name: INJECTION_NAME,
    output: "Robert'); DROP TABLE spans;--",
    attributes: { 'weird key': 'a;DROP TABLE spans;--' },
  }),
  mk('trace-cccc', 'e3', 'x3', 300.1, 300.2, {
    kind: 'embedding',
    name: 'embed',
    model: { requested: 'text-embedding-3-small' },
    usage: { input: 20 },
  }),
];

export const ALL_SPANS = [...SOURCE_1, ...SOURCE_2];
