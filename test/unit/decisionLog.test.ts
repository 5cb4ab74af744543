// TraceLens decision log: the documented format, its JSON Schema, the examples in the doc, and
// the demo's decision-log rendering, which must read as the same runs as the demo's OTLP trace.

import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import { importRecords } from '../../src/core/formats/importRecords';
import type { ImportResult } from '../../src/core/formats/importResult';
import type { Span } from '../../src/core/model/span';
import { importBytes } from '../../src/ingest/importFile';
import { renderDecisionLog, SOURCE } from '../../examples/support-agent/src/writeDecisionLog';

const ROOT = path.resolve(__dirname, '../..');
const DOC = fs.readFileSync(path.join(ROOT, 'docs/decision-log.md'), 'utf8');
const SCHEMA = JSON.parse(fs.readFileSync(path.join(ROOT, 'docs/decision-log.schema.json'), 'utf8')) as object;
const TRACES = path.join(ROOT, 'examples/support-agent/traces');
const FIXTURE = path.join(TRACES, 'support-agent.decisions.jsonl');

/** Import JSON Lines text (objects are written one per line). */
function jsonl(...records: unknown[]): ImportResult {
  const text = records.map((r) => (typeof r === 'string' ? r : JSON.stringify(r))).join('\n');
  return importBytes(Buffer.from(text), 'x.decisions.jsonl');
}

/** As JSON sees it: undefined members and null prototypes do not count. */
const plain = (v: unknown): unknown =>
  JSON.parse(JSON.stringify(v ?? null, (_k, x: unknown) => (typeof x === 'bigint' ? x.toString() : x)));
const rec = (fields: Record<string, unknown>): Record<string, unknown> => ({ schema: 'tracelens.decision/v1', run_id: 'r1', ...fields });
const byId = (r: ImportResult): Map<string, Span> => new Map(r.spans.map((s) => [s.spanId, s]));
const codeBlock = (lang: string): string => {
  const m = new RegExp('```' + lang + '\\n([\\s\\S]*?)```').exec(DOC);
  assert.ok(m, `docs/decision-log.md has a ${lang} block`);
  return m[1];
};

describe('TraceLens decision log', () => {
  describe('the demo rendering', () => {
    const otlp = importBytes(fs.readFileSync(path.join(TRACES, 'support-agent.otlp.jsonl')), 'support-agent.otlp.jsonl');
    const dec = importBytes(fs.readFileSync(FIXTURE), 'support-agent.decisions.jsonl');

    it('is up to date with the OTLP trace it renders', () => {
      assert.ok(
        fs.readFileSync(FIXTURE, 'utf8') === renderDecisionLog(fs.readFileSync(SOURCE)),
        'support-agent.decisions.jsonl is stale: run `npx tsx examples/support-agent/src/writeDecisionLog.ts` after regenerating the demo traces',
      );
    });

    it('imports cleanly as a decision log', () => {
      assert.equal(dec.format, 'tracelens-decisions');
      assert.deepEqual(dec.diagnostics, []);
      assert.equal(new Set(dec.spans.map((s) => s.traceId)).size, 7);
    });

    it('holds the same steps as the OTLP trace: ids, times, kinds, names and everything a decision carries', () => {
      assert.equal(dec.spans.length, otlp.spans.length);
      const want = byId(otlp);
      for (const s of dec.spans) {
        const o = want.get(s.spanId);
        assert.ok(o, `step ${s.spanId} is a span of the OTLP trace`);
        const what = `${s.name} ${s.spanId}`;
        assert.equal(s.traceId, o.traceId, what);
        assert.equal(s.name, o.name, what);
        assert.equal(s.kind, o.kind, what);
        assert.equal(s.startNs, o.startNs, what);
        assert.equal(s.endNs, o.endNs, what);
        assert.equal(s.status, o.status, what);
        assert.equal(s.service, o.service, what);
        for (const f of [
          'model',
          'usage',
          'inputMessages',
          'outputMessages',
          'toolCalls',
          'tool',
          'documents',
          'template',
          'code',
          'guards',
          'feedback',
        ] as const) {
          if (f === 'documents' && o.documents) {
            // The dataset is split out of the metadata into namespace/name; the rest is the same.
            assert.deepEqual(
              plain(
                s.documents?.map(({ metadata, ...d }) => ({
                  ...d,
                  meta: { ...metadata, 'dataset.namespace': undefined, 'dataset.name': undefined },
                })),
              ),
              plain(o.documents.map(({ metadata, ...d }) => ({ ...d, meta: { ...metadata, 'source.dataset': undefined } }))),
              what,
            );
            continue;
          }
          assert.deepEqual(plain(s[f]), plain(o[f]), `${what}: ${f}`);
        }
        if (o.kind !== 'llm') {
          assert.equal(s.input, o.input, what);
          assert.equal(s.output, o.output, what);
        }
        assert.equal(s.sessionId, o.sessionId, what);
        assert.equal(s.userId, o.userId, what);
        assert.deepEqual(plain(s.exception), plain(o.exception), what);
        // The one structural difference: a tool run is the child of the model call that asked for it.
        if (o.kind === 'tool') assert.equal(dec.spans.find((x) => x.spanId === s.parentId)?.kind, 'llm', what);
        else assert.equal(s.parentId, o.parentId, what);
      }
    });

    it('names the dataset each retrieved document came from', () => {
      const docs = dec.spans.flatMap((s) => s.documents ?? []);
      assert.ok(docs.length > 0);
      for (const d of docs) {
        assert.equal(d.metadata?.['dataset.namespace'], 's3://acme-policies');
        assert.equal(d.metadata?.['dataset.name'], 'policy-docs');
      }
    });

    it('every record is valid against the JSON Schema', () => {
      const validate = new Ajv2020({ strict: false, allErrors: true }).compile(SCHEMA);
      const lines = fs.readFileSync(FIXTURE, 'utf8').trimEnd().split('\n');
      for (const [i, line] of lines.entries()) assert.ok(validate(JSON.parse(line)), `line ${i + 1}: ${JSON.stringify(validate.errors)}`);
    });
  });

  describe('the documentation', () => {
    it('the example record is valid against the schema and imports', () => {
      const text = codeBlock('json').replace(/\n\s*/g, '');
      const validate = new Ajv2020({ strict: false }).compile(SCHEMA);
      assert.ok(validate(JSON.parse(text)), JSON.stringify(validate.errors));
      const r = jsonl(text);
      assert.deepEqual(
        r.diagnostics.filter((d) => d.code !== 'span.missingParent'),
        [],
      );
      const s = r.spans.find((x) => x.spanId === 'answer')!;
      assert.equal(s.kind, 'llm');
      assert.equal(s.template?.path, 'prompts/answer.prompt.md');
      assert.equal(r.spans.length, 4); // the decision, its retrieval, its tool call, its guard
    });

    it('the schema rejects what the format does not allow', () => {
      const validate = new Ajv2020({ strict: false }).compile(SCHEMA);
      assert.equal(validate({ run_id: 'r', step_id: 's' }), false, 'schema marker required');
      assert.equal(validate(rec({ step_id: 's', kind: 'robot' })), false);
      assert.equal(validate(rec({ step_id: 's', guards: [{ name: 'g' }] })), false, 'passed required');
      assert.equal(validate(rec({ step_id: 's', start: 'yesterday' })), false);
      assert.equal(validate(rec({ step_id: 's', extra: 1 })), true, 'unknown fields are allowed (kept as attributes)');
    });

    const run = (cmd: string, args: string[], cwd: string): void => {
      execFileSync(cmd, args, { cwd, stdio: 'pipe', timeout: 30_000 });
    };

    it('the Python example writes a log TraceLens reads', function () {
      try {
        execFileSync('python3', ['--version'], { stdio: 'pipe' });
      } catch {
        this.skip();
      }
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tracelens-py-'));
      try {
        fs.writeFileSync(path.join(dir, 'example.py'), codeBlock('python'));
        run('python3', ['example.py'], dir);
        const r = importBytes(fs.readFileSync(path.join(dir, 'agent.decisions.jsonl')), 'agent.decisions.jsonl');
        assert.deepEqual(r.diagnostics, []);
        const [s] = r.spans;
        assert.equal(s.kind, 'llm');
        assert.deepEqual(s.model, { provider: 'openai', requested: 'gpt-4o' });
        assert.ok(s.startNs > BigInt(Number.MAX_SAFE_INTEGER) && s.endNs >= s.startNs);
        assert.equal(s.startNs % 1000n !== 0n || s.startNs > 0n, true);
        assert.equal(s.code?.line, 9);
        assert.equal(s.outputMessages?.[0].content, 'You can return it within 30 days.');
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });

    it('the TypeScript example writes a log TraceLens reads', () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tracelens-ts-'));
      try {
        fs.writeFileSync(path.join(dir, 'example.ts'), codeBlock('ts'));
        run(process.execPath, [path.join(ROOT, 'node_modules/tsx/dist/cli.mjs'), 'example.ts'], dir);
        const r = importBytes(fs.readFileSync(path.join(dir, 'agent.decisions.jsonl')), 'agent.decisions.jsonl');
        assert.deepEqual(r.diagnostics, []);
        const s = r.spans.find((x) => x.kind === 'llm')!;
        const tool = r.spans.find((x) => x.kind === 'tool')!;
        assert.equal(tool.parentId, s.spanId);
        assert.deepEqual(tool.tool, {
          id: 'call_1',
          name: 'lookup_order',
          arguments: '{"order_id":"A-4120"}',
          result: '{"status":"delivered"}',
        });
        assert.equal(tool.endNs - tool.startNs, 84_000_000n);
        assert.deepEqual(s.toolCalls, [{ id: 'call_1', name: 'lookup_order', arguments: '{"order_id":"A-4120"}' }]);
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });
  });

  describe('reading records', () => {
    it('is sniffed by its schema marker, or by run_id + step_id', () => {
      assert.equal(jsonl(rec({ step_id: 's' })).format, 'tracelens-decisions');
      assert.equal(jsonl({ run_id: 7, step_id: 1 }).format, 'tracelens-decisions');
      const arr = importRecords([
        { text: JSON.stringify([rec({ step_id: 'a' }), rec({ step_id: 'b', parent_step_id: 'a' })]), line: 1, byteStart: 0, byteEnd: 10 },
      ]);
      assert.equal(arr.format, 'tracelens-decisions');
      assert.deepEqual(
        arr.spans.map((s) => [s.spanId, s.parentId]),
        [
          ['a', undefined],
          ['b', 'a'],
        ],
      );
    });

    it('infers the kind and the name', () => {
      const r = byId(
        jsonl(
          rec({ step_id: 'root', agent: { name: 'support', id: 'ag-1', version: '2' } }),
          rec({ step_id: 'llm', parent_step_id: 'root', model: 'gpt-4o', operation: 'chat' }),
          rec({ step_id: 'plain', parent_step_id: 'root' }),
          rec({ step_id: 'oi', parent_step_id: 'root', attributes: { 'openinference.span.kind': 'RERANKER' } }),
          rec({ step_id: 'explicit', parent_step_id: 'root', kind: 'EVALUATOR', name: 'judge' }),
        ),
      );
      assert.equal(r.get('root')?.kind, 'agent');
      assert.equal(r.get('root')?.name, 'support');
      assert.equal(r.get('root')?.attributes['gen_ai.agent.id'], 'ag-1');
      assert.equal(r.get('llm')?.kind, 'llm');
      assert.equal(r.get('llm')?.name, 'chat gpt-4o');
      assert.equal(r.get('plain')?.kind, 'chain');
      assert.equal(r.get('oi')?.kind, 'reranker');
      assert.equal(r.get('explicit')?.kind, 'evaluator');
      assert.equal(r.get('explicit')?.name, 'judge');
    });

    it('reads every time form exactly, and warns about lossy ones', () => {
      const r = jsonl(
        rec({ step_id: 'iso', start: '2026-11-03T10:00:00.123456789+02:00', end: '2026-11-03T08:00:01Z' }),
        '{"schema":"tracelens.decision/v1","run_id":"r1","step_id":"ns","start_ns":1793696531250400123,"end_ns":"1793696531250400999"}',
        rec({ step_id: 'digits', start: '1793696531250400123', duration_ms: 1.5 }),
        rec({ step_id: 'number', start: 1793696531250400000 }),
        rec({ step_id: 'none' }),
      );
      const s = byId(r);
      assert.equal(s.get('iso')?.startNs, 1_793_692_800_123_456_789n);
      assert.equal(s.get('iso')?.endNs, 1_793_692_801_000_000_000n);
      assert.equal(s.get('ns')?.startNs, 1_793_696_531_250_400_123n);
      assert.equal(s.get('ns')?.endNs, 1_793_696_531_250_400_999n);
      assert.equal(s.get('digits')!.endNs - s.get('digits')!.startNs, 1_500_000n);
      assert.ok(r.diagnostics.some((d) => d.code === 'decision.field' && /start is a number/.test(d.message) && d.line === 4));
      assert.ok(r.diagnostics.some((d) => d.code === 'decision.noTime' && d.line === 5));
    });

    it('maps messages, template, model, tokens, cost, code and free attributes', () => {
      const [s] = jsonl(
        rec({
          step_id: 'a',
          model: { provider: 'anthropic', name: 'claude-x', version: 'claude-x-2026' },
          parameters: { temperature: 0.2, max_tokens: 300 },
          messages: [
            { role: 'system', content: [{ type: 'text', text: 'Be brief.' }] },
            {
              role: 'assistant',
              content: null,
              tool_calls: [{ id: 't1', type: 'function', function: { name: 'f', arguments: '{"x":1}' } }],
            },
            { role: 'tool', tool_call_id: 't1', content: '{"y":2}' },
            { role: 'user', parts: [{ type: 'text', content: 'parts form' }] },
          ],
          template: { name: 'answer', version: 4, path: 'prompts/a.md', text: 'Hi {{who}}', variables: { who: 'you', n: 3 } },
          output_messages: [{ role: 'assistant', content: 'Done.', finish_reason: 'stop' }],
          output: { structured: true },
          tokens: { input: 10, output: 2, cache_read: 4, cache_write: 1, reasoning: 3, total: 12 },
          cost: 0.25,
          code: {
            file: 'a.py',
            line: 3,
            column: 5,
            function: 'f',
            namespace: 'pkg',
            repository: 'https://x.invalid/r.git',
            revision: 'abc',
          },
          attributes: { 'gen_ai.request.model': 'ignored-model', tier: 'gold', nested: { a: [1, 2] } },
          session_id: 'sess',
          user_id: 'user',
          service: 'svc',
        }),
      ).spans;
      assert.deepEqual(s.model, { provider: 'anthropic', requested: 'claude-x', returned: 'claude-x-2026' });
      assert.equal(s.attributes['gen_ai.request.temperature'], 0.2);
      assert.deepEqual(
        s.inputMessages?.map((m) => [m.role, m.content, m.toolCallId, m.toolCalls?.[0]?.name]),
        [
          ['system', 'Be brief.', undefined, undefined],
          ['assistant', '', undefined, 'f'],
          ['tool', '{"y":2}', 't1', undefined],
          ['user', 'parts form', undefined, undefined],
        ],
      );
      assert.deepEqual(plain(s.template), {
        name: 'answer',
        version: '4',
        path: 'prompts/a.md',
        text: 'Hi {{who}}',
        variables: { who: 'you', n: '3' },
      });
      assert.deepEqual(s.outputMessages, [{ role: 'assistant', content: 'Done.', finishReason: 'stop' }]);
      assert.equal(s.output, '{"structured":true}');
      assert.deepEqual(s.usage, { input: 10, output: 2, cacheRead: 4, cacheWrite: 1, reasoning: 3, total: 12 });
      assert.equal(s.cost, 0.25);
      assert.deepEqual(s.code, {
        file: 'a.py',
        line: 3,
        column: 5,
        function: 'f',
        namespace: 'pkg',
        repository: 'https://x.invalid/r.git',
        revision: 'abc',
      });
      assert.equal(s.attributes.tier, 'gold');
      assert.deepEqual(JSON.parse(JSON.stringify(s.attributes.nested)), { a: [1, 2] });
      assert.equal(s.sessionId, 'sess');
      assert.equal(s.userId, 'user');
      assert.equal(s.service, 'svc');
      assert.equal(s.resource?.['service.name'], 'svc');
    });

    it('makes tool calls, a retrieval and guard checks child spans laid out in time', () => {
      const r = jsonl(
        rec({
          step_id: 'd',
          model: 'm',
          start: '2026-01-01T00:00:00Z',
          end: '2026-01-01T00:00:10Z',
          output: 'ok',
          retrieval: {
            query: 'q',
            latency_ms: 100,
            documents: [{ id: 1, uri: 'u', score: 0.5, content: 'c', metadata: { k: 'v' }, dataset: { namespace: 'ns', name: 'n' } }],
          },
          tools: [
            { id: 'c1', name: 'a', arguments: { x: 1 }, result: 'r', latency_ms: 200 },
            {
              id: 'c2',
              name: 'b',
              step_id: 'own-id',
              start: '2026-01-01T00:00:05Z',
              end: '2026-01-01T00:00:06Z',
              error: { type: 'E', message: 'failed' },
            },
          ],
          guards: [
            { name: 'g1', passed: true, latency_ms: 10 },
            { name: 'g2', passed: false, action: 'fallback', reason: 'why', input: 'draft', output: 'safe', latency_ms: 20 },
          ],
        }),
      );
      const s = byId(r);
      const t0 = 1_767_225_600_000_000_000n;
      const ms = 1_000_000n;
      const d = s.get('d')!;
      assert.deepEqual(d.toolCalls, [
        { id: 'c1', name: 'a', arguments: '{"x":1}' },
        { id: 'c2', name: 'b' },
      ]);
      assert.deepEqual(d.outputMessages?.[0].content, 'ok');
      const ret = s.get('d.retrieval')!;
      assert.equal(ret.kind, 'retriever');
      assert.equal(ret.parentId, 'd');
      assert.equal(ret.input, 'q');
      assert.deepEqual([ret.startNs, ret.endNs], [t0, t0 + 100n * ms]);
      assert.deepEqual(JSON.parse(JSON.stringify(ret.documents)), [
        { id: '1', uri: 'u', score: 0.5, content: 'c', metadata: { k: 'v', 'dataset.namespace': 'ns', 'dataset.name': 'n' } },
      ]);
      const a = s.get('d.tool.0')!;
      assert.equal(a.name, 'execute_tool a');
      assert.deepEqual([a.startNs, a.endNs], [t0 + 100n * ms, t0 + 300n * ms]);
      assert.deepEqual(a.tool, { id: 'c1', name: 'a', arguments: '{"x":1}', result: 'r' });
      const b = s.get('own-id')!;
      assert.equal(b.status, 'error');
      assert.deepEqual(plain(b.exception), { type: 'E', message: 'failed' });
      assert.deepEqual([b.startNs, b.endNs], [t0 + 5000n * ms, t0 + 6000n * ms]);
      const g1 = s.get('d.guard.0')!;
      const g2 = s.get('d.guard.1')!;
      assert.deepEqual([g2.startNs, g2.endNs], [t0 + 9980n * ms, t0 + 10_000n * ms], 'guards laid out back from the end');
      assert.deepEqual([g1.startNs, g1.endNs], [t0 + 9970n * ms, t0 + 9980n * ms]);
      assert.deepEqual(g2.guards, [{ name: 'g2', passed: false, action: 'fallback', reason: 'why' }]);
      assert.equal(g2.input, 'draft');
      assert.equal(g2.output, 'safe');
      assert.equal(g2.kind, 'guard');
    });

    it('a tool, retriever or guard record with one entry is that step itself', () => {
      const s = byId(
        jsonl(
          rec({ step_id: 't', kind: 'tool', tools: [{ name: 'lookup', arguments: 'x', result: 'y' }] }),
          rec({ step_id: 'r', kind: 'retriever', retrieval: { query: 'q', documents: [{ id: 'd' }] } }),
          rec({ step_id: 'g', kind: 'guard', guards: [{ name: 'pii', passed: false, action: 'redact', input: 'a', output: 'b' }] }),
        ),
      );
      assert.equal(s.size, 3, 'no child spans');
      assert.deepEqual(s.get('t')?.tool, { name: 'lookup', arguments: 'x', result: 'y' });
      assert.deepEqual(s.get('r')?.documents, [{ id: 'd' }]);
      assert.equal(s.get('r')?.input, 'q');
      assert.deepEqual(s.get('g')?.guards, [{ name: 'pii', passed: false, action: 'redact' }]);
      assert.equal(s.get('g')?.output, 'b');
    });

    it('feedback and errors become events, as OpenTelemetry carries them', () => {
      const [s] = jsonl(
        rec({
          step_id: 'a',
          start: '2026-01-01T00:00:00Z',
          end: '2026-01-01T00:00:01Z',
          error: 'it broke',
          feedback: [
            { name: 'thumbs', score: -1, label: 'negative', comment: 'no', source: 'user', time: '2026-01-01T00:05:00Z' },
            { score: 4 },
          ],
        }),
      ).spans;
      assert.equal(s.status, 'error');
      assert.equal(s.statusMessage, 'it broke');
      assert.deepEqual(plain(s.exception), { message: 'it broke' });
      assert.deepEqual(s.feedback, [{ name: 'thumbs', score: -1, label: 'negative', comment: 'no', source: 'user' }, { score: 4 }]);
      assert.deepEqual(
        s.events.map((e) => [e.name, e.timeNs]),
        [
          ['exception', 1_767_225_601_000_000_000n],
          ['tracelens.feedback', 1_767_225_900_000_000_000n],
          ['tracelens.feedback', 1_767_225_601_000_000_000n],
        ],
      );
    });

    it('keeps unknown fields, reports bad ones with their line, and never loses the other records', () => {
      const r = jsonl(
        rec({ step_id: 'a', mood: 'happy', plan: { steps: 3 } }),
        rec({ step_id: 'b', mood: 'sad' }),
        rec({ step_id: 'c', kind: 42, tokens: 'many', tools: {}, model: ['x'], guards: [{ name: 'g' }], template: 'x', status: 'meh' }),
        '{"schema":"tracelens.decision/v1","run_id":"r1"}',
        '{"schema":"tracelens.decision/v1","run_id":"r1","step_id":"trunc',
        rec({ schema: 'tracelens.decision/v2', step_id: 'future', new_thing: 1 }),
        rec({ step_id: 'proto', __proto__: { polluted: true }, attributes: { __proto__: { polluted: true } } }),
      );
      const s = byId(r);
      assert.deepEqual([...s.keys()].sort(), ['a', 'b', 'c', 'future', 'proto']);
      assert.equal(s.get('a')?.attributes['tracelens.decision.mood'], 'happy');
      assert.deepEqual(JSON.parse(JSON.stringify(s.get('a')?.attributes['tracelens.decision.plan'])), { steps: 3 });
      const codes = r.diagnostics.map((d) => `${d.code}@${d.line}`);
      assert.equal(codes.filter((c) => c === 'decision.unknownField@1').length, 2, 'mood and plan, once each');
      assert.ok(!codes.includes('decision.unknownField@2'), 'reported once per file');
      assert.ok(r.diagnostics.filter((d) => d.code === 'decision.field' && d.line === 3).length >= 6, JSON.stringify(codes));
      assert.ok(codes.includes('decision.noId@4'));
      assert.ok(codes.includes('json.truncated@5'));
      assert.ok(codes.includes('decision.schemaVersion@6'));
      assert.equal(s.get('future')?.attributes['tracelens.decision.new_thing'], 1);
      assert.equal(({} as Record<string, unknown>).polluted, undefined);
      assert.equal(s.get('c')?.kind, 'chain');
    });
  });
});
