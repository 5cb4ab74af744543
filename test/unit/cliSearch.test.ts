// `tracelens search`: the command's own function for the answers (compared with answers computed
// from the imported spans), and the real entry point (src/cli/main.ts, spawned) for exit codes
// and the query error's caret.

import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runSearch } from '../../src/cli/search';
import { otlpDoc, otlpSpan } from '../support/otlpBuilders';
import { BAD_RUN, DEMO, demoSpans, hasNegativeFeedback, keysOf, tracesWhere, usesTemplate, usesTool } from './search/demoSearch';

const REPO = path.resolve(__dirname, '../..');

async function run(...argv: string[]): Promise<{ code: number; out: string[]; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runSearch(argv, { out: (l) => out.push(l), err: (l) => err.push(l) });
  return { code, out, err };
}

function spawnCli(...argv: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['-r', 'tsx/cjs', 'src/cli/main.ts', 'search', ...argv], { cwd: REPO, encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('tracelens search', () => {
  it('prints the matching spans as JSON Lines, newest first', async () => {
    const spans = await demoSpans();
    const r = await run(DEMO, 'tool:lookup_order', '--json', '--limit', '1000');
    assert.equal(r.code, 0);
    const rows = r.out.map((l) => JSON.parse(l) as { file: string; traceId: string; spanId: string; startNs: string; kind: string });
    assert.deepEqual(rows.map((x) => `${x.traceId}/${x.spanId}`).sort(), keysOf(spans, usesTool('lookup_order')));
    assert.ok(rows.every((x) => x.file === DEMO));
    for (let i = 1; i < rows.length; i++) assert.ok(BigInt(rows[i - 1].startNs) >= BigInt(rows[i].startNs));
  });

  it('--runs gives the bad run with its match span', async () => {
    const spans = await demoSpans();
    const r = await run(DEMO, 'feedback:negative template:answer', '--runs', '--json');
    assert.equal(r.code, 0);
    const rows = r.out.map((l) => JSON.parse(l) as { traceId: string; matchSpanId: string; negativeFeedback: number });
    assert.deepEqual(
      rows.map((x) => x.traceId),
      tracesWhere(spans, hasNegativeFeedback, usesTemplate('answer')),
    );
    assert.equal(rows[0].traceId, BAD_RUN);
    assert.ok(spans.some((s) => s.traceId === BAD_RUN && s.spanId === rows[0].matchSpanId));
  });

  it('prints a table, honours --limit, and searches several files at once', async () => {
    const spans = await demoSpans();
    const pb = path.join(path.dirname(DEMO), 'support-agent.otlp.pb');
    const r = await run(DEMO, pb, 'kind:llm', '--limit', '3');
    assert.equal(r.code, 0);
    assert.match(r.out[0], /^START \(UTC\)\s+KIND\s+STATUS\s+LATENCY\s+NAME\s+TRACE\/SPAN\s+FILE$/);
    assert.equal(r.out.length, 1 + 3);
    const all = await run(DEMO, pb, 'kind:llm', '--json', '--limit', '1000');
    const llm = spans.filter((s) => s.kind === 'llm').length;
    assert.equal(all.out.length, 2 * llm, 'both files');
    assert.deepEqual(new Set(all.out.map((l) => (JSON.parse(l) as { file: string }).file)), new Set([DEMO, pb]));
  });

  it('exits 1 when nothing matches, 2 on usage errors', async () => {
    const none = await run(DEMO, 'zzqqxxnotaword');
    assert.equal(none.code, 1);
    assert.deepEqual(none.out, []);
    assert.equal((await run(DEMO)).code, 2);
    assert.equal((await run(DEMO, 'x', '--limit', '0')).code, 2);
    assert.equal((await run(DEMO, 'x', '--bogus')).code, 2);
    const missing = await run(path.join(REPO, 'no-such-file.jsonl'), 'x');
    assert.equal(missing.code, 2);
    assert.match(missing.err.join('\n'), /cannot read/);
  });

  it('shows control characters in trace text instead of sending them to the terminal', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tracelens-cli-search-'));
    try {
      const file = path.join(dir, 'evil.otlp.json');
      fs.writeFileSync(
        file,
        JSON.stringify(otlpDoc([otlpSpan({ spanId: 'a'.repeat(16), name: 'evil \u001b]0;owned\u0007 \u001b[31mred' })])),
      );
      const r = await run(file, 'evil');
      assert.equal(r.code, 0);
      assert.equal(r.out.length, 2);
      for (const line of r.out) assert.doesNotMatch(line, /[\u0000-\u001f]/); // eslint-disable-line no-control-regex
      assert.match(r.out[1], /evil ·\]0;owned· ·\[31mred/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('the command line prints the caret message for a bad query and exits 2', () => {
    const r = spawnCli(DEMO, 'kind:llm latency>2x');
    assert.equal(r.status, 2, r.stderr);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /unknown unit 'x' at 18/);
    assert.ok(r.stderr.includes('kind:llm latency>2x\n                  ^ unknown unit'), r.stderr);
    const ok = spawnCli(DEMO, 'status:error', '--runs');
    assert.equal(ok.status, 0, ok.stderr);
    assert.match(ok.stdout, /^START \(UTC\)\s+TRACE\s+SPANS/);
  });
});
