// A connection string in the team store settings (checklist S-01): `tracelens.store.postgres.host`
// set to `postgres://u:pw@h/db`, or any of host/database/user holding `password=…`. TraceLens
// warns, never echoing the value (messages show `postgres://u:***@h:5432/db`), and offers to move
// the password into SecretStorage and the other parts into their own settings, removing the
// string from the settings file it was in.

import * as vscode from 'vscode';
import { describeTarget } from '../store/pg/pgConnection';
import { parseConnectionSetting, type ParsedConnection } from '../store/pg/pgConnectionString';
import type { PasswordVault, SavedWhere } from './storeConnectionSecrets';

const SECTION = 'tracelens.store.postgres';
const CHECKED = ['host', 'database', 'user'] as const;

export interface FoundConnectionString {
  /** The setting holding it. */
  key: (typeof CHECKED)[number];
  /** The settings file holding it. */
  scope: vscode.ConfigurationTarget.Global | vscode.ConfigurationTarget.Workspace;
  parsed: ParsedConnection;
  /** The target it names (settings filling the gaps), with `***` for a password. */
  shown: string;
}

/**
 * Connection strings in the user settings, and in the workspace settings when the workspace is
 * trusted (otherwise VS Code ignores them: the settings are restricted).
 */
export function findConnectionStrings(): FoundConnectionString[] {
  const c = vscode.workspace.getConfiguration(SECTION);
  const found: FoundConnectionString[] = [];
  const scopes = [
    ['globalValue', vscode.ConfigurationTarget.Global],
    ['workspaceValue', vscode.ConfigurationTarget.Workspace],
  ] as const;
  for (const key of CHECKED) {
    const info = c.inspect<string>(key);
    for (const [field, scope] of scopes) {
      if (scope === vscode.ConfigurationTarget.Workspace && !vscode.workspace.isTrusted) continue;
      const value = info?.[field];
      const parsed = typeof value === 'string' ? parseConnectionSetting(value) : undefined;
      if (!parsed) continue;
      const host = parsed.host ?? (key === 'host' ? '' : c.get<string>('host', ''));
      const shown = parsed.unreadable
        ? `tracelens.store.postgres.${key}`
        : describeTarget({
            host: host || '?',
            port: parsed.port ?? c.get<number>('port', 5432),
            database: parsed.database ?? (key === 'database' ? '' : c.get<string>('database', '')),
            user: parsed.user ?? (key === 'user' ? '' : c.get<string>('user', '')),
            password: parsed.password,
          });
      found.push({ key, scope, parsed, shown });
    }
  }
  return found;
}

export function describeFinding(f: FoundConnectionString): { message: string; detail: string; action: string } {
  const where = f.scope === vscode.ConfigurationTarget.Global ? 'your user settings' : "this workspace's settings";
  if (f.parsed.unreadable)
    return {
      message: `tracelens.store.postgres.${f.key} in ${where} holds a connection string TraceLens cannot read.`,
      detail: 'Replace it with a plain value; TraceLens asks for the password and keeps it in secret storage.',
      action: 'Open Settings',
    };
  const secret = f.parsed.password !== undefined;
  return {
    message: `tracelens.store.postgres.${f.key} in ${where} holds a connection string${secret ? ' with a password' : ''} (${f.shown}).`,
    detail: secret
      ? "Passwords in settings files are readable by anything that reads them. Move it to VS Code's secret storage? The other parts go to their own settings and the connection string is removed."
      : 'Split it into the host, port, database and user settings?',
    action: secret ? 'Move to Secret Storage' : 'Split into Settings',
  };
}

/**
 * Move what `f` found: the password into the vault under the key of the target it names, the
 * other parts into their own settings in the same settings file, the string removed.
 */
export async function migrateConnectionString(
  f: FoundConnectionString,
  vault: PasswordVault,
  secretKey: (t: { host: string; port: number; database: string; user: string }) => string,
): Promise<SavedWhere | 'no-password'> {
  const c = vscode.workspace.getConfiguration(SECTION);
  const p = f.parsed;
  const target = {
    host: (p.host ?? c.get<string>('host', '')).trim(),
    port: p.port ?? c.get<number>('port', 5432),
    database: (p.database ?? c.get<string>('database', '')).trim(),
    user: (p.user ?? c.get<string>('user', '')).trim(),
  };
  // If the string was in `database` or `user`, the host setting may be fine as it is; only
  // parts the string named are written.
  const updates: [string, unknown][] = [];
  if (p.host !== undefined || f.key === 'host') updates.push(['host', p.host ?? undefined]);
  if (p.port !== undefined) updates.push(['port', p.port]);
  if (p.database !== undefined || f.key === 'database') updates.push(['database', p.database ?? undefined]);
  if (p.user !== undefined || f.key === 'user') updates.push(['user', p.user ?? undefined]);
  if (p.sslmode === 'disable' || p.sslmode === 'verify-full') updates.push(['sslmode', p.sslmode]);
  else if (p.sslmode === 'require' || p.sslmode === 'verify-ca') updates.push(['sslmode', 'verify-full']);
  // The secret first: if settings then fail to update, the password is not lost.
  const where = p.password !== undefined ? await vault.save(secretKey(target), p.password) : 'no-password';
  for (const [key, value] of updates) await c.update(key, value, f.scope);
  return where;
}
