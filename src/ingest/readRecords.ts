// Split a source's bytes into records with exact byte ranges and line numbers: one record per
// line for JSON Lines, one for a whole document. Invalid UTF-8 is replaced and reported.

import type { Diagnostic } from '../core/model/diagnostic';
import type { SourceRecord } from '../core/formats/importResult';
import { looksLikeJsonLines } from '../core/formats/detect';

const strict = new TextDecoder('utf-8', { fatal: true });
const lenient = new TextDecoder('utf-8', { fatal: false });

function decode(bytes: Uint8Array, line: number, offset: number, diags: Diagnostic[]): string {
  try {
    return strict.decode(bytes);
  } catch {
    // Point at the first bad byte, not at the start of the record.
    const bad = firstInvalidUtf8(bytes);
    let badLine = line;
    for (let i = 0; i < bad; i++) if (bytes[i] === 0x0a) badLine++;
    diags.push({
      severity: 'warning',
      code: 'text.utf8',
      message: 'Invalid UTF-8; bad bytes replaced with U+FFFD',
      line: badLine,
      offset: offset + bad,
    });
    return lenient.decode(bytes);
  }
}

/** Offset of the first byte that does not start a valid UTF-8 sequence (WHATWG rules). */
export function firstInvalidUtf8(b: Uint8Array): number {
  let i = 0;
  while (i < b.length) {
    const c = b[i];
    if (c < 0x80) {
      i++;
      continue;
    }
    let need: number;
    let lo = 0x80;
    let hi = 0xbf;
    if (c >= 0xc2 && c <= 0xdf) need = 1;
    else if (c >= 0xe0 && c <= 0xef) {
      need = 2;
      if (c === 0xe0) lo = 0xa0;
      if (c === 0xed) hi = 0x9f;
    } else if (c >= 0xf0 && c <= 0xf4) {
      need = 3;
      if (c === 0xf0) lo = 0x90;
      if (c === 0xf4) hi = 0x8f;
    } else return i;
    for (let k = 1; k <= need; k++) {
      const x = b[i + k];
      if (x === undefined || x < (k === 1 ? lo : 0x80) || x > (k === 1 ? hi : 0xbf)) return i;
    }
    i += need + 1;
  }
  return b.length;
}

export function isJsonLines(bytes: Uint8Array, fileName = ''): boolean {
  if (/\.(jsonl|ndjson)$/i.test(fileName)) return true;
  const head = lenient.decode(bytes.subarray(0, 64 * 1024));
  return looksLikeJsonLines(head);
}

export function splitRecords(bytes: Uint8Array, fileName: string, diags: Diagnostic[]): SourceRecord[] {
  let start = 0;
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) start = 3;
  if (!isJsonLines(bytes, fileName)) {
    return [{ text: decode(bytes.subarray(start), 1, start, diags), line: 1, byteStart: start, byteEnd: bytes.length }];
  }
  const records: SourceRecord[] = [];
  let line = 1;
  let lineStart = start;
  while (lineStart <= bytes.length) {
    // indexOf is a native scan: far faster than a byte loop in JS.
    let nl = bytes.indexOf(0x0a, lineStart);
    if (nl < 0) nl = bytes.length;
    let end = nl;
    if (end > lineStart && bytes[end - 1] === 0x0d) end--;
    if (end > lineStart) {
      const slice = bytes.subarray(lineStart, end);
      const rec: SourceRecord = { text: decode(slice, line, lineStart, diags), line, byteStart: lineStart, byteEnd: end };
      if (nl === bytes.length) rec.incomplete = true;
      records.push(rec);
    }
    line++;
    lineStart = nl + 1;
  }
  return records;
}
