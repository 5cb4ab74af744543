// `tracelens search <file…> "<query>" [--runs] [--json] [--limit N]`: the search language
// (docs/search.md) over trace files. The files are indexed into an embedded store as the
// extension does (streaming import, search rows included), the query runs over all of them, and
// the matching spans (or runs, each with its best-matching span) are printed newest first.

import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Expr } from '../core/query/ast';
import { parseQuery } from '../core/query/parser';
import { formatQueryError, isQueryError } from '../core/query/queryError';
import { isoFromNanos } from '../core/formats/time';
import { streamImportFile } from '../ingest/streamImport';
import { openSqlJsStore } from '../store/sqlJsStore';
import type { RunSearchHit, SpanRow } from '../store/traceStore';
import { formatDiagnostic } from './inspect';

export const SEARCH_USAGE = `Usage: tracelens search <file…> "<query>" [options]

Indexes the files and prints the spans that meet the query, newest first (the query language is
described in docs/search.md: kind:llm latency>2s, tool:lookup_order, feedback:negative, "a phrase"…).
Quote the query as one argument; it is the last argument that is not an option.

Options:
  --runs        Runs instead of spans: each term may be met by a different span of the run; each
                run is printed with the span that meets the most terms.
  --json        One JSON object per result per line (times as decimal nanosecond strings).
  --limit <n>   At most n results (default 100, at most 10000).

Exit status: 0 when something matched, 1 when nothing did, 2 for a bad query or usage.`;

/** Files past this are parsed on a worker thread; smaller ones are read in this one. */
const WORKER_FROM_BYTES = 16 << 20;

interface Args {
  files: string[];
  query?: string;
  runs: boolean;
  json: boolean;
  limit: number;
  error?: string;
}

function parseArgs(argv: string[]): Args {
  const a: Args = { files: [], runs: false, json: false, limit: 100 };
  const positional: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const x = argv[i];
    if (x === '--') {
      positional.push(...argv.slice(i + 1));
      break;
    }
    if (x === '--runs') a.runs = true;
    else if (x === '--json') a.json = true;
    else if (x === '--limit' || x.startsWith('--limit=')) {
      const v = x.includes('=') ? x.slice(x.indexOf('=') + 1) : argv[++i];
      const n = Number(v);
      if (!v || !Number.isInteger(n) || n < 1 || n > 10_000) a.error = '--limit needs a whole number from 1 to 10000';
      else a.limit = n;
    } else if (x.startsWith('--')) a.error = `unknown option ${x}`;
    else positional.push(x);
  }
  if (!a.error && positional.length < 2) a.error = positional.length ? 'give the files, then the query' : 'no files and no query given';
  a.query = positional.pop();
  a.files = positional;
  return a;
}

/** The wasm beside the bundle (dist/), else the one in node_modules (running from source). */
function wasmPath(): string {
  const beside = path.join(__dirname, 'sql-wasm.wasm');
  return fs.existsSync(beside) ? beside : require.resolve('sql.js/dist/sql-wasm.wasm');
}

/** Trace text reaches a terminal: control characters (escape sequences) are shown, not sent. */
// eslint-disable-next-line no-control-regex
const clean = (s: string): string => s.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, '·');

function fit(s: string, width: number): string {
  const c = clean(s);
  return c.length > width ? `${c.slice(0, width - 1)}…` : c.padEnd(width);
}

function latency(startNs: bigint, endNs: bigint): string {
  const ms = Number(endNs - startNs) / 1e6;
  return ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(ms < 10 ? 2 : 0)} ms`;
}

const bigintsAsText = (_k: string, v: unknown): unknown => (typeof v === 'bigint' ? v.toString() : v);

export interface SearchCliIo {
  out: (line: string) => void;
  err: (line: string) => void;
}

const CONSOLE: SearchCliIo = { out: (l) => console.log(l), err: (l) => console.error(l) };

export async function runSearch(argv: string[], io: SearchCliIo = CONSOLE): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    io.out(SEARCH_USAGE);
    return 0;
  }
  const args = parseArgs(argv);
  if (args.error || args.query === undefined) {
    io.err(`tracelens search: ${args.error ?? 'no query given'}\n\n${SEARCH_USAGE}`);
    return 2;
  }
  let expr: Expr;
  try {
    expr = parseQuery(args.query);
  } catch (err) {
    if (!isQueryError(err)) throw err;
    io.err(`tracelens search: ${err.message}\n${formatQueryError(args.query, err)}`);
    return 2;
  }
  const store = await openSqlJsStore(wasmPath());
  try {
    const labels = new Map<number, string>();
    for (const file of args.files) {
      let size: number;
      try {
        size = fs.statSync(file).size;
      } catch (err) {
        io.err(`tracelens search: cannot read ${file}: ${err instanceof Error ? err.message : String(err)}`);
        return 2;
      }
      const r = await streamImportFile(file, { store, label: file, worker: size >= WORKER_FROM_BYTES, searchIndex: 'inline' });
      labels.set(r.source.id, file);
      for (const d of r.diagnostics.filter((x) => x.severity === 'error').slice(0, 20)) io.err(formatDiagnostic({ path: file, ...d }));
    }
    if (args.runs) {
      const hits = await store.searchRuns(expr, { limit: args.limit });
      printRuns(hits, labels, args.json, io);
      return hits.length ? 0 : 1;
    }
    const spans = await store.searchSpans(expr, { limit: args.limit });
    printSpans(spans, labels, args.json, io);
    return spans.length ? 0 : 1;
  } finally {
    await store.close();
  }
}

function printSpans(spans: SpanRow[], labels: Map<number, string>, json: boolean, io: SearchCliIo): void {
  if (json) {
    for (const s of spans) {
      const { sourceId, ...rest } = s;
      io.out(JSON.stringify({ file: labels.get(sourceId), ...rest, latencyNs: s.endNs - s.startNs }, bigintsAsText));
    }
    return;
  }
  if (!spans.length) {
    io.err('no matching spans');
    return;
  }
  io.out(
    `${'START (UTC)'.padEnd(24)}  ${'KIND'.padEnd(9)}  ${'STATUS'.padEnd(6)}  ${'LATENCY'.padStart(9)}  ${'NAME'.padEnd(32)}  TRACE/SPAN  FILE`,
  );
  for (const s of spans) {
    io.out(
      `${`${isoFromNanos(s.startNs).slice(0, 23)}Z`.padEnd(24)}  ${fit(s.kind, 9)}  ${fit(s.status, 6)}  ${latency(s.startNs, s.endNs).padStart(9)}  ` +
        `${fit(s.name, 32)}  ${clean(s.traceId)}/${clean(s.spanId)}  ${clean(labels.get(s.sourceId) ?? '')}`,
    );
  }
  io.err(`${spans.length} span(s)`);
}

function printRuns(hits: RunSearchHit[], labels: Map<number, string>, json: boolean, io: SearchCliIo): void {
  if (json) {
    for (const h of hits) {
      const { sourceId, ...run } = h.run;
      io.out(
        JSON.stringify(
          { file: labels.get(sourceId), ...run, matchSpanId: h.matchSpanId, matchScore: h.matchScore, matchCount: h.matchCount },
          bigintsAsText,
        ),
      );
    }
    return;
  }
  if (!hits.length) {
    io.err('no matching runs');
    return;
  }
  io.out(`${'START (UTC)'.padEnd(24)}  ${'TRACE'.padEnd(32)}  SPANS  ERR  FB  ${'MATCH SPAN'.padEnd(16)}  ${'INPUT'.padEnd(40)}  FILE`);
  for (const h of hits) {
    const r = h.run;
    const fb = r.negativeFeedback ? '👎' : r.positiveFeedback ? '👍' : '';
    io.out(
      `${`${isoFromNanos(r.startNs).slice(0, 23)}Z`.padEnd(24)}  ${fit(r.traceId, 32)}  ${String(r.spanCount).padStart(5)}  ${String(r.errorCount).padStart(3)}  ` +
        `${fb.padEnd(2)}  ${fit(h.matchSpanId, 16)}  ${fit(r.preview ?? r.name, 40)}  ${clean(labels.get(r.sourceId) ?? '')}`,
    );
  }
  io.err(`${hits.length} run(s)`);
}
