// The indexer parses OTLP records without parseRecord's rewrite of long bare timestamps and
// parses again with it only when a time lost digits (time.ts takeLossyTime). These records must
// index exactly as parseRecord reads them.

import * as assert from 'node:assert/strict';
import { FileIndexer } from '../../../src/ingest/fileIndexer';
import { batchRows } from '../../../src/store/spanRows';
import { tempDir } from './helpers';

const TRACE = 'ab'.repeat(16);

function span(spanId: string, start: string, end: string, parent?: string): string {
  const p = parent ? `"parentSpanId":"${parent}",` : '';
  return `{"traceId":"${TRACE}","spanId":"${spanId}",${p}"name":"s-${spanId}","kind":1,"startTimeUnixNano":${start},"endTimeUnixNano":${end}}`;
}

const request = (...spans: string[]): string => `{"resourceSpans":[{"scopeSpans":[{"spans":[${spans.join(',')}]}]}]}`;

/** [span id, start_ns, end_ns] of every row the indexer makes of `text`. */
function indexRows(text: string): string[][] {
  const tmp = tempDir();
  try {
    const ix = new FileIndexer(tmp.file('t.jsonl', text));
    const rows: string[][] = [];
    const take = (events: ReturnType<FileIndexer['step']>): void => {
      for (const e of events ?? [])
        if (e.type === 'batch') for (const r of batchRows(e.batch)) rows.push([String(r[1]), String(r[5]), String(r[6])]);
    };
    for (let ev = ix.step(); ev; ev = ix.step()) take(ev);
    take(ix.drain());
    ix.close();
    return rows;
  } finally {
    tmp.remove();
  }
}

describe('bare long timestamps in streamed OTLP', () => {
  it('keeps every nanosecond of bare times past 2^53 (compact and spaced), and of quoted and small ones', () => {
    const text = [
      request(span('00000000000000a1', '1767225600000000001', '1767225600000000999')),
      request(span('00000000000000a2', '"1767225600000000003"', '1767225600000000007', '00000000000000a1')).replace(
        '"endTimeUnixNano":',
        '"endTimeUnixNano" :  ',
      ),
      request(span('00000000000000a3', '1000', '2000', '00000000000000a1')),
    ].join('\n');
    assert.deepEqual(indexRows(text), [
      ['00000000000000a1', '01767225600000000001', '01767225600000000999'],
      ['00000000000000a2', '01767225600000000003', '01767225600000000007'],
      ['00000000000000a3', '00000000000000001000', '00000000000000002000'],
    ]);
  });

  it('a bare time of 2^53 - 1 (the largest exact one) stays exact', () => {
    const rows = indexRows(request(span('00000000000000b1', '9007199254740991', '9007199254740991')));
    assert.deepEqual(rows, [['00000000000000b1', '00009007199254740991', '00009007199254740991']]);
  });
});
