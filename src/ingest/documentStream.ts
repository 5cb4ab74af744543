// Byte-level streaming splitter for one huge JSON document. It tracks strings, escapes, nesting
// and the key path, and hands out one record per span object of
// `resourceSpans[].scopeSpans[].spans[]` (any envelope around it; snake_case and
// `instrumentationLibrarySpans` too) with the span's own byte range and line, wrapped with the
// raw JSON of its enclosing resource and scope, so the ordinary OTLP importer reads it. Only the
// span being cut out (capped) is buffered. Strings are skipped with a native `indexOf` for the
// closing quote, so the JavaScript byte loop only sees the structure between strings.
//
// JSON allows any key order: when a span list comes before its `resource` or `scope`, the spans
// are remembered by byte range only and handed out (`deferred`) once the enclosing object ends,
// for the caller to read back.
//
// The `elements` mode cuts a top-level array into its elements instead (one record each).

import type { Diagnostic } from '../core/model/diagnostic';
import { decodeRecord, DEFAULT_MAX_RECORD_BYTES, formatBytes } from './lineStream';

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const LBRACE = 0x7b;
const RBRACE = 0x7d;
const LBRACKET = 0x5b;
const RBRACKET = 0x5d;
const COLON = 0x3a;
const COMMA = 0x2c;
const NL = 0x0a;

const RESOURCE_SPANS = new Set(['resourceSpans', 'resource_spans']);
const SCOPE_SPANS = new Set(['scopeSpans', 'scope_spans', 'instrumentationLibrarySpans', 'instrumentation_library_spans']);
const SCOPE = new Set(['scope', 'instrumentationLibrary', 'instrumentation_library']);

/** How deep the `resourceSpans` key may sit (envelopes: `result`, `trace_requests[].pbreq`, arrays). */
const MAX_ENVELOPE_DEPTH = 6;
/** Longest key worth reading. */
const MAX_KEY_BYTES = 64;
/** Deeper nesting stops the scan (a located diagnostic): the stack stays bounded. */
export const MAX_DEPTH = 10_000;

const enum Role {
  Other,
  ResourceSpansArray,
  ResourceSpansItem,
  ScopeSpansArray,
  ScopeSpansItem,
  SpansArray,
  Capture,
  Skip,
}

/** Where a span list's spans get their resource and scope. */
export interface DocumentContext {
  /** Byte range of the `spans` array. */
  byteStart: number;
  byteEnd: number;
  resource?: string;
  scope?: string;
}

export interface DocumentRecord {
  /** The span wrapped as a one-span OTLP document (or the element, in `elements` mode). */
  text: string;
  line: number;
  byteStart: number;
  byteEnd: number;
}

export interface DeferredSpans {
  /** Flat [byteStart, byteEnd, line, …] of spans to be read back. */
  ranges: number[];
  context: DocumentContext;
  /** Where they were handed out (the end of the object that completed their context). */
  at: number;
}

export type DocumentEvent =
  | { type: 'record'; record: DocumentRecord }
  | { type: 'context'; context: DocumentContext }
  | { type: 'deferred'; deferred: DeferredSpans };

interface Frame {
  isObject: boolean;
  role: Role;
  /** Object frames: the next string is a key. */
  expectKey: boolean;
  /** Object frames: the key of the value being read. */
  key?: string;
  // ResourceSpansItem
  resource?: string;
  resourceSeen?: boolean;
  /** Deferred spans waiting for this resource, with their scopes. */
  waiting?: DeferredSpans[];
  // ScopeSpansItem
  scope?: string;
  scopeSeen?: boolean;
  pending?: DeferredSpans[];
  // SpansArray
  start?: number;
  deferred?: DeferredSpans;
}

export interface DocumentSplitterOptions {
  mode?: 'otlp' | 'elements';
  maxRecordBytes?: number;
  /**
   * Which spans (elements) to cut out, by their start offset; the others are counted but not
   * copied (a worker sharing a document with others skips the spans it does not own).
   */
  want?: (byteStart: number) => boolean;
  /** Offset and line of the first byte pushed (a document that is one line of a bigger file). */
  startOffset?: number;
  startLine?: number;
}

export class DocumentSplitter {
  readonly diagnostics: Diagnostic[] = [];
  /** A `resourceSpans` list was found (the document is OTLP). */
  otlpFound = false;
  /** Spans (or elements) handed out, immediately or deferred. */
  records = 0;
  private readonly mode: 'otlp' | 'elements';
  private readonly max: number;
  private stack: Frame[] = [];
  private pos = 0;
  private line = 1;
  private inString = false;
  private escapeNext = false;
  /** Collecting a key's bytes (object key at a level where keys matter). */
  private keyBytes: number[] | undefined;
  private stringIsKey = false;
  // The value being cut out (a span, a resource, a scope or an element).
  private capture:
    | {
        start: number;
        line: number;
        depth: number;
        pieces: Uint8Array[];
        bytes: number;
        tooLong: boolean;
        /** Not ours: only its end is tracked. */
        skip: boolean;
        role: 'span' | 'resource' | 'scope' | 'element';
      }
    | undefined;
  private readonly want?: (byteStart: number) => boolean;
  private out: DocumentEvent[] = [];
  private bomChecked = false;
  /** Stopped (nesting too deep). */
  private broken = false;

  constructor(opts: DocumentSplitterOptions = {}) {
    this.mode = opts.mode ?? 'otlp';
    this.max = opts.maxRecordBytes ?? DEFAULT_MAX_RECORD_BYTES;
    this.want = opts.want;
    this.pos = opts.startOffset ?? 0;
    this.line = opts.startLine ?? 1;
    this.bomChecked = this.pos !== 0;
  }

  get offset(): number {
    return this.pos;
  }

  get depth(): number {
    return this.stack.length;
  }

  push(chunk: Uint8Array): DocumentEvent[] {
    if (this.broken) {
      this.pos += chunk.length;
      return [];
    }
    let i = 0;
    if (!this.bomChecked && chunk.length > 0) {
      if (chunk.length >= 3 && chunk[0] === 0xef && chunk[1] === 0xbb && chunk[2] === 0xbf) i = 3;
      this.bomChecked = true;
    }
    const n = chunk.length;
    // Where the bytes of the value being cut out start in this chunk (-1: nothing is cut out).
    let captureFrom = this.capture ? 0 : -1;
    while (i < n) {
      if (this.inString) {
        i = this.scanString(chunk, i);
        if (i < 0) break;
        continue;
      }
      const c = chunk[i];
      switch (c) {
        case QUOTE: {
          this.inString = true;
          const top = this.stack[this.stack.length - 1];
          this.stringIsKey = top !== undefined && top.isObject && top.expectKey;
          this.keyBytes = this.stringIsKey && this.wantsKeys(top) ? [] : undefined;
          i++;
          break;
        }
        case LBRACE:
        case LBRACKET: {
          if (this.stack.length >= MAX_DEPTH) {
            this.diagnostics.push({
              severity: 'error',
              code: 'json.tooDeep',
              message: `JSON nested more than ${MAX_DEPTH} levels deep; the rest of the document is not read`,
              line: this.line,
              offset: this.pos + i,
            });
            this.broken = true;
            this.capture = undefined;
            this.stack = [];
            this.pos += chunk.length;
            return this.out.splice(0);
          }
          const before = this.capture;
          this.open(c === LBRACE, this.pos + i);
          if (!before && this.capture) captureFrom = i;
          i++;
          break;
        }
        case RBRACE:
        case RBRACKET: {
          const cap = this.capture;
          if (cap && cap.depth === this.stack.length) {
            // The captured value ends here.
            if (!cap.tooLong && !cap.skip) {
              const from = captureFrom >= 0 ? captureFrom : 0;
              this.addPiece(chunk.subarray(from, i + 1));
            }
            this.capture = undefined;
            captureFrom = -1;
            this.close(this.pos + i, cap);
          } else this.close(this.pos + i, undefined);
          i++;
          break;
        }
        case COLON: {
          i++;
          break;
        }
        case COMMA: {
          const top = this.stack[this.stack.length - 1];
          if (top?.isObject) {
            top.expectKey = true;
            top.key = undefined;
          }
          i++;
          break;
        }
        case NL:
          this.line++;
          i++;
          break;
        default:
          i++;
      }
      // A capture that grew past the cap is dropped as it goes.
      if (this.capture && !this.capture.tooLong && !this.capture.skip && this.pos + i - this.capture.start > this.max) {
        this.capture.tooLong = true;
        this.capture.pieces = [];
      }
    }
    if (this.capture && !this.capture.tooLong && !this.capture.skip) {
      // A copy: the reader reuses its buffer.
      if (captureFrom >= 0 && captureFrom < n) this.addPiece(Uint8Array.prototype.slice.call(chunk, captureFrom, n));
      if (this.pos + n - this.capture.start > this.max) {
        this.capture.tooLong = true;
        this.capture.pieces = [];
      }
    }
    this.pos += n;
    return this.out.splice(0);
  }

  /** Call after the last chunk: reports an unfinished document. */
  end(): DocumentEvent[] {
    if (this.broken) return this.out.splice(0);
    if (this.stack.length > 0 || this.inString) {
      this.diagnostics.push({
        severity: 'error',
        code: 'json.truncated',
        message: `Truncated JSON: the document ends inside ${this.inString ? 'a string' : `${this.stack.length} open object(s) or array(s)`}; spans read before that are kept`,
        line: this.line,
        offset: this.pos,
      });
    }
    // Close what is open: spans waiting for a resource or scope that never came are handed out.
    this.capture = undefined;
    while (this.stack.length > 0) this.close(this.pos, undefined);
    return this.out.splice(0);
  }

  private wantsKeys(f: Frame): boolean {
    if (this.capture) return false;
    if (this.mode === 'elements') return false;
    return (
      f.role === Role.ResourceSpansItem ||
      f.role === Role.ScopeSpansItem ||
      (f.role === Role.Other && this.stack.length <= MAX_ENVELOPE_DEPTH)
    );
  }

  /** Scans string bytes from `i`; returns the index after the closing quote, or -1 at chunk end. */
  private scanString(chunk: Uint8Array, start: number): number {
    let i = start;
    const n = chunk.length;
    for (;;) {
      if (this.escapeNext) {
        this.escapeNext = false;
        if (this.keyBytes) this.keyBytes.push(chunk[i]);
        i++;
        if (i >= n) return -1;
      }
      const j = chunk.indexOf(QUOTE, i);
      if (j < 0) {
        let k = n - 1;
        let bs = 0;
        while (k >= i && chunk[k] === BACKSLASH) {
          bs++;
          k--;
        }
        if (bs % 2 === 1) this.escapeNext = true;
        this.collectKey(chunk, i, bs % 2 === 1 ? n - 1 : n);
        if (bs % 2 === 1 && this.keyBytes) this.keyBytes.push(BACKSLASH);
        return -1;
      }
      let k = j - 1;
      let bs = 0;
      while (k >= i && chunk[k] === BACKSLASH) {
        bs++;
        k--;
      }
      if (bs % 2 === 0) {
        this.collectKey(chunk, i, j);
        this.endString();
        return j + 1;
      }
      this.collectKey(chunk, i, j + 1);
      i = j + 1;
      if (i >= n) return -1;
    }
  }

  private collectKey(chunk: Uint8Array, from: number, to: number): void {
    const kb = this.keyBytes;
    if (!kb) return;
    if (kb.length + (to - from) > MAX_KEY_BYTES) {
      this.keyBytes = undefined;
      return;
    }
    for (let i = from; i < to; i++) kb.push(chunk[i]);
  }

  private endString(): void {
    this.inString = false;
    if (!this.stringIsKey) return;
    const top = this.stack[this.stack.length - 1];
    top.expectKey = false;
    top.key = this.keyBytes ? String.fromCharCode(...this.keyBytes) : undefined;
    this.keyBytes = undefined;
    if (top.key === undefined) return;
    if (top.role === Role.ResourceSpansItem && top.key === 'resource') top.resourceSeen = true;
    if (top.role === Role.ScopeSpansItem && SCOPE.has(top.key)) top.scopeSeen = true;
  }

  private open(isObject: boolean, at: number): void {
    const parent = this.stack[this.stack.length - 1];
    let role = Role.Other;
    let capture: 'span' | 'resource' | 'scope' | 'element' | undefined;
    if (this.capture) role = Role.Skip;
    else if (this.mode === 'elements') {
      if (this.stack.length === 1 && !parent.isObject) {
        capture = 'element';
        role = Role.Capture;
      } else if (this.stack.length === 0 && isObject) {
        this.diagnostics.push({ severity: 'error', code: 'format.unknown', message: 'Expected a JSON array', line: this.line, offset: at });
      }
    } else if (parent) {
      const key = parent.isObject ? parent.key : undefined;
      switch (parent.role) {
        case Role.Other:
          if (!isObject && key !== undefined && RESOURCE_SPANS.has(key) && this.stack.length <= MAX_ENVELOPE_DEPTH) {
            role = Role.ResourceSpansArray;
            this.otlpFound = true;
          }
          break;
        case Role.ResourceSpansArray:
          if (isObject) role = Role.ResourceSpansItem;
          break;
        case Role.ResourceSpansItem:
          if (key === 'resource' && isObject) {
            role = Role.Capture;
            capture = 'resource';
          } else if (key !== undefined && SCOPE_SPANS.has(key) && !isObject) role = Role.ScopeSpansArray;
          break;
        case Role.ScopeSpansArray:
          if (isObject) role = Role.ScopeSpansItem;
          break;
        case Role.ScopeSpansItem:
          if (key !== undefined && SCOPE.has(key) && isObject) {
            role = Role.Capture;
            capture = 'scope';
          } else if (key === 'spans' && !isObject) role = Role.SpansArray;
          break;
        case Role.SpansArray:
          if (isObject) {
            role = Role.Capture;
            capture = 'span';
          }
          break;
        default:
          role = Role.Skip;
      }
    }
    const frame: Frame = { isObject, role, expectKey: isObject };
    if (role === Role.SpansArray) {
      frame.start = at;
      const ss = parent;
      const rs = this.stack[this.stack.length - 3];
      // Hand spans out as they come only when their resource and scope are already known.
      const known = !!ss?.scopeSeen && !!rs?.resourceSeen;
      if (!known) frame.deferred = { ranges: [], context: { byteStart: at, byteEnd: at }, at };
    }
    this.stack.push(frame);
    if (capture)
      this.capture = {
        start: at,
        line: this.line,
        depth: this.stack.length,
        pieces: [],
        bytes: 0,
        tooLong: false,
        // Spans of a list whose context is not known yet are kept by range only.
        skip: (capture === 'span' || capture === 'element') && this.want !== undefined && !parent?.deferred && !this.want(at),
        role: capture,
      };
  }

  private close(at: number, cap: DocumentSplitter['capture']): void {
    const frame = this.stack.pop();
    if (!frame) {
      this.diagnostics.push({ severity: 'error', code: 'json.syntax', message: 'Unbalanced closing bracket', line: this.line, offset: at });
      return;
    }
    const parent = this.stack[this.stack.length - 1];
    if (parent?.isObject) {
      parent.expectKey = false;
    }
    if (cap) this.finishCapture(cap, at);
    switch (frame.role) {
      case Role.SpansArray: {
        const ctx = this.currentContext(frame.start ?? at, at + 1);
        if (frame.deferred) {
          frame.deferred.context.byteStart = frame.start ?? at;
          frame.deferred.context.byteEnd = at + 1;
          const list = this.resolveScope(this.stack.length - 1);
          if (list) list.push(frame.deferred);
        } else this.out.push({ type: 'context', context: ctx });
        break;
      }
      case Role.ScopeSpansItem:
        this.releaseScopeItem(frame, at);
        break;
      case Role.ResourceSpansItem:
        this.releaseResourceItem(frame, at);
        break;
      default:
    }
  }

  /** Where deferred spans wait for their scope item (at stack index `ssIndex`) to end. */
  private resolveScope(ssIndex: number): DeferredSpans[] | undefined {
    const ss = this.stack[ssIndex];
    if (!ss || ss.role !== Role.ScopeSpansItem) return undefined;
    ss.pending ??= [];
    return ss.pending;
  }

  private releaseScopeItem(ss: Frame, at: number): void {
    if (!ss.pending?.length) return;
    for (const d of ss.pending) d.context.scope = ss.scope;
    const rs = this.findResourceItem();
    if (rs && !rs.resourceSeen) {
      (rs.waiting ??= []).push(...ss.pending);
    } else {
      for (const d of ss.pending) {
        d.context.resource = rs?.resource;
        this.emitDeferred(d, at);
      }
    }
    ss.pending = undefined;
  }

  private releaseResourceItem(rs: Frame, at: number): void {
    if (!rs.waiting?.length) return;
    for (const d of rs.waiting) {
      d.context.resource = rs.resource;
      this.emitDeferred(d, at);
    }
    rs.waiting = undefined;
  }

  private emitDeferred(d: DeferredSpans, at: number): void {
    d.at = at;
    this.out.push({ type: 'context', context: d.context });
    if (d.ranges.length) this.out.push({ type: 'deferred', deferred: d });
  }

  private findResourceItem(): Frame | undefined {
    for (let d = this.stack.length - 1; d >= 0; d--) if (this.stack[d].role === Role.ResourceSpansItem) return this.stack[d];
    return undefined;
  }

  private currentContext(byteStart: number, byteEnd: number): DocumentContext {
    let resource: string | undefined;
    let scope: string | undefined;
    for (let d = this.stack.length - 1; d >= 0; d--) {
      const f = this.stack[d];
      if (f.role === Role.ScopeSpansItem && scope === undefined) scope = f.scope;
      if (f.role === Role.ResourceSpansItem) {
        resource = f.resource;
        break;
      }
    }
    return { byteStart, byteEnd, resource, scope };
  }

  private addPiece(p: Uint8Array): void {
    const cap = this.capture;
    if (!cap || cap.tooLong) return;
    cap.pieces.push(p);
    cap.bytes += p.length;
  }

  private finishCapture(cap: NonNullable<DocumentSplitter['capture']>, at: number): void {
    const end = at + 1;
    if (cap.skip) {
      this.records++;
      return;
    }
    if (cap.tooLong || end - cap.start > this.max) {
      this.diagnostics.push({
        severity: 'error',
        code: 'record.tooLong',
        message: `${cap.role === 'span' ? 'Span' : cap.role === 'element' ? 'Record' : `The ${cap.role}`} of ${formatBytes(end - cap.start)} is longer than the ${formatBytes(this.max)} limit; skipped`,
        line: cap.line,
        offset: cap.start,
      });
      return;
    }
    const spansArray = this.stack[this.stack.length - 1];
    if (cap.role === 'span' && spansArray?.deferred) {
      spansArray.deferred.ranges.push(cap.start, end, cap.line);
      this.records++;
      return;
    }
    const bytes = cap.pieces.length === 1 ? cap.pieces[0] : joinPieces(cap.pieces, cap.bytes);
    const text = decodeRecord(bytes, cap.line, cap.start, this.diagnostics);
    if (cap.role === 'resource') {
      const rs = this.stack[this.stack.length - 1];
      if (rs?.role === Role.ResourceSpansItem) rs.resource = text;
      return;
    }
    if (cap.role === 'scope') {
      const ss = this.stack[this.stack.length - 1];
      if (ss?.role === Role.ScopeSpansItem) ss.scope = text;
      return;
    }
    this.records++;
    if (cap.role === 'element') {
      this.out.push({ type: 'record', record: { text, line: cap.line, byteStart: cap.start, byteEnd: end } });
      return;
    }
    const ctx = this.currentContext(0, 0);
    this.out.push({
      type: 'record',
      record: { text: wrapSpan(text, ctx.resource, ctx.scope), line: cap.line, byteStart: cap.start, byteEnd: end },
    });
  }
}

function joinPieces(parts: Uint8Array[], total: number): Uint8Array {
  const out = new Uint8Array(total);
  let off = 0;
  for (const p of parts) {
    out.set(p, off);
    off += p.length;
  }
  return out;
}

/** One span as a one-span OTLP document, so the ordinary importer reads it with its context. */
export function wrapSpan(span: string, resource?: string, scope?: string): string {
  const r = resource !== undefined ? `"resource":${resource},` : '';
  const s = scope !== undefined ? `"scope":${scope},` : '';
  return `{"resourceSpans":[{${r}"scopeSpans":[{${s}"spans":[${span}]}]}]}`;
}
