// Attribute flavours on OTLP spans that the mapping layer reads: Vercel AI SDK, Langfuse-over-OTel,
// LangSmith-over-OTel, Logfire, MLflow-over-OTLP.

import * as assert from 'node:assert/strict';
import { importJson, noErrors, otlpDoc, spanById } from './helpers';

describe('attribute flavours', () => {
  it('Vercel AI SDK: ai.* operation ids, prompt, response, tool calls and usage (not counted twice)', () => {
    const r = importJson(
      otlpDoc([
        {
          id: '0000000000000001',
          name: 'ai.generateText',
          attrs: {
            'ai.operationId': 'ai.generateText',
            'operation.name': 'ai.generateText support',
            'ai.model.id': 'gpt-4o',
            'ai.model.provider': 'openai.chat',
            'ai.prompt': JSON.stringify({ system: 'Be terse.', prompt: 'Refund?' }),
            'ai.response.text': 'Sure.',
            'ai.usage.promptTokens': 10,
            'ai.usage.completionTokens': 2,
          },
        },
        {
          id: '0000000000000002',
          parent: '0000000000000001',
          name: 'ai.generateText.doGenerate',
          attrs: {
            'operation.name': 'ai.generateText.doGenerate support',
            'ai.model.id': 'gpt-4o',
            'ai.prompt.messages': JSON.stringify([
              { role: 'system', content: 'Be terse.' },
              { role: 'user', content: [{ type: 'text', text: 'Refund?' }] },
            ]),
            'ai.response.text': '',
            'ai.response.toolCalls': JSON.stringify([
              { toolCallType: 'function', toolCallId: 'call_1', toolName: 'lookup', args: '{"order":7}' },
            ]),
            'ai.response.finishReason': 'tool-calls',
            'ai.response.model': 'gpt-4o-2024-08-06',
            'ai.usage.promptTokens': 10,
            'ai.usage.completionTokens': 2,
          },
        },
        {
          id: '0000000000000003',
          parent: '0000000000000001',
          name: 'ai.toolCall',
          attrs: {
            'ai.operationId': 'ai.toolCall',
            'ai.toolCall.name': 'lookup',
            'ai.toolCall.id': 'call_1',
            'ai.toolCall.args': '{"order":7}',
            'ai.toolCall.result': '"shipped"',
          },
        },
      ]),
    );
    noErrors(r);
    const outer = spanById(r, '0000000000000001');
    assert.equal(outer.kind, 'chain');
    assert.deepEqual(
      outer.inputMessages?.map((m) => [m.role, m.content]),
      [
        ['system', 'Be terse.'],
        ['user', 'Refund?'],
      ],
    );
    assert.equal(outer.outputMessages?.[0].content, 'Sure.');
    assert.equal(outer.usage, undefined, 'the outer span repeats its steps’ usage; it is not counted again');
    const call = spanById(r, '0000000000000002');
    assert.equal(call.kind, 'llm');
    assert.deepEqual(call.model, { requested: 'gpt-4o', returned: 'gpt-4o-2024-08-06' });
    assert.deepEqual(outer.model, { provider: 'openai.chat', requested: 'gpt-4o' });
    assert.deepEqual(call.usage, { input: 10, output: 2 });
    assert.equal(call.inputMessages?.[1].content, 'Refund?');
    assert.deepEqual(call.outputMessages, [
      {
        role: 'assistant',
        content: '',
        toolCalls: [{ id: 'call_1', name: 'lookup', arguments: '{"order":7}' }],
        finishReason: 'tool-calls',
      },
    ]);
    assert.deepEqual(call.toolCalls, [{ id: 'call_1', name: 'lookup', arguments: '{"order":7}' }]);
    const tool = spanById(r, '0000000000000003');
    assert.equal(tool.kind, 'tool');
    assert.deepEqual(tool.tool, { name: 'lookup', id: 'call_1', arguments: '{"order":7}', result: '"shipped"' });
  });

  it('Langfuse over OTel: observation type, model, usage_details, cost, prompt, input/output messages', () => {
    const r = importJson(
      otlpDoc([
        {
          id: '0000000000000001',
          attrs: {
            'langfuse.observation.type': 'generation',
            'langfuse.observation.model.name': 'gpt-4o',
            'langfuse.observation.usage_details': JSON.stringify({ input: 5, output: 2, input_cache_read: 1 }),
            'langfuse.observation.cost_details': JSON.stringify({ total: 0.01 }),
            'langfuse.observation.prompt.name': 'qa',
            'langfuse.observation.prompt.version': 2,
            'langfuse.observation.input': JSON.stringify([{ role: 'user', content: 'hi' }]),
            'langfuse.observation.output': JSON.stringify({ role: 'assistant', content: 'yo' }),
            'langfuse.session.id': 'sess',
          },
        },
        { id: '0000000000000002', attrs: { 'langfuse.observation.type': 'span', 'openinference.span.kind': 'TOOL' } },
        { id: '0000000000000003', attrs: { 'langfuse.observation.type': 'guardrail' } },
      ]),
    );
    noErrors(r);
    const g = spanById(r, '0000000000000001');
    assert.equal(g.kind, 'llm');
    assert.deepEqual(g.model, { requested: 'gpt-4o' });
    assert.deepEqual(g.usage, { input: 5, output: 2, cacheRead: 1 });
    assert.equal(g.cost, 0.01);
    assert.deepEqual(g.template, { name: 'qa', version: '2' });
    assert.deepEqual(g.inputMessages, [{ role: 'user', content: 'hi' }]);
    assert.deepEqual(g.outputMessages, [{ role: 'assistant', content: 'yo' }]);
    assert.equal(g.sessionId, 'sess');
    assert.equal(spanById(r, '0000000000000002').kind, 'tool', 'a SPAN leaves the kind to the other conventions');
    assert.equal(spanById(r, '0000000000000003').kind, 'guard');
  });

  it('LangSmith over OTel: LangChain messages, non-message payloads, retriever documents', () => {
    const lc = (cls: string, content: string): object => ({
      lc: 1,
      type: 'constructor',
      id: ['langchain', 'schema', 'messages', cls],
      kwargs: { content },
    });
    const r = importJson(
      otlpDoc([
        {
          id: '0000000000000001',
          attrs: {
            'langsmith.span.kind': 'llm',
            'gen_ai.prompt': JSON.stringify({ messages: [[lc('SystemMessage', 'sys'), lc('HumanMessage', 'hi')]] }),
            'gen_ai.completion': JSON.stringify({
              generations: [[{ text: 'yo', message: lc('AIMessage', 'yo'), generation_info: { finish_reason: 'stop' } }]],
            }),
          },
        },
        {
          id: '0000000000000002',
          attrs: { 'langsmith.span.kind': 'chain', 'gen_ai.prompt': '{"input":"q"}', 'gen_ai.completion': '{"output":"a"}' },
        },
        {
          id: '0000000000000003',
          attrs: {
            'langsmith.span.kind': 'retriever',
            'gen_ai.completion': JSON.stringify({ documents: [{ page_content: 'x', metadata: { source: 'a.md' }, type: 'Document' }] }),
          },
        },
        { id: '0000000000000004', attrs: { 'langsmith.span.kind': 'prompt', 'gen_ai.prompt': '{"question":"why?"}' } },
      ]),
    );
    noErrors(r);
    const llm = spanById(r, '0000000000000001');
    assert.deepEqual(
      llm.inputMessages?.map((m) => [m.role, m.content]),
      [
        ['system', 'sys'],
        ['user', 'hi'],
      ],
    );
    assert.deepEqual(llm.outputMessages, [{ role: 'assistant', content: 'yo', finishReason: 'stop' }]);
    const chain = spanById(r, '0000000000000002');
    assert.equal(chain.inputMessages, undefined, 'a JSON payload without messages is not a message');
    assert.equal(chain.outputMessages, undefined);
    assert.deepEqual(
      spanById(r, '0000000000000003').documents?.map((d) => [d.content, d.uri]),
      [['x', 'a.md']],
    );
    assert.equal(spanById(r, '0000000000000004').template?.variables?.question, 'why?');
  });

  it('Logfire: code location, OpenAI request_data/response_data messages and usage', () => {
    const r = importJson(
      otlpDoc([
        {
          id: '0000000000000001',
          attrs: {
            'logfire.span_type': 'span',
            'logfire.msg_template': 'Chat Completion with {request_data[model]!r}',
            'logfire.msg': "Chat Completion with 'gpt-4o'",
            'code.filepath': 'app.py',
            'code.lineno': 10,
            'code.function': 'main',
            'gen_ai.system': 'openai',
            'gen_ai.request.model': 'gpt-4o',
            request_data: JSON.stringify({ model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }] }),
            response_data: JSON.stringify({
              message: { role: 'assistant', content: 'yo' },
              usage: { prompt_tokens: 3, completion_tokens: 1 },
            }),
          },
        },
      ]),
    );
    noErrors(r);
    const s = r.spans[0];
    assert.equal(s.kind, 'llm');
    assert.deepEqual(s.code, { file: 'app.py', line: 10, function: 'main' });
    assert.deepEqual(s.inputMessages, [{ role: 'user', content: 'hi' }]);
    assert.deepEqual(s.outputMessages, [{ role: 'assistant', content: 'yo' }]);
    assert.deepEqual(s.usage, { input: 3, output: 1 });
  });

  it('MLflow over OTLP: JSON-literal span type, token usage and payload messages', () => {
    const r = importJson(
      otlpDoc([
        {
          id: '0000000000000001',
          attrs: {
            'mlflow.spanType': '"CHAT_MODEL"',
            'mlflow.chat.tokenUsage': JSON.stringify({ input_tokens: 7, output_tokens: 1, total_tokens: 8 }),
            'mlflow.spanInputs': JSON.stringify({ messages: [{ role: 'user', content: 'hi' }] }),
            'mlflow.spanOutputs': JSON.stringify({ choices: [{ message: { role: 'assistant', content: 'yo' }, finish_reason: 'stop' }] }),
          },
        },
      ]),
    );
    noErrors(r);
    const s = r.spans[0];
    assert.equal(s.kind, 'llm');
    assert.deepEqual(s.usage, { input: 7, output: 1, total: 8 });
    assert.deepEqual(s.inputMessages, [{ role: 'user', content: 'hi' }]);
    assert.deepEqual(s.outputMessages, [{ role: 'assistant', content: 'yo', finishReason: 'stop' }]);
  });
});
