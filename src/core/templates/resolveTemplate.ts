// "Go to Prompt Template": which template file, or string literal in code, a span's prompt came
// from. In the order DESIGN.md gives: (1) an explicit template path; (2) the template name (and
// version) against the workspace's template files; (3) the traced template text against file
// bodies and string literals; (4) only when the span carries no template attributes at all, the
// rendered prompt against every candidate by its literal segments, with a confidence. Matches come
// back best first, alternatives included; an empty list means "template not found".

import type { Span, TemplateRef } from '../model/span';
import { checkPathString } from '../code/pathSafety';
import { collapseWhitespace, templateDrift, textSimilarity, type TemplateDrift } from './drift';
import { matchRendered } from './inferTemplate';
import { hasPlaceholders, segmentTemplate, type TemplateSegment } from './placeholders';
import { extractStringLiterals, languageOfPath, type SourceLanguage, type StringLiteral } from './stringLiterals';
import type { TemplateFile } from './templateFile';

/** A source file whose string literals may hold prompts (TS/JS/Python). */
export interface SourceText {
  /** Workspace-relative path with `/` separators. */
  path: string;
  text: string;
  /** Taken from the path's extension when absent. */
  language?: SourceLanguage;
}

export type TemplateMatchKind = 'path' | 'name' | 'text' | 'inferred';

export interface TemplateMatch {
  kind: TemplateMatchKind;
  /** A template file, or a string literal in a source file. */
  source: 'file' | 'literal';
  /** Workspace-relative path of the file. */
  path: string;
  /** 1-based line where the template text starts (the body of a file, the literal's first line). */
  line: number;
  endLine?: number;
  column?: number;
  /** 0..1. */
  confidence: number;
  /** Why it matched, in words ("name answer and version 3"). */
  reason: string;
  name?: string;
  version?: string;
  /** The template text found: the file's body or the literal's value. */
  text: string;
  /** When the span traced its template text: how it differs from the text found. */
  drift?: TemplateDrift;
  /** Inferred matches: the values the placeholders took; otherwise the traced variables. */
  variables?: Record<string, string>;
}

export interface ResolveTemplateOptions {
  /** Inferred matches below this are dropped (default 0.5). */
  minInferredConfidence?: number;
  /** At most this many matches (default 5). */
  maxResults?: number;
  /** Literals shorter than this are never candidates (default 24 characters). */
  minLiteralLength?: number;
}

const literalCache = new WeakMap<SourceText, StringLiteral[]>();
const segmentCache = new WeakMap<StringLiteral, TemplateSegment[]>();

/** The string literals of a source text (cached per object: pass the same objects to reuse). */
export function sourceLiterals(src: SourceText, minLength = 24): StringLiteral[] {
  let lits = literalCache.get(src);
  if (!lits) {
    const lang = src.language ?? languageOfPath(src.path);
    lits = lang ? extractStringLiterals(src.text, lang, { minLength: 1 }) : [];
    literalCache.set(src, lits);
  }
  return lits.filter((l) => l.value.length >= minLength);
}

function literalSegments(l: StringLiteral): TemplateSegment[] {
  let s = segmentCache.get(l);
  if (!s) {
    s = segmentTemplate(l.value);
    segmentCache.set(l, s);
  }
  return s;
}

/** Whether the span carries any template attribute (name, version, path or text). */
export function hasTemplateAttributes(t: TemplateRef | undefined): boolean {
  return !!t && !!(t.name || t.path || t.text || t.version);
}

const norm = (p: string): string => p.replace(/\\/g, '/').replace(/^\.\//, '');

/** Whether one path's components end with all of the other's (`a/b/c.md` vs `b/c.md`). */
function componentSuffix(longer: string[], shorter: string[]): boolean {
  if (shorter.length === 0 || shorter.length > longer.length) return false;
  const off = longer.length - shorter.length;
  return shorter.every((s, i) => s === longer[off + i]);
}

function fileMatch(f: TemplateFile, kind: TemplateMatchKind, confidence: number, reason: string): TemplateMatch {
  const m: TemplateMatch = {
    kind,
    source: 'file',
    path: f.path,
    line: f.bodyLine,
    confidence,
    reason,
    name: f.name,
    text: f.body,
  };
  if (f.version !== undefined) m.version = f.version;
  return m;
}

function literalMatch(src: SourceText, l: StringLiteral, kind: TemplateMatchKind, confidence: number, reason: string): TemplateMatch {
  return {
    kind,
    source: 'literal',
    path: norm(src.path),
    line: l.line,
    endLine: l.endLine,
    column: l.column,
    confidence,
    reason,
    text: l.value,
  };
}

function byPath(t: TemplateRef, files: readonly TemplateFile[]): TemplateMatch[] {
  if (!t.path) return [];
  const checked = checkPathString(t.path);
  if (!checked.ok) return [];
  const traced = checked.segments;
  const out: TemplateMatch[] = [];
  for (const f of files) {
    const segs = norm(f.path).split('/').filter(Boolean);
    if (!checked.absolute && segs.length === traced.length && segs.every((s, i) => s === traced[i])) {
      out.push(fileMatch(f, 'path', 1, `traced path ${t.path}`));
    } else if (traced.length >= 2 && segs.length >= 2 && (componentSuffix(traced, segs) || componentSuffix(segs, traced))) {
      out.push(
        fileMatch(f, 'path', 0.9, `traced path ${t.path} matches ${f.path} by its last ${Math.min(traced.length, segs.length)} components`),
      );
    }
  }
  return out;
}

function byName(t: TemplateRef, files: readonly TemplateFile[]): TemplateMatch[] {
  if (!t.name) return [];
  const hits = files.filter((f) => f.name === t.name);
  const out: TemplateMatch[] = [];
  for (const f of hits) {
    let c: number;
    let reason: string;
    if (t.version !== undefined && f.version !== undefined) {
      if (String(t.version) === String(f.version)) {
        c = 0.95;
        reason = `name ${t.name} and version ${t.version}`;
      } else {
        c = 0.6;
        reason = `name ${t.name}; traced version ${t.version}, the file is version ${f.version}`;
      }
    } else {
      c = 0.8;
      reason = `name ${t.name} (${t.version === undefined ? 'no version traced' : 'the file has no version'})`;
    }
    if (hits.length > 1) {
      c -= 0.1;
      reason += `; ${hits.length} files share this name`;
    }
    out.push(fileMatch(f, 'name', c, reason));
  }
  return out;
}

function byText(t: TemplateRef, files: readonly TemplateFile[], sources: readonly SourceText[], minLit: number): TemplateMatch[] {
  if (!t.text || !t.text.trim()) return [];
  const want = collapseWhitespace(t.text);
  const out: TemplateMatch[] = [];
  for (const f of files) {
    const body = collapseWhitespace(f.body);
    if (body === want) out.push(fileMatch(f, 'text', 0.9, 'traced template text equals the file'));
    else if (want.length >= minLit) {
      const sim = textSimilarity(want, body);
      if (sim >= 0.8)
        out.push(
          fileMatch(
            f,
            'text',
            Math.round(0.6 * sim * 1000) / 1000,
            `traced template text is ${Math.round(sim * 100)}% similar to the file`,
          ),
        );
    }
  }
  if (want.length < minLit) return out;
  for (const src of sources) {
    for (const l of sourceLiterals(src, minLit)) {
      if (collapseWhitespace(l.value) === want)
        out.push(literalMatch(src, l, 'text', 0.85, 'traced template text equals a string literal'));
    }
  }
  return out;
}

/** Rendered prompts of a span: each input message, and the generic input value. */
function renderedTexts(span: Span): string[] {
  const out: string[] = [];
  for (const m of span.inputMessages ?? []) if (m.content && m.content.trim()) out.push(m.content);
  if (span.input && span.input.trim()) out.push(span.input);
  return out;
}

function inferred(
  span: Span,
  files: readonly TemplateFile[],
  sources: readonly SourceText[],
  opts: ResolveTemplateOptions,
): TemplateMatch[] {
  const texts = renderedTexts(span);
  if (texts.length === 0) return [];
  const min = opts.minInferredConfidence ?? 0.5;
  const minLit = opts.minLiteralLength ?? 24;
  const out: TemplateMatch[] = [];
  const best = (segments: readonly TemplateSegment[]) => {
    let top: ReturnType<typeof matchRendered>;
    for (const text of texts) {
      const m = matchRendered(text, segments);
      if (m && (!top || m.confidence > top.confidence)) top = m;
    }
    return top;
  };
  const describe = (m: NonNullable<ReturnType<typeof matchRendered>>): string =>
    `rendered prompt holds ${Math.round(m.literalCoverage * 100)}% of the template's literal text (${m.matchedChars} characters) in order`;
  for (const f of files) {
    const m = best(f.segments);
    if (m && m.confidence >= min) out.push({ ...fileMatch(f, 'inferred', m.confidence, describe(m)), variables: m.variables });
  }
  for (const src of sources) {
    for (const l of sourceLiterals(src, Math.max(minLit, 40))) {
      const segs = literalSegments(l);
      if (!hasPlaceholders(segs) && l.value.length < 80) continue;
      const m = best(segs);
      if (m && m.confidence >= min) out.push({ ...literalMatch(src, l, 'inferred', m.confidence, describe(m)), variables: m.variables });
    }
  }
  return out;
}

/**
 * Where the span's prompt template is: matches best first (at most `maxResults`), each with its
 * kind, confidence and reason, and the drift between the traced text and the text found.
 * `templateFiles` are the parsed workspace template files (see `parseTemplateFile`); `sourceTexts`
 * the TS/JS/Python files to search for string literals. Pure: the caller reads the files.
 */
export function resolveTemplate(
  span: Span,
  templateFiles: readonly TemplateFile[],
  sourceTexts: readonly SourceText[] = [],
  opts: ResolveTemplateOptions = {},
): TemplateMatch[] {
  const t = span.template;
  const minLit = opts.minLiteralLength ?? 24;
  let found: TemplateMatch[];
  if (hasTemplateAttributes(t)) {
    found = [...byPath(t!, templateFiles), ...byName(t!, templateFiles), ...byText(t!, templateFiles, sourceTexts, minLit)];
  } else {
    found = inferred(span, templateFiles, sourceTexts, opts);
  }
  // One entry per place; the strongest evidence wins, reasons add up.
  const byPlace = new Map<string, TemplateMatch>();
  for (const m of found) {
    const key = `${m.source}\u0000${m.path}\u0000${m.line}`;
    const prev = byPlace.get(key);
    if (!prev) byPlace.set(key, m);
    else if (m.confidence > prev.confidence) byPlace.set(key, { ...m, reason: `${m.reason}; ${prev.reason}` });
    else prev.reason = `${prev.reason}; ${m.reason}`;
  }
  const order: TemplateMatchKind[] = ['path', 'name', 'text', 'inferred'];
  const matches = [...byPlace.values()].sort((a, b) => b.confidence - a.confidence || order.indexOf(a.kind) - order.indexOf(b.kind));
  for (const m of matches) {
    if (t?.text && m.kind !== 'inferred') m.drift = templateDrift(t.text, m.text);
    if (m.kind !== 'inferred' && t?.variables) m.variables = { ...t.variables };
  }
  return matches.slice(0, opts.maxResults ?? 5);
}
