// Streaming a source into the team store. SourceWriter's addSpans is synchronous, PostgreSQL is
// not: batches are queued and written one after the other in the background (each its own
// transaction), and finish() waits for the queue and reports the first failure. The team store
// keeps each span's JSON for teammates, so it takes mapped spans (addSpans), not the embedded
// index's packed rows (addRows), which carry no payload.

import type { Span } from '../../core/model/span';
import type { AddRowsResult, FinishOptions, FinishResult, SourceWriter, SpanContext } from '../traceStore';
import type { SpanRowBatch } from '../spanRows';
import type { PgStore } from './pgStore';

export class PgSourceWriter implements SourceWriter {
  private queue: Promise<void> = Promise.resolve();
  private failure: unknown;
  private done = false;

  constructor(
    private readonly store: PgStore,
    readonly sourceId: number,
    /** This writer created the source (so abort may delete it; a re-push's abort must not). */
    private readonly created: boolean,
  ) {}

  private check(): void {
    if (this.done) throw new Error('The source writer is finished');
  }

  addSpans(spans: Span[]): AddRowsResult {
    this.check();
    const batch = spans.slice();
    this.queue = this.queue.then(async () => {
      if (this.failure) return;
      try {
        await this.store.writeBatch(this.sourceId, batch);
      } catch (err) {
        this.failure = err;
      }
    });
    // Counted when queued; duplicates already in the store are skipped when written.
    return { inserted: batch.length, diagnostics: [] };
  }

  addRows(_batch: SpanRowBatch): AddRowsResult {
    throw new Error('The team store takes mapped spans (addSpans): packed index rows carry no span JSON for teammates to read');
  }

  /** Byte ranges mean nothing to teammates without the file; stored spans carry their resource and scope. */
  addContext(_ctx: SpanContext): void {
    this.check();
  }

  setIndexedBytes(_bytes: number): void {}

  async finish(opts: FinishOptions = {}): Promise<FinishResult> {
    this.check();
    this.done = true;
    await this.queue;
    if (this.failure) {
      await this.store.setState(this.sourceId, 'partial').catch(() => undefined);
      throw this.failure;
    }
    const source = await this.store.setState(this.sourceId, opts.partial ? 'partial' : 'complete', opts.format);
    return { source, diagnostics: [] };
  }

  async abort(): Promise<void> {
    if (this.done) return;
    this.done = true;
    await this.queue;
    if (this.created) await this.store.removeSource(this.sourceId);
    else await this.store.setState(this.sourceId, 'partial');
  }
}
