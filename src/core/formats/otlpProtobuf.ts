// OTLP protobuf: a binary ExportTraceServiceRequest / TracesData (what OTLP/HTTP sends with
// `application/x-protobuf`, and what `.pb` dumps hold), or the collector file exporter's
// `format: proto` stream (each message preceded by its 4-byte big-endian length).
// Decoded into the same span skeleton as otlpJson.ts, then mapped by mapSemantics, so a span
// reads the same whichever encoding carried it. Ids become lowercase hex, times stay exact bigint.
//
// Damage is confined to the smallest length-delimited unit that holds it: a corrupt span is
// skipped and its siblings kept; a truncated file keeps every span that ended before the cut.

import type { Diagnostic } from '../model/diagnostic';
import type { AttrValue, Attributes, Span, SpanEvent, SpanLink, StatusCode } from '../model/span';
import { newAttributes } from './anyValue';
import type { ImportResult } from './importResult';
import { isZeroId } from './ids';
import { mapSemantics } from './mapSemantics';
import { ProtoError, ProtoReader, WIRE_FIXED64, WIRE_LEN, WIRE_VARINT, isValidUtf8, toBase64, toHex, utf8Head } from './protoWire';
import { normalizeTrees } from '../trace/normalizeTrees';

const MAX_DEPTH = 32; // as anyValue.ts, so both encodings cut deep values at the same place
const OTEL_KINDS = ['UNSPECIFIED', 'INTERNAL', 'SERVER', 'CLIENT', 'PRODUCER', 'CONSUMER'];
const STATUS: StatusCode[] = ['unset', 'ok', 'error'];

interface Context {
  spans: Span[];
  diagnostics: Diagnostic[];
  /** A truncation was already reported (one diagnostic for a cut, not one per enclosing message). */
  truncated: boolean;
  /** Byte range of the resource_spans entry being read (a self-contained export request). */
  entry: { byteStart: number; byteEnd: number };
}

export function importOtlpProtobuf(bytes: Uint8Array): ImportResult {
  const ctx: Context = { spans: [], diagnostics: [], truncated: false, entry: { byteStart: 0, byteEnd: 0 } };
  const { diagnostics } = ctx;
  if (bytes.length === 0) {
    diagnostics.push({ severity: 'warning', code: 'source.empty', message: 'The file is empty', line: 1, offset: 0 });
  } else if (compressed(bytes)) {
    diagnostics.push({
      severity: 'error',
      code: 'protobuf.compressed',
      message: `The file is ${compressed(bytes)}-compressed; decompress it first`,
      offset: 0,
    });
  } else {
    let entries = 0;
    for (const frame of frames(bytes, diagnostics)) entries += readRequest(bytes, frame.start, frame.end, ctx);
    if (entries === 0 && ctx.diagnostics.every((d) => d.severity !== 'error')) {
      diagnostics.push({
        severity: 'error',
        code: 'protobuf.noSpans',
        message: 'Binary data with no OTLP resource_spans: not an OTLP trace export (ExportTraceServiceRequest / TracesData)',
        offset: 0,
      });
    }
  }
  const normalized = normalizeTrees(ctx.spans);
  diagnostics.push(...normalized.diagnostics);
  return { format: 'otlp-protobuf', spans: normalized.spans, lineageRuns: [], diagnostics };
}

function compressed(bytes: Uint8Array): string | undefined {
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) return 'gzip';
  if (bytes[0] === 0x28 && bytes[1] === 0xb5 && bytes[2] === 0x2f && bytes[3] === 0xfd) return 'zstd';
  return undefined;
}

/**
 * Whether bytes look like OTLP protobuf rather than JSON text. A serialized export request starts
 * with tag 0x0a (field 1, length-delimited) — which is also "\n", so a text file starting with a
 * blank line is told apart by walking the top-level fields and by the text test; a collector
 * `format: proto` file starts with a 4-byte length. Other binary (invalid UTF-8) is sent here too,
 * so it gets a protobuf diagnostic rather than a JSON one.
 */
export function looksLikeOtlpProtobuf(bytes: Uint8Array): boolean {
  if (bytes.length === 0) return false;
  const b0 = bytes[0];
  if (b0 < 0x0a && framedLayout(bytes) !== undefined) return true;
  if (b0 === 0x0a) return !looksLikeText(bytes) && walksAsMessage(bytes);
  if (b0 === 0x7b || b0 === 0x5b || b0 === 0xef || b0 === 0x20 || b0 === 0x09 || b0 === 0x0d) return false;
  return !isValidUtf8(utf8Head(bytes));
}

/** Valid UTF-8 with no control bytes but whitespace: text. Encoded messages are full of tag and length bytes below 0x20. */
function looksLikeText(bytes: Uint8Array): boolean {
  const head = utf8Head(bytes);
  for (const b of head) if ((b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d) || b === 0x7f) return false;
  return isValidUtf8(head);
}

/** Top-level fields parse, and the last one ends at the end of the data (or runs past it: truncated). */
function walksAsMessage(bytes: Uint8Array): boolean {
  const r = new ProtoReader(bytes);
  try {
    while (!r.done) {
      const { wire } = r.tag();
      r.skip(wire);
    }
    return true;
  } catch (err) {
    return err instanceof ProtoError && err.truncated;
  }
}

/** Frame payload bounds when the data is a 4-byte-length-prefixed stream; undefined when it is not. */
function framedLayout(bytes: Uint8Array): { start: number; end: number }[] | undefined {
  const out: { start: number; end: number }[] = [];
  let pos = 0;
  while (pos < bytes.length) {
    if (pos + 4 > bytes.length) return out.length ? out : undefined;
    const len = ((bytes[pos] << 24) >>> 0) + (bytes[pos + 1] << 16) + (bytes[pos + 2] << 8) + bytes[pos + 3];
    const start = pos + 4;
    // An export request starts with field 1 (resource_spans); an empty one has no bytes.
    if (len > 0 && bytes[start] !== undefined && bytes[start] !== 0x0a) return undefined;
    if (len === 0 && out.length === 0 && bytes.length > 4) return undefined;
    out.push({ start, end: Math.min(start + len, bytes.length) });
    pos = start + len;
  }
  return out;
}

function frames(bytes: Uint8Array, diags: Diagnostic[]): { start: number; end: number }[] {
  const layout = bytes[0] < 0x0a ? framedLayout(bytes) : undefined;
  if (!layout) return [{ start: 0, end: bytes.length }];
  const last = layout[layout.length - 1];
  const declaredEnd = last.start + readBE32(bytes, last.start - 4);
  if (last.start > bytes.length || declaredEnd > bytes.length) {
    diags.push({
      severity: 'error',
      code: 'protobuf.truncated',
      message: `Length-prefixed stream ends inside message ${layout.length} (it declares ${declaredEnd - last.start} bytes, ${bytes.length - Math.min(last.start, bytes.length)} present)`,
      offset: Math.max(0, last.start - 4),
    });
  }
  return layout;
}

function readBE32(b: Uint8Array, pos: number): number {
  return ((b[pos] << 24) >>> 0) + (b[pos + 1] << 16) + (b[pos + 2] << 8) + b[pos + 3];
}

/** One ExportTraceServiceRequest / TracesData in [start, end). Returns how many resource_spans it held. */
function readRequest(bytes: Uint8Array, start: number, end: number, ctx: Context): number {
  const r = new ProtoReader(bytes, start, end);
  let entries = 0;
  while (!r.done) {
    const tagAt = r.pos;
    let child: Child;
    let field: number;
    try {
      const t = r.tag();
      field = t.field;
      if (field !== 1 || t.wire !== WIRE_LEN) {
        r.skip(t.wire);
        continue;
      }
      child = open(r);
    } catch (err) {
      report(ctx, protoDiagnostic(err, 'the rest of the data is unreadable'));
      return entries;
    }
    entries++;
    ctx.entry = { byteStart: tagAt, byteEnd: child.reader.end };
    readResourceSpans(child, ctx);
    if (!child.complete) {
      report(ctx, truncatedDiagnostic(tagAt, 'a resource_spans entry'));
      return entries;
    }
  }
  return entries;
}

/** A child message; `complete` is false when the data ends before the message does. */
interface Child {
  reader: ProtoReader;
  complete: boolean;
  /** Offset of the message's first byte. */
  at: number;
}

/** Open an embedded message, tolerating one cut off by the end of the data. */
function open(r: ProtoReader): Child {
  const save = r.pos;
  try {
    const { start, end } = r.lengthDelimited();
    return { reader: new ProtoReader(r.buf, start, end, r.base), complete: true, at: start };
  } catch (err) {
    if (!(err instanceof ProtoError) || !err.truncated) throw err;
    // The length runs past the data: read what is there, and say the message is incomplete.
    r.pos = save;
    r.uint32();
    const start = r.pos;
    r.pos = r.end;
    return { reader: new ProtoReader(r.buf, start, r.end, r.base), complete: false, at: start };
  }
}

function protoDiagnostic(err: unknown, consequence: string): Diagnostic {
  if (err instanceof ProtoError) {
    return {
      severity: 'error',
      code: err.truncated ? 'protobuf.truncated' : 'protobuf.corrupt',
      message: `${err.truncated ? 'Truncated' : 'Corrupt'} OTLP protobuf at byte ${err.offset}: ${err.message}; ${consequence}`,
      offset: err.offset,
    };
  }
  return { severity: 'error', code: 'protobuf.corrupt', message: `Unreadable OTLP protobuf: ${String(err)}; ${consequence}` };
}

function truncatedDiagnostic(at: number, what: string): Diagnostic {
  return {
    severity: 'error',
    code: 'protobuf.truncated',
    message: `Truncated OTLP protobuf: the data ends inside ${what} starting at byte ${at}; what it held past the last whole span is lost`,
    offset: at,
  };
}

/** Add a diagnostic; a truncation is reported once, by the innermost message that saw it. */
function report(ctx: Context, d: Diagnostic): void {
  if (d.code === 'protobuf.truncated') {
    if (ctx.truncated) return;
    ctx.truncated = true;
  }
  ctx.diagnostics.push(d);
}

// ResourceSpans { Resource resource = 1; repeated ScopeSpans scope_spans = 2; string schema_url = 3;
//                 repeated InstrumentationLibrarySpans instrumentation_library_spans = 1000 (pre-1.0) }
function readResourceSpans(rs: Child, ctx: Context): void {
  const r = rs.reader;
  let resource = newAttributes();
  while (!r.done) {
    let child: Child;
    let field: number;
    try {
      const t = r.tag();
      field = t.field;
      if ((field !== 1 && field !== 2 && field !== 1000) || t.wire !== WIRE_LEN) {
        r.skip(t.wire);
        continue;
      }
      child = open(r);
    } catch (err) {
      report(ctx, protoDiagnostic(err, 'the rest of this resource_spans entry is skipped'));
      return;
    }
    if (field === 1) {
      if (!child.complete) {
        report(ctx, truncatedDiagnostic(child.at, 'a resource'));
        return;
      }
      try {
        resource = readResource(child.reader);
      } catch (err) {
        report(ctx, protoDiagnostic(err, 'this resource is read as empty'));
        resource = newAttributes();
      }
    } else {
      readScopeSpans(child, resource, ctx);
    }
    if (!child.complete) return;
  }
}

// Resource { repeated KeyValue attributes = 1; uint32 dropped_attributes_count = 2; … }
function readResource(r: ProtoReader): Attributes {
  const attrs = newAttributes();
  while (!r.done) {
    const { field, wire } = r.tag();
    if (field === 1) {
      r.expect(field, wire, WIRE_LEN);
      readKeyValue(r, attrs, 0);
    } else r.skip(wire);
  }
  return attrs;
}

// ScopeSpans { InstrumentationScope scope = 1; repeated Span spans = 2; string schema_url = 3; }
function readScopeSpans(ss: Child, resource: Attributes, ctx: Context): void {
  const r = ss.reader;
  let scope: Span['scope'];
  while (!r.done) {
    let child: Child;
    let field: number;
    try {
      const t = r.tag();
      field = t.field;
      if ((field !== 1 && field !== 2) || t.wire !== WIRE_LEN) {
        r.skip(t.wire);
        continue;
      }
      child = open(r);
    } catch (err) {
      report(ctx, protoDiagnostic(err, 'the rest of this scope_spans entry is skipped'));
      return;
    }
    if (!child.complete) {
      report(ctx, truncatedDiagnostic(child.at, field === 1 ? 'an instrumentation scope' : 'a span'));
      return;
    }
    try {
      if (field === 1) scope = readScope(child.reader);
      else {
        const span = readSpan(child.reader, resource, scope, ctx);
        if (span) ctx.spans.push(span);
      }
    } catch (err) {
      report(ctx, protoDiagnostic(err, field === 1 ? 'the scope is ignored' : 'this span is skipped'));
    }
  }
}

// InstrumentationScope { string name = 1; string version = 2; repeated KeyValue attributes = 3; … }
function readScope(r: ProtoReader): Span['scope'] {
  let name = '';
  let version = '';
  while (!r.done) {
    const { field, wire } = r.tag();
    if (field === 1) {
      r.expect(field, wire, WIRE_LEN);
      name = r.string();
    } else if (field === 2) {
      r.expect(field, wire, WIRE_LEN);
      version = r.string();
    } else r.skip(wire);
  }
  // As otlpJson.ts: empty strings read as absent, the scope object itself is kept.
  return { name: name || undefined, version: version || undefined };
}

// Span { bytes trace_id = 1; bytes span_id = 2; string trace_state = 3; bytes parent_span_id = 4;
//        string name = 5; SpanKind kind = 6; fixed64 start_time_unix_nano = 7; fixed64 end_time_unix_nano = 8;
//        repeated KeyValue attributes = 9; uint32 dropped_attributes_count = 10; repeated Event events = 11;
//        uint32 dropped_events_count = 12; repeated Link links = 13; uint32 dropped_links_count = 14;
//        Status status = 15; fixed32 flags = 16; }
function readSpan(r: ProtoReader, resource: Attributes, scope: Span['scope'], ctx: Context): Span | undefined {
  const spanAt = r.offset;
  let traceId = '';
  let spanId = '';
  let parent = '';
  let name = '';
  let kind: number | undefined;
  let startNs: bigint | undefined;
  let endNs: bigint | undefined;
  const attributes = newAttributes();
  const events: SpanEvent[] = [];
  const links: SpanLink[] = [];
  let status: StatusCode = 'unset';
  let statusMessage: string | undefined;
  while (!r.done) {
    const { field, wire } = r.tag();
    switch (field) {
      case 1:
        r.expect(field, wire, WIRE_LEN);
        traceId = toHex(r.bytes());
        break;
      case 2:
        r.expect(field, wire, WIRE_LEN);
        spanId = toHex(r.bytes());
        break;
      case 4:
        r.expect(field, wire, WIRE_LEN);
        parent = toHex(r.bytes());
        break;
      case 5:
        r.expect(field, wire, WIRE_LEN);
        name = r.string();
        break;
      case 6:
        r.expect(field, wire, WIRE_VARINT);
        kind = r.uint32();
        break;
      case 7:
        r.expect(field, wire, WIRE_FIXED64);
        startNs = r.fixed64();
        break;
      case 8:
        r.expect(field, wire, WIRE_FIXED64);
        endNs = r.fixed64();
        break;
      case 9:
        r.expect(field, wire, WIRE_LEN);
        readKeyValue(r, attributes, 0);
        break;
      case 11:
        r.expect(field, wire, WIRE_LEN);
        events.push(readEvent(r.message()));
        break;
      case 13:
        r.expect(field, wire, WIRE_LEN);
        {
          const link = readLink(r.message());
          if (link.traceId && link.spanId) links.push(link);
        }
        break;
      case 15: {
        r.expect(field, wire, WIRE_LEN);
        const s = readStatus(r.message());
        status = s.code;
        statusMessage = s.message;
        break;
      }
      default:
        r.skip(wire);
    }
  }
  const where = { offset: spanAt };
  if (!traceId || !spanId) {
    ctx.diagnostics.push({ severity: 'error', code: 'span.noId', message: `Span "${name}" has no trace or span id; skipped`, ...where });
    return undefined;
  }
  if (startNs === undefined) {
    ctx.diagnostics.push({ severity: 'warning', code: 'span.noTime', message: `Span ${spanId} has no start time`, ...where });
    startNs = endNs ?? 0n;
  }
  if (endNs === undefined) endNs = startNs;
  if (endNs < startNs) {
    ctx.diagnostics.push({
      severity: 'warning',
      code: 'span.endBeforeStart',
      message: `Span ${spanId} ends before it starts; duration shown as 0`,
      ...where,
    });
    endNs = startNs;
  }
  const otelKind = kind === undefined ? undefined : OTEL_KINDS[kind];
  if (otelKind && !('otel.span.kind' in attributes)) attributes['otel.span.kind'] = otelKind;
  const span: Span = {
    traceId,
    spanId,
    parentId: parent === '' || isZeroId(parent) ? undefined : parent,
    name,
    kind: 'span',
    startNs,
    endNs,
    status,
    statusMessage,
    attributes,
    resource,
    scope,
    events,
    range: { byteStart: ctx.entry.byteStart, byteEnd: ctx.entry.byteEnd, line: 1 },
  };
  if (links.length) span.links = links;
  return mapSemantics(span);
}

// Event { fixed64 time_unix_nano = 1; string name = 2; repeated KeyValue attributes = 3; … }
function readEvent(r: ProtoReader): SpanEvent {
  let timeNs: bigint | undefined;
  let name = '';
  const attributes = newAttributes();
  while (!r.done) {
    const { field, wire } = r.tag();
    if (field === 1) {
      r.expect(field, wire, WIRE_FIXED64);
      timeNs = r.fixed64();
    } else if (field === 2) {
      r.expect(field, wire, WIRE_LEN);
      name = r.string();
    } else if (field === 3) {
      r.expect(field, wire, WIRE_LEN);
      readKeyValue(r, attributes, 0);
    } else r.skip(wire);
  }
  return { name, timeNs, attributes };
}

// Link { bytes trace_id = 1; bytes span_id = 2; string trace_state = 3; repeated KeyValue attributes = 4; … }
function readLink(r: ProtoReader): SpanLink {
  const link: SpanLink = { traceId: '', spanId: '', attributes: newAttributes() };
  while (!r.done) {
    const { field, wire } = r.tag();
    if (field === 1) {
      r.expect(field, wire, WIRE_LEN);
      link.traceId = toHex(r.bytes());
    } else if (field === 2) {
      r.expect(field, wire, WIRE_LEN);
      link.spanId = toHex(r.bytes());
    } else if (field === 4) {
      r.expect(field, wire, WIRE_LEN);
      readKeyValue(r, link.attributes, 0);
    } else r.skip(wire);
  }
  return link;
}

// Status { string message = 2; StatusCode code = 3; }
function readStatus(r: ProtoReader): { code: StatusCode; message?: string } {
  let code: StatusCode = 'unset';
  let message = '';
  while (!r.done) {
    const { field, wire } = r.tag();
    if (field === 2) {
      r.expect(field, wire, WIRE_LEN);
      message = r.string();
    } else if (field === 3) {
      r.expect(field, wire, WIRE_VARINT);
      code = STATUS[r.uint32()] ?? 'unset';
    } else r.skip(wire);
  }
  return { code, message: message || undefined };
}

// The attribute decoders below run once per attribute value, so they read embedded messages in
// place (enter/leave) with raw tag values instead of allocating a reader and a tag per field.
// Tag values: field × 8 + wire type.
const T_STRING = 0x0a; // field 1, length-delimited (also KeyValue.key, ArrayValue/KeyValueList.values)
const T_VALUE = 0x12; // KeyValue.value: field 2, length-delimited
const T_BOOL = 0x10; // field 2, varint
const T_INT = 0x18; // field 3, varint
const T_DOUBLE = 0x21; // field 4, fixed64
const T_ARRAY = 0x2a; // field 5, length-delimited
const T_KVLIST = 0x32; // field 6, length-delimited
const T_BYTES = 0x3a; // field 7, length-delimited

/** A field this message defines, arriving with another wire type: the data is corrupt. */
function wrongWire(r: ProtoReader, t: number, what: string): never {
  return r.fail(`${what} field ${Math.floor(t / 8)} has wire type ${t & 7}`);
}

// KeyValue { string key = 1; AnyValue value = 2; } — the cursor is at its length. Into `out`
// (null-prototype), later keys win.
function readKeyValue(r: ProtoReader, out: Attributes, depth: number): void {
  const outer = r.enter();
  let key: string | undefined;
  let value: AttrValue = null;
  while (r.pos < r.end) {
    const t = r.tagValue();
    if (t === T_STRING) key = r.string();
    else if (t === T_VALUE) value = readAnyValue(r, depth);
    else if (t < 24) wrongWire(r, t, 'KeyValue');
    else r.skip(t & 7);
  }
  r.leave(outer);
  if (key !== undefined) out[key] = value;
}

// AnyValue { oneof { string string_value = 1; bool bool_value = 2; int64 int_value = 3;
//   double double_value = 4; ArrayValue array_value = 5; KeyValueList kvlist_value = 6; bytes bytes_value = 7; } }
function readAnyValue(r: ProtoReader, depth: number): AttrValue {
  const outer = r.enter();
  if (depth > MAX_DEPTH) {
    r.leave(outer);
    return '[nested too deeply]';
  }
  let value: AttrValue = null; // an AnyValue with nothing set is a valid "unset" value
  while (r.pos < r.end) {
    const t = r.tagValue();
    switch (t) {
      case T_STRING:
        value = r.string();
        break;
      case T_BOOL:
        value = r.bool();
        break;
      case T_INT: {
        // int64: a number when exact, else the decimal digits (as OTLP JSON's string int64 reads).
        const big = r.int64();
        const n = Number(big);
        value = Number.isSafeInteger(n) ? n : big.toString();
        break;
      }
      case T_DOUBLE:
        value = r.double();
        break;
      case T_ARRAY:
        value = readArray(r, depth + 1);
        break;
      case T_KVLIST:
        value = readKvList(r, depth + 1);
        break;
      case T_BYTES:
        value = toBase64(r.bytes()); // as OTLP JSON writes bytes
        break;
      default:
        if (t < 64) wrongWire(r, t, 'AnyValue');
        r.skip(t & 7);
    }
  }
  r.leave(outer);
  return value;
}

// ArrayValue { repeated AnyValue values = 1; }
function readArray(r: ProtoReader, depth: number): AttrValue[] {
  const outer = r.enter();
  const out: AttrValue[] = [];
  while (r.pos < r.end) {
    const t = r.tagValue();
    if (t === T_STRING) out.push(readAnyValue(r, depth));
    else if (t < 16) wrongWire(r, t, 'ArrayValue');
    else r.skip(t & 7);
  }
  r.leave(outer);
  return out;
}

// KeyValueList { repeated KeyValue values = 1; }
function readKvList(r: ProtoReader, depth: number): Attributes {
  const outer = r.enter();
  const out = newAttributes();
  while (r.pos < r.end) {
    const t = r.tagValue();
    if (t === T_STRING) readKeyValue(r, out, depth);
    else if (t < 16) wrongWire(r, t, 'KeyValueList');
    else r.skip(t & 7);
  }
  r.leave(outer);
  return out;
}
