// The connection to the team store (PostgreSQL): settings from `tracelens.store.postgres.*`,
// the password from SecretStorage only (keyed by user, host, port and database, so a secret is
// never sent to another server), a confirmation the first time a server is used, refused in
// Restricted Mode. pg is loaded on first connect, not at activation.

import * as fs from 'node:fs/promises';
import * as vscode from 'vscode';
import type { PgConnectionSettings, SslMode } from '../store/pg/pgConnection';
import type { PgStore } from '../store/pg/pgStore';
import type { Log } from './log';

const KNOWN_TARGETS_KEY = 'tracelens.store.knownTargets';

/** What the connection asks the user; integration tests replace `confirm`. */
export interface StoreConnectionUi {
  confirm(message: string, detail: string, action: string): Promise<boolean>;
  askPassword(target: string): Promise<string | undefined>;
}

const defaultUi: StoreConnectionUi = {
  async confirm(message, detail, action) {
    return (await vscode.window.showWarningMessage(message, { modal: true, detail }, action)) === action;
  },
  askPassword(target) {
    return Promise.resolve(
      vscode.window.showInputBox({
        title: 'TraceLens: Connect to Store',
        prompt: `Password for ${target} (kept in VS Code's secret storage; empty for none)`,
        password: true,
        ignoreFocusOut: true,
      }),
    );
  },
};

export function readStoreSettings(): Omit<PgConnectionSettings, 'password' | 'ca'> & { caFile: string } {
  const c = vscode.workspace.getConfiguration('tracelens.store.postgres');
  return {
    host: c.get<string>('host', '').trim(),
    port: c.get<number>('port', 5432),
    database: c.get<string>('database', '').trim(),
    user: c.get<string>('user', '').trim(),
    sslmode: c.get<SslMode>('sslmode', 'auto'),
    caFile: c.get<string>('caFile', '').trim(),
  };
}

/** The SecretStorage key of a target's password: user, host, port and database. */
export function secretKey(s: Pick<PgConnectionSettings, 'host' | 'port' | 'database' | 'user'>): string {
  return `tracelens.store.postgres:${JSON.stringify([s.user, s.host.toLowerCase(), s.port, s.database])}`;
}

export class StoreConnection implements vscode.Disposable {
  private current?: { store: PgStore; label: string; target: string };
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;
  /** Passwords kept for this session only, when SecretStorage cannot store them (checklist S-02). */
  private readonly sessionSecrets = new Map<string, string>();
  ui: StoreConnectionUi = defaultUi;

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly log: Log,
  ) {
    // Menus offer Push to Store only while connected.
    this.changed.event(() => void vscode.commands.executeCommand('setContext', 'tracelens.storeConnected', !!this.current));
  }

  get store(): PgStore | undefined {
    return this.current?.store;
  }

  /** `Team store (host/db)`. */
  get label(): string | undefined {
    return this.current?.label;
  }

  /** `postgres://user@host:port/db`: no password. */
  get target(): string | undefined {
    return this.current?.target;
  }

  /** Store a password for the configured target (write-only: nothing ever returns it). */
  async savePassword(password: string): Promise<void> {
    const key = secretKey(readStoreSettings());
    try {
      await this.context.secrets.store(key, password);
      this.sessionSecrets.delete(key);
    } catch {
      this.sessionSecrets.set(key, password);
      void vscode.window.showWarningMessage(
        'TraceLens: VS Code could not store the password in its secret storage (no keyring?). It is kept in memory for this session only.',
      );
    }
  }

  private async password(key: string): Promise<string | undefined> {
    if (this.sessionSecrets.has(key)) return this.sessionSecrets.get(key);
    try {
      return await this.context.secrets.get(key);
    } catch {
      return undefined;
    }
  }

  async connect(): Promise<PgStore | undefined> {
    if (!vscode.workspace.isTrusted) {
      throw new Error('Connecting to a team store is disabled in Restricted Mode: trust this workspace first.');
    }
    const s = readStoreSettings();
    if (s.host.includes('://') || s.host.includes('@')) {
      // Never echoed: it may hold a password.
      throw new Error(
        'tracelens.store.postgres.host must be a host name, not a connection string. Remove any password from your settings: TraceLens asks for it and keeps it in secret storage.',
      );
    }
    const { describeTarget, validateSettings } = await import('../store/pg/pgConnection');
    const { openPgStore } = await import('../store/pg/pgStore');
    validateSettings({ ...s });
    const target = describeTarget(s);
    const known = this.context.globalState.get<string[]>(KNOWN_TARGETS_KEY, []);
    if (!known.includes(target)) {
      const ok = await this.ui.confirm(
        `Connect to the team store ${target}?`,
        'TraceLens has not connected to this server before. Trace data you push is sent there, and what it returns is shown here. ' +
          'Connect only to servers you trust.',
        'Connect',
      );
      if (!ok) return undefined;
    }
    if (s.sslmode === 'no-verify') {
      const ok = await this.ui.confirm(
        `Connect to ${target} without verifying its certificate?`,
        'tracelens.store.postgres.sslmode is "no-verify": the connection is encrypted but anyone between you and the server can read and change it.',
        'Connect Anyway',
      );
      if (!ok) return undefined;
    }
    const key = secretKey(s);
    let password = await this.password(key);
    let asked = false;
    if (password === undefined) {
      password = await this.ui.askPassword(target);
      if (password === undefined) return undefined;
      asked = true;
    }
    const ca = s.caFile ? await fs.readFile(s.caFile, 'utf8') : undefined;
    await this.disconnect();
    let store: PgStore;
    try {
      store = await openPgStore(
        { ...s, password, ca },
        { onBackgroundError: (err) => this.log.warn(`Team store ${target}: ${err.message}`) },
      );
    } catch (err) {
      // A refused password is forgotten so the next attempt asks again.
      if ((err as { code?: string }).code === '28P01') {
        await Promise.resolve(this.context.secrets.delete(key)).catch(() => undefined);
        this.sessionSecrets.delete(key);
      }
      throw err;
    }
    if (asked) await this.savePassword(password);
    if (!known.includes(target)) await this.context.globalState.update(KNOWN_TARGETS_KEY, [...known, target]);
    const label = `Team store (${s.host}/${s.database})`;
    this.current = { store, label, target: store.target };
    const m = store.migration;
    this.log.info(`Connected to ${store.target} as ${store.author}${m?.applied.length ? `; schema migrated ${m.from} → ${m.to}` : ''}`);
    this.changed.fire();
    return store;
  }

  async disconnect(): Promise<void> {
    const cur = this.current;
    if (!cur) return;
    this.current = undefined;
    await cur.store.close();
    this.log.info(`Disconnected from ${cur.target}`);
    this.changed.fire();
  }

  /** The connected store, or an error saying how to connect. */
  require(): PgStore {
    if (!this.current) throw new Error('Not connected to a team store: run "TraceLens: Connect to Store…" first.');
    return this.current.store;
  }

  dispose(): void {
    void this.disconnect();
    this.changed.dispose();
  }
}
