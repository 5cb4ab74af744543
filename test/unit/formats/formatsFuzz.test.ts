// Malformed input never throws: every JSON importer of this folder gets deterministic mutations of
// a valid sample (values swapped for nulls, wrong types, huge numbers, bad times, `__proto__`
// keys, deep nesting) and must return spans and diagnostics, not an exception.

import * as assert from 'node:assert/strict';
import { importRecords } from '../../../src/core/formats/importRecords';
import type { FormatId } from '../../../src/core/model/format';

const SAMPLES: Record<string, unknown> = {
  langsmith: {
    post: [
      {
        id: 'r1',
        trace_id: 'r1',
        dotted_order: '20240101T000000000001Zr1',
        run_type: 'llm',
        name: 'x',
        start_time: '2024-01-01T00:00:00Z',
        inputs: { messages: [{ role: 'user', content: 'hi' }] },
        extra: { metadata: { ls_model_name: 'm' } },
        child_runs: [{ id: 'c', run_type: 'tool', start_time: 1704067200000 }],
      },
    ],
    patch: [
      {
        id: 'r1',
        end_time: '2024-01-01T00:00:01Z',
        outputs: { choices: [{ message: { role: 'assistant', content: 'yo' } }], usage_metadata: { input_tokens: 1 } },
      },
    ],
  },
  langfuse: {
    trace: {
      id: 't',
      projectId: 'p',
      timestamp: '2025-01-01T00:00:00Z',
      scores: [{ name: 's', value: 1, dataType: 'NUMERIC', traceId: 't' }],
      observations: [],
    },
    observations: [
      {
        id: 'o',
        traceId: 't',
        type: 'GENERATION',
        startTime: '2025-01-01T00:00:00Z',
        endTime: null,
        usageDetails: { input: 1 },
        toolCalls: ['{"id":"c"}'],
        metadata: '{"attributes":{"a":1}}',
      },
    ],
  },
  mlflow: {
    info: {
      trace_id: 'tr-1',
      assessments: [{ assessment_name: 'a', feedback: { value: 1 }, span_id: 'AAAAAAAAAAE=' }],
      trace_metadata: { 'mlflow.trace.session': 's' },
    },
    data: {
      spans: [
        {
          trace_id: 'AAAAAAAAAAAAAAAAAAAAAQ==',
          span_id: 'AAAAAAAAAAE=',
          name: 'x',
          start_time_unix_nano: 1,
          end_time_unix_nano: 2,
          status: { code: 'OK' },
          attributes: { 'mlflow.spanType': '"LLM"', 'mlflow.chat.tokenUsage': '{"input_tokens":1}' },
          events: [{ name: 'e', time_unix_nano: 1, attributes: {} }],
        },
      ],
    },
  },
  jaeger: {
    data: [
      {
        traceID: 'ab',
        spans: [
          {
            traceID: 'ab',
            spanID: '01',
            operationName: 'x',
            references: [{ refType: 'CHILD_OF', traceID: 'ab', spanID: '00' }],
            startTime: 1,
            duration: 2,
            tags: [{ key: 'error', type: 'bool', value: true }],
            logs: [{ timestamp: 1, fields: [{ key: 'event', value: 'x' }] }],
            processID: 'p1',
          },
        ],
        processes: { p1: { serviceName: 's', tags: [] } },
      },
    ],
    errors: [{ msg: 'e' }],
  },
  zipkin: [
    {
      traceId: 'ab',
      id: '01',
      name: 'x',
      timestamp: 1,
      duration: 2,
      tags: { error: '' },
      localEndpoint: { serviceName: 's' },
      annotations: [{ timestamp: 1, value: 'a' }],
    },
    { traceId: 'ab', id: '01', shared: true, name: 'y', timestamp: 1, localEndpoint: { serviceName: 't' } },
  ],
  openAiAgents: {
    data: [
      { object: 'trace', id: 'trace_1', workflow_name: 'w', group_id: 'g' },
      {
        object: 'trace.span',
        id: 'span_1',
        trace_id: 'trace_1',
        parent_id: null,
        started_at: '2025-01-01T00:00:00Z',
        ended_at: '2025-01-01T00:00:01Z',
        span_data: { type: 'generation', model: 'm', input: [{ role: 'user', content: 'hi' }], usage: { input_tokens: 1 } },
        error: null,
      },
    ],
  },
  otelPython: [
    {
      name: 'x',
      context: { trace_id: '0x01', span_id: '0x02' },
      kind: 'SpanKind.INTERNAL',
      parent_id: null,
      start_time: '2025-01-01T00:00:00Z',
      end_time: '2025-01-01T00:00:01Z',
      status: { status_code: 'ERROR' },
      attributes: {},
      events: [],
      resource: { attributes: {} },
    },
    { body: 'b', severity_text: 'INFO', timestamp: '2025-01-01T00:00:00Z' },
  ],
};

const deep = (n: number): unknown => {
  let v: unknown = 'leaf';
  for (let i = 0; i < n; i++) v = { a: [v] };
  return v;
};
const REPLACEMENTS: unknown[] = [
  null,
  0,
  -1,
  1e300,
  '',
  'x',
  [],
  {},
  true,
  '2024-13-45T99:99:99Z',
  '99999999999999999999999',
  JSON.parse('{"__proto__":{"polluted":1},"id":"p"}'),
  deep(200),
  [null, 1, 'x', [], {}],
];

/** A small deterministic PRNG (mulberry32). */
function rng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function mutate(v: unknown, rand: () => number, depth = 0): unknown {
  if (rand() < 0.12 && depth > 0) return REPLACEMENTS[Math.floor(rand() * REPLACEMENTS.length)];
  if (Array.isArray(v)) return v.map((x) => mutate(x, rand, depth + 1));
  if (v && typeof v === 'object') {
    const out = Object.create(null) as Record<string, unknown>; // keeps a `__proto__` key as data
    for (const [k, x] of Object.entries(v)) if (rand() > 0.05) out[k] = mutate(x, rand, depth + 1);
    return out;
  }
  return v;
}

const FORCED: FormatId[] = ['langsmith', 'langfuse', 'mlflow', 'jaeger', 'zipkin', 'openai-agents', 'otel-python-json'];

describe('format importers on malformed input', () => {
  it('"Open as format…": each importer forced onto any value reads what it can and never throws', () => {
    const values = [null, 7, 'text', [], {}, [1, 'a', null], { resourceSpans: [] }, ...Object.values(SAMPLES)];
    for (const format of FORCED) {
      for (const v of values) {
        const text = JSON.stringify(v);
        assert.doesNotThrow(
          () => importRecords([{ text, line: 1, byteStart: 0, byteEnd: text.length }], { format }),
          `${format} on ${text.slice(0, 80)}`,
        );
      }
    }
  });

  for (const [name, sample] of Object.entries(SAMPLES)) {
    it(`${name}: 300 mutations import without throwing`, () => {
      const rand = rng(name.length * 7919);
      const text0 = JSON.stringify(sample);
      const base = importRecords([{ text: text0, line: 1, byteStart: 0, byteEnd: text0.length }]);
      assert.ok(base.spans.length > 0 || name === 'otelPython', `${name}: the sample itself imports`);
      for (let i = 0; i < 300; i++) {
        const text = JSON.stringify(mutate(sample, rand));
        assert.doesNotThrow(
          () => importRecords([{ text, line: 1, byteStart: 0, byteEnd: text.length }]),
          `${name} #${i}: ${text.slice(0, 300)}`,
        );
      }
      assert.equal(({} as Record<string, unknown>).polluted, undefined, 'no prototype pollution');
    });
  }
});
