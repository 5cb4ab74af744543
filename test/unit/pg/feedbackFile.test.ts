// The local feedback file (checklist S-09, S-10): hostile or broken files are moved aside as
// `.corrupt-<time>` with the user told and a fresh file started, reading never throws, and
// several processes (VS Code windows) writing at once keep every mark and a valid file.

import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { FEEDBACK_FILE_VERSION, FeedbackFile, MAX_FEEDBACK_FILE_BYTES, identityKey } from '../../../src/vscode/feedbackFile';
import { withFileLock } from '../../../src/vscode/feedbackFileLock';
import type { FeedbackMark } from '../../../src/store/traceStore';

const SRC = { uri: 'file:///w/demo.otlp.jsonl', bytes: 1234, mtimeMs: 1700000000000 };
const MARK: FeedbackMark = { traceId: 't1', spanId: 's1', value: 'negative', note: 'wrong', author: 'me', atMs: 5 };
const good = (extra: object = {}): string =>
  JSON.stringify({ version: FEEDBACK_FILE_VERSION, sources: { [identityKey(SRC)]: [MARK] }, ...extra });

describe('local feedback file', () => {
  let dir: string;
  let file: string;
  let problems: string[];
  let fb: FeedbackFile;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tracelens-fb-'));
    file = path.join(dir, 'feedback.json');
    problems = [];
    fb = new FeedbackFile(file, (m) => problems.push(m));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  const aside = (): string[] => fs.readdirSync(dir).filter((n) => n.startsWith('feedback.json.corrupt-'));

  it('reads a missing file as empty, writes atomically, and reads its own file back', async () => {
    assert.deepEqual(await fb.marksFor(SRC), []);
    await fb.put(SRC, MARK);
    await fb.put(SRC, { ...MARK, value: 'positive', atMs: 6 }); // same author and span: replaced
    await fb.put(SRC, { ...MARK, author: 'you' });
    assert.deepEqual(
      (await fb.marksFor(SRC)).map((m) => [m.author, m.value]),
      [
        ['me', 'positive'],
        ['you', 'negative'],
      ],
    );
    assert.deepEqual(await fb.marksFor({ ...SRC, mtimeMs: 1 }), [], 'a changed file does not inherit marks');
    assert.deepEqual(fs.readdirSync(dir), ['feedback.json'], 'no temp or lock file left behind');
    assert.deepEqual(problems, []);
  });

  const broken: [string, Buffer | string][] = [
    ['truncated JSON', good().slice(0, -7)],
    ['invalid UTF-8', Buffer.concat([Buffer.from(good().slice(0, 20)), Buffer.from([0xc3, 0x28, 0xff]), Buffer.from(good().slice(20))])],
    ['a __proto__ key among the sources', good().replace('"sources":{', '"sources":{"__proto__":{"polluted":1},')],
    ['a __proto__ key inside a mark', good().replace('"traceId"', '"__proto__":{"polluted":1},"traceId"')],
    ['a constructor key', good({ constructor: { prototype: { polluted: 1 } } })],
    ['an unknown version', JSON.stringify({ version: 99, sources: {} })],
    ['no version', JSON.stringify({ sources: {} })],
    ['an array', '[]'],
    ['null', 'null'],
    ['a key that is not a file identity', JSON.stringify({ version: 1, sources: { 'not-an-identity': [MARK] } })],
    ['a mark of the wrong shape', JSON.stringify({ version: 1, sources: { [identityKey(SRC)]: [{ ...MARK, value: 'meh' }] } })],
    ['an empty file', ''],
  ];
  for (const [what, content] of broken) {
    it(`quarantines a file with ${what}, says so, and starts afresh`, async () => {
      fs.writeFileSync(file, content);
      assert.deepEqual(await fb.marksFor(SRC), []);
      assert.equal(({} as Record<string, unknown>).polluted, undefined, 'Object.prototype untouched');
      const [moved] = aside();
      assert.ok(moved, 'moved aside');
      assert.deepEqual(fs.readFileSync(path.join(dir, moved)), Buffer.from(content), 'kept as it was');
      assert.equal(fs.existsSync(file), false);
      assert.equal(problems.length, 1);
      assert.match(problems[0], /moved to .*feedback\.json\.corrupt-.* and a new one started/);
      await fb.put(SRC, MARK);
      assert.deepEqual(await fb.marksFor(SRC), [MARK]);
      assert.equal(aside().length, 1);
    });
  }

  it('sets aside an oversized file without reading it', async () => {
    fs.writeFileSync(file, '');
    fs.truncateSync(file, MAX_FEEDBACK_FILE_BYTES + 1); // sparse: no real 32 MiB written
    assert.deepEqual(await fb.read(), new Map());
    assert.equal(aside().length, 1);
    assert.match(problems[0], /over the/);
  });

  it('moves a bad file aside once when two readers find it at the same time', async () => {
    fs.writeFileSync(file, '{"version":1,"sour');
    const other = new FeedbackFile(file, (m) => problems.push(m));
    await Promise.all([fb.read(), other.read(), fb.read()]);
    assert.equal(aside().length, 1);
    assert.equal(problems.length, 1, problems.join('\n'));
  });

  it('does not set aside a good file that replaced the bad one meanwhile', async () => {
    // What a reader judged bad (its stat) is not what is there now: another window already moved
    // it aside and wrote a good one. Called directly: the interleaving cannot be timed from outside.
    fs.writeFileSync(file, 'garbage');
    const judged = fs.statSync(file);
    fs.writeFileSync(path.join(dir, 'next'), good());
    fs.renameSync(path.join(dir, 'next'), file);
    const quarantine = (fb as unknown as { quarantine(why: string, seen: object): Promise<void> }).quarantine.bind(fb);
    await quarantine('is not valid JSON', { ino: judged.ino, size: judged.size, mtimeMs: judged.mtimeMs });
    assert.deepEqual(aside(), []);
    assert.deepEqual(await fb.marksFor(SRC), [MARK]);
  });

  it('keeps every mark when several processes write at once (no interleaving, no lost update)', async function () {
    this.timeout(120_000);
    const child = path.join(__dirname, 'feedbackWriterChild.ts');
    const writers = ['a', 'b', 'c'];
    const perWriter = 25;
    const runs = writers.map(
      (who) =>
        new Promise<string>((resolve, reject) => {
          const p = spawn(process.execPath, ['--require', require.resolve('tsx/cjs'), child, file, who, String(perWriter)], {
            stdio: ['ignore', 'ignore', 'pipe'],
          });
          let err = '';
          p.stderr.on('data', (d: Buffer) => (err += d.toString()));
          p.on('error', reject);
          p.on('exit', (code) => (code === 0 ? resolve(err) : reject(new Error(`writer ${who} exited ${code}: ${err}`))));
        }),
    );
    const stderr = await Promise.all(runs);
    assert.deepEqual(stderr, ['', '', ''], 'no writer reported a problem (a corrupt read)');
    const all = await fb.read();
    const marks = all.get(identityKey({ uri: 'file:///shared.jsonl', bytes: 10, mtimeMs: 1 })) ?? [];
    assert.equal(marks.length, writers.length * perWriter);
    assert.deepEqual(new Set(marks.map((m) => m.spanId)).size, writers.length * perWriter);
    assert.deepEqual(fs.readdirSync(dir), ['feedback.json'], 'no temp or lock file left behind');
    assert.deepEqual(problems, []);
  });

  it('takes over a lock left by a process that died', async () => {
    fs.writeFileSync(`${file}.lock`, `999999999 ${os.hostname()} 0 x`);
    await fb.put(SRC, MARK);
    assert.deepEqual(await fb.marksFor(SRC), [MARK]);
    assert.equal(fs.existsSync(`${file}.lock`), false);
  });

  it('says so instead of writing when another live window keeps the lock', async () => {
    const waiting = new FeedbackFile(file, undefined, { waitMs: 200 });
    let release!: () => void;
    const held = withFileLock(file, () => new Promise<void>((r) => (release = r)));
    await assert.rejects(waiting.put(SRC, MARK), /being written by another VS Code window/);
    release();
    await held;
    assert.equal(fs.existsSync(file), false, 'nothing half-written');
  });
});
