// Nanosecond timestamps as the index stores them: `padNs` text (20 zero-padded decimal digits),
// written straight into a row batch's bytes. `ns.toString().padStart(20, '0')` made two strings
// per timestamp, twice per span, and that with the bigint formatting was a tenth of packing.
// Here a bigint in [0, 2^64) is read as two 32-bit words (no allocation), split exactly into its
// high and low ten decimal digits with double arithmetic, and the high digits, which change once
// every ten seconds of timestamps, are formatted once and copied.

const U64 = new BigUint64Array(1);
const U32 = new Uint32Array(U64.buffer);
const LITTLE = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
const HI = LITTLE ? 1 : 0;
const LO = LITTLE ? 0 : 1;
const MAX_U64 = 0xffff_ffff_ffff_ffffn;
const E10 = 1e10;
/** 2^48 = 28147·10^10 + 4976710656. */
const P48_HIGH = 28147;
const P48_LOW = 4976710656;
const P32 = 4294967296;
const ZERO = 48;

/** `ns` split in decimal by `splitNs`: ns = high·10^10 + low; false when outside [0, 2^64). */
let high = 0;
let low = 0;

function splitNs(ns: bigint): boolean {
  if (ns < 0n || ns > MAX_U64) return false;
  U64[0] = ns;
  const hi = U32[HI];
  // ns = hH·2^48 + hL·2^32 + lo; every term below stays under 2^53, so the arithmetic is exact.
  const hH = hi >>> 16;
  // Flooring the quotient is exact: rest < 2^50, so its rounding error is far below 10^-10.
  const rest = hH * P48_LOW + (hi & 0xffff) * P32 + U32[LO];
  const q = Math.floor(rest / E10);
  low = rest - q * E10;
  high = hH * P48_HIGH + q;
  return true;
}

/** "00" to "99": two digits per step, in integer arithmetic (a plain digit loop was most of the cost). */
const PAIRS = new Uint8Array(200);
for (let i = 0; i < 100; i++) {
  PAIRS[2 * i] = ZERO + ((i / 10) | 0);
  PAIRS[2 * i + 1] = ZERO + (i % 10);
}

/** Writes ten decimal digits of `v` (an integer < 10^10) at `off`. */
function digits10(out: Uint8Array, off: number, v: number): void {
  const a = Math.floor(v / 1e5) | 0;
  digits5(out, off, a);
  digits5(out, off + 5, (v - a * 1e5) | 0);
}

/** Writes five decimal digits of `x` (an integer < 10^5) at `off`. */
function digits5(out: Uint8Array, off: number, x: number): void {
  let q = (x / 100) | 0;
  let p = 2 * (x - q * 100);
  out[off + 3] = PAIRS[p];
  out[off + 4] = PAIRS[p + 1];
  x = q;
  q = (x / 100) | 0;
  p = 2 * (x - q * 100);
  out[off + 1] = PAIRS[p];
  out[off + 2] = PAIRS[p + 1];
  out[off] = ZERO + q;
}

/** Formats `padNs` text into byte arrays, remembering the last high digits it formatted. */
export class NsWriter {
  private lastHigh = -1;
  private readonly highDigits = new Uint8Array(10);

  /**
   * Writes `padNs(ns)` (20 ASCII digits) at `off` of `out`, which has room for them, when ns is
   * in [0, 2^64); returns false, writing nothing, otherwise (the caller writes `padNs(ns)`).
   */
  write(out: Uint8Array, off: number, ns: bigint): boolean {
    if (!splitNs(ns)) return false;
    if (high !== this.lastHigh) {
      digits10(this.highDigits, 0, high);
      this.lastHigh = high;
    }
    const h = this.highDigits;
    for (let i = 0; i < 10; i++) out[off + i] = h[i];
    digits10(out, off + 10, low);
    return true;
  }
}

/** `Number(end - start)` without allocating a bigint when both are in [0, 2^64) and close. */
export function nsDuration(start: bigint, end: bigint): number {
  if (!splitNs(start)) return Number(end - start);
  const sh = high;
  const sl = low;
  if (!splitNs(end)) return Number(end - start);
  const dh = high - sh;
  // |dh| < 900000 keeps |dh·10^10 + (low − sl)| under 2^53: exact, as Number() of the bigint is.
  if (dh > -900000 && dh < 900000) return dh * E10 + (low - sl);
  return Number(end - start);
}
