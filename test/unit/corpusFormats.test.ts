// Real-world files from ../shared/corpus/{langsmith,langfuse,jaeger-json,zipkin-v2,agentops}
// against a table computed INDEPENDENTLY of our importers: test/support/corpus_expected_formats.py
// walks the raw JSON with the Python standard library per docs/formats.md and writes
// test/fixtures/corpusExpectedFormats.json. Regenerate with
// `python3 test/support/corpus_expected_formats.py` when the corpus changes on purpose.
// TRACELENS_CORPUS overrides the corpus location; the suite skips when it is absent.

import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Span } from '../../src/core/model/span';
import { spanKey } from '../../src/core/trace/normalizeTrees';
import { summarize } from '../../src/core/trace/summary';
import { importFile } from '../../src/ingest/importFile';

const FOLDERS = ['langsmith', 'langfuse', 'jaeger-json', 'zipkin-v2', 'agentops'];
const CORPUS = process.env.TRACELENS_CORPUS
  ? path.resolve(process.env.TRACELENS_CORPUS)
  : path.resolve(__dirname, '../../../shared/corpus');
const REPO = path.resolve(__dirname, '../..');
const TABLE_FILE = path.join(REPO, 'test/fixtures/corpusExpectedFormats.json');
const REGENERATE = 'rerun `python3 test/support/corpus_expected_formats.py` if the corpus changed on purpose';

interface Expected {
  format: string;
  traces: number;
  spans: number;
  errorSpans: number;
  llmSpans: number;
  inputTokens: number;
  outputTokens: number;
  rawSpans: number;
  bytes: number;
  sha256: string;
  diagnostic?: string;
}

const table = (JSON.parse(fs.readFileSync(TABLE_FILE, 'utf8')) as { files: Record<string, Expected> }).files;
const corpusPresent = FOLDERS.every((f) => fs.existsSync(path.join(CORPUS, f)));

function checkIntegrity(rel: string, spans: Span[], bytes: number): void {
  const byKey = new Map(spans.map((s) => [spanKey(s.traceId, s.spanId), s]));
  assert.equal(byKey.size, spans.length, `${rel}: (traceId, spanId) pairs are unique`);
  for (const s of spans) {
    const where = `${rel} span ${s.traceId}/${s.spanId}`;
    assert.ok(s.traceId.length > 0 && s.spanId.length > 0, `${where}: non-empty ids`);
    assert.equal(typeof s.startNs, 'bigint', `${where}: startNs is a bigint`);
    assert.ok(s.startNs <= s.endNs, `${where}: startNs <= endNs`);
    assert.ok(Object.getPrototypeOf(s.attributes) === null, `${where}: attributes are a null-prototype map`);
    const seen = new Set<Span>();
    for (let cur: Span | undefined = s; cur?.parentId !== undefined;) {
      assert.ok(!seen.has(cur), `${where}: parent chain has no cycle`);
      seen.add(cur);
      const parent = byKey.get(spanKey(cur.traceId, cur.parentId));
      assert.ok(parent, `${where}: parent ${cur.parentId} is loaded`);
      cur = parent;
    }
    assert.ok(s.range && s.range.byteStart >= 0 && s.range.byteEnd <= bytes, `${where}: source range inside the file`);
  }
}

describe('corpus formats (LangSmith, Langfuse, Jaeger, Zipkin, AgentOps vs. an independent Python oracle)', function () {
  before(function () {
    if (!corpusPresent) this.skip();
  });

  it('has an expected entry for every corpus file, and no stale entries', function () {
    const onDisk = FOLDERS.flatMap((f) =>
      fs
        .readdirSync(path.join(CORPUS, f), { withFileTypes: true })
        .filter((e) => e.isFile())
        .map((e) => `${f}/${e.name}`),
    ).sort();
    assert.deepEqual(onDisk, Object.keys(table).sort(), REGENERATE);
  });

  it('the committed table is what the oracle computes from this corpus', function () {
    this.timeout(30_000);
    try {
      execFileSync('python3', ['--version'], { stdio: 'ignore' });
    } catch {
      this.skip();
    }
    const out = execFileSync('python3', [path.join(REPO, 'test/support/corpus_expected_formats.py'), '--corpus', CORPUS, '--check'], {
      encoding: 'utf8',
    });
    assert.match(out, /up to date/);
  });

  for (const [rel, exp] of Object.entries(table)) {
    it(`${rel}: ${exp.format}, ${exp.spans} spans, ${exp.errorSpans} errors, ${exp.llmSpans} LLM, ${exp.inputTokens}/${exp.outputTokens} tokens`, async function () {
      const file = path.join(CORPUS, rel);
      const raw = fs.readFileSync(file);
      assert.equal(
        createHash('sha256').update(raw).digest('hex'),
        exp.sha256,
        `${rel} is the file the table was computed from; ${REGENERATE}`,
      );
      const r = await importFile(file);
      const s = summarize(r.spans);
      assert.deepEqual(
        {
          format: r.format,
          traces: s.traces,
          spans: s.spans,
          errorSpans: s.errorSpans,
          llmSpans: s.llmSpans,
          inputTokens: s.inputTokens,
          outputTokens: s.outputTokens,
        },
        {
          format: exp.format,
          traces: exp.traces,
          spans: exp.spans,
          errorSpans: exp.errorSpans,
          llmSpans: exp.llmSpans,
          inputTokens: exp.inputTokens,
          outputTokens: exp.outputTokens,
        },
      );
      assert.equal(r.bytes, exp.bytes);
      assert.deepEqual(
        r.diagnostics.filter((d) => d.severity === 'error'),
        [],
        `${rel}: a valid file yields no error diagnostics`,
      );
      if (exp.diagnostic) {
        const d = r.diagnostics.find((x) => x.code === exp.diagnostic);
        assert.ok(d, `${rel}: a ${exp.diagnostic} diagnostic, got ${JSON.stringify(r.diagnostics)}`);
        assert.equal(d.line, 1);
        assert.equal(d.offset, 0);
      }
      checkIntegrity(rel, r.spans, raw.length);
    });
  }

  describe('field level', () => {
    const load = async (rel: string): Promise<Span[]> => (await importFile(path.join(CORPUS, rel))).spans;
    const byId = (spans: Span[], id: string): Span => {
      const s = spans.find((x) => x.spanId === id);
      assert.ok(s, `span ${id}`);
      return s;
    };

    it('LangSmith JS batch: post and patch (patch without id) are one run, epoch-ms times exact', async () => {
      const [s] = await load('langsmith/langsmith_js_wrap_openai_reasoning.json');
      assert.equal(s.spanId, 'e954b8e3-c337-4a05-bf0a-ca2baac3ba48');
      assert.equal(s.startNs, 1728803138291_000_000n);
      assert.equal(s.endNs, 1728803148730_000_000n);
      assert.deepEqual(s.usage, { input: 43, output: 1901, total: 1944, cacheRead: 0, reasoning: 960 });
      assert.deepEqual(s.model, { provider: 'openai', requested: 'o1-mini', returned: 'o1-mini-2024-09-12' });
      assert.equal(s.inputMessages?.[0].role, 'user');
      assert.equal(s.outputMessages?.[0].role, 'assistant');
      assert.equal(s.outputMessages?.[0].finishReason, 'stop');
    });

    it('LangSmith Python stream: ISO µs times, new_token events kept', async () => {
      const [s] = await load('langsmith/langsmith_py_wrap_openai_stream.json');
      assert.equal(s.startNs, 1728680300695375_000n);
      assert.equal(s.endNs, 1728680302023816_000n);
      assert.equal(s.events.length, 12);
      assert.ok(s.events.every((e) => e.name === 'new_token' && typeof e.timeNs === 'bigint'));
      assert.equal(s.attributes['langsmith.metadata.revision_id'], 'v0.1.82-381-g03d9e1a-dirty');
    });

    it('LangSmith over OTel: LangChain serialized messages in gen_ai.prompt/completion', async () => {
      const spans = await load('langsmith/ott-langsmith.json');
      const llm = spans.filter((s) => s.kind === 'llm');
      assert.equal(llm.length, 2);
      assert.match(llm[0].inputMessages?.[0].content ?? '', /capital of France|photosynthesis/);
      assert.equal(llm[0].inputMessages?.[0].role, 'user');
      assert.equal(llm[0].outputMessages?.[0].role, 'assistant');
      const prompt = spans.find((s) => s.kind === 'prompt');
      assert.ok(prompt?.template?.variables?.question, 'prompt run inputs are template variables');
    });

    it('Langfuse: scores on the trace root, GENERATION usage and model, trace user/session', async () => {
      const spans = await load('langfuse/autogen-2025-06-06.trace.json');
      const gen = byId(spans, '83517f9062f5ada4');
      assert.equal(gen.kind, 'llm');
      assert.equal(gen.parentId, '95f4f51edeb603d9');
      assert.deepEqual(gen.usage, { input: 41, output: 3, total: 44 });
      assert.equal(gen.model?.requested, 'gpt-4o');
      assert.equal(gen.output, 'Hello World!', 'top-level observation copy wins over the nested null');
      assert.equal(gen.sessionId, 'session_abc');
      assert.equal(gen.userId, 'user_123');
      assert.equal(gen.startNs, 1749209493978_000_000n);
      const agents = await load('langfuse/openai-agents-2025-09-30.trace.json');
      const root = agents.find((s) => s.parentId === undefined);
      assert.deepEqual(
        root?.feedback?.map((f) => [f.name, f.score, f.source]),
        [
          ['toxicity', 0.8, 'EVAL'],
          ['hallucination', 0, 'EVAL'],
        ],
      );
      const claude = await load('langfuse/claude-agent-2025-12-22.trace.json');
      const tool = claude.find((s) => s.kind === 'tool');
      assert.equal(tool?.tool?.name, 'mcp__weather__get_weather');
      assert.ok(claude.some((s) => s.toolCalls?.some((c) => c.id === 'toolu_01NtVat4vJLFfVd5TqdLHcA7')));
    });

    it('Jaeger: µs → ns exactly, CHILD_OF in the same trace is the parent, process is the service', async () => {
      const spans = await load('jaeger-json/ui_01.json');
      const s4 = byId(spans, '0000000000000004');
      assert.equal(s4.parentId, '0000000000000002', 'the CHILD_OF into another trace is not the parent');
      assert.equal(s4.startNs, 1485467191639875_000n);
      assert.equal(s4.endNs - s4.startNs, 5_000n);
      assert.equal(s4.service, 'service-y');
      assert.ok(Array.isArray(s4.attributes['jaeger.references']));
      const err = spans.find((s) => s.status === 'error');
      assert.equal(err?.attributes['javascript_limit'], '9223372036854775222', 'int64 beyond 2^53 kept as digits');
      const genai = await load('jaeger-json/genaiTestTrace.json');
      const chat = byId(genai, '0000000000000005');
      assert.equal(chat.kind, 'llm');
      assert.deepEqual(chat.usage, { input: 1840, output: 260, cacheRead: 920 });
      assert.equal(chat.service, 'coding-agent');
    });

    it('Zipkin: a shared server half is a child of its client half and parents its own service', async () => {
      const spans = await load('zipkin-v2/yelp.json');
      const server = byId(spans, '7a778764a0d0b594~shared');
      assert.equal(server.parentId, '7a778764a0d0b594');
      assert.equal(server.service, 'spectre');
      assert.equal(byId(spans, '15fc03927f0f68df').parentId, 'f5f268651b2a2b34~shared');
      const kafka = await load('zipkin-v2/messaging-kafka.json');
      const poll = byId(kafka, '0562809467078eab');
      assert.equal(poll.startNs, 1541405397200023_000n);
      assert.equal(poll.endNs, 1541405397200049_000n);
    });
  });
});
