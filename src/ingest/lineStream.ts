// Streaming JSON Lines reader: fixed-size chunks in, records with exact byte ranges and line
// numbers out, never more than one record (capped) plus one chunk in memory. A UTF-8 BOM at the
// start is skipped, CRLF endings are trimmed, invalid UTF-8 is replaced and reported, and a line
// longer than the cap is skipped (located diagnostic) without being buffered.

import { open } from 'node:fs/promises';
import { isUtf8 } from 'node:buffer';
import type { Diagnostic } from '../core/model/diagnostic';
import type { SourceRecord } from '../core/formats/importResult';
import { firstInvalidUtf8 } from './readRecords';

export const DEFAULT_CHUNK_BYTES = 1 << 20;
/** Longest record kept; longer ones are skipped with a diagnostic. */
export const DEFAULT_MAX_RECORD_BYTES = 64 << 20;

export interface LineSplitterOptions {
  maxRecordBytes?: number;
  /** Byte offset of the first chunk pushed (0 = the start of the file, where a BOM may be). */
  startOffset?: number;
  /** 1-based line number at `startOffset`. */
  startLine?: number;
  /**
   * Which lines to decode, by their start offset: the others come out with empty text and are
   * never copied (a worker sharing a file with others skips the lines it does not own).
   */
  decode?: (byteStart: number) => boolean;
  /**
   * Where a line longer than the cap goes instead of being skipped (streamed, never held): a
   * JSON Lines record can be one huge OTLP export request, read like a document.
   */
  longLine?: LongLineSink;
}

/** Receives a line longer than the cap as it streams by. */
export interface LongLineSink {
  /** The line at `byteStart` is too long; `seen` bytes of it went by already (read them back). */
  begin(byteStart: number, line: number, seen: number): void;
  data(bytes: Uint8Array): void;
  /** The line ended at `byteEnd` (its newline, or the end of the file). */
  end(byteEnd: number): void;
}

const lenient = new TextDecoder('utf-8', { fatal: false });
const BOM = [0xef, 0xbb, 0xbf];

/** Decode one record's bytes; invalid UTF-8 is replaced with U+FFFD and reported at the first bad byte. */
export function decodeRecord(bytes: Uint8Array, line: number, offset: number, diags: Diagnostic[]): string {
  if (!isUtf8(bytes)) {
    const bad = firstInvalidUtf8(bytes);
    let badLine = line;
    for (let i = bytes.indexOf(0x0a); i >= 0 && i < bad; i = bytes.indexOf(0x0a, i + 1)) badLine++;
    diags.push({
      severity: 'warning',
      code: 'text.utf8',
      message: 'Invalid UTF-8; bad bytes replaced with U+FFFD',
      line: badLine,
      offset: offset + bad,
    });
    return lenient.decode(bytes);
  }
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
}

/**
 * Push-based splitter: `push` each chunk in file order, then `end`. Records are returned as
 * they complete; `diagnostics` collects located problems (long lines, invalid UTF-8).
 */
export class LineSplitter {
  readonly diagnostics: Diagnostic[] = [];
  private readonly max: number;
  /** Offset of the next byte to be pushed. */
  private pos: number;
  private line: number;
  /** Pieces of the current line that started in an earlier chunk (copies). */
  private carry: Uint8Array[] = [];
  private carryBytes = 0;
  private lineStart: number;
  /** The current line is over the cap: its bytes are dropped until its end. */
  private skipping = false;
  private bomChecked: boolean;
  private bomHead: Uint8Array | undefined;
  private readonly decode?: (byteStart: number) => boolean;
  private readonly sink?: LongLineSink;
  /** The current line streams to the sink. */
  private streaming = false;
  /** Where records go during a push. */
  private emitTo: (r: SourceRecord) => void = () => undefined;
  /** Whether the current line is decoded (undefined: not decided yet). */
  private wanted: boolean | undefined;

  constructor(opts: LineSplitterOptions = {}) {
    this.max = opts.maxRecordBytes ?? DEFAULT_MAX_RECORD_BYTES;
    this.pos = opts.startOffset ?? 0;
    this.lineStart = this.pos;
    this.line = opts.startLine ?? 1;
    this.bomChecked = this.pos !== 0;
    this.decode = opts.decode;
    this.sink = opts.longLine;
  }

  private wantsLine(): boolean {
    this.wanted ??= this.decode ? this.decode(this.lineStart) : true;
    return this.wanted;
  }

  /** Bytes consumed so far (the offset after the last pushed chunk). */
  get offset(): number {
    return this.pos;
  }

  /** Bytes of the current (unfinished) line held in memory. */
  get bufferedBytes(): number {
    return this.skipping || this.streaming || this.wanted === false ? 0 : this.carryBytes;
  }

  /** Offset and line where the next complete record will start: a safe place to resume. */
  get resumePoint(): { offset: number; line: number } {
    return { offset: this.lineStart, line: this.line };
  }

  push(input: Uint8Array): SourceRecord[] {
    const out: SourceRecord[] = [];
    this.pushTo(input, (r) => out.push(r));
    return out;
  }

  /** Like push, handing each record to `onRecord` in order (interleaved with a long-line sink). */
  pushTo(input: Uint8Array, onRecord: (r: SourceRecord) => void): void {
    this.emitTo = onRecord;
    let chunk = input;
    let i = 0;
    if (!this.bomChecked) {
      // The first bytes may be a BOM, possibly cut across tiny chunks.
      chunk = this.bomHead ? concat([this.bomHead, input], this.bomHead.length + input.length) : input;
      const isBomPrefix = (n: number): boolean => BOM.slice(0, n).every((b, k) => chunk[k] === b);
      if (chunk.length < 3 && isBomPrefix(chunk.length)) {
        this.bomHead = Uint8Array.prototype.slice.call(chunk);
        return;
      }
      this.bomHead = undefined;
      this.bomChecked = true;
      if (isBomPrefix(3)) {
        i = 3;
        this.lineStart = this.pos + 3;
      }
    }
    while (i < chunk.length) {
      // indexOf is a native scan: far faster than a byte loop in JS.
      const nl = chunk.indexOf(0x0a, i);
      if (nl < 0) {
        this.keep(chunk, i, chunk.length);
        break;
      }
      if (this.carryBytes === 0 && !this.skipping && !this.streaming && nl - i <= this.max + 1) {
        // The whole line is in this chunk: decode it in place.
        this.emit(chunk.subarray(i, nl), this.pos + nl);
      } else {
        this.keep(chunk, i, nl);
        this.finishLine(this.pos + nl);
      }
      i = nl + 1;
      this.line++;
      this.lineStart = this.pos + i;
      this.wanted = undefined;
    }
    this.pos += chunk.length;
  }

  /** The last line, when the file does not end with a newline (a truncated record, usually). */
  end(): SourceRecord[] {
    const out: SourceRecord[] = [];
    this.endTo((r) => out.push(r));
    return out;
  }

  /** Like end, handing the last record (if any) to `onRecord`. */
  endTo(onRecord: (r: SourceRecord) => void): void {
    if (this.bomHead) {
      // A file of one or two bytes that began like a BOM: they are data.
      const head = this.bomHead;
      this.bomHead = undefined;
      this.bomChecked = true;
      this.pushTo(head, onRecord);
    }
    // No newline after it: possibly still being written.
    this.emitTo = (r) => onRecord({ ...r, incomplete: true });
    if (this.carryBytes > 0 || this.skipping || this.streaming) this.finishLine(this.pos);
  }

  private keep(chunk: Uint8Array, from: number, to: number): void {
    if (to <= from) return;
    const n = to - from;
    if (this.streaming) {
      this.sink?.data(chunk.subarray(from, to));
      this.carryBytes += n;
      return;
    }
    if (this.skipping) {
      this.carryBytes += n;
      return;
    }
    if (this.carryBytes + n > this.max + 1) {
      // +1: a CR before the newline does not count towards the cap.
      if (this.sink) {
        this.streaming = true;
        this.sink.begin(this.lineStart, this.line, this.carryBytes);
        this.sink.data(chunk.subarray(from, to));
      } else this.skipping = true;
      this.carry = [];
      this.carryBytes += n;
      return;
    }
    if (!this.wantsLine()) {
      // Not ours: count the bytes, keep none.
      this.carryBytes += n;
      return;
    }
    // A copy (Buffer#slice would be a view of a buffer the reader reuses).
    this.carry.push(Uint8Array.prototype.slice.call(chunk, from, to));
    this.carryBytes += to - from;
  }

  private finishLine(endOffset: number): void {
    const start = this.lineStart;
    if (this.streaming) {
      this.streaming = false;
      this.carry = [];
      this.carryBytes = 0;
      this.sink?.end(endOffset);
      return;
    }
    if (this.skipping) {
      this.diagnostics.push({
        severity: 'error',
        code: 'record.tooLong',
        message: `Line of ${formatBytes(endOffset - start)} is longer than the ${formatBytes(this.max)} limit; skipped`,
        line: this.line,
        offset: start,
      });
      this.skipping = false;
      this.carry = [];
      this.carryBytes = 0;
      return;
    }
    const bytes = this.carry.length === 1 ? this.carry[0] : concat(this.carry, this.carryBytes);
    const length = this.carryBytes;
    this.carry = [];
    this.carryBytes = 0;
    if (!this.wantsLine()) {
      this.emitSkipped(length, endOffset);
      return;
    }
    this.emit(bytes, endOffset);
  }

  /** A line that is not decoded: its range only (empty lines are still left out). */
  private emitSkipped(length: number, endOffset: number): void {
    if (length === 0) return;
    this.emitTo({ text: '', line: this.line, byteStart: this.lineStart, byteEnd: endOffset });
  }

  private emit(lineBytes: Uint8Array, endOffset: number): void {
    if (!this.wantsLine()) {
      this.emitSkipped(lineBytes.length, endOffset);
      return;
    }
    const start = this.lineStart;
    let bytes = lineBytes;
    let end = endOffset;
    if (bytes.length > 0 && bytes[bytes.length - 1] === 0x0d) {
      bytes = bytes.subarray(0, bytes.length - 1);
      end--;
    }
    if (bytes.length === 0) return;
    this.emitTo({ text: decodeRecord(bytes, this.line, start, this.diagnostics), line: this.line, byteStart: start, byteEnd: end });
  }
}

function concat(parts: Uint8Array[], total: number): Uint8Array {
  const out = new Uint8Array(total);
  let off = 0;
  for (const p of parts) {
    out.set(p, off);
    off += p.length;
  }
  return out;
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1 << 20) return `${(n / 1024).toFixed(1)} KiB`;
  if (n < 1 << 30) return `${(n / (1 << 20)).toFixed(1)} MiB`;
  return `${(n / (1 << 30)).toFixed(2)} GiB`;
}

export interface ReadLinesOptions extends LineSplitterOptions {
  chunkBytes?: number;
  /** Stop early; what was read is returned, and `readLines` ends. */
  signal?: AbortSignal;
  /** Where problems go (long lines, invalid UTF-8). */
  diagnostics?: Diagnostic[];
}

/** Read a JSON Lines file as batches of records (one batch per chunk), in bounded memory. */
export async function* readLines(file: string, opts: ReadLinesOptions = {}): AsyncGenerator<SourceRecord[]> {
  const fh = await open(file, 'r');
  const splitter = new LineSplitter(opts);
  const buf = Buffer.allocUnsafe(opts.chunkBytes ?? DEFAULT_CHUNK_BYTES);
  let pos = opts.startOffset ?? 0;
  try {
    for (;;) {
      if (opts.signal?.aborted) return;
      const { bytesRead } = await fh.read(buf, 0, buf.length, pos);
      if (bytesRead === 0) break;
      pos += bytesRead;
      const recs = splitter.push(buf.subarray(0, bytesRead));
      flush(splitter, opts.diagnostics);
      if (recs.length) yield recs;
    }
    const last = splitter.end();
    flush(splitter, opts.diagnostics);
    if (last.length) yield last;
  } finally {
    flush(splitter, opts.diagnostics);
    await fh.close();
  }
}

function flush(splitter: LineSplitter, into: Diagnostic[] | undefined): void {
  if (into && splitter.diagnostics.length) into.push(...splitter.diagnostics.splice(0));
}
