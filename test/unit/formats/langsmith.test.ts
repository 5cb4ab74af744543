// LangSmith runs, field by field: batches, arrays, nested child_runs, fetched runs with feedback,
// JSON Lines of batches, LangChain messages, and bad entries.

import * as assert from 'node:assert/strict';
import { newAttributes } from '../../../src/core/formats/anyValue';
import { importJson, noErrors, spanById } from './helpers';

const T0 = 1704067200n * 1_000_000_000n; // 2024-01-01T00:00:00Z

describe('LangSmith runs', () => {
  it('merges a Python {post, patch} batch by id; dotted_order gives parent and trace', () => {
    const r = importJson({
      post: [
        {
          id: 'r1',
          trace_id: 'r1',
          dotted_order: '20240101T000000000001Zr1',
          name: 'agent',
          run_type: 'chain',
          start_time: '2024-01-01T00:00:00.000001+00:00',
          inputs: { question: 'hi' },
          extra: { metadata: { session_id: 's-1' }, runtime: { sdk: 'langsmith-py' } },
          session_name: 'proj',
          tags: ['a'],
        },
        {
          id: 'r2',
          dotted_order: '20240101T000000000001Zr1.20240101T000000500000Zr2',
          name: 'ChatOpenAI',
          run_type: 'llm',
          start_time: '2024-01-01T00:00:00.500000+00:00',
          inputs: {
            messages: [
              { role: 'system', content: 'Be terse.' },
              { role: 'user', content: 'hi' },
            ],
          },
          extra: { metadata: { ls_provider: 'openai', ls_model_name: 'gpt-4o-mini' }, invocation_params: { temperature: 0 } },
        },
      ],
      patch: [
        {
          id: 'r2',
          end_time: '2024-01-01T00:00:01.250000+00:00',
          outputs: {
            choices: [
              {
                message: {
                  role: 'assistant',
                  content: 'Hello',
                  tool_calls: [{ id: 'c1', type: 'function', function: { name: 'lookup', arguments: '{"q":1}' } }],
                },
                finish_reason: 'tool_calls',
              },
            ],
            model: 'gpt-4o-mini-2024-07-18',
            usage_metadata: {
              input_tokens: 12,
              output_tokens: 3,
              total_tokens: 15,
              input_token_details: { cache_read: 4 },
              output_token_details: { reasoning: 1 },
            },
          },
        },
        {
          id: 'r1',
          end_time: '2024-01-01T00:00:02+00:00',
          error: 'ValueError: boom\nTraceback (most recent call last):\n  File "x.py", line 1',
          outputs: {},
        },
      ],
    });
    noErrors(r);
    assert.equal(r.format, 'langsmith');
    assert.equal(r.spans.length, 2);
    const llm = spanById(r, 'r2');
    assert.equal(llm.traceId, 'r1');
    assert.equal(llm.parentId, 'r1');
    assert.equal(llm.kind, 'llm');
    assert.equal(llm.status, 'ok');
    assert.equal(llm.startNs, T0 + 500_000_000n);
    assert.equal(llm.endNs, T0 + 1_250_000_000n);
    assert.deepEqual(llm.model, { provider: 'openai', requested: 'gpt-4o-mini', returned: 'gpt-4o-mini-2024-07-18' });
    assert.deepEqual(llm.usage, { input: 12, output: 3, total: 15, cacheRead: 4, reasoning: 1 });
    assert.deepEqual(
      llm.inputMessages?.map((m) => [m.role, m.content]),
      [
        ['system', 'Be terse.'],
        ['user', 'hi'],
      ],
    );
    assert.equal(llm.outputMessages?.[0].finishReason, 'tool_calls');
    assert.deepEqual(llm.toolCalls, [{ id: 'c1', name: 'lookup', arguments: '{"q":1}' }]);
    assert.deepEqual(llm.attributes['langsmith.extra.invocation_params'], Object.assign(newAttributes(), { temperature: 0 }));

    const root = spanById(r, 'r1');
    assert.equal(root.parentId, undefined);
    assert.equal(root.startNs, T0 + 1_000n);
    assert.equal(root.status, 'error');
    assert.equal(root.statusMessage, 'ValueError: boom');
    assert.match(root.exception?.stacktrace ?? '', /Traceback/);
    assert.equal(root.sessionId, 's-1');
    assert.equal(root.attributes['langsmith.trace.session_name'], 'proj');
    assert.deepEqual(root.attributes['langsmith.span.tags'], ['a']);
    assert.equal(root.input, '{"question":"hi"}');
  });

  it('reads JS arrays with nested child_runs, epoch-ms times (fractions exact), tools, retrievers and prompts', () => {
    const r = importJson([
      {
        id: 'root',
        name: 'Agent',
        run_type: 'chain',
        start_time: 1728803137170,
        end_time: 1728803138285.5,
        inputs: { input: 'x' },
        outputs: { output: 'y' },
        child_runs: [
          {
            id: 't1',
            name: 'search',
            run_type: 'tool',
            start_time: 1728803137200,
            end_time: 1728803137300,
            inputs: { input: '{"q":"a"}' },
            outputs: { output: 'found' },
            child_runs: [],
          },
          {
            id: 'ret',
            name: 'Retriever',
            run_type: 'retriever',
            start_time: 1728803137300,
            end_time: 1728803137400,
            inputs: { query: 'q' },
            outputs: { documents: [{ page_content: 'doc text', metadata: { source: 's3://b/k.md', score: 0.9 }, type: 'Document' }] },
          },
          {
            id: 'p',
            name: 'ChatPromptTemplate',
            run_type: 'prompt',
            start_time: 1728803137400,
            end_time: 1728803137401,
            inputs: { question: 'why?' },
            outputs: { output: 'Answer: why?' },
            extra: { metadata: { lc_hub_owner: 'acme', lc_hub_repo: 'qa', lc_hub_commit_hash: 'abc123' } },
            serialized: {
              lc: 1,
              type: 'constructor',
              id: ['langchain', 'prompts', 'chat', 'ChatPromptTemplate'],
              kwargs: {
                messages: [
                  {
                    lc: 1,
                    type: 'constructor',
                    id: ['langchain', 'prompts', 'chat', 'HumanMessagePromptTemplate'],
                    kwargs: {
                      prompt: { lc: 1, type: 'constructor', id: ['x', 'PromptTemplate'], kwargs: { template: 'Answer: {question}' } },
                    },
                  },
                ],
              },
            },
          },
        ],
      },
    ]);
    noErrors(r);
    assert.equal(r.spans.length, 4);
    const root = spanById(r, 'root');
    assert.equal(root.startNs, 1728803137170_000_000n);
    assert.equal(root.endNs, 1728803138285_500_000n);
    for (const id of ['t1', 'ret', 'p']) {
      assert.equal(spanById(r, id).parentId, 'root');
      assert.equal(spanById(r, id).traceId, 'root');
    }
    assert.deepEqual(spanById(r, 't1').tool, { name: 'search', arguments: '{"q":"a"}', result: 'found' });
    const doc = spanById(r, 'ret').documents?.[0];
    assert.equal(doc?.content, 'doc text');
    assert.equal(doc?.uri, 's3://b/k.md');
    assert.equal(doc?.score, 0.9);
    const t = spanById(r, 'p').template;
    assert.equal(t?.name, 'acme/qa');
    assert.equal(t?.version, 'abc123');
    assert.equal(t?.text, 'Answer: {question}');
    assert.equal(t?.variables?.question, 'why?');
  });

  it('reads fetched runs: status, token fields, cost, feedback_stats and feedback objects', () => {
    const r = importJson([
      {
        id: 'f1',
        trace_id: 'f1',
        name: 'llm',
        run_type: 'llm',
        start_time: '2024-05-01T10:00:00Z',
        end_time: '2024-05-01T10:00:01Z',
        status: 'error',
        error: 'RateLimitError',
        prompt_tokens: 100,
        completion_tokens: 0,
        total_tokens: 100,
        total_cost: 0.0012,
        feedback_stats: { correctness: { n: 2, avg: 0.5 } },
        inputs: { prompt: 'hi' },
        outputs: null,
        reference_example_id: 'ex-1',
      },
      { id: 'fb1', run_id: 'f1', key: 'user_score', score: 0, comment: 'wrong', feedback_source: { type: 'app' } },
      { id: 'fb2', run_id: 'missing', key: 'x', score: 1 },
    ]);
    noErrors(r);
    const s = spanById(r, 'f1');
    assert.equal(s.status, 'error');
    assert.deepEqual(s.usage, { input: 100, output: 0, total: 100 });
    assert.equal(s.cost, 0.0012);
    assert.deepEqual(s.feedback, [
      { name: 'correctness', score: 0.5, comment: '2 ratings', source: 'langsmith.feedback_stats' },
      { name: 'user_score', score: 0, comment: 'wrong', source: 'app' },
    ]);
    assert.equal(s.attributes['langsmith.run.reference_example_id'], 'ex-1');
    assert.ok(r.diagnostics.some((d) => d.code === 'feedback.noRun' && d.severity === 'info'));
  });

  it('merges a post and its patch across JSON Lines records', () => {
    const text = [
      JSON.stringify({
        post: [{ id: 'a', trace_id: 'a', name: 'x', run_type: 'chain', start_time: '2024-01-01T00:00:00Z', inputs: { q: 1 } }],
      }),
      JSON.stringify({ patch: [{ id: 'a', trace_id: 'a', end_time: '2024-01-01T00:00:03Z', outputs: { output: 'done' } }] }),
      '',
    ].join('\n');
    const r = importJson(text, 'runs.jsonl');
    noErrors(r);
    assert.equal(r.spans.length, 1);
    const s = r.spans[0];
    assert.equal(s.endNs - s.startNs, 3_000_000_000n);
    assert.equal(s.output, '{"output":"done"}');
    assert.equal(s.input, '{"q":1}');
    assert.equal(s.status, 'ok');
    assert.equal(s.range?.line, 1, 'the run points at its post');
  });

  it('reads LangChain serialized and dict messages, generations and llm_output token usage', () => {
    const lc = (cls: string, kwargs: object): object => ({
      lc: 1,
      type: 'constructor',
      id: ['langchain', 'schema', 'messages', cls],
      kwargs,
    });
    const r = importJson({
      id: 'l',
      run_type: 'llm',
      name: 'ChatOpenAI',
      start_time: '2024-01-01T00:00:00Z',
      end_time: '2024-01-01T00:00:01Z',
      inputs: {
        messages: [[lc('SystemMessage', { content: 'sys' }), lc('HumanMessage', { content: 'hi' }), { type: 'ai', content: 'earlier' }]],
      },
      outputs: {
        generations: [
          [
            {
              text: 'yo',
              generation_info: { finish_reason: 'stop' },
              message: lc('AIMessage', {
                content: 'yo',
                tool_calls: [{ name: 't', args: { a: 1 }, id: 'tc1' }],
                additional_kwargs: { tool_calls: [{ id: 'tc1', function: { name: 't', arguments: '{"a":1}' } }] },
              }),
            },
          ],
        ],
        llm_output: { token_usage: { prompt_tokens: 5, completion_tokens: 2 } },
      },
    });
    noErrors(r);
    const s = r.spans[0];
    assert.deepEqual(
      s.inputMessages?.map((m) => [m.role, m.content]),
      [
        ['system', 'sys'],
        ['user', 'hi'],
        ['assistant', 'earlier'],
      ],
    );
    assert.deepEqual(s.outputMessages, [
      { role: 'assistant', content: 'yo', finishReason: 'stop', toolCalls: [{ id: 'tc1', name: 't', arguments: '{"a":1}' }] },
    ]);
    assert.deepEqual(s.usage, { input: 5, output: 2 });
  });

  it('keeps every valid run and reports bad entries where they are', () => {
    const value = {
      post: [
        { name: 'no id', run_type: 'llm' },
        42,
        { id: 'ok', run_type: 'chain', start_time: '2024-01-01T00:00:00Z' },
        { id: 'late', run_type: 'chain', name: 'no time' },
      ],
    };
    const text = JSON.stringify(value, null, 2);
    const r = importJson(text);
    assert.equal(r.format, 'langsmith');
    assert.deepEqual(r.spans.map((s) => s.spanId).sort(), ['late', 'ok']);
    assert.ok(r.diagnostics.some((d) => d.code === 'span.noId' && d.severity === 'error' && d.line === 1));
    assert.ok(r.diagnostics.some((d) => d.code === 'record.notObject'));
    const noTime = r.diagnostics.find((d) => d.code === 'span.noTime');
    const expectedLine = text.slice(0, text.indexOf('"late"')).split('\n').length;
    assert.equal(noTime?.line, expectedLine, 'located at the run, not the document start');
    assert.equal(noTime?.offset, Buffer.byteLength(text.slice(0, text.indexOf('"late"'))));
    for (const garbage of [
      { post: [null, 'x', []] },
      { post: [{ id: {}, run_type: 5 }] },
      [{ run_type: 'llm', id: 'x', child_runs: 'no' }],
    ]) {
      assert.doesNotThrow(() => importJson(garbage));
    }
  });
});
