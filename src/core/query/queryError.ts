// A query the language cannot read: where, and why. The message ends with the offset
// ("unknown unit 'x' at 9"); `formatQueryError` draws a caret under it.

export class QueryError extends Error {
  override readonly name = 'QueryError';

  constructor(
    /** What is wrong, without the position. */
    readonly reason: string,
    /** JS string index (UTF-16 code units) of the first offending character. */
    readonly offset: number,
    /** How many characters the problem spans (at least 1 for the caret). */
    readonly length = 1,
    /** A suggestion shown under the caret line ("use ms, s, m or h"). */
    readonly hint?: string,
  ) {
    super(`${reason} at ${offset}`);
  }
}

export function isQueryError(err: unknown): err is QueryError {
  return err instanceof QueryError;
}

const WINDOW = 72;

/** Control characters and line breaks would move the caret: show them as one visible character. */
const visible = (s: string): string => s.replace(/[\u0000-\u001f\u007f\u2028\u2029]/g, '\u00b7'); // eslint-disable-line no-control-regex

/** Counts code points, so a caret after an emoji lands under the right character. */
const width = (s: string): number => Array.from(s).length;

/**
 * The query (cut to a window around the error when long), a caret line under the offending
 * characters followed by the reason, and the hint when there is one.
 *
 * ```
 * latency>2x
 *          ^ unknown unit 'x'
 * ```
 */
export function formatQueryError(query: string, err: QueryError): string {
  const offset = Math.max(0, Math.min(err.offset, query.length));
  const len = Math.max(1, Math.min(err.length, Math.max(1, query.length - offset)));
  let from = 0;
  let to = query.length;
  if (query.length > WINDOW) {
    from = Math.max(0, Math.min(offset - WINDOW / 2, query.length - WINDOW));
    to = Math.min(query.length, from + WINDOW);
  }
  const head = from > 0 ? '…' : '';
  const tail = to < query.length ? '…' : '';
  const line = head + visible(query.slice(from, to)) + tail;
  const pad = width(head) + width(visible(query.slice(from, offset)));
  const caretLen = Math.max(1, Math.min(width(query.slice(offset, offset + len)), width(query.slice(offset, to)) || 1));
  const caret = `${' '.repeat(pad)}^${'~'.repeat(caretLen - 1)} ${err.reason}`;
  return err.hint ? `${line}\n${caret}\n${' '.repeat(pad)}  ${err.hint}` : `${line}\n${caret}`;
}
