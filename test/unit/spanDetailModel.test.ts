// The span detail page's model, built in src/core from a span: messages by role with tool calls
// paired to their results, tool spans, documents, guards, feedback, exceptions and events, long
// values cut with their whole kept by id, secrets masked everywhere; and the demo's bad answer.

import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import type { Span } from '../../src/core/model/span';
import type { DetailText } from '../../src/core/model/spanDetail';
import { buildSpanDetail, DETAIL_VALUE_CHARS, roleClass, sentimentOf } from '../../src/core/trace/spanDetailModel';
import { MASK } from '../../src/core/trace/maskSecrets';
import { importFile } from '../../src/ingest/importFile';
import { isValueId } from '../../src/protocol/spanDetailMessages';

const base = (extra: Partial<Span> = {}): Span => ({
  traceId: 't1',
  spanId: 's1',
  name: 'chat gpt-x',
  kind: 'llm',
  startNs: 1_700_000_000_000_000_000n,
  endNs: 1_700_000_000_920_000_000n,
  status: 'ok',
  attributes: {},
  events: [],
  ...extra,
});

const OPENAI_KEY = 'sk-proj-abcdefghijklmnopqrstuvwxyz0123456789';

describe('span detail model', () => {
  it('keeps messages in order with their roles, and pairs tool calls with their results', () => {
    const { model } = buildSpanDetail(
      base({
        inputMessages: [
          { role: 'system', content: 'Be brief.' },
          { role: 'user', content: 'Where is order A-1?' },
          { role: 'assistant', content: '', toolCalls: [{ id: 'call_1', name: 'lookup_order', arguments: '{"order_id":"A-1"}' }] },
          { role: 'tool', content: '{"status":"shipped"}', toolCallId: 'call_1' },
          { role: 'Developer', content: 'dev note' },
          { role: 'critic', content: 'odd role' },
        ],
        outputMessages: [{ role: 'assistant', content: 'It shipped.', finishReason: 'stop' }],
      }),
    );
    assert.deepEqual(
      model.inputMessages.map((m) => [m.role, m.roleClass]),
      [
        ['system', 'system'],
        ['user', 'user'],
        ['assistant', 'assistant'],
        ['tool', 'tool'],
        ['Developer', 'system'],
        ['critic', 'other'],
      ],
    );
    const call = model.inputMessages[2].toolCalls[0];
    assert.equal(call.name, 'lookup_order');
    assert.equal(call.id, 'call_1');
    assert.deepEqual(call.arguments, { text: '{\n  "order_id": "A-1"\n}', json: true });
    assert.deepEqual(call.result, { text: '{\n  "status": "shipped"\n}', json: true }, 'the tool message answers the call');
    assert.equal(model.inputMessages[2].content, undefined, 'an empty assistant turn has no content block');
    assert.equal(model.inputMessages[3].toolCallId, 'call_1');
    assert.equal(model.outputMessages[0].finishReason, 'stop');
    assert.equal(roleClass('HUMAN'), 'user');
  });

  it('shows a tool span with its arguments and result, and generic input/output only without messages', () => {
    const { model } = buildSpanDetail(
      base({ kind: 'tool', tool: { name: 'search', arguments: '{"q":"refunds"}', result: 'not json [' }, input: 'in', output: 'out' }),
    );
    assert.equal(model.tool?.name, 'search');
    assert.equal(model.tool?.arguments?.json, true);
    assert.deepEqual(model.tool?.result, { text: 'not json [' });
    assert.deepEqual(model.input, { text: 'in' });
    assert.deepEqual(model.output, { text: 'out' });
    const withMessages = buildSpanDetail(base({ input: 'in', inputMessages: [{ role: 'user', content: 'in' }] })).model;
    assert.equal(withMessages.input, undefined);
  });

  it('lists retrieved documents with rank, score, source and metadata', () => {
    const { model } = buildSpanDetail(
      base({
        kind: 'retriever',
        documents: [
          {
            id: 'refund-2023',
            score: 3.14,
            content: 'Gifts: 60 days',
            uri: 's3://b/refund-2023.md',
            metadata: { title: 'Refunds', path: 'policies/refund-2023.md' },
          },
          { uri: 's3://b/x.md', score: Number.NaN },
        ],
      }),
    );
    const [a, b] = model.documents;
    assert.equal(a.rank, 1);
    assert.equal(a.id, 'refund-2023');
    assert.equal(a.score, 3.14);
    assert.equal(a.title, 'Refunds');
    assert.equal(a.source, 'policies/refund-2023.md');
    assert.equal(a.content?.text, 'Gifts: 60 days');
    assert.deepEqual(
      a.metadata.map((r) => r.key),
      ['path', 'title'],
    );
    assert.equal(b.rank, 2);
    assert.equal(b.score, undefined, 'NaN scores are dropped');
    assert.equal(b.uri, 's3://b/x.md');
  });

  it('carries guards, feedback with a sentiment, exceptions and exception events', () => {
    const { model } = buildSpanDetail(
      base({
        status: 'error',
        statusMessage: 'boom',
        guards: [
          { name: 'cites_policy', passed: true, action: 'none', reason: 'cites doc' },
          { name: 'pii', passed: false, action: 'fallback', reason: 'email found' },
        ],
        feedback: [{ name: 'user', score: -1, comment: 'wrong' }, { label: 'thumbs_up' }, { label: 'meh' }],
        exception: { type: 'ValueError', message: 'bad', stacktrace: 'Traceback…\n  File "a.py", line 3' },
        events: [
          {
            name: 'exception',
            timeNs: 1_700_000_000_010_000_000n,
            attributes: { 'exception.type': 'E', 'exception.message': 'm', 'exception.stacktrace': 'at f (a.js:1:2)', extra: 1 },
          },
          { name: 'retry', attributes: {} },
        ],
      }),
    );
    assert.deepEqual(model.guards[1], { name: 'pii', passed: false, action: 'fallback', reason: 'email found' });
    assert.deepEqual(
      model.feedback.map((f) => f.sentiment),
      ['negative', 'positive', 'neutral'],
    );
    assert.equal(model.statusMessage, 'boom');
    assert.equal(model.exception?.type, 'ValueError');
    assert.match(model.exception?.stacktrace?.text ?? '', /line 3/);
    const [ex, retry] = model.events;
    assert.equal(ex.offset, '+10ms');
    assert.deepEqual(ex.exception, { type: 'E', message: 'm', stacktrace: { text: 'at f (a.js:1:2)' } });
    assert.deepEqual(
      ex.attributes.map((r) => r.key),
      ['extra'],
      'exception.* fields are shown as the exception, not repeated',
    );
    assert.equal(retry.time, undefined);
    assert.equal(sentimentOf({ score: 0 }), 'neutral');
  });

  it('cuts long values at the limit, keeping the whole under an id the protocol accepts', () => {
    const long = 'x'.repeat(DETAIL_VALUE_CHARS + 500);
    const json = JSON.stringify({ items: Array.from({ length: 800 }, (_, i) => ({ i })) });
    const { model, fullValues } = buildSpanDetail(
      base({
        inputMessages: [{ role: 'user', content: long }],
        attributes: { 'gen_ai.input.messages': json, short: 'ok', n: 3, list: [1, 2] },
        template: { name: 'answer', version: '3', text: 'T'.repeat(5000) },
      }),
    );
    const c = model.inputMessages[0].content!;
    assert.equal(c.text.length, DETAIL_VALUE_CHARS);
    assert.equal(c.fullLength, long.length);
    assert.equal(c.valueId, 'in.0.content');
    assert.equal(fullValues.get('in.0.content'), long);
    const attr = model.attributes.find((r) => r.key === 'gen_ai.input.messages')!.value;
    assert.equal(attr.json, true);
    assert.ok(attr.valueId && isValueId(attr.valueId), attr.valueId);
    assert.equal(fullValues.get(attr.valueId!), JSON.stringify(JSON.parse(json), null, 2), 'the whole value is the pretty JSON');
    assert.deepEqual(model.attributes.find((r) => r.key === 'short')!.value, { text: 'ok' });
    assert.deepEqual(model.attributes.find((r) => r.key === 'n')!.value, { text: '3' });
    assert.equal(model.attributes.find((r) => r.key === 'list')!.value.json, true);
    assert.equal(model.templateText?.valueId, 'template.text');
    assert.equal(model.template?.label, 'answer@3');
    for (const id of fullValues.keys()) assert.ok(isValueId(id), id);
    // Never splits a surrogate pair.
    const emoji = buildSpanDetail(base({ input: `${'a'.repeat(9)}😀tail` }), { maxValueChars: 10 }).model.input!;
    assert.equal(emoji.text, 'a'.repeat(9));
  });

  it('masks secrets in messages, arguments, documents, attributes (by name and by shape) and whole values', () => {
    const long = `${'y'.repeat(DETAIL_VALUE_CHARS)} then ${OPENAI_KEY}`;
    const { model, fullValues } = buildSpanDetail(
      base({
        inputMessages: [
          { role: 'user', content: `my key is ${OPENAI_KEY}` },
          {
            role: 'assistant',
            content: '',
            toolCalls: [{ name: 'http', arguments: JSON.stringify({ headers: { Authorization: 'Bearer abcdefghijklmnop123' } }) }],
          },
        ],
        documents: [{ id: 'd', content: `token ghp_${'a'.repeat(30)}` }],
        attributes: { 'llm.api_key': 'plain-secret-value', 'http.header': OPENAI_KEY, long, nested: { password: 'hunter2', ok: 'fine' } },
        resource: { 'service.auth.token': 'abc' },
      }),
    );
    const all = JSON.stringify(model) + [...fullValues.values()].join('\n');
    for (const secret of [OPENAI_KEY, 'abcdefghijklmnop123', `ghp_${'a'.repeat(30)}`, 'plain-secret-value', 'hunter2'])
      assert.ok(!all.includes(secret), `${secret} leaked`);
    assert.equal(model.inputMessages[0].content?.text, `my key is ${MASK}`);
    assert.deepEqual(model.attributes.find((r) => r.key === 'llm.api_key')!.value, { text: MASK });
    assert.deepEqual(model.resource[0].value, { text: MASK });
    assert.match(model.attributes.find((r) => r.key === 'nested')!.value.text, /"ok": "fine"/);
  });

  it('builds the header: kind, status, latency, model, template, code, tokens, cost and actions', () => {
    const { model } = buildSpanDetail(
      base({
        service: 'agent',
        model: { provider: 'openai', requested: 'gpt-x', returned: 'gpt-x-2026' },
        usage: { input: 10, output: 2 },
        cost: 0.0123,
        template: { path: 'prompts/answer.prompt.md' },
        code: { file: 'src/agent.ts', line: 12, function: 'respond' },
        resource: { 'vcs.ref.head.revision': 'abc1234def' },
      }),
      { sourceLabel: 'demo.jsonl' },
    );
    assert.equal(model.latency, '920ms');
    assert.equal(model.service, 'agent');
    assert.deepEqual(model.model, { provider: 'openai', requested: 'gpt-x', returned: 'gpt-x-2026' });
    assert.equal(model.template?.label, 'answer.prompt.md');
    assert.equal(model.code?.label, 'src/agent.ts:12 (respond)');
    assert.equal(model.code?.revision, 'abc1234def', 'the vcs revision joins the code location');
    assert.deepEqual(model.usage, { input: 10, output: 2 });
    assert.equal(model.cost, '$0.0123');
    assert.deepEqual(model.actions, { goToTemplate: true, goToCode: true, showLineage: true });
    assert.deepEqual(model.source, { label: 'demo.jsonl' });
    const plain = buildSpanDetail(base({ kind: 'chain' })).model;
    assert.deepEqual(plain.actions, { goToTemplate: false, goToCode: false, showLineage: true });
  });

  it('survives a JSON round trip (what postMessage does) unchanged', () => {
    const { model } = buildSpanDetail(
      base({ inputMessages: [{ role: 'user', content: 'hi' }], attributes: { a: { b: [1, null, true] } } }),
    );
    assert.deepEqual(JSON.parse(JSON.stringify(model)), JSON.parse(JSON.stringify(model, (_k, v: unknown) => v)));
    assert.ok(!JSON.stringify(model).includes('"undefined"'));
  });

  it('the demo bad answer: the LLM call that said "60 days", with its tool call, result and template', async () => {
    const file = path.join(__dirname, '../../examples/support-agent/traces/support-agent.otlp.jsonl');
    const { spans } = await importFile(file);
    // The answer template is called twice: first the model asks for lookup_order, then it answers.
    const llm = spans.filter(
      (s) =>
        s.traceId === 'ea4cf58cdc690151626426a080751f02' &&
        s.kind === 'llm' &&
        s.template?.name === 'answer' &&
        !s.outputMessages?.[0]?.toolCalls?.length,
    );
    assert.equal(llm.length, 1);
    const { model } = buildSpanDetail(llm[0], { sourceLabel: 'support-agent.otlp.jsonl' });
    assert.deepEqual(
      model.inputMessages.map((m) => m.roleClass),
      ['system', 'user', 'assistant', 'tool'],
    );
    const call = model.inputMessages[2].toolCalls[0];
    assert.equal(call.name, 'lookup_order');
    assert.match(call.result?.text ?? '', /"delivered"/);
    assert.match(model.outputMessages[0].content?.text ?? '', /60 days/);
    assert.equal(model.template?.label, 'answer@3');
    assert.equal(model.code?.label, 'src/agent.ts:109 (SupportAgent.respond)');
    assert.deepEqual(model.usage, { input: 872, output: 42 });
    const prompt = model.attributes.find((r) => r.key === 'gen_ai.input.messages')!.value as DetailText;
    assert.equal(prompt.json, true, 'the prompt attribute is shown as pretty JSON');
    assert.match(prompt.text, /^\[\n {2}\{\n {4}"role": "system"/);
  });
});
