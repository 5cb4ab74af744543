// OpenAI Agents SDK trace exports, field by field.

import * as assert from 'node:assert/strict';
import { newAttributes } from '../../../src/core/formats/anyValue';
import { importJson, noErrors, spanById } from './helpers';

const TRACE = 'trace_0af7651916cd43dd8448eb211c80319c';

function sp(
  id: string,
  parent: string | null,
  data: Record<string, unknown>,
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    object: 'trace.span',
    id,
    trace_id: TRACE,
    parent_id: parent,
    started_at: '2025-03-01T10:00:00.123456+00:00',
    ended_at: '2025-03-01T10:00:01.123456+00:00',
    span_data: data,
    error: null,
    ...extra,
  };
}

const traceRecord = { object: 'trace', id: TRACE, workflow_name: 'Support workflow', group_id: 'thread-42', metadata: { tier: 'gold' } };

describe('OpenAI Agents SDK export', () => {
  it('reads {data:[…]}: span_data types to kinds, generation model/usage/messages, tools, guardrails, handoffs, errors', () => {
    const r = importJson({
      data: [
        traceRecord,
        sp('span_agent', null, { type: 'agent', name: 'Triage', handoffs: ['Refunds'], tools: ['lookup'], output_type: 'str' }),
        sp('span_gen', 'span_agent', {
          type: 'generation',
          model: 'gpt-4o',
          model_config: { temperature: 0.2 },
          input: [{ role: 'user', content: 'Where is order 7?' }],
          output: [
            {
              role: 'assistant',
              content: null,
              tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'lookup', arguments: '{"order":7}' } }],
            },
          ],
          usage: { input_tokens: 50, output_tokens: 9 },
        }),
        sp('span_fn', 'span_agent', { type: 'function', name: 'lookup', input: '{"order":7}', output: 'shipped' }),
        sp('span_guard', 'span_agent', { type: 'guardrail', name: 'no_pii', triggered: true }),
        sp('span_ok_guard', 'span_agent', { type: 'guardrail', name: 'on_topic', triggered: false }),
        sp('span_handoff', 'span_agent', { type: 'handoff', from_agent: 'Triage', to_agent: 'Refunds' }),
        sp('span_custom', 'span_agent', { type: 'custom', name: 'note', data: { k: 1 } }),
        sp(
          'span_err',
          'span_agent',
          { type: 'function', name: 'refund' },
          { error: { message: 'Refund API down', data: { status: 503 } } },
        ),
      ],
    });
    noErrors(r);
    assert.equal(r.format, 'openai-agents');
    assert.equal(r.spans.length, 8);
    const agent = spanById(r, 'span_agent');
    assert.equal(agent.kind, 'agent');
    assert.equal(agent.name, 'Triage');
    assert.equal(agent.traceId, TRACE);
    assert.equal(agent.startNs, 1740823200123456000n);
    assert.equal(agent.sessionId, 'thread-42');
    assert.equal(agent.attributes['openai.agents.trace.workflow_name'], 'Support workflow');
    assert.deepEqual(agent.attributes['openai.agents.span_data.handoffs'], ['Refunds']);

    const gen = spanById(r, 'span_gen');
    assert.equal(gen.kind, 'llm');
    assert.equal(gen.parentId, 'span_agent');
    assert.deepEqual(gen.model, { requested: 'gpt-4o' });
    assert.deepEqual(gen.usage, { input: 50, output: 9 });
    assert.deepEqual(gen.inputMessages, [{ role: 'user', content: 'Where is order 7?' }]);
    assert.deepEqual(gen.toolCalls, [{ id: 'call_1', name: 'lookup', arguments: '{"order":7}' }]);

    assert.deepEqual(spanById(r, 'span_fn').tool, { name: 'lookup', arguments: '{"order":7}', result: 'shipped' });
    assert.equal(spanById(r, 'span_fn').kind, 'tool');
    const guard = spanById(r, 'span_guard');
    assert.equal(guard.kind, 'guard');
    assert.deepEqual(guard.guards, [{ name: 'no_pii', passed: false, action: 'tripwire' }]);
    assert.deepEqual(spanById(r, 'span_ok_guard').guards, [{ name: 'on_topic', passed: true }]);
    assert.equal(spanById(r, 'span_handoff').name, 'handoff Triage → Refunds');
    assert.equal(spanById(r, 'span_custom').output, '{"k":1}');
    const err = spanById(r, 'span_err');
    assert.equal(err.status, 'error');
    assert.equal(err.statusMessage, 'Refund API down');
    assert.deepEqual(err.attributes['openai.agents.error.data'], Object.assign(newAttributes(), { status: 503 }));
  });

  it('reads JSON Lines records and applies a trace record that comes after its spans', () => {
    const text = [JSON.stringify(sp('span_a', null, { type: 'agent', name: 'A' })), JSON.stringify(traceRecord), ''].join('\n');
    const r = importJson(text, 'export.jsonl');
    noErrors(r);
    assert.equal(r.format, 'openai-agents');
    const a = spanById(r, 'span_a');
    assert.equal(a.sessionId, 'thread-42');
    assert.equal(a.attributes['openai.agents.trace.workflow_name'], 'Support workflow');
    assert.equal(a.range?.line, 1);
  });

  it('reports records it cannot read and keeps the rest', () => {
    const r = importJson([traceRecord, { object: 'trace.span', id: 'x' }, { object: 'other' }, sp('span_b', null, { type: 'mystery' })]);
    assert.deepEqual(
      r.spans.map((s) => [s.spanId, s.kind]),
      [['span_b', 'span']],
    );
    assert.ok(r.diagnostics.some((d) => d.code === 'span.noId'));
    assert.ok(r.diagnostics.some((d) => d.code === 'record.unknown'));
  });
});
