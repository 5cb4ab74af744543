// Real-world files from ../shared/corpus (otlp-json, openinference, openllmetry) against a table
// computed INDEPENDENTLY of our importer: test/support/corpus_expected.py walks the raw JSON with
// the Python standard library per docs/formats.md and writes test/fixtures/corpusExpected.json.
// Regenerate with `python3 test/support/corpus_expected.py` when the corpus changes.
// The corpus lives outside the repo: TRACELENS_CORPUS overrides the default location; the suite
// skips when it is absent.

import * as assert from 'node:assert/strict';
import { corpusPresent, importAndCompare, loadTable, tableChecks, type CorpusSuite } from '../support/corpusSuite';

const SUITE: CorpusSuite = {
  folders: ['otlp-json', 'openinference', 'openllmetry'],
  tableFile: 'corpusExpected.json',
  oracle: 'corpus_expected.py',
};
const table = loadTable(SUITE);

describe('corpus conformance (../shared/corpus vs. an independent Python oracle)', function () {
  before(function () {
    if (!corpusPresent(SUITE)) this.skip();
  });

  tableChecks(SUITE);

  for (const [rel, exp] of Object.entries(table)) {
    it(`${rel}: ${exp.format}, ${exp.spans} spans, ${exp.llmSpans} LLM, ${exp.inputTokens}/${exp.outputTokens} tokens`, async function () {
      const r = await importAndCompare(SUITE, rel, exp);
      if (exp.format === 'unknown') {
        const d = r.diagnostics.find((x) => x.code === exp.diagnostic);
        assert.ok(d, `${rel}: a ${exp.diagnostic} diagnostic, got ${JSON.stringify(r.diagnostics)}`);
        assert.equal(d.severity, 'error');
        assert.equal(d.line, 1);
        assert.equal(d.offset, 0);
      } else {
        const errors = r.diagnostics.filter((d) => d.severity === 'error');
        assert.deepEqual(errors, [], `${rel}: a valid trace file yields no error diagnostics`);
      }
      if (r.format === 'otlp-json') {
        for (const s of r.spans) {
          assert.match(s.traceId, /^[0-9a-f]{32}$/, `${rel}: OTLP trace id is lowercase 32-hex`);
          assert.match(s.spanId, /^[0-9a-f]{16}$/, `${rel}: OTLP span id is lowercase 16-hex`);
          if (s.parentId !== undefined) assert.match(s.parentId, /^[0-9a-f]{16}$/, `${rel}: OTLP parent id is lowercase 16-hex`);
        }
      }
    });
  }
});
