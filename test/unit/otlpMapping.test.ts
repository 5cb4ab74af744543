// Attribute mapping on synthetic OTLP spans: each convention we claim to read, field by field.

import * as assert from 'node:assert/strict';
import { importRecords } from '../../src/core/formats/importRecords';
import type { Span } from '../../src/core/model/span';

type Attr = [string, unknown];

function kv(key: string, v: unknown): object {
  if (typeof v === 'string') return { key, value: { stringValue: v } };
  if (typeof v === 'boolean') return { key, value: { boolValue: v } };
  if (Number.isInteger(v)) return { key, value: { intValue: String(v) } };
  if (typeof v === 'number') return { key, value: { doubleValue: v } };
  if (Array.isArray(v)) return { key, value: { arrayValue: { values: v.map((x) => ({ stringValue: String(x) })) } } };
  throw new Error('unsupported');
}

function doc(spans: object[], resource: Attr[] = [['service.name', 'svc']]): string {
  return JSON.stringify({
    resourceSpans: [{ resource: { attributes: resource.map(([k, v]) => kv(k, v)) }, scopeSpans: [{ scope: { name: 'test' }, spans }] }],
  });
}

function span(id: string, attrs: Attr[], extra: Record<string, unknown> = {}): object {
  return {
    traceId: '0af7651916cd43dd8448eb211c80319c',
    spanId: id,
    name: `span-${id}`,
    kind: 1,
    startTimeUnixNano: '1700000000000000000',
    endTimeUnixNano: '1700000001500000000',
    attributes: attrs.map(([k, v]) => kv(k, v)),
    ...extra,
  };
}

function one(text: string): Span {
  const r = importRecords([{ text, line: 1, byteStart: 0, byteEnd: text.length }]);
  assert.equal(r.spans.length, 1, JSON.stringify(r.diagnostics));
  return r.spans[0];
}

describe('OTLP attribute mapping', () => {
  it('reads GenAI new-form messages, tool calls, model, usage and service', () => {
    const s = one(
      doc([
        span('b7ad6b7169203331', [
          ['gen_ai.operation.name', 'chat'],
          ['gen_ai.provider.name', 'openai'],
          ['gen_ai.request.model', 'gpt-4o'],
          ['gen_ai.response.model', 'gpt-4o-2024-08-06'],
          ['gen_ai.usage.input_tokens', 812],
          ['gen_ai.usage.output_tokens', 54],
          ['gen_ai.usage.cache_read.input_tokens', 100],
          ['gen_ai.system_instructions', JSON.stringify([{ type: 'text', content: 'Be terse.' }])],
          ['gen_ai.input.messages', JSON.stringify([{ role: 'user', parts: [{ type: 'text', content: 'Refund?' }] }])],
          [
            'gen_ai.output.messages',
            JSON.stringify([
              {
                role: 'assistant',
                parts: [{ type: 'tool_call', id: 'c1', name: 'lookup_order', arguments: { id: 7 } }],
                finish_reason: 'tool_call',
              },
            ]),
          ],
        ]),
      ]),
    );
    assert.equal(s.kind, 'llm');
    assert.deepEqual(s.model, { provider: 'openai', requested: 'gpt-4o', returned: 'gpt-4o-2024-08-06' });
    assert.deepEqual(s.usage, { input: 812, output: 54, cacheRead: 100 });
    assert.equal(s.service, 'svc');
    assert.equal(s.inputMessages?.[0].role, 'system');
    assert.equal(s.inputMessages?.[1].content, 'Refund?');
    assert.equal(s.outputMessages?.[0].finishReason, 'tool_call');
    assert.deepEqual(s.toolCalls, [{ id: 'c1', name: 'lookup_order', arguments: '{"id":7}' }]);
    assert.equal(s.endNs - s.startNs, 1_500_000_000n);
  });

  it('reads the older prompt/completion forms (indexed attributes and span events)', () => {
    const indexed = one(
      doc([
        span('b7ad6b7169203332', [
          ['llm.request.type', 'chat'],
          ['gen_ai.prompt.0.role', 'user'],
          ['gen_ai.prompt.0.content', 'hello'],
          ['gen_ai.completion.0.role', 'assistant'],
          ['gen_ai.completion.0.content', 'hi there'],
          ['gen_ai.usage.prompt_tokens', 3],
          ['gen_ai.usage.completion_tokens', 2],
        ]),
      ]),
    );
    assert.equal(indexed.kind, 'llm');
    assert.equal(indexed.inputMessages?.[0].content, 'hello');
    assert.equal(indexed.outputMessages?.[0].content, 'hi there');
    assert.deepEqual(indexed.usage, { input: 3, output: 2 });

    const evented = one(
      doc([
        span('b7ad6b7169203333', [['gen_ai.request.model', 'm']], {
          events: [
            { name: 'gen_ai.content.prompt', timeUnixNano: '1700000000000000001', attributes: [kv('gen_ai.prompt', 'What is 2+2?')] },
            { name: 'gen_ai.content.completion', timeUnixNano: '1700000000000000002', attributes: [kv('gen_ai.completion', '4')] },
          ],
        }),
      ]),
    );
    assert.equal(evented.inputMessages?.[0].content, 'What is 2+2?');
    assert.equal(evented.outputMessages?.[0].role, 'assistant');
    assert.equal(evented.outputMessages?.[0].content, '4');
  });

  it('reads OpenInference kinds, messages, documents and template', () => {
    const s = one(
      doc([
        span('b7ad6b7169203334', [
          ['openinference.span.kind', 'RETRIEVER'],
          ['input.value', 'refund window'],
          ['retrieval.documents.0.document.id', 'refund-policy-2023'],
          ['retrieval.documents.0.document.content', '60 days'],
          ['retrieval.documents.0.document.score', 0.92],
          [
            'retrieval.documents.0.document.metadata',
            JSON.stringify({ uri: 'file:///p/refund-policy-2023.md', 'source.dataset': 's3://x/policy-docs' }),
          ],
          ['retrieval.documents.1.document.id', 'refund-policy'],
          ['llm.prompt_template.template', 'Answer {{question}}'],
          ['llm.prompt_template.version', '3'],
          ['llm.prompt_template.variables', JSON.stringify({ question: 'q?' })],
          ['gen_ai.prompt.name', 'answer'],
          ['tracelens.template.path', 'prompts/answer.prompt.md'],
        ]),
      ]),
    );
    assert.equal(s.kind, 'retriever');
    assert.equal(s.input, 'refund window');
    assert.equal(s.documents?.length, 2);
    assert.equal(s.documents?.[0].score, 0.92);
    assert.equal(s.documents?.[0].uri, 'file:///p/refund-policy-2023.md');
    assert.deepEqual(
      { ...s.template, variables: { ...s.template?.variables } },
      {
        name: 'answer',
        version: '3',
        path: 'prompts/answer.prompt.md',
        text: 'Answer {{question}}',
        variables: { question: 'q?' },
      },
    );
  });

  it('reads code locations under the current and the older names', () => {
    const current = one(
      doc([
        span('b7ad6b7169203335', [
          ['code.file.path', 'src/agent.ts'],
          ['code.line.number', 42],
          ['code.function.name', 'answer'],
        ]),
      ]),
    );
    assert.deepEqual(current.code, { file: 'src/agent.ts', line: 42, function: 'answer' });
    const older = one(
      doc([
        span('b7ad6b7169203336', [
          ['code.filepath', 'agent.py'],
          ['code.lineno', 7],
          ['code.function', 'run'],
          ['code.namespace', 'pkg.mod'],
        ]),
      ]),
    );
    assert.deepEqual(older.code, { file: 'agent.py', line: 7, function: 'run', namespace: 'pkg.mod' });
  });

  it('reads guards, feedback events, exceptions, session and user, and kinds as strings', () => {
    const guard = one(
      doc([
        span('b7ad6b7169203337', [
          ['openinference.span.kind', 'GUARDRAIL'],
          ['tracelens.guard.name', 'cites_policy'],
          ['tracelens.guard.passed', false],
          ['tracelens.guard.action', 'fallback'],
        ]),
      ]),
    );
    assert.equal(guard.kind, 'guard');
    assert.deepEqual(guard.guards, [{ name: 'cites_policy', passed: false, action: 'fallback', reason: undefined }]);

    const root = one(
      doc([
        span(
          'b7ad6b7169203338',
          [
            ['gen_ai.operation.name', 'invoke_agent'],
            ['session.id', 's-1'],
            ['user.id', 'u-9'],
          ],
          {
            kind: 'SPAN_KIND_SERVER',
            status: { code: 'STATUS_CODE_ERROR', message: 'boom' },
            events: [
              {
                name: 'gen_ai.evaluation.result',
                attributes: [
                  kv('gen_ai.evaluation.name', 'user_feedback'),
                  kv('gen_ai.evaluation.score.value', -1),
                  kv('gen_ai.evaluation.score.label', 'negative'),
                  kv('gen_ai.evaluation.explanation', 'wrong'),
                ],
              },
              {
                name: 'exception',
                attributes: [
                  kv('exception.type', 'TimeoutError'),
                  kv('exception.message', 'slow'),
                  kv('exception.stacktrace', 'at x (a.ts:1:1)'),
                ],
              },
            ],
          },
        ),
      ]),
    );
    assert.equal(root.kind, 'agent');
    assert.equal(root.status, 'error');
    assert.equal(root.statusMessage, 'boom');
    assert.equal(root.sessionId, 's-1');
    assert.equal(root.userId, 'u-9');
    assert.equal(root.attributes['otel.span.kind'], 'SERVER');
    assert.deepEqual(root.feedback, [{ name: 'user_feedback', score: -1, label: 'negative', comment: 'wrong' }]);
    assert.deepEqual(root.exception, { type: 'TimeoutError', message: 'slow', stacktrace: 'at x (a.ts:1:1)' });
  });

  it('reads tool executions', () => {
    const s = one(
      doc([
        span('b7ad6b7169203339', [
          ['gen_ai.operation.name', 'execute_tool'],
          ['gen_ai.tool.name', 'issue_refund'],
          ['gen_ai.tool.call.id', 'c2'],
          ['gen_ai.tool.call.arguments', '{"order":"A1"}'],
          ['gen_ai.tool.call.result', '{"ok":false}'],
        ]),
      ]),
    );
    assert.equal(s.kind, 'tool');
    assert.deepEqual(s.tool, { name: 'issue_refund', id: 'c2', arguments: '{"order":"A1"}', result: '{"ok":false}' });
  });
});
