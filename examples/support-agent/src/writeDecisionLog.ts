// Renders the demo's OTLP trace as a TraceLens decision log (docs/decision-log.md):
// traces/support-agent.otlp.jsonl → traces/support-agent.decisions.jsonl.
//
//   npx tsx examples/support-agent/src/writeDecisionLog.ts
//
// The spans are read with TraceLens's own importer and written back as one record per decision:
// the turn (kind agent, with its guard checks and the user's feedback), each model call (kind llm,
// with the tool calls it asked for, their results and latency), and the retrieval (kind retriever,
// with the documents and the datasets they came from). Ids and times are kept, so the two files
// describe the same runs; regenerate this file whenever the OTLP file is regenerated.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { isoFromNanos } from '../../../src/core/formats/time';
import type { Message, RetrievedDocument, Span } from '../../../src/core/model/span';
import { importBytes } from '../../../src/ingest/importFile';

const TRACES = path.resolve(__dirname, '../traces');
export const SOURCE = path.join(TRACES, 'support-agent.otlp.jsonl');
export const TARGET = path.join(TRACES, 'support-agent.decisions.jsonl');
const SCHEMA = 'tracelens.decision/v1';

type Rec = Record<string, unknown>;

/** JSON text back to a value, so arguments and results read as JSON in the log. */
const json = (s: string | undefined): unknown => {
  if (s === undefined) return undefined;
  try {
    return JSON.parse(s) as unknown;
  } catch {
    return s;
  }
};

function timing(s: Span): Rec {
  return { start: isoFromNanos(s.startNs), end: isoFromNanos(s.endNs) };
}

function failure(s: Span): Rec {
  if (s.status !== 'error') return {};
  return {
    status: 'error',
    error: { type: s.exception?.type, message: s.exception?.message ?? s.statusMessage, stacktrace: s.exception?.stacktrace },
  };
}

function code(s: Span): Rec {
  return s.code ? { code: { file: s.code.file, line: s.code.line, function: s.code.function } } : {};
}

/** Chat messages in the OpenAI shape the decision log takes. */
function chat(ms: Message[] | undefined): Rec[] | undefined {
  return ms?.map((m) => ({
    role: m.role,
    content: m.content,
    name: m.name,
    tool_call_id: m.toolCallId,
    tool_calls: m.toolCalls?.map((c) => ({ id: c.id, type: 'function', function: { name: c.name, arguments: c.arguments } })),
  }));
}

/** `s3://bucket/prefix` → OpenLineage namespace `s3://bucket`, name `prefix` (the demo's ingest names them so). */
function dataset(uri: unknown): Rec | undefined {
  if (typeof uri !== 'string') return undefined;
  const cut = uri.lastIndexOf('/');
  return cut > uri.indexOf('://') + 2 ? { namespace: uri.slice(0, cut), name: uri.slice(cut + 1) } : undefined;
}

function document(d: RetrievedDocument): Rec {
  const { 'source.dataset': source, ...metadata } = d.metadata ?? {};
  return { id: d.id, uri: d.uri, score: d.score, content: d.content, dataset: dataset(source), metadata };
}

function toolEntry(t: Span): Rec {
  return {
    step_id: t.spanId,
    id: t.tool?.id,
    name: t.tool?.name,
    arguments: json(t.tool?.arguments),
    result: json(t.tool?.result),
    ...timing(t),
    ...failure(t),
    ...code(t),
  };
}

function guardEntry(g: Span): Rec {
  const verdict = g.guards?.[0];
  return {
    step_id: g.spanId,
    name: verdict?.name,
    passed: verdict?.passed,
    action: verdict?.action,
    reason: verdict?.reason,
    input: g.input,
    output: g.output,
    ...timing(g),
    ...code(g),
  };
}

function records(spans: Span[]): Rec[] {
  const out: Rec[] = [];
  const byTrace = new Map<string, Span[]>();
  for (const s of spans) byTrace.set(s.traceId, [...(byTrace.get(s.traceId) ?? []), s]);
  for (const [runId, run] of byTrace) {
    const steps = [...run].sort((a, b) => (a.startNs < b.startNs ? -1 : a.startNs > b.startNs ? 1 : 0));
    const root = steps.find((s) => s.parentId === undefined);
    if (!root) continue;
    const common = { schema: SCHEMA, run_id: runId };
    const tools = steps.filter((s) => s.kind === 'tool');
    const used = new Set<Span>();
    out.push({
      ...common,
      step_id: root.spanId,
      name: root.name,
      kind: 'agent',
      agent: root.attributes['gen_ai.agent.name'],
      operation: root.operation,
      ...timing(root),
      ...failure(root),
      service: root.service,
      session_id: root.sessionId,
      user_id: root.userId,
      input: root.input,
      output: root.output,
      guards: steps.filter((s) => s.kind === 'guard').map(guardEntry),
      feedback: root.events
        .filter((e) => e.name === 'gen_ai.evaluation.result')
        .map((e, i) => ({ ...root.feedback?.[i], time: e.timeNs === undefined ? undefined : isoFromNanos(e.timeNs) })),
      ...code(root),
      attributes: { 'gen_ai.conversation.id': root.attributes['gen_ai.conversation.id'] },
    });
    for (const s of steps) {
      if (s === root || s.kind === 'guard' || s.kind === 'tool') continue;
      const base = {
        ...common,
        step_id: s.spanId,
        parent_step_id: s.parentId,
        name: s.name,
        kind: s.kind,
        ...timing(s),
        ...failure(s),
        service: s.service,
      };
      if (s.kind === 'retriever') {
        out.push({ ...base, retrieval: { query: s.input, documents: (s.documents ?? []).map(document) }, ...code(s) });
        continue;
      }
      // A model call, with the tools it asked for (matched by call id) nested as its tool calls.
      const calls = (s.toolCalls ?? []).map((c) => tools.find((t) => !used.has(t) && t.tool?.id === c.id)).filter((t) => t !== undefined);
      calls.forEach((t) => used.add(t));
      const last = s.outputMessages?.[s.outputMessages.length - 1];
      out.push({
        ...base,
        operation: s.operation,
        model: { provider: s.model?.provider, name: s.model?.requested, version: s.model?.returned },
        parameters: { temperature: s.attributes['gen_ai.request.temperature'] },
        messages: chat(s.inputMessages),
        template: s.template,
        output: last?.content,
        finish_reason: last?.finishReason,
        tools: calls.map(toolEntry),
        tokens: { input: s.usage?.input, output: s.usage?.output },
        ...code(s),
      });
    }
    // Tool runs no model call asked for (none in the demo) are decisions of their own.
    for (const t of tools.filter((x) => !used.has(x))) {
      out.push({ ...common, step_id: t.spanId, parent_step_id: t.parentId, kind: 'tool', tools: [toolEntry(t)], service: t.service });
    }
  }
  return out;
}

/** The decision-log rendering of an OTLP JSON Lines trace, as the file's text. */
export function renderDecisionLog(otlp: Uint8Array, name = path.basename(SOURCE)): string {
  const r = importBytes(otlp, name);
  const problems = r.diagnostics.filter((d) => d.severity !== 'info');
  if (problems.length) throw new Error(`${name}: ${problems.map((d) => d.message).join('; ')}`);
  // Empty lists are left out: a record carries only what the decision had.
  const lines = records(r.spans).map((rec) =>
    JSON.stringify(rec, (_k, v: unknown) => (Array.isArray(v) && v.length === 0 ? undefined : v)),
  );
  return lines.join('\n') + '\n';
}

if (require.main === module) {
  const text = renderDecisionLog(fs.readFileSync(SOURCE));
  fs.writeFileSync(TARGET, text);
  console.log(`wrote ${text.split('\n').length - 1} decision records to ${path.relative(process.cwd(), TARGET)}`);
}
