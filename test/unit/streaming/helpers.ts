// Shared by the streaming tests: a store, temporary files and a comparable dump of an index.

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { openSqlJsStore, type SqlJsStore } from '../../../src/store/sqlJsStore';
import type { RunRow, SpanRow, TraceStore } from '../../../src/store/traceStore';

export const WASM = require.resolve('sql.js/dist/sql-wasm.wasm');

export function openStore(): Promise<SqlJsStore> {
  return openSqlJsStore(WASM);
}

export function tempDir(): { dir: string; file(name: string, content?: string | Uint8Array): string; remove(): void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tracelens-stream-'));
  return {
    dir,
    file(name, content) {
      const p = path.join(dir, name);
      if (content !== undefined) fs.writeFileSync(p, content);
      return p;
    },
    remove() {
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface IndexDump {
  runs: Omit<RunRow, 'sourceId'>[];
  spans: Omit<SpanRow, 'sourceId'>[];
}

/** Every run and every span (walked from the roots) of a source, in a stable order. */
export async function dumpIndex(store: TraceStore, sourceId: number, opts: { ranges?: boolean } = {}): Promise<IndexDump> {
  const runs: RunRow[] = [];
  for (;;) {
    const last = runs[runs.length - 1];
    const page = await store.listRuns(sourceId, { limit: 500, after: last ? { startNs: last.startNs, traceId: last.traceId } : undefined });
    runs.push(...page);
    if (page.length < 500) break;
  }
  const spans: SpanRow[] = [];
  const walk = async (traceId: string, parent: string | undefined): Promise<void> => {
    for (const s of await store.childSpans(sourceId, traceId, parent)) {
      spans.push(s);
      if (s.childCount > 0) await walk(traceId, s.spanId);
    }
  };
  for (const r of runs) await walk(r.traceId, undefined);
  const strip = <T extends { sourceId: number }>(x: T): Omit<T, 'sourceId'> => {
    const { sourceId: _drop, ...rest } = x;
    void _drop;
    return rest;
  };
  return {
    runs: runs.map((r) => ({ ...strip(r), cost: Math.round(r.cost * 1e9) / 1e9 })),
    spans: spans
      .map((s) => {
        const out: Omit<SpanRow, 'sourceId'> = { ...strip(s) };
        if (opts.ranges === false) {
          delete out.byteStart;
          delete out.byteEnd;
          delete out.line;
        }
        return out;
      })
      .sort((a, b) => (a.traceId + a.spanId < b.traceId + b.spanId ? -1 : 1)),
  };
}
