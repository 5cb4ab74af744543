// CodeLens usage computed from the index (sqlJsUsage.ts + the template values read back from the
// file) equals core usageStats over the same file's spans in memory, on the demo traces (JSON
// Lines, decision log, protobuf) and a single OTLP document streamed span by span.

import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { importFile } from '../../../src/ingest/importFile';
import { usageFromIndex } from '../../../src/ingest/indexedUsage';
import { streamImportFile } from '../../../src/ingest/streamImport';
import { usageStats, type SourceUsage, type UsageStats } from '../../../src/core/trace/usageStats';
import type { SqlJsStore } from '../../../src/store/sqlJsStore';
import { openStore, tempDir } from './helpers';

const DEMO = path.join(__dirname, '../../../examples/support-agent/traces');

function comparable(u: SourceUsage): Record<string, unknown> {
  const one = (st: UsageStats): unknown => ({
    traceIds: [...st.traceIds].sort(),
    calls: st.calls,
    errors: st.errors,
    guardsFailed: st.guardsFailed,
    negativeFeedback: st.negativeFeedback,
    durations: [...st.durations].sort((a, b) => a - b),
    recentValues: Object.fromEntries([...st.recentValues].sort(([a], [b]) => (a < b ? -1 : 1))),
  });
  const map = (m: Map<string, UsageStats>): unknown =>
    Object.fromEntries([...m].sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, v]) => [k, one(v)]));
  return { templates: map(u.templates), functions: map(u.functions) };
}

/** The demo's JSON Lines file as one OTLP document (every request's resourceSpans in one list). */
function asDocument(file: string): string {
  const resourceSpans = fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .flatMap((l) => (JSON.parse(l) as { resourceSpans: unknown[] }).resourceSpans);
  return JSON.stringify({ resourceSpans }, null, 1);
}

describe('usage from the index ≡ usageStats in memory', function () {
  this.timeout(60_000);
  let store: SqlJsStore;
  const tmp = tempDir();
  before(async () => {
    store = await openStore();
  });
  after(async () => {
    await store.close();
    tmp.remove();
  });

  const cases: { name: string; file: () => string; reader: 'indexed' | 'record' }[] = [
    { name: 'demo OTLP JSON Lines', file: () => path.join(DEMO, 'support-agent.otlp.jsonl'), reader: 'indexed' },
    { name: 'demo decision log', file: () => path.join(DEMO, 'support-agent.decisions.jsonl'), reader: 'indexed' },
    { name: 'demo OTLP protobuf', file: () => path.join(DEMO, 'support-agent.otlp.pb'), reader: 'record' },
    {
      name: 'demo as one OTLP document (spans read back with their context)',
      file: () => tmp.file('demo.otlp.json', asDocument(path.join(DEMO, 'support-agent.otlp.jsonl'))),
      reader: 'indexed',
    },
  ];
  for (const c of cases) {
    it(c.name, async () => {
      const file = c.file();
      const mem = usageStats((await importFile(file)).spans);
      assert.ok(mem.templates.size > 0 && mem.functions.size > 0, 'the demo names templates and functions');
      assert.ok(
        [...mem.templates.values()].some((st) => st.recentValues.size > 0),
        'and template values',
      );
      for (const worker of [false, true]) {
        const r = await streamImportFile(file, { store, worker });
        assert.ok(r.complete);
        const fromIndex = await usageFromIndex(store, { id: r.source.id, file, reader: c.reader }, (err) => assert.fail(String(err)));
        assert.ok(fromIndex);
        assert.deepEqual(comparable(fromIndex), comparable(mem));
        await store.removeSource(r.source.id);
      }
    });
  }
});
