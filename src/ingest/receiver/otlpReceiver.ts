// A live OTLP/HTTP receiver (`POST /v1/traces`, JSON and protobuf, gzip) for agents to send
// spans to while they run. Loopback only unless the user opts in; every request is checked
// before its body is read; bodies are capped after decompression; a bounded queue answers
// 503 + Retry-After when the consumer falls behind. See the security checklist, group R.

import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { importRecords } from '../../core/formats/importRecords';
import type { ImportResult } from '../../core/formats/importResult';
import { exportResponse, statusResponse, type Wire } from './otlpResponses';
import { readBody } from './readBody';
import { checkHost, checkOrigin, checkRoute, checkToken, contentEncoding, isRejection, mediaType, type Rejection } from './requestChecks';

export interface ReceiverOptions {
  host?: string;
  port?: number;
  /** Listening beyond loopback needs this explicit opt-in. */
  allowRemote?: boolean;
  maxBodyBytes?: number;
  token?: string;
  /** Requests being decoded or waiting for the consumer before new ones get 503. */
  maxPending?: number;
  decodeProtobuf?: (bytes: Uint8Array) => ImportResult;
  /** Receives each accepted batch. May be async: the queue counts it until it settles. */
  onBatch: (result: ImportResult) => void | Promise<void>;
}

export interface ReceiverStats {
  requests: number;
  spans: number;
  rejectedSpans: number;
}

export const DEFAULT_MAX_BODY = 20 * 1024 * 1024;
const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);

export class OtlpReceiver {
  private server?: http.Server;
  private pending = 0;
  readonly stats: ReceiverStats = { requests: 0, spans: 0, rejectedSpans: 0 };
  address?: { host: string; port: number };

  constructor(private readonly opts: ReceiverOptions) {}

  async start(): Promise<{ host: string; port: number }> {
    const host = this.opts.host ?? '127.0.0.1';
    if (!LOOPBACK.has(host) && !this.opts.allowRemote)
      throw new Error(`Refusing to listen on ${host}: only loopback unless remote access is enabled`);
    // Short timeouts against slow-header and trickled-body clients (Node answers 408).
    const server = http.createServer({ headersTimeout: 10_000, requestTimeout: 30_000, keepAliveTimeout: 5_000 }, (req, res) => {
      void this.handle(req, res);
    });
    server.maxConnections = 256;
    server.on('clientError', (_err, socket) => socket.destroy());
    await new Promise<void>((resolve, reject) => {
      server.once('error', (err: NodeJS.ErrnoException) =>
        reject(err.code === 'EADDRINUSE' ? new Error(`Port ${this.opts.port ?? 4318} on ${host} is already in use`) : err),
      );
      server.listen(this.opts.port ?? 4318, host, () => resolve());
    });
    this.server = server;
    const a = server.address() as AddressInfo;
    this.address = { host: a.family === 'IPv6' ? `[${a.address}]` : a.address, port: a.port };
    return this.address;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    this.stats.requests++;
    const port = this.address?.port ?? 0;
    const early =
      checkHost(req.headers.host, { port, allowRemote: !!this.opts.allowRemote }) ??
      checkOrigin(req.headers.origin) ??
      checkRoute(req.method, req.url);
    const wireOrReject = mediaType(req.headers['content-type']);
    const wire: Wire = isRejection(wireOrReject) ? 'json' : wireOrReject;
    const reject = (r: Rejection): void => this.send(res, r.status, statusResponse(wire, r.status === 413 ? 8 : 3, r.message), r.headers);
    if (early) return reject(early);
    if (isRejection(wireOrReject)) return reject(wireOrReject);
    if (wireOrReject === 'protobuf' && !this.opts.decodeProtobuf)
      return reject({ status: 415, message: 'This receiver accepts application/json only' });
    const encoding = contentEncoding(req.headers['content-encoding']);
    if (isRejection(encoding)) return reject(encoding);
    const auth = checkToken(req.headers, this.opts.token);
    if (auth) return reject(auth);
    if (this.pending >= (this.opts.maxPending ?? 32)) {
      return reject({ status: 503, message: 'The receiver is busy; retry shortly', headers: { 'Retry-After': '1' } });
    }
    this.pending++;
    try {
      const body = await readBody(req, encoding, this.opts.maxBodyBytes ?? DEFAULT_MAX_BODY);
      if (!body.ok) return reject({ status: body.status, message: body.message, headers: { Connection: 'close' } });
      let result: ImportResult;
      try {
        result = this.decode(wire, body.body);
      } catch (err) {
        return reject({ status: 400, message: `Bad data: ${err instanceof Error ? err.message : String(err)}` });
      }
      if (result.spans.length === 0 && result.diagnostics.some((d) => d.severity === 'error')) {
        return reject({ status: 400, message: result.diagnostics.find((d) => d.severity === 'error')?.message ?? 'Bad data' });
      }
      const rejected = result.diagnostics.filter((d) => d.code === 'span.noId').length;
      this.stats.spans += result.spans.length;
      this.stats.rejectedSpans += rejected;
      await this.opts.onBatch(result);
      this.send(res, 200, exportResponse(wire, rejected, rejected ? `${rejected} span(s) rejected: missing or invalid trace/span id` : ''));
    } catch (err) {
      reject({ status: 500, message: `Internal error: ${err instanceof Error ? err.message : String(err)}` });
    } finally {
      this.pending--;
    }
  }

  private decode(wire: Wire, body: Buffer): ImportResult {
    if (wire === 'protobuf') {
      if (!this.opts.decodeProtobuf) throw new Error('protobuf decoding is not available');
      return this.opts.decodeProtobuf(body);
    }
    // Detected, not forced: valid JSON of another shape is bad data (400), not an empty batch.
    const r = importRecords([{ text: body.toString('utf8'), line: 1, byteStart: 0, byteEnd: body.length }]);
    if (r.format !== 'otlp-json' && r.spans.length === 0 && !r.diagnostics.some((d) => d.severity === 'error')) {
      r.diagnostics.push({ severity: 'error', code: 'format.unknown', message: 'Not an OTLP ExportTraceServiceRequest' });
    }
    return r;
  }

  private send(
    res: http.ServerResponse,
    status: number,
    payload: { body: Buffer; contentType: string },
    headers: Record<string, string> = {},
  ): void {
    if (res.headersSent) return;
    res.writeHead(status, { 'Content-Type': payload.contentType, 'Content-Length': String(payload.body.length), ...headers });
    res.end(payload.body);
  }
}
