// OpenLineage import: events merged into runs across records, facets merged, parent and error
// facets, placeholder times, DatasetEvent/JobEvent, the JSON Schema diagnosed; and every corpus
// file against an independent Python count (test/support/openlineage_expected.py).

import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { importBytes, importFile } from '../../../src/ingest/importFile';
import { mergeLineageRuns } from '../../../src/core/lineage/mergeRuns';
import type { Diagnostic } from '../../../src/core/model/diagnostic';
import type { LineageRun } from '../../../src/core/model/lineage';

const CORPUS = process.env.TRACELENS_CORPUS ?? path.resolve(__dirname, '../../../../shared/corpus');
const OL_DIR = path.join(CORPUS, 'openlineage');
const ORACLE = path.resolve(__dirname, '../../support/openlineage_expected.py');
const DEMO = path.resolve(__dirname, '../../../examples/support-agent/traces/policy-ingest.openlineage.jsonl');

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);
const P = 'https://example.invalid/producer';
const SCHEMA = 'https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent';

function ev(type: string, time: string, extra: Record<string, unknown> = {}, runId = 'r-1'): Record<string, unknown> {
  return {
    eventType: type,
    eventTime: time,
    producer: P,
    schemaURL: SCHEMA,
    run: { runId, facets: {} },
    job: { namespace: 'ns', name: 'job1', facets: {} },
    inputs: [],
    outputs: [],
    ...extra,
  };
}

const jsonl = (...events: unknown[]): Uint8Array => enc(events.map((e) => JSON.stringify(e)).join('\n') + '\n');
const facet = (o: Record<string, unknown>): Record<string, unknown> => ({ _producer: P, _schemaURL: 'x', ...o });
const realRuns = (runs: LineageRun[]): LineageRun[] => runs.filter((r) => r.kind === undefined || r.kind === 'run');

describe('OpenLineage import', () => {
  it('merges START and COMPLETE from separate JSON Lines records into one run', () => {
    const r = importBytes(
      jsonl(
        ev('START', '2026-01-01T00:00:00Z', {
          run: { runId: 'r-1', facets: { nominalTime: facet({ nominalStartTime: '2026-01-01T00:00:00Z' }) } },
          inputs: [{ namespace: 's3://b', name: 'src', facets: { schema: facet({ fields: [{ name: 'a' }] }) } }],
        }),
        ev('COMPLETE', '2026-01-01T00:00:05.123456Z', {
          outputs: [{ namespace: 'db', name: 'out', outputFacets: { outputStatistics: facet({ rowCount: 10 }) } }],
        }),
      ),
      'x.jsonl',
    );
    assert.equal(r.format, 'openlineage');
    assert.deepEqual(r.diagnostics, []);
    assert.equal(r.lineageRuns.length, 1);
    const run = r.lineageRuns[0];
    assert.equal(run.state, 'COMPLETE');
    assert.equal(run.eventCount, 2);
    assert.equal(run.line, 1);
    assert.equal(run.startNs, 1767225600000000000n);
    assert.equal(run.endNs, 1767225605123456000n);
    assert.deepEqual(
      run.inputs.map((d) => `${d.namespace}/${d.name}`),
      ['s3://b/src'],
    );
    assert.deepEqual(run.outputs[0].outputFacets?.outputStatistics, facet({ rowCount: 10 }));
    assert.ok(run.facets?.nominalTime);
  });

  it('merges facets with later events winning and honours _deleted', () => {
    const r = importBytes(
      jsonl(
        ev('START', '2026-01-01T00:00:00Z', {
          job: {
            namespace: 'ns',
            name: 'job1',
            facets: { sql: facet({ query: 'select 1' }), documentation: facet({ description: 'old' }) },
          },
          run: { runId: 'r-1', facets: { tags: facet({ tags: [1] }) } },
        }),
        ev('RUNNING', '2026-01-01T00:00:01Z', {
          job: { namespace: 'ns', name: 'job1', facets: { documentation: facet({ description: 'new' }) } },
          run: { runId: 'r-1', facets: { tags: { _deleted: true } } },
        }),
      ),
      'x.jsonl',
    );
    const run = r.lineageRuns[0];
    assert.equal(run.state, 'RUNNING');
    assert.equal((run.job.facets?.documentation as { description: string }).description, 'new');
    assert.equal((run.job.facets?.sql as { query: string }).query, 'select 1');
    assert.equal(run.facets, undefined, 'the deleted facet is gone');
  });

  it('orders events by eventTime: a COMPLETE read first still ends the run', () => {
    const r = importBytes(jsonl(ev('COMPLETE', '2026-01-01T00:00:09Z'), ev('START', '2026-01-01T00:00:00Z')), 'x.jsonl');
    assert.equal(r.lineageRuns[0].state, 'COMPLETE');
    assert.equal(r.lineageRuns[0].startNs, 1767225600000000000n);
    assert.equal(r.lineageRuns[0].endNs, 1767225609000000000n);
  });

  it('reads FAIL with its errorMessage facet, and the parent run facet', () => {
    const r = importBytes(
      jsonl(
        ev('START', '2026-01-01T00:00:00Z'),
        ev('FAIL', '2026-01-01T00:00:02Z', {
          run: {
            runId: 'r-1',
            facets: {
              errorMessage: facet({ message: 'division by zero', programmingLanguage: 'python', stackTrace: 'Traceback…' }),
              parent: facet({
                run: { runId: 'p-1' },
                job: { namespace: 'airflow', name: 'dag' },
                root: { run: { runId: 'root-1' }, job: {} },
              }),
            },
          },
        }),
      ),
      'x.jsonl',
    );
    const run = r.lineageRuns[0];
    assert.equal(run.state, 'FAIL');
    assert.equal(run.errorMessage, 'division by zero');
    assert.equal(run.parentRunId, 'p-1');
    assert.deepEqual(run.parentJob, { namespace: 'airflow', name: 'dag' });
    assert.equal(run.rootRunId, 'root-1');
  });

  it('keeps events whose eventTime is a {{placeholder}} and says so once per record', () => {
    const doc = JSON.stringify([ev('START', '{{RUN_START_TIME}}'), ev('COMPLETE', '{{RUN_END_TIME_AFTER_5_MINUTES}}')]);
    const r = importBytes(enc(doc), 'seed.json');
    assert.equal(r.lineageRuns.length, 1);
    assert.equal(r.lineageRuns[0].state, 'COMPLETE');
    assert.equal(r.lineageRuns[0].startNs, undefined);
    const d = r.diagnostics.filter((x) => x.code === 'openlineage.eventTime.placeholder');
    assert.equal(d.length, 1);
    assert.match(d[0].message, /2 events.*\{\{RUN_START_TIME\}\}/);
  });

  it('keeps DatasetEvents and JobEvents as records without a run', () => {
    const r = importBytes(
      jsonl(
        {
          eventTime: '2026-01-01T00:00:00Z',
          producer: P,
          schemaURL: SCHEMA.replace('RunEvent', 'DatasetEvent'),
          dataset: { namespace: 's3://b', name: 'x', facets: { schema: facet({ fields: [] }) } },
        },
        {
          eventTime: '2026-01-01T00:00:00Z',
          producer: P,
          schemaURL: SCHEMA.replace('RunEvent', 'JobEvent'),
          job: { namespace: 'ns', name: 'static' },
          inputs: [{ namespace: 's3://b', name: 'x' }],
          outputs: [],
        },
      ),
      'x.jsonl',
    );
    assert.equal(r.format, 'openlineage');
    assert.deepEqual(
      r.lineageRuns.map((x) => [x.kind, x.runId]),
      [
        ['dataset', 'dataset:s3://b/x'],
        ['job', 'job:ns/static'],
      ],
    );
    assert.equal(realRuns(r.lineageRuns).length, 0);
  });

  it('diagnoses the OpenLineage JSON Schema as a schema, not events', function () {
    const file = path.join(OL_DIR, 'OpenLineage.json');
    const text = fs.existsSync(file)
      ? fs.readFileSync(file, 'utf8')
      : JSON.stringify({
          $schema: 'https://json-schema.org/draft/2020-12/schema',
          $id: 'https://openlineage.io/spec/2-0-2/OpenLineage.json',
          $defs: { RunEvent: {} },
        });
    const r = importBytes(enc(text), 'OpenLineage.json');
    assert.equal(r.lineageRuns.length, 0);
    assert.equal(r.diagnostics.length, 1);
    assert.equal(r.diagnostics[0].code, 'openlineage.schema');
    assert.match(r.diagnostics[0].message, /JSON Schema/);
  });

  it('reports bad events and keeps the good ones', () => {
    const r = importBytes(
      jsonl(
        ev('START', '2026-01-01T00:00:00Z'),
        { ...ev('START', '2026-01-01T00:00:00Z'), run: { runId: '' } },
        { ...ev('START', '2026-01-01T00:00:00Z', {}, 'r-2'), job: { namespace: 'ns' } },
        ev('EXPLODED', 'yesterday', {}, 'r-3'),
      ),
      'x.jsonl',
    );
    assert.deepEqual(
      r.lineageRuns.map((x) => [x.runId, x.state]),
      [
        ['r-1', 'START'],
        ['r-3', 'OTHER'],
      ],
    );
    assert.deepEqual(r.diagnostics.map((d) => d.code).sort(), [
      'openlineage.eventTime',
      'openlineage.eventType',
      'openlineage.job',
      'openlineage.runId',
    ]);
    assert.ok(r.diagnostics.every((d) => typeof d.line === 'number'));
  });

  it('merges again across files, idempotently', () => {
    const a = importBytes(jsonl(ev('START', '2026-01-01T00:00:00Z', { inputs: [{ namespace: 'a', name: 'in' }] })), 'a.jsonl').lineageRuns;
    const b = importBytes(
      jsonl(ev('COMPLETE', '2026-01-01T00:00:03Z', { outputs: [{ namespace: 'a', name: 'out' }] })),
      'b.jsonl',
    ).lineageRuns;
    const merged = mergeLineageRuns([...a, ...b]);
    assert.equal(merged.length, 1);
    assert.equal(merged[0].state, 'COMPLETE');
    assert.equal(merged[0].eventCount, 2);
    assert.equal(merged[0].inputs.length + merged[0].outputs.length, 2);
    assert.deepEqual(mergeLineageRuns(merged), merged);
  });

  it('warns when one runId is reported for two jobs', () => {
    const diags: Diagnostic[] = [];
    const base = { state: 'START' as const, inputs: [], outputs: [] };
    mergeLineageRuns(
      [
        { ...base, runId: 'x', job: { namespace: 'n', name: 'a' } },
        { ...base, runId: 'x', job: { namespace: 'n', name: 'b' } },
      ],
      diags,
    );
    assert.equal(diags[0]?.code, 'openlineage.jobMismatch');
  });
});

interface Expected {
  kind: 'schema' | 'events';
  runs: number;
  placeholders?: number;
  byRun?: Record<string, { job: string; state: string; events: number; inputs: number; outputs: number; parent: string | null }>;
}

function oracle(target: string): Record<string, Expected> | undefined {
  const py = spawnSync('python3', [ORACLE, target], { encoding: 'utf8' });
  if (py.error || py.status !== 0) return undefined;
  return JSON.parse(py.stdout) as Record<string, Expected>;
}

function compare(file: string, exp: Expected, r: Awaited<ReturnType<typeof importFile>>): void {
  const runs = realRuns(r.lineageRuns);
  assert.equal(runs.length, exp.runs, `${file}: runs`);
  if (exp.kind === 'schema') {
    assert.ok(
      r.diagnostics.some((d) => d.code === 'openlineage.schema'),
      `${file}: schema diagnosed`,
    );
    return;
  }
  assert.equal(r.format, 'openlineage', `${file}: format`);
  assert.equal(r.diagnostics.filter((d) => d.severity === 'error').length, 0, `${file}: no errors`);
  if (exp.placeholders) assert.ok(r.diagnostics.some((d) => d.code === 'openlineage.eventTime.placeholder'));
  for (const [runId, e] of Object.entries(exp.byRun ?? {})) {
    const run = runs.find((x) => x.runId === runId);
    assert.ok(run, `${file}: run ${runId}`);
    assert.deepEqual(
      {
        job: `${run.job.namespace}/${run.job.name}`,
        state: run.state,
        events: run.eventCount,
        inputs: run.inputs.length,
        outputs: run.outputs.length,
        parent: run.parentRunId ?? null,
      },
      e,
      `${file}: run ${runId}`,
    );
  }
}

describe('OpenLineage conformance', function () {
  this.timeout(60_000);

  it('the demo ingest run matches the Python count', async function () {
    const expected = oracle(DEMO);
    if (!expected) this.skip();
    compare('demo', expected['policy-ingest.openlineage.jsonl'], await importFile(DEMO));
  });

  it('every corpus/openlineage file matches the Python count', async function () {
    if (!fs.existsSync(OL_DIR)) this.skip();
    const expected = oracle(OL_DIR);
    if (!expected) this.skip();
    const names = Object.keys(expected);
    assert.ok(names.length >= 6, 'the oracle saw the corpus');
    let totalRuns = 0;
    for (const name of names) {
      const r = await importFile(path.join(OL_DIR, name));
      compare(name, expected[name], r);
      totalRuns += expected[name].runs;
    }
    // 5 dbt + 3 single events + 13 Marquez seed runs (figures from the oracle, checked here once).
    assert.equal(totalRuns, 21);
  });
});
