// Shared by the per-format tests: import a JSON value or text exactly as a file would be.

import * as assert from 'node:assert/strict';
import type { ImportResult } from '../../../src/core/formats/importResult';
import type { Span } from '../../../src/core/model/span';
import { importBytes } from '../../../src/ingest/importFile';

/** Import a value (serialised pretty, as a document) or raw text (JSON Lines when it has one record per line). */
export function importJson(input: unknown, fileName = 'input.json'): ImportResult {
  const text = typeof input === 'string' ? input : JSON.stringify(input, null, 2);
  return importBytes(Buffer.from(text, 'utf8'), fileName);
}

export function spanById(r: ImportResult, id: string): Span {
  const s = r.spans.find((x) => x.spanId === id);
  assert.ok(s, `span ${id} in ${r.spans.map((x) => x.spanId).join(', ')}`);
  return s;
}

export function noErrors(r: ImportResult): void {
  assert.deepEqual(
    r.diagnostics.filter((d) => d.severity === 'error'),
    [],
  );
}

/** OTLP JSON document with flat attributes, for the attribute-flavour tests. */
export function otlpDoc(spans: { id: string; name?: string; parent?: string; attrs: Record<string, unknown> }[]): string {
  const kv = (key: string, v: unknown): object => {
    if (typeof v === 'string') return { key, value: { stringValue: v } };
    if (typeof v === 'boolean') return { key, value: { boolValue: v } };
    if (Number.isInteger(v)) return { key, value: { intValue: String(v) } };
    if (typeof v === 'number') return { key, value: { doubleValue: v } };
    return { key, value: { stringValue: JSON.stringify(v) } };
  };
  return JSON.stringify({
    resourceSpans: [
      {
        resource: { attributes: [kv('service.name', 'svc')] },
        scopeSpans: [
          {
            scope: { name: 'test' },
            spans: spans.map((s) => ({
              traceId: '0af7651916cd43dd8448eb211c80319c',
              spanId: s.id,
              parentSpanId: s.parent,
              name: s.name ?? `span-${s.id}`,
              kind: 1,
              startTimeUnixNano: '1700000000000000000',
              endTimeUnixNano: '1700000001000000000',
              attributes: Object.entries(s.attrs).map(([k, v]) => kv(k, v)),
            })),
          },
        ],
      },
    ],
  });
}
