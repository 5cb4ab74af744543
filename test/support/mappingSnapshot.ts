// What mapSemantics makes of real and generated spans, in full and index-only mapping, as plain
// JSON: the input of test/unit/formats/mappingEquivalence.test.ts. The committed snapshot was
// written by the mapping code as it was before attribute gating (a pure speed change), so any
// difference is a change in results. Rewrite it only for an intended change in mapping:
//   npx tsx test/support/mappingSnapshot.ts --write

import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { newAttributes } from '../../src/core/formats/anyValue';
import { mapSemantics, withIndexOnlyMapping } from '../../src/core/formats/mapSemantics';
import type { AttrValue, Span, SpanEvent, SpanKind, StatusCode } from '../../src/core/model/span';
import { importBytes } from '../../src/ingest/importFile';

export const REPO = path.resolve(__dirname, '../..');
export const CORPUS = process.env.TRACELENS_CORPUS ? path.resolve(process.env.TRACELENS_CORPUS) : path.resolve(REPO, '../shared/corpus');
export const SNAPSHOT = path.join(REPO, 'test/unit/formats/__snapshots__/mapping.json');

/** One mapped span: the fields mapping sets, in the span's key order, and its undefined-valued keys. */
export type MappedSpan = Record<string, unknown>;
export interface ModePair {
  full: MappedSpan[];
  index: MappedSpan[];
}
export interface MappingSnapshot {
  files: Record<string, ModePair>;
  generated: ModePair;
}

/** What mapSemantics sets; other fields are the importers' own (spanId identifies the span). */
const MAPPED = new Set([
  'spanId',
  'kind',
  'operation',
  'sessionId',
  'userId',
  'model',
  'usage',
  'cost',
  'inputMessages',
  'outputMessages',
  'toolCalls',
  'tool',
  'documents',
  'template',
  'code',
  'guards',
  'feedback',
  'exception',
  'input',
  'output',
  'service',
]);

// Long strings (message and document text) are kept as a digest, to keep the snapshot small.
const LONG = 80;
const digest = (v: string): string => `sha256:${createHash('sha256').update(v).digest('hex').slice(0, 16)} (${v.length} chars)`;

/**
 * Plain JSON of a mapped span's mapped fields, in the span's own key order: bigint as a decimal string,
 * long strings as a digest, and `undef` naming keys that are present with the value undefined
 * (index-only mapping leaves them), so a change in key presence shows too.
 */
export function mappedFields(s: Span): MappedSpan {
  const out: MappedSpan = {};
  const undef: string[] = [];
  for (const [k, v] of Object.entries(s)) {
    if (v === undefined) undef.push(k);
    else if (MAPPED.has(k)) out[k] = v;
  }
  const json = JSON.stringify(out, (_k, v: unknown) =>
    typeof v === 'bigint' ? v.toString() : typeof v === 'string' && v.length > LONG ? digest(v) : v,
  );
  const mapped = JSON.parse(json) as MappedSpan;
  if (undef.length) mapped.undef = undef.join(',');
  return mapped;
}

/** Every trace file of the corpus and the support-agent example, relative to REPO's parent. */
export function inputFiles(): string[] {
  const out: string[] = [];
  const walk = (dir: string): void => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true }).sort((x, y) => x.name.localeCompare(y.name))) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (/\.(json|jsonl|pb)$/.test(e.name)) out.push(p);
    }
  };
  if (fs.existsSync(CORPUS)) walk(CORPUS);
  walk(path.join(REPO, 'examples/support-agent/traces'));
  return out;
}

export const fileLabel = (file: string): string =>
  file.startsWith(CORPUS + path.sep) ? `corpus/${path.relative(CORPUS, file)}` : path.relative(REPO, file);

export function mapFile(file: string): ModePair {
  const bytes = fs.readFileSync(file);
  const name = path.basename(file);
  return {
    full: importBytes(bytes, name).spans.map((s) => mappedFields(s)),
    index: withIndexOnlyMapping(() => importBytes(bytes, name)).spans.map((s) => mappedFields(s)),
  };
}

// ---- Generated spans: keys of every convention mapSemantics knows, alone and mixed. ----

const JSON_MSGS =
  '[{"role":"user","content":"hi"},{"role":"assistant","content":"yo","tool_calls":[{"id":"c1","function":{"name":"f","arguments":"{}"}}]}]';
const PARTS_MSGS = '[{"role":"user","parts":[{"type":"text","content":"q"},{"type":"tool_call","id":"t","name":"n","arguments":{"x":1}}]}]';
const LC_DOCS = '{"documents":[{"page_content":"doc","metadata":{"source":"s.md","score":0.5},"id":"d1"}]}';

/** Keys and sample values (strings, numbers, numeric strings, empty, JSON, junk) per convention. */
export const KEY_POOL: [string, AttrValue[]][] = [
  // kind
  ['tracelens.span.kind', ['llm', 'TOOL', 'bogus', '']],
  ['langfuse.observation.type', ['GENERATION', 'span', 'tool', 'EVENT']],
  ['openinference.span.kind', ['LLM', 'retriever', 'GUARDRAIL', 'x']],
  ['tracelens.guard.name', ['pii', '']],
  ['tracelens.guard.passed', [true, 'false', 0, 'maybe']],
  ['tracelens.guard.action', ['block']],
  ['tracelens.guard.reason', ['matched']],
  ['langsmith.span.kind', ['llm', 'prompt', 'parser', 'Chain', 'zzz']],
  ['mlflow.spanType', ['"LLM"', 'CHAT_MODEL', '"MEMORY"', 'nope', 3]],
  ['gen_ai.operation.name', ['chat', 'execute_tool', 'invoke_agent', 'Embeddings', 'other']],
  ['traceloop.span.kind', ['workflow', 'tool', 'TASK', 'x']],
  ['ai.operationId', ['ai.generateText', 'ai.generateText.doGenerate', 'ai.toolCall', 'ai.embedMany', 'x']],
  ['operation.name', ['ai.streamText.doStream fn', 'ai.embed', 'other thing']],
  ['ai.model.id', ['gpt-4o', '']],
  ['llm.request.type', ['chat', 'completion', '']],
  // model
  ['gen_ai.request.model', ['gpt-4o', '', 7]],
  ['gen_ai.response.model', ['gpt-4o-2024', '']],
  ['llm.model_name', ['claude']],
  ['gen_ai.provider.name', ['openai']],
  ['gen_ai.system', ['anthropic', '']],
  ['llm.provider', ['azure']],
  ['llm.system', ['openai']],
  ['ai.model.provider', ['openai.chat']],
  ['langsmith.metadata.ls_provider', ['openai']],
  ['llm.request.model_name', ['m1']],
  ['llm.request.model', ['m2']],
  ['langfuse.observation.model.name', ['m3']],
  ['langsmith.metadata.ls_model_name', ['m4']],
  ['llm.response.model_name', ['r1']],
  ['llm.response.model', ['r2']],
  ['ai.response.model', ['r3']],
  // session, user
  ['session.id', ['s1', '', 42]],
  ['gen_ai.conversation.id', ['c1']],
  ['langfuse.session.id', ['lf']],
  ['traceloop.association.properties.session_id', ['tl']],
  ['langsmith.trace.session_id', ['ls']],
  ['langsmith.metadata.session_id', ['lsm']],
  ['langsmith.metadata.thread_id', ['th']],
  ['langsmith.metadata.conversation_id', ['cv']],
  ['user.id', ['u1', '']],
  ['enduser.id', ['e1']],
  ['langfuse.user.id', ['lu']],
  ['traceloop.association.properties.user_id', ['tu']],
  ['langsmith.metadata.user_id', ['lsu']],
  // usage
  ['gen_ai.usage.input_tokens', [10, '12', 'x', '']],
  ['gen_ai.usage.prompt_tokens', [11]],
  ['llm.token_count.prompt', [13, '14']],
  ['llm.usage.prompt_tokens', [15]],
  ['gen_ai.usage.output_tokens', [20, 'NaN']],
  ['gen_ai.usage.completion_tokens', [21]],
  ['llm.token_count.completion', [22]],
  ['llm.usage.completion_tokens', [23]],
  ['gen_ai.usage.cache_read.input_tokens', [3]],
  ['gen_ai.usage.cache_read_input_tokens', [4]],
  ['llm.token_count.prompt_details.cache_read', [5]],
  ['gen_ai.usage.cache_creation.input_tokens', [6]],
  ['llm.token_count.prompt_details.cache_write', [7]],
  ['gen_ai.usage.reasoning_output_tokens', [8]],
  ['gen_ai.usage.reasoning_tokens', [9]],
  ['llm.token_count.completion_details.reasoning', [1]],
  ['gen_ai.usage.total_tokens', [30]],
  ['llm.token_count.total', [31]],
  ['llm.usage.total_tokens', [32]],
  ['ai.usage.promptTokens', [40, '41']],
  ['ai.usage.inputTokens', [42]],
  ['ai.usage.completionTokens', [43]],
  ['ai.usage.outputTokens', [44]],
  ['ai.usage.totalTokens', [45]],
  ['langfuse.observation.usage_details', ['{"input":5,"output":"7","input_cache_read":2,"total":12}', '[1]', 'junk']],
  ['mlflow.chat.tokenUsage', ['{"input_tokens":3,"output_tokens":4,"total_tokens":7}', '"{\\"input_tokens\\":1}"']],
  [
    'response_data',
    [
      '{"usage":{"prompt_tokens":9,"completion_tokens":1,"prompt_tokens_details":{"cached_tokens":2}},"choices":[{"message":{"role":"assistant","content":"ok"}}]}',
      '[]',
      'text',
    ],
  ],
  // cost
  ['tracelens.cost.usd', [0.25, '0.5', 'x']],
  ['gen_ai.usage.cost', [0.1]],
  ['llm.cost.total', [0.2]],
  ['langfuse.observation.cost_details', ['{"total":0.5}', '{"total":"1"}', 'junk']],
  // template
  ['tracelens.template.name', ['t']],
  ['tracelens.template.version', ['v1']],
  ['tracelens.template.path', ['p.md']],
  ['tracelens.template.text', ['Hello {x}']],
  ['gen_ai.prompt.name', ['gp']],
  ['traceloop.prompt.key', ['tk']],
  ['langfuse.observation.prompt.name', ['lp']],
  ['langfuse.observation.prompt.version', [3]],
  ['llm.prompt_template.version', ['2']],
  ['llm.prompt_template.template', ['T {a}']],
  ['llm.prompt_template.variables', ['{"a":"1","b":{"c":2}}', '[1]', 'junk']],
  ['traceloop.prompt.version', ['4']],
  ['traceloop.prompt.template', ['TT']],
  ['traceloop.prompt.template_variables', ['{"z":null}']],
  // code
  ['code.file.path', ['a.py', '']],
  ['code.filepath', ['b.py']],
  ['code.line.number', [12, '13']],
  ['code.lineno', [14]],
  ['code.column.number', [2]],
  ['code.column', [3]],
  ['code.function.name', ['f']],
  ['code.function', ['g']],
  ['code.namespace', ['ns']],
  ['vcs.repository.url.full', ['https://x/r']],
  ['vcs.repository.url', ['https://x/s']],
  ['vcs.ref.head.revision', ['abc']],
  ['vcs.repository.ref.revision', ['def']],
  // feedback
  ['annotations.0.annotation.name', ['helpful']],
  ['annotations.0.annotation.score', [1, '0.5']],
  ['annotations.0.annotation.label', ['good']],
  ['annotations.1.annotation.explanation', ['because']],
  ['annotations.1.annotation.annotator_kind', ['HUMAN']],
  ['annotations.x.annotation.name', ['not indexed']],
  ['tracelens.feedback.label', ['up', '']],
  ['tracelens.feedback.score', [1, 'x']],
  ['tracelens.feedback.name', ['fb']],
  ['tracelens.feedback.comment', ['nice']],
  ['tracelens.feedback.source', ['user']],
  ['gen_ai.evaluation.name', ['relevance']],
  ['gen_ai.evaluation.score.value', [0.9]],
  ['gen_ai.evaluation.score.label', ['pass']],
  ['gen_ai.evaluation.explanation', ['ok']],
  // generic input/output
  ['input.value', ['in', '', '{"messages":[{"role":"user","content":"x"}]}']],
  ['traceloop.entity.input', ['tin']],
  ['langfuse.observation.input', ['lin', JSON_MSGS]],
  ['gen_ai.retrieval.query.text', ['query']],
  ['output.value', ['out']],
  ['traceloop.entity.output', ['tout']],
  ['langfuse.observation.output', ['lout', LC_DOCS]],
  // messages
  ['gen_ai.system_instructions', ['be nice', '[{"type":"text","content":"sys"}]']],
  ['gen_ai.input.messages', [PARTS_MSGS, JSON_MSGS, 'plain']],
  ['gen_ai.output.messages', [JSON_MSGS]],
  ['llm.input_messages.0.message.role', ['user']],
  ['llm.input_messages.0.message.content', ['hello']],
  ['llm.input_messages.1.message.contents.0.message_content.text', ['part']],
  ['llm.input_messages.1.message.tool_calls.0.tool_call.function.name', ['fn']],
  ['llm.output_messages.0.message.role', ['assistant']],
  ['llm.output_messages.0.message.content', ['answer']],
  ['gen_ai.prompt.0.role', ['user']],
  ['gen_ai.prompt.0.content', ['p0']],
  ['gen_ai.prompt', ['plain prompt', '{"q":"x","n":1}', '{"messages":[[{"type":"human","content":"hi"}]]}']],
  ['gen_ai.completion.0.content', ['c0']],
  ['gen_ai.completion.0.tool_calls.0.name', ['tc']],
  ['gen_ai.completion', ['plain completion', LC_DOCS]],
  ['ai.prompt.messages', [JSON_MSGS]],
  ['ai.prompt', ['{"system":"s","prompt":"p"}', 'junk']],
  ['ai.response.text', ['resp']],
  ['ai.response.toolCalls', ['[{"toolCallId":"1","toolName":"t","args":"{}"}]']],
  ['ai.response.finishReason', ['stop']],
  ['mlflow.spanInputs', ['{"messages":[{"role":"user","content":"m"}]}']],
  ['mlflow.spanOutputs', ['[{"page_content":"x","metadata":{"doc_uri":"u"}}]']],
  ['request_data', ['{"messages":[{"role":"user","content":"r"}]}']],
  // tool
  ['gen_ai.tool.name', ['lookup']],
  ['tool.name', ['t2']],
  ['traceloop.entity.name', ['t3']],
  ['ai.toolCall.name', ['t4']],
  ['gen_ai.tool.call.id', ['id1']],
  ['tool.id', ['id2']],
  ['tool_call.id', ['id3']],
  ['ai.toolCall.id', ['id4']],
  ['gen_ai.tool.call.arguments', ['{"a":1}']],
  ['tool.parameters', ['{"b":2}']],
  ['ai.toolCall.args', ['{"c":3}']],
  ['gen_ai.tool.call.result', ['r']],
  ['ai.toolCall.result', ['r2']],
  // documents
  ['retrieval.documents.0.document.id', ['d0']],
  ['retrieval.documents.0.document.content', ['text']],
  ['retrieval.documents.0.document.score', [0.7]],
  ['retrieval.documents.0.document.metadata', ['{"source":"m.md"}']],
  ['retrieval.documents.1.document.uri', ['u1']],
  // exception
  ['exception.type', ['ValueError']],
  ['exception.message', ['bad']],
  ['exception.stacktrace', ['at x']],
  ['error.type', ['timeout']],
  ['code.stacktrace', ['st']],
  // noise: near misses of prefixes and keys
  ['http.method', ['GET']],
  ['annotations', ['x']],
  ['annotationsX.0.y', ['x']],
  ['retrieval.documents', ['x']],
  ['llm.input_messages', ['x']],
  ['session', ['x']],
  ['null.valued', [null]],
];

// A span with a null-valued known key, and with array / object values.
const EXTRA_VALUES: [string, AttrValue][] = [
  ['session.id', null],
  ['gen_ai.request.model', ['a', 'b']],
  ['langfuse.observation.usage_details', { input: 1, output: '2', nested: { deep: { deeper: 3 } } }],
  ['response_data', { usage: { prompt_tokens: 1 } }],
  ['gen_ai.input.messages', [{ role: 'user', content: 'arr' }]],
];

const EVENT_SETS: (() => SpanEvent[])[] = [
  () => [],
  () => [
    {
      name: 'exception',
      attributes: attrs([
        ['exception.type', 'E'],
        ['exception.message', 'm'],
      ]),
    },
  ],
  () => [
    {
      name: 'gen_ai.evaluation.result',
      attributes: attrs([
        ['gen_ai.evaluation.name', 'rel'],
        ['gen_ai.evaluation.score.value', 1],
      ]),
    },
  ],
  () => [{ name: 'tracelens.feedback', attributes: attrs([['tracelens.feedback.label', 'down']]) }],
  () => [
    { name: 'gen_ai.content.prompt', attributes: attrs([['gen_ai.prompt', JSON_MSGS]]) },
    { name: 'gen_ai.content.completion', attributes: attrs([['gen_ai.completion', 'done']]) },
  ],
  () => [{ name: 'other', attributes: attrs([]) }],
];

function attrs(entries: [string, AttrValue][]): Record<string, AttrValue> {
  const a = newAttributes();
  for (const [k, v] of entries) a[k] = v;
  return a;
}

/** Small deterministic PRNG (mulberry32), so generated spans are the same on every run. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface SpanSeed {
  attrs: [string, AttrValue][];
  events: number;
  parent: boolean;
  error: boolean;
  kind: SpanKind;
  resource: boolean;
}

/** The generated inputs: every key/value alone (root and child), then seeded random mixes. */
export function generatedSeeds(pool: [string, AttrValue[]][] = KEY_POOL, mixes = 1500): SpanSeed[] {
  const out: SpanSeed[] = [];
  const base = { events: 0, error: false, kind: 'span' as SpanKind, resource: false };
  for (const [k, vs] of pool) for (const v of vs) for (const parent of [false, true]) out.push({ ...base, attrs: [[k, v]], parent });
  for (const e of EXTRA_VALUES) out.push({ ...base, attrs: [e], parent: false });
  const r = rng(0x5eed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)];
  const presetKinds: SpanKind[] = ['span', 'span', 'span', 'span', 'tool', 'guard', 'llm'];
  for (let i = 0; i < mixes; i++) {
    // Mostly keys from one region of the pool (one convention), sometimes from anywhere.
    const n = 1 + Math.floor(r() * 9);
    const start = Math.floor(r() * pool.length);
    const seen = new Set<string>();
    const a: [string, AttrValue][] = [];
    for (let j = 0; j < n; j++) {
      const [k, vs] = r() < 0.7 ? pool[(start + Math.floor(r() * 24)) % pool.length] : pick(pool);
      if (seen.has(k)) continue;
      seen.add(k);
      a.push([k, pick(vs)]);
    }
    out.push({
      attrs: a,
      events: r() < 0.25 ? Math.floor(r() * EVENT_SETS.length) : 0,
      parent: r() < 0.6,
      error: r() < 0.2,
      kind: pick(presetKinds),
      resource: r() < 0.5,
    });
  }
  return out;
}

export function spanFromSeed(s: SpanSeed, i: number): Span {
  const span: Span = {
    traceId: 't',
    spanId: `g${i}`,
    name: `gen-${i}`,
    kind: s.kind,
    startNs: 1n,
    endNs: 2n,
    status: (s.error ? 'error' : 'unset') as StatusCode,
    attributes: attrs(s.attrs),
    events: EVENT_SETS[s.events](),
  };
  if (s.parent) span.parentId = 'p';
  if (s.resource) span.resource = attrs([['service.name', 'svc']]);
  return span;
}

export function mapGenerated(seeds: SpanSeed[] = generatedSeeds()): ModePair {
  return {
    full: seeds.map((s, i) => mappedFields(mapSemantics(spanFromSeed(s, i)))),
    index: withIndexOnlyMapping(() => seeds.map((s, i) => mappedFields(mapSemantics(spanFromSeed(s, i))))),
  };
}

/** JSON with one span per line, so a regenerated snapshot diffs span by span. */
export function formatSnapshot(snap: MappingSnapshot): string {
  const pair = (p: ModePair): string =>
    `{"full":[\n${p.full.map((x) => JSON.stringify(x)).join(',\n')}\n],"index":[\n${p.index.map((x) => JSON.stringify(x)).join(',\n')}\n]}`;
  const files = Object.entries(snap.files).map(([k, p]) => `${JSON.stringify(k)}:${pair(p)}`);
  return `{"files":{\n${files.join(',\n')}\n},\n"generated":${pair(snap.generated)}}\n`;
}

/**
 * The project's own trace files: only these are in the committed snapshot. Corpus files are not
 * copied into the project in any form (some licences forbid it); they are checked gated against
 * every gate open instead.
 */
export const ownFiles = (): string[] => inputFiles().filter((f) => !f.startsWith(CORPUS + path.sep));

export function buildSnapshot(): MappingSnapshot {
  const files: Record<string, ModePair> = {};
  for (const f of ownFiles()) files[fileLabel(f)] = mapFile(f);
  return { files, generated: mapGenerated() };
}

if (require.main === module && process.argv.includes('--write')) {
  const snap = buildSnapshot();
  fs.mkdirSync(path.dirname(SNAPSHOT), { recursive: true });
  fs.writeFileSync(SNAPSHOT, formatSnapshot(snap));
  const spans = Object.values(snap.files).reduce((n, p) => n + p.full.length, 0);
  console.log(`${SNAPSHOT}: ${Object.keys(snap.files).length} files, ${spans} spans, ${snap.generated.full.length} generated`);
}
