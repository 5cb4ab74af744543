// Langfuse trace exports and API shapes, field by field.

import * as assert from 'node:assert/strict';
import { importJson, noErrors, spanById } from './helpers';

function obs(id: string, type: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id,
    traceId: 't1',
    type,
    name: `${type.toLowerCase()}-${id}`,
    startTime: '2025-06-06T11:31:33.965Z',
    endTime: '2025-06-06T11:31:34.610Z',
    parentObservationId: 'root',
    level: 'DEFAULT',
    statusMessage: null,
    usageDetails: {},
    metadata: '{}',
    ...extra,
  };
}

describe('Langfuse', () => {
  it('reads an export: merged observation copies, kinds, usage, prompt, tool calls, errors, scores and trace fields', () => {
    const gen = obs('g1', 'GENERATION', {
      model: 'gpt-4o',
      modelParameters: { temperature: 1 },
      usageDetails: { input: 41, output: 3, total: 44, input_cache_read: 7, output_reasoning: 2 },
      costDetails: { total: 0.5 },
      promptName: 'refund-answer',
      promptVersion: 3,
      input: JSON.stringify([{ role: 'user', content: 'Refund?' }]),
      output: JSON.stringify({ role: 'assistant', content: '', tool_calls: [] }),
      toolCalls: [JSON.stringify({ id: 'call_1', arguments: '{"order":7}', type: 'function', index: 0 })],
      toolCallNames: ['lookup_order'],
      metadata: JSON.stringify({
        attributes: { 'gen_ai.system': 'openai', 'custom.flag': true },
        resourceAttributes: { 'service.name': 'support-bot' },
        scope: { name: 'langfuse-sdk', version: '3.0.0' },
        email: 'a@b.c',
      }),
    });
    const value = {
      trace: {
        id: 't1',
        projectId: 'p',
        name: 'support-trace',
        timestamp: '2025-06-06T11:31:33.965Z',
        userId: 'user_123',
        sessionId: 'session_abc',
        tags: ['prod'],
        input: '"Refund?"',
        metadata: '{"email":"a@b.c"}',
        scores: [
          {
            id: 's1',
            name: 'helpfulness',
            value: 0.2,
            dataType: 'NUMERIC',
            source: 'ANNOTATION',
            comment: 'meh',
            traceId: 't1',
            observationId: null,
          },
          {
            id: 's2',
            name: 'tone',
            value: 0,
            stringValue: 'rude',
            dataType: 'CATEGORICAL',
            source: 'EVAL',
            traceId: 't1',
            observationId: 'g1',
          },
        ],
        observations: [{ ...gen, input: null, output: null, metadata: '{}' }],
      },
      observations: [
        obs('root', 'SPAN', { parentObservationId: null, startTime: '2025-06-06T11:31:33.900Z', endTime: '2025-06-06T11:31:35Z' }),
        gen,
        obs('tool', 'TOOL', { input: '{"order":7}', output: 'shipped' }),
        obs('bad', 'AGENT', { level: 'ERROR', statusMessage: 'agent crashed' }),
        obs('guard', 'GUARDRAIL'),
        obs('ret', 'RETRIEVER'),
        obs('ev', 'EVALUATOR'),
        obs('emb', 'EMBEDDING'),
        obs('event', 'EVENT', { endTime: null }),
        obs('chain', 'CHAIN'),
      ],
    };
    const r = importJson(value);
    noErrors(r);
    assert.equal(r.format, 'langfuse');
    assert.equal(r.spans.length, 10);
    const g = spanById(r, 'g1');
    assert.equal(g.kind, 'llm');
    assert.equal(g.traceId, 't1');
    assert.equal(g.parentId, 'root');
    assert.equal(g.startNs, 1749209493965_000_000n);
    assert.equal(g.endNs, 1749209494610_000_000n);
    assert.deepEqual(g.model, { provider: 'openai', requested: 'gpt-4o' });
    assert.deepEqual(g.usage, { input: 41, output: 3, total: 44, cacheRead: 7, reasoning: 2 });
    assert.equal(g.cost, 0.5);
    assert.deepEqual(g.template, { name: 'refund-answer', version: '3' });
    assert.deepEqual(g.inputMessages, [{ role: 'user', content: 'Refund?' }]);
    assert.deepEqual(g.toolCalls, [{ id: 'call_1', name: 'lookup_order', arguments: '{"order":7}' }]);
    assert.equal(g.service, 'support-bot');
    assert.deepEqual(g.scope, { name: 'langfuse-sdk', version: '3.0.0' });
    assert.equal(g.attributes['custom.flag'], true, 'OTel attributes kept in metadata become the span attributes');
    assert.equal(g.attributes['langfuse.observation.metadata.email'], 'a@b.c');
    assert.deepEqual(g.feedback, [{ name: 'tone', score: 0, label: 'rude', source: 'EVAL' }]);
    assert.equal(g.sessionId, 'session_abc');
    assert.equal(g.userId, 'user_123');

    const root = spanById(r, 'root');
    assert.deepEqual(root.feedback, [{ name: 'helpfulness', score: 0.2, comment: 'meh', source: 'ANNOTATION' }]);
    assert.equal(root.attributes['langfuse.trace.name'], 'support-trace');
    assert.deepEqual(root.attributes['langfuse.trace.tags'], ['prod']);
    assert.equal(root.attributes['langfuse.user.id'], 'user_123');

    assert.deepEqual(spanById(r, 'tool').tool, { name: 'tool-tool', arguments: '{"order":7}', result: 'shipped' });
    const bad = spanById(r, 'bad');
    assert.equal(bad.kind, 'agent');
    assert.equal(bad.status, 'error');
    assert.equal(bad.statusMessage, 'agent crashed');
    const kinds = Object.fromEntries(['guard', 'ret', 'ev', 'emb', 'event', 'chain', 'root'].map((id) => [id, spanById(r, id).kind]));
    assert.deepEqual(kinds, {
      guard: 'guard',
      ret: 'retriever',
      ev: 'evaluator',
      emb: 'embedding',
      event: 'span',
      chain: 'chain',
      root: 'span',
    });
    assert.equal(spanById(r, 'event').endNs, spanById(r, 'event').startNs);
  });

  it('reads the public API trace object with nested observations and scores', () => {
    const r = importJson({
      id: 't1',
      projectId: 'p',
      timestamp: '2025-01-01T00:00:00.000Z',
      name: 'api-trace',
      observations: [obs('root', 'SPAN', { parentObservationId: null }), obs('g', 'GENERATION', { model: 'm' })],
      scores: [{ id: 's', name: 'ok', value: 1, dataType: 'BOOLEAN', source: 'API', traceId: 't1' }],
    });
    noErrors(r);
    assert.equal(r.format, 'langfuse');
    assert.equal(r.spans.length, 2);
    assert.deepEqual(spanById(r, 'root').feedback, [{ name: 'ok', score: 1, source: 'API' }]);
  });

  it('reads {data, meta} list pages: observations, and traces without observations as one span each', () => {
    const obsPage = importJson({
      data: [obs('a', 'GENERATION', { parentObservationId: null }), obs('b', 'SPAN', { parentObservationId: 'a' })],
      meta: { page: 1 },
    });
    noErrors(obsPage);
    assert.equal(obsPage.format, 'langfuse');
    assert.equal(obsPage.spans.length, 2);
    const tracePage = importJson({
      data: [
        {
          id: 'tr-1',
          projectId: 'p',
          name: 'listed',
          timestamp: '2025-01-01T00:00:00.000Z',
          latency: 1.5,
          sessionId: 'sess',
          observations: ['o1', 'o2'],
          scores: [],
        },
      ],
      meta: { page: 1, limit: 50, totalItems: 1, totalPages: 1 },
    });
    noErrors(tracePage);
    const s = spanById(tracePage, 'tr-1');
    assert.equal(s.traceId, 'tr-1');
    assert.equal(s.name, 'listed');
    assert.equal(s.endNs - s.startNs, 1_500_000_000n, 'latency in seconds gives the end');
    assert.equal(s.sessionId, 'sess');
    assert.deepEqual(s.attributes['langfuse.trace.observationIds'], ['o1', 'o2']);
  });

  it('reads a bare observation array; bad items are reported, valid ones kept', () => {
    const r = importJson([
      obs('a', 'TOOL', { parentObservationId: null, startTime: 'not a time' }),
      obs('b', 'SPAN', { parentObservationId: 'a' }),
    ]);
    assert.equal(r.format, 'langfuse');
    assert.equal(r.spans.length, 2);
    assert.ok(r.diagnostics.some((d) => d.code === 'span.noTime' && d.severity === 'warning'));
    const mixed = importJson({ data: [obs('a', 'SPAN'), { what: 'ever' }, 7], meta: {} });
    assert.equal(mixed.spans.length, 1);
    assert.equal(mixed.diagnostics.filter((d) => d.code === 'record.unknown').length, 2);
  });
});
