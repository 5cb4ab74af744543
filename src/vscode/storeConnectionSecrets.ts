// Where the team store's passwords live (checklist S-01, S-02): VS Code's SecretStorage only.
// When it cannot store (Linux without a keyring, a broken keychain) the password is kept in
// memory for this session and the user is told so; it is never written to settings or state.
// Nothing here returns a password to anything but the connection itself, and no message holds
// one. No vscode import, so it runs in unit tests.

/** The slice of `vscode.SecretStorage` used here. */
export interface SecretBackend {
  get(key: string): PromiseLike<string | undefined>;
  store(key: string, value: string): PromiseLike<void>;
  delete(key: string): PromiseLike<void>;
}

/**
 * The SecretStorage key of a target's password: user, host, port and database, so a password is
 * only ever sent to the server it was given for (checklist S-07).
 */
export function secretKey(s: { host: string; port: number; database: string; user: string }): string {
  return `tracelens.store.postgres:${JSON.stringify([s.user, s.host.toLowerCase(), s.port, s.database])}`;
}

export type SavedWhere = 'secret-storage' | 'session';

export const SESSION_ONLY_MESSAGE =
  "VS Code's secret storage is unavailable (no keyring?), so TraceLens keeps the team store password in memory for this session only and asks again next time. It is never written to settings.";

export class PasswordVault {
  /** Passwords SecretStorage refused, for this session only. */
  private readonly session = new Map<string, string>();
  private warned = false;

  constructor(
    private readonly backend: SecretBackend,
    /** Told once per session that storage is unavailable. */
    private readonly warn: (message: string) => void,
  ) {}

  async save(key: string, password: string): Promise<SavedWhere> {
    try {
      await this.backend.store(key, password);
      this.session.delete(key);
      return 'secret-storage';
    } catch {
      this.session.set(key, password);
      if (!this.warned) {
        this.warned = true;
        this.warn(SESSION_ONLY_MESSAGE);
      }
      return 'session';
    }
  }

  /** The password for `key`, or undefined (not stored, or the storage cannot be read). */
  async get(key: string): Promise<string | undefined> {
    if (this.session.has(key)) return this.session.get(key);
    try {
      return await this.backend.get(key);
    } catch {
      return undefined;
    }
  }

  /** Forget it everywhere (a refused password, so the next connect asks again). */
  async forget(key: string): Promise<void> {
    this.session.delete(key);
    try {
      await this.backend.delete(key);
    } catch {
      // Nothing stored there when it is unavailable.
    }
  }

  /** Whether this session fell back to memory. */
  get sessionOnly(): boolean {
    return this.session.size > 0;
  }
}
