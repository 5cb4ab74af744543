// "Go to Code" on a span: every code location it points to, best first — the `code.*` attributes
// (new and old names, already mapped into `span.code`), then the frames of its exception stack
// traces (application frames before library frames), with the `vcs.*` repository and revision.

import type { Attributes, CodeLocation, Span } from '../model/span';
import { parseStackTrace, type StackFrame } from './stackTrace';

export interface SpanCodeLocation extends CodeLocation {
  /** Where the location came from. */
  source: 'attributes' | 'stacktrace';
  /** Stack frames: in an installed package or the runtime. */
  library?: boolean;
  pathKind?: StackFrame['pathKind'];
  /** Stack frames: the frame as printed. */
  raw?: string;
}

function str(a: Attributes | undefined, ...keys: string[]): string | undefined {
  for (const k of keys) {
    const v = a?.[k];
    if (typeof v === 'string' && v) return v;
  }
  return undefined;
}

/** Stack traces a span carries: its exception, and every `exception` event. */
export function spanStackTraces(span: Span): string[] {
  const out: string[] = [];
  if (span.exception?.stacktrace) out.push(span.exception.stacktrace);
  for (const e of span.events) {
    if (e.name !== 'exception') continue;
    const st = str(e.attributes, 'exception.stacktrace');
    if (st && !out.includes(st)) out.push(st);
  }
  const attr = str(span.attributes, 'exception.stacktrace', 'code.stacktrace');
  if (attr && !out.includes(attr)) out.push(attr);
  return out;
}

export function codeLocationsForSpan(span: Span): SpanCodeLocation[] {
  const repository =
    span.code?.repository ??
    str(span.attributes, 'vcs.repository.url.full') ??
    str(span.resource, 'vcs.repository.url.full', 'vcs.repository.url');
  const revision =
    span.code?.revision ??
    str(span.attributes, 'vcs.ref.head.revision') ??
    str(span.resource, 'vcs.ref.head.revision', 'vcs.repository.ref.revision', 'service.version.revision');
  const vcs = { ...(repository ? { repository } : {}), ...(revision ? { revision } : {}) };
  const out: SpanCodeLocation[] = [];
  if (span.code && (span.code.file || span.code.function)) out.push({ ...span.code, ...vcs, source: 'attributes' });
  const frames = spanStackTraces(span).flatMap(parseStackTrace);
  const ordered = [...frames.filter((f) => !f.library), ...frames.filter((f) => f.library)];
  const seen = new Set(out.map((l) => `${l.file}:${l.line}`));
  for (const f of ordered) {
    if (!f.file) continue;
    const key = `${f.file}:${f.line}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const loc: SpanCodeLocation = { file: f.file, source: 'stacktrace', raw: f.raw, ...vcs };
    if (f.line !== undefined) loc.line = f.line;
    if (f.column !== undefined) loc.column = f.column;
    if (f.function) loc.function = f.function;
    if (f.namespace) loc.namespace = f.namespace;
    if (f.library) loc.library = true;
    if (f.pathKind) loc.pathKind = f.pathKind;
    out.push(loc);
  }
  return out;
}
