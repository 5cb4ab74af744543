// The search tables of a streamed source, built after its load. Loading stores only what the
// tree needs (the span rows: ~10 µs a span on the store's thread); the search rows cost ~4× that
// and need the full mapping, so a second pass over the source (src/ingest/searchPass.ts) makes
// them in a worker once the runs are shown, and this file stores them batch by batch, one
// transaction per batch, each a turn of the event loop, so the extension host stays responsive.
//
// The pass names spans by position: the n-th span it reads is the n-th row the load offered
// (the same reader, the same order). Rows refused as duplicate ids are in `span_refused` (kept
// under a new id, or dropped), so a position maps to `spans.id` without a lookup; the keys of
// each batch's first and last span are checked against the stored rows, so a source that
// changed since the load fails the build instead of indexing text under the wrong spans.
//
// Searching a source whose tables are not built waits for them (SearchBuilds.whenReady), with
// progress; a failed build is tried again by the next search that needs it.

import type { Database, SqlJsStatic, Statement } from 'sql.js';
import type { SourceDb } from './sqlJsRows';
import { DROP_SEARCH_TABLES, searchTablesDdl } from './sqlJsSchema';
import { SearchIndexWriter } from './sqlJsSearchIndex';
import type { SearchPassBatch } from './sqlJsSearchRows';
import type { RowBatch } from './spanRows';

export type SearchIndexState = 'ready' | 'loading' | 'pending' | 'building' | 'failed';

export interface SearchIndexStatus {
  state: SearchIndexState;
  /** Spans indexed for search so far (while building), of `total`. */
  done?: number;
  total?: number;
  /** Why the last build failed. */
  error?: string;
}

/** Where a search pass delivers its batches, in order. */
export interface SearchIndexSink {
  /** Spans the pass must deliver (the rows the load offered). */
  readonly total: number;
  /** Store the next batch; false once every span is in (the pass may stop reading). */
  add(batch: SearchPassBatch): boolean;
}

/** Runs a search pass into `sink`; rejects with the signal's reason when aborted. */
export type SearchIndexBuilder = (sink: SearchIndexSink, signal: AbortSignal) => Promise<void>;

export interface DeferOptions {
  /** After the tables are built (the importer saves the index cache again). Errors are ignored. */
  onBuilt?: () => Promise<void> | void;
}

/** The stored search state of a source database. */
export function storedSearchState(db: Database): 'ready' | 'pending' {
  const v = db.exec('SELECT search_state FROM sources LIMIT 1')[0]?.values[0]?.[0];
  return v === 'pending' ? 'pending' : 'ready';
}

/** The byte range of row r's text columns in a batch. */
function rowText(b: RowBatch, t: number, r: number): string[] {
  let off = 0;
  for (let i = 0; i < r * t; i++) off += Math.max(0, b.lens[i]);
  const out: string[] = [];
  for (let c = 0; c < t; c++) {
    const len = b.lens[r * t + c];
    out.push(len < 0 ? '' : Buffer.from(b.text.buffer, b.text.byteOffset + off, len).toString('utf8'));
    off += Math.max(0, len);
  }
  return out;
}

/** Stores a search pass into one source database. */
class SearchPassSink implements SearchIndexSink {
  readonly total: number;
  private next = 0;
  /** Positions refused as duplicate ids (ascending) and the ids they were kept under (0: dropped). */
  private readonly refused: number[] = [];
  private readonly keptAs: number[] = [];
  /** Refused positions before `next`. */
  private k = 0;
  private readonly writer: SearchIndexWriter;
  private readonly keyOf: Statement;

  constructor(
    SQL: SqlJsStatic,
    private readonly db: Database,
    private readonly progress: (done: number, total: number) => void,
  ) {
    const row = db.exec('SELECT offered_rows, span_count FROM sources LIMIT 1')[0]?.values[0];
    this.total = Number(row?.[0] ?? row?.[1] ?? 0);
    for (const [p, pk] of db.exec('SELECT position, span_pk FROM span_refused ORDER BY position')[0]?.values ?? []) {
      this.refused.push(Number(p));
      this.keptAs.push(pk === null ? 0 : Number(pk));
    }
    // A build that failed part-way left rows: start from empty tables.
    db.exec(DROP_SEARCH_TABLES + searchTablesDdl());
    this.writer = new SearchIndexWriter(SQL, db);
    this.keyOf = db.prepare('SELECT trace_id, span_id FROM spans WHERE id = ?');
  }

  add(batch: SearchPassBatch): boolean {
    if (this.next >= this.total) return false;
    const n = Math.min(batch.count, this.total - this.next);
    // Rows past what the load stored (a cancelled load) keep 0: their search rows are dropped.
    const pk = new Float64Array(batch.count);
    const checks: number[] = [];
    for (let r = 0; r < n; r++) {
      const p = this.next + r;
      if (this.k < this.refused.length && this.refused[this.k] === p) pk[r] = this.keptAs[this.k++];
      else {
        pk[r] = p + 1 - this.k;
        if (checks.length < 2) checks.push(r);
        else checks[1] = r;
      }
    }
    for (const r of checks) this.check(batch, r, pk[r]);
    this.db.exec('BEGIN');
    try {
      this.writer.insertAt(batch.search, pk);
      this.db.exec('COMMIT');
    } catch (err) {
      this.db.exec('ROLLBACK');
      throw err;
    }
    this.next += n;
    this.progress(this.next, this.total);
    return this.next < this.total;
  }

  /** The span at row r of the pass must be the stored row `id`. */
  private check(batch: SearchPassBatch, r: number, id: number): void {
    const [traceId, spanId] = rowText(batch.keys, 2, r);
    this.keyOf.bind([id]);
    const stored = this.keyOf.step() ? this.keyOf.get() : undefined;
    this.keyOf.reset();
    if (!stored || stored[0] !== traceId || stored[1] !== spanId) {
      throw new Error(
        `the source changed since it was loaded (span ${this.next + r + 1} is ${traceId}/${spanId}, the index has ${stored ? `${String(stored[0])}/${String(stored[1])}` : 'nothing'} there); reload it to search it`,
      );
    }
  }

  finish(): void {
    if (this.next < this.total) throw new Error(`the search pass read ${this.next} of ${this.total} spans; reload the source to search it`);
    this.db.run("UPDATE sources SET search_state = 'ready'");
  }

  close(): void {
    this.writer.free();
    this.keyOf.free();
  }
}

class Slot {
  builder?: SearchIndexBuilder;
  onBuilt?: DeferOptions['onBuilt'];
  running?: Promise<void>;
  readonly abort = new AbortController();
  done = 0;
  total = 0;
  error?: string;
  readonly listeners = new Set<(done: number, total: number) => void>();
  private loadedWaiters: (() => void)[] = [];

  progress(done: number, total: number): void {
    this.done = done;
    this.total = total;
    for (const l of this.listeners) l(done, total);
  }

  /** Resolves when the source's writer is done (finished, aborted or dropped). */
  whenLoaded(): Promise<void> {
    return new Promise((resolve) => this.loadedWaiters.push(resolve));
  }

  loaded(): void {
    for (const w of this.loadedWaiters.splice(0)) w();
  }
}

function abortable<T>(p: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return p;
  signal.throwIfAborted();
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    p.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (err: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(err);
      },
    );
  });
}

/** The deferred search builds of a store's sources. */
export class SearchBuilds {
  private readonly slots = new Map<number, Slot>();

  constructor(
    private readonly SQL: SqlJsStatic,
    /** Whether the store still holds the source (a closed one's database is gone). */
    private readonly isLive: (src: SourceDb) => boolean,
  ) {}

  private slot(id: number): Slot {
    let s = this.slots.get(id);
    if (!s) {
      s = new Slot();
      this.slots.set(id, s);
    }
    return s;
  }

  /** How `src`'s search tables are to be built when they are pending (not started here). */
  defer(src: SourceDb, builder: SearchIndexBuilder, opts: DeferOptions = {}): void {
    const s = this.slot(src.id);
    s.builder = builder;
    s.onBuilt = opts.onBuilt;
  }

  /** The source's writer is done: searches waiting for its load go on. */
  loaded(id: number): void {
    this.slots.get(id)?.loaded();
  }

  status(src: SourceDb): SearchIndexStatus {
    if (src.writer) return { state: 'loading' };
    if (storedSearchState(src.db) === 'ready') return { state: 'ready' };
    const s = this.slots.get(src.id);
    if (s?.running) return { state: 'building', done: s.done, total: s.total };
    if (s?.error) return { state: 'failed', error: s.error };
    return { state: 'pending' };
  }

  /** Build `src`'s search tables now (or join the build in progress); resolves once they are in. */
  build(src: SourceDb): Promise<void> {
    if (src.writer) return Promise.reject(new Error('The source is still loading'));
    if (storedSearchState(src.db) === 'ready') return Promise.resolve();
    const s = this.slots.get(src.id);
    const builder = s?.builder;
    if (!s || !builder) return Promise.reject(new Error(`The search index of "${this.label(src)}" is not built, and nothing can build it`));
    s.running ??= this.run(src, s, builder).then(
      () => {
        s.running = undefined;
        s.error = undefined;
      },
      (err: unknown) => {
        s.running = undefined;
        if (!s.abort.signal.aborted) s.error = err instanceof Error ? err.message : String(err);
        throw err;
      },
    );
    return s.running;
  }

  private label(src: SourceDb): string {
    return String(src.db.exec('SELECT label FROM sources LIMIT 1')[0]?.values[0]?.[0] ?? src.id);
  }

  private async run(src: SourceDb, s: Slot, builder: SearchIndexBuilder): Promise<void> {
    s.abort.signal.throwIfAborted();
    const sink = new SearchPassSink(this.SQL, src.db, (done, total) => s.progress(done, total));
    try {
      s.progress(0, sink.total);
      await builder(sink, s.abort.signal);
      s.abort.signal.throwIfAborted();
      sink.finish();
    } finally {
      if (!s.abort.signal.aborted) sink.close();
    }
    try {
      await s.onBuilt?.();
    } catch {
      /* the cache is an optimisation */
    }
  }

  /**
   * Wait until every source in `sources` can be searched: loads finished and search tables
   * built (started here when they are not). Rejects when a build fails or `signal` aborts.
   */
  async whenReady(
    sources: readonly SourceDb[],
    opts: { signal?: AbortSignal; onProgress?: (p: { sourceId: number; done: number; total: number }) => void } = {},
  ): Promise<void> {
    for (const src of sources) {
      opts.signal?.throwIfAborted();
      if (src.writer) await abortable(this.slot(src.id).whenLoaded(), opts.signal);
      if (!this.isLive(src)) continue; // closed meanwhile: the search skips it
      const s = this.slots.get(src.id);
      if (storedSearchState(src.db) === 'ready') continue;
      const listener = (done: number, total: number): void => opts.onProgress?.({ sourceId: src.id, done, total });
      s?.listeners.add(listener);
      try {
        if (s) listener(s.done, s.total);
        await abortable(this.build(src), opts.signal);
      } finally {
        s?.listeners.delete(listener);
      }
    }
  }

  /** The source is gone: stop its build. */
  drop(id: number): void {
    const s = this.slots.get(id);
    if (!s) return;
    this.slots.delete(id);
    s.abort.abort(new DOMException('The source was closed', 'AbortError'));
    s.loaded();
  }
}
