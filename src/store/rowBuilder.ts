// Packs rows of one layout (spanRows.ts) into a transferable batch. Strings are UTF-8-encoded as
// they are added, into one growable byte array kept between batches (a batch gets an exact-size
// copy, since it is transferred to another thread): short ASCII strings (ids, kinds, names) by a
// plain loop, which on this path beats a native call per string, anything longer or not ASCII by
// Buffer#write. That replaced joining the strings, testing the joined text for non-ASCII and
// encoding it again (most batches carry a preview's "…", which sent them down a second pass).

import { NsWriter } from './padNs';
import { padNs } from './sqlJsSchema';
import type { RowBatch, RowLayout } from './spanRows';

/** Strings up to this long are tried as ASCII by a loop; longer ones go to the native encoder. */
const SHORT = 48;
/** A builder's first text buffer (builders are also made for a handful of rows). */
const FIRST_BYTES = 4 << 10;
/** A text buffer grown past this is not kept for the next batch; one this size is made instead. */
const KEEP_BYTES = 4 << 20;

export class RowBuilder {
  private bytes: Uint8Array = new Uint8Array(FIRST_BYTES);
  private view: Buffer = Buffer.from(this.bytes.buffer, this.bytes.byteOffset, this.bytes.length);
  private off = 0;
  private lens: Int32Array;
  private nums: Float64Array;
  private li = 0;
  private ni = 0;
  private readonly nsWriter = new NsWriter();
  count = 0;

  constructor(private readonly layout: RowLayout) {
    this.lens = new Int32Array(256 * layout.t);
    this.nums = new Float64Array(256 * layout.n);
  }

  /** Text column value (call `layout.t` times, then `num` `layout.n` times, per row). */
  text(v: string | null | undefined): void {
    if (this.li === this.lens.length) this.lens = grow(this.lens);
    if (v === null || v === undefined) {
      this.lens[this.li++] = -1;
      return;
    }
    const n = v.length;
    const off = this.off;
    // A UTF-16 unit is at most 3 UTF-8 bytes (a pair, 2 units, is 4).
    if (off + 3 * n > this.bytes.length) this.reserve(3 * n);
    if (n <= SHORT) {
      const out = this.bytes;
      let i = 0;
      for (; i < n; i++) {
        const c = v.charCodeAt(i);
        if (c >= 0x80) break;
        out[off + i] = c;
      }
      if (i === n) {
        this.lens[this.li++] = n;
        this.off = off + n;
        return;
      }
    }
    // Lone surrogates become U+FFFD (EF BF BD), as TextEncoder and Buffer.byteLength have them.
    const w = this.view.write(v, off, 'utf8');
    this.lens[this.li++] = w;
    this.off = off + w;
  }

  /** A nanosecond timestamp as text column value `padNs(ns)`. */
  ns(v: bigint): void {
    if (this.off + 20 > this.bytes.length) this.reserve(20);
    if (!this.nsWriter.write(this.bytes, this.off, v)) return this.text(padNs(v));
    if (this.li === this.lens.length) this.lens = grow(this.lens);
    this.lens[this.li++] = 20;
    this.off += 20;
  }

  num(v: number | null | undefined): void {
    if (this.ni === this.nums.length) this.nums = grow(this.nums);
    this.nums[this.ni++] = v === null || v === undefined || !Number.isFinite(v) ? NaN : v;
  }

  endRow(): void {
    this.count++;
  }

  take(): RowBatch {
    // Copies of their own (never views of the kept arrays, nor of Buffer's shared pool): batches
    // are transferred between threads.
    const batch: RowBatch = {
      count: this.count,
      text: this.bytes.slice(0, this.off),
      lens: this.lens.slice(0, this.li),
      nums: this.nums.slice(0, this.ni),
    };
    if (this.bytes.length > KEEP_BYTES) this.setBytes(new Uint8Array(KEEP_BYTES));
    this.off = 0;
    this.li = 0;
    this.ni = 0;
    this.count = 0;
    return batch;
  }

  private reserve(n: number): void {
    const next = new Uint8Array(Math.max(this.bytes.length * 2, this.off + n));
    next.set(this.bytes.subarray(0, this.off));
    this.setBytes(next);
  }

  private setBytes(b: Uint8Array): void {
    this.bytes = b;
    this.view = Buffer.from(b.buffer, b.byteOffset, b.length);
  }
}

function grow<A extends Int32Array | Float64Array>(a: A): A {
  const b = new (a.constructor as { new (n: number): A })(a.length * 2);
  b.set(a);
  return b;
}
