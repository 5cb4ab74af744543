// The index rows of spans, as they travel from the parsing worker to the store: compact,
// transferable batches (the UTF-8 text of every string column, their byte lengths, and the
// numbers), so crossing threads costs a memcpy and binding costs no per-string allocation. The
// producer also sums each batch per run and counts children per parent, so the store merges
// a few hundred run rows per batch instead of re-reading thousands of span rows.

import type { Span } from '../core/model/span';
import { isNegative, isPositive, runPreview } from '../core/trace/runs';
import { nsDuration } from './padNs';
import { RowBuilder } from './rowBuilder';
import { traceNoOf } from './sqlJsSchema';
import type { SearchRowBatch } from './sqlJsSearchRows';

export { RowBuilder };

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

const SPAN_INSERT_HEAD = `INSERT OR IGNORE INTO spans (source_id, ${[...SPAN_TEXT_COLUMNS, ...SPAN_NUMBER_COLUMNS].join(', ')}, trace_no) VALUES`;

/** `INSERT OR IGNORE INTO spans (source_id, …, trace_no) VALUES (?1, …, <trace_no>)`: duplicates keep the first copy. */
const insertSpanSql = (traceNo: string): string =>
  `${SPAN_INSERT_HEAD} (${numberedPlaceholders(1 + SPAN_LAYOUT.t + SPAN_LAYOUT.n)}, ${traceNo})`;

/** Span rows that look their trace's number up by its id (?2); the trace must be in `traces` first (sqlJsWriter.ts). */
export const INSERT_SPAN_SQL = insertSpanSql(traceNoOf('?2'));

/**
 * The same with the trace number bound (the last parameter) instead of looked up by trace id for
 * every row: a batch's traces are numbered once, and each row takes its run's number (runOf).
 * The lookup was an index search per span, ~1.2 µs in sql.js (measured on 87k traces).
 */
export const INSERT_SPAN_NUMBERED_SQL = insertSpanSql(`?${2 + SPAN_LAYOUT.t + SPAN_LAYOUT.n}`);

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
  /** With `runs`: for each row, the index of its trace's row in `runs`. */
  runOf?: Int32Array;
  /** The rows' search rows (sqlJsSearchRows.ts), when the producer computed them. */
  search?: SearchRowBatch;
}

/**
 * The preview a run shows when this span is its root (summarizeRuns' own rule, runPreview), or ''
 * when it has none: '' marks "computed", NULL "not computed" (spans with a parent are not, while
 * indexing).
 */
export function rootPreview(s: Span): string {
  return runPreview(s) ?? '';
}

/** A trace's share of a batch: its run sums, its spans' rows, and its parents' child counts. */
interface TraceRows {
  traceId: string;
  /**
   * The root's fields the run row needs, not the Span: a batch's traces live until take(), and a
   * Span held there kept its attributes and prompts alive through young-generation collections
   * (~0.5 MB promoted per batch, measured with --trace-gc).
   */
  rootSpanId: string;
  rootName: string;
  rootKind: string;
  rootStartNs: bigint;
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
  /** Row of each span id in the batch (the first, for a duplicate id). */
  rowOf: Map<string, number>;
  /** This trace's row in the batch's run rows (the order traces first appear). */
  index: number;
  /** Index in the builder's kid lists of each parent id named in the batch. */
  kidOf?: Map<string, number>;
}

/**
 * Span rows plus the batch's run sums and child counts. Everything is keyed by trace first (one
 * lookup per span, none when it is the previous span's trace), then by span id within the trace:
 * no `trace\0span` key strings.
 */
export class SpanBatchBuilder {
  private readonly rows = new RowBuilder(SPAN_LAYOUT);
  private readonly runRows = new RowBuilder(RUN_LAYOUT);
  private readonly kidRows = new RowBuilder(KID_LAYOUT);
  /** Traces of the batch, in the order they first appear (the order of the run rows). */
  private traces = new Map<string, TraceRows>();
  private last: TraceRows | undefined;
  /** Parents named in the batch, in the order they are first named (the order of the kid rows). */
  private kidTrace: TraceRows[] = [];
  private kidParent: string[] = [];
  private kidCount: number[] = [];
  /** Per span row, its trace's `index`. */
  private runOf = new Int32Array(1024);

  get count(): number {
    return this.rows.count;
  }

  /**
   * Add a mapped span. `preview`: its run preview when it may be a root ('' = none; undefined =
   * not computed). `asRoot`: index it without its parent (a span that is its own parent).
   */
  add(s: Span, preview: string | undefined, childCount = 0, asRoot = false): void {
    const b = this.rows;
    const row = b.count;
    const parentId = asRoot ? undefined : s.parentId;
    const isRoot = parentId === undefined;
    const traceId = s.traceId;
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
    const m = s.model;
    const model = m === undefined ? undefined : (m.returned ?? m.requested);
    b.text(traceId);
    b.text(s.spanId);
    b.text(parentId);
    b.text(s.name);
    b.text(s.kind);
    b.ns(s.startNs);
    b.ns(s.endNs);
    b.text(s.status);
    b.text(s.statusMessage);
    b.text(s.service);
    b.text(s.sessionId);
    b.text(s.userId);
    b.text(m?.provider);
    b.text(model);
    b.text(s.template?.name);
    b.text(s.template?.version);
    b.text(s.template?.path);
    b.text(s.code?.file);
    b.text(s.code?.function);
    b.text(action);
    b.text(preview);
    b.text(m?.requested !== undefined && m.requested !== model ? m.requested : undefined);
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
    b.num(nsDuration(s.startNs, s.endNs));
    b.endRow();

    // Run sums, with the root chosen as summarizeRuns does (no parent first, then earliest start,
    // then first in order).
    let r = this.last;
    if (r === undefined || r.traceId !== traceId) r = this.traces.get(traceId);
    if (r === undefined) {
      r = {
        traceId,
        rootSpanId: s.spanId,
        rootName: s.name,
        rootKind: s.kind,
        rootStartNs: s.startNs,
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
        rowOf: new Map(),
        index: this.traces.size,
      };
      this.traces.set(traceId, r);
    } else if ((isRoot && !r.rootIsRoot) || (isRoot === r.rootIsRoot && s.startNs < r.rootStartNs)) {
      r.rootSpanId = s.spanId;
      r.rootName = s.name;
      r.rootKind = s.kind;
      r.rootStartNs = s.startNs;
      r.rootPreview = preview;
      r.rootIsRoot = isRoot;
    }
    this.last = r;
    if (row === this.runOf.length) {
      const grown = new Int32Array(row * 2);
      grown.set(this.runOf);
      this.runOf = grown;
    }
    this.runOf[row] = r.index;
    if (s.startNs < r.start) r.start = s.startNs;
    if (s.endNs > r.end) r.end = s.endNs;
    r.n++;
    if (s.status === 'error') r.err++;
    if (s.kind === 'llm') r.llm++;
    const u = s.usage;
    if (u !== undefined) {
      r.it += u.input ?? 0;
      r.ot += u.output ?? 0;
    }
    r.cost += s.cost ?? 0;
    r.gf += failed;
    r.neg += neg;
    r.pos += pos;
    if (model) r.models.add(model);
    if (r.rowOf.get(s.spanId) === undefined) r.rowOf.set(s.spanId, row);
    if (isRoot) r.roots++;
    else {
      const kidOf = (r.kidOf ??= new Map());
      const k = kidOf.get(parentId);
      if (k === undefined) {
        kidOf.set(parentId, this.kidCount.length);
        this.kidTrace.push(r);
        this.kidParent.push(parentId);
        this.kidCount.push(1);
      } else this.kidCount[k]++;
    }
  }

  take(): SpanRowBatch {
    const batch: SpanRowBatch = this.rows.take();
    batch.runOf = this.runOf.slice(0, batch.count);
    // Children whose parent is in this batch are counted on the parent's row before it is
    // stored: a row that grows in place later (0 → n children) splits its full page, which left
    // the table a third empty. Only children of parents in other batches go to the store as sums.
    const N = SPAN_LAYOUT.n;
    const kids = this.kidRows;
    for (let i = 0; i < this.kidCount.length; i++) {
      const t = this.kidTrace[i];
      const row = t.rowOf.get(this.kidParent[i]);
      if (row !== undefined) batch.nums[row * N + CHILD_COUNT] += this.kidCount[i];
      else {
        kids.text(t.traceId);
        kids.text(this.kidParent[i]);
        kids.num(this.kidCount[i]);
        kids.endRow();
      }
    }
    const runs = this.runRows;
    for (const r of this.traces.values()) {
      runs.text(r.traceId);
      runs.text(r.rootSpanId);
      runs.text(r.rootName);
      runs.text(r.rootKind);
      runs.ns(r.start);
      runs.ns(r.end);
      runs.text(modelsJson(r.models));
      runs.text(r.rootPreview);
      runs.ns(r.rootStartNs);
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
    batch.runs = runs.take();
    batch.kids = kids.take();
    this.traces = new Map();
    this.last = undefined;
    this.kidTrace = [];
    this.kidParent = [];
    this.kidCount = [];
    return batch;
  }
}

/** JSON of one model's list, by model: most runs name one, and the same few again and again. */
const oneModelJson = new Map<string, string>();

/** `JSON.stringify([...models].sort())`. */
function modelsJson(models: Set<string>): string {
  if (models.size === 0) return '[]';
  if (models.size > 1) return JSON.stringify([...models].sort());
  const [m] = models;
  let json = oneModelJson.get(m);
  if (json === undefined) {
    if (oneModelJson.size >= 1000) oneModelJson.clear();
    json = JSON.stringify([m]);
    oneModelJson.set(m, json);
  }
  return json;
}

const decoder = new TextDecoder();

/** Where each row's text starts in `batch.text` (one more entry: the end). */
export function rowTextStarts(batch: RowBatch, layout: RowLayout = SPAN_LAYOUT): Int32Array {
  const starts = new Int32Array(batch.count + 1);
  let off = 0;
  for (let i = 0; i < batch.count; i++) {
    starts[i] = off;
    for (let c = 0; c < layout.t; c++) off += Math.max(0, batch.lens[i * layout.t + c]);
  }
  starts[batch.count] = off;
  return starts;
}

/** A batch of the rows `rows` of `batch` (in that order); `starts` from rowTextStarts. */
export function pickRows(batch: RowBatch, rows: readonly number[], starts: Int32Array, layout: RowLayout = SPAN_LAYOUT): RowBatch {
  const { t, n } = layout;
  let bytes = 0;
  for (const i of rows) bytes += starts[i + 1] - starts[i];
  const out: RowBatch = {
    count: rows.length,
    text: new Uint8Array(bytes),
    lens: new Int32Array(rows.length * t),
    nums: new Float64Array(rows.length * n),
  };
  let off = 0;
  rows.forEach((i, k) => {
    out.text.set(batch.text.subarray(starts[i], starts[i + 1]), off);
    off += starts[i + 1] - starts[i];
    out.lens.set(batch.lens.subarray(i * t, (i + 1) * t), k * t);
    out.nums.set(batch.nums.subarray(i * n, (i + 1) * n), k * n);
  });
  return out;
}

/** Text column `c` of row `i` (null where NULL), given the rows' starts (rowTextStarts). */
export function textAt(batch: RowBatch, starts: Int32Array, i: number, c: number, layout: RowLayout = SPAN_LAYOUT): string | null {
  let off = starts[i];
  for (let k = 0; k < c; k++) off += Math.max(0, batch.lens[i * layout.t + k]);
  const len = batch.lens[i * layout.t + c];
  return len < 0 ? null : decoder.decode(batch.text.subarray(off, off + len));
}

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
