// JSON.parse with exact 64-bit timestamps and a located error instead of an exception.

import type { Diagnostic } from '../model/diagnostic';
import type { SourceRecord } from './importResult';
import { jsonErrorPosition } from './jsonErrorPosition';

// Timestamp keys whose bare-number values may exceed 2^53 (MLflow, some OTLP encoders).
const BIG_TIME = /("[A-Za-z_]*(?:[Nn]ano|_ns|NanoSeconds)"\s*:\s*)(\d{16,})(?=\s*[,}\]])/g;
// Cheap pre-check: a bare (unquoted) number of 16+ digits after a colon. Quoted OTLP times skip the rewrite.
const BARE_LONG_NUMBER = /(?:[Nn]ano|_ns|NanoSeconds)"\s*:\s*\d{16}/;

export type ParseOutcome = { ok: true; value: unknown } | { ok: false; diagnostic: Diagnostic };

/** Whether parseRecord would rewrite bare long timestamps in this text. */
export function hasBareLongTime(text: string): boolean {
  return BARE_LONG_NUMBER.test(text);
}

/**
 * JSON.parse without parseRecord's check for bare long timestamps (a regex over the whole
 * record, 7% of indexing an OTLP file): for records whose times are read through nanosFrom,
 * which notices a rounded one (time.ts takeLossyTime). Errors are parseRecord's own.
 */
export function parseRecordPlain(rec: SourceRecord): ParseOutcome {
  const t = rec.text.charCodeAt(0) === 0xfeff ? rec.text.slice(1) : rec.text;
  try {
    return { ok: true, value: JSON.parse(t) };
  } catch {
    return parseRecord(rec);
  }
}

export function parseRecord(rec: SourceRecord): ParseOutcome {
  let t = rec.text;
  if (t.charCodeAt(0) === 0xfeff) t = t.slice(1);
  if (BARE_LONG_NUMBER.test(t)) t = t.replace(BIG_TIME, '$1"$2"');
  try {
    return { ok: true, value: JSON.parse(t) };
  } catch (err) {
    return { ok: false, diagnostic: syntaxDiagnostic(rec, err) };
  }
}

function syntaxDiagnostic(rec: SourceRecord, err: unknown): Diagnostic {
  const raw = (err instanceof Error ? err.message : String(err)).replace(/^SyntaxError: /, '');
  // V8 gives a position for some errors only, and none when the text ends early: locate it ourselves.
  const pos = jsonErrorPosition(rec.text);
  const before = rec.text.slice(0, pos.index);
  const line = rec.line + countNewlines(before);
  const offset = rec.byteStart + utf8Length(before);
  if (pos.truncated && rec.incomplete) {
    return {
      severity: 'warning',
      code: 'json.incompleteTrailing',
      message: '1 incomplete trailing record: the last line has no newline and ends mid-value (is the writer still running?)',
      line,
      offset,
    };
  }
  const shortRaw = raw.length > 200 ? `${raw.slice(0, 200)}…` : raw;
  return {
    severity: 'error',
    code: pos.truncated ? 'json.truncated' : 'json.syntax',
    message: pos.truncated ? `Truncated JSON: the text ends before the value is complete (${shortRaw})` : `Invalid JSON: ${shortRaw}`,
    line,
    offset,
  };
}

function countNewlines(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) === 10) n++;
  return n;
}

export function utf8Length(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff) {
      n += 4;
      i++;
    } else n += 3;
  }
  return n;
}
