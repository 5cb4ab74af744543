// The byte-level splitter of one big OTLP JSON document: it cuts out the same spans JSON.parse
// sees (strings with braces, escaped quotes and backslashes across chunk edges, unicode, any
// whitespace, envelopes and key spellings), with each span's exact byte range and its resource
// and scope, including when the resource or scope comes after the spans.

import * as assert from 'node:assert/strict';
import { DocumentSplitter, type DocumentEvent } from '../../../src/ingest/documentStream';
import { FileIndexer } from '../../../src/ingest/fileIndexer';
import { tempDir } from './helpers';

type Obj = Record<string, unknown>;

function rng(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s * 1103515245 + 12345) >>> 0;
    return s / 2 ** 32;
  };
}

const NASTY = [
  'plain',
  'with } and { braces',
  'quote " inside',
  'back\\slash\\',
  '\\\\"',
  'ünïcødé 😀 ✓',
  '[]{}:,"\\n',
  '\u2028\u0001',
  '',
];

function doc(
  r: () => number,
  opts: { resourceLast?: boolean; scopeLast?: boolean; snake?: boolean; envelope?: boolean; pretty?: boolean },
): Obj {
  const str = (): string => NASTY[Math.floor(r() * NASTY.length)] + NASTY[Math.floor(r() * NASTY.length)];
  let n = 0;
  const span = (): Obj => ({
    traceId: 'ab'.repeat(16),
    spanId: (++n).toString(16).padStart(16, '0'),
    name: str(),
    attributes: [
      { key: str(), value: { stringValue: str() } },
      { key: 'nested', value: { kvlistValue: { values: [{ key: 'k', value: { arrayValue: { values: [{ stringValue: str() }] } } }] } } },
    ],
    events: [{ name: str(), attributes: [] }],
    status: {},
  });
  const rsKey = opts.snake ? 'resource_spans' : 'resourceSpans';
  const ssKey = opts.snake ? 'scope_spans' : r() < 0.5 ? 'scopeSpans' : 'instrumentationLibrarySpans';
  const scopeKey = ssKey === 'instrumentationLibrarySpans' ? 'instrumentationLibrary' : 'scope';
  const resourceSpans = [0, 1].map(() => {
    const resource = { attributes: [{ key: 'service.name', value: { stringValue: str() } }] };
    const scopes = [0, 1, 2].map(() => {
      const spans = Array.from({ length: 1 + Math.floor(r() * 4) }, span);
      const scope = { name: str(), version: '1' };
      return opts.scopeLast ? { spans, [scopeKey]: scope } : { [scopeKey]: scope, spans };
    });
    return opts.resourceLast ? { [ssKey]: scopes, resource } : { resource, [ssKey]: scopes };
  });
  const body = { [rsKey]: resourceSpans };
  return opts.envelope ? { result: body } : body;
}

/** [span, resource, scope] triples as JSON.parse sees them. */
function expectedSpans(d: Obj): [Obj, unknown, unknown][] {
  const body = (d.result ?? d) as Obj;
  const out: [Obj, unknown, unknown][] = [];
  for (const rs of (body.resourceSpans ?? body.resource_spans) as Obj[]) {
    for (const ss of (rs.scopeSpans ?? rs.scope_spans ?? rs.instrumentationLibrarySpans) as Obj[]) {
      for (const sp of ss.spans as Obj[]) out.push([sp, rs.resource, ss.scope ?? ss.instrumentationLibrary]);
    }
  }
  return out;
}

function splitAll(bytes: Uint8Array, chunk: number): DocumentEvent[] {
  const sp = new DocumentSplitter();
  const events: DocumentEvent[] = [];
  for (let i = 0; i < bytes.length; i += chunk) events.push(...sp.push(bytes.subarray(i, i + chunk)));
  events.push(...sp.end());
  assert.deepEqual(sp.diagnostics, []);
  return events;
}

describe('document stream', () => {
  const tmp = tempDir();
  after(() => tmp.remove());

  for (const [name, opts] of [
    ['camelCase, compact', {}],
    ['snake_case, pretty-printed, in a result envelope', { snake: true, envelope: true, pretty: true }],
  ] as const) {
    it(`cuts out the spans JSON.parse sees, with exact byte ranges: ${name}`, () => {
      const r = rng(11);
      for (let k = 0; k < 5; k++) {
        const d = doc(r, opts);
        const text = JSON.stringify(d, null, 'pretty' in opts ? 2 : undefined);
        const bytes = new TextEncoder().encode(text);
        const expected = expectedSpans(d);
        for (const chunk of [1, 2, 5, 17, 4096]) {
          const recs = splitAll(bytes, chunk).flatMap((e) => (e.type === 'record' ? [e.record] : []));
          assert.equal(recs.length, expected.length, `chunk ${chunk}`);
          recs.forEach((rec, i) => {
            const [span, resource, scope] = expected[i];
            const wrapped = JSON.parse(rec.text) as Obj;
            const rs = (wrapped.resourceSpans as Obj[])[0];
            const ss = (rs.scopeSpans as Obj[])[0];
            assert.deepEqual((ss.spans as Obj[])[0], span);
            assert.deepEqual(rs.resource, resource);
            assert.deepEqual(ss.scope, scope);
            assert.deepEqual(JSON.parse(new TextDecoder().decode(bytes.subarray(rec.byteStart, rec.byteEnd))), span);
            const lineOfStart = new TextDecoder().decode(bytes.subarray(0, rec.byteStart)).split('\n').length;
            assert.equal(rec.line, lineOfStart);
          });
        }
      }
    });
  }

  it('defers spans whose resource or scope comes after them, and hands them out with it', () => {
    const r = rng(5);
    const d = doc(r, { resourceLast: true, scopeLast: true });
    const bytes = new TextEncoder().encode(JSON.stringify(d));
    const expected = expectedSpans(d);
    const events = splitAll(bytes, 7);
    assert.equal(events.filter((e) => e.type === 'record').length, 0);
    const deferred = events.flatMap((e) => (e.type === 'deferred' ? [e.deferred] : []));
    const got: [Obj, unknown, unknown][] = [];
    for (const dfr of deferred) {
      for (let i = 0; i < dfr.ranges.length; i += 3) {
        const span = JSON.parse(new TextDecoder().decode(bytes.subarray(dfr.ranges[i], dfr.ranges[i + 1]))) as Obj;
        got.push([
          span,
          dfr.context.resource === undefined ? undefined : JSON.parse(dfr.context.resource),
          dfr.context.scope === undefined ? undefined : JSON.parse(dfr.context.scope),
        ]);
      }
    }
    assert.deepEqual(got, expected);
  });

  it('indexes a document whose resource comes last with the resource (service) of each span', () => {
    const r = rng(9);
    const d = doc(r, { resourceLast: true });
    const file = tmp.file('late.json', JSON.stringify(d, null, 1));
    const ix = new FileIndexer(file, { chunkBytes: 64 });
    let rows = 0;
    for (;;) {
      const ev = ix.step();
      if (!ev) break;
      for (const e of ev) if (e.type === 'batch') rows += e.batch.count;
    }
    ix.close();
    assert.equal(rows, expectedSpans(d).length);
    assert.equal(ix.summary().format, 'otlp-json');
    assert.equal(ix.summary().mode, 'otlp-document');
  });

  it('keeps the spans before a truncation and reports where the document ends', () => {
    const d = doc(rng(2), {});
    const text = JSON.stringify(d);
    const cut = text.lastIndexOf('"spanId"');
    const sp = new DocumentSplitter();
    const events = [...sp.push(new TextEncoder().encode(text.slice(0, cut))), ...sp.end()];
    const recs = events.filter((e) => e.type === 'record');
    assert.equal(recs.length, expectedSpans(d).length - 1);
    assert.equal(sp.diagnostics[0]?.code, 'json.truncated');
  });

  it('cuts a top-level array into its elements (other formats, too big to parse whole)', () => {
    const items = [{ a: '}{' }, { b: ['"', '\\'] }, [1, 2], { c: 'ü' }];
    const bytes = new TextEncoder().encode(' ' + JSON.stringify(items, null, 2));
    const sp = new DocumentSplitter({ mode: 'elements' });
    const out: DocumentEvent[] = [];
    for (let i = 0; i < bytes.length; i += 3) out.push(...sp.push(bytes.subarray(i, i + 3)));
    out.push(...sp.end());
    const recs = out.flatMap((e) => (e.type === 'record' ? [e.record] : []));
    assert.deepEqual(
      recs.map((x) => JSON.parse(x.text)),
      items,
    );
    for (const x of recs) assert.equal(new TextDecoder().decode(bytes.subarray(x.byteStart, x.byteEnd)), x.text);
  });
});

describe('document stream limits', () => {
  it('stops at absurd nesting with a located diagnostic instead of growing its stack', () => {
    const deep = '{"resourceSpans":[{"scopeSpans":[{"spans":[' + '['.repeat(50_000) + ']'.repeat(50_000) + ']}]}]}';
    const sp = new DocumentSplitter();
    const bytes = new TextEncoder().encode(deep);
    for (let i = 0; i < bytes.length; i += 4096) sp.push(bytes.subarray(i, i + 4096));
    sp.end();
    assert.equal(sp.depth, 0);
    assert.deepEqual(
      sp.diagnostics.map((d) => d.code),
      ['json.tooDeep'],
    );
    assert.ok((sp.diagnostics[0].offset ?? 0) > 10_000);
  });
});
