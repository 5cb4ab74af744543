// A small protobuf wire-format reader: varints (64-bit through BigInt where needed), fixed32/64,
// length-delimited fields, skipping of unknown fields. No schema, no code generation: the OTLP
// importer walks its messages field by field. Every read is bounds-checked against the end of the
// enclosing message and throws a ProtoError carrying the byte offset, so a caller can confine a
// corrupt or truncated message to itself and keep its siblings.

export const WIRE_VARINT = 0;
export const WIRE_FIXED64 = 1;
export const WIRE_LEN = 2;
export const WIRE_START_GROUP = 3;
export const WIRE_END_GROUP = 4;
export const WIRE_FIXED32 = 5;

export class ProtoError extends Error {
  constructor(
    message: string,
    /** Absolute byte offset in the source where decoding failed. */
    readonly offset: number,
    /** The message ran past the end of the data: the source is truncated rather than corrupt. */
    readonly truncated = false,
  ) {
    super(message);
    this.name = 'ProtoError';
  }
}

interface Utf8Decoder {
  decode(bytes: Uint8Array): string;
}
type DecoderCtor = new (label: string, opts?: { fatal?: boolean }) => Utf8Decoder;

// TextDecoder exists in every runtime we run in (Node, VS Code, browsers) but is not part of the
// ES library types the pure core compiles against, so it is looked up rather than declared.
const Ctor = (globalThis as unknown as { TextDecoder?: DecoderCtor }).TextDecoder;
const lenientDecoder: Utf8Decoder | undefined = Ctor ? new Ctor('utf-8') : undefined;
const strictDecoder: Utf8Decoder | undefined = Ctor ? new Ctor('utf-8', { fatal: true }) : undefined;

/** Decode UTF-8, replacing invalid sequences with U+FFFD. */
export function utf8(bytes: Uint8Array): string {
  // Short ASCII strings (attribute keys, names) are the common case: skip the decoder call.
  if (bytes.length < 24) {
    let s = '';
    for (let i = 0; i < bytes.length; i++) {
      const b = bytes[i];
      if (b >= 0x80) return decodeSlow(bytes);
      s += String.fromCharCode(b);
    }
    return s;
  }
  return decodeSlow(bytes);
}

function decodeSlow(bytes: Uint8Array): string {
  if (lenientDecoder) return lenientDecoder.decode(bytes);
  return fallbackUtf8(bytes);
}

/** Whether the bytes are valid UTF-8. */
export function isValidUtf8(bytes: Uint8Array): boolean {
  if (strictDecoder) {
    try {
      strictDecoder.decode(bytes);
      return true;
    } catch {
      return false;
    }
  }
  return !fallbackUtf8(bytes).includes('\uFFFD');
}

/**
 * The first `max` bytes, cut back to a UTF-8 character boundary so a validity test of the head
 * does not fail on a character split by the cut.
 */
export function utf8Head(bytes: Uint8Array, max = 64 * 1024): Uint8Array {
  if (bytes.length <= max) return bytes;
  let end = max;
  // Step back over continuation bytes (10xxxxxx) to the start of the last character, and drop it.
  for (let i = 0; i < 3 && end > 0 && (bytes[end] & 0xc0) === 0x80; i++) end--;
  return bytes.subarray(0, end);
}

/** Minimal decoder for runtimes without TextDecoder. */
function fallbackUtf8(b: Uint8Array): string {
  let out = '';
  for (let i = 0; i < b.length;) {
    const c = b[i];
    let cp = 0xfffd;
    let n = 1;
    if (c < 0x80) cp = c;
    else if (c >= 0xc2 && c < 0xe0 && i + 1 < b.length) {
      cp = ((c & 0x1f) << 6) | (b[i + 1] & 0x3f);
      n = 2;
    } else if (c >= 0xe0 && c < 0xf0 && i + 2 < b.length) {
      cp = ((c & 0x0f) << 12) | ((b[i + 1] & 0x3f) << 6) | (b[i + 2] & 0x3f);
      n = 3;
    } else if (c >= 0xf0 && c < 0xf5 && i + 3 < b.length) {
      cp = ((c & 0x07) << 18) | ((b[i + 1] & 0x3f) << 12) | ((b[i + 2] & 0x3f) << 6) | (b[i + 3] & 0x3f);
      n = 4;
    }
    out += String.fromCodePoint(cp);
    i += n;
  }
  return out;
}

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/** Lowercase hex of bytes (trace and span ids). */
export function toHex(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i++) s += HEX[bytes[i]];
  return s;
}

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** Standard padded base64, as OTLP JSON writes `bytesValue`. */
export function toBase64(bytes: Uint8Array): string {
  let out = '';
  let i = 0;
  for (; i + 2 < bytes.length; i += 3) {
    const n = (bytes[i] << 16) | (bytes[i + 1] << 8) | bytes[i + 2];
    out += B64[n >> 18] + B64[(n >> 12) & 63] + B64[(n >> 6) & 63] + B64[n & 63];
  }
  const rest = bytes.length - i;
  if (rest === 1) {
    const n = bytes[i] << 16;
    out += B64[n >> 18] + B64[(n >> 12) & 63] + '==';
  } else if (rest === 2) {
    const n = (bytes[i] << 16) | (bytes[i + 1] << 8);
    out += B64[n >> 18] + B64[(n >> 12) & 63] + B64[(n >> 6) & 63] + '=';
  }
  return out;
}

/**
 * A cursor over one message: [pos, end) inside `buf`. `base` is the absolute offset of `buf[0]`
 * in the source, so errors and ranges are reported as file offsets.
 */
export class ProtoReader {
  pos: number;
  private view: DataView | undefined;

  constructor(
    readonly buf: Uint8Array,
    start = 0,
    /** End of the message being read; narrowed by enter() while an embedded message is read. */
    public end = buf.length,
    readonly base = 0,
  ) {
    this.pos = start;
  }

  get done(): boolean {
    return this.pos >= this.end;
  }

  /** Absolute source offset of the cursor. */
  get offset(): number {
    return this.base + this.pos;
  }

  fail(message: string, truncated = false): never {
    throw new ProtoError(message, this.offset, truncated);
  }

  /** Read a field tag; returns field number and wire type. */
  tag(): { field: number; wire: number } {
    const t = this.tagValue();
    return { field: Math.floor(t / 8), wire: t & 7 };
  }

  /** Read a field tag as its raw value (field number × 8 + wire type): no allocation, for hot loops. */
  tagValue(): number {
    if (this.pos < this.end) {
      const b = this.buf[this.pos];
      if (b < 0x80 && b >= 8) {
        this.pos++;
        return b; // fields 1–15: one byte
      }
    }
    const start = this.pos;
    const t = this.uint32();
    if (t < 8) {
      this.pos = start;
      this.fail('Invalid field number 0');
    }
    return t;
  }

  /**
   * Step into an embedded message in place (no new reader): reads its length and narrows `end`
   * to it. Returns the outer end, to hand to leave() once the message is read.
   */
  enter(): number {
    const len = this.uint32();
    const end = this.pos + len;
    if (end > this.end) this.fail(`Embedded message of ${len} bytes runs past the end of its parent`, end > this.buf.length);
    const outer = this.end;
    this.end = end;
    return outer;
  }

  /** Step out of the message entered last: the cursor moves to its end. */
  leave(outer: number): void {
    this.pos = this.end;
    this.end = outer;
  }

  /** An unsigned varint of at most 53 significant bits, as a number (lengths, enums, tags). */
  uint32(): number {
    let result = 0;
    let mult = 1;
    for (let i = 0; i < 10; i++) {
      if (this.pos >= this.end) this.fail('Varint runs past the end of the message', this.pos >= this.buf.length);
      const b = this.buf[this.pos++];
      if (i < 8) result += (b & 0x7f) * mult;
      mult *= 128;
      if (b < 0x80) {
        if (result > Number.MAX_SAFE_INTEGER) this.fail('Varint too large');
        return result;
      }
    }
    return this.fail('Varint longer than 10 bytes');
  }

  /** An unsigned 64-bit varint as a bigint. */
  uint64(): bigint {
    let lo = 0;
    let shift = 0;
    // Up to 7 bytes (49 bits) fit a number exactly; longer varints continue in BigInt.
    for (let i = 0; i < 7; i++) {
      if (this.pos >= this.end) this.fail('Varint runs past the end of the message', this.pos >= this.buf.length);
      const b = this.buf[this.pos++];
      lo += (b & 0x7f) * 2 ** shift;
      shift += 7;
      if (b < 0x80) return BigInt(lo);
    }
    let big = BigInt(lo);
    for (let i = 7; i < 10; i++) {
      if (this.pos >= this.end) this.fail('Varint runs past the end of the message', this.pos >= this.buf.length);
      const b = this.buf[this.pos++];
      big |= BigInt(b & 0x7f) << BigInt(shift);
      shift += 7;
      if (b < 0x80) return BigInt.asUintN(64, big);
    }
    return this.fail('Varint longer than 10 bytes');
  }

  /** A signed int64 varint (two's complement, as protobuf `int64`). */
  int64(): bigint {
    return BigInt.asIntN(64, this.uint64());
  }

  bool(): boolean {
    return this.uint64() !== 0n;
  }

  private need(n: number): void {
    if (this.pos + n > this.end) this.fail(`Field needs ${n} bytes, ${this.end - this.pos} left`, this.pos + n > this.buf.length);
  }

  private dv(): DataView {
    return (this.view ??= new DataView(this.buf.buffer, this.buf.byteOffset, this.buf.byteLength));
  }

  fixed64(): bigint {
    this.need(8);
    const v = this.dv().getBigUint64(this.pos, true);
    this.pos += 8;
    return v;
  }

  fixed32(): number {
    this.need(4);
    const v = this.dv().getUint32(this.pos, true);
    this.pos += 4;
    return v;
  }

  double(): number {
    this.need(8);
    const v = this.dv().getFloat64(this.pos, true);
    this.pos += 8;
    return v;
  }

  /** The [start, end) bounds of a length-delimited field's payload; the cursor moves past it. */
  lengthDelimited(): { start: number; end: number } {
    const len = this.uint32();
    const start = this.pos;
    if (start + len > this.end) {
      this.fail(`Length-delimited field of ${len} bytes runs past the end of its message`, start + len > this.buf.length);
    }
    this.pos = start + len;
    return { start, end: start + len };
  }

  bytes(): Uint8Array {
    const { start, end } = this.lengthDelimited();
    return this.buf.subarray(start, end);
  }

  string(): string {
    const { start, end } = this.lengthDelimited();
    // Short ASCII (keys, names, ids) straight from the buffer: no view, no decoder call.
    if (end - start < 32) {
      let s = '';
      for (let i = start; i < end; i++) {
        const b = this.buf[i];
        if (b >= 0x80) return decodeSlow(this.buf.subarray(start, end));
        s += String.fromCharCode(b);
      }
      return s;
    }
    return decodeSlow(this.buf.subarray(start, end));
  }

  /** A reader over an embedded message. */
  message(): ProtoReader {
    const { start, end } = this.lengthDelimited();
    return new ProtoReader(this.buf, start, end, this.base);
  }

  /** Skip a field's value of the given wire type (unknown fields, fields we do not keep). */
  skip(wire: number, depth = 0): void {
    switch (wire) {
      case WIRE_VARINT:
        this.uint64();
        return;
      case WIRE_FIXED64:
        this.need(8);
        this.pos += 8;
        return;
      case WIRE_LEN:
        this.lengthDelimited();
        return;
      case WIRE_FIXED32:
        this.need(4);
        this.pos += 4;
        return;
      case WIRE_START_GROUP: {
        if (depth > 32) this.fail('Groups nested too deeply');
        for (;;) {
          if (this.done) this.fail('Unterminated group', this.pos >= this.buf.length);
          const w = this.tagValue() & 7;
          if (w === WIRE_END_GROUP) return;
          this.skip(w, depth + 1);
        }
      }
      default:
        this.fail(`Invalid wire type ${wire}`);
    }
  }

  /** Throw unless the field has the expected wire type (a mismatch means corrupt data). */
  expect(field: number, wire: number, expected: number): void {
    if (wire !== expected) this.fail(`Field ${field} has wire type ${wire}, expected ${expected}`);
  }
}
