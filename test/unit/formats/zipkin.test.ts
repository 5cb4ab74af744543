// Zipkin v2 JSON (span arrays, a single span, arrays of traces), field by field.

import * as assert from 'node:assert/strict';
import { newAttributes } from '../../../src/core/formats/anyValue';
import { importJson, noErrors, spanById } from './helpers';

function zspan(id: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    traceId: '1E223FF1F80F1C69',
    id,
    name: `op-${id}`,
    timestamp: 1470150004071068,
    duration: 99411,
    localEndpoint: { serviceName: 'servicea', ipv4: '127.0.0.1' },
    ...extra,
  };
}

describe('Zipkin v2 JSON', () => {
  it('reads a span array: µs → ns exactly, tags, error tag, annotations, endpoints', () => {
    const r = importJson([
      zspan('bf396325699c84bf', {
        kind: 'SERVER',
        tags: { 'http.path': '/api', 'gen_ai.operation.name': 'chat', 'gen_ai.usage.input_tokens': '30' },
        annotations: [{ timestamp: 1470150004071070, value: 'ws' }],
        remoteEndpoint: { serviceName: 'client', port: 8080 },
      }),
      zspan('74280ae0c10d8062', { parentId: 'bf396325699c84bf', tags: { error: 'connection refused' } }),
      zspan('43210ae0c10d1234', { parentId: 'bf396325699c84bf', tags: { error: '' } }),
    ]);
    noErrors(r);
    assert.equal(r.format, 'zipkin');
    const root = spanById(r, 'bf396325699c84bf');
    assert.equal(root.traceId, '1e223ff1f80f1c69');
    assert.equal(root.startNs, 1470150004071068000n);
    assert.equal(root.endNs, 1470150004170479000n);
    assert.equal(root.service, 'servicea');
    assert.equal(root.resource?.['zipkin.localEndpoint.ipv4'], '127.0.0.1');
    assert.equal(root.attributes['http.path'], '/api');
    assert.equal(root.attributes['zipkin.kind'], 'SERVER');
    assert.deepEqual(root.attributes['zipkin.remoteEndpoint'], Object.assign(newAttributes(), { serviceName: 'client', port: 8080 }));
    assert.equal(root.kind, 'llm');
    assert.equal(root.usage?.input, 30);
    assert.equal(root.events[0].name, 'ws');
    assert.equal(root.events[0].timeNs, 1470150004071070000n);
    const e1 = spanById(r, '74280ae0c10d8062');
    assert.equal(e1.parentId, 'bf396325699c84bf');
    assert.equal(e1.status, 'error');
    assert.equal(e1.statusMessage, 'connection refused');
    assert.equal(spanById(r, '43210ae0c10d1234').status, 'error', 'an empty error tag is still an error');
  });

  it('reads a single span and an array of traces', () => {
    const one = importJson(zspan('aa'));
    noErrors(one);
    assert.equal(one.format, 'zipkin');
    assert.equal(one.spans.length, 1);
    const many = importJson([[zspan('aa')], [zspan('bb', { traceId: 'cc' })]]);
    noErrors(many);
    assert.equal(many.spans.length, 2);
    assert.deepEqual([...new Set(many.spans.map((s) => s.traceId))].sort(), ['1e223ff1f80f1c69', 'cc']);
  });

  it('hangs a shared server half under its client half, and the server side under the server half', () => {
    const r = importJson([
      zspan('c1', { kind: 'CLIENT', localEndpoint: { serviceName: 'front' } }),
      zspan('c1', { kind: 'SERVER', shared: true, localEndpoint: { serviceName: 'back' } }),
      zspan('d1', { parentId: 'c1', localEndpoint: { serviceName: 'back' } }),
      zspan('d2', { parentId: 'c1', localEndpoint: { serviceName: 'front' } }),
    ]);
    noErrors(r);
    assert.equal(r.spans.length, 4);
    const server = spanById(r, 'c1~shared');
    assert.equal(server.parentId, 'c1');
    assert.equal(server.service, 'back');
    assert.equal(spanById(r, 'd1').parentId, 'c1~shared');
    assert.equal(spanById(r, 'd2').parentId, 'c1');
    assert.ok(!r.diagnostics.some((d) => d.code === 'span.duplicate'));
  });

  it('keeps valid spans when some are broken', () => {
    const r = importJson([zspan('aa'), { traceId: 'x', name: 'no id', timestamp: 1 }, zspan('bb', { timestamp: undefined })]);
    assert.equal(r.format, 'zipkin');
    assert.deepEqual(r.spans.map((s) => s.spanId).sort(), ['aa', 'bb']);
    assert.ok(r.diagnostics.some((d) => d.code === 'span.noId'));
    assert.ok(r.diagnostics.some((d) => d.code === 'span.noTime' && d.severity === 'warning'));
  });
});
