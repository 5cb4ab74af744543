// Real-world files from ../shared/corpus/{langsmith,langfuse,jaeger-json,zipkin-v2,agentops}
// against a table computed INDEPENDENTLY of our importers: test/support/corpus_expected_formats.py
// walks the raw JSON with the Python standard library per docs/formats.md and writes
// test/fixtures/corpusExpectedFormats.json. Regenerate with
// `python3 test/support/corpus_expected_formats.py` when the corpus changes on purpose.
// TRACELENS_CORPUS overrides the corpus location; the suite skips when it is absent.

import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import type { Span } from '../../src/core/model/span';
import { importFile } from '../../src/ingest/importFile';
import { CORPUS, corpusPresent, importAndCompare, loadTable, tableChecks, type CorpusSuite } from '../support/corpusSuite';

const SUITE: CorpusSuite = {
  folders: ['langsmith', 'langfuse', 'jaeger-json', 'zipkin-v2', 'agentops'],
  tableFile: 'corpusExpectedFormats.json',
  oracle: 'corpus_expected_formats.py',
};
const table = loadTable(SUITE);

describe('corpus formats (LangSmith, Langfuse, Jaeger, Zipkin, AgentOps vs. an independent Python oracle)', function () {
  before(function () {
    if (!corpusPresent(SUITE)) this.skip();
  });

  tableChecks(SUITE);

  for (const [rel, exp] of Object.entries(table)) {
    it(`${rel}: ${exp.format}, ${exp.spans} spans, ${exp.errorSpans} errors, ${exp.llmSpans} LLM, ${exp.inputTokens}/${exp.outputTokens} tokens`, async function () {
      const r = await importAndCompare(SUITE, rel, exp);
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
