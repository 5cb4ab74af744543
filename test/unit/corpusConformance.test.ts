// Real-world files from ../shared/corpus (otlp-json, openinference, openllmetry) against a table
// computed INDEPENDENTLY of our importer: test/support/corpus_expected.py walks the raw JSON with
// the Python standard library per docs/formats.md and writes test/fixtures/corpusExpected.json.
// Regenerate with `python3 test/support/corpus_expected.py` when the corpus changes.
// The corpus lives outside the repo: TRACELENS_CORPUS overrides the default location; the suite
// skips when it is absent.

import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Span } from '../../src/core/model/span';
import { summarize } from '../../src/core/trace/summary';
import { importFile } from '../../src/ingest/importFile';
import { spanKey } from '../../src/core/trace/normalizeTrees';

const FOLDERS = ['otlp-json', 'openinference', 'openllmetry'];
const CORPUS = process.env.TRACELENS_CORPUS
  ? path.resolve(process.env.TRACELENS_CORPUS)
  : path.resolve(__dirname, '../../../shared/corpus');
const REPO = path.resolve(__dirname, '../..');
const TABLE_FILE = path.join(REPO, 'test/fixtures/corpusExpected.json');

interface Expected {
  format: string;
  traces: number;
  spans: number;
  errorSpans: number;
  llmSpans: number;
  inputTokens: number;
  outputTokens: number;
  rawSpans: number;
  bytes: number;
  sha256: string;
  diagnostic?: string;
}

const table = (JSON.parse(fs.readFileSync(TABLE_FILE, 'utf8')) as { files: Record<string, Expected> }).files;
const corpusPresent = FOLDERS.every((f) => fs.existsSync(path.join(CORPUS, f)));
const REGENERATE = 'rerun `python3 test/support/corpus_expected.py` if the corpus changed on purpose';

function checkIntegrity(rel: string, spans: Span[], format: string, bytes: number): void {
  const byKey = new Map(spans.map((s) => [spanKey(s.traceId, s.spanId), s]));
  assert.equal(byKey.size, spans.length, `${rel}: (traceId, spanId) pairs are unique`);
  for (const s of spans) {
    const where = `${rel} span ${s.traceId}/${s.spanId}`;
    assert.ok(typeof s.traceId === 'string' && s.traceId.length > 0, `${where}: non-empty traceId`);
    assert.ok(typeof s.spanId === 'string' && s.spanId.length > 0, `${where}: non-empty spanId`);
    assert.equal(typeof s.startNs, 'bigint', `${where}: startNs is a bigint`);
    assert.equal(typeof s.endNs, 'bigint', `${where}: endNs is a bigint`);
    assert.ok(s.startNs <= s.endNs, `${where}: startNs <= endNs`);
    if (format === 'otlp-json') {
      assert.match(s.traceId, /^[0-9a-f]{32}$/, `${where}: OTLP trace id is lowercase 32-hex`);
      assert.match(s.spanId, /^[0-9a-f]{16}$/, `${where}: OTLP span id is lowercase 16-hex`);
      if (s.parentId !== undefined) assert.match(s.parentId, /^[0-9a-f]{16}$/, `${where}: OTLP parent id is lowercase 16-hex`);
    }
    // A parent, when set, is a loaded span of the same trace, and walking up always ends.
    const seen = new Set<Span>();
    for (let cur: Span | undefined = s; cur?.parentId !== undefined;) {
      assert.ok(!seen.has(cur), `${where}: parent chain has no cycle`);
      seen.add(cur);
      const parent = byKey.get(spanKey(cur.traceId, cur.parentId));
      assert.ok(parent, `${where}: parent ${cur.parentId} is loaded`);
      cur = parent;
    }
    if (s.range) {
      assert.ok(
        s.range.byteStart >= 0 && s.range.byteStart <= s.range.byteEnd && s.range.byteEnd <= bytes,
        `${where}: source range inside the file`,
      );
    }
  }
}

describe('corpus conformance (../shared/corpus vs. an independent Python oracle)', function () {
  before(function () {
    if (!corpusPresent) this.skip();
  });

  it('has an expected entry for every corpus file, and no stale entries', function () {
    const onDisk = FOLDERS.flatMap((f) =>
      fs
        .readdirSync(path.join(CORPUS, f), { withFileTypes: true })
        .filter((e) => e.isFile())
        .map((e) => `${f}/${e.name}`),
    ).sort();
    assert.deepEqual(onDisk, Object.keys(table).sort(), REGENERATE);
  });

  it('the committed table is what the oracle computes from this corpus', function () {
    this.timeout(30_000);
    try {
      execFileSync('python3', ['--version'], { stdio: 'ignore' });
    } catch {
      this.skip();
    }
    const out = execFileSync('python3', [path.join(REPO, 'test/support/corpus_expected.py'), '--corpus', CORPUS, '--check'], {
      encoding: 'utf8',
    });
    assert.match(out, /up to date/);
  });

  for (const [rel, exp] of Object.entries(table)) {
    it(`${rel}: ${exp.format}, ${exp.spans} spans, ${exp.llmSpans} LLM, ${exp.inputTokens}/${exp.outputTokens} tokens`, async function () {
      const file = path.join(CORPUS, rel);
      const raw = fs.readFileSync(file);
      assert.equal(
        createHash('sha256').update(raw).digest('hex'),
        exp.sha256,
        `${rel} is the file the table was computed from; ${REGENERATE}`,
      );

      const r = await importFile(file); // throwing fails the test
      const s = summarize(r.spans);
      assert.deepEqual(
        {
          format: r.format,
          traces: s.traces,
          spans: s.spans,
          errorSpans: s.errorSpans,
          llmSpans: s.llmSpans,
          inputTokens: s.inputTokens,
          outputTokens: s.outputTokens,
        },
        {
          format: exp.format,
          traces: exp.traces,
          spans: exp.spans,
          errorSpans: exp.errorSpans,
          llmSpans: exp.llmSpans,
          inputTokens: exp.inputTokens,
          outputTokens: exp.outputTokens,
        },
      );
      assert.equal(r.bytes, exp.bytes);
      assert.equal(r.path, file);

      if (exp.format === 'unknown') {
        const d = r.diagnostics.find((x) => x.code === exp.diagnostic);
        assert.ok(d, `${rel}: a ${exp.diagnostic} diagnostic, got ${JSON.stringify(r.diagnostics)}`);
        assert.equal(d.severity, 'error');
        assert.equal(d.line, 1);
        assert.equal(d.offset, 0);
      } else {
        const errors = r.diagnostics.filter((d) => d.severity === 'error');
        assert.deepEqual(errors, [], `${rel}: a valid trace file yields no error diagnostics`);
      }
      checkIntegrity(rel, r.spans, r.format, raw.length);
    });
  }
});
