// The streaming index gives the same runs and span rows as the in-memory path (importFile →
// addSource), on the demo traces, generated files and a file full of tree problems, whatever the
// batch size, in the worker or in-process.

import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { writeDocument, writeJsonl } from '../../../bench/generate';
import { importFile } from '../../../src/ingest/importFile';
import { summarize } from '../../../src/core/trace/summary';
import { streamImportFile } from '../../../src/ingest/streamImport';
import type { SqlJsStore } from '../../../src/store/sqlJsStore';
import { dumpIndex, openStore, tempDir, type IndexDump } from './helpers';

const DEMO = path.join(__dirname, '../../../examples/support-agent/traces');

async function inMemory(store: SqlJsStore, file: string, ranges = true): Promise<{ dump: IndexDump; codes: string[] }> {
  const r = await importFile(file);
  const src = await store.addSource({ uri: file, label: 'mem', format: r.format, bytes: r.bytes }, r.spans);
  const dump = await dumpIndex(store, src.id, { ranges });
  await store.removeSource(src.id);
  return { dump, codes: r.diagnostics.map((d) => `${d.code}@${d.line ?? ''}:${d.offset ?? ''}`).sort() };
}

async function streamed(
  store: SqlJsStore,
  file: string,
  opts: { worker: boolean; workers?: number; batchRows?: number; chunkBytes?: number; groupBytes?: number; ranges?: boolean },
): Promise<{ dump: IndexDump; codes: string[] }> {
  const r = await streamImportFile(file, {
    store,
    worker: opts.worker,
    workers: opts.workers,
    indexer: {
      batchRows: opts.batchRows,
      firstBatchRows: opts.batchRows,
      chunkBytes: opts.chunkBytes,
      groupBytes: opts.groupBytes,
      firstGroupBytes: opts.groupBytes && opts.groupBytes / 4,
    },
  });
  assert.ok(r.complete);
  assert.equal(r.source.state, 'complete');
  const dump = await dumpIndex(store, r.source.id, { ranges: opts.ranges ?? true });
  await store.removeSource(r.source.id);
  return { dump, codes: r.diagnostics.map((d) => `${d.code}@${d.line ?? ''}:${d.offset ?? ''}`).sort() };
}

/** Spans with every tree problem normalizeTrees handles, children before parents, across lines. */
function treeProblems(): string {
  const span = (trace: string, id: string, parent: string | undefined, start: number, extra: object = {}): object => ({
    traceId: trace,
    spanId: id,
    ...(parent ? { parentSpanId: parent } : {}),
    name: `op-${id}`,
    startTimeUnixNano: String(1_700_000_000_000_000_000n + BigInt(start)),
    endTimeUnixNano: String(1_700_000_000_000_000_000n + BigInt(start + 10)),
    attributes: [{ key: 'input.value', value: { stringValue: `question for ${id}` } }],
    ...extra,
  });
  const T1 = 'a'.repeat(32);
  const T2 = 'b'.repeat(32);
  const T3 = 'c'.repeat(32);
  const T4 = 'd'.repeat(32);
  const line = (...spans: object[]): string =>
    JSON.stringify({
      resourceSpans: [
        {
          resource: { attributes: [{ key: 'service.name', value: { stringValue: 'svc' } }] },
          scopeSpans: [{ scope: { name: 's' }, spans }],
        },
      ],
    });
  const h = (n: number): string => n.toString(16).padStart(16, '0');
  // A trace of 40 spans, then copies in the same line and a later one: the store inserts rows
  // 16 a step, so refused rows fall inside steps (identical copies and a different one).
  const T5 = 'e'.repeat(32);
  const many = Array.from({ length: 40 }, (_, i) => span(T5, h(100 + i), i ? h(100 + Math.floor((i - 1) / 3)) : undefined, i));
  const copies = [many[5], { ...many[12], name: 'changed copy' }, many[17], many[17]];
  return [
    line(...many.slice(0, 20), ...copies, ...many.slice(20)),
    line(many[30], span(T5, h(140), h(130), 41)),
    // Children first, their parent in a later line (OTLP exporters send spans as they end).
    line(span(T1, h(2), h(1), 5), span(T1, h(3), h(2), 6, { status: { code: 2, message: 'boom' } })),
    line(
      span(T1, h(1), undefined, 1, {
        attributes: [
          { key: 'gen_ai.request.model', value: { stringValue: 'm-1' } },
          { key: 'gen_ai.usage.input_tokens', value: { intValue: '12' } },
        ],
      }),
    ),
    // A missing parent: its child becomes a root; its preview is read back.
    line(span(T2, h(5), h(99), 3), span(T2, h(6), h(5), 4)),
    // A parent cycle, and a span that is its own parent.
    line(span(T3, h(7), h(8), 2), span(T3, h(8), h(7), 1), span(T3, h(9), h(9), 7)),
    // Duplicates: the first copy is kept.
    line(span(T4, h(10), undefined, 1), span(T4, h(10), undefined, 2, { name: 'second copy' })),
    '{ not json',
    line(span(T4, h(11), h(10), 3)),
    // Copies whose index fields agree: only reading both back tells a re-delivery (dropped) from a
    // copy with other content (kept as ~2).
    line(span(T4, h(13), h(10), 4, { attributes: [{ key: 'note', value: { stringValue: 'one' } }] })),
    line(span(T4, h(14), h(10), 5)),
    line(span(T4, h(13), h(10), 4, { attributes: [{ key: 'note', value: { stringValue: 'two' } }] }), span(T4, h(14), h(10), 5)),
    '',
    '{"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"' +
      T4 +
      '","spanId":"' +
      h(12) +
      '","parentSpanId":"' +
      h(10) +
      '","name":"last"',
  ].join('\r\n');
}

describe('streaming index ≡ in-memory index', function () {
  this.timeout(120_000);
  let store: SqlJsStore;
  const tmp = tempDir();
  before(async () => {
    store = await openStore();
  });
  after(async () => {
    await store.close();
    tmp.remove();
  });

  const cases: { name: string; file: () => string; ranges?: boolean }[] = [
    { name: 'demo OTLP JSON Lines', file: () => path.join(DEMO, 'support-agent.otlp.jsonl') },
    { name: 'demo decision log', file: () => path.join(DEMO, 'support-agent.decisions.jsonl') },
    {
      name: 'generated JSON Lines',
      file: () => {
        const f = tmp.file('gen.jsonl');
        writeJsonl(f, 600_000, 7);
        return f;
      },
    },
    {
      name: 'generated OTLP document (ranges differ: per span when streamed)',
      file: () => {
        const f = tmp.file('gen.json');
        writeDocument(f, 400_000, 8);
        return f;
      },
      ranges: false,
    },
    { name: 'tree problems (missing parents, cycles, duplicates, bad lines)', file: () => tmp.file('problems.jsonl', treeProblems()) },
    {
      name: 'the same export twice (every span of the second copy a re-delivery)',
      file: () => {
        const f = tmp.file('twice.jsonl');
        writeJsonl(f, 150_000, 11);
        fs.appendFileSync(f, fs.readFileSync(f));
        return f;
      },
    },
  ];

  for (const c of cases) {
    it(c.name, async () => {
      const file = c.file();
      const ranges = c.ranges ?? true;
      const mem = await inMemory(store, file, ranges);
      assert.ok(mem.dump.runs.length > 0);
      for (const mode of [
        { worker: false, batchRows: 3, chunkBytes: 4096, groupBytes: 2048 },
        { worker: false },
        { worker: true, workers: 1, batchRows: 50 },
        // Three workers sharing the file by small groups, the store taking groups in order.
        { worker: true, workers: 3, batchRows: 7, chunkBytes: 1024, groupBytes: 4096 },
      ]) {
        const got = await streamed(store, file, { ...mode, ranges });
        assert.deepEqual(got.dump.runs, mem.dump.runs, `runs differ (${JSON.stringify(mode)})`);
        assert.deepEqual(got.dump.spans, mem.dump.spans, `spans differ (${JSON.stringify(mode)})`);
        if (ranges) assert.deepEqual(got.codes, mem.codes, `diagnostics differ (${JSON.stringify(mode)})`);
      }
    });
  }
});

describe('source summary from the index', () => {
  it('matches summarize() over the spans', async () => {
    const store = await openStore();
    try {
      const file = path.join(DEMO, 'support-agent.otlp.jsonl');
      const r = await streamImportFile(file, { store, worker: false });
      const spans = (await importFile(file)).spans;
      assert.deepEqual(await store.sourceSummary(r.source.id), summarize(spans));
    } finally {
      await store.close();
    }
  });
});

describe('a JSON Lines record longer than the cap', function () {
  this.timeout(120_000);
  const tmp = tempDir();
  after(() => tmp.remove());

  it('is read span by span like a document (every span kept, bounded memory); a huge non-OTLP line is skipped and located', async () => {
    const store = await openStore();
    try {
      const big = tmp.file('one.json');
      writeDocument(big, 3_000_000, 12);
      const hugeLine = fs.readFileSync(big, 'utf8').trim();
      const small = tmp.file('small.jsonl');
      writeJsonl(small, 20_000, 13);
      const smallLines = fs.readFileSync(small, 'utf8').trim().split('\n');
      const junk = JSON.stringify({ notATrace: 'x'.repeat(400_000) });
      const file = tmp.file('mixed.jsonl', [smallLines[0], hugeLine, smallLines[1], junk, smallLines[2]].join('\n') + '\n');
      const mem = await inMemory(store, file, false);
      for (const mode of [{ worker: false }, { worker: true, workers: 2 }]) {
        const r = await streamImportFile(file, {
          store,
          ...mode,
          indexer: { maxRecordBytes: 256 * 1024, chunkBytes: 64 * 1024, groupBytes: 512 * 1024, firstGroupBytes: 4096 },
        });
        const dump = await dumpIndex(store, r.source.id, { ranges: false });
        assert.deepEqual(dump.runs, mem.dump.runs);
        assert.deepEqual(dump.spans, mem.dump.spans);
        const tooLong = r.diagnostics.filter((d) => d.code === 'record.tooLong');
        assert.deepEqual(
          tooLong.map((d) => [d.line, d.offset]),
          [[4, smallLines[0].length + 1 + hugeLine.length + 1 + smallLines[1].length + 1]],
        );
        await store.removeSource(r.source.id);
      }
    } finally {
      await store.close();
    }
  });
});
