// Which template rendered this prompt? With no template attributes on a span, the rendered text is
// matched to each candidate template by its literal segments: they must appear in order, the gaps
// between them are the variables' values. Confidence rewards how much of the template's literal
// text was found, and how much literal text there is (a template that is mostly placeholders
// proves little), so short or generic templates do not match everything.

import { collapseWhitespace } from './drift';
import type { TemplateSegment } from './placeholders';

export interface RenderedMatch {
  /** 0..1. */
  confidence: number;
  /** Share of the template's literal characters found, in order, in the rendered text. */
  literalCoverage: number;
  /** Literal characters found. */
  matchedChars: number;
  /** Values the placeholders took (whitespace collapsed), when a gap maps to exactly one variable. */
  variables: Record<string, string>;
}

/** Literal characters that make a match fully convincing; below this, confidence scales down. */
export const STRONG_LITERAL_CHARS = 80;

export function matchRendered(rendered: string, segments: readonly TemplateSegment[]): RenderedMatch | undefined {
  const R = collapseWhitespace(rendered);
  if (!R) return undefined;
  let pos = 0;
  let total = 0;
  let matched = 0;
  let pending: string[] = [];
  let gapOpen = false;
  let anchorsOk = true;
  let firstLiteral = true;
  const variables: Record<string, string> = Object.create(null) as Record<string, string>;
  const assign = (value: string): void => {
    const names = [...new Set(pending)];
    if (names.length === 1 && value.trim() && variables[names[0]] === undefined) variables[names[0]] = value.trim();
    pending = [];
  };
  let lastWasLiteral = false;
  for (const seg of segments) {
    if (seg.kind === 'placeholder') {
      gapOpen = true;
      if (!seg.block && seg.name) pending.push(seg.name);
      lastWasLiteral = false;
      continue;
    }
    const lit = collapseWhitespace(seg.text);
    if (!lit) continue;
    total += lit.length;
    const idx = R.indexOf(lit, pos);
    if (idx < 0) {
      gapOpen = true; // a conditional section may be absent: the gap widens
      lastWasLiteral = false;
      continue;
    }
    if (firstLiteral && !gapOpen && idx !== 0) anchorsOk = false;
    if (!firstLiteral && !gapOpen && idx !== pos && R.slice(pos, idx).trim() !== '') anchorsOk = false;
    assign(R.slice(pos, idx));
    matched += lit.length;
    pos = idx + lit.length;
    firstLiteral = false;
    gapOpen = false;
    lastWasLiteral = true;
  }
  if (total === 0) return undefined;
  if (pending.length) assign(R.slice(pos));
  else if (lastWasLiteral && pos < R.length && R.slice(pos).trim() !== '') anchorsOk = false;
  const coverage = matched / total;
  const strength = Math.min(1, matched / STRONG_LITERAL_CHARS);
  // Unanchored text around a template with no placeholders means it was only quoted, not rendered.
  const hasValues = segments.some((s) => s.kind === 'placeholder' && !s.block);
  const anchor = anchorsOk ? 1 : hasValues ? 0.85 : 0.4;
  const confidence = coverage * coverage * strength * anchor;
  return { confidence: Math.round(confidence * 1000) / 1000, literalCoverage: coverage, matchedChars: matched, variables };
}
