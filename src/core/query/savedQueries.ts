// Saved queries: `.tracelens/queries.json` in a workspace folder, `[{ "name": "…", "query": "…" }]`.
// Reading is forgiving per entry (a bad entry is reported at its position and skipped, the rest
// still list); writing edits the text in place (replace one value or insert one element), so
// other entries, unknown keys and the user's formatting survive. A file that is not a JSON array
// is never written: `upsertSavedQuery` throws instead of clobbering it.

import { jsonErrorPosition } from '../formats/jsonErrorPosition';
import { parseQuery } from './parser';
import { isQueryError } from './queryError';

export const SAVED_QUERIES_PATH = '.tracelens/queries.json';
/** Bounds: a hostile or accidental huge file must not stall the extension host. */
export const MAX_SAVED_QUERIES_CHARS = 1024 * 1024;
export const MAX_SAVED_QUERIES = 1000;
export const MAX_QUERY_NAME = 200;
export const MAX_SAVED_QUERY_CHARS = 4000;

/** A position in the file: `offset` is a JS string index; `line` and `column` are 1-based (UTF-16). */
export interface FilePosition {
  offset: number;
  line: number;
  column: number;
}

export interface SavedQuery {
  name: string;
  query: string;
  /** Where the entry starts. */
  at: FilePosition;
  /** Why the query text does not parse (the entry still lists, so the user can see and fix it). */
  queryError?: string;
}

export interface SavedQueriesProblem extends FilePosition {
  message: string;
}

export type SavedQueriesRead =
  { ok: true; queries: SavedQuery[]; problems: SavedQueriesProblem[] } | { ok: false; problem: SavedQueriesProblem };

/** The file cannot be edited safely (not JSON, not an array, too big); nothing was written. */
export class SavedQueriesError extends Error {
  override readonly name = 'SavedQueriesError';
  constructor(readonly problem: SavedQueriesProblem) {
    super(`${problem.message} (line ${problem.line}, column ${problem.column})`);
  }
}

export function positionAt(text: string, offset: number): FilePosition {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { offset, line, column: offset - lineStart + 1 };
}

interface Element {
  start: number;
  end: number;
  /** Top-level keys of an object element: where each value starts and ends. */
  keys?: Map<string, { start: number; end: number }>;
}

interface Outline {
  open: number;
  close: number;
  elements: Element[];
  values: unknown[];
}

const WS = /[ \t\r\n]/;

/** Index just past the JSON value starting at `i` (the text is known to be valid JSON). */
function skipValue(text: string, i: number): number {
  const c = text[i];
  if (c === '"') {
    i++;
    while (text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
    return i + 1;
  }
  if (c === '{' || c === '[') {
    // Iterative: depth is bounded only by the file size.
    let depth = 0;
    for (; i < text.length; i++) {
      const ch = text[i];
      if (ch === '"') i = skipValue(text, i) - 1;
      else if (ch === '{' || ch === '[') depth++;
      else if (ch === '}' || ch === ']') {
        depth--;
        if (depth === 0) return i + 1;
      }
    }
    return i;
  }
  while (i < text.length && !WS.test(text[i]) && text[i] !== ',' && text[i] !== ']' && text[i] !== '}') i++;
  return i;
}

function skipWs(text: string, i: number): number {
  while (i < text.length && WS.test(text[i])) i++;
  return i;
}

/** Keys of the object whose `{` is at `i`, with their value ranges. */
function objectKeys(text: string, i: number): Map<string, { start: number; end: number }> {
  const keys = new Map<string, { start: number; end: number }>();
  i = skipWs(text, i + 1);
  while (text[i] === '"') {
    const keyEnd = skipValue(text, i);
    const key = JSON.parse(text.slice(i, keyEnd)) as string;
    const start = skipWs(text, skipWs(text, keyEnd) + 1); // past ':'
    const end = skipValue(text, start);
    if (!keys.has(key)) keys.set(key, { start, end });
    i = skipWs(text, end);
    if (text[i] === ',') i = skipWs(text, i + 1);
  }
  return keys;
}

function problemAt(text: string, offset: number, message: string): SavedQueriesProblem {
  return { ...positionAt(text, offset), message };
}

/** The top-level array and its elements' ranges, or why the file cannot be read as one. */
function outline(text: string): { ok: true; outline: Outline } | { ok: false; problem: SavedQueriesProblem } {
  if (text.length > MAX_SAVED_QUERIES_CHARS)
    return { ok: false, problem: problemAt(text, 0, `the file is larger than ${MAX_SAVED_QUERIES_CHARS / 1024} KiB`) };
  const body = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text.slice(body));
  } catch (err) {
    const pos = jsonErrorPosition(text);
    const why = pos.truncated ? 'the JSON ends before it is complete' : 'invalid JSON';
    const detail = err instanceof Error ? `: ${err.message.slice(0, 200)}` : '';
    return { ok: false, problem: problemAt(text, pos.index, `${why}${detail}`) };
  }
  const open = skipWs(text, body);
  if (!Array.isArray(parsed))
    return { ok: false, problem: problemAt(text, open, 'expected a JSON array of { "name": …, "query": … } objects') };
  const elements: Element[] = [];
  let i = skipWs(text, open + 1);
  while (text[i] !== ']') {
    const end = skipValue(text, i);
    elements.push({ start: i, end, keys: text[i] === '{' ? objectKeys(text, i) : undefined });
    i = skipWs(text, end);
    if (text[i] === ',') i = skipWs(text, i + 1);
  }
  return { ok: true, outline: { open, close: i, elements, values: parsed } };
}

const own = (o: object, k: string): unknown => (Object.prototype.hasOwnProperty.call(o, k) ? (o as Record<string, unknown>)[k] : undefined);

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/;

function nameProblem(name: unknown): string | undefined {
  if (typeof name !== 'string' || !name.trim()) return '"name" must be a non-empty string';
  if (name.length > MAX_QUERY_NAME) return `"name" is longer than ${MAX_QUERY_NAME} characters`;
  if (CONTROL.test(name)) return '"name" contains a control character';
  return undefined;
}

/** Why `query` cannot be saved, or undefined when it parses. */
export function savedQueryProblem(name: unknown, query: unknown): string | undefined {
  const n = nameProblem(name);
  if (n) return n;
  if (typeof query !== 'string') return '"query" must be a string';
  if (query.length > MAX_SAVED_QUERY_CHARS) return `"query" is longer than ${MAX_SAVED_QUERY_CHARS} characters`;
  return undefined;
}

export function readSavedQueries(text: string): SavedQueriesRead {
  if (!text.replace(/^\ufeff/, '').trim()) return { ok: true, queries: [], problems: [] };
  const o = outline(text);
  if (!o.ok) return o;
  const { elements, values } = o.outline;
  const queries: SavedQuery[] = [];
  const problems: SavedQueriesProblem[] = [];
  const seen = new Map<string, SavedQuery>();
  elements.forEach((el, index) => {
    const at = positionAt(text, el.start);
    const value = values[index];
    const entry = `entry ${index + 1}`;
    if (index >= MAX_SAVED_QUERIES) {
      if (index === MAX_SAVED_QUERIES) problems.push({ ...at, message: `only the first ${MAX_SAVED_QUERIES} entries are read` });
      return;
    }
    if (!value || typeof value !== 'object' || Array.isArray(value)) {
      problems.push({ ...at, message: `${entry}: expected an object { "name": …, "query": … }` });
      return;
    }
    const name = own(value, 'name');
    const query = own(value, 'query');
    const bad = savedQueryProblem(name, query);
    if (bad) {
      const key = el.keys?.get(bad.startsWith('"name"') ? 'name' : 'query');
      problems.push({ ...positionAt(text, key?.start ?? el.start), message: `${entry}: ${bad}` });
      return;
    }
    const first = seen.get((name as string).trim().toLowerCase());
    if (first) {
      problems.push({
        ...at,
        message: `${entry}: the name "${name as string}" is already used at line ${first.at.line}; that one is used`,
      });
      return;
    }
    const saved: SavedQuery = { name: (name as string).trim(), query: query as string, at };
    try {
      parseQuery(saved.query);
    } catch (err) {
      if (!isQueryError(err)) throw err;
      saved.queryError = err.message;
      problems.push({
        ...positionAt(text, el.keys?.get('query')?.start ?? el.start),
        message: `${entry} ("${saved.name}"): ${err.message}`,
      });
    }
    seen.set(saved.name.toLowerCase(), saved);
    queries.push(saved);
  });
  return { ok: true, queries, problems };
}

/**
 * The file's text with `name` saved as `query`: the query of an entry with that name (any case)
 * is replaced in place, or a new entry is added at the end. Everything else is kept byte for
 * byte. Throws SavedQueriesError (and writes nothing) when the text is not a readable array or
 * the entry is invalid.
 */
export function upsertSavedQuery(text: string | undefined, name: string, query: string): { text: string; replaced: boolean } {
  const bad = savedQueryProblem(name, query);
  if (bad) throw new SavedQueriesError({ offset: 0, line: 1, column: 1, message: bad });
  const entry = `{ "name": ${JSON.stringify(name.trim())}, "query": ${JSON.stringify(query)} }`;
  if (text === undefined || !text.replace(/^\ufeff/, '').trim()) return { text: `[\n  ${entry}\n]\n`, replaced: false };
  const o = outline(text);
  if (!o.ok) throw new SavedQueriesError(o.problem);
  const { open, close, elements, values } = o.outline;
  const wanted = name.trim().toLowerCase();
  const index = values.findIndex((v, i) => {
    if (i >= MAX_SAVED_QUERIES || !v || typeof v !== 'object' || Array.isArray(v)) return false;
    const n = own(v, 'name');
    return typeof n === 'string' && n.trim().toLowerCase() === wanted && typeof own(v, 'query') === 'string';
  });
  const target = index >= 0 ? elements[index].keys?.get('query') : undefined;
  if (target) return { text: text.slice(0, target.start) + JSON.stringify(query) + text.slice(target.end), replaced: true };
  if (elements.length >= MAX_SAVED_QUERIES)
    throw new SavedQueriesError({ ...positionAt(text, open), message: `the file already holds ${MAX_SAVED_QUERIES} queries` });
  if (!elements.length) return { text: `${text.slice(0, open + 1)}\n  ${entry}\n${text.slice(close)}`, replaced: false };
  const last = elements[elements.length - 1];
  const first = elements[0];
  const lineStart = text.lastIndexOf('\n', first.start - 1) + 1;
  const lead = text.slice(lineStart, first.start);
  // Same indentation as the first entry when it starts its own line; otherwise keep to one line.
  const sep = /^[ \t]*$/.test(lead) && lineStart > open ? `,\n${lead}` : ', ';
  return { text: text.slice(0, last.end) + sep + entry + text.slice(last.end), replaced: false };
}
