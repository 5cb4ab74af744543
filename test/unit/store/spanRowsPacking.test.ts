// The packed index rows (SpanBatchBuilder, RowBuilder) are byte for byte what a plain reference
// packing computes from the Span objects: every string UTF-8-encoded one after the other, byte
// lengths (-1 for NULL), numbers (NaN for NULL or not finite), children counted on their parent's
// first row in the batch, the rest as kid rows, run sums as summarizeRuns chooses the root. The
// builder's shortcuts (bytes written as strings are added, timestamps formatted from two words,
// maps keyed by trace then id, the preview from a prefix) are checked against that reference.

import * as assert from 'node:assert/strict';
import type { Feedback, GuardResult, Span } from '../../../src/core/model/span';
import { isNegative, isPositive } from '../../../src/core/trace/runs';
import {
  KID_LAYOUT,
  RUN_LAYOUT,
  RowBuilder,
  SPAN_LAYOUT,
  SpanBatchBuilder,
  batchRows,
  rootPreview,
  type RowBatch,
  type RowLayout,
} from '../../../src/store/spanRows';
import { nsDuration } from '../../../src/store/padNs';
import { padNs } from '../../../src/store/sqlJsSchema';

type Value = string | number | null | undefined;

/** The reference packing of rows of plain values. */
function pack(layout: RowLayout, rows: Value[][]): RowBatch {
  const texts: Buffer[] = [];
  const lens: number[] = [];
  const nums: number[] = [];
  for (const row of rows) {
    assert.equal(row.length, layout.t + layout.n);
    for (const v of row.slice(0, layout.t)) {
      if (v === null || v === undefined) lens.push(-1);
      else {
        const b = Buffer.from(String(v), 'utf8');
        texts.push(b);
        lens.push(b.length);
      }
    }
    for (const v of row.slice(layout.t)) nums.push(typeof v === 'number' && Number.isFinite(v) ? v : NaN);
  }
  return { count: rows.length, text: new Uint8Array(Buffer.concat(texts)), lens: Int32Array.from(lens), nums: Float64Array.from(nums) };
}

function assertSameBatch(actual: RowBatch, expected: RowBatch, layout: RowLayout, what: string): void {
  // Decoded first, for a readable difference; then the bytes themselves.
  assert.deepEqual([...batchRows(actual, layout)], [...batchRows(expected, layout)], `${what}: rows`);
  assert.equal(actual.count, expected.count, `${what}: count`);
  assert.deepEqual(Buffer.from(actual.text), Buffer.from(expected.text), `${what}: text bytes`);
  assert.deepEqual([...actual.lens], [...expected.lens], `${what}: lengths`);
  assert.equal(actual.nums.length, expected.nums.length, `${what}: numbers`);
  actual.nums.forEach((v, i) => assert.ok(Object.is(v, expected.nums[i]), `${what}: number ${i}: ${v} ≠ ${expected.nums[i]}`));
  // Each batch owns exactly its bytes: they are transferred to another thread.
  for (const a of [actual.text, actual.lens, actual.nums]) {
    assert.equal(a.byteOffset, 0);
    assert.equal(a.byteLength, a.buffer.byteLength);
  }
}

interface Call {
  s: Span;
  preview: string | undefined;
  childCount: number;
  asRoot: boolean;
}

/** The span, run and kid rows of one batch, computed directly from its spans. */
function reference(calls: Call[]): { rows: RowBatch; runs: RowBatch; kids: RowBatch } {
  const parentOf = (c: Call): string | undefined => (c.asRoot ? undefined : c.s.parentId);
  const failedGuards = (g: GuardResult[] | undefined): number => g?.filter((x) => !x.passed).length ?? 0;
  const fb = (f: Feedback[] | undefined): [number, number] => [f?.filter(isNegative).length ?? 0, f?.filter(isPositive).length ?? 0];
  const modelOf = (s: Span): string | undefined => s.model?.returned ?? s.model?.requested;
  const firstRow = (trace: string, id: string): number => calls.findIndex((c) => c.s.traceId === trace && c.s.spanId === id);
  const rows = calls.map((c, i) => {
    const s = c.s;
    const failed = s.guards?.filter((g) => !g.passed) ?? [];
    const action = failed.length ? failed[0].action : s.guards?.[0]?.action;
    const model = modelOf(s);
    let kids = c.childCount;
    if (firstRow(s.traceId, s.spanId) === i) kids += calls.filter((k) => k.s.traceId === s.traceId && parentOf(k) === s.spanId).length;
    const [neg, pos] = fb(s.feedback);
    return [
      s.traceId,
      s.spanId,
      parentOf(c),
      s.name,
      s.kind,
      s.startNs.toString().padStart(20, '0'),
      s.endNs.toString().padStart(20, '0'),
      s.status,
      s.statusMessage,
      s.service,
      s.sessionId,
      s.userId,
      s.model?.provider,
      model,
      s.template?.name,
      s.template?.version,
      s.template?.path,
      s.code?.file,
      s.code?.function,
      action,
      c.preview,
      s.model?.requested !== undefined && s.model.requested !== model ? s.model.requested : undefined,
      s.usage?.input,
      s.usage?.output,
      s.cost,
      s.code?.line,
      failedGuards(s.guards),
      neg,
      pos,
      kids,
      s.range?.byteStart,
      s.range?.byteEnd,
      s.range?.line,
      Number(s.endNs - s.startNs),
    ];
  });
  const traces = [...new Set(calls.map((c) => c.s.traceId))];
  const runs = traces.map((t) => {
    const list = calls.filter((c) => c.s.traceId === t);
    const roots = list.filter((c) => parentOf(c) === undefined);
    const root = (roots.length ? roots : list).reduce((a, b) => (b.s.startNs < a.s.startNs ? b : a));
    const sum = (f: (c: Call) => number): number => list.reduce((a, c) => a + f(c), 0);
    const min = list.reduce((a, c) => (c.s.startNs < a ? c.s.startNs : a), list[0].s.startNs);
    const max = list.reduce((a, c) => (c.s.endNs > a ? c.s.endNs : a), list[0].s.endNs);
    const models = [...new Set(list.map((c) => modelOf(c.s)).filter((m): m is string => !!m))].sort();
    return [
      t,
      root.s.spanId,
      root.s.name,
      root.s.kind,
      min.toString().padStart(20, '0'),
      max.toString().padStart(20, '0'),
      JSON.stringify(models),
      root.preview,
      root.s.startNs.toString().padStart(20, '0'),
      list.length,
      sum((c) => (c.s.status === 'error' ? 1 : 0)),
      sum((c) => (c.s.kind === 'llm' ? 1 : 0)),
      sum((c) => c.s.usage?.input ?? 0),
      sum((c) => c.s.usage?.output ?? 0),
      sum((c) => c.s.cost ?? 0),
      sum((c) => failedGuards(c.s.guards)),
      sum((c) => fb(c.s.feedback)[0]),
      sum((c) => fb(c.s.feedback)[1]),
      roots.length,
    ];
  });
  const kids: Value[][] = [];
  const seen = new Set<string>();
  for (const c of calls) {
    const p = parentOf(c);
    if (p === undefined || firstRow(c.s.traceId, p) >= 0) continue;
    const key = JSON.stringify([c.s.traceId, p]);
    if (seen.has(key)) continue;
    seen.add(key);
    kids.push([c.s.traceId, p, calls.filter((k) => k.s.traceId === c.s.traceId && parentOf(k) === p).length]);
  }
  return { rows: pack(SPAN_LAYOUT, rows), runs: pack(RUN_LAYOUT, runs), kids: pack(KID_LAYOUT, kids) };
}

/** A small seeded generator, so a failure names a reproducible case. */
function rng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 4294967296;
  };
}

function span(
  traceId: string,
  spanId: string,
  parentId: string | undefined,
  startNs: bigint,
  endNs: bigint,
  more: Partial<Span> = {},
): Span {
  return {
    traceId,
    spanId,
    parentId,
    name: `op ${spanId}`,
    kind: 'span',
    startNs,
    endNs,
    status: 'ok',
    attributes: {},
    events: [],
    ...more,
  };
}

const T0 = 1767225600000000000n;
const P53 = 2n ** 53n;
const P64 = 2n ** 64n;

/** Hand-made spans for each case the brief lists; two batches, the second naming parents of the first. */
function handBatches(): Call[][] {
  const c = (s: Span, childCount = 0, asRoot = false): Call => ({
    s,
    preview: s.parentId === undefined || asRoot ? rootPreview(s) : undefined,
    childCount,
    asRoot,
  });
  const first: Call[] = [
    c(
      span('trace-A', 'a1', undefined, T0, T0 + 2_400_000_000n, {
        input: '  Où   est\tla\n gare ?  ',
        service: 'büro',
        sessionId: 's1',
        userId: 'u1',
      }),
    ),
    c(
      span('trace-B', 'b2', 'b1', 0n, 5n, {
        kind: 'tool',
        status: 'error',
        statusMessage: 'bad \ud800 lone',
        usage: { input: Infinity, output: 3 },
      }),
    ),
    c(
      span('trace-A', 'a2', 'a1', T0 + 250_000_000n, T0 + 9_999_999_999n, {
        kind: 'llm',
        model: { provider: 'openai', requested: 'gpt-4', returned: 'gpt-4-0613' },
        usage: { input: 12, output: 30 },
        cost: NaN,
        code: { file: 'agent.py', line: NaN, function: 'run' },
        template: { name: 'tpl', version: '2', path: '/p/tpl.j2' },
        guards: [
          { name: 'g1', passed: true, action: 'log' },
          { name: 'g2', passed: false, action: 'block' },
          { name: 'g3', passed: false, action: 'warn' },
        ],
        feedback: [{ label: 'thumbs-down' }, { score: 0.5 }, { score: -1 }, { label: 'meh' }],
        range: { byteStart: 0, byteEnd: 1234, line: 1 },
      }),
    ),
    c(span('trace-B', 'b1', undefined, P53 + 1n, P64 - 1n, { name: 'emoji 🦜 root', input: 'x'.repeat(300) })),
    c(
      span('trace-A', 'a3', 'a-missing', T0 + 10_000_000_000n, T0 + 10_000_000_001n, {
        cost: -Infinity,
        guards: [{ name: 'ok', passed: true }],
      }),
    ),
    // The same span id again: child counts go to its first row, which the store keeps.
    c(
      span('trace-A', 'a2', 'a1', T0 + 300_000_000n, T0 + 300_000_000n, { name: 'duplicate', kind: 'llm', model: { requested: 'claude' } }),
    ),
    c(span('trace-A', 'a4', 'a2', T0 + 400_000_000n, T0 + 350_000_000n, { model: { requested: 'gpt-4', returned: 'gpt-4' } })),
    // Its own parent: indexed as a root, with children counted before.
    c(span('trace-C', 'c1', 'c1', P64 + 5n, P64 + 6n, { input: ' \u00a0\u2028 ' }), 3, true),
    c(span('trace-C', 'c2', 'c1', -5n, 10n ** 20n, { cost: -0 })),
    // Another trace reusing span ids of trace-A: its children stay its own.
    c(
      span('trace-D', 'a1', undefined, 1n, 2n, {
        inputMessages: [
          { role: 'user', content: 'first' },
          { role: 'assistant', content: 'no' },
          { role: 'user', content: 'second  question' },
        ],
      }),
    ),
    c(span('trace-D', 'x', 'a1', 1n, 3n)),
    c(span('trace-D', 'y', 'a2', 1n, 3n)),
    c(span('trace-A', 'a5', 'a-missing', T0, T0, { userId: '' })),
  ];
  const second: Call[] = [
    c(span('trace-A', 'a6', 'a1', T0 + 1n, T0 + 2n)),
    c(span('trace-B', 'b3', 'b1', T0 + 1n, T0 + 2n, { name: '中文名字' })),
    c(span('trace-A', 'a7', 'a1', T0 + 3n, T0 + 4n)),
    c(span('trace-E', 'e1', 'e0', T0 + 3n, T0 + 4n, { name: 'x'.repeat(48) + 'é' })),
  ];
  return [first, second];
}

const ID_CHARS = 'abcdef0123456789';
const NAMES = [
  'plain',
  'ünïcödé',
  'emoji 🦜🦜',
  'lone \udc00 low',
  'high at end \ud83d',
  '\udc00 low at start',
  'a'.repeat(47),
  'b'.repeat(49) + '…',
  '',
];

/** Many traces interleaved in random order, with random parents (same batch or not), sizes and values. */
function randomBatches(seed: number, nBatches: number, perBatch: number): Call[][] {
  const r = rng(seed);
  const pick = <T>(a: T[]): T => a[Math.floor(r() * a.length)];
  const id = (n: number): string => Array.from({ length: n }, () => pick([...ID_CHARS])).join('');
  const traces = Array.from({ length: 12 }, () => ({
    id: id(32),
    spans: [] as string[],
    base: BigInt(Math.floor(r() * 2 ** 40)) * 1_000_000_000n,
  }));
  const batches: Call[][] = [];
  for (let b = 0; b < nBatches; b++) {
    const calls: Call[] = [];
    for (let i = 0; i < perBatch; i++) {
      const t = pick(traces);
      const spanId = r() < 0.03 && t.spans.length ? pick(t.spans) : id(16);
      const parentId = r() < 0.2 || !t.spans.length ? (r() < 0.5 ? undefined : id(16)) : pick(t.spans);
      t.spans.push(spanId);
      const start = t.base + BigInt(Math.floor(r() * 1e12));
      const s = span(t.id, spanId, parentId, start, start + BigInt(Math.floor(r() * 3e10)), {
        name: pick(NAMES),
        kind: pick(['llm', 'tool', 'agent', 'span'] as const),
        status: pick(['ok', 'error', 'unset'] as const),
        model: r() < 0.3 ? { requested: pick(['m1', 'm2', 'm3']), returned: r() < 0.5 ? pick(['m1', 'm2x']) : undefined } : undefined,
        usage: r() < 0.3 ? { input: Math.floor(r() * 1000), output: r() < 0.1 ? NaN : Math.floor(r() * 1000) } : undefined,
        cost: r() < 0.3 ? r() / 7 : undefined,
        input: r() < 0.5 ? pick(NAMES).repeat(Math.floor(r() * 20)) : undefined,
        range: { byteStart: i * 100, byteEnd: i * 100 + 99, line: i + 1 },
      });
      const asRoot = r() < 0.02;
      calls.push({
        s,
        preview: parentId === undefined || asRoot ? rootPreview(s) : r() < 0.1 ? '' : undefined,
        childCount: r() < 0.05 ? 2 : 0,
        asRoot,
      });
    }
    batches.push(calls);
  }
  return batches;
}

function checkBatches(batches: Call[][]): void {
  const builder = new SpanBatchBuilder();
  const taken: { batch: ReturnType<SpanBatchBuilder['take']>; copy: Buffer }[] = [];
  batches.forEach((calls, b) => {
    for (const c of calls) builder.add(c.s, c.preview, c.childCount, c.asRoot);
    assert.equal(builder.count, calls.length);
    const batch = builder.take();
    const want = reference(calls);
    assertSameBatch(batch, want.rows, SPAN_LAYOUT, `batch ${b} spans`);
    assert.ok(batch.runs && batch.kids);
    assertSameBatch(batch.runs, want.runs, RUN_LAYOUT, `batch ${b} runs`);
    assertSameBatch(batch.kids, want.kids, KID_LAYOUT, `batch ${b} kids`);
    taken.push({ batch, copy: Buffer.from(batch.text) });
  });
  // Later batches never write into earlier ones (the builder keeps and reuses its buffers).
  for (const t of taken) assert.deepEqual(Buffer.from(t.batch.text), t.copy);
}

/** The preview rule written plainly (what the fast runPreview must equal), '' for none. */
function plainPreview(root: Span): string {
  const raw = root.input ?? root.inputMessages?.filter((m) => m.role === 'user').pop()?.content;
  if (!raw) return '';
  const oneLine = raw.replace(/\s+/g, ' ').trim();
  return oneLine.length > 120 ? `${oneLine.slice(0, 119)}…` : oneLine;
}

describe('span row packing', () => {
  it('packs hand-made batches as the reference does', () => {
    checkBatches(handBatches());
  });

  it('packs many interleaved traces, in batches of several sizes, as the reference does', () => {
    for (const [seed, n, per] of [
      [1, 3, 1],
      [2, 4, 37],
      [3, 3, 400],
      [4, 2, 2500],
    ]) {
      checkBatches(randomBatches(seed, n, per));
    }
  });

  it('starts each batch afresh after take, including an empty one', () => {
    const builder = new SpanBatchBuilder();
    const empty = builder.take();
    assertSameBatch(empty, pack(SPAN_LAYOUT, []), SPAN_LAYOUT, 'empty');
    assert.ok(empty.runs && empty.kids);
    assert.equal(empty.runs.count, 0);
    assert.equal(empty.kids.count, 0);
    checkBatches(handBatches());
  });

  it('writes any text as its UTF-8 bytes, lone surrogates as U+FFFD, in a buffer of its own', () => {
    const layout: RowLayout = { t: 3, n: 1 };
    const r = rng(7);
    const alphabet = ['a', 'Z', ' ', '\u007f', '\u0080', 'é', '€', '中', '🦜', '\ud800', '\udfff', '\u0000', '\n'];
    for (const size of [0, 1, 47, 48, 49, 200, 5000]) {
      const b = new RowBuilder(layout);
      const rows: Value[][] = [];
      for (let i = 0; i < 40; i++) {
        const str = (): string | null | undefined =>
          r() < 0.1
            ? null
            : r() < 0.1
              ? undefined
              : Array.from({ length: Math.floor(r() * size) }, () => alphabet[Math.floor(r() * (r() < 0.8 ? 4 : alphabet.length))]).join(
                  '',
                );
        const row: Value[] = [str(), str(), str(), r() < 0.2 ? Infinity : r() < 0.2 ? null : r() * 1e6];
        for (const v of row.slice(0, 3)) b.text(v as string | null | undefined);
        b.num(row[3] as number | null);
        b.endRow();
        rows.push(row);
      }
      assertSameBatch(b.take(), pack(layout, rows), layout, `strings up to ${size}`);
    }
    // A text buffer grown past what a builder keeps, then a small batch after it.
    const b = new RowBuilder(layout);
    const big = '€'.repeat(2_000_000);
    b.text(big);
    b.text('x');
    b.text(null);
    b.num(1);
    b.endRow();
    assertSameBatch(b.take(), pack(layout, [[big, 'x', null, 1]]), layout, 'big');
    b.text('small');
    b.text(undefined);
    b.text('');
    b.num(undefined);
    b.endRow();
    assertSameBatch(b.take(), pack(layout, [['small', null, '', null]]), layout, 'after big');
  });

  it('writes timestamps as padNs does, and durations as Number(end - start)', () => {
    const r = rng(11);
    const values = [
      0n,
      1n,
      9_999_999_999n,
      10_000_000_000n,
      P53 - 1n,
      P53,
      P53 + 1n,
      2n ** 63n,
      P64 - 1n,
      P64,
      10n ** 20n,
      -1n,
      -5n,
      T0,
      T0 + 999n,
    ];
    for (let i = 0; i < 2000; i++)
      values.push(
        BigInt.asUintN(64, BigInt(Math.floor(r() * 2 ** 32)) * 2n ** 32n + BigInt(Math.floor(r() * 2 ** 32))) >>
          BigInt(Math.floor(r() * 64)),
      );
    for (let i = 0; i < 500; i++) values.push(T0 + BigInt(Math.floor(r() * 1e13)));
    const b = new RowBuilder({ t: 1, n: 0 });
    for (const v of values) {
      b.ns(v);
      b.endRow();
    }
    const got = [...batchRows(b.take(), { t: 1, n: 0 })].map((row) => row[0]);
    assert.deepEqual(got, values.map(padNs));
    for (let i = 0; i < values.length; i++) {
      const [s, e] = [values[i], values[(i * 7 + 3) % values.length]];
      assert.ok(Object.is(nsDuration(s, e), Number(e - s)), `${s} → ${e}`);
    }
  });

  it('previews a root by the plain rule (last user input, whitespace collapsed, trimmed, cut at 120)', () => {
    const r = rng(13);
    const pieces = [
      'word',
      'x',
      ' ',
      '  ',
      '\t',
      '\n\n',
      '\u00a0',
      '\u2028',
      '\u3000',
      '\ufeff',
      '\u200a',
      'é',
      '🦜',
      '\ud800',
      '-',
      '\u001f',
      '\u0085',
    ];
    const inputs: (string | undefined)[] = [
      undefined,
      '',
      ' ',
      'a',
      'a'.repeat(119),
      'a'.repeat(120),
      'a'.repeat(121),
      'a'.repeat(122),
      'a'.repeat(5000),
    ];
    for (const n of [118, 119, 120, 121, 122, 123, 159, 160, 161, 400]) {
      inputs.push(
        `${'ab '.repeat(n).slice(0, n)}🦜 tail`,
        ` ${'a'.repeat(n)}`,
        `${'a'.repeat(n - 2)}  b`,
        `${'a'.repeat(n)}\n\n\n`,
        `${'a '.repeat(n)}`,
      );
      // Past the scanned prefix, only whitespace: the end is trimmed, which decides the cut.
      inputs.push(`${'a'.repeat(n)}${' '.repeat(60)}`, `${'a '.repeat(n)}${'\t'.repeat(200)}`, `${'a'.repeat(n)} ${'\n'.repeat(200)}b`);
    }
    // Whitespace other than a space inside the first 122 characters (collapsed to a space).
    for (const n of [0, 1, 50, 119, 120, 121, 122]) {
      for (const ws of ['\u00a0', '\u3000', '\ufeff', '\u2028', '\t', '\u0085', '\u001f', 'é'])
        inputs.push(`${'a'.repeat(n)}${ws}${'b'.repeat(200)}`);
    }
    for (let i = 0; i < 3000; i++)
      inputs.push(Array.from({ length: Math.floor(r() * 120) }, () => pieces[Math.floor(r() * (r() < 0.7 ? 3 : pieces.length))]).join(''));
    for (const input of inputs) {
      const s = span('t', 's', undefined, 1n, 2n, { input });
      assert.equal(rootPreview(s), plainPreview(s), JSON.stringify(input));
      const m = span('t', 's', undefined, 1n, 2n, {
        inputMessages: [
          { role: 'user', content: input ?? '' },
          { role: 'tool', content: 'later' },
        ],
      });
      assert.equal(rootPreview(m), plainPreview(m), JSON.stringify(input));
    }
    for (const inputMessages of [
      [],
      [{ role: 'assistant', content: 'a' }],
      [
        { role: 'user', content: 'one' },
        { role: 'user', content: '' },
      ],
    ]) {
      const s = span('t', 's', undefined, 1n, 2n, { inputMessages });
      assert.equal(rootPreview(s), plainPreview(s));
    }
  });
});
