// OpenTelemetry Python SDK JSON: span.to_json() spans, and LogRecord.to_json() records reported as logs.

import * as assert from 'node:assert/strict';
import { importJson, noErrors, spanById } from './helpers';

function pySpan(id: string, parent: string | null, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    name: `op-${id}`,
    context: { trace_id: '0x0af7651916cd43dd8448eb211c80319c', span_id: `0x${id}`, trace_state: '[]' },
    kind: 'SpanKind.INTERNAL',
    parent_id: parent,
    start_time: '2025-01-31T12:29:57.187259Z',
    end_time: '2025-01-31T12:29:58.187259Z',
    status: { status_code: 'UNSET' },
    attributes: {},
    events: [],
    links: [],
    resource: { attributes: { 'service.name': 'agentops', 'session.id': 's-1' }, schema_url: '' },
    ...extra,
  };
}

const logRecord = {
  body: 'hello',
  severity_number: 9,
  severity_text: 'INFO',
  attributes: { 'code.filepath': '/a.py', 'code.lineno': 3 },
  dropped_attributes: 0,
  timestamp: '2025-01-31T12:29:57.187259Z',
  observed_timestamp: '2025-01-31T12:29:57.187309Z',
  trace_id: '0x00000000000000000000000000000000',
  span_id: '0x0000000000000000',
  trace_flags: 0,
  resource: { attributes: {}, schema_url: '' },
};

describe('OpenTelemetry Python SDK JSON', () => {
  it('reads to_json() spans: 0x ids, kind, parent, status, events, code location, resource', () => {
    const r = importJson([
      pySpan('00f067aa0ba902b7', null, {
        attributes: { 'gen_ai.request.model': 'gpt-4o', 'code.filepath': 'agent.py', 'code.lineno': 12, 'code.function': 'run' },
      }),
      pySpan('b7ad6b7169203331', '0x00f067aa0ba902b7', {
        kind: 'SpanKind.CLIENT',
        status: { status_code: 'ERROR', description: 'HTTP 500' },
        events: [{ name: 'exception', timestamp: '2025-01-31T12:29:57.5Z', attributes: { 'exception.type': 'HTTPError' } }],
      }),
    ]);
    noErrors(r);
    assert.equal(r.format, 'otel-python-json');
    const root = spanById(r, '00f067aa0ba902b7');
    assert.equal(root.traceId, '0af7651916cd43dd8448eb211c80319c');
    assert.equal(root.kind, 'llm');
    assert.equal(root.startNs, 1738326597187259000n);
    assert.equal(root.service, 'agentops');
    assert.deepEqual(root.code, { file: 'agent.py', line: 12, function: 'run' });
    const child = spanById(r, 'b7ad6b7169203331');
    assert.equal(child.parentId, '00f067aa0ba902b7');
    assert.equal(child.status, 'error');
    assert.equal(child.statusMessage, 'HTTP 500');
    assert.equal(child.attributes['otel.span.kind'], 'CLIENT');
    assert.deepEqual(child.exception, { type: 'HTTPError' });
  });

  it('reports LogRecord.to_json() records as logs, not spans, and keeps spans beside them', () => {
    const logs = importJson([logRecord, logRecord]);
    assert.equal(logs.format, 'otel-python-json');
    assert.equal(logs.spans.length, 0);
    const d = logs.diagnostics.find((x) => x.code === 'otel.logRecords');
    assert.equal(d?.severity, 'warning');
    assert.match(d?.message ?? '', /2 OpenTelemetry log records/);
    assert.equal(d?.line, 1);
    const mixed = importJson([pySpan('00f067aa0ba902b7', null), logRecord, 'junk']);
    assert.equal(mixed.spans.length, 1);
    assert.ok(mixed.diagnostics.some((x) => x.code === 'otel.logRecords'));
    assert.ok(mixed.diagnostics.some((x) => x.code === 'record.unknown'));
  });
});
