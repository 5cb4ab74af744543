// A real PostgreSQL server for tests: TRACELENS_TEST_PG_URL when set, otherwise a throwaway
// cluster started from the installed binaries (initdb into a temp dir, pg_ctl on a free
// loopback port, its unix socket inside the temp dir). One server per process, stopped and
// deleted when the process exits.
//
// initdb refuses to run as root, so as root (CI) the cluster belongs to the `postgres` system
// user (Debian's postgresql package creates it): the temp dir is chowned to it and initdb /
// pg_ctl run through `runuser -u postgres --`. As a normal user they run directly.

import { execFileSync, spawnSync } from 'node:child_process';
import type * as PgTypes from 'pg';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';

export interface PgTarget {
  host: string;
  port: number;
  database: string;
  user: string;
  password: string;
}

export interface TestPostgres extends PgTarget {
  /** How the server came to be (for test titles and logs). */
  origin: 'env' | 'temp-cluster';
  /** A fresh, empty database on the same server (dropped with the cluster). */
  freshDatabase(prefix?: string): Promise<PgTarget>;
}

/** Why PostgreSQL tests cannot run here, or undefined when they can. */
export function postgresUnavailable(): string | undefined {
  if (process.env.TRACELENS_TEST_PG_URL) return undefined;
  if (!findPgBin())
    return 'no PostgreSQL server binaries (initdb, pg_ctl) found: apt-get install postgresql postgresql-contrib, or set TRACELENS_TEST_PG_URL';
  return undefined;
}

/** The newest /usr/lib/postgresql/<v>/bin (Debian), or a directory on PATH holding initdb and pg_ctl. */
export function findPgBin(): string | undefined {
  if (process.env.TRACELENS_TEST_PG_BIN) return process.env.TRACELENS_TEST_PG_BIN;
  const base = '/usr/lib/postgresql';
  const versions = fs.existsSync(base)
    ? fs
        .readdirSync(base)
        .filter((v) => fs.existsSync(path.join(base, v, 'bin', 'initdb')) && fs.existsSync(path.join(base, v, 'bin', 'pg_ctl')))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  if (versions.length) return path.join(base, versions[0], 'bin');
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (dir && fs.existsSync(path.join(dir, 'initdb')) && fs.existsSync(path.join(dir, 'pg_ctl'))) return dir;
  }
  return undefined;
}

let server: Promise<TestPostgres> | undefined;
let stopServer: (() => void) | undefined;

/**
 * Stop the throwaway cluster now (it is also stopped when the process exits). For hosts that
 * may be killed rather than exit, such as the VS Code extension host.
 */
export function stopTestPostgres(): void {
  stopServer?.();
  stopServer = undefined;
  server = undefined;
}

function alive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Temp clusters left by a process that was killed: their postmaster is gone, the directory not. */
function sweepStale(): void {
  const tmp = os.tmpdir();
  for (const name of fs.readdirSync(tmp)) {
    if (!name.startsWith('tracelens-pg-')) continue;
    const dir = path.join(tmp, name);
    try {
      // The process that made it is alive: it may have stopped its server on purpose (restart tests).
      const ownerFile = path.join(dir, 'owner');
      if (fs.existsSync(ownerFile) && alive(Number(fs.readFileSync(ownerFile, 'utf8')))) continue;
      const pidFile = path.join(dir, 'data', 'postmaster.pid');
      if (fs.existsSync(pidFile)) {
        const pid = Number(fs.readFileSync(pidFile, 'utf8').split('\n')[0]);
        try {
          process.kill(pid, 0);
          continue; // still running: someone else's
        } catch {
          /* gone */
        }
      } else if (Date.now() - fs.statSync(dir).mtimeMs < 60_000) continue; // maybe being set up right now
      fs.rmSync(dir, { recursive: true, force: true });
    } catch {
      /* not ours to judge */
    }
  }
}

/** The shared test server (started on first use). */
export function testPostgres(): Promise<TestPostgres> {
  server ??= process.env.TRACELENS_TEST_PG_URL
    ? Promise.resolve(fromUrl(process.env.TRACELENS_TEST_PG_URL))
    : startCluster().then((c) => {
        stopServer = c.destroy;
        return c;
      });
  return server;
}

function withFresh(target: PgTarget, origin: TestPostgres['origin']): TestPostgres {
  return {
    ...target,
    origin,
    async freshDatabase(prefix = 't') {
      const database = `${prefix}_${randomBytes(6).toString('hex')}`;
      await adminQuery(target, `CREATE DATABASE ${database}`);
      return { ...target, database };
    },
  };
}

function fromUrl(url: string): TestPostgres {
  const u = new URL(url);
  return withFresh(
    {
      host: decodeURIComponent(u.hostname) || '127.0.0.1',
      port: Number(u.port || 5432),
      database: decodeURIComponent(u.pathname.slice(1)) || 'postgres',
      user: decodeURIComponent(u.username) || 'postgres',
      password: decodeURIComponent(u.password),
    },
    'env',
  );
}

async function adminQuery(target: PgTarget, sql: string): Promise<void> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const pg = require('pg') as typeof PgTypes;
  const client = new pg.Client({ ...target, ssl: false, connectionTimeoutMillis: 10_000 });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

interface Runner {
  run(cmd: string, args: string[]): void;
  owner?: { uid: number; gid: number };
}

function runner(): Runner {
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (!isRoot) {
    return { run: (cmd, args) => void execFileSync(cmd, args, { stdio: 'pipe' }) };
  }
  const user = ['postgres', 'nobody'].find((u) => spawnSync('id', ['-u', u], { stdio: 'ignore' }).status === 0);
  if (!user) throw new Error('running as root and neither a postgres nor a nobody user exists to own the test cluster');
  const uid = Number(execFileSync('id', ['-u', user]).toString().trim());
  const gid = Number(execFileSync('id', ['-g', user]).toString().trim());
  return {
    owner: { uid, gid },
    // cwd: initdb and pg_ctl stat the working directory, which the postgres user may not reach.
    run: (cmd, args) => void execFileSync('runuser', ['-u', user, '--', cmd, ...args], { stdio: 'pipe', cwd: '/' }),
  };
}

function explain(err: unknown, log?: string): Error {
  const e = err as { stderr?: Buffer; message?: string };
  const tail = log && fs.existsSync(log) ? `\n--- server log ---\n${fs.readFileSync(log, 'utf8').slice(-2000)}` : '';
  return new Error(`${e.message ?? String(err)}\n${e.stderr?.toString() ?? ''}${tail}`);
}

/** A cluster of its own that a test may stop and start (checklist S-06: server restarts). */
export interface RestartablePostgres extends TestPostgres {
  /** `pg_ctl stop -m fast`: sessions are terminated (57P01) and the port stops listening. */
  stop(): void;
  /** Start again on the same port and socket. */
  start(): void;
  /** Stop (immediately) and delete the cluster; also done at process exit. */
  destroy(): void;
}

/** Why a private cluster cannot be started here (no server binaries), or undefined. */
export function privatePostgresUnavailable(): string | undefined {
  return findPgBin() ? undefined : 'no PostgreSQL server binaries (initdb, pg_ctl) to start a private cluster';
}

/** A new throwaway cluster, separate from the shared one, that the caller may stop and start. */
export function privatePostgres(): Promise<RestartablePostgres> {
  return startCluster();
}

async function startCluster(): Promise<RestartablePostgres> {
  const bin = findPgBin();
  if (!bin) throw new Error(postgresUnavailable());
  const r = runner();
  sweepStale();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tracelens-pg-'));
  const data = path.join(dir, 'data');
  const sock = path.join(dir, 'sock');
  const log = path.join(dir, 'server.log');
  const pwfile = path.join(dir, 'pw');
  const password = randomBytes(12).toString('hex');
  fs.mkdirSync(sock);
  fs.writeFileSync(pwfile, password, { mode: 0o600 });
  fs.writeFileSync(path.join(dir, 'owner'), String(process.pid));
  if (r.owner) for (const p of [dir, sock, pwfile]) fs.chownSync(p, r.owner.uid, r.owner.gid);
  try {
    r.run(path.join(bin, 'initdb'), [
      '-D',
      data,
      '-U',
      'tracelens',
      `--pwfile=${pwfile}`,
      '--auth-local=trust',
      '--auth-host=scram-sha-256',
      '-E',
      'UTF8',
      '--locale=C',
      '--no-sync',
    ]);
  } catch (err) {
    fs.rmSync(dir, { recursive: true, force: true });
    throw explain(err);
  }
  const pgCtl = (mode: 'immediate' | 'fast'): void => {
    spawnSync(
      r.owner ? 'runuser' : path.join(bin, 'pg_ctl'),
      [...(r.owner ? ['-u', String(ownerName(r)), '--', path.join(bin, 'pg_ctl')] : []), '-D', data, '-m', mode, '-w', 'stop'],
      { stdio: 'ignore', cwd: '/' },
    );
  };
  const stop = (): void => {
    pgCtl('immediate');
    fs.rmSync(dir, { recursive: true, force: true });
  };
  const startOn = (port: number): void =>
    r.run(path.join(bin, 'pg_ctl'), [
      '-D',
      data,
      '-l',
      log,
      '-w',
      '-t',
      '60',
      '-o',
      `-c listen_addresses=127.0.0.1 -p ${port} -k ${sock} -c fsync=off -c full_page_writes=off`,
      'start',
    ]);
  let lastErr: unknown;
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort();
    try {
      startOn(port);
      process.once('exit', stop);
      const destroy = (): void => {
        process.off('exit', stop);
        stop();
      };
      return {
        ...withFresh({ host: '127.0.0.1', port, database: 'postgres', user: 'tracelens', password }, 'temp-cluster'),
        stop: () => pgCtl('fast'),
        start: () => {
          try {
            startOn(port);
          } catch (err) {
            throw explain(err, log);
          }
        },
        destroy,
      };
    } catch (err) {
      lastErr = err; // most likely the port was taken in between: try another
    }
  }
  const error = explain(lastErr, log);
  stop();
  throw error;
}

function ownerName(r: Runner): string {
  return execFileSync('id', ['-nu', String(r.owner?.uid)])
    .toString()
    .trim();
}
