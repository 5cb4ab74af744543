// "File changed since the traced revision": asks git whether a file differs between the revision a
// span was traced at (`vcs.ref.head.revision`…) and the working tree, and reads the file as it was.
// Node only (no vscode), so the unit tests run it against a real repository they create.
//
// git runs with execFile (no shell), a timeout and a capped output, in the file's own folder so
// the repository that holds the file answers (a workspace folder may hold several). Repository
// configuration is untrusted: no external diff or textconv programs and no fsmonitor hook run, and
// the caller runs this only in a trusted workspace. The revision must be a hex commit id, so
// nothing from the trace can become an option.

import { execFile } from 'node:child_process';

export type GitFileState =
  | { state: 'unchanged'; commit: string }
  | { state: 'changed'; commit: string }
  /** The revision is not in this clone (not fetched, or from another repository). */
  | { state: 'revision-missing' }
  /** The revision exists but did not have this file. */
  | { state: 'not-in-revision'; commit: string }
  | { state: 'not-a-repo' }
  | { state: 'error'; message: string };

export interface GitFileQuery {
  /** Absolute folder the file is in: git runs there. */
  dir: string;
  /** The file's name inside `dir` (one path segment). */
  name: string;
  /** The traced revision: a hex commit id (4 to 64 digits). */
  revision: string;
  timeoutMs?: number;
}

const HEX_REVISION = /^[0-9a-fA-F]{4,64}$/;
const DEFAULT_TIMEOUT_MS = 10_000;
/** Largest file read back from a revision for the diff. */
export const MAX_SHOW_BYTES = 16 * 1024 * 1024;

export function isRevision(v: unknown): v is string {
  return typeof v === 'string' && HEX_REVISION.test(v);
}

/** A single path segment a git pathspec reads literally. */
function isPlainName(name: string): boolean {
  return name.length > 0 && name.length <= 255 && !/[/\\\0]/.test(name) && name !== '.' && name !== '..';
}

interface GitResult {
  code: number;
  stdout: string;
  stderr: string;
}

// Settings that would let a repository's own config run programs while we only read.
const SAFE_CONFIG = ['-c', 'core.fsmonitor=false'];

function git(args: string[], cwd: string, timeoutMs: number, maxBuffer = 1024 * 1024): Promise<GitResult> {
  return new Promise((resolve, reject) => {
    execFile(
      'git',
      [...SAFE_CONFIG, ...args],
      {
        cwd,
        timeout: timeoutMs,
        maxBuffer,
        windowsHide: true,
        encoding: 'utf8',
        env: { ...process.env, GIT_TERMINAL_PROMPT: '0', GIT_OPTIONAL_LOCKS: '0', LC_ALL: 'C' },
      },
      (err, stdout, stderr) => {
        if (!err) return resolve({ code: 0, stdout, stderr });
        const e = err as NodeJS.ErrnoException & { code?: number | string; killed?: boolean };
        if (typeof e.code === 'number') return resolve({ code: e.code, stdout, stderr });
        if (e.killed) return reject(new Error(`git timed out after ${timeoutMs} ms`));
        if (e.code === 'ENOENT') return reject(new Error('git is not installed (or not on the PATH)'));
        reject(err);
      },
    );
  });
}

/** Whether `query.name` in `query.dir` differs between the traced revision and the working tree. */
export async function compareWithRevision(query: GitFileQuery): Promise<GitFileState> {
  const timeout = query.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  if (!isRevision(query.revision)) return { state: 'error', message: `"${String(query.revision).slice(0, 80)}" is not a commit id` };
  if (!isPlainName(query.name)) return { state: 'error', message: 'Not a file name' };
  try {
    const inside = await git(['rev-parse', '--is-inside-work-tree'], query.dir, timeout);
    if (inside.code !== 0 || inside.stdout.trim() !== 'true') return { state: 'not-a-repo' };
    const verify = await git(['rev-parse', '--verify', '--quiet', '--end-of-options', `${query.revision}^{commit}`], query.dir, timeout);
    if (verify.code !== 0) return { state: 'revision-missing' };
    const commit = verify.stdout.trim();
    // `<commit>:./<name>` is the file relative to the current folder, whatever the repository root.
    const exists = await git(['cat-file', '-e', `${commit}:./${query.name}`], query.dir, timeout);
    if (exists.code !== 0) return { state: 'not-in-revision', commit };
    const diff = await git(
      ['diff', '--quiet', '--no-ext-diff', '--no-textconv', commit, '--', `:(literal)${query.name}`],
      query.dir,
      timeout,
    );
    if (diff.code === 0) return { state: 'unchanged', commit };
    if (diff.code === 1) return { state: 'changed', commit };
    return { state: 'error', message: diff.stderr.trim().split('\n')[0] || `git diff exited with ${diff.code}` };
  } catch (err) {
    return { state: 'error', message: err instanceof Error ? err.message : String(err) };
  }
}

/** The file's content at the revision (`git show <commit>:./<name>`), for the diff. */
export async function fileAtRevision(query: GitFileQuery): Promise<string> {
  if (!isRevision(query.revision)) throw new Error('Not a commit id');
  if (!isPlainName(query.name)) throw new Error('Not a file name');
  const r = await git(
    ['show', '--no-textconv', `${query.revision}:./${query.name}`],
    query.dir,
    query.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    MAX_SHOW_BYTES,
  );
  if (r.code !== 0) throw new Error(r.stderr.trim().split('\n')[0] || `git show exited with ${r.code}`);
  return r.stdout;
}

/** A revision as people read it: the first 7 digits. */
export function shortRevision(revision: string): string {
  return isRevision(revision) ? revision.slice(0, 7) : String(revision).slice(0, 12);
}
