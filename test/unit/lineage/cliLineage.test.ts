// `tracelens lineage` on the demo: the bad answer's upstream graph holds the stale document, the
// ingestion job, the source dataset and the negative feedback; JSON and tree output; usage errors.

import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { formatLineageTree, lineageReport, runLineage, type LineageReport } from '../../../src/cli/lineage';

const REPO = path.resolve(__dirname, '../../..');
const TRACES = path.join(REPO, 'examples/support-agent/traces');
const FILES = [path.join(TRACES, 'support-agent.otlp.jsonl'), path.join(TRACES, 'policy-ingest.openlineage.jsonl')];
const BAD = 'ea4cf58cdc690151626426a080751f02';
const ROOT_SPAN = '672671bd41f97971';

function assertStory(r: LineageReport): void {
  const find = (type: string, label: string) => r.nodes.find((n) => n.type === type && n.label === label);
  assert.ok(find('document', 'refund-policy-2023'), 'stale document');
  assert.ok(find('job', 'support-agent/policy_ingest'), 'ingestion job');
  assert.ok(find('dataset', 's3://acme-policies/policy-docs'), 'source dataset');
  const fb = r.nodes.find((n) => n.type === 'feedback');
  assert.ok(fb && /30 days, not 60/.test(fb.label), 'negative feedback');
  for (const n of r.nodes) assert.ok(typeof n.id === 'string' && typeof n.type === 'string' && typeof n.label === 'string');
  const ids = new Set(r.nodes.map((n) => n.id));
  for (const e of r.edges) assert.ok(ids.has(e.from) && ids.has(e.to) && typeof e.type === 'string');
  assert.deepEqual(r.problems.map((p) => p.kind).sort(), ['negative_feedback', 'stale_document']);
}

async function capture(fn: () => Promise<number>): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const log = console.log;
  const error = console.error;
  console.log = (...a: unknown[]) => void out.push(a.join(' '));
  console.error = (...a: unknown[]) => void err.push(a.join(' '));
  try {
    const code = await fn();
    return { code, out: out.join('\n'), err: err.join('\n') };
  } finally {
    console.log = log;
    console.error = error;
  }
}

describe('tracelens lineage', () => {
  it('--span <root span> --json: the upstream graph of the bad answer', async () => {
    const { code, out, err } = await capture(() => runLineage([...FILES, '--span', ROOT_SPAN, '--json']));
    assert.equal(code, 0, err);
    const r = JSON.parse(out) as LineageReport;
    assert.equal(r.root, `output:${BAD}:${ROOT_SPAN}`);
    assertStory(r);
    assert.equal(r.nodes.length, 29);
    assert.equal(r.edges.length, 46);
  });

  it('--span <trace id> means the run output; the tree names the problems', async () => {
    const { report } = await lineageReport(FILES, BAD);
    assert.ok(report);
    assertStory(report);
    const tree = formatLineageTree(report);
    assert.match(tree, /^output Gifts can be returned/);
    assert.match(tree, /retrieved ← document refund-policy-2023 {2}⚠ stale document/);
    assert.match(tree, /wrote ← job support-agent\/policy_ingest/);
    assert.match(tree, /read ← dataset s3:\/\/acme-policies\/policy-docs/);
    assert.match(tree, /Problems on the way:\n {2}⚠ negative feedback/);
    assert.match(tree, /\(see above\)/);
  });

  it('--workspace matches templates to files; --depth cuts the walk', async () => {
    const { report } = await lineageReport(FILES, BAD, { workspace: path.join(REPO, 'examples/support-agent'), depth: 2 });
    assert.ok(report);
    assert.equal(report.truncated, true);
    assert.ok(!report.nodes.some((n) => n.type === 'dataset'));
    const full = (await lineageReport(FILES, BAD, { workspace: path.join(REPO, 'examples/support-agent') })).report!;
    const t = full.nodes.find((n) => n.id === 'template:answer@3');
    assert.equal(t?.ref?.file, 'prompts/answer.prompt.md');
    assert.match(t?.facts?.match ?? '', /^path \(100%\)/);
  });

  it('usage errors and unknown ids', async () => {
    assert.equal((await capture(() => runLineage(FILES))).code, 2);
    assert.equal((await capture(() => runLineage(['--span', 'x']))).code, 2);
    assert.equal((await capture(() => runLineage([...FILES, '--span']))).code, 2);
    assert.equal((await capture(() => runLineage([...FILES, '--span', 'x', '--bogus']))).code, 2);
    const missing = await capture(() => runLineage([...FILES, '--span', 'no-such-span']));
    assert.equal(missing.code, 1);
    assert.match(missing.err, /no span or trace no-such-span/);
    const noFile = await capture(() => runLineage(['/nonexistent/file.jsonl', '--span', 'x']));
    assert.equal(noFile.code, 1);
    assert.match((await capture(() => runLineage(['--help']))).out, /Usage: tracelens lineage/);
  });

  it('is wired into the tracelens command', function () {
    this.timeout(60_000);
    const r = spawnSync(
      process.execPath,
      ['--import', 'tsx', path.join(REPO, 'src/cli/main.ts'), 'lineage', ...FILES, '--span', ROOT_SPAN, '--json'],
      {
        encoding: 'utf8',
        cwd: REPO,
      },
    );
    assert.equal(r.status, 0, r.stderr);
    assertStory(JSON.parse(r.stdout) as LineageReport);
  });
});
