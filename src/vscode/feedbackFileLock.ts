// A lock file beside a JSON file that several VS Code windows (separate extension host
// processes) rewrite: `<file>.lock`, created exclusively (O_EXCL), holding the owner's pid, host
// and time. A lock whose owner died (same host, pid gone) or that is older than `staleMs` (no
// write takes that long) is taken over. No vscode import: unit tests run it across processes.

import * as fs from 'node:fs/promises';
import * as os from 'node:os';

export interface LockOptions {
  /** Give up waiting after this long (default 5 s). */
  waitMs?: number;
  /** A lock older than this is abandoned (default 15 s). */
  staleMs?: number;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

const pause = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Whether the lock at `path` was left by a process that is gone, or is too old. */
async function abandoned(path: string, staleMs: number): Promise<boolean> {
  let text: string;
  let mtimeMs: number;
  try {
    [text, { mtimeMs }] = await Promise.all([fs.readFile(path, 'utf8'), fs.stat(path)]);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ENOENT';
  }
  const [pid, host] = text.split(' ');
  if (Date.now() - mtimeMs > staleMs) return true;
  // Written but not yet filled in: its owner is still in `open`; wait.
  if (!pid) return false;
  return host === os.hostname() && !alive(Number(pid));
}

/** Run `fn` holding the lock on `file`; the lock goes when it settles. */
export async function withFileLock<T>(file: string, fn: () => Promise<T>, opts: LockOptions = {}): Promise<T> {
  const path = `${file}.lock`;
  const waitMs = opts.waitMs ?? 5_000;
  const staleMs = opts.staleMs ?? 15_000;
  const deadline = Date.now() + waitMs;
  const mine = `${process.pid} ${os.hostname()} ${Date.now()} ${Math.random().toString(36).slice(2)}`;
  for (let delay = 5; ; delay = Math.min(delay * 2, 100)) {
    try {
      const h = await fs.open(path, 'wx', 0o600);
      try {
        await h.writeFile(mine);
      } finally {
        await h.close();
      }
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    if (await abandoned(path, staleMs)) {
      await fs.rm(path, { force: true });
      continue;
    }
    if (Date.now() > deadline) throw new Error(`${file} is being written by another VS Code window; try again`);
    await pause(delay + Math.random() * delay);
  }
  try {
    return await fn();
  } finally {
    // Only our own lock: after a takeover (we were too slow) it may be someone else's.
    const now = await fs.readFile(path, 'utf8').catch(() => '');
    if (now === mine) await fs.rm(path, { force: true });
  }
}
