// The checks an OTLP/HTTP request must pass before its body is read: DNS rebinding (Host),
// cross-site pages (Origin), path, method, media type, encoding, token. Pure functions over
// the request line and headers, so each rule is tested on its own.

import { timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

export interface Rejection {
  status: number;
  message: string;
  headers?: Record<string, string>;
}

export interface CheckOptions {
  port: number;
  /** The user opted in to listening beyond loopback: Host names are then not limited. */
  allowRemote: boolean;
  token?: string;
}

export type MediaType = 'json' | 'protobuf';

const LOOPBACK_HOSTS = ['localhost', '127.0.0.1', '[::1]'];

export function checkHost(host: string | undefined, opts: CheckOptions): Rejection | undefined {
  if (opts.allowRemote) return undefined;
  const ok = host !== undefined && LOOPBACK_HOSTS.some((h) => host.toLowerCase() === `${h}:${opts.port}`);
  return ok
    ? undefined
    : { status: 403, message: 'Host not allowed: the receiver answers only to localhost, 127.0.0.1 or [::1] on its own port' };
}

/** Browsers always send Origin on cross-site POSTs; agents never do. */
export function checkOrigin(origin: string | undefined): Rejection | undefined {
  return origin === undefined ? undefined : { status: 403, message: 'Cross-origin requests are not accepted' };
}

export function checkRoute(method: string | undefined, url: string | undefined): Rejection | undefined {
  const path = (url ?? '').split('?')[0];
  if (path !== '/v1/traces') return { status: 404, message: `Unknown path ${path.slice(0, 100)}; spans go to POST /v1/traces` };
  if (method !== 'POST') return { status: 405, message: 'Use POST', headers: { Allow: 'POST' } };
  return undefined;
}

export function mediaType(contentType: string | undefined): MediaType | Rejection {
  const [type, ...params] = (contentType ?? '').split(';').map((p) => p.trim().toLowerCase());
  const charset = params
    .find((p) => p.startsWith('charset='))
    ?.slice('charset='.length)
    .replace(/"/g, '');
  if (type === 'application/json') {
    if (charset && charset !== 'utf-8' && charset !== 'utf8') return { status: 415, message: `Unsupported charset ${charset}; use UTF-8` };
    return 'json';
  }
  if (type === 'application/x-protobuf' || type === 'application/protobuf') return 'protobuf';
  return { status: 415, message: 'Unsupported media type; use application/json or application/x-protobuf' };
}

export function contentEncoding(value: string | undefined): 'identity' | 'gzip' | Rejection {
  const v = (value ?? 'identity').trim().toLowerCase();
  if (v === '' || v === 'identity') return 'identity';
  if (v === 'gzip' || v === 'x-gzip') return 'gzip';
  return { status: 415, message: `Unsupported Content-Encoding ${v.slice(0, 40)}; use gzip or none` };
}

export function checkToken(headers: IncomingHttpHeaders, token: string | undefined): Rejection | undefined {
  if (!token) return undefined;
  const given = /^Bearer\s+(.+)$/i.exec(headers.authorization ?? '')?.[1] ?? '';
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  const ok = a.length === b.length && timingSafeEqual(a, b);
  return ok ? undefined : { status: 401, message: 'Missing or wrong bearer token', headers: { 'WWW-Authenticate': 'Bearer' } };
}

export const isRejection = (x: unknown): x is Rejection => typeof x === 'object' && x !== null && 'status' in x;
