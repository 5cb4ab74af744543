// The live OTLP/HTTP receiver against real sockets: security checklist group R.

import * as assert from 'node:assert/strict';
import * as http from 'node:http';
import * as net from 'node:net';
import { gzipSync } from 'node:zlib';
import type { ImportResult } from '../../src/core/formats/importResult';
import { OtlpReceiver } from '../../src/ingest/receiver/otlpReceiver';

interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

function request(
  port: number,
  opts: { method?: string; path?: string; headers?: Record<string, string>; body?: Buffer | string },
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const body = typeof opts.body === 'string' ? Buffer.from(opts.body) : opts.body;
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        method: opts.method ?? 'POST',
        path: opts.path ?? '/v1/traces',
        setHost: false,
        headers: {
          Host: `127.0.0.1:${port}`,
          'Content-Type': 'application/json',
          ...(body && !opts.headers?.['Transfer-Encoding'] ? { 'Content-Length': String(body.length) } : {}),
          ...opts.headers,
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      },
    );
    req.on('error', reject);
    if (body) req.write(body);
    req.end();
  });
}

const span = (id: string, extra: object = {}): object => ({
  traceId: '5b8efff798038103d269b633813fc60c',
  spanId: id,
  name: `s-${id}`,
  startTimeUnixNano: '1700000000000000000',
  endTimeUnixNano: '1700000001000000000',
  ...extra,
});
const payload = (spans: object[]): string => JSON.stringify({ resourceSpans: [{ resource: { attributes: [] }, scopeSpans: [{ spans }] }] });

describe('OTLP/HTTP receiver', () => {
  let receiver: OtlpReceiver;
  let port: number;
  const batches: ImportResult[] = [];

  before(async () => {
    receiver = new OtlpReceiver({ port: 0, onBatch: (r) => void batches.push(r) });
    port = (await receiver.start()).port;
  });
  after(() => receiver.stop());
  beforeEach(() => batches.splice(0));

  it('accepts a JSON export request and hands the spans on (happy path)', async () => {
    const r = await request(port, { body: payload([span('eee19b7ec3c1b174'), span('eee19b7ec3c1b175')]) });
    assert.equal(r.status, 200);
    assert.deepEqual(JSON.parse(r.body.toString()), {});
    assert.equal(batches[0].spans.length, 2);
  });

  it('R-01: binds to loopback and refuses a non-loopback host without the opt-in', async () => {
    assert.equal(receiver.address?.host, '127.0.0.1');
    await assert.rejects(new OtlpReceiver({ host: '0.0.0.0', port: 0, onBatch: () => undefined }).start(), /only loopback/);
  });

  it('R-03: rejects foreign, missing and look-alike Host headers with 403 before reading the body', async () => {
    for (const host of [
      'evil.example:' + port,
      'localhost.:' + port,
      '127.0.0.2:' + port,
      '[::ffff:127.0.0.1]:' + port,
      `127.0.0.1:${port + 1}`,
    ]) {
      const r = await request(port, { headers: { Host: host }, body: payload([span('eee19b7ec3c1b174')]) });
      assert.equal(r.status, 403, host);
    }
    const ok = await request(port, { headers: { Host: `LOCALHOST:${port}` }, body: payload([]) });
    assert.equal(ok.status, 200);
    assert.equal(batches.filter((b) => b.spans.length).length, 0, 'nothing from rejected hosts was ingested');
  });

  it('R-04: rejects any Origin (no CORS), preflight included, and simple text/plain posts with 415', async () => {
    const cross = await request(port, { headers: { Origin: 'https://evil.example' }, body: payload([span('eee19b7ec3c1b174')]) });
    assert.equal(cross.status, 403);
    assert.equal(cross.headers['access-control-allow-origin'], undefined);
    const preflight = await request(port, { method: 'OPTIONS', headers: { Origin: 'https://evil.example' } });
    assert.equal(preflight.status, 403);
    const simple = await request(port, { headers: { 'Content-Type': 'text/plain' }, body: payload([span('eee19b7ec3c1b174')]) });
    assert.equal(simple.status, 415);
  });

  it('R-05: with a token, a missing or wrong bearer gets 401', async () => {
    const guarded = new OtlpReceiver({ port: 0, token: 'a'.repeat(32), onBatch: () => undefined });
    const p = (await guarded.start()).port;
    try {
      assert.equal((await request(p, { body: payload([]) })).status, 401);
      assert.equal((await request(p, { headers: { Authorization: 'Bearer nope' }, body: payload([]) })).status, 401);
      assert.equal((await request(p, { headers: { Authorization: `Bearer ${'a'.repeat(32)}` }, body: payload([]) })).status, 200);
    } finally {
      await guarded.stop();
    }
  });

  it('R-06: a body over the limit gets 413, declared or streamed', async () => {
    const small = new OtlpReceiver({ port: 0, maxBodyBytes: 1024, onBatch: () => undefined });
    const p = (await small.start()).port;
    try {
      assert.equal((await request(p, { body: 'x'.repeat(5000) })).status, 413);
      const chunked = await request(p, { headers: { 'Transfer-Encoding': 'chunked' }, body: 'x'.repeat(5000) });
      assert.equal(chunked.status, 413);
    } finally {
      await small.stop();
    }
  });

  it('R-07: the limit applies after decompression; other encodings 415; corrupt gzip 400', async () => {
    const small = new OtlpReceiver({ port: 0, maxBodyBytes: 64 * 1024, onBatch: () => undefined });
    const p = (await small.start()).port;
    try {
      const bomb = gzipSync(Buffer.alloc(10 * 1024 * 1024, 0x20));
      assert.ok(bomb.length < 64 * 1024);
      assert.equal((await request(p, { headers: { 'Content-Encoding': 'gzip' }, body: bomb })).status, 413);
      assert.equal((await request(p, { headers: { 'Content-Encoding': 'br' }, body: 'x' })).status, 415);
      assert.equal((await request(p, { headers: { 'Content-Encoding': 'gzip' }, body: 'not gzip at all' })).status, 400);
      const good = await request(p, { headers: { 'Content-Encoding': 'gzip' }, body: gzipSync(payload([span('eee19b7ec3c1b174')])) });
      assert.equal(good.status, 200);
    } finally {
      await small.stop();
    }
  });

  it('R-08: bad JSON and wrong shapes get 400 with a Status body; wrong method 405; unknown path 404; bad charset 415', async () => {
    const bad = await request(port, { body: '{"resourceSpans": [' });
    assert.equal(bad.status, 400);
    const status = JSON.parse(bad.body.toString());
    assert.equal(status.code, 3);
    assert.match(status.message, /JSON/);
    assert.equal((await request(port, { body: '{"hello":"world"}' })).status, 400);
    assert.equal((await request(port, { method: 'GET' })).status, 405);
    assert.equal((await request(port, { path: '/v1/unknown', body: '{}' })).status, 404);
    assert.equal((await request(port, { headers: { 'Content-Type': 'application/json; charset=latin1' }, body: '{}' })).status, 415);
    assert.equal((await request(port, { body: payload([]) })).status, 200, 'still serving');
  });

  it('R-09: a partly bad batch gets 200 with partialSuccess and the good spans; an empty one 200 with nothing', async () => {
    const spans = [span('eee19b7ec3c1b170'), span('eee19b7ec3c1b171'), span('', {}), { ...span('eee19b7ec3c1b173'), traceId: '' }];
    const r = await request(port, { body: payload(spans) });
    assert.equal(r.status, 200);
    const body = JSON.parse(r.body.toString());
    assert.equal(body.partialSuccess.rejectedSpans, '2');
    assert.match(body.partialSuccess.errorMessage, /rejected/);
    assert.equal(batches.at(-1)?.spans.length, 2);
    const empty = await request(port, { body: payload([]) });
    assert.deepEqual(JSON.parse(empty.body.toString()), {});
  });

  it('R-10: a full queue answers 503 with Retry-After', async () => {
    let release: () => void = () => undefined;
    const gate = new Promise<void>((r) => (release = r));
    const slow = new OtlpReceiver({ port: 0, maxPending: 1, onBatch: () => gate });
    const p = (await slow.start()).port;
    try {
      const first = request(p, { body: payload([span('eee19b7ec3c1b174')]) });
      await new Promise((r) => setTimeout(r, 100));
      const second = await request(p, { body: payload([span('eee19b7ec3c1b175')]) });
      assert.equal(second.status, 503);
      assert.equal(second.headers['retry-after'], '1');
      release();
      assert.equal((await first).status, 200);
    } finally {
      release();
      await slow.stop();
    }
  });

  it('R-11: a port in use is a clear error, and stop frees the port', async () => {
    await assert.rejects(new OtlpReceiver({ port, onBatch: () => undefined }).start(), /already in use/);
    const temp = new OtlpReceiver({ port: 0, onBatch: () => undefined });
    const p = (await temp.start()).port;
    await temp.stop();
    await new Promise<void>((resolve, reject) => {
      const probe = net.createServer().once('error', reject);
      probe.listen(p, '127.0.0.1', () => probe.close(() => resolve()));
    });
  });

  it('R-12: fuzzed bodies, types, encodings and paths never crash it and get only spec codes', async () => {
    const allowed = new Set([200, 400, 403, 404, 405, 413, 415, 503]);
    let seed = 7;
    const rnd = (): number => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const types = ['application/json', 'application/x-protobuf', 'text/plain', '', 'application/json; charset=utf-16'];
    const encodings = ['', 'gzip', 'deflate', 'identity'];
    const paths = ['/v1/traces', '/v1/traces?x=1', '/', '/v1/logs'];
    for (let i = 0; i < 150; i++) {
      const len = Math.floor(rnd() * 300);
      const body = Buffer.from(Array.from({ length: len }, () => Math.floor(rnd() * 256)));
      if (i % 3 === 0) body.write('{"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":', 0);
      const r = await request(port, {
        path: paths[i % paths.length],
        headers: { 'Content-Type': types[i % types.length], ...(encodings[i % 4] ? { 'Content-Encoding': encodings[i % 4] } : {}) },
        body,
      });
      assert.ok(allowed.has(r.status), `status ${r.status} for case ${i}`);
    }
    assert.equal((await request(port, { body: payload([]) })).status, 200, 'still serving');
  });
});
