// Split a prompt template into literal text and placeholders, for every syntax TraceLens meets:
// Mustache/Handlebars `{{x}}` `{{{x}}}` `{{#each xs}}`, Jinja `{{ x }}` `{% … %}` `{# … #}`,
// JavaScript `${x}`, and Python str.format / LangChain f-string `{x}` `{x.attr}` `{x!r:>10}`.
// The literal segments are what a rendered prompt must still contain; placeholders are the gaps.

export interface LiteralSegment {
  kind: 'literal';
  text: string;
  /** Offsets in the template text (end exclusive). */
  start: number;
  end: number;
}

export interface PlaceholderSegment {
  kind: 'placeholder';
  /** The variable's name (first identifier of the expression); empty for control blocks and comments. */
  name: string;
  /** The placeholder as written, e.g. `{{ question }}`. */
  raw: string;
  start: number;
  end: number;
  /** A control block or comment (`{% if %}`, `{{#each}}`, `{{/each}}`, `{# … #}`): renders no value of its own. */
  block?: boolean;
}

export type TemplateSegment = LiteralSegment | PlaceholderSegment;

const IDENT = /[A-Za-z_][A-Za-z0-9_]*/;
const FORMAT_FIELD = /^\{([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*|\[[^\]{}\n]*\])*)(![rsa])?(:[^{}\n]*)?\}/;
const MAX_EXPR = 400;

function firstIdent(expr: string): string {
  return IDENT.exec(expr)?.[0] ?? '';
}

/** The end (exclusive) of `close` after `from`, on the same logical tag; -1 when absent or too far. */
function closeAt(text: string, from: number, close: string, allowNewlines: boolean): number {
  const at = text.indexOf(close, from);
  if (at < 0 || at - from > MAX_EXPR) return -1;
  if (!allowNewlines && text.slice(from, at).includes('\n')) return -1;
  return at + close.length;
}

/** `${expr}` with nested braces balanced. */
function jsExprEnd(text: string, from: number): number {
  let depth = 1;
  for (let i = from; i < text.length && i - from <= MAX_EXPR; i++) {
    const c = text[i];
    if (c === '{') depth++;
    else if (c === '}' && --depth === 0) return i + 1;
  }
  return -1;
}

function placeholderAt(text: string, i: number): PlaceholderSegment | undefined {
  const c = text[i];
  const n = text[i + 1];
  if (c === '{' && n === '{') {
    const triple = text[i + 2] === '{';
    const end = triple ? closeAt(text, i + 3, '}}}', false) : closeAt(text, i + 2, '}}', true);
    if (end < 0) return undefined;
    const raw = text.slice(i, end);
    const inner = raw
      .slice(triple ? 3 : 2, triple ? -3 : -2)
      .replace(/^[-~]|[-~]$/g, '')
      .trim();
    if (inner === '' || /^["'{[\d]/.test(inner)) return undefined; // `{{"json": …}}` is not a placeholder
    const sigil = inner[0];
    if ('#/^!>'.includes(sigil)) return { kind: 'placeholder', name: '', raw, start: i, end, block: true };
    if (inner.startsWith('else')) return { kind: 'placeholder', name: '', raw, start: i, end, block: true };
    return { kind: 'placeholder', name: firstIdent(inner.replace(/^&/, '')), raw, start: i, end };
  }
  if (c === '{' && (n === '%' || n === '#')) {
    const end = closeAt(text, i + 2, n === '%' ? '%}' : '#}', true);
    if (end < 0) return undefined;
    return { kind: 'placeholder', name: '', raw: text.slice(i, end), start: i, end, block: true };
  }
  if (c === '$' && n === '{') {
    const end = jsExprEnd(text, i + 2);
    if (end < 0) return undefined;
    const raw = text.slice(i, end);
    return { kind: 'placeholder', name: firstIdent(raw.slice(2, -1)), raw, start: i, end };
  }
  if (c === '{') {
    const m = FORMAT_FIELD.exec(text.slice(i, i + MAX_EXPR));
    if (!m) return undefined;
    return { kind: 'placeholder', name: firstIdent(m[1]), raw: m[0], start: i, end: i + m[0].length };
  }
  return undefined;
}

/** Literal and placeholder segments of a template, in order; adjacent literals are merged. */
export function segmentTemplate(text: string): TemplateSegment[] {
  const out: TemplateSegment[] = [];
  let litStart = 0;
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (c !== '{' && c !== '$') {
      i++;
      continue;
    }
    const ph = placeholderAt(text, i);
    if (!ph) {
      i++;
      continue;
    }
    if (ph.start > litStart) out.push({ kind: 'literal', text: text.slice(litStart, ph.start), start: litStart, end: ph.start });
    out.push(ph);
    i = ph.end;
    litStart = i;
  }
  if (litStart < text.length) out.push({ kind: 'literal', text: text.slice(litStart), start: litStart, end: text.length });
  return out;
}

/** The distinct variable names of a template, in first-use order. */
export function placeholderNames(segments: readonly TemplateSegment[]): string[] {
  const names: string[] = [];
  for (const s of segments) if (s.kind === 'placeholder' && s.name && !names.includes(s.name)) names.push(s.name);
  return names;
}

/** Whether the text has at least one value placeholder (not only blocks/comments). */
export function hasPlaceholders(segments: readonly TemplateSegment[]): boolean {
  return segments.some((s) => s.kind === 'placeholder' && !s.block);
}
