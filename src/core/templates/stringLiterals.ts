// String literals in TypeScript/JavaScript and Python source text: a small tokenizer (comments,
// quotes, template literals with `${…}`, regular-expression literals, Python prefixes and triple
// quotes), not a parser. Prompts written in code are found here: literals joined with `+` (JS) or
// by adjacency (Python) are merged into one, and `${x}` / `{x}` stay in the value as placeholders.

export type SourceLanguage = 'typescript' | 'javascript' | 'python';

export interface StringLiteral {
  /** The literal's value: escapes decoded (raw strings kept), `${…}` kept as written. */
  value: string;
  /** Offsets in the source (end exclusive), covering every merged piece. */
  start: number;
  end: number;
  /** 1-based line and column of the first character. */
  line: number;
  column: number;
  endLine: number;
  /** Holds `${…}` (template literal) or is a Python f-string. */
  interpolated: boolean;
  /** How many source literals were merged into this one. */
  pieces: number;
}

export function languageOfPath(path: string): SourceLanguage | undefined {
  const m = /\.([A-Za-z0-9]+)$/.exec(path);
  const ext = m?.[1].toLowerCase();
  if (ext === 'ts' || ext === 'tsx' || ext === 'mts' || ext === 'cts') return 'typescript';
  if (ext === 'js' || ext === 'jsx' || ext === 'mjs' || ext === 'cjs') return 'javascript';
  if (ext === 'py' || ext === 'pyi') return 'python';
  return undefined;
}

interface Tok {
  kind: 'str' | 'plus' | 'other';
  start: number;
  end: number;
  value?: string;
  interpolated?: boolean;
}

const SIMPLE_ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', b: '\b', f: '\f', v: '\v', '0': '\0', a: '\x07' };

/** Decode backslash escapes (shared subset of JS and Python). */
function decodeEscapes(raw: string, python: boolean): string {
  let out = '';
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i];
    if (c !== '\\' || i + 1 >= raw.length) {
      out += c;
      continue;
    }
    const e = raw[++i];
    if (e === '\n') continue; // line continuation
    if (e === '\r') {
      if (raw[i + 1] === '\n') i++;
      continue;
    }
    if (e in SIMPLE_ESCAPES && (python || e !== 'a')) {
      out += SIMPLE_ESCAPES[e];
      continue;
    }
    const hex = (len: number): boolean => {
      const h = raw.slice(i + 1, i + 1 + len);
      if (h.length !== len || !/^[0-9A-Fa-f]+$/.test(h)) return false;
      out += String.fromCodePoint(parseInt(h, 16));
      i += len;
      return true;
    };
    if (e === 'x' && hex(2)) continue;
    if (e === 'u' && raw[i + 1] === '{' && !python) {
      const close = raw.indexOf('}', i + 2);
      const h = close > 0 ? raw.slice(i + 2, close) : '';
      if (/^[0-9A-Fa-f]{1,6}$/.test(h) && parseInt(h, 16) <= 0x10ffff) {
        out += String.fromCodePoint(parseInt(h, 16));
        i = close;
        continue;
      }
    }
    if (e === 'u' && hex(4)) continue;
    if (e === 'U' && python && hex(8)) continue;
    if (python && !'\\\'"'.includes(e)) {
      out += `\\${e}`; // Python keeps unknown escapes verbatim
      continue;
    }
    out += e;
  }
  return out;
}

// ---------------------------------------------------------------- JavaScript / TypeScript

const REGEX_PRECEDERS = new Set(['(', ',', '=', ':', '[', '!', '&', '|', '?', '{', '}', ';', '+', '-', '*', '%', '<', '>', '~', '^']);
const REGEX_KEYWORDS = /(?:^|[^\w$])(return|typeof|instanceof|in|of|new|delete|void|throw|case|do|else|yield|await)$/;

class JsScanner {
  readonly toks: Tok[] = [];
  i = 0;
  constructor(readonly s: string) {}

  private lastSignificant(): string {
    for (let j = this.toks.length - 1; j >= 0; j--) {
      const t = this.toks[j];
      if (t.kind === 'str') return '"';
      if (t.kind === 'plus') return '+';
      return this.s.slice(t.start, t.end);
    }
    return '';
  }

  private regexAllowed(): boolean {
    const prev = this.lastSignificant();
    if (prev === '') return true;
    const last = prev[prev.length - 1];
    if (REGEX_PRECEDERS.has(last)) return true;
    return REGEX_KEYWORDS.test(prev);
  }

  /** Skip a quoted string from the opening quote; returns the token. */
  private quoted(q: string): Tok {
    const start = this.i++;
    let raw = '';
    while (this.i < this.s.length) {
      const c = this.s[this.i];
      if (c === '\\') {
        raw += this.s.slice(this.i, this.i + 2);
        this.i += 2;
        continue;
      }
      if (c === q) {
        this.i++;
        return { kind: 'str', start, end: this.i, value: decodeEscapes(raw, false) };
      }
      if (c === '\n') break; // unterminated
      raw += c;
      this.i++;
    }
    return { kind: 'other', start, end: this.i };
  }

  /** A template literal from the backtick; `${…}` kept verbatim in the value. */
  private template(): Tok {
    const start = this.i++;
    let cooked = '';
    let chunk = '';
    let interpolated = false;
    while (this.i < this.s.length) {
      const c = this.s[this.i];
      if (c === '\\') {
        chunk += this.s.slice(this.i, this.i + 2);
        this.i += 2;
        continue;
      }
      if (c === '`') {
        this.i++;
        cooked += decodeEscapes(chunk, false);
        return { kind: 'str', start, end: this.i, value: cooked, interpolated };
      }
      if (c === '$' && this.s[this.i + 1] === '{') {
        cooked += decodeEscapes(chunk, false);
        chunk = '';
        const exprStart = this.i;
        this.i += 2;
        this.skipExpression();
        cooked += this.s.slice(exprStart, this.i);
        interpolated = true;
        continue;
      }
      chunk += c;
      this.i++;
    }
    return { kind: 'other', start, end: this.i };
  }

  /** Skip to the `}` closing a `${`, through nested strings, templates and braces. */
  private skipExpression(): void {
    let depth = 1;
    while (this.i < this.s.length) {
      const c = this.s[this.i];
      if (c === '{') depth++;
      else if (c === '}') {
        depth--;
        if (depth === 0) {
          this.i++;
          return;
        }
      } else if (c === "'" || c === '"') {
        this.quoted(c);
        continue;
      } else if (c === '`') {
        this.template();
        continue;
      }
      this.i++;
    }
  }

  private regex(): void {
    let inClass = false;
    this.i++;
    while (this.i < this.s.length) {
      const c = this.s[this.i];
      if (c === '\\') {
        this.i += 2;
        continue;
      }
      if (c === '\n') return;
      if (c === '[') inClass = true;
      else if (c === ']') inClass = false;
      else if (c === '/' && !inClass) {
        this.i++;
        while (/[a-z]/i.test(this.s[this.i] ?? '')) this.i++;
        return;
      }
      this.i++;
    }
  }

  scan(): Tok[] {
    const s = this.s;
    while (this.i < s.length) {
      const c = s[this.i];
      const n = s[this.i + 1];
      if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
        this.i++;
      } else if (c === '/' && n === '/') {
        const nl = s.indexOf('\n', this.i);
        this.i = nl < 0 ? s.length : nl;
      } else if (c === '/' && n === '*') {
        const close = s.indexOf('*/', this.i + 2);
        this.i = close < 0 ? s.length : close + 2;
      } else if (c === "'" || c === '"') {
        this.toks.push(this.quoted(c));
      } else if (c === '`') {
        this.toks.push(this.template());
      } else if (c === '/' && this.regexAllowed()) {
        const start = this.i;
        this.regex();
        this.toks.push({ kind: 'other', start, end: this.i });
      } else if (c === '+' && n !== '+' && n !== '=') {
        this.toks.push({ kind: 'plus', start: this.i, end: ++this.i });
      } else if (/[\w$]/.test(c)) {
        const start = this.i;
        while (this.i < s.length && /[\w$]/.test(s[this.i])) this.i++;
        this.toks.push({ kind: 'other', start, end: this.i });
      } else {
        this.toks.push({ kind: 'other', start: this.i, end: ++this.i });
      }
    }
    return this.toks;
  }
}

// ---------------------------------------------------------------- Python

function scanPython(s: string): Tok[] {
  const toks: Tok[] = [];
  let i = 0;
  while (i < s.length) {
    const c = s[i];
    if (c === '#') {
      const nl = s.indexOf('\n', i);
      i = nl < 0 ? s.length : nl;
      continue;
    }
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r' || (c === '\\' && (s[i + 1] === '\n' || s[i + 1] === '\r'))) {
      i++;
      continue;
    }
    // A string: optional prefix (r, b, u, f and pairs), then a quote.
    const pm = /^([rRbBuUfF]{0,2})(['"])/.exec(s.slice(i, i + 3));
    const prevIdent = i > 0 && /[\w]/.test(s[i - 1]);
    if (pm && !prevIdent) {
      const prefix = pm[1].toLowerCase();
      const q = pm[2];
      const start = i;
      let j = i + pm[1].length;
      const triple = s.startsWith(q.repeat(3), j);
      const close = triple ? q.repeat(3) : q;
      j += close.length;
      let raw = '';
      let ok = false;
      while (j < s.length) {
        const ch = s[j];
        if (ch === '\\') {
          raw += s.slice(j, j + 2);
          j += 2;
          continue;
        }
        if (s.startsWith(close, j)) {
          j += close.length;
          ok = true;
          break;
        }
        if (ch === '\n' && !triple) break;
        raw += ch;
        j++;
      }
      if (ok) {
        const isRaw = prefix.includes('r');
        toks.push({ kind: 'str', start, end: j, value: isRaw ? raw : decodeEscapes(raw, true), interpolated: prefix.includes('f') });
      } else {
        toks.push({ kind: 'other', start, end: j });
      }
      i = j;
      continue;
    }
    if (/\w/.test(c)) {
      const start = i;
      while (i < s.length && /\w/.test(s[i])) i++;
      toks.push({ kind: 'other', start, end: i });
      continue;
    }
    toks.push({ kind: 'other', start: i, end: ++i });
  }
  return toks;
}

// ---------------------------------------------------------------- both

function lineStarts(s: string): number[] {
  const starts = [0];
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) === 10) starts.push(i + 1);
  return starts;
}

function locate(starts: number[], offset: number): { line: number; column: number } {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid] <= offset) lo = mid;
    else hi = mid - 1;
  }
  return { line: lo + 1, column: offset - starts[lo] + 1 };
}

export interface LiteralOptions {
  /** Drop literals shorter than this after merging (default 1). */
  minLength?: number;
}

/** String literals of a source file, with concatenations merged, in source order. */
export function extractStringLiterals(source: string, language: SourceLanguage, opts: LiteralOptions = {}): StringLiteral[] {
  const python = language === 'python';
  const toks = python ? scanPython(source) : new JsScanner(source).scan();
  const starts = lineStarts(source);
  const out: StringLiteral[] = [];
  for (let k = 0; k < toks.length; k++) {
    const t = toks[k];
    if (t.kind !== 'str') continue;
    let value = t.value ?? '';
    let end = t.end;
    let interpolated = !!t.interpolated;
    let pieces = 1;
    // Merge `'a' + 'b'` (JS) or `'a' 'b'` (Python adjacency).
    for (;;) {
      if (python && toks[k + 1]?.kind === 'str') {
        k += 1;
      } else if (!python && toks[k + 1]?.kind === 'plus' && toks[k + 2]?.kind === 'str') {
        k += 2;
      } else break;
      const next = toks[k];
      value += next.value ?? '';
      end = next.end;
      interpolated ||= !!next.interpolated;
      pieces++;
    }
    if (value.length < (opts.minLength ?? 1)) continue;
    const at = locate(starts, t.start);
    out.push({ value, start: t.start, end, line: at.line, column: at.column, endLine: locate(starts, end).line, interpolated, pieces });
  }
  return out;
}
