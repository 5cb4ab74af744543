// `tracelens convert --to otlp-json`: for every file TraceLens reads spans from — the shared corpus
// (all folders but db-schemas) and the demo traces — import → convert → import gives the same model.
// Formats without an importer yet import no spans and join this test on their own once they do.

import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { PassThrough } from 'node:stream';
import { toOtlpJsonLines } from '../../src/core/formats/toOtlpJson';
import type { Diagnostic } from '../../src/core/model/diagnostic';
import type { Attributes, Message, Span } from '../../src/core/model/span';
import { ConvertError, convertFile } from '../../src/cli/convert';
import { importBytes } from '../../src/ingest/importFile';

const CORPUS = process.env.TRACELENS_CORPUS ?? path.resolve(__dirname, '../../../shared/corpus');
const DEMO = path.resolve(__dirname, '../../examples/support-agent/traces');

function corpusFiles(): string[] {
  if (!fs.existsSync(CORPUS)) return [];
  const out: string[] = [];
  for (const dir of fs.readdirSync(CORPUS, { withFileTypes: true })) {
    if (!dir.isDirectory() || dir.name === 'db-schemas') continue;
    const walk = (d: string): void => {
      for (const e of fs.readdirSync(d, { withFileTypes: true })) {
        const p = path.join(d, e.name);
        if (e.isDirectory()) walk(p);
        else out.push(p);
      }
    };
    walk(path.join(CORPUS, dir.name));
  }
  return out.sort();
}

const demoFiles = (): string[] =>
  fs
    .readdirSync(DEMO)
    .filter((f) => f.endsWith('.jsonl'))
    .map((f) => path.join(DEMO, f))
    .sort();

const messages = (ms: Message[] | undefined): unknown =>
  ms?.map((m) => ({
    role: m.role,
    content: m.content,
    name: m.name,
    toolCallId: m.toolCallId,
    finishReason: m.finishReason,
    toolCalls: m.toolCalls,
  }));

/** The model as the views see it, independent of the converter's own bookkeeping. */
function projection(s: Span): unknown {
  const p = {
    parent: s.parentId,
    detachedParent: s.detachedParentId,
    name: s.name,
    kind: s.kind,
    start: s.startNs,
    end: s.endNs,
    status: s.status,
    statusMessage: s.statusMessage,
    service: s.service,
    sessionId: s.sessionId,
    userId: s.userId,
    operation: s.operation,
    model: s.model,
    usage: s.usage,
    cost: s.cost,
    inputMessages: messages(s.inputMessages),
    outputMessages: messages(s.outputMessages),
    toolCalls: s.toolCalls,
    tool: s.tool,
    documents: s.documents,
    template: s.template,
    code: s.code,
    guards: s.guards,
    feedback: s.feedback,
    exception: s.exception,
    input: s.input,
    output: s.output,
  };
  return JSON.parse(JSON.stringify(p, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v)));
}

/** How many spans a file imports (0 when its format has no importer yet). */
function spanCount(file: string): number {
  try {
    return importBytes(fs.readFileSync(file), path.basename(file)).spans.length;
  } catch {
    return 0;
  }
}

const key = (s: Span): string => `${s.traceId}\u0000${s.spanId}`;

/** Every raw attribute of `before` is in `after` with the same value, or shadowed under tracelens.shadowed.*. */
function assertKept(before: Attributes, after: Attributes, what: string): void {
  for (const [k, v] of Object.entries(before)) {
    const back = k in after ? after[k] : after[`tracelens.shadowed.${k}`];
    assert.deepEqual(JSON.parse(JSON.stringify(back ?? null)), JSON.parse(JSON.stringify(v)), `${what}: attribute ${k}`);
  }
}

function roundTrip(
  file: string,
  bytes: Uint8Array = fs.readFileSync(file),
): { before: Span[]; after: Span[]; convertDiags: Diagnostic[]; lines: string[] } {
  const before = importBytes(bytes, path.basename(file)).spans;
  const convertDiags: Diagnostic[] = [];
  const lines = toOtlpJsonLines(before, convertDiags);
  const again = importBytes(Buffer.from(lines.join('\n') + '\n'), 'converted.otlp.jsonl');
  assert.deepEqual(
    again.diagnostics.filter((d) => d.severity === 'error'),
    [],
    'the converted output reads without errors',
  );
  assert.equal(again.format, 'otlp-json');
  return { before, after: again.spans, convertDiags, lines };
}

function assertRoundTrip(file: string, bytes?: Uint8Array): void {
  const { before, after, convertDiags, lines } = roundTrip(file, bytes);
  assert.ok(before.length > 0);
  assert.deepEqual(
    convertDiags.filter((d) => d.code === 'convert.lossy'),
    [],
    'nothing reported as lossy',
  );
  assert.equal(after.length, before.length, 'same number of spans');
  const byKey = new Map(after.map((s) => [key(s), s]));
  for (const s of before) {
    const back = byKey.get(key(s));
    assert.ok(back, `span ${s.spanId} of trace ${s.traceId} comes back`);
    assert.deepStrictEqual(projection(back), projection(s), `span ${s.spanId} (${s.name})`);
    assertKept(s.attributes, back.attributes, `span ${s.spanId}`);
    assertKept(s.resource ?? {}, back.resource ?? {}, `resource of span ${s.spanId}`);
    assert.deepEqual(back.scope ?? null, s.scope ?? null);
  }
  for (const line of lines) assert.ok(!line.includes('\n'), 'one export request per line');
}

// Formats with no file in the corpus, written after docs/formats.md (OpenAI Agents SDK export,
// MLflow v3 trace JSON): round-tripped once an importer reads spans from them.
const SYNTHETIC: Record<string, string> = {
  'openai-agents.jsonl': [
    {
      object: 'trace',
      id: 'trace_0123456789abcdef0123456789abcdef',
      workflow_name: 'Support',
      group_id: 'conv-1',
      metadata: { tier: 'gold' },
    },
    {
      object: 'trace.span',
      id: 'span_0123456789abcdef01234567',
      trace_id: 'trace_0123456789abcdef0123456789abcdef',
      parent_id: null,
      started_at: '2026-01-01T00:00:00.000001Z',
      ended_at: '2026-01-01T00:00:05Z',
      span_data: { type: 'agent', name: 'Triage', handoffs: ['Refunds'], tools: ['lookup'], output_type: 'str' },
      error: null,
    },
    {
      object: 'trace.span',
      id: 'span_1123456789abcdef01234567',
      trace_id: 'trace_0123456789abcdef0123456789abcdef',
      parent_id: 'span_0123456789abcdef01234567',
      started_at: '2026-01-01T00:00:01Z',
      ended_at: '2026-01-01T00:00:02Z',
      span_data: {
        type: 'generation',
        input: [{ role: 'user', content: 'Where is A-1?' }],
        output: [
          {
            role: 'assistant',
            content: '',
            tool_calls: [{ id: 'c1', type: 'function', function: { name: 'lookup', arguments: '{"id":"A-1"}' } }],
          },
        ],
        model: 'gpt-4o',
        model_config: { temperature: 0.2 },
        usage: { input_tokens: 12, output_tokens: 5 },
      },
      error: null,
    },
    {
      object: 'trace.span',
      id: 'span_2123456789abcdef01234567',
      trace_id: 'trace_0123456789abcdef0123456789abcdef',
      parent_id: 'span_0123456789abcdef01234567',
      started_at: '2026-01-01T00:00:02Z',
      ended_at: '2026-01-01T00:00:03Z',
      span_data: { type: 'function', name: 'lookup', input: '{"id":"A-1"}', output: '{"status":"delivered"}' },
      error: { message: 'boom', data: { x: 1 } },
    },
    {
      object: 'trace.span',
      id: 'span_3123456789abcdef01234567',
      trace_id: 'trace_0123456789abcdef0123456789abcdef',
      parent_id: 'span_0123456789abcdef01234567',
      started_at: '2026-01-01T00:00:03Z',
      ended_at: '2026-01-01T00:00:04Z',
      span_data: { type: 'guardrail', name: 'no_pii', triggered: true },
      error: null,
    },
  ]
    .map((r) => JSON.stringify(r))
    .join('\n'),
  'mlflow-trace.json': JSON.stringify({
    info: {
      trace_id: 'tr-0123456789abcdef0123456789abcdef',
      request_time: '2026-01-01T00:00:00Z',
      state: 'OK',
      trace_metadata: { 'mlflow.trace_schema.version': '3' },
      tags: { k: 'v' },
      assessments: [
        { assessment_name: 'relevance', feedback: { value: 0.8 }, rationale: 'ok', source: { source_type: 'HUMAN', source_id: 'bob' } },
      ],
    },
    data: {
      spans: [
        {
          trace_id: 'ASNFZ4mrze8BI0VniavN7w==',
          span_id: 'ASNFZ4mrze8=',
          parent_span_id: null,
          name: 'chain',
          start_time_unix_nano: '1767225600000000000',
          end_time_unix_nano: '1767225605000000000',
          status: { code: 'STATUS_CODE_OK', message: '' },
          attributes: { 'mlflow.spanType': '"CHAIN"', 'mlflow.spanInputs': '{"q":"hi"}', 'mlflow.spanOutputs': '"hello"' },
          events: [],
        },
        {
          trace_id: 'ASNFZ4mrze8BI0VniavN7w==',
          span_id: 'q83vASNFZ4k=',
          parent_span_id: 'ASNFZ4mrze8=',
          name: 'llm',
          start_time_unix_nano: '1767225601000000000',
          end_time_unix_nano: '1767225602000000000',
          status: { code: 'STATUS_CODE_ERROR', message: 'bad' },
          attributes: {
            'mlflow.spanType': '"CHAT_MODEL"',
            'mlflow.spanInputs': '{"messages":[{"role":"user","content":"hi"}]}',
            'mlflow.spanOutputs': '{"choices":[{"message":{"role":"assistant","content":"hello"}}]}',
            'mlflow.chat.tokenUsage': '{"input_tokens":3,"output_tokens":1,"total_tokens":4}',
          },
          events: [
            { name: 'exception', time_unix_nano: '1767225602000000000', attributes: { 'exception.type': 'E', 'exception.message': 'bad' } },
          ],
        },
      ],
    },
  }),
};

describe('convert --to otlp-json round trip', () => {
  const files = [...corpusFiles(), ...demoFiles()];
  const covered: string[] = [];
  const withoutSpans: string[] = [];
  for (const file of files) {
    // Decided when the suite is built: files whose format has no importer yet give no spans.
    const spans = spanCount(file);
    const name = file.startsWith(CORPUS) ? `corpus/${path.relative(CORPUS, file)}` : path.relative(path.resolve(__dirname, '../..'), file);
    if (spans === 0) {
      withoutSpans.push(name);
      continue;
    }
    covered.push(name);
    it(`${name}: import → convert → import gives the same model`, () => assertRoundTrip(file));
  }

  for (const [name, text] of Object.entries(SYNTHETIC)) {
    const bytes = Buffer.from(text);
    if (importBytes(bytes, name).spans.length === 0) continue;
    it(`synthetic ${name}: import → convert → import gives the same model`, () => assertRoundTrip(name, bytes));
  }

  it('covers the OTLP corpus and the demo traces (formats without an importer join when they get one)', function () {
    if (!fs.existsSync(CORPUS)) this.skip();
    assert.ok(covered.some((f) => f.endsWith('support-agent.otlp.jsonl')));
    assert.ok(covered.some((f) => f.endsWith('support-agent.decisions.jsonl')));
    assert.ok(covered.filter((f) => f.includes('otlp-json')).length >= 5, covered.join('\n'));
    // Listed for whoever reads the test output: what this round trip does not cover yet.
    if (withoutSpans.length) console.log(`      (no spans imported yet, not round-tripped: ${withoutSpans.length} file(s))`);
  });

  it('converting the converted output changes nothing (a fixed point)', () => {
    const file = path.join(DEMO, 'support-agent.decisions.jsonl');
    const { lines } = roundTrip(file);
    const again = importBytes(Buffer.from(lines.join('\n')), 'a.otlp.jsonl').spans;
    const second = toOtlpJsonLines(again, []);
    assert.deepEqual(second, lines);
  });

  it('writes ids, times as decimal strings and KeyValue attributes; groups spans by resource', () => {
    const { lines } = roundTrip(path.join(DEMO, 'support-agent.decisions.jsonl'));
    const first = JSON.parse(lines[0]) as {
      resourceSpans: { resource: { attributes: unknown[] }; scopeSpans: { spans: Record<string, unknown>[] }[] }[];
    };
    const span = first.resourceSpans[0].scopeSpans[0].spans[0];
    assert.equal(typeof span.startTimeUnixNano, 'string');
    assert.match(span.startTimeUnixNano as string, /^\d+$/);
    assert.ok(Array.isArray(span.attributes));
    const services = lines.map((l) => JSON.stringify((JSON.parse(l) as typeof first).resourceSpans[0].resource));
    assert.equal(new Set(services).size, services.length, 'one line per resource when it fits');
  });

  it('carries fields that came from outside any attribute, and reports what cannot be carried', () => {
    const span: Span = {
      traceId: 'run-7',
      spanId: 'step-1',
      name: 'decide',
      kind: 'llm',
      startNs: 1_793_696_531_250_400_123n,
      endNs: 1_793_696_531_750_400_123n,
      status: 'error',
      statusMessage: 'boom',
      attributes: Object.assign(Object.create(null) as Attributes, { 'gen_ai.request.model': 'stale-model', custom: { a: [1, 2] } }),
      events: [],
      model: { provider: 'acme', requested: 'acme-1', returned: 'acme-1-2026' },
      usage: { input: 10, output: 2, reasoning: 1 },
      cost: 0.5,
      inputMessages: [
        { role: 'system', content: 'Be terse.' },
        { role: 'tool', content: '{"ok":true}', toolCallId: 'c0', name: 'lookup' },
      ],
      outputMessages: [
        {
          role: 'assistant',
          content: '',
          toolCalls: [{ id: 'c1', name: 'refund', arguments: '{"amount":5}' }],
          finishReason: 'tool_calls',
        },
      ],
      toolCalls: [{ id: 'c1', name: 'refund', arguments: '{"amount":5}' }],
      template: { name: 'answer', version: '3', path: 'prompts/answer.md', text: 'Hi {{x}}', variables: { x: '1' } },
      code: { file: 'agent.py', line: 12, function: 'decide', repository: 'https://example.invalid/r.git', revision: 'abc' },
      feedback: [{ score: -1, label: 'negative', comment: 'wrong', source: 'user', name: 'thumbs' }, { score: 1 }],
      exception: { type: 'ValueError', message: 'boom' },
      sessionId: 's',
      userId: 'u',
      input: 'q',
      output: 'a',
      service: 'svc',
    };
    const guard: Span = {
      traceId: 'run-7',
      spanId: 'g',
      parentId: 'step-1',
      name: 'guard x',
      kind: 'guard',
      startNs: 1n,
      endNs: 2n,
      status: 'unset',
      attributes: Object.create(null) as Attributes,
      events: [],
      guards: [{ name: 'x', passed: false, action: 'block' }],
    };
    const twoGuards: Span = { ...guard, spanId: 'g2', guards: [guard.guards![0], { name: 'y', passed: true }] };
    const diags: Diagnostic[] = [];
    const lines = toOtlpJsonLines([span, guard, twoGuards], diags);
    const back = new Map(importBytes(Buffer.from(lines.join('\n')), 'x.jsonl').spans.map((s) => [s.spanId, s]));
    assert.deepStrictEqual(projection(back.get('step-1')!), projection(span));
    assert.deepStrictEqual(projection(back.get('g')!), projection(guard));
    assert.equal(back.get('step-1')!.attributes['tracelens.shadowed.gen_ai.request.model'], 'stale-model');
    assert.ok(diags.some((d) => d.code === 'convert.shadowed'));
    // One span has room for one guard result: the second is reported, not silently dropped.
    const lossy = diags.filter((d) => d.code === 'convert.lossy');
    assert.equal(lossy.length, 1, JSON.stringify(diags));
    assert.match(lossy[0].message, /guards/);
  });

  describe('the CLI command', () => {
    let dir: string;
    beforeEach(() => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tracelens-convert-'));
    });
    afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

    it('writes to --out, or to stdout', async () => {
      const input = path.join(DEMO, 'support-agent.otlp.jsonl');
      const out = path.join(dir, 'out.otlp.jsonl');
      const r = await convertFile(input, { to: 'otlp-json', out });
      assert.equal(r.spans, 54);
      const text = fs.readFileSync(out, 'utf8');
      assert.equal(text.trimEnd().split('\n').length, r.lines);
      assert.deepEqual(fs.readdirSync(dir), ['out.otlp.jsonl'], 'no temporary file left behind');
      const sink = new PassThrough();
      const chunks: Buffer[] = [];
      sink.on('data', (c: Buffer) => chunks.push(c));
      await convertFile(input, { to: 'otlp-json' }, sink);
      assert.equal(Buffer.concat(chunks).toString('utf8'), text);
    });

    it('never writes over its input, by path or through a link', async () => {
      const input = path.join(dir, 'in.otlp.jsonl');
      fs.copyFileSync(path.join(DEMO, 'support-agent.otlp.jsonl'), input);
      const before = fs.readFileSync(input);
      fs.linkSync(input, path.join(dir, 'hard.jsonl'));
      fs.symlinkSync(input, path.join(dir, 'soft.jsonl'));
      for (const out of [input, path.join(dir, '.', 'in.otlp.jsonl'), path.join(dir, 'hard.jsonl'), path.join(dir, 'soft.jsonl')]) {
        await assert.rejects(convertFile(input, { to: 'otlp-json', out }), ConvertError, out);
      }
      assert.deepEqual(fs.readFileSync(input), before);
    });
  });
});
