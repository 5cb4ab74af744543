// The demo's committed decision log imports completely, with the story it is there to tell.
// Expected figures were counted with a separate Python walk over the raw JSON.

import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { summarizeRuns } from '../../src/core/trace/runs';
import { summarize } from '../../src/core/trace/summary';
import { importFile } from '../../src/ingest/importFile';

const DEMO = path.join(__dirname, '../../examples/support-agent/traces/support-agent.otlp.jsonl');
const BAD_TRACE = 'ea4cf58cdc690151626426a080751f02';

describe('demo traces', () => {
  it('import with the expected totals and no diagnostics', async () => {
    const r = await importFile(DEMO);
    assert.equal(r.format, 'otlp-json');
    assert.deepEqual(r.diagnostics, []);
    const s = summarize(r.spans);
    assert.deepEqual(
      {
        traces: s.traces,
        spans: s.spans,
        errorSpans: s.errorSpans,
        llmSpans: s.llmSpans,
        inputTokens: s.inputTokens,
        outputTokens: s.outputTokens,
      },
      { traces: 7, spans: 54, errorSpans: 1, llmSpans: 20, inputTokens: 10278, outputTokens: 866 },
    );
    const kinds = new Map<string, number>();
    for (const sp of r.spans) kinds.set(sp.kind, (kinds.get(sp.kind) ?? 0) + 1);
    assert.deepEqual(Object.fromEntries(kinds), { agent: 7, llm: 20, retriever: 7, guard: 14, tool: 6 });
  });

  it('carries the bad run: stale document, template, code location and negative feedback', async () => {
    const r = await importFile(DEMO);
    const runs = summarizeRuns(r.spans);
    const bad = runs.find((x) => x.traceId === BAD_TRACE);
    assert.ok(bad);
    assert.equal(bad.negativeFeedback, 1);
    assert.match(bad.preview ?? '', /gift receipt/);
    const spans = r.spans.filter((s) => s.traceId === BAD_TRACE);
    const root = spans.find((s) => s.parentId === undefined);
    assert.equal(root?.feedback?.[0].comment, 'Policy says 30 days, not 60');
    const retriever = spans.find((s) => s.kind === 'retriever');
    assert.equal(retriever?.documents?.[0].id, 'refund-policy-2023');
    assert.equal(retriever?.documents?.[0].metadata?.['source.dataset'], 's3://acme-policies/policy-docs');
    const answer = spans.filter((s) => s.kind === 'llm' && s.template?.name === 'answer');
    assert.ok(answer.length > 0);
    assert.equal(answer[0].template?.path, 'prompts/answer.prompt.md');
    assert.equal(answer[0].template?.version, '3');
    assert.equal(answer[0].code?.file, 'src/agent.ts');
    assert.ok((answer[0].code?.line ?? 0) > 0);
    const guards = runs.find((x) => x.guardsFailed > 0);
    assert.equal(guards?.traceId, 'b6aa332e61860930e8b0db54bceaec79');
  });
});
