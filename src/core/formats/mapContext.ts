// The decision context around a step: template, code location, retrieved documents, guards,
// feedback, exceptions, session and user.

import type {
  Attributes,
  CodeLocation,
  ExceptionInfo,
  Feedback,
  GuardResult,
  RetrievedDocument,
  SpanEvent,
  TemplateRef,
} from '../model/span';
import { plainToAttr } from './anyValue';
import { bool, definedOnly, indexed, num, parseJson, str, text } from './attrs';

export function templateRef(a: Attributes): TemplateRef | undefined {
  const t: TemplateRef = {
    name: str(a, 'tracelens.template.name', 'gen_ai.prompt.name', 'traceloop.prompt.key', 'langfuse.observation.prompt.name'),
    version: str(
      a,
      'tracelens.template.version',
      'llm.prompt_template.version',
      'traceloop.prompt.version',
      'langfuse.observation.prompt.version',
    ),
    path: str(a, 'tracelens.template.path'),
    text: str(a, 'tracelens.template.text', 'llm.prompt_template.template', 'traceloop.prompt.template'),
  };
  // A LangSmith prompt run's inputs are its template variables.
  const lsPrompt = str(a, 'langsmith.span.kind') === 'prompt' ? a['gen_ai.prompt'] : undefined;
  const vars = parseJson(a['llm.prompt_template.variables'] ?? a['traceloop.prompt.template_variables'] ?? lsPrompt);
  if (vars && typeof vars === 'object' && !Array.isArray(vars)) {
    t.variables = Object.create(null) as Record<string, string>;
    for (const [k, v] of Object.entries(vars)) t.variables[k] = text(v) ?? '';
  }
  const out = definedOnly(t);
  return Object.keys(out).length ? out : undefined;
}

export function codeLocation(a: Attributes): CodeLocation | undefined {
  const c: CodeLocation = {
    file: str(a, 'code.file.path', 'code.filepath'),
    line: num(a, 'code.line.number', 'code.lineno'),
    column: num(a, 'code.column.number', 'code.column'),
    function: str(a, 'code.function.name', 'code.function'),
    namespace: str(a, 'code.namespace'),
    repository: str(a, 'vcs.repository.url.full', 'vcs.repository.url'),
    revision: str(a, 'vcs.ref.head.revision', 'vcs.repository.ref.revision'),
  };
  const out = definedOnly(c);
  return out.file || out.function ? out : undefined;
}

export function documents(a: Attributes): RetrievedDocument[] | undefined {
  const docs = indexed(a, 'retrieval.documents').map((d): RetrievedDocument => {
    const meta = parseJson(d['document.metadata']) ?? d['document.metadata'];
    const metadata = meta && typeof meta === 'object' ? (plainToAttr(meta) as Attributes) : undefined;
    return {
      id: str(d, 'document.id'),
      content: str(d, 'document.content'),
      score: num(d, 'document.score'),
      uri: str(d, 'document.uri') ?? (metadata ? str(metadata, 'uri', 'source', 'doc_uri') : undefined),
      metadata,
    };
  });
  return docs.length ? docs : payloadDocuments(a);
}

/**
 * LangChain `Document`s in a JSON output (`{documents:[…]}` from a LangSmith retriever run,
 * a bare list from an MLflow RETRIEVER span): `{page_content, metadata:{source|doc_uri…}, id}`.
 */
function payloadDocuments(a: Attributes): RetrievedDocument[] | undefined {
  for (const key of ['gen_ai.completion', 'mlflow.spanOutputs', 'langfuse.observation.output']) {
    const v = a[key];
    if (v === undefined || v === null) continue;
    const parsed = typeof v === 'string' ? parseJson(v) : v;
    const list = Array.isArray(parsed) ? parsed : (parsed as { documents?: unknown } | undefined)?.documents;
    if (!Array.isArray(list)) continue;
    const docs: RetrievedDocument[] = [];
    for (const d of list) {
      if (!d || typeof d !== 'object' || typeof (d as { page_content?: unknown }).page_content !== 'string') continue;
      const o = d as { page_content: string; metadata?: unknown; id?: unknown; score?: unknown };
      const metadata = o.metadata && typeof o.metadata === 'object' ? (plainToAttr(o.metadata) as Attributes) : undefined;
      const doc: RetrievedDocument = { content: o.page_content };
      if (typeof o.id === 'string' && o.id) doc.id = o.id;
      const uri = metadata ? str(metadata, 'doc_uri', 'uri', 'source', 'url') : undefined;
      if (uri) doc.uri = uri;
      const score = typeof o.score === 'number' ? o.score : metadata ? num(metadata, 'score', 'relevance_score') : undefined;
      if (score !== undefined) doc.score = score;
      if (metadata) doc.metadata = metadata;
      docs.push(doc);
    }
    if (docs.length) return docs;
  }
  return undefined;
}

export function guardResult(a: Attributes, spanName: string, failed: boolean): GuardResult | undefined {
  const passed = bool(a, 'tracelens.guard.passed');
  const name = str(a, 'tracelens.guard.name');
  if (passed === undefined && name === undefined) return undefined;
  return {
    name: name ?? spanName,
    passed: passed ?? !failed,
    action: str(a, 'tracelens.guard.action'),
    reason: str(a, 'tracelens.guard.reason'),
  };
}

export function feedback(a: Attributes, events: SpanEvent[]): Feedback[] | undefined {
  const out: Feedback[] = [];
  for (const e of events) {
    if (e.name !== 'gen_ai.evaluation.result' && e.name !== 'tracelens.feedback') continue;
    out.push(feedbackFrom(e.attributes));
  }
  for (const ann of indexed(a, 'annotations')) {
    out.push({
      name: str(ann, 'annotation.name'),
      score: num(ann, 'annotation.score'),
      label: str(ann, 'annotation.label'),
      comment: str(ann, 'annotation.explanation'),
      source: str(ann, 'annotation.annotator_kind'),
    });
  }
  if (str(a, 'tracelens.feedback.label') !== undefined || num(a, 'tracelens.feedback.score') !== undefined) {
    out.push(feedbackFrom(a));
  }
  return out.length ? out : undefined;
}

function feedbackFrom(a: Attributes): Feedback {
  const f: Feedback = {
    name: str(a, 'gen_ai.evaluation.name', 'tracelens.feedback.name'),
    score: num(a, 'gen_ai.evaluation.score.value', 'tracelens.feedback.score'),
    label: str(a, 'gen_ai.evaluation.score.label', 'tracelens.feedback.label'),
    comment: str(a, 'gen_ai.evaluation.explanation', 'tracelens.feedback.comment'),
    source: str(a, 'tracelens.feedback.source'),
  };
  return definedOnly(f);
}

export function exception(events: SpanEvent[], a: Attributes): ExceptionInfo | undefined {
  const e = events.find((x) => x.name === 'exception');
  const src = e?.attributes ?? a;
  const info: ExceptionInfo = {
    type: str(src, 'exception.type') ?? str(a, 'error.type'),
    message: str(src, 'exception.message'),
    stacktrace: str(src, 'exception.stacktrace', 'code.stacktrace'),
  };
  const out = definedOnly(info);
  return out.type || out.message || out.stacktrace ? out : undefined;
}

export function sessionId(a: Attributes): string | undefined {
  return str(
    a,
    'session.id',
    'gen_ai.conversation.id',
    'langfuse.session.id',
    'traceloop.association.properties.session_id',
    'langsmith.trace.session_id',
    'langsmith.metadata.session_id',
    'langsmith.metadata.thread_id',
    'langsmith.metadata.conversation_id',
  );
}

export function userId(a: Attributes): string | undefined {
  return str(a, 'user.id', 'enduser.id', 'langfuse.user.id', 'traceloop.association.properties.user_id', 'langsmith.metadata.user_id');
}
