// The connection to the team store (PostgreSQL): settings from `tracelens.store.postgres.*`,
// the password from SecretStorage only (keyed by user, host, port and database, so a secret is
// never sent to another server; storeConnectionSecrets.ts), a confirmation the first time a
// server is used, refused in Restricted Mode. A connection string in the settings is offered for
// migration (storeConnectionMigrate.ts). While connected, the store's health (pgHealth.ts) says
// whether the server is reachable; it retries by itself and Reconnect probes at once.
// pg is loaded on first connect, not at activation.

import * as fs from 'node:fs/promises';
import * as vscode from 'vscode';
import type { PgConnectionSettings, SslMode } from '../store/pg/pgConnection';
import type { HealthState } from '../store/pg/pgHealth';
import type { PgStore } from '../store/pg/pgStore';
import type { Log } from './log';
import { describeFinding, findConnectionStrings, migrateConnectionString } from './storeConnectionMigrate';
import { PasswordVault, secretKey } from './storeConnectionSecrets';

export { secretKey };

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

export class StoreConnection implements vscode.Disposable {
  private current?: { store: PgStore; label: string; target: string; health: { dispose(): void } };
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;
  private readonly healthChanged = new vscode.EventEmitter<HealthState>();
  /** The server went away or came back (the tree shows it; no reconnect needed by callers). */
  readonly onDidChangeHealth = this.healthChanged.event;
  /** SecretStorage, or memory for the session when it cannot store (checklist S-02). */
  readonly vault: PasswordVault;
  private checkingSettings = false;
  ui: StoreConnectionUi = defaultUi;
  /** Reconnect backoff (default 1 s doubling to 30 s); tests shorten it. */
  backoff?: { initialMs?: number; maxMs?: number };

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly log: Log,
  ) {
    this.vault = new PasswordVault(context.secrets, (m) => {
      log.warn(m);
      void vscode.window.showWarningMessage(`TraceLens: ${m}`);
    });
    // Menus offer Push to Store only while connected.
    this.changed.event(() => void vscode.commands.executeCommand('setContext', 'tracelens.storeConnected', !!this.current));
  }

  /** Reachability of the connected store; undefined when not connected. */
  get health(): HealthState | undefined {
    return this.current?.store.health.current;
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
    await this.vault.save(secretKey(readStoreSettings()), password);
  }

  /**
   * Look for connection strings in the settings (at activation, when the settings change, and
   * before connecting). Each is reported without its password and, if the user agrees, moved:
   * the password into secret storage, the rest into the separate settings. `modal` when the user
   * is connecting (they wait for the answer); otherwise a non-blocking warning. Returns whether a
   * connection string is left in the settings.
   */
  async checkSettings(modal: boolean): Promise<boolean> {
    if (this.checkingSettings && !modal) return true;
    this.checkingSettings = true;
    try {
      for (const f of findConnectionStrings()) {
        const { message, detail, action } = describeFinding(f);
        this.log.warn(`${message} ${detail}`);
        const ok = modal
          ? await this.ui.confirm(`TraceLens: ${message}`, detail, action)
          : (await vscode.window.showWarningMessage(`TraceLens: ${message} ${detail}`, action)) === action;
        if (!ok) continue;
        if (f.parsed.unreadable) {
          await vscode.commands.executeCommand('workbench.action.openSettings', `tracelens.store.postgres.${f.key}`);
          continue;
        }
        // The settings may have changed while the question was open: move what is there now.
        const now = findConnectionStrings().find((x) => x.key === f.key && x.scope === f.scope);
        if (!now) continue;
        const where = await migrateConnectionString(now, this.vault, secretKey);
        this.log.info(
          where === 'no-password'
            ? `Split the connection string of tracelens.store.postgres.${f.key} into separate settings`
            : `Moved the password of tracelens.store.postgres.${f.key} to ${where === 'session' ? 'memory for this session' : 'secret storage'} and removed it from the settings`,
        );
      }
      return findConnectionStrings().length > 0;
    } finally {
      this.checkingSettings = false;
    }
  }

  async connect(): Promise<PgStore | undefined> {
    if (!vscode.workspace.isTrusted) {
      throw new Error('Connecting to a team store is disabled in Restricted Mode: trust this workspace first.');
    }
    if (await this.checkSettings(true)) {
      // Never echoed: it may hold a password.
      throw new Error(
        'The tracelens.store.postgres settings hold a connection string: set host, port, database and user separately. TraceLens asks for the password and keeps it in secret storage.',
      );
    }
    const s = readStoreSettings();
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
    let password = await this.vault.get(key);
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
        { onBackgroundError: (err) => this.log.warn(`Team store ${target}: ${err.message}`), backoff: this.backoff },
      );
    } catch (err) {
      // A refused password is forgotten so the next attempt asks again.
      if ((err as { code?: string }).code === '28P01') await this.vault.forget(key);
      throw err;
    }
    if (asked) await this.savePassword(password);
    if (!known.includes(target)) await this.context.globalState.update(KNOWN_TARGETS_KEY, [...known, target]);
    const label = `Team store (${s.host}/${s.database})`;
    const health = store.health.onDidChange((h) => this.healthChange(store.target, h));
    this.current = { store, label, target: store.target, health };
    const m = store.migration;
    this.log.info(`Connected to ${store.target} as ${store.author}${m?.applied.length ? `; schema migrated ${m.from} → ${m.to}` : ''}`);
    this.changed.fire();
    return store;
  }

  /** Probe the server now (the Reconnect action); connect when not connected at all. */
  async reconnect(): Promise<HealthState | undefined> {
    if (!this.current) return (await this.connect()) ? this.health : undefined;
    return this.current.store.health.retryNow();
  }

  private healthChange(target: string, h: HealthState): void {
    if (h.kind === 'disconnected') {
      const next = `retrying in ${Math.round(h.delayMs / 100) / 10} s`;
      if (h.attempt === 0) this.log.warn(`Team store ${target} is unreachable: ${h.error}. Showing what was last read; ${next}.`);
      else this.log.info(`Team store ${target} still unreachable (attempt ${h.attempt}): ${h.error}; ${next}.`);
    } else if (h.kind === 'connected') {
      this.log.info(`Reconnected to ${target}`);
    }
    this.healthChanged.fire(h);
  }

  async disconnect(): Promise<void> {
    const cur = this.current;
    if (!cur) return;
    this.current = undefined;
    cur.health.dispose();
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
    this.healthChanged.dispose();
  }
}
