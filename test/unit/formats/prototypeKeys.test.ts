// Names such as "constructor", "__proto__" and "toString" in trace values that the importers
// look up in their tables (status codes, kinds, roles, operation names) must be read as unknown
// names, not as properties every JavaScript object inherits (S-checklist: prototype keys).

import * as assert from 'node:assert/strict';
import { SPAN_KINDS } from '../../../src/core/model/span';
import { importBytes } from '../../../src/ingest/importFile';
import { otlpLine, otlpSpan } from '../../support/otlpBuilders';

const NAMES = ['constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf'];
const STATUSES = new Set(['unset', 'ok', 'error']);

function importLines(lines: string[], name = 'x.otlp.jsonl'): ReturnType<typeof importBytes> {
  return importBytes(new TextEncoder().encode(lines.join('\n') + '\n'), name);
}

describe('prototype names in trace values', () => {
  for (const n of NAMES) {
    it(`OTLP status code and every kind convention named "${n}"`, () => {
      const keys = [
        'openinference.span.kind',
        'gen_ai.operation.name',
        'traceloop.span.kind',
        'langsmith.span.kind',
        'langfuse.observation.type',
        'mlflow.spanType',
        'ai.operationId',
        'tracelens.span.kind',
      ];
      const lines = keys.map((k, i) =>
        otlpLine(otlpSpan({ spanId: `00000000000000${(i + 16).toString(16)}`, status: { code: n }, attributes: [[k, n]] })),
      );
      const r = importLines(lines);
      assert.equal(r.spans.length, keys.length);
      for (const s of r.spans) {
        assert.equal(typeof s.kind, 'string', `${s.name}: kind ${String(s.kind)}`);
        assert.ok((SPAN_KINDS as readonly string[]).includes(s.kind), `${s.name}: kind ${s.kind}`);
        assert.ok(STATUSES.has(s.status), `${s.name}: status ${String(s.status)}`);
      }
    });
  }
});
