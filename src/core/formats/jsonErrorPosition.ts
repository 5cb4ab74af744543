// Where a JSON text first goes wrong. V8's messages carry a position only for some errors, so
// on a parse failure (rare; speed is irrelevant) we walk the text ourselves to point at it.

export interface JsonErrorPosition {
  /** Character offset of the first invalid character, or the text length when it ends early. */
  index: number;
  /** True when the text ended before the value was complete. */
  truncated: boolean;
}

const WS = new Set([' ', '\t', '\n', '\r']);

export function jsonErrorPosition(text: string): JsonErrorPosition {
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  const n = text.length;
  const end = (): JsonErrorPosition => ({ index: n, truncated: true });
  const bad = (): JsonErrorPosition => ({ index: i, truncated: false });
  const skip = (): void => {
    while (i < n && WS.has(text[i])) i++;
  };
  // An explicit stack instead of recursion: hostile input may nest very deeply.
  const stack: ('{' | '[')[] = [];
  type State = 'value' | 'afterValue' | 'key' | 'colon';
  let state: State = 'value';
  skip();
  while (i <= n) {
    skip();
    if (i >= n) return stack.length || state === 'value' || state === 'key' || state === 'colon' ? end() : { index: n, truncated: false };
    const c = text[i];
    if (state === 'value') {
      if (c === '{') {
        stack.push('{');
        i++;
        skip();
        if (text[i] === '}') {
          stack.pop();
          i++;
          state = 'afterValue';
        } else state = 'key';
      } else if (c === '[') {
        stack.push('[');
        i++;
        skip();
        if (text[i] === ']') {
          stack.pop();
          i++;
          state = 'afterValue';
        }
      } else if (c === '"') {
        const r = scanString();
        if (r) return r;
        state = 'afterValue';
      } else if (/[-0-9]/.test(c)) {
        const m = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i, i + 400));
        if (!m) return bad();
        i += m[0].length;
        state = 'afterValue';
      } else {
        for (const lit of ['true', 'false', 'null']) {
          if (text.startsWith(lit, i)) {
            i += lit.length;
            state = 'afterValue';
            break;
          }
          if (lit.startsWith(text.slice(i)) && i + lit.length > n) return end();
        }
        if (state !== 'afterValue') return bad();
      }
    } else if (state === 'afterValue') {
      const top = stack[stack.length - 1];
      if (!top) return bad(); // trailing content after the top-level value
      if (c === ',') {
        i++;
        state = top === '{' ? 'key' : 'value';
      } else if ((c === '}' && top === '{') || (c === ']' && top === '[')) {
        stack.pop();
        i++;
        if (!stack.length) {
          skip();
          return i >= n ? { index: n, truncated: false } : bad();
        }
      } else return bad();
    } else if (state === 'key') {
      if (c !== '"') return bad();
      const r = scanString();
      if (r) return r;
      state = 'colon';
    } else {
      if (c !== ':') return bad();
      i++;
      state = 'value';
    }
  }
  return end();

  function scanString(): JsonErrorPosition | undefined {
    i++;
    while (i < n) {
      const ch = text.charCodeAt(i);
      if (ch === 0x22) {
        i++;
        return undefined;
      }
      if (ch === 0x5c) i += 2;
      else if (ch < 0x20) return bad();
      else i++;
    }
    return end();
  }
}
