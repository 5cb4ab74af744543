// The span detail page's model: one span as the page shows it (messages by role with their tool
// calls and results, documents, guards, feedback, events, attributes), every value masked for
// secrets and cut to a readable length. The whole values are kept beside the model under ids, so
// the page asks for "Open full value" by id and the host can rebuild them from the span alone.

import type {
  DetailDocument,
  DetailFeedback,
  DetailMessage,
  DetailRole,
  DetailRow,
  DetailText,
  DetailToolCall,
  SpanDetailModel,
} from '../model/spanDetail';
import type { AttrValue, Attributes, Feedback, Message, Span, ToolCall } from '../model/span';
import { formatDurationNs, isoFromNanos } from '../formats/time';
import { codeLocationsForSpan } from '../code/spanCode';
import { isSecretKey, MASK, maskSecretText, maskSecretValue } from './maskSecrets';
import { lookupTable } from '../formats/lookupTable';

/** Values longer than this are cut in the page; the rest opens by id. */
export const DETAIL_VALUE_CHARS = 4000;
/** Rows kept per attribute table and items per list: a span is not a database. */
const MAX_ROWS = 1000;
const MAX_ITEMS = 500;

export interface SpanDetailOptions {
  sourceLabel?: string;
  maxValueChars?: number;
}

export interface BuiltSpanDetail {
  model: SpanDetailModel;
  /** Every value that was cut, whole (masked), by the id the model names. */
  fullValues: Map<string, string>;
}

const ROLES = lookupTable<DetailRole>({
  system: 'system',
  developer: 'system',
  user: 'user',
  human: 'user',
  assistant: 'assistant',
  ai: 'assistant',
  model: 'assistant',
  tool: 'tool',
  function: 'tool',
  ipython: 'tool',
});

export function roleClass(role: string): DetailRole {
  return ROLES[role.toLowerCase()] ?? 'other';
}

/** JSON text shown pretty-printed; anything else as it is. */
function pretty(value: string): { text: string; json: boolean } {
  const t = value.trim();
  if ((t.startsWith('{') && t.endsWith('}')) || (t.startsWith('[') && t.endsWith(']'))) {
    try {
      return { text: JSON.stringify(JSON.parse(t), null, 2), json: true };
    } catch {
      /* not JSON after all */
    }
  }
  return { text: value, json: false };
}

function safeIso(ns: bigint): string {
  try {
    return isoFromNanos(ns);
  } catch {
    return String(ns);
  }
}

function offsetOf(ns: bigint, start: bigint): string {
  const d = ns - start;
  return d < 0n ? `−${formatDurationNs(-d)}` : `+${formatDurationNs(d)}`;
}

export function sentimentOf(f: Feedback): DetailFeedback['sentiment'] {
  if (typeof f.score === 'number') return f.score < 0 ? 'negative' : f.score > 0 ? 'positive' : 'neutral';
  const l = `${f.label ?? ''}`.toLowerCase();
  if (/neg|bad|down|wrong|👎|dislike|incorrect/.test(l)) return 'negative';
  if (/pos|good|up|correct|👍|like|helpful/.test(l)) return 'positive';
  return 'neutral';
}

class Builder {
  readonly fullValues = new Map<string, string>();
  constructor(private readonly max: number) {}

  /** A value for the page: masked, pretty-printed when JSON, cut with its whole kept under `id`. */
  text(raw: string, id: string, opts: { json?: boolean } = {}): DetailText {
    const p = opts.json === false ? { text: raw, json: false } : pretty(raw);
    const masked = maskSecretText(p.text);
    const out: DetailText = { text: masked };
    if (p.json) out.json = true;
    if (masked.length > this.max) {
      let end = this.max;
      const c = masked.charCodeAt(end - 1);
      if (c >= 0xd800 && c <= 0xdbff) end--; // never split a surrogate pair
      out.text = masked.slice(0, end);
      out.fullLength = masked.length;
      out.valueId = id;
      this.fullValues.set(id, masked);
    }
    return out;
  }

  /** An attribute value: secret-named keys masked whole, strings as text, the rest as JSON. */
  attr(key: string, value: AttrValue | undefined, id: string): DetailText {
    if (isSecretKey(key) && value !== null && value !== '' && value !== undefined) return { text: MASK };
    if (typeof value === 'string') return this.text(value, id);
    const masked = maskSecretValue(value);
    const json = typeof masked === 'object' && masked !== null;
    const t = this.text(json ? JSON.stringify(masked, null, 2) : String(masked), id, { json: false });
    return json ? { ...t, json: true } : t;
  }

  rows(attrs: Attributes | undefined, prefix: string): DetailRow[] {
    if (!attrs) return [];
    return Object.keys(attrs)
      .sort()
      .slice(0, MAX_ROWS)
      .map((key, i) => ({ key: maskSecretText(key), value: this.attr(key, attrs[key], `${prefix}.${i}`) }));
  }

  toolCall(c: ToolCall, id: string, results: Map<string, string>): DetailToolCall {
    const out: DetailToolCall = { name: maskSecretText(c.name || '(unnamed tool)') };
    if (c.id) out.id = c.id;
    if (c.arguments) out.arguments = this.text(c.arguments, `${id}.args`);
    const result = c.result ?? (c.id ? results.get(c.id) : undefined);
    if (result) out.result = this.text(result, `${id}.result`);
    return out;
  }

  messages(list: Message[] | undefined, prefix: string, results: Map<string, string>): DetailMessage[] {
    return (list ?? []).slice(0, MAX_ITEMS).map((m, i) => {
      const id = `${prefix}.${i}`;
      const out: DetailMessage = {
        role: maskSecretText(m.role || 'unknown'),
        roleClass: roleClass(m.role || ''),
        toolCalls: (m.toolCalls ?? []).slice(0, MAX_ITEMS).map((c, j) => this.toolCall(c, `${id}.call.${j}`, results)),
      };
      if (m.name) out.name = maskSecretText(m.name);
      if (m.content) out.content = this.text(m.content, `${id}.content`);
      if (m.toolCallId) out.toolCallId = m.toolCallId;
      if (m.finishReason) out.finishReason = m.finishReason;
      return out;
    });
  }
}

/** Tool results by call id, from tool messages anywhere in the span. */
function toolResults(s: Span): Map<string, string> {
  const out = new Map<string, string>();
  for (const m of [...(s.inputMessages ?? []), ...(s.outputMessages ?? [])])
    if (m.toolCallId && m.content && !out.has(m.toolCallId)) out.set(m.toolCallId, m.content);
  return out;
}

const DOC_SOURCE_KEYS = ['source', 'path', 'file', 'source.dataset', 'dataset', 'url'];

function documents(b: Builder, s: Span): DetailDocument[] {
  return (s.documents ?? []).slice(0, MAX_ITEMS).map((d, i) => {
    const meta = d.metadata ?? {};
    const source = DOC_SOURCE_KEYS.map((k) => meta[k]).find((v): v is string => typeof v === 'string' && v !== '');
    const title = typeof meta.title === 'string' ? meta.title : undefined;
    const out: DetailDocument = { rank: i + 1, metadata: b.rows(meta, `doc.${i}.meta`) };
    if (d.id) out.id = maskSecretText(d.id);
    if (title) out.title = maskSecretText(title);
    if (d.uri) out.uri = maskSecretText(d.uri);
    if (source) out.source = maskSecretText(source);
    if (typeof d.score === 'number' && Number.isFinite(d.score)) out.score = d.score;
    if (d.content) out.content = b.text(d.content, `doc.${i}.content`, { json: false });
    return out;
  });
}

const str = (a: Attributes, key: string): string | undefined => (typeof a[key] === 'string' ? (a[key] as string) : undefined);

export function buildSpanDetail(s: Span, opts: SpanDetailOptions = {}): BuiltSpanDetail {
  const b = new Builder(opts.maxValueChars ?? DETAIL_VALUE_CHARS);
  const m = (v: string | undefined): string | undefined => (v ? maskSecretText(v) : undefined);
  const results = toolResults(s);
  const code = codeLocationsForSpan(s).find((l) => l.file);
  const t = s.template;
  const model: SpanDetailModel = {
    traceId: s.traceId,
    spanId: s.spanId,
    name: maskSecretText(s.name || '(unnamed span)'),
    kind: s.kind,
    status: s.status,
    start: safeIso(s.startNs),
    latency: formatDurationNs(s.endNs - s.startNs),
    actions: {
      goToTemplate: !!(t && (t.name || t.path || t.text)) || s.kind === 'llm' || s.kind === 'prompt',
      goToCode: !!code,
      showLineage: true,
    },
    inputMessages: b.messages(s.inputMessages, 'in', results),
    outputMessages: b.messages(s.outputMessages, 'out', results),
    toolCalls: (s.toolCalls ?? []).slice(0, MAX_ITEMS).map((c, i) => b.toolCall(c, `calls.${i}`, results)),
    variables: t?.variables ? b.rows(t.variables, 'var') : [],
    documents: documents(b, s),
    guards: (s.guards ?? []).slice(0, MAX_ITEMS).map((g) => ({
      name: maskSecretText(g.name),
      passed: g.passed,
      ...(g.action ? { action: maskSecretText(g.action) } : {}),
      ...(g.reason ? { reason: maskSecretText(g.reason) } : {}),
    })),
    feedback: (s.feedback ?? []).slice(0, MAX_ITEMS).map((f) => ({
      ...(f.name ? { name: maskSecretText(f.name) } : {}),
      ...(f.label ? { label: maskSecretText(f.label) } : {}),
      ...(typeof f.score === 'number' ? { score: f.score } : {}),
      ...(f.comment ? { comment: maskSecretText(f.comment) } : {}),
      ...(f.source ? { source: maskSecretText(f.source) } : {}),
      sentiment: sentimentOf(f),
    })),
    events: s.events.slice(0, MAX_ITEMS).map((e, i) => {
      const isException = e.name === 'exception';
      const attrs = isException
        ? Object.fromEntries(Object.entries(e.attributes).filter(([k]) => !k.startsWith('exception.')))
        : e.attributes;
      const stack = str(e.attributes, 'exception.stacktrace');
      return {
        name: maskSecretText(e.name),
        ...(e.timeNs !== undefined ? { time: safeIso(e.timeNs), offset: offsetOf(e.timeNs, s.startNs) } : {}),
        attributes: b.rows(attrs, `evt.${i}.attr`),
        ...(isException
          ? {
              exception: {
                type: m(str(e.attributes, 'exception.type')),
                message: m(str(e.attributes, 'exception.message')),
                ...(stack ? { stacktrace: b.text(stack, `evt.${i}.stack`, { json: false }) } : {}),
              },
            }
          : {}),
      };
    }),
    links: (s.links ?? [])
      .slice(0, MAX_ITEMS)
      .map((l, i) => ({ traceId: l.traceId, spanId: l.spanId, attributes: b.rows(l.attributes, `link.${i}`) })),
    attributes: b.rows(s.attributes, 'attr'),
    resource: b.rows(s.resource, 'res'),
    maxValueChars: opts.maxValueChars ?? DETAIL_VALUE_CHARS,
  };
  if (s.parentId) model.parentId = s.parentId;
  if (s.statusMessage) model.statusMessage = maskSecretText(s.statusMessage);
  if (s.service) model.service = maskSecretText(s.service);
  if (s.operation) model.operation = maskSecretText(s.operation);
  if (s.sessionId) model.session = maskSecretText(s.sessionId);
  if (s.userId) model.user = maskSecretText(s.userId);
  if (s.model && (s.model.provider || s.model.requested || s.model.returned))
    model.model = { provider: m(s.model.provider), requested: m(s.model.requested), returned: m(s.model.returned) };
  if (t && (t.name || t.path || t.version)) {
    const label = `${t.name ?? t.path?.split('/').pop() ?? 'template'}${t.version ? `@${t.version}` : ''}`;
    model.template = { name: m(t.name), version: m(t.version), path: m(t.path), label: maskSecretText(label) };
  }
  if (t?.text) model.templateText = b.text(t.text, 'template.text', { json: false });
  if (code) {
    const label = `${code.file ?? ''}${code.line ? `:${code.line}` : ''}${code.function ? ` (${code.function})` : ''}`;
    model.code = {
      label: maskSecretText(label),
      file: m(code.file),
      ...(code.line !== undefined ? { line: code.line } : {}),
      function: m(code.function),
      revision: m(code.revision),
      repository: m(code.repository),
    };
  }
  if (opts.sourceLabel) model.source = { label: opts.sourceLabel, ...(s.range ? { line: s.range.line } : {}) };
  if (s.usage && Object.values(s.usage).some((v) => typeof v === 'number')) model.usage = { ...s.usage };
  if (typeof s.cost === 'number' && Number.isFinite(s.cost)) model.cost = `$${s.cost.toFixed(s.cost < 0.01 ? 6 : 4)}`;
  if (s.tool) model.tool = b.toolCall(s.tool, 'tool', results);
  if (s.exception) {
    model.exception = {
      type: m(s.exception.type),
      message: m(s.exception.message),
      ...(s.exception.stacktrace ? { stacktrace: b.text(s.exception.stacktrace, 'exception.stack', { json: false }) } : {}),
    };
  }
  if (s.input && !s.inputMessages?.length) model.input = b.text(s.input, 'input');
  if (s.output && !s.outputMessages?.length) model.output = b.text(s.output, 'output');
  return { model, fullValues: b.fullValues };
}
