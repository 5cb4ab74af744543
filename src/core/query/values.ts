// Values with units: durations (`2s`, `1.5m`), token counts (`4000`, `4k`), costs (`0.01`),
// and instants (`2026-11-01`, `2026-11-01T10:00:00Z`, or an age such as `7d`). Exact
// nanoseconds in bigint: never through a float.

import type { Instant } from './ast';
import { QueryError } from './queryError';
import { lookupTable } from '../formats/lookupTable';

interface Decimal {
  int: string;
  frac: string;
  unit: string;
  unitOffset: number;
}

/** Reads `12`, `1.5`, `.5` followed by an optional unit; `offset` is where `text` starts in the query. */
function decimal(text: string, offset: number, what: string): Decimal {
  const m = /^(\d*)(?:\.(\d+))?/.exec(text);
  const int = m?.[1] ?? '';
  const frac = m?.[2] ?? '';
  if (!int && !frac) throw new QueryError(`${what} needs a number`, offset, Math.max(1, text.length));
  const used = m?.[0].length ?? 0;
  return { int: int || '0', frac, unit: text.slice(used), unitOffset: offset + used };
}

/** `int.frac × factor`, rounded down to a whole number. */
function scale(d: Decimal, factor: bigint): bigint {
  return (BigInt(d.int + d.frac) * factor) / 10n ** BigInt(d.frac.length);
}

const NS = lookupTable<bigint>({
  ns: 1n,
  us: 1_000n,
  µs: 1_000n,
  ms: 1_000_000n,
  s: 1_000_000_000n,
  m: 60_000_000_000n,
  h: 3_600_000_000_000n,
  d: 86_400_000_000_000n,
  w: 604_800_000_000_000n,
});

const LATENCY_UNITS = ['ns', 'us', 'µs', 'ms', 's', 'm', 'h'];
const AGE_UNITS = ['s', 'm', 'h', 'd', 'w'];

function unitError(d: Decimal, units: string[], what: string): QueryError {
  const list = `${units.slice(0, -1).join(', ')} or ${units[units.length - 1]}`;
  if (!d.unit) return new QueryError(`${what} needs a unit`, d.unitOffset, 1, `use ${list}, as in 2s`);
  return new QueryError(`unknown unit '${d.unit}'`, d.unitOffset, d.unit.length, `use ${list}`);
}

/** `latency>2s`: a duration in nanoseconds. The unit is required (ns, us, ms, s, m, h). */
export function parseLatency(text: string, offset: number): bigint {
  const d = decimal(text, offset, 'latency');
  if (!LATENCY_UNITS.includes(d.unit)) throw unitError(d, ['ms', 's', 'm', 'h', 'us', 'ns'], 'latency');
  return scale(d, NS[d.unit]);
}

/** `tokens>=4000` or `tokens>4k`: a whole number of tokens. */
export function parseTokenCount(text: string, offset: number, what: string): number {
  const d = decimal(text, offset, what);
  let factor = 1n;
  if (d.unit === 'k' || d.unit === 'K') factor = 1000n;
  else if (d.unit)
    throw new QueryError(`unknown unit '${d.unit}'`, d.unitOffset, d.unit.length, `${what} takes a whole number, or thousands as in 4k`);
  const whole = BigInt(d.int + d.frac) * factor;
  const div = 10n ** BigInt(d.frac.length);
  if (whole % div !== 0n) throw new QueryError(`${what} must be a whole number`, offset, text.length);
  return Number(whole / div);
}

/** `cost>0.01` (an optional leading `$` is allowed): a number in the trace's currency. */
export function parseCost(text: string, offset: number): number {
  const dollar = text.startsWith('$') ? 1 : 0;
  const d = decimal(text.slice(dollar), offset + dollar, 'cost');
  if (d.unit) throw new QueryError(`unknown unit '${d.unit}'`, d.unitOffset, d.unit.length, 'cost is a plain number, as in cost>0.01');
  return Number(`${d.int}.${d.frac || '0'}`);
}

/** A number for `attr.<key>>n`: may be negative or fractional. */
export function parsePlainNumber(text: string, offset: number, what: string): number {
  const sign = text.startsWith('-') ? 1 : 0;
  const d = decimal(text.slice(sign), offset + sign, what);
  if (d.unit) throw new QueryError(`'${d.unit}' is not part of a number`, d.unitOffset, d.unit.length);
  const n = Number(`${d.int}.${d.frac || '0'}`);
  return sign ? -n : n;
}

/** Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's days_from_civil). */
function daysFromCivil(y: number, m: number, d: number): bigint {
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return BigInt(era * 146097 + doe - 719468);
}

const daysInMonth = (y: number, m: number): number =>
  m === 2 ? (y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0) ? 29 : 28) : [4, 6, 9, 11].includes(m) ? 30 : 31;

const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?(Z|z|[+-]\d{2}(?::?\d{2})?)?)?$/;
const AGE = /^(\d+(?:\.\d+)?)([a-zµ]*)$/i;

/**
 * `2026-11-01` (midnight UTC), `2026-11-01T10:00`, `…:30.5Z`, `…+02:00` (no zone means UTC),
 * or an age counted back from now: `90m`, `24h`, `7d`, `2w`.
 */
export function parseInstant(text: string, offset: number): Instant {
  const bad = (what: string): QueryError =>
    new QueryError(
      what,
      offset,
      Math.max(1, text.length),
      'use a date (2026-11-01), a date and time (2026-11-01T10:00Z) or an age (7d, 24h)',
    );
  const age = AGE.exec(text);
  if (age && age[2]) {
    const d = decimal(text, offset, 'a time');
    if (!AGE_UNITS.includes(d.unit)) throw unitError(d, AGE_UNITS, 'an age');
    return { agoNs: scale(d, NS[d.unit]) };
  }
  const m = ISO.exec(text);
  if (!m) throw bad(`'${text}' is not a date, time or age`);
  const [y, mo, d, h, mi, s] = [1, 2, 3, 4, 5, 6].map((i) => Number(m[i] ?? 0));
  if (mo < 1 || mo > 12 || d < 1 || d > daysInMonth(y, mo) || h > 23 || mi > 59 || s > 59) throw bad(`'${text}' is not a valid date`);
  const frac = (m[7] ?? '').padEnd(9, '0');
  let zoneMinutes = 0;
  const zone = m[8];
  if (zone && zone !== 'Z' && zone !== 'z') {
    const digits = zone.slice(1).replace(':', '');
    const zh = Number(digits.slice(0, 2));
    const zm = Number(digits.slice(2) || '0');
    if (zh > 23 || zm > 59) throw bad(`'${zone}' is not a valid time zone offset`);
    zoneMinutes = (zone[0] === '-' ? -1 : 1) * (zh * 60 + zm);
  }
  const seconds = daysFromCivil(y, mo, d) * 86_400n + BigInt(h * 3600 + mi * 60 + s) - BigInt(zoneMinutes * 60);
  return { absoluteNs: seconds * 1_000_000_000n + BigInt(frac) };
}
