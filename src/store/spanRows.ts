// The index rows of spans, as they travel from the parsing worker to the store: compact,
// transferable batches (the UTF-8 text of every string column, their byte lengths, and the
// numbers), so crossing threads costs a memcpy and binding costs no per-string allocation. The
// producer also sums each batch per run and counts children per parent, so the store merges
// a few hundred run rows per batch instead of re-reading thousands of span rows.

import type { Span } from '../core/model/span';
import { isNegative, isPositive, summarizeRuns } from '../core/trace/runs';
import { padNs } from './sqlJsSchema';
import type { SearchRowBatch } from './sqlJsSearchRows';

/** Text columns of `spans`, in the order a batch carries them (after `source_id`). */
export const SPAN_TEXT_COLUMNS = [
  'trace_id',
  'span_id',
  'parent_id',
  'name',
  'kind',
  'start_ns',
  'end_ns',
  'status',
  'status_message',
  'service',
  'session_id',
  'user_id',
  'provider',
  'model',
  'template_name',
  'template_version',
  'template_path',
  'code_file',
  'code_function',
  'guard_action',
  'preview',
  'request_model',
] as const;

/** Numeric columns of `spans`, after the text columns. */
export const SPAN_NUMBER_COLUMNS = [
  'input_tokens',
  'output_tokens',
  'cost',
  'code_line',
  'guards_failed',
  'negative_feedback',
  'positive_feedback',
  'child_count',
  'byte_start',
  'byte_end',
  'line',
  'duration_ns',
] as const;

/** One run's share of a batch (see `runs`). */
export const RUN_TEXT_COLUMNS = [
  'trace_id',
  'root_span_id',
  'name',
  'kind',
  'start_ns',
  'end_ns',
  'models',
  'preview',
  'root_start_ns',
] as const;
export const RUN_NUMBER_COLUMNS = [
  'span_count',
  'error_count',
  'llm_count',
  'input_tokens',
  'output_tokens',
  'cost',
  'guards_failed',
  'negative_feedback',
  'positive_feedback',
  'root_count',
] as const;

/** Children per (trace, parent) in a batch. */
export const KID_TEXT_COLUMNS = ['trace_id', 'parent_id'] as const;
export const KID_NUMBER_COLUMNS = ['n'] as const;

export interface RowLayout {
  t: number;
  n: number;
}
export const SPAN_LAYOUT: RowLayout = { t: SPAN_TEXT_COLUMNS.length, n: SPAN_NUMBER_COLUMNS.length };
const CHILD_COUNT = SPAN_NUMBER_COLUMNS.indexOf('child_count');
export const RUN_LAYOUT: RowLayout = { t: RUN_TEXT_COLUMNS.length, n: RUN_NUMBER_COLUMNS.length };
export const KID_LAYOUT: RowLayout = { t: KID_TEXT_COLUMNS.length, n: KID_NUMBER_COLUMNS.length };

const numberedPlaceholders = (n: number): string => Array.from({ length: n }, (_, i) => `?${i + 1}`).join(', ');

/**
 * `INSERT OR IGNORE INTO spans (source_id, …, trace_no) VALUES (?1, …, <number of ?2>)`:
 * duplicates keep the first copy. The trace must be in `traces` first (sqlJsWriter.ts).
 */
export const INSERT_SPAN_SQL = `INSERT OR IGNORE INTO spans (source_id, ${[...SPAN_TEXT_COLUMNS, ...SPAN_NUMBER_COLUMNS].join(', ')}, trace_no) VALUES (${numberedPlaceholders(
  1 + SPAN_LAYOUT.t + SPAN_LAYOUT.n,
)}, (SELECT trace_no FROM traces WHERE trace_id = ?2))`;

/**
 * `count` rows of a layout: `lens[i*t + c]` is the UTF-8 byte length of text column c of row i
 * (-1 for NULL), the texts following each other in `text` in that order; `nums[i*n + c]` is
 * numeric column c (NaN for NULL).
 */
export interface RowBatch {
  count: number;
  text: Uint8Array;
  lens: Int32Array;
  nums: Float64Array;
}

export interface SpanRowBatch extends RowBatch {
  /** Per-run sums of these rows (RUN_* layout), when the producer computed them. */
  runs?: RowBatch;
  /** Children per parent in these rows (KID_* layout), when the producer computed them. */
  kids?: RowBatch;
  /** The rows' search rows (sqlJsSearchRows.ts), when the producer computed them. */
  search?: SearchRowBatch;
}

/**
 * The preview a run shows when this span is its root (summarizeRuns' own rule), or '' when it
 * has none: '' marks "computed", NULL "not computed" (spans with a parent are not, while indexing).
 */
export function rootPreview(s: Span): string {
  return summarizeRuns([s])[0]?.preview ?? '';
}

const encoder = new TextEncoder();
// eslint-disable-next-line no-control-regex -- the ASCII range starts at U+0000
const NON_ASCII = /[^\x00-\x7f]/;

/** Packs rows of one layout into a transferable batch. */
export class RowBuilder {
  private parts: string[] = [];
  private lens: Int32Array;
  private nums: Float64Array;
  private li = 0;
  private ni = 0;
  count = 0;

  constructor(private readonly layout: RowLayout) {
    this.lens = new Int32Array(256 * layout.t);
    this.nums = new Float64Array(256 * layout.n);
  }

  /** Text column value (call `layout.t` times, then `num` `layout.n` times, per row). */
  text(v: string | null | undefined): void {
    if (this.li === this.lens.length) this.lens = grow(this.lens);
    if (v === null || v === undefined) {
      this.lens[this.li++] = -1;
      return;
    }
    // UTF-16 length for now: take() fixes the lengths up in the rare batch that is not ASCII.
    this.parts.push(v);
    this.lens[this.li++] = v.length;
  }

  num(v: number | null | undefined): void {
    if (this.ni === this.nums.length) this.nums = grow(this.nums);
    this.nums[this.ni++] = v === null || v === undefined || !Number.isFinite(v) ? NaN : v;
  }

  endRow(): void {
    this.count++;
  }

  take(): RowBatch {
    const joined = this.parts.join('');
    const lens = this.lens.slice(0, this.li);
    let text: Uint8Array;
    if (!NON_ASCII.test(joined)) {
      // One native copy; byte lengths are the string lengths. An own buffer (never Buffer's
      // shared pool): batches are transferred between threads.
      text = new Uint8Array(joined.length);
      Buffer.from(text.buffer, text.byteOffset, text.length).write(joined, 0, 'latin1');
    } else {
      // Some text is not ASCII (a preview's "…", say): byte lengths string by string (native).
      let k = 0;
      for (let i = 0; i < lens.length; i++) if (lens[i] >= 0) lens[i] = Buffer.byteLength(this.parts[k++], 'utf8');
      text = encoder.encode(joined);
      if (text.length !== lens.reduce((a, b) => a + Math.max(0, b), 0)) text = encodeEach(this.parts, lens);
    }
    const batch: RowBatch = { count: this.count, text, lens, nums: this.nums.slice(0, this.ni) };
    this.parts = [];
    this.li = 0;
    this.ni = 0;
    this.count = 0;
    return batch;
  }
}

function grow<A extends Int32Array | Float64Array>(a: A): A {
  const b = new (a.constructor as { new (n: number): A })(a.length * 2);
  b.set(a);
  return b;
}

/** Slow path when the length estimate and the encoder disagree: encode string by string. */
function encodeEach(parts: string[], lens: Int32Array): Uint8Array {
  const chunks = parts.map((p) => encoder.encode(p));
  let k = 0;
  for (let i = 0; i < lens.length; i++) if (lens[i] >= 0) lens[i] = chunks[k++].length;
  const out = new Uint8Array(chunks.reduce((a, c) => a + c.length, 0));
  let off = 0;
  for (const c of chunks) {
    out.set(c, off);
    off += c.length;
  }
  return out;
}

interface RunDelta {
  traceId: string;
  root: Span;
  rootPreview: string | undefined;
  rootIsRoot: boolean;
  start: bigint;
  end: bigint;
  n: number;
  err: number;
  llm: number;
  it: number;
  ot: number;
  cost: number;
  gf: number;
  neg: number;
  pos: number;
  roots: number;
  models: Set<string>;
}

/** Span rows plus the batch's run sums and child counts. */
export class SpanBatchBuilder {
  private readonly rows = new RowBuilder(SPAN_LAYOUT);
  private runs = new Map<string, RunDelta>();
  private kids = new Map<string, number>();
  /** Row of each (trace, span) in the batch (the first, for a duplicate id). */
  private rowOf = new Map<string, number>();

  get count(): number {
    return this.rows.count;
  }

  /**
   * Add a mapped span. `preview`: its run preview when it may be a root ('' = none; undefined =
   * not computed). `asRoot`: index it without its parent (a span that is its own parent).
   */
  add(s: Span, preview: string | undefined, childCount = 0, asRoot = false): void {
    const b = this.rows;
    const parentId = asRoot ? undefined : s.parentId;
    const key = `${s.traceId}\u0000${s.spanId}`;
    if (!this.rowOf.has(key)) this.rowOf.set(key, b.count);
    const startText = padNs(s.startNs);
    let failed = 0;
    let action: string | undefined;
    if (s.guards) {
      for (const g of s.guards) {
        if (!g.passed) {
          if (failed === 0) action = g.action;
          failed++;
        }
      }
      if (failed === 0) action = s.guards[0]?.action;
    }
    let neg = 0;
    let pos = 0;
    if (s.feedback) {
      for (const f of s.feedback) {
        if (isNegative(f)) neg++;
        else if (isPositive(f)) pos++;
      }
    }
    const model = s.model?.returned ?? s.model?.requested;
    b.text(s.traceId);
    b.text(s.spanId);
    b.text(parentId);
    b.text(s.name);
    b.text(s.kind);
    b.text(startText);
    b.text(padNs(s.endNs));
    b.text(s.status);
    b.text(s.statusMessage);
    b.text(s.service);
    b.text(s.sessionId);
    b.text(s.userId);
    b.text(s.model?.provider);
    b.text(model);
    b.text(s.template?.name);
    b.text(s.template?.version);
    b.text(s.template?.path);
    b.text(s.code?.file);
    b.text(s.code?.function);
    b.text(action);
    b.text(preview);
    b.text(s.model?.requested !== undefined && s.model.requested !== model ? s.model.requested : undefined);
    b.num(s.usage?.input);
    b.num(s.usage?.output);
    b.num(s.cost);
    b.num(s.code?.line);
    b.num(failed);
    b.num(neg);
    b.num(pos);
    b.num(childCount);
    b.num(s.range?.byteStart);
    b.num(s.range?.byteEnd);
    b.num(s.range?.line);
    b.num(Number(s.endNs - s.startNs));
    b.endRow();

    // Run sums, with the root chosen as summarizeRuns does (no parent first, then earliest start,
    // then first in order).
    const isRoot = parentId === undefined;
    let r = this.runs.get(s.traceId);
    if (!r) {
      r = {
        traceId: s.traceId,
        root: s,
        rootPreview: preview,
        rootIsRoot: isRoot,
        start: s.startNs,
        end: s.endNs,
        n: 0,
        err: 0,
        llm: 0,
        it: 0,
        ot: 0,
        cost: 0,
        gf: 0,
        neg: 0,
        pos: 0,
        roots: 0,
        models: new Set(),
      };
      this.runs.set(s.traceId, r);
    } else if ((isRoot && !r.rootIsRoot) || (isRoot === r.rootIsRoot && s.startNs < r.root.startNs)) {
      r.root = s;
      r.rootPreview = preview;
      r.rootIsRoot = isRoot;
    }
    if (s.startNs < r.start) r.start = s.startNs;
    if (s.endNs > r.end) r.end = s.endNs;
    r.n++;
    if (s.status === 'error') r.err++;
    if (s.kind === 'llm') r.llm++;
    r.it += s.usage?.input ?? 0;
    r.ot += s.usage?.output ?? 0;
    r.cost += s.cost ?? 0;
    r.gf += failed;
    r.neg += neg;
    r.pos += pos;
    if (isRoot) r.roots++;
    if (model) r.models.add(model);
    if (!isRoot) {
      const k = `${s.traceId}\u0000${parentId}`;
      this.kids.set(k, (this.kids.get(k) ?? 0) + 1);
    }
  }

  take(): SpanRowBatch {
    const batch: SpanRowBatch = this.rows.take();
    // Children whose parent is in this batch are counted on the parent's row before it is
    // stored: a row that grows in place later (0 → n children) splits its full page, which left
    // the table a third empty. Only children of parents in other batches go to the store as sums.
    const N = SPAN_LAYOUT.n;
    for (const [k, n] of this.kids) {
      const row = this.rowOf.get(k);
      if (row === undefined) continue;
      batch.nums[row * N + CHILD_COUNT] += n;
      this.kids.delete(k);
    }
    this.rowOf = new Map();
    const runs = new RowBuilder(RUN_LAYOUT);
    for (const r of this.runs.values()) {
      runs.text(r.traceId);
      runs.text(r.root.spanId);
      runs.text(r.root.name);
      runs.text(r.root.kind);
      runs.text(padNs(r.start));
      runs.text(padNs(r.end));
      runs.text(JSON.stringify([...r.models].sort()));
      runs.text(r.rootPreview);
      runs.text(padNs(r.root.startNs));
      runs.num(r.n);
      runs.num(r.err);
      runs.num(r.llm);
      runs.num(r.it);
      runs.num(r.ot);
      runs.num(r.cost);
      runs.num(r.gf);
      runs.num(r.neg);
      runs.num(r.pos);
      runs.num(r.roots);
      runs.endRow();
    }
    const kids = new RowBuilder(KID_LAYOUT);
    for (const [k, n] of this.kids) {
      const cut = k.indexOf('\u0000');
      kids.text(k.slice(0, cut));
      kids.text(k.slice(cut + 1));
      kids.num(n);
      kids.endRow();
    }
    batch.runs = runs.take();
    batch.kids = kids.take();
    this.runs = new Map();
    this.kids = new Map();
    return batch;
  }
}

const decoder = new TextDecoder();

/** The rows of a batch as plain values (the slow binding path, diagnostics, tests). */
export function* batchRows(batch: RowBatch, layout: RowLayout = SPAN_LAYOUT): Generator<(string | number | null)[]> {
  let off = 0;
  for (let i = 0; i < batch.count; i++) {
    const row: (string | number | null)[] = [];
    for (let c = 0; c < layout.t; c++) {
      const len = batch.lens[i * layout.t + c];
      if (len < 0) row.push(null);
      else {
        row.push(decoder.decode(batch.text.subarray(off, off + len)));
        off += len;
      }
    }
    for (let c = 0; c < layout.n; c++) {
      const v = batch.nums[i * layout.n + c];
      row.push(Number.isNaN(v) ? null : v);
    }
    yield row;
  }
}
