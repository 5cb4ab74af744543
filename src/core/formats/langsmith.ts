// LangSmith runs: `{post:[…], patch:[…]}` ingest batches (a run's post and patch merged by id,
// also across JSON Lines records), arrays of runs, `{runs:[…]}`, single runs, nested `child_runs`
// (JS SDK, LangChain tracer), and feedback objects. Times are ISO-8601 (Python) or epoch ms (JS);
// `dotted_order` (`<YYYYMMDDTHHMMSSffffff>Z<run id>` per ancestor) fills a missing id, parent,
// trace or start time. A run reads as the span LangSmith's own OTel exporter would send:
// `langsmith.span.kind`, `langsmith.metadata.*`, inputs/outputs as `gen_ai.prompt`/`gen_ai.completion`
// JSON; every other run field is kept under `langsmith.run.*` / `langsmith.extra.*`.

import type { Diagnostic } from '../model/diagnostic';
import type { Feedback, Span, SpanEvent, StatusCode, TemplateRef } from '../model/span';
import { newAttributes, plainToAttr } from './anyValue';
import { text } from './attrs';
import type { ImportSink, RecordImporter, SourceRecord } from './importResult';
import { asArr, asObj, clampEnd, diag, idStr, keepRest, type Obj, optStr, recordRange, sinkState } from './jsonShapes';
import { fillUsage } from './mapLlm';
import { mapSemantics } from './mapSemantics';
import { nanosFromIso, nanosFromIsoOrEpoch } from './time';

const MAX_DEPTH = 64;

export function isLangSmithRun(v: unknown): boolean {
  const o = asObj(v);
  return (
    !!o &&
    typeof o.run_type === 'string' &&
    ('id' in o || 'dotted_order' in o || 'trace_id' in o || 'parent_run_id' in o || 'start_time' in o)
  );
}

export function isLangSmithFeedback(v: unknown): boolean {
  const o = asObj(v);
  return (
    !!o &&
    !('run_type' in o) &&
    !('step_id' in o) &&
    typeof o.run_id === 'string' &&
    typeof o.key === 'string' &&
    ('score' in o || 'value' in o || 'feedback_source' in o || 'comment' in o)
  );
}

export function isLangSmith(value: unknown): boolean {
  if (Array.isArray(value)) return value.length > 0 && (isLangSmithRun(value[0]) || isLangSmithFeedback(value[0]));
  const o = asObj(value);
  if (!o) return false;
  if (Array.isArray(o.post) || Array.isArray(o.patch)) return true;
  if (Array.isArray(o.runs) && isLangSmithRun(o.runs[0])) return true;
  return isLangSmithRun(o) || isLangSmithFeedback(o);
}

interface Inherited {
  parentId?: string;
  traceId?: string;
}
interface Item {
  raw: Obj;
  inherited?: Inherited;
}
interface Known {
  raw: Obj;
  inherited?: Inherited;
  index: number;
  feedback: Feedback[];
}
interface State {
  runs: Map<string, Known>;
}
const STATE = new WeakMap<ImportSink, State>();

export const importLangSmithValue: RecordImporter = (value, rec, sink) => {
  const st = sinkState(STATE, sink, () => ({ runs: new Map<string, Known>() }));
  const items: Item[] = [];
  const feedback: Obj[] = [];
  gather(value, items, feedback, rec, sink.diagnostics);
  // Merge the record's own posts and patches first, in first-seen order.
  const merged = new Map<string, Item>();
  for (const it of items) {
    const key = runKey(it.raw);
    if (!key) {
      sink.diagnostics.push(
        diag(rec, 'error', 'span.noId', `LangSmith run "${String(it.raw.name ?? '')}" has no id or dotted_order; skipped`),
      );
      continue;
    }
    const prev = merged.get(key);
    merged.set(key, prev ? { raw: mergeRun(prev.raw, it.raw), inherited: prev.inherited ?? it.inherited } : it);
  }
  for (const [key, it] of merged) {
    const known = st.runs.get(key);
    if (known) {
      // A patch (or re-post) in a later record: rebuild the span in place.
      known.raw = mergeRun(known.raw, it.raw);
      known.inherited ??= it.inherited;
      const span = buildSpan(key, known.raw, known.inherited, known.feedback, rec, sink.diagnostics);
      // The run's source is where it was first posted (its start, inputs); the patch only completes it.
      span.range = sink.spans[known.index].range;
      sink.spans[known.index] = span;
    } else {
      const entry: Known = { raw: it.raw, inherited: it.inherited, index: sink.spans.length, feedback: [] };
      st.runs.set(key, entry);
      sink.spans.push(buildSpan(key, it.raw, it.inherited, entry.feedback, rec, sink.diagnostics));
    }
  }
  let unmatched = 0;
  for (const f of feedback) {
    const known = st.runs.get(String(f.run_id));
    if (!known) {
      unmatched++;
      continue;
    }
    const fb = feedbackOf(f);
    known.feedback.push(fb);
    const span = sink.spans[known.index];
    span.feedback = [...(span.feedback ?? []), fb];
  }
  if (unmatched) {
    sink.diagnostics.push(
      diag(rec, 'info', 'feedback.noRun', `${unmatched} LangSmith feedback item(s) refer to runs that are not in this source`),
    );
  }
};

/** Runs (with nested child_runs flattened) and feedback objects of one record. */
function gather(value: unknown, items: Item[], feedback: Obj[], rec: SourceRecord, diags: Diagnostic[]): void {
  const o = asObj(value);
  let top: unknown[];
  if (Array.isArray(value)) top = value;
  else if (o && (Array.isArray(o.post) || Array.isArray(o.patch))) {
    top = [...asArr(o.post), ...asArr(o.patch)];
    for (const f of asArr(o.feedback)) if (isLangSmithFeedback(f)) feedback.push(f as Obj);
  } else if (o && Array.isArray(o.runs)) top = o.runs;
  else top = [value];
  let bad = 0;
  const stack: { v: unknown; inherited?: Inherited; depth: number }[] = top.map((v) => ({ v, depth: 0 })).reverse();
  while (stack.length) {
    const { v, inherited, depth } = stack.pop()!;
    const r = asObj(v);
    if (r && isLangSmithFeedback(r)) {
      feedback.push(r);
      continue;
    }
    if (!r) {
      bad++;
      continue;
    }
    items.push({ raw: r, inherited });
    const children = asArr(r.child_runs);
    if (children.length && depth < MAX_DEPTH) {
      const key = runKey(r);
      const traceId = idStr(r.trace_id) ?? parseDotted(r.dotted_order)?.[0]?.id ?? inherited?.traceId ?? key;
      for (let i = children.length - 1; i >= 0; i--)
        stack.push({ v: children[i], inherited: { parentId: key, traceId }, depth: depth + 1 });
    }
  }
  if (bad)
    diags.push(diag(rec, 'error', 'record.notObject', `${bad} LangSmith run entr${bad === 1 ? 'y is' : 'ies are'} not objects; skipped`));
}

function runKey(r: Obj): string | undefined {
  const segs = parseDotted(r.dotted_order);
  return idStr(r.id) ?? segs?.[segs.length - 1]?.id;
}

/** Later values win, except where the later one carries nothing (null, missing, `{}`, `[]`). */
function mergeRun(a: Obj, b: Obj): Obj {
  // Null-prototype: a `__proto__` key in the data is a plain field here.
  const out: Obj = Object.assign(Object.create(null) as Obj, a);
  for (const [k, v] of Object.entries(b)) {
    if (v === null || v === undefined) continue;
    if (typeof v === 'object' && Object.keys(v).length === 0 && out[k] !== undefined && out[k] !== null) continue;
    const ea = asObj(out[k]);
    const eb = asObj(v);
    out[k] = k === 'extra' && ea && eb ? { ...ea, ...eb, metadata: { ...(asObj(ea.metadata) ?? {}), ...(asObj(eb.metadata) ?? {}) } } : v;
  }
  return out;
}

const DOTTED = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})(\d{1,9})Z(.+)$/;

/** `dotted_order` segments from root to self: each run id and its start time. */
export function parseDotted(raw: unknown): { id: string; startNs?: bigint }[] | undefined {
  if (typeof raw !== 'string' || raw.length === 0) return undefined;
  const out: { id: string; startNs?: bigint }[] = [];
  // Run ids are UUIDs (no dots); split on the dots between segments.
  for (const seg of raw.split('.')) {
    const m = DOTTED.exec(seg);
    if (!m) return undefined;
    const [, y, mo, d, h, mi, s, frac, id] = m;
    out.push({ id, startNs: nanosFromIso(`${y}-${mo}-${d}T${h}:${mi}:${s}.${frac}Z`) });
  }
  return out;
}

const KNOWN_FIELDS = new Set([
  'id',
  'trace_id',
  'parent_run_id',
  'dotted_order',
  'name',
  'run_type',
  'start_time',
  'end_time',
  'inputs',
  'outputs',
  'error',
  'extra',
  'events',
  'tags',
  'session_name',
  'session_id',
  'child_runs',
  'feedback_stats',
]);

function buildSpan(
  key: string,
  r: Obj,
  inherited: Inherited | undefined,
  feedback: Feedback[],
  rec: SourceRecord,
  diags: Diagnostic[],
): Span {
  const dotted = parseDotted(r.dotted_order);
  const traceId = idStr(r.trace_id) ?? dotted?.[0]?.id ?? inherited?.traceId ?? key;
  const parentId =
    idStr(r.parent_run_id) ?? (dotted && dotted.length > 1 ? dotted[dotted.length - 2].id : undefined) ?? inherited?.parentId;
  let startNs = nanosFromIsoOrEpoch(r.start_time, 'ms') ?? dotted?.[dotted.length - 1]?.startNs;
  const endRaw = nanosFromIsoOrEpoch(r.end_time, 'ms');
  if (startNs === undefined) {
    diags.push(diag(rec, 'warning', 'span.noTime', `LangSmith run ${key} has no start time`, key));
    startNs = endRaw ?? 0n;
  }
  const error = optStr(r.error) ?? (typeof r.error === 'object' && r.error ? text(r.error) : undefined);
  const status: StatusCode = error || r.status === 'error' ? 'error' : endRaw !== undefined || r.status === 'success' ? 'ok' : 'unset';

  const a = newAttributes();
  if (typeof r.run_type === 'string') a['langsmith.span.kind'] = r.run_type;
  if (typeof r.dotted_order === 'string') a['langsmith.span.dotted_order'] = r.dotted_order;
  if (typeof r.session_name === 'string') a['langsmith.trace.session_name'] = r.session_name;
  if (idStr(r.session_id)) a['langsmith.trace.session_id'] = idStr(r.session_id)!;
  if (asArr(r.tags).length) a['langsmith.span.tags'] = plainToAttr(r.tags);
  const extra = asObj(r.extra) ?? {};
  const metadata = asObj(extra.metadata) ?? {};
  for (const [k, v] of Object.entries(metadata)) if (v !== null && v !== undefined) a[`langsmith.metadata.${k}`] = plainToAttr(v);
  keepRest(a, extra, new Set(['metadata']), 'langsmith.extra.');
  const inputs = asObj(r.inputs);
  const outputs = asObj(r.outputs);
  const inputText = inputs && Object.keys(inputs).length ? JSON.stringify(inputs) : undefined;
  const outputText = outputs && Object.keys(outputs).length ? JSON.stringify(outputs) : undefined;
  if (inputText) a['gen_ai.prompt'] = inputText;
  if (outputText) a['gen_ai.completion'] = outputText;
  if (r.inputs !== undefined && r.inputs !== null && !inputs) a['langsmith.run.inputs'] = plainToAttr(r.inputs);
  if (r.outputs !== undefined && r.outputs !== null && !outputs) a['langsmith.run.outputs'] = plainToAttr(r.outputs);
  if (r.feedback_stats !== undefined && r.feedback_stats !== null) a['langsmith.run.feedback_stats'] = plainToAttr(r.feedback_stats);
  if (error) a['langsmith.run.error'] = error;
  keepRest(a, r, KNOWN_FIELDS, 'langsmith.run.');

  const span: Span = {
    traceId,
    spanId: key,
    parentId: parentId === key ? undefined : parentId,
    name: typeof r.name === 'string' ? r.name : '',
    kind: 'span',
    startNs,
    endNs: endRaw ?? startNs,
    status,
    statusMessage: error ? firstLine(error) : undefined,
    exception: error && error.includes('\n') ? { message: firstLine(error), stacktrace: error } : error ? { message: error } : undefined,
    input: inputText,
    output: outputText,
    attributes: a,
    events: asArr(r.events).map(eventOf),
    range: recordRange(rec),
  };
  clampEnd(span, rec, diags);
  mapSemantics(span);
  afterMapping(span, r, inputs, outputs, extra, metadata, feedback);
  return span;
}

function afterMapping(span: Span, r: Obj, inputs: Obj | undefined, outputs: Obj | undefined, extra: Obj, md: Obj, fb: Feedback[]): void {
  span.usage ??= usageOf(r, outputs);
  if (span.kind === 'llm' || span.kind === 'embedding') {
    const params = asObj(extra.invocation_params);
    const requested = optStr(md.ls_model_name) ?? optStr(params?.model) ?? optStr(params?.model_name) ?? optStr(inputs?.model);
    const returned = optStr(outputs?.model) ?? optStr(asObj(outputs?.llm_output)?.model_name);
    if (requested || returned) {
      span.model = { ...span.model };
      span.model.requested ??= requested ?? returned;
      if (returned) span.model.returned ??= returned;
    }
  }
  if (typeof r.total_cost === 'number') span.cost ??= r.total_cost;
  if (span.kind === 'tool' && !span.tool) {
    span.tool = { name: span.name, arguments: text(inputs?.input ?? inputs), result: text(outputs?.output ?? outputs) };
  }
  if (span.kind === 'prompt') {
    const hub = templateOf(r, md);
    if (hub) span.template = { ...hub, ...span.template };
  }
  const feedback = [...feedbackStats(r.feedback_stats), ...fb];
  if (feedback.length) span.feedback = [...(span.feedback ?? []), ...feedback];
  for (const k of Object.keys(span) as (keyof Span)[]) if (span[k] === undefined) delete span[k];
}

/** usage_metadata (LangChain) → fetched-run token fields → OpenAI `usage` / `llm_output.token_usage`. */
function usageOf(r: Obj, outputs: Obj | undefined): Span['usage'] {
  const u = {};
  fillUsage(u, outputs?.usage_metadata);
  fillUsage(u, {
    prompt_tokens: r.prompt_tokens,
    completion_tokens: r.completion_tokens,
    total_tokens: r.total_tokens,
    input_token_details: r.prompt_token_details,
    output_token_details: r.completion_token_details,
  });
  fillUsage(u, outputs?.usage);
  fillUsage(u, asObj(outputs?.llm_output)?.token_usage);
  return Object.keys(u).length ? u : undefined;
}

/** Hub name/version (metadata) and template text (serialized prompt) of a prompt run; variables come from the mapping. */
function templateOf(r: Obj, md: Obj): TemplateRef | undefined {
  const t: TemplateRef = {};
  const repo = optStr(md.lc_hub_repo);
  if (repo) t.name = optStr(md.lc_hub_owner) ? `${String(md.lc_hub_owner)}/${repo}` : repo;
  const version = optStr(md.lc_hub_commit_hash);
  if (version) t.version = version;
  const textOf = findTemplateText(r.serialized, 0);
  if (textOf) t.text = textOf;
  return Object.keys(t).length ? t : undefined;
}

/** The first `template` string inside a serialized LangChain prompt (`kwargs.template`). */
function findTemplateText(v: unknown, depth: number): string | undefined {
  if (depth > 12 || !v || typeof v !== 'object') return undefined;
  if (Array.isArray(v)) {
    for (const x of v) {
      const t = findTemplateText(x, depth + 1);
      if (t) return t;
    }
    return undefined;
  }
  const o = v as Obj;
  if (typeof o.template === 'string' && o.template) return o.template;
  for (const x of Object.values(o)) {
    const t = findTemplateText(x, depth + 1);
    if (t) return t;
  }
  return undefined;
}

function feedbackStats(raw: unknown): Feedback[] {
  const o = asObj(raw);
  if (!o) return [];
  const out: Feedback[] = [];
  for (const [name, s] of Object.entries(o)) {
    const so = asObj(s);
    if (!so) continue;
    const f: Feedback = { name, source: 'langsmith.feedback_stats' };
    if (typeof so.avg === 'number') f.score = so.avg;
    if (typeof so.n === 'number') f.comment = `${so.n} rating${so.n === 1 ? '' : 's'}`;
    out.push(f);
  }
  return out;
}

function feedbackOf(f: Obj): Feedback {
  const fb: Feedback = { name: String(f.key) };
  if (typeof f.score === 'number') fb.score = f.score;
  else if (typeof f.score === 'boolean') fb.score = f.score ? 1 : 0;
  const label = f.value === undefined || f.value === null ? undefined : text(f.value);
  if (label) fb.label = label;
  const comment = optStr(f.comment);
  if (comment) fb.comment = comment;
  const source = optStr(asObj(f.feedback_source)?.type);
  if (source) fb.source = source;
  return fb;
}

function eventOf(raw: unknown): SpanEvent {
  const e = asObj(raw) ?? {};
  const attributes = newAttributes();
  for (const [k, v] of Object.entries(asObj(e.kwargs) ?? {})) attributes[k] = plainToAttr(v);
  keepRest(attributes, e, new Set(['name', 'time', 'kwargs']), '');
  return { name: typeof e.name === 'string' ? e.name : '', timeNs: nanosFromIsoOrEpoch(e.time, 'ms'), attributes };
}

function firstLine(s: string): string {
  const line = s.trim().split('\n')[0] ?? '';
  return line.length > 500 ? `${line.slice(0, 500)}…` : line;
}
