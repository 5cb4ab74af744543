// `npm run bench -- query`: search and tree fetches on a large embedded index.
//
// Builds one source of BENCH_SPANS spans (default 1,000,000: runs of 8 made in-process by
// queryData.ts, with GenAI attributes, prompts, tool I/O and retrieved documents) through the
// store's streaming writer (addSpans: span rows + the capped search rows; payloads are not
// stored), reports the build time and RSS, then the p50/p95 of:
//   - a selective full-text search (a word in ~1 question in 2,000),
//   - a field search (slow LLM calls of one model),
//   - a run search (runs with negative feedback that used the `answer` template),
//   - a tree page fetch (a page of 200 runs at a random keyset position + one run's top spans).
// The same SQL then runs on a reference engine, better-sqlite3 (native SQLite), over the same
// database image, when it can be loaded; figures are printed as sql.js ÷ native ratios.
// Bars (issue 5): p50 selective search ≤ 200 ms, tree page fetch ≤ 50 ms, RSS ≤ 1.5 GB.

import * as fs from 'node:fs';
import * as os from 'node:os';
import { compileRunSearch, compileSpanSearch } from '../src/core/query/compileSql';
import { parseQuery } from '../src/core/query/parser';
import { openSqlJsStore, type SqlJsStore } from '../src/store/sqlJsStore';
import { padNs } from '../src/store/sqlJsSchema';
import type { RunRow } from '../src/store/traceStore';
import { RARE_WORD, RunMaker, rng } from './queryData';

const SPANS = Number(process.env.BENCH_SPANS ?? 1_000_000);
const REPEAT = Number(process.env.BENCH_QUERY_REPEAT ?? 30);
const WASM = require.resolve('sql.js/dist/sql-wasm.wasm');

const QUERIES = {
  'selective term': { text: RARE_WORD, runs: false },
  'field search': { text: 'kind:llm model:gpt-4o-mini latency>2s', runs: false },
  'run search': { text: 'feedback:negative template:answer', runs: true },
} as const;

const mib = (b: number): number => Math.round(b / 2 ** 20);
const peakRss = (): number => {
  const m = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync('/proc/self/status', 'utf8'));
  return m ? Number(m[1]) * 1024 : process.memoryUsage.rss();
};

function percentiles(ms: number[]): { p50: number; p95: number } {
  const s = [...ms].sort((a, b) => a - b);
  const at = (p: number): number => s[Math.min(s.length - 1, Math.floor(p * s.length))];
  return { p50: at(0.5), p95: at(0.95) };
}

async function time(fn: () => Promise<unknown> | unknown): Promise<number[]> {
  await fn(); // warm
  const out: number[] = [];
  for (let i = 0; i < REPEAT; i++) {
    const t = performance.now();
    await fn();
    out.push(performance.now() - t);
  }
  return out;
}

async function build(store: SqlJsStore): Promise<{ sourceId: number; ms: number }> {
  const maker = new RunMaker();
  const writer = await store.beginSource({ uri: 'bench://query', label: 'query bench', format: 'otlp-json', bytes: 0 });
  const t = performance.now();
  let start = 1_790_000_000_000_000_000n;
  let n = 0;
  while (n < SPANS) {
    const batch = [];
    for (let k = 0; k < 250 && n < SPANS; k++) {
      const run = maker.run(start);
      start += 5_000_000_000n;
      batch.push(...run.slice(0, SPANS - n));
      n += Math.min(run.length, SPANS - n);
    }
    writer.addSpans(batch);
  }
  const r = await writer.finish();
  return { sourceId: r.source.id, ms: performance.now() - t };
}

/** A reference engine, when better-sqlite3 loads here. */
interface Native {
  all(sql: string, params: unknown[]): unknown[];
  /** Bytes per table and index (SQLite's dbstat). */
  sizes(): { name: string; bytes: number }[];
  close(): void;
}

function openNative(image: Uint8Array): Native | string {
  let Database: new (buf: Buffer) => { prepare(sql: string): { all(...p: unknown[]): unknown[] }; close(): void };
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    Database = require(process.env.BENCH_BETTER_SQLITE3 ?? 'better-sqlite3');
  } catch (err) {
    return `better-sqlite3 is not installed (${String(err).split('\n')[0]})`;
  }
  try {
    const db = new Database(Buffer.from(image.buffer, image.byteOffset, image.length));
    return {
      // The compiler numbers its parameters (?1 ?2 … reused); bind them by position instead.
      all(sql, params) {
        if (!/\?\d/.test(sql)) return db.prepare(sql).all(...params);
        const order: unknown[] = [];
        const text = sql.replace(/\?(\d+)/g, (_m, d: string) => {
          order.push(params[Number(d) - 1]);
          return '?';
        });
        return db.prepare(text).all(...order);
      },
      close: () => db.close(),
      sizes: () =>
        db
          .prepare('SELECT name, sum(pgsize) AS bytes FROM dbstat GROUP BY name ORDER BY bytes DESC')
          .all()
          .map((r) => r as { name: string; bytes: number }),
    };
  } catch (err) {
    return `better-sqlite3 could not open the image: ${String(err)}`;
  }
}

export async function runQueryBench(): Promise<number> {
  console.log(
    `machine: ${os.cpus().length} × ${os.cpus()[0]?.model ?? '?'}, load average ${os
      .loadavg()
      .map((x) => x.toFixed(2))
      .join(' ')}`,
  );
  const store = await openSqlJsStore(WASM);
  console.log(`building an index of ${SPANS.toLocaleString('en')} spans…`);
  const built = await build(store);
  const rss = process.memoryUsage.rss();
  const peak = peakRss();
  // The spans were made here (the extension's loads make them in a worker): what is left once
  // the JavaScript heap's garbage is collected is the index's own footprint.
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  const settled = process.memoryUsage.rss();
  const heap = process.memoryUsage();
  const src = (await store.listSources())[0];
  console.log(
    `  built in ${(built.ms / 1000).toFixed(1)} s (${Math.round(SPANS / (built.ms / 1000)).toLocaleString('en')} spans/s); RSS ${mib(rss)} MiB, peak ${mib(peak)} MiB; ${src.traceCount} runs`,
  );
  console.log(
    `  after a GC${gc ? '' : ' (none: run node with --expose-gc)'}: RSS ${mib(settled)} MiB (JS heap ${mib(heap.heapTotal)} MiB, WebAssembly and other ${mib(settled - heap.heapTotal)} MiB)`,
  );

  const now = BigInt(Date.now()) * 1_000_000n;
  const rows: { name: string; query: string; p50: number; p95: number; hits: number; sql?: string; params?: unknown[] }[] = [];
  for (const [name, q] of Object.entries(QUERIES)) {
    const expr = parseQuery(q.text);
    let hits = 0;
    const ms = await time(async () => {
      hits = q.runs ? (await store.searchRuns(expr, { now })).length : (await store.searchSpans(expr, { now })).length;
    });
    const compiled = q.runs ? compileRunSearch(expr, { dialect: 'sqlite', now }) : compileSpanSearch(expr, { dialect: 'sqlite', now });
    rows.push({ name, query: q.text, ...percentiles(ms), hits, sql: compiled.sql, params: compiled.params });
  }
  // Tree page: 200 runs from a random keyset position, then the top spans of one of them.
  const r = rng(3);
  const allRuns: RunRow[] = await store.listRuns(built.sourceId, { limit: 1_000_000 });
  const pick = (): RunRow => allRuns[Math.floor(r() * allRuns.length)];
  const treeMs = await time(async () => {
    const at = pick();
    const page = await store.listRuns(built.sourceId, { limit: 200, after: { startNs: at.startNs, traceId: at.traceId } });
    const run = page[0] ?? at;
    await store.childSpans(built.sourceId, run.traceId, undefined);
    await store.childSpans(built.sourceId, run.traceId, run.rootSpanId);
  });
  rows.push({ name: 'tree page fetch', query: 'listRuns(200) + childSpans ×2', ...percentiles(treeMs), hits: 200 });

  for (const row of rows) console.log(`  sql.js ${row.name}: p50 ${row.p50.toFixed(1)} ms, p95 ${row.p95.toFixed(1)} ms, ${row.hits} hits`);
  // The reference engine, on the same database image.
  const image = store.exportSource(built.sourceId);
  console.log(`  index image: ${mib(image.length)} MiB (${Math.round(image.length / SPANS)} B per span)`);
  await store.close();
  const native = openNative(image);
  const ratios = new Map<string, number>();
  if (typeof native === 'string') console.log(`  reference engine: none — ${native}`);
  else {
    for (const row of rows) {
      if (!row.sql) continue;
      const ms = await time(() => native.all(row.sql as string, row.params as unknown[]));
      ratios.set(row.name, row.p50 / percentiles(ms).p50);
    }
    const treeSql = 'SELECT * FROM runs WHERE source_id = ? AND (start_ns, trace_id) > (?, ?) ORDER BY start_ns, trace_id LIMIT 200';
    const kids = 'SELECT s.* FROM spans s WHERE s.source_id = ? AND s.trace_id = ? AND s.parent_id IS ? ORDER BY s.start_ns, s.span_id';
    const ms = await time(() => {
      const at = pick();
      native.all(treeSql, [src.id, padNs(at.startNs), at.traceId]);
      native.all(kids, [src.id, at.traceId, null]);
      native.all(kids, [src.id, at.traceId, at.rootSpanId]);
    });
    ratios.set('tree page fetch', percentiles(treeMs).p50 / percentiles(ms).p50);
    const sizes = native.sizes();
    const total = sizes.reduce((n, x) => n + x.bytes, 0);
    const big = sizes.filter((x) => x.bytes >= total / 100);
    console.log(`  index image ${mib(total)} MiB: ${big.map((x) => `${x.name} ${mib(x.bytes)}`).join(', ')} (MiB)`);
    native.close();
  }

  console.log(
    `\nquery bench (${SPANS.toLocaleString('en')} spans, ${REPEAT} runs each after a warm-up; load now ${os
      .loadavg()
      .map((x) => x.toFixed(2))
      .join(' ')})\n`,
  );
  console.log(
    `${'what'.padEnd(16)}  ${'p50 ms'.padStart(8)}  ${'p95 ms'.padStart(8)}  ${'hits'.padStart(5)}  ${'÷ native p50'.padStart(12)}  query`,
  );
  for (const row of rows) {
    const ratio = ratios.get(row.name);
    console.log(
      `${row.name.padEnd(16)}  ${row.p50.toFixed(1).padStart(8)}  ${row.p95.toFixed(1).padStart(8)}  ${String(row.hits).padStart(5)}  ${(ratio === undefined ? '—' : `${ratio.toFixed(1)}×`).padStart(12)}  ${row.query}`,
    );
  }
  const sel = rows.find((x) => x.name === 'selective term');
  const tree = rows.find((x) => x.name === 'tree page fetch');
  console.log('\nbars:');
  console.log(`  p50 selective search ${sel?.p50.toFixed(1)} ms ≤ 200 ms: ${sel && sel.p50 <= 200 ? 'met' : 'NOT met'}`);
  console.log(`  p50 tree page fetch ${tree?.p50.toFixed(1)} ms ≤ 50 ms: ${tree && tree.p50 <= 50 ? 'met' : 'NOT met'}`);
  console.log(`  peak RSS ${mib(peak)} MiB ≤ 1536 MiB: ${mib(peak) <= 1536 ? 'met' : 'NOT met'}`);
  return 0;
}
