// Attribute gating (src/core/formats/attrGates.ts) makes mapSemantics skip steps whose keys a
// span lacks; it must never change a result. Checked three ways:
//  - against a snapshot that the mapping code wrote BEFORE gating existed (real corpus and
//    example files, and generated spans with keys of every convention), full and index-only;
//  - gated against ungated (every gate open), over the same inputs and spans built from every
//    key and prefix the gates recorded, so a future key is covered without a new snapshot;
//  - the recording itself: what it sees, and what it refuses.

import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { newAttributes } from '../../../src/core/formats/anyValue';
import { attributeGates, presentGates, recordKeys, withAttributeGatesOpen } from '../../../src/core/formats/attrGates';
import { hasPrefix, indexed, str } from '../../../src/core/formats/attrs';
import type { AttrValue, Attributes } from '../../../src/core/model/span';
import {
  fileLabel,
  generatedSeeds,
  inputFiles,
  KEY_POOL,
  mapFile,
  mapGenerated,
  ownFiles,
  SNAPSHOT,
  type MappedSpan,
  type MappingSnapshot,
  type ModePair,
} from '../../support/mappingSnapshot';

const REWRITE = 'if mapping changed on purpose, rewrite it: npx tsx test/support/mappingSnapshot.ts --write';

/** Equal, and in the same key order (deepStrictEqual ignores order; stored JSON does not). */
function sameSpans(actual: MappedSpan[], expected: MappedSpan[], what: string): void {
  assert.equal(actual.length, expected.length, `${what}: span count`);
  for (let i = 0; i < actual.length; i++) {
    assert.deepStrictEqual(actual[i], expected[i], `${what}: span ${i}`);
    assert.equal(JSON.stringify(actual[i]), JSON.stringify(expected[i]), `${what}: span ${i} key order`);
  }
}

function samePair(actual: ModePair, expected: ModePair, what: string): void {
  sameSpans(actual.full, expected.full, `${what} (full mapping)`);
  sameSpans(actual.index, expected.index, `${what} (index-only mapping)`);
}

describe('mapping equivalence: attribute gating changes no result', function () {
  this.timeout(60_000);
  const snapshot = JSON.parse(fs.readFileSync(SNAPSHOT, 'utf8')) as MappingSnapshot;
  const files = inputFiles();

  describe('against the snapshot written before gating', () => {
    it("covers every one of the project's own trace files", () => {
      assert.deepEqual(ownFiles().map(fileLabel).sort(), Object.keys(snapshot.files).sort(), REWRITE);
      const spans = Object.values(snapshot.files).reduce((n, p) => n + p.full.length, 0);
      assert.ok(spans > 100, `${spans} real spans in the snapshot`);
    });

    for (const file of ownFiles()) {
      const label = fileLabel(file);
      it(label, () => {
        const expected = snapshot.files[label];
        assert.ok(expected, `${label} is in the snapshot; ${REWRITE}`);
        samePair(mapFile(file), expected, label);
      });
    }

    it(`generated spans (${snapshot.generated.full.length}, every convention alone and mixed)`, () => {
      samePair(mapGenerated(), snapshot.generated, 'generated');
    });
  });

  describe('gated against every gate open', () => {
    for (const file of files) {
      const label = fileLabel(file);
      it(label, () =>
        samePair(
          mapFile(file),
          withAttributeGatesOpen(() => mapFile(file)),
          label,
        ),
      );
    }

    it('spans built from every key and prefix the gates recorded, alone and mixed', () => {
      const values: AttrValue[] = ['x', '', 3, '7', true, '{"input":1,"total":"2"}', '[{"role":"user","content":"c"}]', '"LLM"'];
      const pool: [string, AttrValue[]][] = [...KEY_POOL];
      for (const g of attributeGates()) {
        for (const k of g.keys) pool.push([k, values]);
        for (const p of g.prefixes) {
          pool.push([`${p}0.message.role`, ['assistant']], [`${p}0.content`, values], [`${p}1.document.content`, ['d']]);
          pool.push([`${p}0.annotation.score`, [0.5]], [`${p}x`, ['not indexed']]);
        }
      }
      const seeds = generatedSeeds(pool, 3000);
      samePair(
        mapGenerated(seeds),
        withAttributeGatesOpen(() => mapGenerated(seeds)),
        'generated from gate keys',
      );
    });
  });

  describe('recording the keys a step reads', () => {
    const attrs = (o: Record<string, AttrValue>): Attributes => Object.assign(newAttributes(), o);

    it('records fixed keys, including ones read only when an earlier key is absent', () => {
      const rec = recordKeys('t', (a) => str(a, 'a', 'b') ?? (a.c !== undefined ? str(a, 'd') : undefined));
      assert.deepEqual(rec, { keys: ['a', 'b', 'c'], prefixes: [] });
    });

    it('records prefix scans by indexed() and hasPrefix()', () => {
      const rec = recordKeys('t', (a) => (indexed(a, 'annotations').length || hasPrefix(a, 'x.') ? 1 : undefined));
      assert.deepEqual(rec, { keys: [], prefixes: ['annotations.', 'x.'] });
    });

    it('refuses a step that enumerates the attributes itself, writes to them, or decides without them', () => {
      assert.throws(() => recordKeys('t', (a) => (Object.keys(a).length ? 1 : undefined)), /enumerates the attributes/);
      assert.throws(() => recordKeys('t', (a) => Object.entries(a)[0]), /enumerates the attributes/);
      assert.throws(() => recordKeys('t', (a) => ((a.k = 1), undefined)), /writes to the attributes/);
      assert.throws(() => recordKeys('t', () => 'span'), /returns "span" for empty attributes/);
    });

    it('gates mapSemantics steps on exact keys and on scanned prefixes only', () => {
      const gate = (name: string): number => {
        const g = attributeGates().find((x) => x.name === name);
        assert.ok(g, name);
        return g.bit;
      };
      assert.equal(presentGates(attrs({})), 0);
      assert.equal(presentGates(attrs({ 'http.method': 'GET', annotations: 'x', 'annotationsX.0.y': 1 })), 0);
      assert.ok(presentGates(attrs({ 'annotations.0.annotation.name': 'n' })) & gate('feedback'));
      assert.ok(presentGates(attrs({ 'code.lineno': 3 })) & gate('codeLocation'));
      assert.equal(presentGates(attrs({ 'code.lineno': 3 })) & gate('tokenUsage'), 0);
      // templateRef reads gen_ai.prompt only for a LangSmith prompt run, so langsmith.span.kind opens it.
      assert.ok(presentGates(attrs({ 'langsmith.span.kind': 'prompt' })) & gate('templateRef'));
      assert.equal(presentGates(attrs({ 'gen_ai.prompt': '{}' })) & gate('templateRef'), 0);
      assert.equal(
        withAttributeGatesOpen(() => presentGates(attrs({}))),
        attributeGates().reduce((m, g) => m | g.bit, 0),
      );
    });
  });
});
