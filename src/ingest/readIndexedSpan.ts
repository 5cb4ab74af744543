// Read a span's full payload back from its source by the byte range the index keeps. A span of a
// single huge OTLP document has its own range; it is wrapped with the resource and scope the
// index kept for that part of the document, so the ordinary importer maps it in full.

import { open } from 'node:fs/promises';
import { detectValue } from '../core/formats/detect';
import type { ImportSink } from '../core/formats/importResult';
import { importRecords } from '../core/formats/importRecords';
import { parseRecord } from '../core/formats/parseJson';
import { formatEntry } from '../core/formats/registry';
import type { Span } from '../core/model/span';
import { normalizeTrees } from '../core/trace/normalizeTrees';
import type { DuplicatePair, SpanContext, TraceStore } from '../store/traceStore';
import { wrapSpan } from './documentStream';
import { decodeRecord } from './lineStream';

export interface SpanRange {
  byteStart: number;
  byteEnd: number;
  line: number;
}

/** Read the records at these ranges (one read each) and map them in full. */
export async function readSpansAt(
  file: string,
  wanted: (SpanRange & { traceId: string; spanId: string; context?: SpanContext })[],
): Promise<(Span | undefined)[]> {
  const fh = await open(file, 'r');
  try {
    const byRange = new Map<string, Span[]>();
    const out: (Span | undefined)[] = [];
    for (const w of wanted) {
      const key = `${w.byteStart}:${w.byteEnd}`;
      let spans = byRange.get(key);
      if (!spans) {
        const length = Math.max(0, w.byteEnd - w.byteStart);
        const buf = Buffer.alloc(length);
        await fh.read(buf, 0, length, w.byteStart);
        let text = decodeRecord(buf, w.line, w.byteStart, []);
        if (w.context) text = wrapSpan(text, w.context.resource, w.context.scope);
        spans = importRecords([{ text, line: w.line, byteStart: w.byteStart, byteEnd: w.byteEnd }]).spans;
        byRange.set(key, spans);
        // Bounded: lines are re-read rather than kept when many are asked for.
        if (byRange.size > 256) byRange.delete(byRange.keys().next().value as string);
      }
      out.push(
        spans.find((s) => s.traceId === w.traceId && s.spanId === w.spanId) ??
          // A duplicate id kept as `<id>~<n>` when its copies sit in different records.
          spans.find((s) => s.traceId === w.traceId && s.spanId === w.spanId.replace(/~\d+$/, '')),
      );
    }
    return out;
  } finally {
    await fh.close();
  }
}

/** The full span, read back from the source through the index. */
export async function readIndexedSpan(
  file: string,
  store: TraceStore,
  sourceId: number,
  traceId: string,
  spanId: string,
): Promise<Span | undefined> {
  const row = await store.getSpan(sourceId, traceId, spanId);
  if (!row || row.byteStart === undefined || row.byteEnd === undefined) return undefined;
  const context = await store.spanContext(sourceId, row.byteStart);
  const [span] = await readSpansAt(file, [
    { byteStart: row.byteStart, byteEnd: row.byteEnd, line: row.line ?? 1, traceId, spanId, context },
  ]);
  return span;
}

/** The spans of one record as the importer maps them, without tree normalisation. */
function rawSpans(text: string, range: SpanRange): Span[] {
  const rec = { text, line: range.line, byteStart: range.byteStart, byteEnd: range.byteEnd };
  const parsed = parseRecord(rec);
  if (!parsed.ok) return [];
  const importer = formatEntry(detectValue(parsed.value))?.importer;
  if (!importer) return [];
  const sink: ImportSink = { spans: [], lineageRuns: [], diagnostics: [] };
  importer(parsed.value, rec, sink);
  return sink.spans;
}

/**
 * For each duplicate id, whether the refused copy is a re-delivery of the first one (the same
 * test normalizeTrees applies). Unreadable pairs count as re-deliveries.
 */
export async function compareDuplicates(file: string, store: TraceStore, sourceId: number, pairs: DuplicatePair[]): Promise<boolean[]> {
  const fh = await open(file, 'r');
  try {
    const read = async (r: SpanRange): Promise<Span[]> => {
      const buf = Buffer.alloc(Math.max(0, r.byteEnd - r.byteStart));
      await fh.read(buf, 0, buf.length, r.byteStart);
      let text = decodeRecord(buf, r.line, r.byteStart, []);
      const ctx = await store.spanContext(sourceId, r.byteStart);
      if (ctx) text = wrapSpan(text, ctx.resource, ctx.scope);
      return rawSpans(text, r);
    };
    const out: boolean[] = [];
    for (const p of pairs) {
      const firstSpans = (await read(p.first)).filter((s) => s.traceId === p.traceId && s.spanId === p.spanId);
      const sameRecord = p.first.byteStart === p.copy.byteStart && p.first.byteEnd === p.copy.byteEnd;
      const copySpans = sameRecord
        ? firstSpans.slice(1)
        : (await read(p.copy)).filter((s) => s.traceId === p.traceId && s.spanId === p.spanId);
      const a = firstSpans[0];
      const b = copySpans[0];
      out.push(!a || !b || normalizeTrees([a, b]).spans.length === 1);
    }
    return out;
  } finally {
    await fh.close();
  }
}
