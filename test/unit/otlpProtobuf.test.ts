// OTLP protobuf: bytes from the real OpenTelemetry JS encoder (ProtobufTraceSerializer) must read
// into exactly the model the JSON path reads from JsonTraceSerializer on the same spans; broken
// bytes give located diagnostics and keep every span that is still whole.

import * as assert from 'node:assert/strict';
import { ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, type Link } from '@opentelemetry/api';
import { JsonTraceSerializer, ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  AlwaysOnSampler,
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
  type ReadableSpan,
} from '@opentelemetry/sdk-trace-base';
import { importOtlpProtobuf, looksLikeOtlpProtobuf } from '../../src/core/formats/otlpProtobuf';
import { ProtoReader, toBase64 } from '../../src/core/formats/protoWire';
import type { ImportResult } from '../../src/core/formats/importResult';
import type { Span } from '../../src/core/model/span';
import { importBytes } from '../../src/ingest/importFile';

// A sequence id generator, so runs are reproducible.
class CountingIds {
  private n = 0;
  generateTraceId(): string {
    return (++this.n).toString(16).padStart(8, '0') + 'a1b2c3d4e5f60718' + 'deadbeef';
  }
  generateSpanId(): string {
    return 'f0' + (++this.n).toString(16).padStart(14, '0');
  }
}

/** Nested object `depth` levels deep, for the depth limit. */
function nested(depth: number): unknown {
  let v: unknown = 'leaf';
  for (let i = 0; i < depth; i++) v = { [`l${i}`]: v };
  return v;
}

function makeSpans(): ReadableSpan[] {
  const exporter = new InMemorySpanExporter();
  const ids = new CountingIds();
  const providers = [
    { 'service.name': 'agent', 'service.version': '1.2.3', 'host.cpu.count': 8, 'deploy.canary': false },
    { 'service.name': 'retriever', 'team.tags': ['search', 'rag'] },
  ].map(
    (attrs) =>
      new BasicTracerProvider({
        resource: resourceFromAttributes(attrs),
        idGenerator: ids,
        sampler: new AlwaysOnSampler(),
        spanLimits: { attributeCountLimit: 512, attributeValueLengthLimit: 1 << 20 },
        spanProcessors: [new SimpleSpanProcessor(exporter)],
      }),
  );
  const agent = providers[0].getTracer('agent-lib', '0.9.0');
  const bare = providers[0].getTracer('bare'); // no version
  const search = providers[1].getTracer('search-lib', '2.0.0');

  // Times beyond 2^53 ns with sub-microsecond digits: exactness is checked, not assumed.
  const t0: [number, number] = [1793696531, 250400123];
  const at = (ms: number): [number, number] => [t0[0] + Math.floor(ms / 1000), t0[1] + (ms % 1000) * 1000 + 7];

  const root = agent.startSpan('invoke_agent support', {
    kind: SpanKind.SERVER,
    startTime: at(0),
    attributes: {
      'gen_ai.operation.name': 'invoke_agent',
      'gen_ai.agent.name': 'support',
      'session.id': 'conv-1',
      'user.id': 'u-42',
      'input.value': 'Where is my order? 📦',
      'output.value': '配送中です',
      'code.file.path': 'src/agent.ts',
      'code.line.number': 88,
      'code.function.name': 'Agent.answer',
    },
  });
  const rootCtx = trace.setSpan(ROOT_CONTEXT, root);
  const llm = agent.startSpan(
    'chat gpt-4o',
    {
      kind: SpanKind.CLIENT,
      startTime: at(5),
      attributes: {
        'gen_ai.operation.name': 'chat',
        'gen_ai.provider.name': 'openai',
        'gen_ai.request.model': 'gpt-4o',
        'gen_ai.response.model': 'gpt-4o-2024-08-06',
        'gen_ai.request.temperature': 0.25,
        'gen_ai.usage.input_tokens': 812,
        'gen_ai.usage.output_tokens': 54,
        'gen_ai.response.finish_reasons': ['tool_calls'],
        'gen_ai.input.messages': JSON.stringify([{ role: 'user', parts: [{ type: 'text', content: 'Where is A-1?' }] }]),
        'gen_ai.output.messages': JSON.stringify([
          {
            role: 'assistant',
            parts: [{ type: 'tool_call', id: 'c1', name: 'lookup', arguments: { id: 'A-1' } }],
            finish_reason: 'tool_calls',
          },
        ]),
        'gen_ai.prompt.name': 'answer',
        'llm.prompt_template.version': '3',
        'llm.prompt_template.variables': JSON.stringify({ q: 'Where is A-1?' }),
        'tracelens.template.path': 'prompts/answer.md',
        'neg.int': -42,
        'min.int': -(2 ** 53) + 1,
        'empty.string': '',
        bools: [true, false, true],
        ints: [1, 2, 3],
        doubles: [0.5, -1.25],
        'long.text': 'x'.repeat(70_000),
        'feedback.ok': true,
      },
    },
    rootCtx,
  );
  llm.addEvent('gen_ai.content.prompt', { 'gen_ai.prompt': 'hello' }, at(6));
  llm.end(at(900));

  const link: Link = { context: llm.spanContext(), attributes: { 'link.kind': 'follows' } };
  const tool = bare.startSpan(
    'execute_tool lookup',
    {
      kind: SpanKind.INTERNAL,
      startTime: at(901),
      links: [link],
      attributes: {
        'gen_ai.operation.name': 'execute_tool',
        'gen_ai.tool.name': 'lookup',
        'gen_ai.tool.call.id': 'c1',
        'gen_ai.tool.call.arguments': '{"id":"A-1"}',
      },
    },
    rootCtx,
  );
  tool.recordException(
    { name: 'TimeoutError', message: 'orders API timed out', stack: 'TimeoutError: x\n    at lookup (src/tools.ts:12:3)' },
    at(950),
  );
  tool.setStatus({ code: SpanStatusCode.ERROR, message: 'orders API timed out' });
  tool.end(at(960));

  for (const [i, kind] of [SpanKind.PRODUCER, SpanKind.CONSUMER].entries()) {
    const s = search.startSpan(
      `retrieve ${i}`,
      {
        kind,
        startTime: at(1000 + i),
        attributes: {
          'openinference.span.kind': 'RETRIEVER',
          'retrieval.documents.0.document.id': `doc-${i}`,
          'retrieval.documents.0.document.score': 0.75,
          'retrieval.documents.0.document.content': 'Returns within 30 days.',
          'retrieval.documents.0.document.metadata': JSON.stringify({ uri: 's3://b/doc.md' }),
        },
      },
      rootCtx,
    );
    s.setStatus({ code: SpanStatusCode.OK });
    s.end(at(1010 + i));
  }
  const guard = agent.startSpan(
    'guard cites_policy',
    {
      startTime: at(1100),
      attributes: { 'tracelens.guard.name': 'cites_policy', 'tracelens.guard.passed': false, 'tracelens.guard.action': 'fallback' },
    },
    rootCtx,
  );
  guard.addEvent('tracelens.feedback', { 'tracelens.feedback.score': -1, 'tracelens.feedback.label': 'negative' }, at(1150));
  guard.end(at(1200));
  root.end(at(1300));
  const finished = exporter.getFinishedSpans();
  // Values the SDK refuses as attributes but its encoders write (bytes, maps, deep maps), as other
  // producers send them: put straight into the finished span.
  Object.assign(finished.find((s) => s.name === 'chat gpt-4o')!.attributes, {
    'raw.bytes': new Uint8Array([0, 1, 2, 250, 255]),
    'map.value': { a: 'x', b: 2, c: [1, 'two'], d: { e: true } },
    'deep.value': nested(40),
  });
  return finished;
}

const SPANS = makeSpans();
const PROTO = ProtobufTraceSerializer.serializeRequest(SPANS)!;
const JSON_BYTES = JsonTraceSerializer.serializeRequest(SPANS)!;
// The same without the 70 KB attribute, for tests that decode every prefix.
const SMALL_SPANS = makeSpans();
for (const s of SMALL_SPANS) delete (s.attributes as Record<string, unknown>)['long.text'];
const SMALL = ProtobufTraceSerializer.serializeRequest(SMALL_SPANS)!;

/** The model without where it came from (byte ranges differ by encoding by nature). */
function model(r: ImportResult): Omit<Span, 'range'>[] {
  return r.spans.map(({ range: _range, ...rest }) => rest);
}

const byKey = (spans: Span[]): Map<string, Span> => new Map(spans.map((s) => [`${s.traceId}/${s.spanId}`, s]));

describe('OTLP protobuf', () => {
  it('reads the real encoder output into exactly the model the JSON path reads', () => {
    const fromProto = importOtlpProtobuf(PROTO);
    const fromJson = importBytes(JSON_BYTES, 'x.json');
    assert.equal(fromJson.format, 'otlp-json');
    assert.equal(fromProto.format, 'otlp-protobuf');
    assert.equal(fromProto.spans.length, SPANS.length);
    assert.deepStrictEqual(model(fromProto), model(fromJson));
    assert.deepEqual(
      fromProto.diagnostics.filter((d) => d.severity !== 'info'),
      fromJson.diagnostics.filter((d) => d.severity !== 'info'),
    );
  });

  it('keeps ids as lowercase hex, times exact beyond 2^53, and the mapped semantics', () => {
    const spans = importOtlpProtobuf(PROTO).spans;
    const want = byKey(spans);
    for (const s of SPANS) {
      const got = want.get(`${s.spanContext().traceId}/${s.spanContext().spanId}`);
      assert.ok(got, s.name);
      assert.match(got.traceId, /^[0-9a-f]{32}$/);
      assert.equal(got.startNs, BigInt(s.startTime[0]) * 1_000_000_000n + BigInt(s.startTime[1]));
      assert.equal(got.endNs, BigInt(s.endTime[0]) * 1_000_000_000n + BigInt(s.endTime[1]));
      assert.equal(got.parentId, s.parentSpanContext?.spanId);
    }
    const llm = spans.find((s) => s.name === 'chat gpt-4o')!;
    assert.ok(llm.startNs > BigInt(Number.MAX_SAFE_INTEGER));
    assert.equal(llm.kind, 'llm');
    assert.deepEqual(llm.model, { provider: 'openai', requested: 'gpt-4o', returned: 'gpt-4o-2024-08-06' });
    assert.deepEqual(llm.usage, { input: 812, output: 54 });
    assert.equal(llm.attributes['neg.int'], -42);
    assert.equal(llm.attributes['raw.bytes'], toBase64(new Uint8Array([0, 1, 2, 250, 255])));
    assert.equal(llm.attributes['raw.bytes'], Buffer.from([0, 1, 2, 250, 255]).toString('base64'));
    assert.equal((llm.attributes['long.text'] as string).length, 70_000);
    assert.equal(llm.attributes['otel.span.kind'], 'CLIENT');
    assert.deepEqual(JSON.parse(JSON.stringify(llm.attributes['map.value'])), { a: 'x', b: 2, c: [1, 'two'], d: { e: true } });
    assert.match(JSON.stringify(llm.attributes['deep.value']), /nested too deeply/);
    assert.equal(llm.resource?.['service.name'], 'agent');
    assert.deepEqual(llm.scope, { name: 'agent-lib', version: '0.9.0' });
    const tool = spans.find((s) => s.kind === 'tool')!;
    assert.equal(tool.status, 'error');
    assert.equal(tool.exception?.type, 'TimeoutError');
    // Links are kept (both paths; the first test checks they agree), not dropped or only counted.
    assert.equal(tool.links?.length, 1);
    assert.equal(tool.links[0].spanId, llm.spanId);
    assert.equal(tool.links[0].traceId, llm.traceId);
    assert.equal(tool.links[0].attributes['link.kind'], 'follows');
    assert.deepEqual(tool.scope, { name: 'bare', version: undefined });
    const guard = spans.find((s) => s.kind === 'guard')!;
    assert.deepEqual(guard.guards, [{ name: 'cites_policy', passed: false, action: 'fallback', reason: undefined }]);
    assert.equal(guard.feedback?.[0].label, 'negative');
  });

  it('is detected by content in importBytes, whatever the file is called', () => {
    assert.equal(looksLikeOtlpProtobuf(PROTO), true);
    const r = importBytes(PROTO, 'trace.json');
    assert.equal(r.format, 'otlp-protobuf');
    assert.equal(r.spans.length, SPANS.length);
    for (const text of ['{"resourceSpans":[]}', '\n{"resourceSpans":[]}\n', '\n\n[1]', '\uFEFF{}', '  {}', 'hello', '']) {
      assert.equal(looksLikeOtlpProtobuf(Buffer.from(text)), false, JSON.stringify(text));
    }
    assert.equal(looksLikeOtlpProtobuf(JSON_BYTES), false);
  });

  it('reads the collector file exporter proto stream (4-byte length before each message)', () => {
    const a = ProtobufTraceSerializer.serializeRequest(SPANS.slice(0, 3))!;
    const b = ProtobufTraceSerializer.serializeRequest(SPANS.slice(3))!;
    const frame = (m: Uint8Array): Buffer =>
      Buffer.concat([Buffer.from([m.length >>> 24, (m.length >>> 16) & 255, (m.length >>> 8) & 255, m.length & 255]), m]);
    const stream = Buffer.concat([frame(a), frame(b)]);
    assert.equal(looksLikeOtlpProtobuf(stream), true);
    const r = importBytes(stream, 'traces.pb');
    assert.equal(r.format, 'otlp-protobuf');
    assert.deepStrictEqual(
      model(r).sort((x, y) => x.spanId.localeCompare(y.spanId)),
      model(importOtlpProtobuf(PROTO)).sort((x, y) => x.spanId.localeCompare(y.spanId)),
    );
    const cut = importOtlpProtobuf(stream.subarray(0, stream.length - 10));
    assert.ok(cut.diagnostics.some((d) => d.code === 'protobuf.truncated'));
    assert.ok(cut.spans.length >= 3 && cut.spans.length < SPANS.length);
  });

  it('a byte range points at a resource_spans entry that reads on its own', () => {
    const r = importOtlpProtobuf(PROTO);
    for (const s of r.spans) {
      const again = importOtlpProtobuf(PROTO.subarray(s.range!.byteStart, s.range!.byteEnd));
      const same = again.spans.find((x) => x.spanId === s.spanId);
      assert.ok(same, s.name);
      assert.deepStrictEqual(
        { ...same, range: undefined, parentId: undefined, detachedParentId: undefined },
        {
          ...s,
          range: undefined,
          parentId: undefined,
          detachedParentId: undefined,
        },
      );
    }
  });

  it('truncated at every byte: no throw, every span read is whole and correct, and the cut is reported', () => {
    const full = byKey(importOtlpProtobuf(SMALL).spans);
    // A cut exactly between two resource_spans entries leaves a valid, shorter message: protobuf
    // has no end marker, so those cuts cannot be told from a complete file.
    const boundaries = new Set<number>();
    for (const r = new ProtoReader(SMALL); !r.done; boundaries.add(r.pos)) r.skip(r.tag().wire);
    assert.ok(boundaries.size >= 2);
    let kept = 0;
    for (let n = 1; n < SMALL.length; n++) {
      const r = importOtlpProtobuf(SMALL.subarray(0, n));
      assert.equal(
        r.diagnostics.some((d) => d.code === 'protobuf.truncated' && typeof d.offset === 'number'),
        !boundaries.has(n),
        `cut at ${n}: ${JSON.stringify(r.diagnostics)}`,
      );
      for (const s of r.spans) {
        const want = full.get(`${s.traceId}/${s.spanId}`);
        assert.ok(want, `cut at ${n}: unexpected span ${s.spanId}`);
        if (n % 5 !== 0) continue; // a deep comparison at every fifth cut keeps this test quick
        // Parents may be cut off (detached) and the entry's byte range ends at the cut.
        const strip = (x: Span): object => ({ ...x, parentId: undefined, detachedParentId: undefined, range: undefined });
        assert.deepStrictEqual(strip(s), strip(want));
      }
      kept += r.spans.length;
    }
    assert.ok(kept > 0);
  });

  it('a corrupt span is skipped with a located diagnostic; its siblings are kept', () => {
    // Hand-built: one resource_spans, one scope_spans, three spans; the middle one holds a field
    // with wire type 7 (invalid).
    const span = (id: number, extra: number[] = []): number[] =>
      msg([
        ...field(1, 2, bytes(16, 0xab)),
        ...field(2, 2, bytes(8, id)),
        ...field(5, 2, str(`s${id}`)),
        ...fixed64(7, 1000n + BigInt(id)),
        ...extra,
      ]);
    const spans = [span(1), span(2, [(9 << 3) | 7, 0]), span(3)];
    const scope = msg(spans.flatMap((s) => field(2, 2, s)));
    const rs = msg(field(2, 2, scope));
    const req = new Uint8Array(field(1, 2, rs));
    const r = importOtlpProtobuf(req);
    assert.deepEqual(
      r.spans.map((s) => s.name),
      ['s1', 's3'],
    );
    const d = r.diagnostics.find((x) => x.code === 'protobuf.corrupt');
    assert.ok(d, JSON.stringify(r.diagnostics));
    assert.equal(typeof d.offset, 'number');
    assert.ok(d.offset! > 0 && d.offset! < req.length);
  });

  it('random corruption never throws', () => {
    let seed = 7;
    const rand = (): number => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
    for (let i = 0; i < 400; i++) {
      const copy = Uint8Array.from(SMALL);
      for (let j = 0; j < 1 + (i % 4); j++) copy[Math.floor(rand() * copy.length)] = Math.floor(rand() * 256);
      const r = importOtlpProtobuf(copy);
      assert.ok(Array.isArray(r.spans));
      for (const d of r.diagnostics) assert.ok(d.code && d.message);
    }
  });

  it('decodes 64-bit varints and fixed64 exactly', () => {
    const r = new ProtoReader(new Uint8Array([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]));
    assert.equal(r.int64(), -1n);
    const max = new ProtoReader(new Uint8Array([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f]));
    assert.equal(max.uint64(), 2n ** 63n - 1n);
    const f = new ProtoReader(new Uint8Array([0x15, 0xcd, 0x5b, 0x07, 0x00, 0x00, 0x00, 0x80]));
    assert.equal(f.fixed64(), 0x80000000075bcd15n);
    // int_value beyond 2^53 keeps its digits, as OTLP JSON's string int64 does.
    const kvl = msg([...field(1, 2, str('big')), ...field(2, 2, msg([(3 << 3) | 0, ...varint(2n ** 60n + 1n)]))]);
    const sp = msg([...field(1, 2, bytes(16, 1)), ...field(2, 2, bytes(8, 2)), ...fixed64(7, 5n), ...field(9, 2, kvl)]);
    const req = new Uint8Array(field(1, 2, msg(field(2, 2, msg(field(2, 2, sp))))));
    assert.equal(importOtlpProtobuf(req).spans[0].attributes.big, (2n ** 60n + 1n).toString());
  });

  it('says what is wrong with empty, compressed or unrelated binary input', () => {
    assert.equal(importOtlpProtobuf(new Uint8Array()).diagnostics[0].code, 'source.empty');
    assert.equal(importOtlpProtobuf(new Uint8Array([0x1f, 0x8b, 8, 0, 0])).diagnostics[0].code, 'protobuf.compressed');
    const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0xff, 0xfe]);
    assert.equal(looksLikeOtlpProtobuf(png), true);
    const r = importBytes(png, 'x.png');
    assert.equal(r.spans.length, 0);
    assert.ok(r.diagnostics.some((d) => d.severity === 'error'));
  });
});

// A minimal protobuf writer for hand-built (and deliberately broken) messages.
function varint(v: bigint | number): number[] {
  let n = BigInt(v);
  const out: number[] = [];
  do {
    let b = Number(n & 0x7fn);
    n >>= 7n;
    if (n > 0n) b |= 0x80;
    out.push(b);
  } while (n > 0n);
  return out;
}
const msg = (body: number[]): number[] => body;
const field = (num: number, wire: number, payload: number[]): number[] => [
  ...varint((num << 3) | wire),
  ...varint(payload.length),
  ...payload,
];
const bytes = (n: number, fill: number): number[] => new Array<number>(n).fill(fill);
const str = (s: string): number[] => [...Buffer.from(s)];
function fixed64(num: number, v: bigint): number[] {
  const b = Buffer.alloc(8);
  b.writeBigUInt64LE(v);
  return [...varint((num << 3) | 1), ...b];
}
