// Ids are opaque strings, but OTLP encoders disagree: canonical hex (any case), protobuf-JSON
// base64, `0x`-prefixed hex. Normalise the OTLP forms to lowercase hex so spans join.

const HEX = /^[0-9a-fA-F]+$/;
const B64 = /^[A-Za-z0-9+/]+={0,2}$/;
const B64_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

function base64ToHex(s: string): string | undefined {
  const clean = s.replace(/=+$/, '');
  let bits = 0;
  let value = 0;
  let out = '';
  for (const ch of clean) {
    const v = B64_ALPHABET.indexOf(ch);
    if (v < 0) return undefined;
    value = (value << 6) | v;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += ((value >> bits) & 0xff).toString(16).padStart(2, '0');
    }
  }
  return out;
}

/**
 * Normalise an OTLP trace or span id. `bytes` is the expected length (16 for traces, 8 for
 * spans): a base64 string of exactly that many bytes is decoded, hex is lowercased.
 * Anything else is kept as given (ids are opaque), so nothing is lost.
 */
export function normalizeOtlpId(raw: unknown, bytes: 8 | 16): string | undefined {
  if (typeof raw !== 'string' || raw.length === 0) return undefined;
  let s = raw.trim();
  if (s.startsWith('0x') || s.startsWith('0X')) s = s.slice(2);
  if (s.length === bytes * 2 && HEX.test(s)) return s.toLowerCase();
  const b64Len = Math.ceil(bytes / 3) * 4;
  if (s.length === b64Len && B64.test(s)) {
    const hex = base64ToHex(s);
    if (hex && hex.length === bytes * 2) return hex;
  }
  if (HEX.test(s)) return s.toLowerCase();
  return raw;
}

/** An all-zero id means "absent" in OTLP (e.g. parentSpanId of a root). */
export function isZeroId(id: string | undefined): boolean {
  return id === undefined || /^0*$/.test(id);
}
