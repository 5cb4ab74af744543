// Reads a source file chunk by chunk and turns it into index rows: records are cut out (JSON
// Lines, the spans of one huge OTLP document, or the elements of a huge top-level array), parsed,
// imported with index-only mapping and packed into row batches for the store. Synchronous and
// step-wise, so the same code runs in an index worker (blocking reads on its own thread) and
// in-process (a step per event-loop turn).
//
// Several indexers can share one file: records are numbered into groups by where they start
// (a small first group, then GROUP_BYTES each), and indexer k of n parses the groups g with
// g % n === k, still cutting (but not decoding) the others, so every indexer agrees on groups
// and line numbers. Each owned group ends with one batch marked `end`; the store takes groups
// in order, so rows keep file order whatever thread parsed them.

import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Diagnostic } from '../core/model/diagnostic';
import type { FormatId } from '../core/model/format';
import type { LineageRun } from '../core/model/lineage';
import type { Span } from '../core/model/span';
import type { ImportSink, SourceRecord } from '../core/formats/importResult';
import { describeValue, detectValue, looksLikeJsonLines } from '../core/formats/detect';
import { formatEntry } from '../core/formats/registry';
import { hasBareLongTime, parseRecord, parseRecordPlain } from '../core/formats/parseJson';
import { takeLossyTime } from '../core/formats/time';
import { withIndexOnlyMapping } from '../core/formats/mapSemantics';
import { inputMessages } from '../core/formats/mapMessages';
import { RowBuilder, SpanBatchBuilder, rootPreview, type SpanRowBatch } from '../store/spanRows';
import { KEY_LAYOUT, SearchBatchBuilder, type SearchPassBatch } from '../store/sqlJsSearchRows';
import type { SpanContext } from '../store/traceStore';
import { importBytes } from './importFile';
import { DocumentSplitter, wrapSpan, type DocumentEvent } from './documentStream';
import { MAX_DIAGNOSTICS_PER_CODE, topFormat } from './indexSummary';
import { DEFAULT_CHUNK_BYTES, DEFAULT_MAX_RECORD_BYTES, LineSplitter, decodeRecord, formatBytes, type LongLineSink } from './lineStream';

export interface FileIndexerOptions {
  /** Force a format instead of detecting it per record. */
  format?: FormatId;
  chunkBytes?: number;
  maxRecordBytes?: number;
  /** At most this many rows per batch (a group may take several). */
  batchRows?: number;
  /** Rows in the first batch: small, so the first runs show up at once. */
  firstBatchRows?: number;
  /** Input bytes per record group (the unit indexers share a file by). */
  groupBytes?: number;
  /** Input bytes of the first group (small: the first runs come from it). */
  firstGroupBytes?: number;
  /** A single document that is neither OTLP nor a top-level array is parsed whole up to this size. */
  maxWholeDocumentBytes?: number;
  /** This indexer parses the groups g with g % count === index. */
  shard?: { index: number; count: number };
  /**
   * Pack search rows with the span rows (default false: the search tables are built after the
   * load, by a pass with `searchOnly`). They need the full mapping (messages, tool calls,
   * documents, exception), which index-only mapping skips, and cost the store ~4× the span rows.
   */
  search?: boolean;
  /**
   * The search pass: emit only search rows and each span's (trace, span) key, as `search`
   * events, for spans in the same order as the indexing pass offered them (sqlJsSearchBuild.ts).
   */
  searchOnly?: boolean;
}

export const DEFAULT_BATCH_ROWS = 2000;
export const DEFAULT_FIRST_BATCH_ROWS = 200;
export const DEFAULT_GROUP_BYTES = 4 << 20;
export const DEFAULT_FIRST_GROUP_BYTES = 256 << 10;
export const DEFAULT_MAX_WHOLE_DOCUMENT_BYTES = 128 << 20;
/** How far into a document to look for `resourceSpans` before treating it as another format. */
const OTLP_PROBE_BYTES = 8 << 20;

export type Mode = 'lines' | 'otlp-document' | 'elements' | 'whole';

export type IndexEvent =
  /** Rows of group `group`; `end` on its last batch. `bytesDone`: the end of the last record in it. */
  | { type: 'batch'; group: number; end: boolean; batch: SpanRowBatch; bytesDone: number; partial?: boolean }
  /** The search pass (`searchOnly`): the next `batch.count` spans' search rows, keyed as `keys`. */
  | { type: 'search'; group: number; end: boolean; batch: SearchPassBatch; bytesDone: number; partial?: boolean }
  | { type: 'context'; context: SpanContext };

export interface IndexSummary {
  format: FormatId;
  /** Records per format (several indexers' counts add up). */
  formatCounts: Partial<Record<FormatId, number>>;
  mode: Mode;
  /** How far the file was read (bytes). */
  bytesDone: number;
  bytesTotal: number;
  /** Groups in the whole file (once read to the end). */
  groups: number;
  records: number;
  spans: number;
  /** Time spent in `step` (reading, parsing, mapping, packing). */
  stepMs: number;
  lineageRuns: LineageRun[];
  diagnostics: Diagnostic[];
}

export class FileIndexer {
  readonly bytesTotal: number;
  private readonly fd: number;
  private readonly buf: Buffer;
  private readonly opts: Required<Omit<FileIndexerOptions, 'format'>> & { format?: FormatId };
  private mode: Mode;
  private lines?: LineSplitter;
  private doc?: DocumentSplitter;
  private pos = 0;
  private ended = false;
  private builder = new SpanBatchBuilder();
  private readonly search?: SearchBatchBuilder;
  /** The search pass's span keys (trace, span), in step with `search`. */
  private readonly keys?: RowBuilder;
  private batches = 0;
  /** The group of the last record seen (-1: none yet) and where it ended. */
  private group = -1;
  private groupEnd = 0;
  private readonly seen = new Map<FormatId, number>();
  private nonEmpty = 0;
  private spans = 0;
  private readonly lineageRuns: LineageRun[] = [];
  private readonly diags: Diagnostic[] = [];
  private readonly diagCounts = new Map<string, number>();
  private closed = false;
  private stepMs = 0;
  private drained = false;
  /** The events of the step in progress (the long-line sink adds to them). */
  private out: IndexEvent[] = [];

  constructor(
    readonly file: string,
    opts: FileIndexerOptions = {},
  ) {
    this.opts = {
      chunkBytes: opts.chunkBytes ?? DEFAULT_CHUNK_BYTES,
      maxRecordBytes: opts.maxRecordBytes ?? DEFAULT_MAX_RECORD_BYTES,
      batchRows: opts.batchRows ?? DEFAULT_BATCH_ROWS,
      firstBatchRows: opts.firstBatchRows ?? DEFAULT_FIRST_BATCH_ROWS,
      groupBytes: opts.groupBytes ?? DEFAULT_GROUP_BYTES,
      firstGroupBytes: opts.firstGroupBytes ?? DEFAULT_FIRST_GROUP_BYTES,
      maxWholeDocumentBytes: opts.maxWholeDocumentBytes ?? DEFAULT_MAX_WHOLE_DOCUMENT_BYTES,
      shard: opts.shard ?? { index: 0, count: 1 },
      search: opts.search ?? false,
      searchOnly: opts.searchOnly ?? false,
      format: opts.format,
    };
    if (this.opts.search || this.opts.searchOnly) this.search = new SearchBatchBuilder();
    if (this.opts.searchOnly) this.keys = new RowBuilder(KEY_LAYOUT);
    this.fd = fs.openSync(file, 'r');
    this.bytesTotal = fs.fstatSync(this.fd).size;
    this.buf = Buffer.allocUnsafe(this.opts.chunkBytes);
    this.mode = this.detectMode();
    this.startMode();
  }

  /**
   * A JSON Lines record longer than the cap (one huge OTLP export request, say) is read like a
   * document as it streams by, span by span, instead of being skipped.
   */
  private longLineSink(): LongLineSink {
    let doc: DocumentSplitter | undefined;
    let start = 0;
    let line = 1;
    const handle = (events: DocumentEvent[]): void => {
      const owner = this.owns(this.groupOf(start));
      if (owner) this.takeDiagnostics(doc?.diagnostics ?? []);
      else if (doc) doc.diagnostics.length = 0;
      this.documentEvents(events, this.out);
    };
    return {
      begin: (byteStart, lineNo, seen) => {
        start = byteStart;
        line = lineNo;
        const want = (at: number): boolean => this.owns(this.groupOf(at));
        doc = new DocumentSplitter({
          mode: 'otlp',
          maxRecordBytes: this.opts.maxRecordBytes,
          want,
          startOffset: byteStart,
          startLine: lineNo,
        });
        // What went by before the line was known to be long is read back (at most the cap).
        const back = Buffer.allocUnsafe(Math.min(seen, this.opts.chunkBytes));
        for (let off = 0; off < seen;) {
          const n = fs.readSync(this.fd, back, 0, Math.min(back.length, seen - off), byteStart + off);
          if (n === 0) break;
          handle(doc.push(back.subarray(0, n)));
          off += n;
        }
      },
      data: (bytes) => {
        if (doc) handle(doc.push(bytes));
      },
      end: (byteEnd) => {
        if (!doc) return;
        const found = doc.otlpFound;
        handle(doc.end());
        if (!found && this.owns(this.groupOf(start))) {
          this.diag({
            severity: 'error',
            code: 'record.tooLong',
            message: `Line of ${formatBytes(byteEnd - start)} is longer than the ${formatBytes(this.opts.maxRecordBytes)} limit and is not an OTLP request; skipped`,
            line,
            offset: start,
          });
        }
        doc = undefined;
      },
    };
  }

  /** The group of a record starting at `offset` (the same in every indexer of the file). */
  groupOf(offset: number): number {
    const first = this.opts.firstGroupBytes;
    return offset < first ? 0 : 1 + Math.floor((offset - first) / this.opts.groupBytes);
  }

  private owns(group: number): boolean {
    const { index, count } = this.opts.shard;
    return group % count === index;
  }

  private get isLead(): boolean {
    return this.opts.shard.index === 0;
  }

  private detectMode(): Mode {
    const head = Buffer.allocUnsafe(Math.min(64 * 1024, this.bytesTotal));
    const n = head.length ? fs.readSync(this.fd, head, 0, head.length, 0) : 0;
    const text = new TextDecoder('utf-8', { fatal: false }).decode(head.subarray(0, n));
    if (/\.(jsonl|ndjson)$/i.test(this.file) || looksLikeJsonLines(text)) return 'lines';
    const first = text.replace(/^\uFEFF/, '').trimStart()[0];
    if (first === '{' || first === '[') return 'otlp-document';
    // Not JSON text (OTLP protobuf, or nothing): read whole.
    return 'whole';
  }

  private startMode(): void {
    this.pos = 0;
    this.lines = undefined;
    this.doc = undefined;
    const want = (start: number): boolean => this.owns(this.groupOf(start));
    const max = this.opts.maxRecordBytes;
    if (this.mode === 'lines') this.lines = new LineSplitter({ maxRecordBytes: max, decode: want, longLine: this.longLineSink() });
    else if (this.mode === 'otlp-document') this.doc = new DocumentSplitter({ mode: 'otlp', maxRecordBytes: max, want });
    else if (this.mode === 'elements') this.doc = new DocumentSplitter({ mode: 'elements', maxRecordBytes: max, want });
  }

  /** The mode the file is read in (known after the first steps for documents). */
  get readMode(): Mode {
    return this.mode;
  }

  /** Read and index one chunk; undefined once the file is done. */
  step(): IndexEvent[] | undefined {
    if (this.ended || this.drained) return undefined;
    const t = performance.now();
    try {
      // Search rows need the full mapping (messages, tool calls, documents, exception).
      return this.search ? this.stepInner() : withIndexOnlyMapping(() => this.stepInner());
    } finally {
      this.stepMs += performance.now() - t;
    }
  }

  private stepInner(): IndexEvent[] {
    const out: IndexEvent[] = [];
    if (this.mode === 'whole') {
      if (this.isLead) this.readWhole(out);
      this.pos = this.bytesTotal;
      this.finishFile(out);
      return out;
    }
    const n = fs.readSync(this.fd, this.buf, 0, this.buf.length, this.pos);
    const chunk = this.buf.subarray(0, n);
    this.pos += n;
    if (this.lines) {
      this.out = out;
      const onRecord = (r: SourceRecord): void => this.addRecord(r, r.byteStart, out);
      if (n > 0) this.lines.pushTo(chunk, onRecord);
      else this.lines.endTo(onRecord);
      this.takeDiagnostics(this.lines.diagnostics);
    } else if (this.doc) {
      const events = n > 0 ? this.doc.push(chunk) : this.doc.end();
      if (this.mode === 'otlp-document' && !this.doc.otlpFound && (this.pos > OTLP_PROBE_BYTES || n === 0)) {
        this.fallBackFromOtlp();
        return out;
      }
      // Structure problems are the same for every indexer of the file: the first one reports them.
      if (this.isLead) this.takeDiagnostics(this.doc.diagnostics);
      else this.doc.diagnostics.length = 0;
      this.documentEvents(events, out);
    }
    if (n === 0) this.finishFile(out);
    return out;
  }

  /** The document is not OTLP: cut a top-level array into elements, or parse it whole. */
  private fallBackFromOtlp(): void {
    const probe = Buffer.allocUnsafe(Math.min(4096, this.bytesTotal));
    const n = probe.length ? fs.readSync(this.fd, probe, 0, probe.length, 0) : 0;
    const text = new TextDecoder()
      .decode(probe.subarray(0, n))
      .replace(/^\uFEFF/, '')
      .trimStart();
    // What the OTLP pass found (a truncated document…) is found again by the next one.
    this.diags.length = 0;
    this.diagCounts.clear();
    this.mode = text.startsWith('[') ? 'elements' : 'whole';
    this.startMode();
  }

  private readWhole(out: IndexEvent[]): void {
    const size = this.bytesTotal;
    if (size > this.opts.maxWholeDocumentBytes) {
      this.diag({
        severity: 'error',
        code: 'source.tooLarge',
        message: `A single ${formatBytes(size)} document that is neither OTLP JSON nor a JSON array is not read past ${formatBytes(this.opts.maxWholeDocumentBytes)}`,
        line: 1,
        offset: 0,
      });
      return;
    }
    const bytes = Buffer.allocUnsafe(size);
    let off = 0;
    while (off < size) {
      const n = fs.readSync(this.fd, bytes, off, size - off, off);
      if (n === 0) break;
      off += n;
    }
    const first = bytes
      .subarray(0, Math.min(64, off))
      .toString('latin1')
      .replace(/^\xEF\xBB\xBF/, '')
      .trimStart()[0];
    if (first !== '{' && first !== '[' && off > 0) {
      this.openGroup(0, out);
      this.importBinary(bytes.subarray(0, off));
      this.groupEnd = off;
      return;
    }
    const start = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
    const rec: SourceRecord = {
      text: decodeRecord(bytes.subarray(start, off), 1, start, this.diags),
      line: 1,
      byteStart: start,
      byteEnd: off,
    };
    this.addRecord(rec, 0, out);
  }

  /** Binary sources (OTLP protobuf) go through the whole-file importer. */
  private importBinary(bytes: Uint8Array): void {
    try {
      const result = importBytes(bytes, path.basename(this.file), { format: this.opts.format });
      for (const d of result.diagnostics) this.diag(d);
      if (result.format !== 'unknown') this.seen.set(result.format, 1);
      this.nonEmpty++;
      this.lineageRuns.push(...result.lineageRuns);
      this.addSpans(result.spans);
    } catch (err) {
      this.diag({ severity: 'error', code: 'source.readError', message: `Could not read the file: ${String(err)}`, line: 1, offset: 0 });
    }
  }

  private documentEvents(events: DocumentEvent[], out: IndexEvent[]): void {
    for (const e of events) {
      if (e.type === 'record') this.addRecord(e.record, e.record.byteStart, out);
      else if (e.type === 'context') {
        if (this.isLead && !this.keys) out.push({ type: 'context', context: e.context });
      } else {
        // Spans that waited for their context belong to the group where it became known.
        const { ranges, context, at } = e.deferred;
        const owned = this.owns(this.groupOf(at));
        for (let i = 0; i < ranges.length; i += 3) {
          const start = ranges[i];
          const end = ranges[i + 1];
          const line = ranges[i + 2];
          if (!owned) {
            this.addRecord({ text: '', line, byteStart: start, byteEnd: end }, at, out);
            continue;
          }
          const bytes = Buffer.allocUnsafe(end - start);
          fs.readSync(this.fd, bytes, 0, bytes.length, start);
          const text = decodeRecord(bytes, line, start, this.diags);
          this.addRecord({ text: wrapSpan(text, context.resource, context.scope), line, byteStart: start, byteEnd: end }, at, out);
        }
      }
    }
  }

  /** Move to the group of a record at `at`, closing the groups passed on the way. */
  private openGroup(group: number, out: IndexEvent[]): void {
    if (group <= this.group) return;
    if (this.group >= 0 && this.owns(this.group)) this.flush(out, this.group, true);
    // Owned groups with no record (a record longer than a group) still end, so the store moves on.
    for (let g = this.group + 1; g < group; g++) if (this.owns(g)) this.flush(out, g, true);
    this.group = group;
  }

  private addRecord(rec: SourceRecord, at: number, out: IndexEvent[]): void {
    this.openGroup(this.groupOf(at), out);
    this.groupEnd = rec.byteEnd;
    if (!this.owns(this.group)) return;
    if (rec.text.length < 64 && rec.text.trim() === '') return;
    this.nonEmpty++;
    let parsed = parseRecordPlain(rec);
    if (!parsed.ok) {
      this.diag(parsed.diagnostic);
      return;
    }
    let format = this.opts.format ?? detectValue(parsed.value);
    // Bare times past 2^53 lose digits in JSON.parse. OTLP reads every time through nanosFrom,
    // which notices (below); other formats are checked first, as parseRecord does.
    if (format !== 'otlp-json' && hasBareLongTime(rec.text)) {
      parsed = parseRecord(rec);
      if (!parsed.ok) {
        this.diag(parsed.diagnostic);
        return;
      }
      format = this.opts.format ?? detectValue(parsed.value);
    }
    const importer = formatEntry(format)?.importer;
    if (!importer) {
      this.diag({
        severity: 'error',
        code: 'format.unknown',
        message: `Not a recognised trace record: ${describeValue(parsed.value)}`,
        line: rec.line,
        offset: rec.byteStart,
      });
      return;
    }
    this.seen.set(format, (this.seen.get(format) ?? 0) + 1);
    takeLossyTime();
    let sink: ImportSink = { spans: [], lineageRuns: [], diagnostics: [] };
    importer(parsed.value, rec, sink);
    if (takeLossyTime()) {
      const exact = parseRecord(rec);
      if (exact.ok) {
        sink = { spans: [], lineageRuns: [], diagnostics: [] };
        importer(exact.value, rec, sink);
      }
    }
    for (const d of sink.diagnostics) this.diag(d);
    if (sink.lineageRuns.length) this.lineageRuns.push(...sink.lineageRuns);
    this.addSpans(sink.spans);
    if (this.pending >= (this.batches === 0 ? this.opts.firstBatchRows : this.opts.batchRows)) this.flush(out, this.group, false);
  }

  /** Spans packed since the last flush. */
  private get pending(): number {
    return this.keys ? this.keys.count : this.builder.count;
  }

  private addSpans(spans: Span[]): void {
    if (this.keys && this.search) {
      // The search pass: the same spans in the same order, keyed, without their index rows.
      for (const s of spans) {
        this.keys.text(s.traceId);
        this.keys.text(s.spanId);
        this.keys.endRow();
        this.search.add(s);
        this.spans++;
      }
      return;
    }
    for (const s of spans) {
      if (s.parentId === undefined) this.builder.add(s, rootPreview(s));
      else if (s.parentId === s.spanId) {
        // Its own parent: a root, as normalizeTrees makes it; its input was not mapped yet.
        this.diag({
          severity: 'warning',
          code: 'span.parentCycle',
          message: `Span ${s.spanId} names itself as its parent; it is shown at the top of its run`,
          line: s.range?.line,
          offset: s.range?.byteStart,
        });
        if (s.input === undefined && s.inputMessages === undefined) s.inputMessages = inputMessages(s.attributes, s.events);
        this.builder.add(s, rootPreview(s), 0, true);
      } else this.builder.add(s, undefined);
      this.search?.add(s);
      this.spans++;
    }
  }

  /** Send the rows of `group` so far; `end` closes the group (possibly with no rows). */
  private flush(out: IndexEvent[], group: number, end: boolean, partial = false): void {
    if (!end && this.pending === 0) return;
    if (this.keys && this.search) {
      const keys = this.keys.take();
      const batch: SearchPassBatch = { count: keys.count, keys, search: this.search.take() };
      out.push({ type: 'search', group, end, batch, bytesDone: this.groupEnd, ...(partial ? { partial } : {}) });
      this.batches++;
      return;
    }
    const batch = this.builder.take();
    if (this.search) batch.search = this.search.take();
    out.push({ type: 'batch', group, end, batch, bytesDone: this.groupEnd, ...(partial ? { partial } : {}) });
    this.batches++;
  }

  private finishFile(out: IndexEvent[]): void {
    if (this.ended) return;
    this.ended = true;
    if (this.group < 0) this.openGroup(0, out);
    if (this.owns(this.group)) this.flush(out, this.group, true);
  }

  /** How far this indexer has read. */
  progressOffset(): number {
    return this.ended ? this.bytesTotal : Math.min(this.pos, this.bytesTotal);
  }

  private diag(d: Diagnostic): void {
    const n = (this.diagCounts.get(d.code) ?? 0) + 1;
    this.diagCounts.set(d.code, n);
    if (n <= MAX_DIAGNOSTICS_PER_CODE) this.diags.push(d);
  }

  private takeDiagnostics(list: Diagnostic[]): void {
    for (const d of list.splice(0)) this.diag(d);
  }

  /** What was read; call after the last step or when stopping early. */
  summary(): IndexSummary {
    const diagnostics = [...this.diags];
    for (const [code, n] of this.diagCounts) {
      if (n > MAX_DIAGNOSTICS_PER_CODE) {
        diagnostics.push({
          severity: 'info',
          code,
          message: `${n - MAX_DIAGNOSTICS_PER_CODE} more "${code}" diagnostics not listed (${n} in all)`,
        });
      }
    }
    const formatCounts: Partial<Record<FormatId, number>> = Object.fromEntries(this.seen);
    return {
      format: topFormat(formatCounts),
      formatCounts,
      mode: this.mode,
      bytesDone: this.progressOffset(),
      bytesTotal: this.bytesTotal,
      groups: this.group + 1,
      records: this.nonEmpty,
      spans: this.spans,
      stepMs: this.stepMs,
      lineageRuns: this.lineageRuns,
      diagnostics,
    };
  }

  /** After stopping early: the rows of the current group so far, marked as its (partial) end. */
  drain(): IndexEvent[] {
    const out: IndexEvent[] = [];
    if (!this.ended && !this.drained && this.group >= 0 && this.owns(this.group)) this.flush(out, this.group, true, true);
    this.drained = true;
    return out;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    fs.closeSync(this.fd);
  }
}
