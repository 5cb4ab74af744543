// Security checklist group N (navigation), cases N-01…N-08, on the pure path functions. The
// filesystem half (realpath, stat, regular files, size) is the host's: N-03 is checked here on
// the already-resolved real path, as the host will pass it.

import * as assert from 'node:assert/strict';
import {
  checkPathString,
  checkRealPath,
  clampColumn,
  clampLine,
  isInside,
  parseSpanCommandArgs,
  resolveTemplatePath,
  resolveWorkspacePath,
  validateTemplateRoots,
  type PathResolution,
} from '../../../src/core/code/pathSafety';

const WS = '/ws/app';
const WIN = 'C:\\ws\\app';

const paths = (r: PathResolution): string[] => (r.ok ? r.candidates.map((c) => c.path) : []);
const reason = (r: PathResolution | ReturnType<typeof checkPathString>): string => (r.ok ? 'ok' : r.reason);

describe('path safety (checklist N)', () => {
  it('N-01 traversal: `..` escapes are refused, containment is separator-aware', () => {
    for (const p of ['../../../../etc/passwd', '..\\..\\Windows\\win.ini', 'src/../../outside.py', './../x']) {
      assert.equal(reason(resolveWorkspacePath(p, [WS])), 'escape', p);
    }
    assert.deepEqual(paths(resolveWorkspacePath('src/../agent.py', [WS])), ['/ws/app/agent.py']);
    assert.deepEqual(paths(resolveWorkspacePath('src\\agent.ts', [WS])), ['/ws/app/src/agent.ts']);
    assert.ok(isInside('/ws/app/src/x.py', '/ws/app'));
    assert.ok(!isInside('/ws/app-evil/x.py', '/ws/app'), 'sibling-prefix trick');
    assert.ok(!isInside('/ws/ap', '/ws/app'));
    assert.ok(isInside('c:\\WS\\App\\x.py', WIN), 'Windows compares case-insensitively');
    assert.ok(!isInside('C:\\ws\\app-evil\\x.py', WIN));
    // An absolute path inside the workspace is taken as is; one that climbs out is not inside.
    assert.deepEqual(paths(resolveWorkspacePath('/ws/app/src/agent.py', [WS])), ['/ws/app/src/agent.py']);
    assert.equal(reason(resolveWorkspacePath('/ws/app/../app-evil/x.py', [WS], { suffixHeuristics: false })), 'outside');
    // Relative paths: one candidate per workspace folder, in order.
    assert.deepEqual(paths(resolveWorkspacePath('src/a.py', [WS, '/ws/lib'])), ['/ws/app/src/a.py', '/ws/lib/src/a.py']);
    // Relative to another base (a repository root): shorter suffixes follow, their mapping stated.
    const repo = resolveWorkspacePath('examples/support-agent/src/ingest.ts', [WS]);
    assert.ok(repo.ok);
    assert.deepEqual(
      repo.candidates.map((c) => [c.path, c.mapping]),
      [
        ['/ws/app/examples/support-agent/src/ingest.ts', undefined],
        ['/ws/app/support-agent/src/ingest.ts', 'examples/ dropped'],
        ['/ws/app/src/ingest.ts', 'examples/support-agent/ dropped'],
      ],
    );
    assert.deepEqual(paths(resolveWorkspacePath('src/a.py', [WS], { suffixHeuristics: false })), ['/ws/app/src/a.py']);
  });

  it('N-02 foreign absolute paths: stated prefix mappings, never outside the roots', () => {
    const r = resolveWorkspacePath('/home/ci/build/app/src/agent.py', [WS]);
    assert.ok(r.ok);
    assert.deepEqual(
      r.candidates.slice(0, 3).map((c) => c.path),
      ['/ws/app/ci/build/app/src/agent.py', '/ws/app/build/app/src/agent.py', '/ws/app/app/src/agent.py'],
    );
    assert.equal(r.candidates.at(-1)?.path, '/ws/app/src/agent.py');
    assert.ok(r.candidates.every((c) => c.mapping && isInside(c.path, WS)));
    assert.equal(r.candidates.at(-1)?.mapping, '/home/ci/build/app → /ws/app');
    // A bare file name is too weak a guess.
    assert.ok(!r.candidates.some((c) => c.path === '/ws/app/agent.py'));
    // A remembered base folder comes first.
    const m = resolveWorkspacePath('C:\\agent\\tools.py', [WS], { mappings: [{ from: 'C:\\agent', to: '/ws/app/py' }] });
    assert.ok(m.ok);
    assert.equal(m.candidates[0].path, '/ws/app/py/tools.py');
    assert.equal(m.candidates[0].mapping, 'C:\\agent → /ws/app/py');
    // Mapping targets outside the workspace are ignored; without heuristics the path is refused.
    const out = resolveWorkspacePath('/home/ci/x.py', [WS], { mappings: [{ from: '/home/ci', to: '/etc' }], suffixHeuristics: false });
    assert.equal(reason(out), 'outside');
    // Windows workspace.
    assert.deepEqual(paths(resolveWorkspacePath('src/agent.ts', [WIN])), ['C:\\ws\\app\\src\\agent.ts']);
    assert.deepEqual(paths(resolveWorkspacePath('c:/ws/app/src/agent.ts', [WIN])), ['C:\\ws\\app\\src\\agent.ts']);
  });

  it('N-03 symlink escape: the resolved real path must still be inside a real root', () => {
    assert.deepEqual(checkRealPath('/ws/app/lib/passwd', ['/ws/app']), { ok: true, root: '/ws/app' });
    const esc = checkRealPath('/etc/passwd', ['/ws/app']);
    assert.equal(esc.ok, false);
    assert.ok(!esc.ok && esc.message.includes('/etc/passwd'), 'the confirmation shows the real target');
    assert.equal(checkRealPath('/home/me/.ssh/id_rsa', ['/ws/app', '/ws/lib']).ok, false);
    assert.equal(checkRealPath('relative/x', ['/ws/app']).ok, false);
    assert.equal(checkRealPath('\\\\server\\share\\x', ['/ws/app']).ok, false);
  });

  it('N-04 UNC, device and reserved paths are refused before any filesystem call', () => {
    const cases: [string, string][] = [
      ['\\\\attacker\\share\\x.py', 'unc'],
      ['//attacker/share/x', 'unc'],
      ['\\\\?\\GLOBALROOT\\Device\\x', 'device'],
      ['\\\\.\\pipe\\x', 'device'],
      ['\\??\\C:\\x', 'device'],
      ['file://attacker/share/x', 'unc'],
      ['C:x.py', 'drive-relative'],
      ['CON', 'reserved-name'],
      ['NUL', 'reserved-name'],
      ['src/aux.txt', 'reserved-name'],
      ['COM1.log', 'reserved-name'],
      ['/dev/zero', 'system'],
      ['/proc/self/environ', 'system'],
      ['src/a\u0000.py', 'nul'],
      ['src/a\n.py', 'control'],
      ['', 'empty'],
      ['x'.repeat(5000), 'too-long'],
    ];
    for (const [p, why] of cases) assert.equal(reason(resolveWorkspacePath(p, [WS])), why, JSON.stringify(p.slice(0, 30)));
    // A local file URI is a path.
    assert.deepEqual(paths(resolveWorkspacePath('file:///ws/app/src/a%20b.py', [WS])), ['/ws/app/src/a b.py']);
    assert.deepEqual(paths(resolveWorkspacePath('file:///C:/ws/app/x.py', [WIN])), ['C:\\ws\\app\\x.py']);
    assert.equal(reason(checkPathString(42)), 'empty');
  });

  it('N-05 scheme confusion: non-file URIs are text, never paths', () => {
    for (const p of [
      'command:workbench.action.terminal.new',
      'vscode://file/etc/passwd',
      'https://evil.example/x.py',
      'untitled:x',
      'vscode-userdata:/u/settings.json',
    ]) {
      assert.equal(reason(resolveWorkspacePath(p, [WS])), 'scheme', p);
    }
  });

  it('N-06 line and column bounds are clamped with a reason, never thrown', () => {
    const cases: [unknown, number, boolean, string | undefined][] = [
      [0, 1, true, 'below-1'],
      [-5, 1, true, 'below-1'],
      [1e12, 120, true, 'past-end'],
      ['12abc', 1, true, 'not-a-number'],
      [NaN, 1, true, 'not-a-number'],
      [3.7, 3, true, 'fraction'],
      [undefined, 1, false, 'missing'],
      ['17', 17, false, undefined],
      [17, 17, false, undefined],
    ];
    for (const [v, line, clamped, why] of cases) {
      assert.deepEqual(clampLine(v, 120), why ? { line, clamped, reason: why } : { line, clamped }, String(v));
    }
    assert.equal(clampLine(5, 0).line, 1, 'an empty file still has line 1');
    assert.equal(clampColumn(4, 10), 4);
    assert.equal(clampColumn(400, 10), 11);
    assert.equal(clampColumn(0, 10), undefined);
    assert.equal(clampColumn(2.5, 10), undefined);
    assert.equal(clampColumn('3', 10), undefined);
  });

  it('N-07 template paths stay inside the configured template roots', () => {
    const roots = validateTemplateRoots(['prompts', '/ws/app/templates', '/etc', '../outside', '~/.prompts', 7], [WS]);
    assert.deepEqual(roots.roots, ['/ws/app/prompts', '/ws/app/templates']);
    assert.deepEqual(roots.rejected, ['/etc', '../outside', '~/.prompts', '7']);
    assert.deepEqual(paths(resolveTemplatePath('prompts/answer.prompt.md', [WS], roots.roots)), ['/ws/app/prompts/answer.prompt.md']);
    for (const p of ['../../.env', '~/.aws/credentials', '/etc/passwd', 'src/agent.ts', 'prompts/../.env', '/ws/app/.env']) {
      assert.equal(resolveTemplatePath(p, [WS], roots.roots).ok, false, p);
    }
  });

  it('N-08 command arguments: ids only, wrong types refused', () => {
    assert.deepEqual(parseSpanCommandArgs({ traceId: 'ea4cf58cdc690151626426a080751f02', spanId: '672671bd41f97971' }), {
      traceId: 'ea4cf58cdc690151626426a080751f02',
      spanId: '672671bd41f97971',
    });
    assert.deepEqual(parseSpanCommandArgs({ traceId: 't-1', path: '/etc/shadow' }), { traceId: 't-1' }, 'extra keys ignored');
    for (const bad of [
      { path: '/etc/shadow' },
      { traceId: '/etc/shadow' },
      { traceId: '../../x' },
      { traceId: 't', spanId: 42 },
      { traceId: ['t'] },
      { traceId: 'x'.repeat(300) },
      'ea4cf58cdc690151626426a080751f02',
      null,
      [],
    ]) {
      assert.equal(parseSpanCommandArgs(bad), undefined, JSON.stringify(bad));
    }
  });
});
