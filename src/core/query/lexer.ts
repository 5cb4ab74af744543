// Splits a query into tokens: parentheses, the negation sign, unquoted words and quoted strings.
// Words end at whitespace, a parenthesis or a double quote; the parser gives them meaning
// (`model:gpt-4o`, `latency>2s`, `OR`, bare words).

import { QueryError } from './queryError';

/** Longer queries are refused before any work is done (checklist S-05: huge inputs). */
export const MAX_QUERY_LENGTH = 4000;

interface TokenBase {
  start: number;
  end: number;
  /** No whitespace between this token and the one before it. */
  glued: boolean;
}

export type Token =
  | (TokenBase & { type: 'lparen' })
  | (TokenBase & { type: 'rparen' })
  | (TokenBase & { type: 'neg' })
  | (TokenBase & { type: 'word'; text: string })
  /** `text` is the content with `\"` and `\\` unescaped; `start`/`end` include the quotes. */
  | (TokenBase & { type: 'quoted'; text: string });

const isSpace = (c: string): boolean => /\s/.test(c);
const endsWord = (c: string): boolean => c === '(' || c === ')' || c === '"' || isSpace(c);

export function lex(input: string): Token[] {
  if (input.length > MAX_QUERY_LENGTH) {
    throw new QueryError(`query is longer than ${MAX_QUERY_LENGTH} characters`, MAX_QUERY_LENGTH, input.length - MAX_QUERY_LENGTH);
  }
  const tokens: Token[] = [];
  let i = 0;
  let glued = false;
  while (i < input.length) {
    const c = input[i];
    if (isSpace(c)) {
      i++;
      glued = false;
      continue;
    }
    if (c === '\u0000') throw new QueryError('a NUL character cannot be searched for', i);
    const start = i;
    const g = glued && tokens.length > 0;
    glued = true;
    if (c === '(' || c === ')') {
      tokens.push({ type: c === '(' ? 'lparen' : 'rparen', start, end: ++i, glued: g });
      continue;
    }
    // `-` negates only where a term starts: `gpt-4o` is one word.
    const prev = tokens[tokens.length - 1];
    const atTermStart = !g || prev.type === 'lparen' || prev.type === 'rparen' || prev.type === 'neg';
    if (c === '-' && atTermStart) {
      tokens.push({ type: 'neg', start, end: ++i, glued: g });
      continue;
    }
    if (c === '"') {
      let text = '';
      i++;
      for (;;) {
        if (i >= input.length) throw new QueryError('unterminated quote', start);
        const q = input[i];
        if (q === '\u0000') throw new QueryError('a NUL character cannot be searched for', i);
        if (q === '"') {
          i++;
          break;
        }
        if (q === '\\' && (input[i + 1] === '"' || input[i + 1] === '\\')) {
          text += input[i + 1];
          i += 2;
          continue;
        }
        text += q;
        i++;
      }
      tokens.push({ type: 'quoted', text, start, end: i, glued: g });
      continue;
    }
    while (i < input.length && !endsWord(input[i])) {
      if (input[i] === '\u0000') throw new QueryError('a NUL character cannot be searched for', i);
      i++;
    }
    tokens.push({ type: 'word', text: input.slice(start, i), start, end: i, glued: g });
  }
  return tokens;
}
