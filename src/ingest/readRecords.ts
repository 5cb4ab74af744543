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
    diags.push({ severity: 'warning', code: 'text.utf8', message: 'Invalid UTF-8; bad bytes replaced with U+FFFD', line, offset });
    return lenient.decode(bytes);
  }
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
      records.push({ text: decode(slice, line, lineStart, diags), line, byteStart: lineStart, byteEnd: end });
    }
    line++;
    lineStart = nl + 1;
  }
  return records;
}
