// Template and function usage on the demo: what the CodeLens titles are computed from.

import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { percentile, usageStats } from '../../src/core/trace/usageStats';
import { importFile } from '../../src/ingest/importFile';

describe('usage stats', () => {
  it('counts runs, calls, errors and negative feedback per template and per traced function', async () => {
    const r = await importFile(path.join(__dirname, '../../examples/support-agent/traces/support-agent.otlp.jsonl'));
    const u = usageStats(r.spans);
    const answer = u.templates.get('path:prompts/answer.prompt.md');
    assert.ok(answer);
    assert.equal(answer.traceIds.size, 7, 'every run renders the answer template');
    assert.equal(answer.calls, 13);
    assert.equal(answer.negativeFeedback, 1, 'the stale-document run');
    assert.equal(answer.guardsFailed, 1, 'the over-limit refund run');
    assert.deepEqual(u.templates.get('name:answer')?.calls, 13);
    assert.ok((answer.recentValues.get('question') ?? []).length > 0);
    const tools = [...u.functions.keys()].filter((k) => k.startsWith('src/tools.ts#'));
    assert.ok(tools.length > 0);
    const errors = [...u.functions.values()].reduce((n, s) => n + s.errors, 0);
    assert.equal(errors, 1, 'the one failing lookup_order');
  });

  it('takes percentiles by rank', () => {
    assert.equal(percentile([5, 1, 4, 2, 3], 50), 3);
    assert.equal(percentile([5, 1, 4, 2, 3], 95), 5);
    assert.equal(percentile([], 95), undefined);
  });
});
