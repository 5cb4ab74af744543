// "File changed since the traced revision" against a real git repository the test creates: a file
// unchanged, changed, added after the revision, a revision the clone does not have, a folder that
// is no repository, the file as it was at the revision, and a repository whose config would run a
// program (fsmonitor, external diff, textconv) — nothing may run.

import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { compareWithRevision, fileAtRevision, isRevision, shortRevision } from '../../src/vscode/gitRevision';

function gitIn(dir: string, ...args: string[]): string {
  return execFileSync('git', args, {
    cwd: dir,
    encoding: 'utf8',
    env: { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@t', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@t' },
  }).trim();
}

describe('gitRevision: the traced revision against the working tree', () => {
  let repo: string;
  let first: string;
  let outside: string;

  before(() => {
    repo = fs.mkdtempSync(path.join(os.tmpdir(), 'tracelens-git-'));
    outside = fs.mkdtempSync(path.join(os.tmpdir(), 'tracelens-nogit-'));
    gitIn(repo, 'init', '-q');
    fs.mkdirSync(path.join(repo, 'src'));
    fs.writeFileSync(path.join(repo, 'src', 'agent.ts'), 'export const days = 30;\n');
    fs.writeFileSync(path.join(repo, 'src', 'same.ts'), 'export const same = 1;\n');
    gitIn(repo, 'add', '.');
    gitIn(repo, 'commit', '-q', '-m', 'first');
    first = gitIn(repo, 'rev-parse', 'HEAD');
    fs.writeFileSync(path.join(repo, 'src', 'agent.ts'), 'export const days = 60;\n');
    fs.writeFileSync(path.join(repo, 'src', 'later.ts'), 'export const later = 1;\n');
  });
  after(() => {
    fs.rmSync(repo, { recursive: true, force: true });
    fs.rmSync(outside, { recursive: true, force: true });
  });

  const dir = (): string => path.join(repo, 'src');

  it('says unchanged, changed, and added since the revision', async () => {
    assert.deepEqual(await compareWithRevision({ dir: dir(), name: 'same.ts', revision: first }), { state: 'unchanged', commit: first });
    assert.deepEqual(await compareWithRevision({ dir: dir(), name: 'agent.ts', revision: first }), { state: 'changed', commit: first });
    assert.deepEqual(await compareWithRevision({ dir: dir(), name: 'later.ts', revision: first }), {
      state: 'not-in-revision',
      commit: first,
    });
    // A short id works too.
    assert.equal((await compareWithRevision({ dir: dir(), name: 'agent.ts', revision: first.slice(0, 8) })).state, 'changed');
  });

  it('says when the revision is not in this clone, or the folder is no repository', async () => {
    const missing = 'deadbeef'.repeat(5);
    assert.deepEqual(await compareWithRevision({ dir: dir(), name: 'agent.ts', revision: missing }), { state: 'revision-missing' });
    fs.writeFileSync(path.join(outside, 'a.ts'), 'x');
    assert.deepEqual(await compareWithRevision({ dir: outside, name: 'a.ts', revision: first }), { state: 'not-a-repo' });
  });

  it('refuses revisions and names that are not plain ids or file names', async () => {
    for (const revision of ['--output=/tmp/x', 'HEAD', 'main', 'abc', `${first}; rm -rf /`, '']) {
      assert.equal(isRevision(revision), false, revision);
      assert.equal((await compareWithRevision({ dir: dir(), name: 'agent.ts', revision })).state, 'error', revision);
    }
    for (const name of ['../x', 'a/b', '..', '', 'a\0b'])
      assert.equal((await compareWithRevision({ dir: dir(), name, revision: first })).state, 'error', JSON.stringify(name));
    await assert.rejects(fileAtRevision({ dir: dir(), name: 'agent.ts', revision: '--help' }));
  });

  it('reads the file as it was at the revision', async () => {
    assert.equal(await fileAtRevision({ dir: dir(), name: 'agent.ts', revision: first }), 'export const days = 30;\n');
    await assert.rejects(fileAtRevision({ dir: dir(), name: 'later.ts', revision: first }));
    assert.equal(shortRevision(first), first.slice(0, 7));
  });

  it('runs no program a hostile repository config names', async () => {
    const marker = path.join(outside, 'ran');
    const hook = path.join(outside, 'hook.sh');
    fs.writeFileSync(hook, `#!/bin/sh\necho ran > "${marker}"\ncat "$@" 2>/dev/null\n`, { mode: 0o755 });
    gitIn(repo, 'config', 'core.fsmonitor', hook);
    gitIn(repo, 'config', 'diff.external', hook);
    gitIn(repo, 'config', 'diff.evil.textconv', hook);
    fs.writeFileSync(path.join(repo, '.gitattributes'), '*.ts diff=evil\n');
    try {
      assert.equal((await compareWithRevision({ dir: dir(), name: 'agent.ts', revision: first })).state, 'changed');
      assert.equal(await fileAtRevision({ dir: dir(), name: 'agent.ts', revision: first }), 'export const days = 30;\n');
      assert.equal(fs.existsSync(marker), false, 'a program from the repository config ran');
    } finally {
      for (const k of ['core.fsmonitor', 'diff.external', 'diff.evil.textconv']) gitIn(repo, 'config', '--unset', k);
      fs.rmSync(path.join(repo, '.gitattributes'));
    }
  });
});
