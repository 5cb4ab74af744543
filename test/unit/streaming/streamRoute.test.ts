// Which files stream and which go the whole-file way: LangSmith and OpenAI Agents records read as
// several records (JSON Lines, elements of a top-level array) need the whole file, because their
// importers merge records (a run's post and its later patch; a trace record and its spans); a
// single document of any format streams. Streaming such a file would be wrong: shown here too.

import * as assert from 'node:assert/strict';
import { importFile } from '../../../src/ingest/importFile';
import { streamImportFile } from '../../../src/ingest/streamImport';
import { routeFor } from '../../../src/ingest/streamRoute';
import type { SqlJsStore } from '../../../src/store/sqlJsStore';
import { openStore, tempDir } from './helpers';

const RUN = '11111111-1111-1111-1111-111111111111';
const post = {
  post: [{ id: RUN, trace_id: RUN, name: 'chain', run_type: 'chain', start_time: '2026-01-01T00:00:00Z', inputs: { q: 'hi' } }],
};
const patch = { patch: [{ id: RUN, trace_id: RUN, end_time: '2026-01-01T00:00:01Z', outputs: { a: 'yo' } }] };
const TRACE = 'trace_0123456789abcdef0123456789abcdef';
const agents = [
  { object: 'trace', id: TRACE, workflow_name: 'Support' },
  {
    object: 'trace.span',
    id: 'span_0123456789abcdef01234567',
    trace_id: TRACE,
    parent_id: null,
    started_at: '2026-11-03T10:00:00.000Z',
    ended_at: '2026-11-03T10:00:01.000Z',
    span_data: { type: 'generation', model: 'gpt-4o' },
  },
];
const otlpLine = JSON.stringify({
  resourceSpans: [
    {
      scopeSpans: [
        { spans: [{ traceId: 'a'.repeat(32), spanId: 'b'.repeat(16), name: 'x', startTimeUnixNano: '1', endTimeUnixNano: '2' }] },
      ],
    },
  ],
});

describe('stream or whole file', () => {
  const tmp = tempDir();
  let store: SqlJsStore;
  before(async () => {
    store = await openStore();
  });
  after(async () => {
    await store.close();
    tmp.remove();
  });

  const lines = (...v: object[]): string => v.map((x) => JSON.stringify(x)).join('\n') + '\n';

  it('LangSmith posts and patches across lines: whole (streaming would keep the patch as a second run)', async () => {
    const f = tmp.file('runs.jsonl', lines(post, patch));
    assert.equal((await routeFor(f)).way, 'whole');
    assert.equal((await importFile(f)).spans.length, 1);
    const streamed = await streamImportFile(f, { store, worker: false });
    assert.equal(streamed.source.spanCount, 2, 'what streaming this file would do');
    await store.removeSource(streamed.source.id);
  });

  it('OpenAI Agents records across lines, or as array elements: whole', async () => {
    assert.equal((await routeFor(tmp.file('agents.jsonl', lines(...agents)))).way, 'whole');
    assert.equal((await routeFor(tmp.file('agents.json', JSON.stringify(agents, null, 2)))).way, 'whole');
  });

  it('an array of LangSmith runs: whole; one LangSmith batch document: stream', async () => {
    assert.equal((await routeFor(tmp.file('arr.json', JSON.stringify([...post.post, ...patch.patch], null, 1)))).way, 'whole');
    assert.equal((await routeFor(tmp.file('batch.json', JSON.stringify({ ...post, ...patch }, null, 1)))).way, 'stream');
  });

  it('OTLP JSON Lines, binary and empty files stream; a forced format decides alone', async () => {
    const otlp = tmp.file('t.otlp.jsonl', `${otlpLine}\n${otlpLine}\n`);
    assert.equal((await routeFor(otlp)).way, 'stream');
    assert.equal((await routeFor(tmp.file('t.pb', new Uint8Array([0x0a, 0x03, 1, 2, 3])))).way, 'stream');
    assert.equal((await routeFor(tmp.file('empty.json', ''))).way, 'stream');
    assert.equal((await routeFor(otlp, 'langsmith')).way, 'whole');
    assert.equal((await routeFor(tmp.file('runs2.jsonl', lines(post, patch)), 'otlp-json')).way, 'stream');
  });
});
