// Saved queries (.tracelens/queries.json): validation with positions, and in-place edits that
// keep the rest of the file and refuse to touch a file they cannot read.

import * as assert from 'node:assert/strict';
import {
  MAX_SAVED_QUERIES,
  SavedQueriesError,
  readSavedQueries,
  upsertSavedQuery,
  type SavedQueriesRead,
} from '../../src/core/query/savedQueries';

function ok(r: SavedQueriesRead): Extract<SavedQueriesRead, { ok: true }> {
  assert.ok(r.ok, r.ok ? '' : `expected a readable file, got ${r.problem.message}`);
  return r;
}

describe('saved queries: reading', () => {
  it('lists valid entries with their positions', () => {
    const text =
      '[\n  { "name": "Bad answers", "query": "feedback:negative template:answer" },\n  {"name":"slow","query":"latency>2s"}\n]\n';
    const r = ok(readSavedQueries(text));
    assert.deepEqual(
      r.queries.map((q) => [q.name, q.query, q.at.line, q.at.column]),
      [
        ['Bad answers', 'feedback:negative template:answer', 2, 3],
        ['slow', 'latency>2s', 3, 3],
      ],
    );
    assert.deepEqual(r.problems, []);
  });

  it('takes an empty or blank file (and a BOM) as no queries', () => {
    assert.deepEqual(ok(readSavedQueries('')).queries, []);
    assert.deepEqual(ok(readSavedQueries(' \n')).queries, []);
    assert.equal(ok(readSavedQueries('\ufeff[{"name":"a","query":"kind:llm"}]')).queries[0].at.column, 3);
  });

  it('locates a JSON syntax error', () => {
    const r = readSavedQueries('[\n  { "name": "a", "query": "x" },\n  { "name": "b" "query": "y" }\n]');
    assert.ok(!r.ok);
    assert.equal(r.problem.line, 3);
    assert.equal(r.problem.column, 17);
    assert.match(r.problem.message, /invalid JSON/);
  });

  it('says when the file ends early', () => {
    const r = readSavedQueries('[\n  { "name": "a", "query": "x"');
    assert.ok(!r.ok);
    assert.match(r.problem.message, /ends before it is complete/);
    assert.equal(r.problem.line, 2);
  });

  it('refuses a top-level value that is not an array, pointing at it', () => {
    const r = readSavedQueries('\n  {"name":"a","query":"b"}');
    assert.ok(!r.ok);
    assert.deepEqual([r.problem.line, r.problem.column], [2, 3]);
    assert.match(r.problem.message, /expected a JSON array/);
  });

  it('reports bad entries at the offending value and keeps the good ones', () => {
    const text = [
      '[',
      '  "just a string",',
      '  { "name": "", "query": "kind:llm" },',
      '  { "name": "no query" },',
      '  { "name": "num", "query": 42 },',
      '  { "name": "good", "query": "status:error", "extra": [1, {"x": "]"}] },',
      '  { "name": "GOOD", "query": "kind:tool" },',
      '  { "name": "broken", "query": "latency>2x" }',
      ']',
    ].join('\n');
    const r = ok(readSavedQueries(text));
    assert.deepEqual(
      r.queries.map((q) => [q.name, q.queryError]),
      [
        ['good', undefined],
        ['broken', "unknown unit 'x' at 9"],
      ],
    );
    assert.deepEqual(
      r.problems.map((p) => [p.line, p.column, p.message]),
      [
        [2, 3, 'entry 1: expected an object { "name": …, "query": … }'],
        [3, 13, 'entry 2: "name" must be a non-empty string'],
        [4, 3, 'entry 3: "query" must be a string'],
        [5, 29, 'entry 4: "query" must be a string'],
        [7, 3, 'entry 6: the name "GOOD" is already used at line 6; that one is used'],
        [8, 32, 'entry 7 ("broken"): unknown unit \'x\' at 9'],
      ],
    );
  });

  it('reads only own keys: __proto__ does not leak into the entries', () => {
    const r = ok(readSavedQueries('[{"__proto__": {"name": "evil", "query": "x"}}]'));
    assert.deepEqual(r.queries, []);
    assert.equal(r.problems.length, 1);
    assert.equal(({} as Record<string, unknown>).name, undefined);
  });

  it('bounds the number of entries and the file size', () => {
    const many = `[${Array.from({ length: MAX_SAVED_QUERIES + 5 }, (_, i) => `{"name":"q${i}","query":"kind:llm"}`).join(',')}]`;
    const r = ok(readSavedQueries(many));
    assert.equal(r.queries.length, MAX_SAVED_QUERIES);
    assert.equal(r.problems.length, 1);
    const huge = readSavedQueries(`[${' '.repeat(1024 * 1024)}]`);
    assert.ok(!huge.ok);
    assert.match(huge.problem.message, /larger than/);
  });
});

describe('saved queries: writing', () => {
  it('creates the array when there is no file', () => {
    const { text, replaced } = upsertSavedQuery(undefined, 'Bad answers', 'feedback:negative template:answer');
    assert.equal(replaced, false);
    assert.equal(text, '[\n  { "name": "Bad answers", "query": "feedback:negative template:answer" }\n]\n');
    assert.equal(ok(readSavedQueries(text)).queries[0].name, 'Bad answers');
  });

  it('appends after the last entry with the same indentation, keeping the rest byte for byte', () => {
    const before = '[\n    {"name": "a", "query": "kind:llm", "note": "keep me"},\n    {"name": "b", "query": "x"}\n]  \n';
    const { text } = upsertSavedQuery(before, 'c "quoted"', 'name:"chat (retry)"');
    assert.equal(
      text,
      '[\n    {"name": "a", "query": "kind:llm", "note": "keep me"},\n    {"name": "b", "query": "x"},\n    { "name": "c \\"quoted\\"", "query": "name:\\"chat (retry)\\"" }\n]  \n',
    );
    assert.deepEqual(
      ok(readSavedQueries(text)).queries.map((q) => [q.name, q.query]),
      [
        ['a', 'kind:llm'],
        ['b', 'x'],
        ['c "quoted"', 'name:"chat (retry)"'],
      ],
    );
  });

  it('fills an empty array and appends inline to a one-line file', () => {
    assert.equal(upsertSavedQuery('[]', 'a', 'x').text, '[\n  { "name": "a", "query": "x" }\n]');
    assert.equal(
      upsertSavedQuery('[{"name":"a","query":"x"}]', 'b', 'y').text,
      '[{"name":"a","query":"x"}, { "name": "b", "query": "y" }]',
    );
  });

  it('replaces the query of an entry with the same name (any case) in place', () => {
    const before = '[\n  {"query": "old", "name": "Slow", "owner": "me"},\n  {"name": "other", "query": "z"}\n]';
    const { text, replaced } = upsertSavedQuery(before, 'slow', 'latency>2s');
    assert.equal(replaced, true);
    assert.equal(text, '[\n  {"query": "latency>2s", "name": "Slow", "owner": "me"},\n  {"name": "other", "query": "z"}\n]');
  });

  it('never writes over a file it cannot read', () => {
    for (const bad of ['[{"name": "a", "query": "x"', '{"name": "a"}', 'not json']) {
      assert.throws(
        () => upsertSavedQuery(bad, 'b', 'y'),
        (err: unknown) => err instanceof SavedQueriesError && err.problem.line >= 1,
      );
    }
  });

  it('refuses an invalid entry', () => {
    assert.throws(() => upsertSavedQuery('[]', '  ', 'x'), /non-empty/);
    assert.throws(() => upsertSavedQuery('[]', 'a\nb', 'x'), /control character/);
    assert.throws(() => upsertSavedQuery('[]', 'a', 'x'.repeat(4001)), /longer than/);
  });
});
