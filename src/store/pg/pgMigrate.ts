// Brings a database's `tracelens` schema up to LATEST_VERSION. Idempotent and safe when several
// TraceLens windows connect at once: every step holds a transaction-scoped advisory lock and
// re-reads the applied version under it, and each migration commits with its version row or
// not at all.

import type { PoolClient } from 'pg';
import { LATEST_VERSION, MIGRATIONS, type Migration } from './pgSchema';

/** Arbitrary constant: the advisory lock every TraceLens migration takes. */
const LOCK_KEY = 7_411_202_605;

export interface MigrationResult {
  /** Version before (0 = empty database). */
  from: number;
  to: number;
  applied: number[];
}

export class StoreVersionError extends Error {}

async function currentVersion(c: PoolClient): Promise<number> {
  const { rows } = await c.query<{ v: number | null }>('SELECT max(version) AS v FROM tracelens.migrations');
  return rows[0]?.v ?? 0;
}

export async function migrate(c: PoolClient, migrations: readonly Migration[] = MIGRATIONS): Promise<MigrationResult> {
  await c.query('BEGIN');
  try {
    await c.query('SELECT pg_advisory_xact_lock($1)', [LOCK_KEY]);
    await c.query('CREATE SCHEMA IF NOT EXISTS tracelens');
    await c.query(
      `CREATE TABLE IF NOT EXISTS tracelens.migrations (
         version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TIMESTAMPTZ NOT NULL DEFAULT now(), applied_by TEXT NOT NULL DEFAULT current_user)`,
    );
    await c.query('COMMIT');
  } catch (err) {
    await c.query('ROLLBACK').catch(() => undefined);
    throw err;
  }
  const from = await currentVersion(c);
  const latest = migrations.length ? migrations[migrations.length - 1].version : 0;
  if (from > latest) {
    throw new StoreVersionError(
      `The team store's schema is version ${from}, newer than this TraceLens understands (${latest}); update TraceLens.`,
    );
  }
  const applied: number[] = [];
  for (const m of migrations) {
    if (m.version <= from) continue;
    await c.query('BEGIN');
    try {
      await c.query('SELECT pg_advisory_xact_lock($1)', [LOCK_KEY]);
      // Another window may have applied it while we waited for the lock.
      if ((await currentVersion(c)) >= m.version) {
        await c.query('COMMIT');
        continue;
      }
      await c.query('SET LOCAL search_path = tracelens, public');
      await c.query(m.sql);
      await c.query('INSERT INTO tracelens.migrations (version, name) VALUES ($1, $2)', [m.version, m.name]);
      await c.query('COMMIT');
      applied.push(m.version);
    } catch (err) {
      await c.query('ROLLBACK').catch(() => undefined);
      throw new Error(`Team store migration ${m.version} (${m.name}) failed: ${(err as Error).message}`, { cause: err });
    }
  }
  return { from, to: Math.max(from, ...applied), applied };
}

export { LATEST_VERSION };
