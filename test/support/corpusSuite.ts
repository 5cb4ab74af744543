// The shared shape of the corpus suites: real files from ../shared/corpus checked against a
// table that a stdlib Python oracle computed from the raw JSON, independently of our importers.

import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Span } from '../../src/core/model/span';
import { spanKey } from '../../src/core/trace/normalizeTrees';
import { summarize } from '../../src/core/trace/summary';
import { importFile } from '../../src/ingest/importFile';

export const CORPUS = process.env.TRACELENS_CORPUS
  ? path.resolve(process.env.TRACELENS_CORPUS)
  : path.resolve(__dirname, '../../../shared/corpus');
export const REPO = path.resolve(__dirname, '../..');

export interface Expected {
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

export interface CorpusSuite {
  folders: string[];
  /** Under test/fixtures. */
  tableFile: string;
  /** Under test/support. */
  oracle: string;
}

export function loadTable(s: CorpusSuite): Record<string, Expected> {
  return (JSON.parse(fs.readFileSync(path.join(REPO, 'test/fixtures', s.tableFile), 'utf8')) as { files: Record<string, Expected> }).files;
}

export const corpusPresent = (s: CorpusSuite): boolean => s.folders.every((f) => fs.existsSync(path.join(CORPUS, f)));

const regenerate = (s: CorpusSuite): string => `rerun \`python3 test/support/${s.oracle}\` if the corpus changed on purpose`;

/** Every corpus file has a table entry, and the table is what the oracle computes now. */
export function tableChecks(s: CorpusSuite): void {
  const table = loadTable(s);
  it('has an expected entry for every corpus file, and no stale entries', function () {
    const onDisk = s.folders
      .flatMap((f) =>
        fs
          .readdirSync(path.join(CORPUS, f), { withFileTypes: true })
          .filter((e) => e.isFile())
          .map((e) => `${f}/${e.name}`),
      )
      .sort();
    assert.deepEqual(onDisk, Object.keys(table).sort(), regenerate(s));
  });

  it('the committed table is what the oracle computes from this corpus', function () {
    this.timeout(30_000);
    try {
      execFileSync('python3', ['--version'], { stdio: 'ignore' });
    } catch {
      this.skip();
    }
    const out = execFileSync('python3', [path.join(REPO, 'test/support', s.oracle), '--corpus', CORPUS, '--check'], { encoding: 'utf8' });
    assert.match(out, /up to date/);
  });
}

/** Import one corpus file and compare its summary with the table; returns the spans. */
export async function importAndCompare(
  s: CorpusSuite,
  rel: string,
  exp: Expected,
): Promise<{
  spans: Span[];
  format: string;
  bytes: number;
  diagnostics: { code: string; severity: string; line?: number; offset?: number }[];
}> {
  const file = path.join(CORPUS, rel);
  const raw = fs.readFileSync(file);
  assert.equal(
    createHash('sha256').update(raw).digest('hex'),
    exp.sha256,
    `${rel} is the file the table was computed from; ${regenerate(s)}`,
  );
  const r = await importFile(file); // throwing fails the test
  const sum = summarize(r.spans);
  const pick = (x: Omit<Expected, 'rawSpans' | 'bytes' | 'sha256' | 'diagnostic'>) => ({
    format: x.format,
    traces: x.traces,
    spans: x.spans,
    errorSpans: x.errorSpans,
    llmSpans: x.llmSpans,
    inputTokens: x.inputTokens,
    outputTokens: x.outputTokens,
  });
  assert.deepEqual(pick({ ...sum, format: r.format }), pick(exp));
  assert.equal(r.bytes, exp.bytes);
  assert.equal(r.path, file);
  checkIntegrity(rel, r.spans, raw.length);
  return { spans: r.spans, format: r.format, bytes: raw.length, diagnostics: r.diagnostics };
}

/** Unique ids, exact ordered times, loaded acyclic parents, ranges inside the file. */
export function checkIntegrity(rel: string, spans: Span[], bytes: number): void {
  const byKey = new Map(spans.map((s) => [spanKey(s.traceId, s.spanId), s]));
  assert.equal(byKey.size, spans.length, `${rel}: (traceId, spanId) pairs are unique`);
  for (const s of spans) {
    const where = `${rel} span ${s.traceId}/${s.spanId}`;
    assert.ok(typeof s.traceId === 'string' && s.traceId.length > 0, `${where}: non-empty traceId`);
    assert.ok(typeof s.spanId === 'string' && s.spanId.length > 0, `${where}: non-empty spanId`);
    assert.equal(typeof s.startNs, 'bigint', `${where}: startNs is a bigint`);
    assert.equal(typeof s.endNs, 'bigint', `${where}: endNs is a bigint`);
    assert.ok(s.startNs <= s.endNs, `${where}: startNs <= endNs`);
    assert.ok(inheritsNothing(s.attributes), `${where}: attributes inherit no property (no prototype keys)`);
    const seen = new Set<Span>();
    for (let cur: Span | undefined = s; cur?.parentId !== undefined;) {
      assert.ok(!seen.has(cur), `${where}: parent chain has no cycle`);
      seen.add(cur);
      const parent = byKey.get(spanKey(cur.traceId, cur.parentId));
      assert.ok(parent, `${where}: parent ${cur.parentId} is loaded`);
      cur = parent;
    }
    if (s.range)
      assert.ok(
        s.range.byteStart >= 0 && s.range.byteStart <= s.range.byteEnd && s.range.byteEnd <= bytes,
        `${where}: source range inside the file`,
      );
  }
}

/** Whether `o` inherits no property: a null prototype, or only empty prototypes (anyValue.ts's AttrMap). */
function inheritsNothing(o: object): boolean {
  for (let p = Object.getPrototypeOf(o) as object | null; p !== null; p = Object.getPrototypeOf(p) as object | null) {
    if (Reflect.ownKeys(p).length > 0) return false;
  }
  return true;
}
