// Exact nanosecond times. Never route a 64-bit timestamp through a float.

const DIGITS = /^\d+$/;

let lossySeen = false;

/**
 * Whether nanosFrom was given a number past 2^53 (its digits were rounded by JSON.parse) since
 * the last call; resets. The indexer parses OTLP records without parseRecord's rewrite of long
 * bare times and parses again with it only when this says so.
 */
export function takeLossyTime(): boolean {
  const seen = lossySeen;
  lossySeen = false;
  return seen;
}

/** Nanoseconds from an OTLP value: a decimal string (canonical) or a safe JSON number. */
export function nanosFrom(raw: unknown): bigint | undefined {
  if (typeof raw === 'bigint') return raw;
  if (typeof raw === 'string' && DIGITS.test(raw)) return BigInt(raw);
  if (typeof raw === 'number' && Number.isFinite(raw) && raw >= 0) {
    if (!Number.isSafeInteger(raw)) lossySeen = true;
    return BigInt(Math.trunc(raw));
  }
  return undefined;
}

const ISO = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:?\d{2})?$/;

/** Nanoseconds from an ISO-8601 timestamp, keeping sub-millisecond digits; naive = UTC. */
export function nanosFromIso(raw: unknown): bigint | undefined {
  if (typeof raw !== 'string') return undefined;
  const m = ISO.exec(raw.trim());
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s, frac = '', tz = 'Z'] = m;
  const ms = Date.UTC(+y, +mo - 1, +d, +h, +mi, +s);
  if (!Number.isFinite(ms)) return undefined;
  let offsetMin = 0;
  if (tz !== 'Z') {
    const sign = tz.startsWith('-') ? -1 : 1;
    const digits = tz.slice(1).replace(':', '');
    offsetMin = sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4)));
  }
  const fracNs = BigInt(frac.padEnd(9, '0'));
  return (BigInt(ms) - BigInt(offsetMin) * 60_000n) * 1_000_000n + fracNs;
}

/** Human duration: 850ms, 2.3s, 1m 05s. */
export function formatDurationNs(ns: bigint | number): string {
  const n = typeof ns === 'bigint' ? Number(ns) : ns;
  if (n < 0) return '–';
  if (n < 1_000_000) return `${Math.round(n / 1000)}µs`;
  const ms = n / 1_000_000;
  if (ms < 1000) return `${Math.round(ms)}ms`;
  const s = ms / 1000;
  if (s < 60) return `${s.toFixed(s < 10 ? 2 : 1)}s`;
  const m = Math.floor(s / 60);
  return `${m}m ${String(Math.round(s - m * 60)).padStart(2, '0')}s`;
}

/** ISO-8601 with nanosecond digits, for display and export. */
export function isoFromNanos(ns: bigint): string {
  const ms = ns / 1_000_000n;
  const sub = (ns % 1_000_000_000n).toString().padStart(9, '0');
  const base = new Date(Number(ms)).toISOString();
  return `${base.slice(0, 19)}.${sub}Z`;
}

/** Epoch time in a coarser unit, scaled to exact nanoseconds. */
export type EpochUnit = 's' | 'ms' | 'us' | 'ns';

const UNIT_DIGITS: Record<EpochUnit, number> = { s: 9, ms: 6, us: 3, ns: 0 };
const DECIMAL = /^(\d+)(?:\.(\d*))?$/;

/**
 * Nanoseconds from an epoch number or digit string in `unit` (Jaeger/Zipkin µs, LangSmith JS ms,
 * Python float seconds). Decimals are scaled on their digits, never through a float product, so
 * 1706678909209712 µs is exactly 1706678909209712000 ns; digits past 1 ns are dropped.
 */
export function nanosFromEpoch(raw: unknown, unit: EpochUnit): bigint | undefined {
  let s: string;
  if (typeof raw === 'bigint') return raw >= 0n ? raw * 10n ** BigInt(UNIT_DIGITS[unit]) : undefined;
  if (typeof raw === 'number') {
    if (!Number.isFinite(raw) || raw < 0) return undefined;
    // Up to 1e21 a JS number prints without an exponent; beyond that it is no real timestamp.
    if (raw >= 1e21) return undefined;
    s = Number.isInteger(raw) ? BigInt(raw).toString() : String(raw);
  } else if (typeof raw === 'string') s = raw.trim();
  else return undefined;
  const m = DECIMAL.exec(s);
  if (!m) return undefined;
  const shift = UNIT_DIGITS[unit];
  const frac = (m[2] ?? '').slice(0, shift).padEnd(shift, '0');
  return BigInt(m[1] + frac);
}

/** An ISO-8601 string, or else an epoch number/digit string in `unit`. */
export function nanosFromIsoOrEpoch(raw: unknown, unit: EpochUnit): bigint | undefined {
  return typeof raw === 'string' && raw.includes('-') ? nanosFromIso(raw) : nanosFromEpoch(raw, unit);
}
