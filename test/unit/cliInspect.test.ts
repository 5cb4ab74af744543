// `node bin/tracelens.js inspect <file…> --json` end to end: the documented keys, the numbers,
// and the exit code (0 when every file loaded; 1 when a file has no spans and an error).
// Builds dist/cli.js first when it is missing or older than src/.

import * as assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { jsonl, otlpDoc, otlpLine, otlpSpan, hexId } from '../support/otlpBuilders';

const REPO = path.resolve(__dirname, '../..');
const BIN = path.join(REPO, 'bin/tracelens.js');
const CLI = path.join(REPO, 'dist/cli.js');
const CORPUS = process.env.TRACELENS_CORPUS
  ? path.resolve(process.env.TRACELENS_CORPUS)
  : path.resolve(__dirname, '../../../shared/corpus');
const TABLE = (
  JSON.parse(fs.readFileSync(path.join(REPO, 'test/fixtures/corpusExpected.json'), 'utf8')) as {
    files: Record<string, Record<string, unknown>>;
  }
).files;

/** The keys README.md documents for `--json`. */
const DOCUMENTED = ['path', 'format', 'traces', 'spans', 'errorSpans', 'llmSpans', 'inputTokens', 'outputTokens', 'diagnostics'];
const NUMBERS = ['format', 'traces', 'spans', 'errorSpans', 'llmSpans', 'inputTokens', 'outputTokens'];

interface Inspected {
  path: string;
  format: string;
  traces: number;
  spans: number;
  errorSpans: number;
  llmSpans: number;
  inputTokens: number;
  outputTokens: number;
  diagnostics: { path: string; code: string; severity: string; line?: number; offset?: number; message: string }[];
  error?: string;
}

function newestMtime(dir: string): number {
  let newest = 0;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    newest = Math.max(newest, e.isDirectory() ? newestMtime(p) : fs.statSync(p).mtimeMs);
  }
  return newest;
}

function inspect(...files: string[]): { status: number | null; records: Inspected[]; stderr: string } {
  const res = spawnSync(process.execPath, [BIN, 'inspect', ...files, '--json'], { cwd: REPO, encoding: 'utf8', timeout: 60_000 });
  const lines = res.stdout.split('\n').filter((l) => l.trim() !== '');
  return { status: res.status, records: lines.map((l) => JSON.parse(l) as Inspected), stderr: res.stderr };
}

function assertDocumentedShape(r: Inspected): void {
  for (const k of DOCUMENTED) assert.ok(k in r, `--json output has "${k}": ${JSON.stringify(r).slice(0, 300)}`);
  for (const k of NUMBERS.slice(1)) assert.equal(typeof (r as unknown as Record<string, unknown>)[k], 'number', k);
  assert.ok(Array.isArray(r.diagnostics));
  for (const d of r.diagnostics) {
    assert.equal(d.path, r.path, 'each diagnostic names its file');
    assert.ok(d.code && d.severity && d.message);
  }
}

const pick = (r: object, keys: string[]): Record<string, unknown> =>
  Object.fromEntries(keys.map((k) => [k, (r as Record<string, unknown>)[k]]));

describe('CLI: tracelens inspect --json', function () {
  this.timeout(120_000);
  let dir: string;

  before(() => {
    const missing = !fs.existsSync(CLI);
    if (missing || fs.statSync(CLI).mtimeMs < newestMtime(path.join(REPO, 'src'))) {
      try {
        execFileSync(process.execPath, ['esbuild.js'], { cwd: REPO, stdio: 'pipe', timeout: 120_000 });
      } catch (err) {
        // A stale bundle is still worth testing; a missing one is not.
        if (missing) throw err;
        console.warn(`cliInspect: rebuilding dist/cli.js failed, testing the existing bundle: ${String(err)}`);
      }
    }
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tracelens-cli-'));
  });
  after(() => {
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  const write = (name: string, content: string): string => {
    const file = path.join(dir, name);
    fs.writeFileSync(file, content);
    return file;
  };

  it('a generated OTLP file: documented keys, exact numbers, no diagnostics, exit 0', () => {
    const other = hexId('9', 16);
    const file = write(
      'good.otlp.json',
      JSON.stringify(
        otlpDoc([
          otlpSpan({ spanId: hexId('a', 8), name: 'agent', attributes: [['gen_ai.operation.name', 'invoke_agent']] }),
          otlpSpan({
            spanId: hexId('b', 8),
            parentSpanId: hexId('a', 8),
            name: 'chat',
            attributes: [
              ['gen_ai.operation.name', 'chat'],
              ['gen_ai.request.model', 'gpt-4o'],
              ['gen_ai.usage.input_tokens', 100],
              ['gen_ai.usage.output_tokens', 20],
            ],
          }),
          otlpSpan({ spanId: hexId('c', 8), parentSpanId: hexId('a', 8), name: 'tool', status: { code: 2, message: 'boom' } }),
          otlpSpan({ traceId: other, spanId: hexId('d', 8), name: 'second-run' }),
        ]),
      ),
    );
    const { status, records } = inspect(file);
    assert.equal(records.length, 1);
    const r = records[0];
    assertDocumentedShape(r);
    assert.deepEqual(pick(r, ['path', ...NUMBERS]), {
      path: file,
      format: 'otlp-json',
      traces: 2,
      spans: 4,
      errorSpans: 1,
      llmSpans: 1,
      inputTokens: 100,
      outputTokens: 20,
    });
    assert.deepEqual(r.diagnostics, []);
    assert.equal(status, 0);
  });

  it('corpus files: the numbers the independent oracle computed, one JSON line per file in order, exit 0', function () {
    const rels = ['openllmetry/in.json', 'openinference/pxi_turn_trace.json', 'otlp-json/ott-lit.json'];
    if (!rels.every((rel) => fs.existsSync(path.join(CORPUS, rel)))) this.skip();
    const files = rels.map((rel) => path.join(CORPUS, rel));
    const { status, records } = inspect(...files);
    assert.equal(records.length, rels.length);
    rels.forEach((rel, i) => {
      assertDocumentedShape(records[i]);
      assert.equal(records[i].path, files[i]);
      assert.deepEqual(pick(records[i], NUMBERS), pick(TABLE[rel], NUMBERS), rel);
      assert.deepEqual(
        records[i].diagnostics.filter((d) => d.severity === 'error'),
        [],
        rel,
      );
    });
    assert.equal(status, 0);
  });

  it('a file that is not a trace: no spans, a located format.unknown error, exit 1', () => {
    const file = write('not-a-trace.json', '{"hello": "world", "n": [1, 2, 3]}\n');
    const { status, records } = inspect(file);
    assertDocumentedShape(records[0]);
    assert.deepEqual(pick(records[0], NUMBERS), {
      format: 'unknown',
      traces: 0,
      spans: 0,
      errorSpans: 0,
      llmSpans: 0,
      inputTokens: 0,
      outputTokens: 0,
    });
    const d = records[0].diagnostics.find((x) => x.code === 'format.unknown');
    assert.ok(d, JSON.stringify(records[0].diagnostics));
    assert.equal(d.severity, 'error');
    assert.equal(d.line, 1);
    assert.equal(d.offset, 0);
    assert.equal(status, 1);
  });

  it('a truncated document: json.truncated error, exit 1', () => {
    const text = JSON.stringify(otlpDoc([otlpSpan({ spanId: hexId('a', 8), name: 'cut-here' })]), null, 2);
    const cut = text.slice(0, text.indexOf('cut-here') + 3);
    const file = write('truncated.otlp.json', cut);
    const { status, records } = inspect(file);
    assertDocumentedShape(records[0]);
    assert.equal(records[0].spans, 0);
    const d = records[0].diagnostics.find((x) => x.code === 'json.truncated');
    assert.ok(d, JSON.stringify(records[0].diagnostics));
    assert.equal(d.severity, 'error');
    assert.equal(d.offset, Buffer.byteLength(cut));
    assert.equal(status, 1);
  });

  it('JSON Lines with a corrupt line: valid spans counted, the error reported with its line, exit 0', () => {
    const file = write(
      'partly-broken.otlp.jsonl',
      jsonl([otlpLine(otlpSpan({ spanId: hexId('a', 8) })), '{"resourceSpans": [ {oops', otlpLine(otlpSpan({ spanId: hexId('b', 8) }))]),
    );
    const { status, records } = inspect(file);
    assertDocumentedShape(records[0]);
    assert.equal(records[0].spans, 2);
    const d = records[0].diagnostics.find((x) => x.code === 'json.syntax');
    assert.ok(d, JSON.stringify(records[0].diagnostics));
    assert.equal(d.line, 2);
    assert.equal(status, 0);
  });

  it('an empty file is an empty state, not a failure: source.empty warning, exit 0', () => {
    const file = write('empty.otlp.jsonl', '');
    const { status, records } = inspect(file);
    assertDocumentedShape(records[0]);
    assert.equal(records[0].spans, 0);
    assert.ok(records[0].diagnostics.some((d) => d.code === 'source.empty' && d.severity !== 'error'));
    assert.equal(status, 0);
  });

  it('a good and a bad file together: both reported, exit 1', () => {
    const good = write('ok.otlp.json', JSON.stringify(otlpDoc([otlpSpan({ spanId: hexId('a', 8) })])));
    const bad = write('plain.txt.json', 'just some text\n');
    const { status, records } = inspect(good, bad);
    assert.deepEqual(
      records.map((r) => [r.path, r.spans]),
      [
        [good, 1],
        [bad, 0],
      ],
    );
    assert.ok(records[1].diagnostics.some((d) => d.code === 'json.syntax' && d.severity === 'error'));
    assert.equal(status, 1);
  });

  it('a missing file: {path, error} and exit 1', () => {
    const file = path.join(dir, 'does-not-exist.json');
    const { status, records } = inspect(file);
    assert.equal(records.length, 1);
    assert.equal(records[0].path, file);
    assert.match(records[0].error ?? '', /ENOENT|no such file/);
    assert.equal(status, 1);
  });
});
