// OpenAI Agents SDK trace exports: `{object:"trace", id, workflow_name, group_id, metadata}` and
// `{object:"trace.span", id, trace_id, parent_id, started_at, ended_at, span_data, error}` records,
// one per JSON Lines record, in an array, or in the ingest wrapper `{data:[…]}`. `span_data.type`
// decides the kind: generation → llm (model, usage, messages), response → llm, function → tool,
// agent, guardrail → guard (triggered → not passed), handoff, custom, mcp_tools, transcription,
// speech. The trace record's fields go on the trace's root spans (also when it comes in another
// record); its group_id is the session. `span_data` is kept whole under `openai.agents.span_data.*`.

import type { Diagnostic } from '../model/diagnostic';
import type { Span, SpanKind } from '../model/span';
import { newAttributes, plainToAttr } from './anyValue';
import { text } from './attrs';
import type { ImportSink, RecordImporter, SourceRecord } from './importResult';
import { asObj, clampEnd, diag, idStr, keepRest, type Obj, optStr, recordRange, sinkState } from './jsonShapes';
import { fillUsage } from './mapLlm';
import { messagesFromPayload } from './mapPayload';
import { mapSemantics } from './mapSemantics';
import { nanosFromIsoOrEpoch } from './time';
import { lookupTable } from './lookupTable';

const isRecord = (v: unknown): boolean => {
  const o = asObj(v);
  return !!o && (o.object === 'trace' || o.object === 'trace.span');
};

export function isOpenAiAgents(value: unknown): boolean {
  if (Array.isArray(value)) return value.length > 0 && isRecord(value[0]);
  const o = asObj(value);
  if (!o) return false;
  if (Array.isArray(o.data)) return o.data.length > 0 && isRecord(o.data[0]);
  return isRecord(o);
}

const KINDS = lookupTable<SpanKind>({
  agent: 'agent',
  generation: 'llm',
  response: 'llm',
  function: 'tool',
  guardrail: 'guard',
  handoff: 'chain',
  custom: 'span',
  mcp_tools: 'tool',
  transcription: 'llm',
  speech: 'llm',
  speech_group: 'chain',
});

interface State {
  traces: Map<string, Obj>;
  roots: Map<string, Span[]>;
}
const STATE = new WeakMap<ImportSink, State>();

export const importOpenAiAgentsValue: RecordImporter = (value, rec, sink) => {
  const st = sinkState(STATE, sink, () => ({ traces: new Map<string, Obj>(), roots: new Map<string, Span[]>() }));
  const o = asObj(value);
  const list = Array.isArray(value) ? value : o && Array.isArray(o.data) ? o.data : [value];
  let skipped = 0;
  for (const raw of list) {
    const r = asObj(raw);
    if (r?.object === 'trace') {
      const id = idStr(r.id);
      if (!id) {
        skipped++;
        continue;
      }
      st.traces.set(id, r);
      for (const root of st.roots.get(id) ?? []) applyTrace(root, r);
    } else if (r?.object === 'trace.span') {
      const span = readSpan(r, rec, sink.diagnostics);
      if (!span) continue;
      if (span.parentId === undefined) {
        st.roots.set(span.traceId, [...(st.roots.get(span.traceId) ?? []), span]);
        const t = st.traces.get(span.traceId);
        if (t) applyTrace(span, t);
      }
      sink.spans.push(span);
    } else skipped++;
  }
  if (skipped) {
    sink.diagnostics.push(
      diag(rec, 'warning', 'record.unknown', `${skipped} item(s) are neither an OpenAI Agents "trace" nor a "trace.span" record; skipped`),
    );
  }
};

function applyTrace(span: Span, t: Obj): void {
  keepRest(span.attributes, t, new Set(['object', 'id']), 'openai.agents.trace.');
  const group = optStr(t.group_id);
  if (group) span.sessionId ??= group;
}

function readSpan(r: Obj, rec: SourceRecord, diags: Diagnostic[]): Span | undefined {
  const spanId = idStr(r.id);
  const traceId = idStr(r.trace_id);
  if (!spanId || !traceId) {
    diags.push(diag(rec, 'error', 'span.noId', 'OpenAI Agents span without id or trace_id; skipped', spanId ?? traceId));
    return undefined;
  }
  const d = asObj(r.span_data) ?? {};
  const type = typeof d.type === 'string' ? d.type : '';
  const a = newAttributes();
  a['openai.agents.span_data.type'] = type;
  keepRest(a, d, new Set(['type']), 'openai.agents.span_data.');
  keepRest(a, r, new Set(['object', 'id', 'trace_id', 'parent_id', 'started_at', 'ended_at', 'span_data', 'error']), 'openai.agents.');
  let startNs = nanosFromIsoOrEpoch(r.started_at, 's');
  if (startNs === undefined) {
    diags.push(diag(rec, 'warning', 'span.noTime', `OpenAI Agents span ${spanId} has no started_at`, spanId));
    startNs = 0n;
  }
  const err = asObj(r.error);
  const errMsg = err ? (optStr(err.message) ?? 'error') : typeof r.error === 'string' && r.error ? r.error : undefined;
  if (err?.data !== undefined && err.data !== null) a['openai.agents.error.data'] = plainToAttr(err.data);
  const span: Span = {
    traceId,
    spanId,
    parentId: idStr(r.parent_id),
    name: optStr(d.name) ?? nameOf(type, d),
    kind: KINDS[type] ?? 'span',
    startNs,
    endNs: nanosFromIsoOrEpoch(r.ended_at, 's') ?? startNs,
    status: errMsg ? 'error' : r.ended_at ? 'ok' : 'unset',
    statusMessage: errMsg,
    attributes: a,
    events: [],
    range: recordRange(rec),
  };
  if (span.parentId === spanId) delete span.parentId;
  clampEnd(span, rec, diags);
  mapSemantics(span);
  readData(span, type, d);
  for (const k of Object.keys(span) as (keyof Span)[]) if (span[k] === undefined) delete span[k];
  return span;
}

function nameOf(type: string, d: Obj): string {
  if (type === 'handoff') return `handoff ${String(d.from_agent ?? '?')} → ${String(d.to_agent ?? '?')}`;
  if (type === 'response') return 'response';
  return type || 'span';
}

function readData(span: Span, type: string, d: Obj): void {
  if (type === 'generation') {
    const model = optStr(d.model);
    if (model) span.model = { ...span.model, requested: model };
    const usage = fillUsage({}, d.usage);
    if (Object.keys(usage).length) span.usage = usage;
    const input = messagesFromPayload(d.input, 'user');
    if (input) span.inputMessages = input;
    const output = messagesFromPayload(d.output, 'assistant');
    if (output) {
      span.outputMessages = output;
      const calls = output.flatMap((m) => m.toolCalls ?? []);
      if (calls.length) span.toolCalls = calls;
    }
    if (!input && d.input !== undefined && d.input !== null) span.input = text(d.input);
    if (!output && d.output !== undefined && d.output !== null) span.output = text(d.output);
  } else if (type === 'function') {
    span.tool = { name: String(d.name ?? span.name) };
    if (d.input !== undefined && d.input !== null) span.tool.arguments = span.input = text(d.input);
    if (d.output !== undefined && d.output !== null) span.tool.result = span.output = text(d.output);
  } else if (type === 'guardrail') {
    const triggered = d.triggered === true;
    span.guards = [{ name: String(d.name ?? span.name), passed: !triggered, ...(triggered ? { action: 'tripwire' } : {}) }];
  } else if (type === 'custom' && d.data !== undefined) {
    span.output = text(d.data);
  } else if (type === 'transcription' || type === 'speech') {
    const model = optStr(d.model);
    if (model) span.model = { ...span.model, requested: model };
  }
}
