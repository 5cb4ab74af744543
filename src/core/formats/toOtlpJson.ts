// Normalised spans out as OTLP JSON Lines: one ExportTraceServiceRequest per line, spans grouped
// by resource and scope, ids as given (OTLP sources give lowercase hex), times as decimal strings
// (exact), attributes as KeyValue lists. Reading the output back gives the same model.
//
// How: every span's raw attributes, events and resource are written as they are. Each span is then
// read back through the OTLP JSON importer on the spot and compared, field by field, with the
// span; a field that does not come back (spans read from LangSmith, Langfuse, a decision log…
// carry their semantic fields outside any attribute) is written as the attributes that carry it,
// in the convention the importer reads first: GenAI (`gen_ai.*`), OpenInference
// (`input.value`, `retrieval.documents.N.document.*`), `session.id`/`user.id`, `code.*`, and
// `tracelens.*` for what no convention has (kind, template, guard, feedback, cost). A raw attribute
// that contradicts the span's own field is moved to `tracelens.shadowed.<key>`, never dropped.
// What still cannot come back is reported per field as `convert.lossy`.

import type { Diagnostic } from '../model/diagnostic';
import type { AttrValue, Attributes, Message, Span, SpanEvent } from '../model/span';
import { newAttributes } from './anyValue';
import { str } from './attrs';
import { importOtlpValue } from './otlpJson';

export interface OtlpJsonOptions {
  /** Spans per export request (line); default 500. */
  spansPerLine?: number;
}

const OTEL_KINDS = ['UNSPECIFIED', 'INTERNAL', 'SERVER', 'CLIENT', 'PRODUCER', 'CONSUMER'];
const STATUS_CODE = { unset: 0, ok: 1, error: 2 } as const;
const SHADOW = 'tracelens.shadowed.';

type Json = Record<string, unknown>;

interface Group {
  resource: Json;
  scopes: Map<string, { scope: Json | undefined; spans: Json[] }>;
}

/**
 * Convert spans to OTLP JSON Lines (without trailing newlines). Diagnostics about what could not
 * be carried go to `diagnostics`.
 */
export function toOtlpJsonLines(spans: readonly Span[], diagnostics: Diagnostic[], opts: OtlpJsonOptions = {}): string[] {
  const perLine = Math.max(1, opts.spansPerLine ?? 500);
  const report = new Report();
  const groups = new Map<string, Group>();
  const resourceCache = new WeakMap<Attributes, { key: string; json: Json }>();
  for (const span of spans) {
    const out = encodeSpan(span, report);
    let res = out.resourceAttrs === span.resource ? resourceCache.get(span.resource) : undefined;
    if (!res) {
      const json = { attributes: keyValues(out.resourceAttrs) };
      res = { key: JSON.stringify(json), json };
      if (span.resource && out.resourceAttrs === span.resource) resourceCache.set(span.resource, res);
    }
    let g = groups.get(res.key);
    if (!g) groups.set(res.key, (g = { resource: res.json, scopes: new Map() }));
    const scopeKey = out.scope === undefined ? '' : JSON.stringify(out.scope);
    let sg = g.scopes.get(scopeKey);
    if (!sg) g.scopes.set(scopeKey, (sg = { scope: out.scope, spans: [] }));
    sg.spans.push(out.span);
  }
  const lines: string[] = [];
  for (const g of groups.values()) {
    for (const sg of g.scopes.values()) {
      for (let i = 0; i < sg.spans.length; i += perLine) {
        const scopeSpans: Json = sg.scope === undefined ? {} : { scope: sg.scope };
        scopeSpans.spans = sg.spans.slice(i, i + perLine);
        lines.push(JSON.stringify({ resourceSpans: [{ resource: g.resource, scopeSpans: [scopeSpans] }] }));
      }
    }
  }
  diagnostics.push(...report.diagnostics());
  return lines;
}

// ---------------------------------------------------------------------------------------------
// One span

interface Draft {
  attrs: Attributes;
  events: SpanEvent[];
  resourceAttrs: Attributes;
  scope: Json | undefined;
  kind?: number;
}

function encodeSpan(span: Span, report: Report): { span: Json; resourceAttrs: Attributes; scope: Json | undefined } {
  const d: Draft = {
    attrs: Object.assign(newAttributes(), span.attributes),
    events: span.events.map((e) => ({ ...e, attributes: e.attributes })),
    resourceAttrs: span.resource ?? newAttributes(),
    scope: span.scope ? dropUndefined({ name: span.scope.name, version: span.scope.version }) : undefined,
  };
  // The OTLP importer turns `kind` into this attribute; write it back as the field.
  const otelKind = d.attrs['otel.span.kind'];
  const kindIndex = typeof otelKind === 'string' ? OTEL_KINDS.indexOf(otelKind) : -1;
  if (kindIndex >= 0) {
    d.kind = kindIndex;
    delete d.attrs['otel.span.kind'];
  }
  if (span.service !== undefined && str(d.resourceAttrs, 'service.name') !== span.service) {
    d.resourceAttrs = Object.assign(newAttributes(), d.resourceAttrs);
    shadow(d.resourceAttrs, 'service.name', report);
    d.resourceAttrs['service.name'] = span.service;
  }
  const want = project(span);
  let mismatched: string[] = [];
  // A written field can change what another reads back (an operation name implies a kind), so
  // compare again after each round of writes.
  for (let round = 0; round < 4; round++) {
    const back = readBack(span, d);
    mismatched = back ? diff(want, project(back)) : ['span'];
    if (mismatched.length === 0) break;
    for (const field of mismatched) WRITERS[field]?.(span, d, report);
  }
  for (const field of mismatched) report.lossy(field, span);
  return { span: spanJson(span, d), resourceAttrs: d.resourceAttrs, scope: d.scope };
}

function spanJson(span: Span, d: Draft): Json {
  const o: Json = { traceId: span.traceId, spanId: span.spanId };
  const parent = span.parentId ?? span.detachedParentId;
  if (parent !== undefined) o.parentSpanId = parent;
  o.name = span.name;
  if (d.kind !== undefined) o.kind = d.kind;
  o.startTimeUnixNano = span.startNs.toString();
  o.endTimeUnixNano = span.endNs.toString();
  o.attributes = keyValues(d.attrs);
  if (d.events.length) {
    o.events = d.events.map((e) => {
      const ev: Json = {};
      if (e.timeNs !== undefined) ev.timeUnixNano = e.timeNs.toString();
      ev.name = e.name;
      ev.attributes = keyValues(e.attributes);
      return ev;
    });
  }
  if (span.links?.length) {
    o.links = span.links.map((l) => ({ traceId: l.traceId, spanId: l.spanId, attributes: keyValues(l.attributes) }));
  }
  const status: Json = {};
  if (span.status !== 'unset') status.code = STATUS_CODE[span.status];
  if (span.statusMessage !== undefined) status.message = span.statusMessage;
  o.status = status;
  return o;
}

/** What the OTLP JSON importer makes of the draft, exactly as it will when the output is read. */
function readBack(span: Span, d: Draft): Span | undefined {
  // One span alone: the importer keeps parentSpanId as parentId (no tree to detach it from).
  const value = {
    resourceSpans: [
      {
        resource: { attributes: keyValues(d.resourceAttrs) },
        scopeSpans: [{ ...(d.scope === undefined ? {} : { scope: d.scope }), spans: [spanJson(span, d)] }],
      },
    ],
  };
  // Through a JSON string, as the file will be: values JSON cannot carry show up here.
  const parsed: unknown = JSON.parse(JSON.stringify(value));
  return importOtlpValue(parsed, { text: '', line: 1, byteStart: 0, byteEnd: 0 }, [])[0];
}

// ---------------------------------------------------------------------------------------------
// Fields compared, and how each is written when it does not come back

/** The semantic fields of a span as canonical JSON text per field (undefined keys dropped). */
function project(s: Span): Record<string, string> {
  const fields: Record<string, unknown> = {
    // Opaque ids are written as given; one the importer would re-read as hex or base64 is reported.
    ids: [s.traceId, s.spanId, s.parentId ?? s.detachedParentId],
    name: s.name,
    kind: s.kind,
    times: [s.startNs.toString(), s.endNs.toString()],
    status: [s.status, s.statusMessage],
    service: s.service,
    operation: s.operation,
    sessionId: s.sessionId,
    userId: s.userId,
    model: s.model,
    usage: s.usage,
    cost: s.cost,
    inputMessages: s.inputMessages,
    outputMessages: s.outputMessages,
    toolCalls: s.toolCalls,
    tool: s.tool,
    documents: s.documents,
    template: s.template,
    code: s.code,
    guards: s.guards,
    feedback: s.feedback,
    exception: s.exception,
    links: s.links,
    input: s.input,
    output: s.output,
  };
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(fields)) out[k] = canonical(v);
  return out;
}

function diff(a: Record<string, string>, b: Record<string, string>): string[] {
  return Object.keys(a).filter((k) => a[k] !== b[k]);
}

/** JSON with sorted keys and undefined members dropped, so equal values compare equal as text. */
export function canonical(v: unknown): string {
  return JSON.stringify(sortKeys(v)) ?? 'undefined';
}

function sortKeys(v: unknown): unknown {
  if (typeof v === 'bigint') return v.toString();
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v).sort()) {
      const x = (v as Record<string, unknown>)[k];
      if (x !== undefined) out[k] = sortKeys(x);
    }
    return out;
  }
  return v;
}

type Writer = (span: Span, d: Draft, report: Report) => void;

// The keys each field is read from, first present wins (as in mapSemantics and its helpers).
const KEYS = {
  operation: ['gen_ai.operation.name', 'llm.request.type'],
  session: [
    'session.id',
    'gen_ai.conversation.id',
    'langfuse.session.id',
    'traceloop.association.properties.session_id',
    'langsmith.trace.session_id',
  ],
  user: ['user.id', 'enduser.id', 'langfuse.user.id', 'traceloop.association.properties.user_id'],
  provider: ['gen_ai.provider.name', 'gen_ai.system', 'llm.provider', 'llm.system'],
  requested: ['gen_ai.request.model', 'llm.request.model_name', 'llm.model_name', 'llm.request.model'],
  returned: ['gen_ai.response.model', 'llm.response.model_name', 'llm.response.model'],
  usage: {
    input: ['gen_ai.usage.input_tokens', 'gen_ai.usage.prompt_tokens', 'llm.token_count.prompt', 'llm.usage.prompt_tokens'],
    output: ['gen_ai.usage.output_tokens', 'gen_ai.usage.completion_tokens', 'llm.token_count.completion', 'llm.usage.completion_tokens'],
    cacheRead: [
      'gen_ai.usage.cache_read.input_tokens',
      'gen_ai.usage.cache_read_input_tokens',
      'llm.token_count.prompt_details.cache_read',
    ],
    cacheWrite: ['gen_ai.usage.cache_creation.input_tokens', 'llm.token_count.prompt_details.cache_write'],
    reasoning: ['gen_ai.usage.reasoning_output_tokens', 'gen_ai.usage.reasoning_tokens', 'llm.token_count.completion_details.reasoning'],
    total: ['gen_ai.usage.total_tokens', 'llm.token_count.total', 'llm.usage.total_tokens'],
  },
  cost: ['tracelens.cost.usd', 'gen_ai.usage.cost', 'llm.cost.total'],
  tool: {
    name: ['gen_ai.tool.name', 'tool.name', 'traceloop.entity.name'],
    id: ['gen_ai.tool.call.id', 'tool.id', 'tool_call.id'],
    arguments: ['gen_ai.tool.call.arguments', 'tool.parameters'],
    result: ['gen_ai.tool.call.result'],
  },
  template: {
    name: ['tracelens.template.name', 'gen_ai.prompt.name', 'traceloop.prompt.key', 'langfuse.observation.prompt.name'],
    version: [
      'tracelens.template.version',
      'llm.prompt_template.version',
      'traceloop.prompt.version',
      'langfuse.observation.prompt.version',
    ],
    path: ['tracelens.template.path'],
    text: ['tracelens.template.text', 'llm.prompt_template.template', 'traceloop.prompt.template'],
    variables: ['llm.prompt_template.variables', 'traceloop.prompt.template_variables'],
  },
  code: {
    file: ['code.file.path', 'code.filepath'],
    line: ['code.line.number', 'code.lineno'],
    column: ['code.column.number', 'code.column'],
    function: ['code.function.name', 'code.function'],
    namespace: ['code.namespace'],
    repository: ['vcs.repository.url.full', 'vcs.repository.url'],
    revision: ['vcs.ref.head.revision', 'vcs.repository.ref.revision'],
  },
  guard: {
    name: 'tracelens.guard.name',
    passed: 'tracelens.guard.passed',
    action: 'tracelens.guard.action',
    reason: 'tracelens.guard.reason',
  },
  feedbackAttrs: [
    'tracelens.feedback.name',
    'tracelens.feedback.score',
    'tracelens.feedback.label',
    'tracelens.feedback.comment',
    'tracelens.feedback.source',
  ],
  feedbackEvents: ['gen_ai.evaluation.result', 'tracelens.feedback'],
  exception: ['exception.type', 'exception.message', 'exception.stacktrace', 'error.type'],
  input: ['input.value', 'traceloop.entity.input', 'langfuse.observation.input', 'gen_ai.retrieval.query.text'],
  output: ['output.value', 'traceloop.entity.output', 'langfuse.observation.output'],
  inputMessages: ['gen_ai.input.messages', 'gen_ai.system_instructions', 'gen_ai.prompt'],
  inputPrefixes: ['llm.input_messages.', 'gen_ai.prompt.'],
  outputMessages: ['gen_ai.output.messages', 'gen_ai.completion'],
  outputPrefixes: ['llm.output_messages.', 'gen_ai.completion.'],
} as const;

/**
 * Write a field read from `keys`, first present wins: set the first key (it takes precedence, so
 * later keys may stay), or, to leave the field unset, shadow every key that would set it.
 */
function setFirst(d: Draft, keys: readonly string[], value: AttrValue | undefined, report: Report): void {
  const current = d.attrs[keys[0]];
  if (value === undefined) {
    for (const k of keys) shadow(d.attrs, k, report);
    return;
  }
  if (current !== undefined && canonical(current) !== canonical(value)) shadow(d.attrs, keys[0], report);
  d.attrs[keys[0]] = value;
}

function shadow(a: Attributes, key: string, report: Report): void {
  if (!(key in a)) return;
  a[SHADOW + key] = a[key];
  delete a[key];
  report.shadowed++;
}

/** Shadow `prefix` + digit… keys (indexed list attributes). */
function shadowIndexed(a: Attributes, prefix: string, report: Report): void {
  for (const k of Object.keys(a)) if (k.startsWith(prefix) && /^\d/.test(k.slice(prefix.length))) shadow(a, k, report);
}

function shadowEvents(d: Draft, names: readonly string[], report: Report): void {
  for (const e of d.events) {
    if (!names.includes(e.name)) continue;
    e.name = SHADOW + e.name;
    report.shadowed++;
  }
}

function messagesJson(ms: Message[]): string {
  return JSON.stringify(
    ms.map((m) => {
      const parts: Json[] = [];
      if (m.content !== '' || !m.toolCalls?.length) parts.push({ type: 'text', content: m.content });
      for (const c of m.toolCalls ?? []) parts.push(dropUndefined({ type: 'tool_call', id: c.id, name: c.name, arguments: c.arguments }));
      return dropUndefined({ role: m.role, parts, name: m.name, tool_call_id: m.toolCallId, finish_reason: m.finishReason });
    }),
  );
}

const WRITERS: Record<string, Writer> = {
  kind: (s, d) => {
    d.attrs['tracelens.span.kind'] = s.kind;
  },
  operation: (s, d, r) => setFirst(d, KEYS.operation, s.operation, r),
  sessionId: (s, d, r) => setFirst(d, KEYS.session, s.sessionId, r),
  userId: (s, d, r) => setFirst(d, KEYS.user, s.userId, r),
  model: (s, d, r) => {
    setFirst(d, KEYS.provider, s.model?.provider, r);
    setFirst(d, KEYS.requested, s.model?.requested, r);
    setFirst(d, KEYS.returned, s.model?.returned, r);
  },
  usage: (s, d, r) => {
    for (const [field, keys] of Object.entries(KEYS.usage)) setFirst(d, keys, s.usage?.[field as keyof typeof KEYS.usage], r);
  },
  cost: (s, d, r) => setFirst(d, KEYS.cost, s.cost, r),
  inputMessages: (s, d, r) => {
    // System instructions are prepended to whatever the messages key holds: never leave them.
    shadow(d.attrs, 'gen_ai.system_instructions', r);
    setFirst(d, KEYS.inputMessages, s.inputMessages ? messagesJson(s.inputMessages) : undefined, r);
    if (!s.inputMessages) {
      for (const p of KEYS.inputPrefixes) shadowIndexed(d.attrs, p, r);
      shadowEvents(d, ['gen_ai.content.prompt'], r);
    }
  },
  outputMessages: (s, d, r) => {
    setFirst(d, KEYS.outputMessages, s.outputMessages ? messagesJson(s.outputMessages) : undefined, r);
    if (!s.outputMessages) {
      for (const p of KEYS.outputPrefixes) shadowIndexed(d.attrs, p, r);
      shadowEvents(d, ['gen_ai.content.completion'], r);
    }
  },
  tool: (s, d, r) => {
    for (const [field, keys] of Object.entries(KEYS.tool)) setFirst(d, keys, s.tool?.[field as keyof typeof KEYS.tool], r);
  },
  documents: (s, d, r) => {
    shadowIndexed(d.attrs, 'retrieval.documents.', r);
    (s.documents ?? []).forEach((doc, i) => {
      const p = `retrieval.documents.${i}.document.`;
      if (doc.id !== undefined) d.attrs[p + 'id'] = doc.id;
      if (doc.uri !== undefined) d.attrs[p + 'uri'] = doc.uri;
      if (doc.score !== undefined) d.attrs[p + 'score'] = doc.score;
      if (doc.content !== undefined) d.attrs[p + 'content'] = doc.content;
      if (doc.metadata !== undefined) d.attrs[p + 'metadata'] = JSON.stringify(doc.metadata);
    });
  },
  template: (s, d, r) => {
    const t = s.template;
    setFirst(d, KEYS.template.name, t?.name, r);
    setFirst(d, KEYS.template.version, t?.version, r);
    setFirst(d, KEYS.template.path, t?.path, r);
    setFirst(d, KEYS.template.text, t?.text, r);
    setFirst(d, KEYS.template.variables, t?.variables ? JSON.stringify(t.variables) : undefined, r);
  },
  code: (s, d, r) => {
    for (const [field, keys] of Object.entries(KEYS.code)) setFirst(d, keys, s.code?.[field as keyof typeof KEYS.code], r);
  },
  guards: (s, d, r) => {
    const g = s.guards?.length === 1 ? s.guards[0] : undefined;
    const k = KEYS.guard;
    setFirst(d, [k.name], g?.name, r);
    setFirst(d, [k.passed], g?.passed, r);
    setFirst(d, [k.action], g?.action, r);
    setFirst(d, [k.reason], g?.reason, r);
  },
  feedback: (s, d, r) => {
    for (const k of KEYS.feedbackAttrs) shadow(d.attrs, k, r);
    shadowIndexed(d.attrs, 'annotations.', r);
    shadowEvents(d, KEYS.feedbackEvents, r);
    for (const f of s.feedback ?? []) {
      const attributes = newAttributes();
      for (const [k, v] of Object.entries(f)) if (v !== undefined) attributes[`tracelens.feedback.${k}`] = v as AttrValue;
      d.events.push({ name: 'tracelens.feedback', attributes });
    }
  },
  exception: (s, d, r) => {
    shadowEvents(d, ['exception'], r);
    for (const k of KEYS.exception) shadow(d.attrs, k, r);
    const e = s.exception;
    if (!e) return;
    const attributes = newAttributes();
    if (e.type !== undefined) attributes['exception.type'] = e.type;
    if (e.message !== undefined) attributes['exception.message'] = e.message;
    if (e.stacktrace !== undefined) attributes['exception.stacktrace'] = e.stacktrace;
    d.events.push({ name: 'exception', timeNs: s.endNs, attributes });
  },
  input: (s, d, r) => setFirst(d, KEYS.input, s.input, r),
  output: (s, d, r) => setFirst(d, KEYS.output, s.output, r),
};
// Tool calls are read from the output messages: writing those writes them.
WRITERS.toolCalls = WRITERS.outputMessages;

// ---------------------------------------------------------------------------------------------
// Values

function keyValues(a: Attributes): Json[] {
  return Object.keys(a).map((key) => ({ key, value: anyValue(a[key]) }));
}

function anyValue(v: AttrValue): Json {
  if (v === null || v === undefined) return {};
  switch (typeof v) {
    case 'string':
      return { stringValue: v };
    case 'boolean':
      return { boolValue: v };
    case 'number':
      if (Number.isSafeInteger(v)) return { intValue: String(v) };
      // JSON has no NaN or infinities; protobuf JSON writes them as strings.
      return { doubleValue: Number.isFinite(v) ? v : String(v) };
  }
  if (Array.isArray(v)) return { arrayValue: { values: v.map(anyValue) } };
  return { kvlistValue: { values: keyValues(v) } };
}

function dropUndefined<T extends Json>(o: T): T {
  for (const k of Object.keys(o)) if (o[k] === undefined) delete o[k];
  return o;
}

// ---------------------------------------------------------------------------------------------
// What could not be carried, summarised per field

class Report {
  shadowed = 0;
  private readonly lossyFields = new Map<string, { count: number; example: Span }>();

  lossy(field: string, span: Span): void {
    const e = this.lossyFields.get(field);
    if (e) e.count++;
    else this.lossyFields.set(field, { count: 1, example: span });
  }

  diagnostics(): Diagnostic[] {
    const out: Diagnostic[] = [];
    for (const [field, { count, example }] of this.lossyFields) {
      out.push({
        severity: 'warning',
        code: 'convert.lossy',
        message: `${count} span(s) have a ${field} that no OTLP attribute carries back as it is (first: span ${example.spanId} of trace ${example.traceId}); it will read back differently`,
        line: example.range?.line,
        offset: example.range?.byteStart,
      });
    }
    if (this.shadowed > 0) {
      out.push({
        severity: 'info',
        code: 'convert.shadowed',
        message: `${this.shadowed} raw attribute(s) or event(s) contradicted their span's fields; they are kept under the name ${SHADOW}<name>`,
      });
    }
    return out;
  }
}
