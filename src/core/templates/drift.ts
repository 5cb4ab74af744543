// Template drift: the template text a span traced, against the file (or literal) as it is now.
// Line endings, trailing spaces and trailing blank lines never count as drift; a difference only
// in other whitespace is reported as `whitespace`; anything else is `changed`.

export interface TemplateDrift {
  status: 'same' | 'whitespace' | 'changed';
  /** 0..1, word-bigram similarity of the two texts (1 when the same). */
  similarity: number;
  /** 1-based line (counted in the traced text) of the first differing line, when changed. */
  firstDifferenceLine?: number;
  /** The two texts compared, for a diff view (traced ↔ current). */
  traced: string;
  current: string;
}

/** Lines with `\r\n` → `\n`, trailing spaces and trailing blank lines removed. */
export function normalizeLines(text: string): string[] {
  const lines = text
    .replace(/\r\n?/g, '\n')
    .split('\n')
    .map((l) => l.replace(/[ \t]+$/, ''));
  while (lines.length && lines[lines.length - 1] === '') lines.pop();
  while (lines.length && lines[0] === '') lines.shift();
  return lines;
}

/** All whitespace runs collapsed to one space, trimmed. */
export function collapseWhitespace(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

function bigrams(text: string): Map<string, number> {
  const words = collapseWhitespace(text).toLowerCase().split(' ').filter(Boolean);
  const m = new Map<string, number>();
  if (words.length === 1) m.set(words[0], 1);
  for (let i = 0; i + 1 < words.length; i++) {
    const k = `${words[i]} ${words[i + 1]}`;
    m.set(k, (m.get(k) ?? 0) + 1);
  }
  return m;
}

/** Dice coefficient over word bigrams (multiset), 0..1. */
export function textSimilarity(a: string, b: string): number {
  const A = bigrams(a);
  const B = bigrams(b);
  let na = 0;
  let nb = 0;
  let both = 0;
  for (const v of A.values()) na += v;
  for (const [k, v] of B) {
    nb += v;
    both += Math.min(v, A.get(k) ?? 0);
  }
  if (na + nb === 0) return 1;
  return (2 * both) / (na + nb);
}

export function templateDrift(traced: string, current: string): TemplateDrift {
  const a = normalizeLines(traced);
  const b = normalizeLines(current);
  if (a.length === b.length && a.every((l, i) => l === b[i])) return { status: 'same', similarity: 1, traced, current };
  let first = 0;
  while (first < a.length && first < b.length && a[first] === b[first]) first++;
  if (collapseWhitespace(traced) === collapseWhitespace(current)) {
    return { status: 'whitespace', similarity: 1, firstDifferenceLine: first + 1, traced, current };
  }
  return { status: 'changed', similarity: textSimilarity(traced, current), firstDifferenceLine: first + 1, traced, current };
}
