// The streaming line reader: exact byte ranges and line numbers whatever the chunk size, CRLF,
// BOM, invalid UTF-8, a truncated last line, and a line far over the cap skipped in bounded memory.

import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import type { Diagnostic } from '../../../src/core/model/diagnostic';
import type { SourceRecord } from '../../../src/core/formats/importResult';
import { LineSplitter, readLines } from '../../../src/ingest/lineStream';
import { splitRecords } from '../../../src/ingest/readRecords';
import { tempDir } from './helpers';

function split(bytes: Uint8Array, chunk: number, max?: number): { records: SourceRecord[]; diags: Diagnostic[]; peak: number } {
  const sp = new LineSplitter({ maxRecordBytes: max });
  const records: SourceRecord[] = [];
  let peak = 0;
  for (let i = 0; i < bytes.length; i += chunk) {
    records.push(...sp.push(bytes.subarray(i, i + chunk)));
    peak = Math.max(peak, sp.bufferedBytes);
  }
  records.push(...sp.end());
  return { records, diags: sp.diagnostics, peak };
}

function rng(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s * 1103515245 + 12345) >>> 0;
    return s / 2 ** 32;
  };
}

describe('line stream', () => {
  const tmp = tempDir();
  after(() => tmp.remove());

  it('gives the same records, byte ranges and lines as splitting the whole file, at any chunk size', () => {
    const r = rng(3);
    const pieces = ['{"a":1}', '{"é":"ü😀"}', '', '   ', '{"x":"\\"}\\\\"}', '{"long":"' + 'z'.repeat(300) + '"}'];
    let text = '\uFEFF';
    for (let i = 0; i < 400; i++) text += pieces[Math.floor(r() * pieces.length)] + (r() < 0.3 ? '\r\n' : '\n');
    text += '{"last":true}';
    const bytes = new TextEncoder().encode(text);
    const expected = splitRecords(bytes, 'x.jsonl', []);
    for (const chunk of [1, 2, 3, 7, 64, 1000, 1 << 20]) {
      const got = split(bytes, chunk).records;
      assert.deepEqual(got, expected, `chunk ${chunk}`);
    }
    // Offsets really are byte offsets: the bytes at each range decode to the record.
    for (const rec of expected) assert.equal(new TextDecoder().decode(bytes.subarray(rec.byteStart, rec.byteEnd)), rec.text);
  });

  it('skips a BOM only at the start and trims CR before LF', () => {
    const bytes = new TextEncoder().encode('\uFEFF{"a":1}\r\n{"b":2}\r\n');
    const { records } = split(bytes, 4);
    assert.deepEqual(
      records.map((x) => [x.text, x.byteStart, x.byteEnd, x.line]),
      [
        ['{"a":1}', 3, 10, 1],
        ['{"b":2}', 12, 19, 2],
      ],
    );
  });

  it('marks a last line without a newline as incomplete', () => {
    const { records } = split(new TextEncoder().encode('{"a":1}\n{"b":'), 3);
    assert.equal(records.length, 2);
    assert.equal(records[0].incomplete, undefined);
    assert.equal(records[1].incomplete, true);
    assert.equal(records[1].text, '{"b":');
  });

  it('reports invalid UTF-8 at the first bad byte and keeps the line', () => {
    const bytes = Uint8Array.from([...new TextEncoder().encode('{"a":1}\n{"b":"'), 0xff, 0xfe, ...new TextEncoder().encode('"}\n')]);
    const { records, diags } = split(bytes, 5);
    assert.equal(records.length, 2);
    assert.equal(records[1].text, '{"b":"\uFFFD\uFFFD"}');
    assert.deepEqual(
      diags.map((d) => [d.code, d.line, d.offset]),
      [['text.utf8', 2, 14]],
    );
  });

  it('skips a 20 MB line over a 1 MB cap with a located diagnostic, holding at most cap + chunk', async () => {
    const file = tmp.file('long.jsonl');
    const fd = fs.openSync(file, 'w');
    fs.writeSync(fd, '{"before":1}\n{"huge":"');
    const block = Buffer.alloc(1 << 20, 0x61);
    for (let i = 0; i < 20; i++) fs.writeSync(fd, block);
    fs.writeSync(fd, '"}\n{"after":2}\n');
    fs.closeSync(fd);
    const bytes = fs.readFileSync(file);
    const chunk = 64 * 1024;
    const { records, diags, peak } = split(bytes, chunk, 1 << 20);
    assert.deepEqual(
      records.map((x) => [x.text, x.line]),
      [
        ['{"before":1}', 1],
        ['{"after":2}', 3],
      ],
    );
    assert.equal(records[1].byteStart, bytes.length - '{"after":2}\n'.length);
    assert.equal(diags.length, 1);
    assert.equal(diags[0].code, 'record.tooLong');
    assert.equal(diags[0].line, 2);
    assert.equal(diags[0].offset, 13);
    assert.ok(peak <= (1 << 20) + chunk, `held ${peak} bytes`);
    // The file reader gives the same, chunk by chunk.
    const seen: Diagnostic[] = [];
    const got: SourceRecord[] = [];
    for await (const batch of readLines(file, { chunkBytes: chunk, maxRecordBytes: 1 << 20, diagnostics: seen })) got.push(...batch);
    assert.deepEqual(got, records);
    assert.deepEqual(seen, diags);
  });

  it('stops reading when its signal is aborted', async () => {
    const file = tmp.file('many.jsonl', '{"a":1}\n'.repeat(10_000));
    const ac = new AbortController();
    let n = 0;
    for await (const batch of readLines(file, { chunkBytes: 1024, signal: ac.signal })) {
      n += batch.length;
      ac.abort();
    }
    assert.ok(n > 0 && n < 10_000);
  });
});
