// Connection to the team store: a pg Pool built from separate fields (never a connection
// string, which pg would echo in errors), TLS verified unless the user says otherwise,
// timeouts on connecting and on every statement, and errors with the password stripped.
//
// TLS (`sslmode`):
// - `auto` (default): `verify-full` for any host but loopback (127.0.0.0/8, ::1, localhost) and
//   unix sockets, where traffic never leaves the machine and TLS is off;
// - `verify-full`: TLS, certificate chain and host name verified (the system CAs, or `ca`);
// - `no-verify`: TLS without verification (an explicit opt-in; the UI warns);
// - `disable`: no TLS (an explicit opt-in).
// An explicit `ssl` object is always passed, so pg's own sslmode aliases (whose meaning changes
// between pg versions) never apply.

import type * as PgTypes from 'pg';
import type { Pool, PoolConfig } from 'pg';

export type SslMode = 'auto' | 'verify-full' | 'no-verify' | 'disable';
export const SSL_MODES: readonly SslMode[] = ['auto', 'verify-full', 'no-verify', 'disable'];

export interface PgConnectionSettings {
  host: string;
  port: number;
  database: string;
  user: string;
  password?: string;
  sslmode: SslMode;
  /** PEM text of the CA(s) to trust instead of the system ones. */
  ca?: string;
  connectTimeoutMs?: number;
  statementTimeoutMs?: number;
}

export const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;
export const DEFAULT_STATEMENT_TIMEOUT_MS = 30_000;

export function isLoopback(host: string): boolean {
  const h = host
    .trim()
    .toLowerCase()
    .replace(/^\[|\]$/g, '');
  return h === 'localhost' || h === '::1' || /^127(\.\d{1,3}){3}$/.test(h) || h.startsWith('/');
}

export function sslOptions(s: Pick<PgConnectionSettings, 'host' | 'sslmode' | 'ca'>): PoolConfig['ssl'] {
  const mode = s.sslmode === 'auto' ? (isLoopback(s.host) ? 'disable' : 'verify-full') : s.sslmode;
  if (mode === 'disable') return false;
  if (mode === 'no-verify') return { rejectUnauthorized: false };
  return s.ca ? { rejectUnauthorized: true, ca: s.ca } : { rejectUnauthorized: true };
}

/** `postgres://user@host:port/db`, with `***` for a password: what logs and messages show. */
export function describeTarget(s: Pick<PgConnectionSettings, 'host' | 'port' | 'database' | 'user' | 'password'>): string {
  const host = s.host.includes(':') && !s.host.startsWith('[') ? `[${s.host}]` : s.host;
  return `postgres://${encodeURIComponent(s.user)}${s.password ? ':***' : ''}@${host}:${s.port}/${encodeURIComponent(s.database)}`;
}

export function validateSettings(s: PgConnectionSettings): void {
  if (!s.host.trim()) throw new Error('Set tracelens.store.postgres.host');
  if (!Number.isInteger(s.port) || s.port < 1 || s.port > 65535) throw new Error(`Port ${s.port} is not a TCP port`);
  if (!s.database.trim()) throw new Error('Set tracelens.store.postgres.database');
  if (!s.user.trim()) throw new Error('Set tracelens.store.postgres.user');
  if (!SSL_MODES.includes(s.sslmode)) throw new Error(`sslmode must be one of ${SSL_MODES.join(', ')}`);
}

export function poolConfig(s: PgConnectionSettings): PoolConfig {
  validateSettings(s);
  const statement = s.statementTimeoutMs ?? DEFAULT_STATEMENT_TIMEOUT_MS;
  return {
    host: s.host,
    port: s.port,
    database: s.database,
    user: s.user,
    password: s.password ?? '',
    ssl: sslOptions(s),
    application_name: 'TraceLens',
    connectionTimeoutMillis: s.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
    // Server side, so a runaway query stops there too; the client timeout is a backstop for a
    // server that stopped answering altogether.
    statement_timeout: statement,
    query_timeout: statement + 5_000,
    idle_in_transaction_session_timeout: 60_000,
    idleTimeoutMillis: 30_000,
    max: 4,
  };
}

/** An error whose message is safe to log and show: no password, no connection string. */
export class StoreError extends Error {
  constructor(
    message: string,
    /** SQLSTATE or Node error code, when there was one. */
    readonly code?: string,
  ) {
    super(message);
    this.name = 'StoreError';
  }
}

const HINTS: Record<string, string> = {
  '28P01': 'wrong user name or password',
  '28000': 'the server refused this user, host or TLS setting (pg_hba.conf)',
  '3D000': 'no such database',
  '42501': 'the user lacks a privilege TraceLens needs (CREATE on the database for the first connection, to create the tracelens schema)',
  ECONNREFUSED: 'nothing listens at that host and port',
  ENOTFOUND: 'the host name does not resolve',
  ETIMEDOUT: 'the server did not answer in time',
  DEPTH_ZERO_SELF_SIGNED_CERT:
    'the server certificate is self-signed: trust its CA (tracelens.store.postgres.caFile) or, knowingly, set sslmode to no-verify',
  SELF_SIGNED_CERT_IN_CHAIN: 'the server certificate chain ends in an untrusted root: trust its CA (tracelens.store.postgres.caFile)',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'the server certificate could not be verified: trust its CA (tracelens.store.postgres.caFile)',
  ERR_TLS_CERT_ALTNAME_INVALID: 'the server certificate does not name this host',
  '57P01': 'the server was shut down or restarted; TraceLens reconnects by itself when it is back',
  '57P02': 'the server crashed; TraceLens reconnects by itself when it is back',
  '57P03': 'the server is starting up or shutting down; TraceLens retries',
  ECONNRESET: 'the connection was dropped; TraceLens reconnects by itself',
};

/** Hints keyed by what the message says, for errors pg raises without a code. */
function messageHint(msg: string, code: string | undefined, s?: Pick<PgConnectionSettings, 'statementTimeoutMs'>): string | undefined {
  const ms = s?.statementTimeoutMs ?? DEFAULT_STATEMENT_TIMEOUT_MS;
  const span = (n: number): string => (n < 1000 ? `${n} ms` : `${Math.round(n / 100) / 10} s`);
  if (code === '57014' && /statement timeout/i.test(msg))
    return `the statement ran longer than the team store's statement timeout of ${span(ms)} and the server stopped it; narrow the search or the page`;
  if (/Query read timeout/i.test(msg))
    return `the server did not answer within ${span(ms + 5000)}; TraceLens treats the connection as lost and reconnects`;
  if (/timeout exceeded when trying to connect/i.test(msg))
    return 'every team store connection stayed busy or the server did not accept a new one in time; try again';
  if (/Connection terminated unexpectedly|server closed the connection/i.test(msg))
    return 'the server closed the connection (restart, crash or network); TraceLens reconnects by itself';
  return undefined;
}

/**
 * A safe copy of any error from pg or the network. Only the message and code are kept (never
 * the error object, which can hold the client config); the password, in every encoding it could
 * appear in, and anything shaped like a connection string or `password=` are replaced.
 */
export function sanitizeError(
  err: unknown,
  s?: Pick<PgConnectionSettings, 'host' | 'port' | 'database' | 'user' | 'password' | 'statementTimeoutMs'>,
): StoreError {
  const e = err as { message?: unknown; code?: unknown };
  let msg = typeof e?.message === 'string' ? e.message : String(err);
  if (typeof e?.message !== 'string' && !(err instanceof Error)) msg = 'unknown error';
  const target = s ? describeTarget(s) : 'postgres://***';
  msg = msg.replace(/postgres(?:ql)?:\/\/\S*/gi, target);
  msg = msg.replace(/(password|passwd|pwd)\s*[=:]\s*("[^"]*"|'[^']*'|\S+)/gi, '$1=***');
  if (s?.password) {
    const forms = new Set([s.password, encodeURIComponent(s.password), JSON.stringify(s.password).slice(1, -1)]);
    for (const f of forms) if (f.length) msg = msg.split(f).join('***');
  }
  const code = typeof e?.code === 'string' ? e.code : undefined;
  if (msg.includes('does not support SSL')) msg += ' (set tracelens.store.postgres.sslmode to "disable" for a server without TLS)';
  const hint = messageHint(msg, code, s) ?? (code ? HINTS[code] : undefined);
  return new StoreError(hint ? `${msg} (${hint})` : msg, code);
}

export type PgModule = typeof PgTypes;

/** pg, loaded on first use so activation does not pay for it. */
export function loadPg(): PgModule {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('pg') as PgModule;
}

/**
 * A pool whose background errors (an idle connection dropped by a server restart) go to
 * `onError`, sanitized, instead of crashing the extension host.
 */
export function createPool(s: PgConnectionSettings, onError: (err: StoreError) => void): Pool {
  const pg = loadPg();
  const pool = new pg.Pool(poolConfig(s));
  pool.on('error', (err) => onError(sanitizeError(err, s)));
  return pool;
}
