// Building the lineage graph: the demo's bad answer followed back to the stale document, the
// ingestion job and its source dataset; the document → dataset joins (metadata, URI prefix, facets,
// user mapping rules) and when they must not join.

import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { buildLineage, datasetNodeId, outputNodeId, spanNodeId } from '../../../src/core/lineage/buildLineage';
import { outputNodeFor, pathsToProblems, upstreamClosure } from '../../../src/core/lineage/closure';
import { compileMappingRules, documentDatasets, indexDatasets, splitDatasetKey } from '../../../src/core/lineage/datasetJoin';
import type { LineageGraph, LineageRun } from '../../../src/core/model/lineage';
import type { RetrievedDocument, Span } from '../../../src/core/model/span';
import { parseTemplateFile } from '../../../src/core/templates/templateFile';
import { importFile } from '../../../src/ingest/importFile';

const DEMO = path.resolve(__dirname, '../../../examples/support-agent');
const BAD = 'ea4cf58cdc690151626426a080751f02';
const ROOT = '672671bd41f97971';

async function demo(): Promise<{ spans: Span[]; runs: LineageRun[] }> {
  const t = await importFile(path.join(DEMO, 'traces/support-agent.otlp.jsonl'));
  const l = await importFile(path.join(DEMO, 'traces/policy-ingest.openlineage.jsonl'));
  return { spans: t.spans, runs: l.lineageRuns };
}

/** The bad run's spans by role (looked up, not pinned, so regenerating the demo keeps the test). */
function roles(spans: Span[]) {
  const t = spans.filter((s) => s.traceId === BAD).sort((a, b) => (a.startNs < b.startNs ? -1 : 1));
  const llms = t.filter((s) => s.kind === 'llm');
  const id = (s: Span | undefined): string => spanNodeId(BAD, s!.spanId);
  return {
    root: t.find((s) => s.parentId === undefined)!,
    classify: id(llms.find((s) => s.template?.name === 'classify')),
    askTool: id(llms.find((s) => s.toolCalls?.length)),
    finalLlm: id(llms[llms.length - 1]),
    finalSpan: llms[llms.length - 1],
    retriever: id(t.find((s) => s.kind === 'retriever')),
    retrieverSpan: t.find((s) => s.kind === 'retriever')!,
    tool: id(t.find((s) => s.kind === 'tool')),
  };
}

const has = (g: LineageGraph, from: string, to: string, type: string): boolean =>
  g.edges.some((e) => e.from === from && e.to === to && e.type === type);
const byLabel = (g: LineageGraph, type: string, label: string) => g.nodes.find((n) => n.type === type && n.label === label);

function span(extra: Partial<Span>): Span {
  return {
    traceId: 't',
    spanId: 's',
    name: 'x',
    kind: 'span',
    startNs: 0n,
    endNs: 1n,
    status: 'unset',
    attributes: {},
    events: [],
    ...extra,
  };
}

describe('lineage graph: the demo', () => {
  it('follows the bad answer back to the stale document, the ingest job and the source dataset', async () => {
    const { spans, runs } = await demo();
    const g = buildLineage(spans, runs);
    const r = roles(spans);
    assert.equal(r.root.spanId, ROOT);
    const out = outputNodeId(BAD, ROOT);
    assert.equal(outputNodeFor(g, BAD), out);
    assert.equal(outputNodeFor(g, ROOT), out);
    const why = upstreamClosure(g, out);
    const doc = why.nodes.find((n) => n.type === 'document' && n.label === 'refund-policy-2023');
    assert.ok(doc, 'the stale document');
    assert.equal(doc.status, 'stale');
    assert.match(doc.facts?.stale ?? '', /effective 2023-01-15/);
    assert.equal(doc.facts?.score, '3.1414');
    const job = why.nodes.find((n) => n.type === 'job' && n.label === 'support-agent/policy_ingest');
    assert.ok(job, 'the ingestion job');
    assert.equal(job.ref?.runId, '01a19f22-7d00-73fe-a9dd-d2366410a01c');
    const src = why.nodes.find((n) => n.id === 'dataset:s3://acme-policies/policy-docs');
    assert.ok(src, 'the source dataset');
    const index = datasetNodeId({ namespace: 'vectordb://local', name: 'support-agent.policy_index' });
    // document ← index dataset ← job ← source dataset
    assert.ok(has(g, index, doc.id, 'derived_from'));
    assert.ok(has(g, job.id, index, 'wrote'));
    assert.ok(has(g, src.id, job.id, 'read'));
    // Implied shortcuts are not drawn: the job and the source reach the document through the index.
    assert.ok(!has(g, src.id, doc.id, 'derived_from'));
    assert.ok(!has(g, job.id, doc.id, 'derived_from'));
    const fb = why.nodes.find((n) => n.type === 'feedback');
    assert.ok(fb && fb.status === 'warning' && fb.facts?.comment === 'Policy says 30 days, not 60');
    assert.ok(has(g, fb.id, out, 'rated'));
    // answer ← LLM call ← template; the LLM call used the retrieval and the tool result.
    const { finalLlm } = r;
    assert.ok(has(g, finalLlm, out, 'produced'));
    assert.ok(has(g, 'template:answer@3', finalLlm, 'rendered_from'));
    assert.ok(has(g, r.retriever, finalLlm, 'input_to'), 'retrieval → answer call');
    assert.ok(has(g, r.tool, finalLlm, 'input_to'), 'tool result → answer call');
    assert.ok(has(g, r.askTool, r.tool, 'called'), 'tool call id');
    assert.ok(has(g, r.classify, r.askTool, 'input_to'), 'intent → answer call');
    assert.ok(has(g, 'model:scripted/support-sim-1-2026-10', finalLlm, 'used_model'));
    const c = r.finalSpan.code!;
    assert.equal(c.file, 'src/agent.ts');
    assert.ok(has(g, `code:${c.file}:${c.line}#${c.function}`, finalLlm, 'ran'));
    assert.ok(has(g, 'tool:lookup_order', r.tool, 'called'));
    // The highlighted path to the stale document follows the data.
    const problems = pathsToProblems(g, out);
    assert.deepEqual(
      problems.paths.map((p) => [p.kind, p.path.length]),
      [
        ['negative_feedback', 2],
        ['stale_document', 4],
      ],
    );
    assert.deepEqual(problems.paths[1].path, [out, finalLlm, r.retriever, doc.id]);
    // Graph sanity: unique ids, edges between existing nodes, no self loops.
    const ids = new Set(g.nodes.map((n) => n.id));
    assert.equal(ids.size, g.nodes.length);
    assert.ok(g.edges.every((e) => ids.has(e.from) && ids.has(e.to) && e.from !== e.to));
  });

  it('has one output per run and the expected figures', async () => {
    const { spans, runs } = await demo();
    const g = buildLineage(spans, runs);
    const count = (t: string) => g.nodes.filter((n) => n.type === t).length;
    assert.equal(count('output'), 7);
    assert.equal(count('span'), 54);
    assert.equal(count('feedback'), 4, 'four runs were rated');
    assert.equal(count('job'), 1);
    assert.equal(count('dataset'), 2);
    assert.equal(count('template'), 2, 'classify@1 and answer@3 (system is not traced)');
    // The over-limit refund run: its failed guard is on the path from the output.
    const p = pathsToProblems(
      g,
      outputNodeId(
        'b6aa332e61860930e8b0db54bceaec79',
        g.nodes.find((n) => n.type === 'output' && n.ref?.traceId === 'b6aa332e61860930e8b0db54bceaec79')!.ref!.spanId!,
      ),
    );
    assert.ok(p.paths.some((x) => x.kind === 'failed_guard'));
    // The outage run: the failing tool call is an error on the way.
    const outage = outputNodeFor(g, '8743823c8fac54872b885cf0b39dfdaa')!;
    assert.ok(pathsToProblems(g, outage).paths.some((x) => x.kind === 'error'));
    // Without OpenLineage events the document still names its datasets and run.
    const alone = buildLineage(spans);
    const docId = `document:${BAD}:${roles(spans).retrieverSpan.spanId}:0`;
    const up = upstreamClosure(alone, docId).nodes.map((n) => n.id);
    assert.ok(up.includes('dataset:s3://acme-policies/policy-docs'));
    assert.ok(up.includes('dataset:vectordb://local/support-agent.policy_index'));
    assert.ok(up.includes('job:?#01a19f22-7d00-73fe-a9dd-d2366410a01c'));
  });

  it('marks a template stale when the file changed since the trace', async () => {
    const { spans, runs } = await demo();
    const files = fs.readdirSync(path.join(DEMO, 'prompts')).map((f) => {
      const text = fs.readFileSync(path.join(DEMO, 'prompts', f), 'utf8');
      return parseTemplateFile(`prompts/${f}`, f.startsWith('answer') ? text.replace('cite the excerpt', 'quote the excerpt') : text);
    });
    const g = buildLineage(spans, runs, { templateFiles: files });
    const answer = g.nodes.find((n) => n.id === 'template:answer@3')!;
    assert.equal(answer.status, 'stale');
    assert.equal(answer.ref?.file, 'prompts/answer.prompt.md');
    assert.equal(answer.ref?.line, 6);
    assert.match(answer.facts?.drift ?? '', /changed since it was traced/);
    assert.equal(g.nodes.find((n) => n.id === 'template:classify@1')!.status, undefined);
    assert.ok(pathsToProblems(g, outputNodeFor(g, BAD)!).paths.some((p) => p.kind === 'stale_template'));
  });
});

describe('document → dataset joins', () => {
  const runs: LineageRun[] = [
    {
      runId: 'r1',
      job: { namespace: 'etl', name: 'ingest' },
      state: 'COMPLETE',
      inputs: [{ namespace: 's3://bucket', name: 'docs/2026', facets: { manifest: { files: ['gs://elsewhere/listed.md'] } } }],
      outputs: [{ namespace: 'file', name: '/data/index.parquet' }],
    },
  ];
  const index = indexDatasets(runs);
  const join = (d: RetrievedDocument, rules?: unknown) =>
    documentDatasets(d, index, compileMappingRules(rules).rules).map((l) => `${l.via}:${l.namespace}|${l.name}`);

  it('splits "namespace/name" at the last slash, preferring a known dataset', () => {
    assert.deepEqual(splitDatasetKey('s3://acme-policies/policy-docs'), { namespace: 's3://acme-policies', name: 'policy-docs' });
    assert.equal(splitDatasetKey('nodataset'), undefined);
    assert.deepEqual(join({ metadata: { 'source.dataset': 's3://bucket/docs/2026' } }), ['metadata:s3://bucket|docs/2026']);
    assert.deepEqual(join({ metadata: { source: { dataset: 'pg://h/db.t' } } }), ['metadata:pg://h|db.t']);
    assert.deepEqual(join({ metadata: { 'index.dataset': 'file/data/index.parquet' } }), ['metadata:file|/data/index.parquet']);
  });

  it('joins by URI prefix on a path boundary, and by facet listings', () => {
    assert.deepEqual(join({ uri: 's3://bucket/docs/2026/a.md' }), ['uri:s3://bucket|docs/2026']);
    assert.deepEqual(join({ uri: 's3://bucket/docs/20261/a.md' }), [], 'no sibling-prefix join');
    assert.deepEqual(join({ uri: 'file/data/index.parquet' }), ['uri:file|/data/index.parquet']);
    assert.deepEqual(join({ uri: 'gs://elsewhere/listed.md' }), ['facet:s3://bucket|docs/2026']);
    assert.deepEqual(join({ id: 'doc-1', content: 'nothing names a dataset' }), []);
  });

  it('applies user mapping rules first, with capture groups, and reports bad rules', () => {
    const rules = [
      { match: '^https://wiki\\.acme\\.com/spaces/(\\w+)/', dataset: 'confluence://acme/$1' },
      { match: 'never', dataset: 'x/y' },
    ];
    assert.deepEqual(join({ uri: 'https://wiki.acme.com/spaces/HR/pages/1' }, rules), ['rule:confluence://acme|HR']);
    assert.deepEqual(join({ id: 'KB-7' }, [{ match: '^KB-(?<n>\\d+)$', dataset: 'kb://prod/articles', field: 'id' }]), [
      'rule:kb://prod|articles',
    ]);
    assert.deepEqual(join({ metadata: { src: 'team-a' } }, [{ match: 'team-(.)', dataset: 'teams/$1', field: 'metadata.src' }]), [
      'rule:teams|a',
    ]);
    const bad = compileMappingRules([
      { match: '(', dataset: 'a/b' },
      { match: 'x' },
      { match: 'x', dataset: 'a/b', field: 'path' },
      'nope',
    ]);
    assert.equal(bad.rules.length, 0);
    assert.equal(bad.errors.length, 4);
    assert.deepEqual(compileMappingRules({}).errors, ['Dataset mapping rules must be a list']);
  });

  it('builds the rule join into the graph', () => {
    const s = span({
      traceId: 't1',
      spanId: 'r',
      kind: 'retriever',
      documents: [{ id: 'a', uri: 'https://wiki.acme.com/spaces/HR/pages/1' }],
    });
    const g = buildLineage([s], [], {
      datasetRules: [{ match: '^https://wiki\\.acme\\.com/spaces/(\\w+)/', dataset: 'confluence://acme/$1' }],
    });
    assert.ok(has(g, 'dataset:confluence://acme/HR', 'document:t1:r:0', 'derived_from'));
    assert.match(byLabel(g, 'dataset', 'confluence://acme/HR')?.facts?.note ?? '', /mapping rule/);
  });
});

describe('lineage graph: OpenLineage shapes', () => {
  it('links child runs to parents (loaded or only named), failed runs and code locations', () => {
    const runs: LineageRun[] = [
      { runId: 'p', job: { namespace: 'airflow', name: 'dag' }, state: 'COMPLETE', inputs: [], outputs: [] },
      {
        runId: 'c',
        job: {
          namespace: 'airflow',
          name: 'dag.task',
          facets: { sourceCodeLocation: { type: 'git', url: 'https://x/repo', path: 'dags/task.py' } },
        },
        state: 'FAIL',
        errorMessage: 'boom',
        facets: {
          errorMessage: {
            message: 'boom',
            stackTrace: 'Traceback (most recent call last):\n  File "dags/task.py", line 9, in run\nValueError: boom',
          },
        },
        parentRunId: 'p',
        inputs: [{ namespace: 'pg', name: 'a' }],
        outputs: [{ namespace: 'pg', name: 'b' }],
      },
      {
        runId: 'o',
        job: { namespace: 'n', name: 'orphan' },
        state: 'START',
        parentRunId: 'gone',
        parentJob: { namespace: 'n', name: 'parent' },
        inputs: [],
        outputs: [],
      },
      {
        kind: 'job',
        runId: 'job:n/static',
        job: { namespace: 'n', name: 'static' },
        state: 'OTHER',
        inputs: [{ namespace: 'pg', name: 'b' }],
        outputs: [],
      },
    ];
    const g = buildLineage([], runs);
    const child = 'job:airflow/dag.task#c';
    assert.equal(g.nodes.find((n) => n.id === child)?.status, 'error');
    assert.ok(has(g, child, 'job:airflow/dag#p', 'input_to'));
    assert.ok(has(g, 'dataset:pg/a', child, 'read'));
    assert.ok(has(g, child, 'dataset:pg/b', 'wrote'));
    assert.ok(has(g, 'code:dags/task.py#', child, 'ran'));
    assert.ok(has(g, 'code:dags/task.py:9#run', child, 'ran'));
    assert.ok(has(g, 'job:n/orphan#o', 'job:n/parent#gone', 'input_to'));
    assert.ok(has(g, 'dataset:pg/b', 'job:n/static', 'read'));
    const down = pathsToProblems(g, 'job:airflow/dag#p');
    assert.deepEqual(
      down.paths.map((p) => p.kind),
      ['failed_job'],
    );
  });
});
