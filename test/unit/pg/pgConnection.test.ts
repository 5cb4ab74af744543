// Connection settings without a server: TLS decisions, the safe target string, error sanitizing.

import * as assert from 'node:assert/strict';
import { describeTarget, isLoopback, poolConfig, sanitizeError, sslOptions } from '../../../src/store/pg/pgConnection';

const base = { host: 'db.example.com', port: 5432, database: 'traces', user: 'alice', sslmode: 'auto' as const };

describe('team store connection settings', () => {
  it('verifies TLS by default and turns it off only for loopback or when told', () => {
    assert.deepEqual(sslOptions(base), { rejectUnauthorized: true });
    assert.deepEqual(sslOptions({ ...base, ca: 'PEM' }), { rejectUnauthorized: true, ca: 'PEM' });
    assert.deepEqual(sslOptions({ ...base, sslmode: 'verify-full' }), { rejectUnauthorized: true });
    assert.deepEqual(sslOptions({ ...base, sslmode: 'no-verify' }), { rejectUnauthorized: false });
    assert.equal(sslOptions({ ...base, sslmode: 'disable' }), false);
    for (const h of ['127.0.0.1', '127.1.2.3', 'localhost', '::1', '[::1]', '/var/run/postgresql']) {
      assert.ok(isLoopback(h), h);
      assert.equal(sslOptions({ ...base, host: h }), false, h);
      assert.deepEqual(sslOptions({ ...base, host: h, sslmode: 'verify-full' }), { rejectUnauthorized: true }, h);
    }
    for (const h of ['127.0.0.1.evil.com', '10.0.0.1', 'localhost.example', '128.0.0.1']) assert.ok(!isLoopback(h), h);
  });

  it('builds a pool config with timeouts and no connection string', () => {
    const c = poolConfig({ ...base, password: 'pw' });
    assert.equal(c.connectionString, undefined);
    assert.ok(Number(c.connectionTimeoutMillis) > 0);
    assert.ok(Number(c.statement_timeout) > 0);
    assert.ok(Number(c.query_timeout) > Number(c.statement_timeout));
    assert.throws(() => poolConfig({ ...base, port: 70000 }), /not a TCP port/);
    assert.throws(() => poolConfig({ ...base, host: ' ' }), /host/);
  });

  it('shows the target with *** for the password', () => {
    assert.equal(describeTarget({ ...base, password: 'pw' }), 'postgres://alice:***@db.example.com:5432/traces');
    assert.equal(describeTarget(base), 'postgres://alice@db.example.com:5432/traces');
  });

  it('strips passwords and connection strings from any error', () => {
    const password = 'p@ss:w%rd';
    const s = { ...base, password };
    const raw = new Error(
      `connect to postgres://alice:${encodeURIComponent(password)}@db.example.com/traces failed; password=${password} ` +
        `config {"password":"${password}"} and ${password}`,
    );
    (raw as unknown as { code: string }).code = 'ECONNREFUSED';
    const safe = sanitizeError(raw, s);
    assert.ok(!safe.message.includes(password), safe.message);
    assert.ok(!safe.message.includes(encodeURIComponent(password)), safe.message);
    assert.match(safe.message, /postgres:\/\/alice:\*\*\*@db\.example\.com:5432\/traces/);
    assert.match(safe.message, /nothing listens/);
    assert.equal(safe.code, 'ECONNREFUSED');
    assert.equal(sanitizeError('just text').message, 'unknown error');
  });
});
