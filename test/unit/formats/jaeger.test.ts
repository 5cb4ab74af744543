// Jaeger JSON (query API, single trace, span arrays with embedded process), field by field.

import * as assert from 'node:assert/strict';
import { importJson, noErrors, spanById } from './helpers';

const TRACE = '83A9EFD15C1C98A977E0711CC93EE28B';

function jspan(id: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    traceID: TRACE,
    spanID: id,
    operationName: `op-${id}`,
    references: [],
    startTime: 1706678909209712,
    duration: 123,
    tags: [],
    logs: [],
    processID: 'p1',
    warnings: null,
    ...extra,
  };
}

describe('Jaeger JSON', () => {
  it('reads the query API: µs → ns exactly, CHILD_OF parent, typed tags, processes, errors, logs', () => {
    const r = importJson({
      data: [
        {
          traceID: TRACE,
          spans: [
            jspan('AAAA000000000001', {
              tags: [
                { key: 'otel.scope.name', type: 'string', value: 'agent-lib' },
                { key: 'otel.scope.version', type: 'string', value: '1.2' },
                { key: 'gen_ai.operation.name', type: 'string', value: 'chat' },
                { key: 'gen_ai.request.model', type: 'string', value: 'gpt-4o' },
                { key: 'gen_ai.usage.input_tokens', type: 'int64', value: 812 },
                { key: 'gen_ai.usage.output_tokens', type: 'int64', value: '54' },
                {
                  key: 'gen_ai.input.messages',
                  type: 'string',
                  value: JSON.stringify([{ role: 'user', parts: [{ type: 'text', content: 'Refund?' }] }]),
                },
                { key: 'big', type: 'int64', value: '9223372036854775222' },
                { key: 'ratio', type: 'float64', value: 0.5 },
                { key: 'flag', type: 'bool', value: 'true' },
                { key: 'blob', type: 'binary', value: 'AAAwOQ==' },
              ],
            }),
            jspan('aaaa000000000002', {
              references: [{ refType: 'CHILD_OF', traceID: TRACE.toLowerCase(), spanID: 'AAAA000000000001' }],
              startTime: 1706678909209800,
              duration: 1,
              tags: [
                { key: 'otel.status_code', type: 'string', value: 'ERROR' },
                { key: 'otel.status_description', type: 'string', value: 'timeout' },
              ],
              logs: [
                {
                  timestamp: 1706678909209801,
                  fields: [
                    { key: 'event', type: 'string', value: 'exception' },
                    { key: 'exception.type', type: 'string', value: 'TimeoutError' },
                    { key: 'exception.message', type: 'string', value: 'took too long' },
                  ],
                },
              ],
              processID: 'p2',
            }),
            jspan('aaaa000000000003', { tags: [{ key: 'error', type: 'bool', value: true }], processID: 'p2' }),
          ],
          processes: {
            p1: { serviceName: 'agent', tags: [{ key: 'host.name', type: 'string', value: 'h1' }] },
            p2: { serviceName: 'orders', tags: [] },
          },
          warnings: null,
        },
      ],
      total: 0,
      limit: 0,
      offset: 0,
      errors: [{ code: 500, msg: 'one storage shard failed' }],
    });
    noErrors(r);
    assert.equal(r.format, 'jaeger');
    const llm = spanById(r, 'aaaa000000000001');
    assert.equal(llm.traceId, TRACE.toLowerCase());
    assert.equal(llm.startNs, 1706678909209712000n);
    assert.equal(llm.endNs, 1706678909209835000n);
    assert.equal(llm.kind, 'llm');
    assert.deepEqual(llm.usage, { input: 812, output: 54 });
    assert.deepEqual(llm.inputMessages, [{ role: 'user', content: 'Refund?' }]);
    assert.equal(llm.service, 'agent');
    assert.equal(llm.resource?.['host.name'], 'h1');
    assert.deepEqual(llm.scope, { name: 'agent-lib', version: '1.2' });
    assert.equal(llm.attributes.big, '9223372036854775222');
    assert.equal(llm.attributes.ratio, 0.5);
    assert.equal(llm.attributes.flag, true);
    assert.equal(llm.attributes.blob, 'AAAwOQ==');

    const failed = spanById(r, 'aaaa000000000002');
    assert.equal(failed.parentId, 'aaaa000000000001');
    assert.equal(failed.status, 'error');
    assert.equal(failed.statusMessage, 'timeout');
    assert.equal(failed.service, 'orders');
    assert.equal(failed.events[0].name, 'exception');
    assert.equal(failed.events[0].timeNs, 1706678909209801000n);
    assert.deepEqual(failed.exception, { type: 'TimeoutError', message: 'took too long' });
    assert.equal(spanById(r, 'aaaa000000000003').status, 'error');
    const reported = r.diagnostics.find((d) => d.code === 'source.reportedError');
    assert.match(reported?.message ?? '', /one storage shard failed/);
  });

  it('reads a single trace and span arrays with an embedded process; FOLLOWS_FROM and parentSpanID fall back', () => {
    const single = importJson({
      traceID: 'ab',
      spans: [
        jspan('01', { traceID: 'ab' }),
        jspan('02', {
          traceID: 'ab',
          references: [
            { refType: 'CHILD_OF', traceID: 'ff', spanID: 'ff' },
            { refType: 'FOLLOWS_FROM', traceID: 'ab', spanID: '01' },
          ],
        }),
      ],
      processes: { p1: { serviceName: 'svc' } },
    });
    noErrors(single);
    const follows = spanById(single, '02');
    assert.equal(follows.parentId, '01');
    assert.deepEqual(JSON.parse(JSON.stringify(follows.attributes['jaeger.references'])), [
      { refType: 'CHILD_OF', traceID: 'ff', spanID: 'ff' },
    ]);

    const arr = importJson([
      { ...jspan('10'), process: { serviceName: 'embedded' }, processID: undefined },
      { ...jspan('11'), parentSpanID: '10', process: { serviceName: 'embedded' } },
      { ...jspan('12'), parentSpanID: '0' },
    ]);
    noErrors(arr);
    assert.equal(arr.format, 'jaeger');
    assert.equal(spanById(arr, '10').service, 'embedded');
    assert.equal(spanById(arr, '11').parentId, '10');
    assert.equal(spanById(arr, '12').parentId, undefined, 'parentSpanID 0 means root');
  });

  it('keeps valid spans when some are broken', () => {
    const r = importJson({
      traceID: 'ab',
      spans: [jspan('01', { traceID: 'ab' }), { traceID: 'ab' }, 'junk', jspan('02', { traceID: 'ab', startTime: 'soon' })],
      processes: {},
    });
    assert.deepEqual(r.spans.map((s) => s.spanId).sort(), ['01', '02']);
    assert.equal(r.diagnostics.filter((d) => d.code === 'span.noId').length, 2);
    assert.ok(r.diagnostics.some((d) => d.code === 'span.noTime'));
  });
});
