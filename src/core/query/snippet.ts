// A one-line snippet of a search hit: the first place one of the query's words appears in the
// span's searchable text (input, output, tool I/O, name), cut around it; without words, the
// start of the output (or input). Text only: the caller shows it as plain text.

import type { SearchText } from './searchRows';

export interface Snippet {
  /** Which column the text comes from. */
  field: keyof SearchText;
  text: string;
}

const FIELDS: (keyof SearchText)[] = ['input', 'output', 'tools', 'name'];
const BEFORE = 40;
const WIDTH = 140;

const oneLine = (s: string): string => s.replace(/\s+/g, ' ').trim();

/** Case- and accent-insensitive form with the same length as the input, so indexes carry over. */
function fold(s: string): string {
  let out = '';
  for (const ch of s) {
    const base = ch.normalize('NFD').replace(/[\u0300-\u036f]/g, '');
    const low = base.toLowerCase();
    out += low.length === ch.length ? low : ch.toLowerCase().length === ch.length ? ch.toLowerCase() : ch;
  }
  return out;
}

const WORD_CHAR = /[\p{L}\p{N}]/u;

/** Where a search word first appears as a whole word of `folded` (or, with `prefixOk`, at the start of one), or -1. */
function findWord(folded: string, word: string, prefixOk: boolean): number {
  const w = fold(word).trim();
  if (!w) return -1;
  let prefix = -1;
  for (let at = folded.indexOf(w); at >= 0; at = folded.indexOf(w, at + 1)) {
    if (at > 0 && WORD_CHAR.test(folded[at - 1])) continue;
    const after = folded[at + w.length];
    if (after === undefined || !WORD_CHAR.test(after)) return at;
    if (prefix < 0) prefix = at;
  }
  return prefixOk ? prefix : -1;
}

function cutAround(text: string, at: number): string {
  let start = Math.max(0, at - BEFORE);
  // Start on a word: skip the rest of a word cut in half.
  while (start > 0 && start < at && WORD_CHAR.test(text[start - 1]) && WORD_CHAR.test(text[start])) start++;
  const end = Math.min(text.length, start + WIDTH);
  return `${start > 0 ? '…' : ''}${oneLine(text.slice(start, end))}${end < text.length ? '…' : ''}`;
}

/** `terms` are the query's positive words and phrases (`fullTextTerms`). */
export function snippetFor(text: SearchText, terms: readonly string[]): Snippet | undefined {
  // Whole words first (what the index matched), then words that merely start with the term.
  for (const term of terms) {
    for (const prefixOk of [false, true]) {
      for (const field of FIELDS) {
        const value = text[field];
        if (!value) continue;
        const at = findWord(fold(value), term, prefixOk);
        if (at >= 0) return { field, text: cutAround(value, at) };
      }
    }
  }
  for (const field of ['output', 'input', 'tools'] as const) {
    if (text[field].trim()) return { field, text: cutAround(text[field], 0) };
  }
  return undefined;
}
