// Which files the streaming import can read record by record, and which need the whole-file
// importer (importFile.ts).
//
// The streaming indexer maps each record on its own (a JSON Lines line, an element of a top-level
// array, a span of an OTLP document) and stores its rows at once. Two formats carry state from
// one record to the next, which that cannot honour:
// - LangSmith runs: a run's `patch` (its end, outputs, error) often comes in a later record than
//   its `post`, and feedback refers to runs posted earlier; merged by run id across records.
// - OpenAI Agents SDK exports: the `trace` record (workflow name, group id, metadata) applies to
//   the root spans of its trace, which come in other records.
// Streamed, a LangSmith patch would be a second copy of its run and the Agents trace fields would
// be lost; so files whose records are of those formats, read as several records, go the
// whole-file way (up to MAX_WHOLE_FILE_BYTES). A single document (one record) streams fine
// whatever its format: the importer sees it whole. OpenLineage events are merged by run id after
// the fact (streamImport merges the lineage runs it collects), so they stream.
//
// Detection reads the head of the file only: a file whose first records are of another format
// and that turns to LangSmith or Agents records later is streamed (the mixed case is rare and
// then reads as it would without the merge).

import { open } from 'node:fs/promises';
import type { FormatId } from '../core/model/format';
import { detectValue, looksLikeJsonLines } from '../core/formats/detect';
import { DocumentSplitter } from './documentStream';

/** Formats whose records are merged across records by the importer. */
export const CROSS_RECORD_FORMATS: ReadonlySet<FormatId> = new Set<FormatId>(['langsmith', 'openai-agents']);

const HEAD_BYTES = 1 << 20;
const SAMPLE_RECORDS = 64;

export interface Route {
  way: 'stream' | 'whole';
  /** Why the whole-file way was taken (for the log). */
  reason?: string;
}

function detect(text: string): FormatId | undefined {
  try {
    return detectValue(JSON.parse(text));
  } catch {
    return undefined;
  }
}

/** The way to read `file` (with `format` forced, when given). */
export async function routeFor(file: string, format?: FormatId): Promise<Route> {
  const whole = (f: FormatId): Route => ({ way: 'whole', reason: `${f} records are merged across records` });
  if (format) return CROSS_RECORD_FORMATS.has(format) ? whole(format) : { way: 'stream' };
  const fh = await open(file, 'r');
  let head: Buffer;
  let size: number;
  try {
    size = (await fh.stat()).size;
    head = Buffer.alloc(Math.min(HEAD_BYTES, size));
    if (head.length) await fh.read(head, 0, head.length, 0);
  } finally {
    await fh.close();
  }
  const all = head.length === size;
  const text = new TextDecoder('utf-8', { fatal: false }).decode(head).replace(/^\uFEFF/, '');
  const first = text.trimStart()[0];
  if (first !== '{' && first !== '[') return { way: 'stream' };
  const found = (formats: (FormatId | undefined)[]): Route => {
    const f = formats.find((x): x is FormatId => x !== undefined && CROSS_RECORD_FORMATS.has(x));
    return f ? whole(f) : { way: 'stream' };
  };
  if (/\.(jsonl|ndjson)$/i.test(file) || looksLikeJsonLines(text)) {
    const lines = text.split('\n');
    // The last line of the head may be cut short (unless the head is the whole file).
    if (!all) lines.pop();
    return found(
      lines
        .map((l) => l.trim())
        .filter((l) => l !== '')
        .slice(0, SAMPLE_RECORDS)
        .map(detect),
    );
  }
  if (first === '[') {
    // A top-level array streams element by element: look at its first elements.
    const splitter = new DocumentSplitter({ mode: 'elements' });
    const events = splitter.push(head);
    const formats: (FormatId | undefined)[] = [];
    for (const e of events) if (e.type === 'record' && formats.length < SAMPLE_RECORDS) formats.push(detect(e.record.text));
    return found(formats);
  }
  // One document: the importer sees it whole.
  return { way: 'stream' };
}
