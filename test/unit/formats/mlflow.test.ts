// MLflow trace JSON (v3, v2, file-store traces.json), field by field.

import * as assert from 'node:assert/strict';
import { importJson, noErrors, spanById } from './helpers';

const lit = (v: unknown): string => JSON.stringify(v); // MLflow stores every attribute value as a JSON literal

/** A v3 trace as text, with bare-number nanosecond times beyond 2^53 (as MLflow writes them). */
function v3Text(): string {
  const doc = {
    info: {
      trace_id: 'tr-0af7651916cd43dd8448eb211c80319c',
      trace_location: { type: 'MLFLOW_EXPERIMENT', mlflow_experiment: { experiment_id: '1' } },
      request_time: '2024-04-05T19:34:38.123Z',
      execution_duration: '1.5s',
      state: 'ERROR',
      trace_metadata: { 'mlflow.trace_schema.version': '3', 'mlflow.trace.session': 'sess-9', 'mlflow.trace.user': 'alice' },
      tags: { 'mlflow.traceName': 'agent' },
      assessments: [
        {
          assessment_id: 'a-1',
          assessment_name: 'user_feedback',
          trace_id: 'tr-0af7651916cd43dd8448eb211c80319c',
          source: { source_type: 'HUMAN', source_id: 'bob' },
          feedback: { value: false },
          rationale: 'wrong order id',
        },
        {
          assessment_id: 'a-2',
          assessment_name: 'relevance',
          span_id: 'b7ad6b7169203331',
          source: { source_type: 'LLM_JUDGE' },
          feedback: { value: 0.25 },
        },
        { assessment_id: 'a-3', assessment_name: 'expected', expectation: { value: 'Paris' } },
      ],
    },
    data: {
      spans: [
        {
          trace_id: 'CvdlGRbNQ92ESOshHIAxnA==',
          span_id: 'APBnqgupArc=',
          parent_span_id: null,
          name: 'agent',
          start_time_unix_nano: '@START@',
          end_time_unix_nano: '@END@',
          status: { code: 'STATUS_CODE_ERROR', message: 'tool failed' },
          attributes: {
            'mlflow.traceRequestId': lit('tr-0af7651916cd43dd8448eb211c80319c'),
            'mlflow.spanType': lit('AGENT'),
            'mlflow.spanFunctionName': lit('run_agent'),
            'mlflow.spanInputs': lit({ question: 'Where is order 7?' }),
          },
          events: [
            { name: 'exception', time_unix_nano: '@END@', attributes: { 'exception.type': 'KeyError', 'exception.message': 'order 7' } },
          ],
        },
        {
          trace_id: 'CvdlGRbNQ92ESOshHIAxnA==',
          span_id: 't61rcWkgMzE=',
          parent_span_id: 'APBnqgupArc=',
          name: 'ChatOpenAI',
          start_time_unix_nano: '@START@',
          end_time_unix_nano: '@END@',
          status: { code: 'STATUS_CODE_OK', message: '' },
          attributes: {
            'mlflow.spanType': lit('CHAT_MODEL'),
            'mlflow.spanInputs': lit({ messages: [{ role: 'user', content: 'Where is order 7?' }], model: 'gpt-4o-mini' }),
            'mlflow.spanOutputs': lit({ choices: [{ message: { role: 'assistant', content: 'Checking.' }, finish_reason: 'stop' }] }),
            'mlflow.chat.tokenUsage': lit({ input_tokens: 21, output_tokens: 4, total_tokens: 25 }),
            'mlflow.message.format': lit('openai'),
            temperature: lit(0),
          },
          events: [],
        },
        {
          trace_id: 'CvdlGRbNQ92ESOshHIAxnA==',
          span_id: 'obLD1OX2Bxg=',
          parent_span_id: 'APBnqgupArc=',
          name: 'search_docs',
          start_time_unix_nano: '@START@',
          end_time_unix_nano: '@START@',
          status: { code: 'STATUS_CODE_UNSET' },
          attributes: {
            'mlflow.spanType': lit('RETRIEVER'),
            'mlflow.spanOutputs': lit([
              { page_content: 'Order 7 shipped', metadata: { doc_uri: 'kb://orders/7', chunk_id: '1' }, id: 'd7' },
            ]),
          },
          events: [],
        },
      ],
    },
  };
  return JSON.stringify(doc, null, 2).replaceAll('"@START@"', '1712345678123456789').replaceAll('"@END@"', '1712345679623456789');
}

describe('MLflow traces', () => {
  it('reads v3: base64 ids to hex, JSON-literal attributes, exact bare-number ns times, kinds, usage, messages, documents', () => {
    const r = importJson(v3Text());
    noErrors(r);
    assert.equal(r.format, 'mlflow');
    assert.equal(r.spans.length, 3);
    const root = spanById(r, '00f067aa0ba902b7');
    assert.equal(root.traceId, '0af7651916cd43dd8448eb211c80319c');
    assert.equal(root.parentId, undefined);
    assert.equal(root.kind, 'agent');
    assert.equal(root.startNs, 1712345678123456789n, 'ns beyond 2^53 exact');
    assert.equal(root.endNs, 1712345679623456789n);
    assert.equal(root.status, 'error');
    assert.equal(root.statusMessage, 'tool failed');
    assert.deepEqual(root.exception, { type: 'KeyError', message: 'order 7' });
    assert.equal(root.attributes['mlflow.traceRequestId'], 'tr-0af7651916cd43dd8448eb211c80319c', 'JSON literal decoded');
    assert.equal(root.attributes['mlflow.trace.state'], 'ERROR');
    assert.equal(root.attributes['mlflow.trace.tag.mlflow.traceName'], 'agent');
    assert.equal(root.sessionId, 'sess-9');
    assert.equal(root.userId, 'alice');
    assert.equal(root.code?.function, 'run_agent');
    assert.equal(root.input, '{"question":"Where is order 7?"}');
    assert.deepEqual(root.feedback, [{ name: 'user_feedback', score: 0, label: 'false', comment: 'wrong order id', source: 'HUMAN' }]);
    assert.ok(Array.isArray(root.attributes['mlflow.expectations']), 'expectations kept, not counted as feedback');

    const llm = spanById(r, 'b7ad6b7169203331');
    assert.equal(llm.kind, 'llm');
    assert.equal(llm.parentId, '00f067aa0ba902b7');
    assert.deepEqual(llm.usage, { input: 21, output: 4, total: 25 });
    assert.equal(llm.model?.requested, 'gpt-4o-mini');
    assert.deepEqual(llm.inputMessages, [{ role: 'user', content: 'Where is order 7?' }]);
    assert.deepEqual(llm.outputMessages, [{ role: 'assistant', content: 'Checking.', finishReason: 'stop' }]);
    assert.equal(llm.attributes.temperature, 0);
    assert.deepEqual(llm.feedback, [{ name: 'relevance', score: 0.25, source: 'LLM_JUDGE' }]);

    const ret = spanById(r, 'a1b2c3d4e5f60718');
    assert.equal(ret.kind, 'retriever');
    assert.equal(ret.documents?.[0].uri, 'kb://orders/7');
    assert.equal(ret.documents?.[0].id, 'd7');
    assert.equal(ret.documents?.[0].content, 'Order 7 shipped');
  });

  it('reads v2: request_id, context ids with 0x, ns numbers, status_code, request metadata lists', () => {
    const r = importJson({
      info: {
        request_id: 'tr-1',
        experiment_id: '0',
        timestamp_ms: 1700000000000,
        execution_time_ms: 1000,
        status: 'OK',
        request_metadata: [{ key: 'mlflow.trace.session', value: 's2' }],
        tags: [{ key: 'mlflow.traceName', value: 'predict' }],
      },
      data: {
        request: '{"x": 1}',
        response: '"y"',
        spans: [
          {
            name: 'predict',
            context: { span_id: '0x00f067aa0ba902b7', trace_id: '0x0af7651916cd43dd8448eb211c80319c' },
            parent_id: null,
            start_time: 1700000000000000000,
            end_time: 1700000001000000000,
            status_code: 'OK',
            status_message: '',
            attributes: { 'mlflow.spanType': lit('CHAIN'), 'mlflow.spanInputs': lit({ x: 1 }) },
            events: [],
          },
          {
            name: 'tool',
            context: { span_id: '0xa1b2c3d4e5f60718', trace_id: '0x0af7651916cd43dd8448eb211c80319c' },
            parent_id: '0x00f067aa0ba902b7',
            start_time: 1700000000500000000,
            end_time: 1700000000600000000,
            status_code: 'ERROR',
            status_message: 'boom',
            attributes: { 'mlflow.spanType': lit('TOOL'), 'mlflow.spanInputs': lit({ q: 'a' }), 'mlflow.spanOutputs': lit('res') },
            events: [],
          },
        ],
      },
    });
    noErrors(r);
    assert.equal(r.format, 'mlflow');
    const root = spanById(r, '00f067aa0ba902b7');
    assert.equal(root.kind, 'chain');
    assert.equal(root.status, 'ok');
    assert.equal(root.startNs, 1700000000000000000n);
    assert.equal(root.sessionId, 's2');
    assert.equal(root.attributes['mlflow.trace.request'], '{"x": 1}');
    const tool = spanById(r, 'a1b2c3d4e5f60718');
    assert.equal(tool.parentId, '00f067aa0ba902b7');
    assert.equal(tool.status, 'error');
    assert.equal(tool.statusMessage, 'boom');
    assert.deepEqual(tool.tool, { name: 'tool', arguments: '{"q":"a"}', result: 'res' });
  });

  it('reads the file store traces.json {spans:[…]} and reports bad spans without losing good ones', () => {
    const span = (id: string, extra: Record<string, unknown> = {}): object => ({
      trace_id: 'CvdlGRbNQ92ESOshHIAxnA==',
      span_id: id,
      parent_span_id: null,
      name: 's',
      start_time_unix_nano: 1700000000000000000,
      end_time_unix_nano: 1700000000000000000,
      status: { code: 'OK' },
      attributes: { 'mlflow.spanType': lit('LLM'), 'mlflow.chat.tokenUsage': lit({ input_tokens: 1, output_tokens: 2 }) },
      ...extra,
    });
    const r = importJson({
      spans: [
        span('APBnqgupArc='),
        span('', { name: 'no id' }),
        'junk',
        span('t61rcWkgMzE=', { attributes: { 'mlflow.spanType': 'not json' } }),
      ],
    });
    assert.equal(r.format, 'mlflow');
    assert.deepEqual(r.spans.map((s) => s.spanId).sort(), ['00f067aa0ba902b7', 'b7ad6b7169203331']);
    assert.deepEqual(spanById(r, '00f067aa0ba902b7').usage, { input: 1, output: 2 });
    assert.equal(spanById(r, 'b7ad6b7169203331').attributes['mlflow.spanType'], 'not json', 'a non-JSON value is kept as its text');
    assert.ok(r.diagnostics.some((d) => d.code === 'span.noId'));
    assert.ok(r.diagnostics.some((d) => d.code === 'record.notObject'));
  });
});
