// The pre-check that decides whether parseRecord rewrites bare 16+-digit timestamps into strings
// must find exactly what the regex it replaced finds.

import * as assert from 'node:assert/strict';
import { hasBareLongTime, parseRecord } from '../../../src/core/formats/parseJson';

const REGEX = /(?:[Nn]ano|_ns|NanoSeconds)"\s*:\s*\d{16}/;

const CASES = [
  '{"startTimeUnixNano":"1767225600000000000"}',
  '{"startTimeUnixNano":1767225600000000000}',
  '{"startTimeUnixNano" :\t 1767225600000000000}',
  '{"startTimeUnixNano":\u00a01767225600000000000}',
  '{"timeUnixNano":176722560000000}',
  '{"start_time_ns":1767225600000000123}',
  '{"startTimeNanoSeconds":1767225600000000123}',
  '{"timestampNano":-1767225600000000123}',
  '{"nano":1767225600000000000}',
  '{"Xano":1767225600000000000}',
  '{"a_ns":"x", "b": 1767225600000000000}',
  '{"a":"Nano\\":1767225600000000000"}',
  'ano"',
  '_ns"',
  '',
  '{"end_ns" : 12345678901234567890, "start_ns": 1}',
  '{"x":"ano\\"","y":"_ns\\"","z":"NanoSeconds\\":  1234567890123456"}',
];

describe('bare long timestamp pre-check', () => {
  for (const text of CASES) {
    it(`agrees with the regex on ${JSON.stringify(text).slice(0, 70)}`, () => {
      assert.equal(hasBareLongTime(text), REGEX.test(text));
    });
  }

  it('keeps a bare nanosecond time past 2^53 exact', () => {
    const out = parseRecord({ text: '{"startTimeUnixNano":1767225600000000001}', line: 1, byteStart: 0, byteEnd: 40 });
    assert.ok(out.ok);
    assert.deepEqual(out.value, { startTimeUnixNano: '1767225600000000001' });
  });
});
