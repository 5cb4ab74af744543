// Read a request body with a hard cap on the bytes after decompression: the body is streamed
// through a counter and never buffered past the limit (OTLP: 413 when exceeded).

import type { IncomingMessage } from 'node:http';
import { createGunzip } from 'node:zlib';

export type BodyResult = { ok: true; body: Buffer } | { ok: false; status: 400 | 408 | 413; message: string };

export function readBody(req: IncomingMessage, encoding: 'identity' | 'gzip', maxBytes: number): Promise<BodyResult> {
  return new Promise((resolve) => {
    const declared = Number(req.headers['content-length'] ?? NaN);
    if (encoding === 'identity' && Number.isFinite(declared) && declared > maxBytes) {
      resolve({ ok: false, status: 413, message: `Body of ${declared} bytes is over the ${maxBytes}-byte limit` });
      return;
    }
    const source = encoding === 'gzip' ? req.pipe(createGunzip()) : req;
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    const finish = (r: BodyResult): void => {
      if (done) return;
      done = true;
      if (!r.ok) {
        source.removeAllListeners('data');
        if (source !== req) source.destroy();
        // Stop reading without killing the socket before the response is written.
        req.unpipe();
        req.resume();
      }
      resolve(r);
    };
    source.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) {
        finish({
          ok: false,
          status: 413,
          message: `Body is over the ${maxBytes}-byte limit${encoding === 'gzip' ? ' once decompressed' : ''}`,
        });
        return;
      }
      chunks.push(chunk);
    });
    source.on('end', () => finish({ ok: true, body: Buffer.concat(chunks, size) }));
    source.on('error', (err: Error) => finish({ ok: false, status: 400, message: `Could not read the body: ${err.message}` }));
    req.on('aborted', () => finish({ ok: false, status: 400, message: 'The client aborted the request' }));
  });
}
