// Checklist S-01 and S-02 without VS Code: connection strings found in the settings are read
// into their parts (so the password can move to SecretStorage) in every form a user might paste,
// and the password vault falls back to memory, saying so once and never echoing the password,
// when secret storage throws.

import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describeTarget } from '../../../src/store/pg/pgConnection';
import { parseConnectionSetting } from '../../../src/store/pg/pgConnectionString';
import { PasswordVault, SESSION_ONLY_MESSAGE, secretKey, type SecretBackend } from '../../../src/vscode/storeConnectionSecrets';

/** Secret storage on a Linux desktop without a keyring: every call throws, as VS Code's does. */
class NoKeyring implements SecretBackend {
  calls: string[] = [];
  async get(key: string): Promise<string | undefined> {
    this.calls.push(`get ${key}`);
    throw new Error('Cannot get password: no keyring');
  }
  async store(key: string): Promise<void> {
    this.calls.push(`store ${key}`);
    throw new Error('Cannot create an item in a locked collection');
  }
  async delete(key: string): Promise<void> {
    this.calls.push(`delete ${key}`);
    throw new Error('no keyring');
  }
}

/** Working secret storage (what VS Code's is when a keyring exists): a map behind the same calls. */
class Keyring implements SecretBackend {
  readonly items = new Map<string, string>();
  async get(key: string): Promise<string | undefined> {
    return this.items.get(key);
  }
  async store(key: string, value: string): Promise<void> {
    this.items.set(key, value);
  }
  async delete(key: string): Promise<void> {
    this.items.delete(key);
  }
}

describe('team store secrets', () => {
  describe('connection strings in settings', () => {
    const pw = 'p@ss:w/rd%?&';
    it('reads URL forms, with any character in the password', () => {
      assert.deepEqual(parseConnectionSetting(`postgres://alice:${encodeURIComponent(pw)}@db.example.com:6543/traces?sslmode=require`), {
        host: 'db.example.com',
        port: 6543,
        database: 'traces',
        user: 'alice',
        password: pw,
        sslmode: 'require',
      });
      // Pasted unencoded: the userinfo still ends at the last `@`.
      assert.deepEqual(parseConnectionSetting(`postgresql://alice:${pw}@db/traces`), {
        host: 'db',
        database: 'traces',
        user: 'alice',
        password: pw,
      });
      assert.deepEqual(parseConnectionSetting('postgres://db.example.com/traces?user=bob&password=hunter2'), {
        host: 'db.example.com',
        database: 'traces',
        user: 'bob',
        password: 'hunter2',
      });
      assert.deepEqual(parseConnectionSetting('postgres://[::1]:5433/x'), { host: '::1', port: 5433, database: 'x' });
      assert.deepEqual(parseConnectionSetting('alice:hunter2@db.example.com'), {
        host: 'db.example.com',
        user: 'alice',
        password: 'hunter2',
      });
    });

    it('reads libpq keyword forms, quoted or not', () => {
      assert.deepEqual(parseConnectionSetting('host=db port=5432 dbname=traces user=alice password=hunter2'), {
        host: 'db',
        port: 5432,
        database: 'traces',
        user: 'alice',
        password: 'hunter2',
      });
      assert.deepEqual(parseConnectionSetting("host=db password='sp ace\\'q'"), { host: 'db', password: "sp ace'q" });
      assert.deepEqual(parseConnectionSetting('traces password=hunter2'), { password: 'hunter2' });
    });

    it('leaves plain values alone and flags strings it cannot read', () => {
      for (const plain of ['db.example.com', '127.0.0.1', '::1', 'my_db', 'alice', ''])
        assert.equal(parseConnectionSetting(plain), undefined, plain);
      assert.deepEqual(parseConnectionSetting('mysql://u:p@h/d'), { unreadable: true });
    });

    it('describes what it found with *** for the password', () => {
      const p = parseConnectionSetting(`postgres://alice:${encodeURIComponent(pw)}@db:5432/traces`)!;
      const shown = describeTarget({ host: p.host!, port: p.port!, database: p.database!, user: p.user!, password: p.password });
      assert.equal(shown, 'postgres://alice:***@db:5432/traces');
    });
  });

  describe('password vault', () => {
    it('keeps the password in secret storage when it works', async () => {
      const warnings: string[] = [];
      const keyring = new Keyring();
      const vault = new PasswordVault(keyring, (m) => warnings.push(m));
      assert.equal(await vault.save('k', 'hunter2'), 'secret-storage');
      assert.equal(keyring.items.get('k'), 'hunter2');
      assert.equal(await vault.get('k'), 'hunter2');
      assert.equal(vault.sessionOnly, false);
      await vault.forget('k');
      assert.equal(await vault.get('k'), undefined);
      assert.deepEqual(warnings, []);
    });

    it('falls back to this session only when secret storage throws, says so once, never echoes the password', async () => {
      const warnings: string[] = [];
      const keyring = new NoKeyring();
      const vault = new PasswordVault(keyring, (m) => warnings.push(m));
      assert.equal(await vault.get('k'), undefined, 'an unreadable store is an empty one');
      assert.equal(await vault.save('k', 'hunter2'), 'session');
      assert.equal(await vault.save('k2', 'other'), 'session');
      assert.deepEqual(warnings, [SESSION_ONLY_MESSAGE]);
      assert.match(warnings[0], /unavailable.*memory for this session only.*never written to settings/);
      assert.ok(!warnings.join().includes('hunter2'));
      assert.equal(await vault.get('k'), 'hunter2');
      assert.equal(vault.sessionOnly, true);
      await vault.forget('k');
      assert.equal(await vault.get('k'), undefined);
      assert.deepEqual(
        keyring.calls.map((c) => c.split(' ')[0]),
        ['get', 'store', 'store', 'delete', 'get'],
      );
    });
  });

  describe('workspace-supplied settings (S-07)', () => {
    it('keys a password by user, host, port and database, so it never goes to another server', () => {
      const t = { host: 'db.example.com', port: 5432, database: 'traces', user: 'alice' };
      const keys = [t, { ...t, host: 'evil.example.com' }, { ...t, port: 5433 }, { ...t, database: 'other' }, { ...t, user: 'bob' }].map(
        secretKey,
      );
      assert.equal(new Set(keys).size, keys.length);
      assert.equal(secretKey({ ...t, host: 'DB.example.com' }), keys[0], 'host names are case-insensitive');
    });

    it('lists every store connection setting in restrictedConfigurations', () => {
      const pkg = JSON.parse(fs.readFileSync(path.join(__dirname, '../../../package.json'), 'utf8'));
      const store = Object.keys(pkg.contributes.configuration.properties).filter((k) => k.startsWith('tracelens.store.'));
      assert.ok(store.length >= 6);
      for (const k of store) assert.ok(pkg.capabilities.untrustedWorkspaces.restrictedConfigurations.includes(k), k);
    });
  });
});
