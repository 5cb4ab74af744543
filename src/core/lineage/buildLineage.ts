// The lineage graph of agent runs and the data pipelines behind them (DESIGN.md "Lineage").
// Nodes: the run's output, spans, prompt templates, models, tools, guard results, retrieved
// documents, OpenLineage datasets and jobs, code locations, feedback. Edges run from cause to
// effect, so "why this output?" is the output's upstream closure (see closure.ts):
//
//   child span ─input_to→ parent span ─produced→ output ←rated─ feedback
//   earlier sibling ─input_to/called→ later sibling (tool-call ids, documents or outputs found in a prompt)
//   template ─rendered_from→ LLM span ←used_model─ model;  tool ─called→ tool span;  code ─ran→ span
//   guard result ─checked→ guard span ─checked→ output;  document ─retrieved→ retriever span
//   dataset ─read→ job ─wrote→ dataset ─derived_from→ document (or job ─derived_from→ document)
//
// Pure and deterministic: the same spans and runs give the same graph, node ids included.

import type { LineageGraph, LineageNode, LineageRun } from '../model/lineage';
import type { GuardResult, RetrievedDocument, Span } from '../model/span';
import { isNegative, isPositive } from '../trace/runs';
import { isoFromNanos, formatDurationNs } from '../formats/time';
import { parseStackTrace } from '../code/stackTrace';
import { hasTemplateAttributes, resolveTemplate, type SourceText, type TemplateMatch } from '../templates/resolveTemplate';
import type { TemplateFile } from '../templates/templateFile';
import { collapseWhitespace } from '../templates/drift';
import {
  compileMappingRules,
  datasetKey,
  documentDatasets,
  documentRunIds,
  documentUri,
  indexDatasets,
  type CompiledMappingRule,
  type DatasetMappingRule,
} from './datasetJoin';
import { mergeLineageRuns } from './mergeRuns';
import {
  GraphBuilder,
  cmpStart,
  codeNode,
  datasetNodeId,
  facts,
  jobNodeId,
  outputNodeId,
  short,
  spanNodeId,
  spanOutputText,
  spanPromptText,
} from './lineageGraphBuilder';
import { templateNode } from './templateNode';
import { addLineageRuns, datasetNode } from './openLineageNodes';

export { datasetNodeId, jobNodeId, outputNodeId, spanNodeId, spanOutputText } from './lineageGraphBuilder';

export interface BuildLineageOptions {
  /** User mapping rules from documents to datasets (raw from settings; invalid rules are skipped). */
  datasetRules?: readonly DatasetMappingRule[] | readonly CompiledMappingRule[];
  /** Parsed workspace template files: template nodes point to them and drift marks them stale. */
  templateFiles?: readonly TemplateFile[];
  /** Source files whose string literals may be templates. */
  sourceTexts?: readonly SourceText[];
  /**
   * A retrieved document whose metadata date (`effective`, `updated_at`, `last_modified`…) is this
   * many days older than the run is marked stale (default 730; `0` turns the age rule off).
   * Metadata `stale: true` or `superseded_by` always marks it stale.
   */
  staleDocumentDays?: number;
}

// ------------------------------------------------------------------ documents

const DATE_KEYS = [
  'effective',
  'effective_date',
  'effectiveDate',
  'updated_at',
  'updatedAt',
  'last_modified',
  'lastModified',
  'modified',
  'date',
];

function documentStaleness(doc: RetrievedDocument, atNs: bigint, days: number): string | undefined {
  const meta = doc.metadata ?? {};
  if (meta.stale === true || meta.stale === 'true') return 'metadata says stale';
  const sup = meta.superseded_by ?? meta.supersededBy;
  if (typeof sup === 'string' && sup) return `superseded by ${sup}`;
  if (!days) return undefined;
  for (const k of DATE_KEYS) {
    const v = meta[k];
    if (typeof v !== 'string') continue;
    const ms = Date.parse(v);
    if (!Number.isFinite(ms)) continue;
    const ageDays = (Number(atNs / 1_000_000n) - ms) / 86_400_000;
    if (ageDays > days) return `${k} ${v}: ${Math.floor(ageDays)} days before the run`;
    return undefined;
  }
  return undefined;
}

// ------------------------------------------------------------------ build

export function buildLineage(spans: readonly Span[], runs: readonly LineageRun[] = [], opts: BuildLineageOptions = {}): LineageGraph {
  const b = new GraphBuilder();
  const rules = compiledRules(opts.datasetRules);
  const merged = mergeLineageRuns([...runs]);
  const realRuns = merged.filter((r) => r.kind === undefined || r.kind === 'run' || r.kind === 'job');
  const runsById = new Map(realRuns.map((r) => [r.runId, r]));
  const dsIndex = indexDatasets(merged);
  const staleDays = opts.staleDocumentDays ?? 730;
  const templateCache = new Map<string, { match?: TemplateMatch; alternatives: number }>();

  addLineageRuns(b, merged, runsById);

  // Spans by trace, children by parent in start order.
  const byTrace = new Map<string, Span[]>();
  for (const s of spans) {
    const list = byTrace.get(s.traceId);
    if (list) list.push(s);
    else byTrace.set(s.traceId, [s]);
  }

  for (const [traceId, list] of byTrace) {
    const sorted = [...list].sort(cmpStart);
    const children = new Map<string, Span[]>();
    const roots: Span[] = [];
    for (const s of sorted) {
      if (s.parentId === undefined) roots.push(s);
      else {
        const c = children.get(s.parentId);
        if (c) c.push(s);
        else children.set(s.parentId, [s]);
      }
    }
    const feedbackTarget = new Map<string, string>();
    // Outputs first, so feedback on a root rates its output.
    for (const [i, root] of roots.entries()) {
      const out = addOutput(b, traceId, root, sorted, i === 0);
      if (out) feedbackTarget.set(root.spanId, out);
    }
    for (const s of sorted) {
      const sid = spanNodeId(traceId, s.spanId);
      addSpanNode(b, s);
      if (s.parentId !== undefined) b.edge(sid, spanNodeId(traceId, s.parentId), 'input_to');
      addModel(b, s, sid);
      addTemplate(b, s, sid, opts, templateCache);
      if (s.tool?.name) {
        const tid = `tool:${s.tool.name}`;
        b.node({ id: tid, type: 'tool', label: s.tool.name });
        b.edge(tid, sid, 'called');
      }
      s.guards?.forEach((g, i) => addGuard(b, s, g, i, sid));
      s.documents?.forEach((d, i) => addDocument(b, s, d, i, sid, { dsIndex, rules, runsById, staleDays }));
      if (s.code) {
        const cid = codeNode(b, s.code, 'code.* attributes');
        if (cid) b.edge(cid, sid, 'ran');
      }
      if (s.exception?.stacktrace) {
        const frame = parseStackTrace(s.exception.stacktrace).find((f) => !f.library && f.file);
        const cid = frame ? codeNode(b, frame, 'exception stack trace') : undefined;
        if (cid) b.edge(cid, sid, 'ran');
      }
      s.feedback?.forEach((f, i) => {
        const fid = `feedback:${traceId}:${s.spanId}:${i}`;
        const negative = isNegative(f);
        const n: LineageNode = {
          id: fid,
          type: 'feedback',
          label: [f.label ?? (f.score !== undefined ? `score ${f.score}` : 'feedback'), f.comment ? `“${short(f.comment, 60)}”` : '']
            .filter(Boolean)
            .join(' '),
          facts: facts([
            ['name', f.name],
            ['score', f.score],
            ['label', f.label],
            ['comment', f.comment],
            ['source', f.source],
            ['sentiment', negative ? 'negative' : isPositive(f) ? 'positive' : undefined],
          ]),
          ref: { traceId, spanId: s.spanId },
        };
        if (negative) n.status = 'warning';
        else if (isPositive(f)) n.status = 'ok';
        b.node(n);
        b.edge(fid, feedbackTarget.get(s.spanId) ?? sid, 'rated');
      });
    }
    for (const sibs of [roots, ...children.values()]) addSiblingFlow(b, traceId, sibs);
  }
  return b.graph();
}

function compiledRules(rules: BuildLineageOptions['datasetRules']): CompiledMappingRule[] {
  if (!rules || rules.length === 0) return [];
  if ('re' in (rules[0] as object)) return rules as CompiledMappingRule[];
  return compileMappingRules(rules).rules;
}

function addSpanNode(b: GraphBuilder, s: Span): void {
  const n: LineageNode = {
    id: spanNodeId(s.traceId, s.spanId),
    type: 'span',
    label: s.name || s.kind,
    facts: facts([
      ['kind', s.kind],
      ['status', s.status],
      ['status message', s.statusMessage],
      ['duration', formatDurationNs(s.endNs - s.startNs)],
      ['start', isoFromNanos(s.startNs)],
      ['model', s.model?.returned ?? s.model?.requested],
      ['tokens', s.usage ? `${s.usage.input ?? 0} in, ${s.usage.output ?? 0} out` : undefined],
      ['tool', s.tool?.name],
      ['exception', s.exception ? [s.exception.type, s.exception.message].filter(Boolean).join(': ') : undefined],
      ['service', s.service],
    ]),
    ref: { traceId: s.traceId, spanId: s.spanId },
  };
  if (s.status === 'error') n.status = 'error';
  else if (s.status === 'ok') n.status = 'ok';
  b.node(n);
}

function addModel(b: GraphBuilder, s: Span, sid: string): void {
  const m = s.model;
  const name = m?.returned ?? m?.requested;
  if (!m || !name) return;
  const id = `model:${m.provider ?? ''}/${name}`;
  b.node({
    id,
    type: 'model',
    label: m.provider ? `${m.provider}/${name}` : name,
    facts: facts([
      ['provider', m.provider],
      ['requested', m.requested],
      ['returned', m.returned],
    ]),
  });
  b.edge(id, sid, 'used_model');
}

function addTemplate(
  b: GraphBuilder,
  s: Span,
  sid: string,
  opts: BuildLineageOptions,
  cache: Map<string, { match?: TemplateMatch; alternatives: number }>,
): void {
  const haveFiles = (opts.templateFiles?.length ?? 0) > 0 || (opts.sourceTexts?.length ?? 0) > 0;
  const traced = hasTemplateAttributes(s.template);
  if (!traced && !(haveFiles && s.kind === 'llm')) return;
  let res: { match?: TemplateMatch; alternatives: number } = { alternatives: 0 };
  if (haveFiles) {
    const t = s.template;
    const key = traced ? JSON.stringify([t?.name, t?.version, t?.path, t?.text]) : undefined;
    const hit = key !== undefined ? cache.get(key) : undefined;
    if (hit) res = hit;
    else {
      const matches = resolveTemplate(s, opts.templateFiles ?? [], opts.sourceTexts ?? []);
      res = { match: matches[0], alternatives: Math.max(0, matches.length - 1) };
      if (key !== undefined) cache.set(key, res);
    }
  }
  if (!traced && !res.match) return;
  const tid = templateNode(b, s, res.match, res.alternatives);
  if (tid) b.edge(tid, sid, 'rendered_from');
}

function addGuard(b: GraphBuilder, s: Span, g: GuardResult, i: number, sid: string): void {
  const id = `guard:${s.traceId}:${s.spanId}:${i}`;
  const n: LineageNode = {
    id,
    type: 'guard',
    label: `${g.name} ${g.passed ? 'passed' : 'failed'}${g.action && g.action !== 'none' ? ` → ${g.action}` : ''}`,
    status: g.passed ? 'ok' : 'warning',
    facts: facts([
      ['name', g.name],
      ['passed', String(g.passed)],
      ['action', g.action],
      ['reason', g.reason],
    ]),
    ref: { traceId: s.traceId, spanId: s.spanId },
  };
  b.node(n);
  b.edge(id, sid, 'checked');
}

interface DocContext {
  dsIndex: ReturnType<typeof indexDatasets>;
  rules: CompiledMappingRule[];
  runsById: Map<string, LineageRun>;
  staleDays: number;
}

function addDocument(b: GraphBuilder, s: Span, d: RetrievedDocument, i: number, sid: string, ctx: DocContext): void {
  const id = `document:${s.traceId}:${s.spanId}:${i}`;
  const uri = documentUri(d);
  const stale = documentStaleness(d, s.startNs, ctx.staleDays);
  const title = d.metadata?.title;
  const n: LineageNode = {
    id,
    type: 'document',
    label: d.id ?? (typeof title === 'string' ? title : undefined) ?? (uri ? uri.split('/').pop() || uri : `document ${i + 1}`),
    facts: facts([
      ['id', d.id],
      ['uri', uri],
      ['score', d.score],
      ['rank', i + 1],
      ['title', typeof title === 'string' ? title : undefined],
      ['stale', stale],
      ['content', d.content],
    ]),
    ref: { traceId: s.traceId, spanId: s.spanId },
  };
  if (stale) n.status = 'stale';
  b.node(n);
  b.edge(id, sid, 'retrieved');

  // Joins to OpenLineage: datasets and runs, with edges already implied by the pipeline dropped.
  const dsLinks = documentDatasets(d, ctx.dsIndex, ctx.rules);
  const runIds = documentRunIds(d);
  const runs = runIds.map((r) => ctx.runsById.get(r));
  const readBy = (k: string): boolean => runs.some((r) => r?.inputs.some((x) => datasetKey(x) === k));
  const wroteAny = (r: LineageRun | undefined): boolean =>
    !!r && dsLinks.some((l) => r.outputs.some((x) => datasetKey(x) === datasetKey(l)));
  for (const l of dsLinks) {
    if (readBy(datasetKey(l))) continue;
    const dsId = datasetNodeId(l);
    const known = ctx.dsIndex.byKey.get(datasetKey(l));
    if (!b.nodes.has(dsId))
      b.node(datasetNode(known ?? { namespace: l.namespace, name: l.name }, known ? undefined : `named by ${l.detail}`));
    b.edge(dsId, id, 'derived_from');
  }
  runIds.forEach((runId, k) => {
    const r = runs[k];
    if (wroteAny(r)) return;
    const jid = r ? jobNodeId(r.job.namespace, r.job.name, r.runId) : `job:?#${runId}`;
    if (!b.nodes.has(jid)) {
      b.node({
        id: jid,
        type: 'job',
        label: `run ${runId.slice(0, 8)}`,
        facts: facts([
          ['runId', runId],
          ['note', 'named by the document metadata; not in the loaded OpenLineage events'],
        ]),
        ref: { runId },
      });
    }
    b.edge(jid, id, 'derived_from');
  });
}

/**
 * The run's output node. Every root with an output value gets one; the primary (earliest) root
 * falls back to the last LLM output, and only its producer and guards are looked for (a trace may
 * hold thousands of detached roots: no whole-trace scan per root).
 */
function addOutput(b: GraphBuilder, traceId: string, root: Span, trace: Span[], primary: boolean): string | undefined {
  if (!primary && !(root.output && root.output.trim())) return undefined;
  const llms = primary ? trace.filter((s) => s.kind === 'llm' && spanOutputText(s) !== undefined) : [];
  const lastLlm = [...llms].sort((a, b2) => (a.endNs < b2.endNs ? -1 : a.endNs > b2.endNs ? 1 : 0)).pop();
  const text = root.output ?? (lastLlm ? spanOutputText(lastLlm) : undefined);
  if (!text || !text.trim()) return undefined;
  const id = outputNodeId(traceId, root.spanId);
  const n: LineageNode = {
    id,
    type: 'output',
    label: short(text),
    facts: facts([
      ['text', text],
      ['run', root.name],
      ['trace', traceId],
    ]),
    ref: { traceId, spanId: root.spanId },
  };
  if (root.status === 'error') n.status = 'error';
  b.node(n);
  if (!primary) {
    b.edge(spanNodeId(traceId, root.spanId), id, 'produced');
    return id;
  }
  // The step that wrote the text: an LLM whose output is the answer, or a guard's fallback.
  const want = collapseWhitespace(text);
  const same = (s: Span): boolean => {
    const o = spanOutputText(s);
    return o !== undefined && collapseWhitespace(o) === want;
  };
  const producerLlm = [...llms].reverse().find(same) ?? (root.output === undefined ? lastLlm : undefined);
  const fallback = trace.find((s) => s.guards?.some((g) => !g.passed && g.action && g.action !== 'none') && same(s));
  const producer = fallback ?? producerLlm;
  // The producer's edge first: walks and highlighted paths then follow the data, not the span tree.
  if (producer && producer !== root) b.edge(spanNodeId(traceId, producer.spanId), id, 'produced');
  b.edge(spanNodeId(traceId, root.spanId), id, 'produced');
  // Guards that ran on the answer after it was written.
  const after = producer?.endNs ?? root.startNs;
  for (const s of trace) {
    if (s.kind === 'guard' && s !== producer && s.startNs >= after) b.edge(spanNodeId(traceId, s.spanId), id, 'checked');
  }
  return id;
}

const CONTEXT_READERS = new Set<Span['kind']>(['llm', 'agent', 'chain', 'reranker', 'prompt', 'span']);

/** What a step can pass on to a later sibling, computed once per span. */
interface Needles {
  /** Tool-call ids an LLM step asked for. */
  calls: Set<string>;
  /** Start of a tool result, whitespace collapsed. */
  result?: string;
  /** Ids and content starts of retrieved documents. */
  docs: string[];
  /** The step's output text, whitespace collapsed. */
  output?: string;
}

function needlesOf(s: Span): Needles {
  const calls = new Set<string>();
  for (const c of s.toolCalls ?? []) if (c.id) calls.add(c.id);
  for (const m of s.outputMessages ?? []) for (const c of m.toolCalls ?? []) if (c.id) calls.add(c.id);
  const docs: string[] = [];
  for (const d of s.documents ?? []) {
    if (d.id && d.id.length >= 4) docs.push(d.id);
    if (d.content && d.content.length >= 24) docs.push(collapseWhitespace(d.content).slice(0, 80));
  }
  const o = s.kind === 'retriever' ? undefined : spanOutputText(s);
  const n: Needles = { calls, docs };
  if (s.tool?.result && s.tool.result.length >= 8) n.result = collapseWhitespace(s.tool.result).slice(0, 200);
  if (o) n.output = collapseWhitespace(o);
  return n;
}

/** Data flow between siblings: tool-call ids, documents and outputs found in a later step's prompt. */
function addSiblingFlow(b: GraphBuilder, traceId: string, sibs: Span[]): void {
  if (sibs.length < 2) return;
  const WINDOW = 64;
  const needles = sibs.map(needlesOf);
  for (let j = 1; j < sibs.length; j++) {
    const B = sibs[j];
    const bid = spanNodeId(traceId, B.spanId);
    const answered = new Set((B.inputMessages ?? []).map((m) => m.toolCallId).filter((x): x is string => !!x));
    const vars = new Set(Object.values(B.template?.variables ?? {}).map(collapseWhitespace));
    const input = B.input !== undefined ? collapseWhitespace(B.input) : undefined;
    let prompt: string | undefined;
    let nearestOutputLinked = false;
    for (let i = j - 1; i >= Math.max(0, j - WINDOW); i--) {
      const A = sibs[i];
      const an = needles[i];
      const aid = spanNodeId(traceId, A.spanId);
      // An LLM asked for this tool call.
      if (B.tool?.id && an.calls.has(B.tool.id)) {
        b.edge(aid, bid, 'called');
        continue;
      }
      // A tool's result came back into this call.
      if (A.tool?.id && answered.has(A.tool.id)) {
        b.edge(aid, bid, 'input_to');
        continue;
      }
      prompt ??= collapseWhitespace(spanPromptText(B));
      if (!prompt) break;
      if (an.result && prompt.includes(an.result)) {
        b.edge(aid, bid, 'input_to');
        continue;
      }
      // Retrieved documents found in the prompt of a step that reads context (not a guard or tool).
      if (CONTEXT_READERS.has(B.kind) && an.docs.some((d) => prompt!.includes(d))) {
        b.edge(aid, bid, 'input_to');
        continue;
      }
      // The nearest earlier step whose output this step was given.
      const oc = an.output;
      if (!nearestOutputLinked && oc && (vars.has(oc) || input === oc || (oc.length >= 24 && prompt.includes(oc)))) {
        b.edge(aid, bid, 'input_to');
        nearestOutputLinked = true;
      }
    }
  }
}
