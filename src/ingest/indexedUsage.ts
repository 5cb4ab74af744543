// CodeLens usage of a source read from its index (src/store/sqlJsUsage.ts), with each template's
// recent variable values read back from its newest spans in the source file; and the read-back
// of spans by byte range both use.

import type { Span } from '../core/model/span';
import type { SourceUsage } from '../core/trace/usageStats';
import { isUsageStore, type UsageSpanRef } from '../store/sqlJsUsage';
import type { TraceStore } from '../store/traceStore';
import { readSpansAt } from './readIndexedSpan';
import { readSpanFromSource } from './readSpan';

/** Recent distinct values kept per template variable (as usageStats keeps them). */
const RECENT = 5;

export interface IndexedFile {
  /** The source id in the store. */
  id: number;
  file: string;
  /**
   * `indexed`: through the index's byte ranges and document contexts (streamed JSON);
   * `record` (default): re-import the record that holds the span (protobuf, whole-file loads).
   */
  reader?: 'indexed' | 'record';
}

/** Spans read back from the source by their byte ranges (undefined where one is not found). */
export async function readSpansBack(store: TraceStore, src: IndexedFile, refs: UsageSpanRef[]): Promise<(Span | undefined)[]> {
  if (src.reader === 'indexed') {
    const wanted = [];
    for (const r of refs) wanted.push({ ...r, context: await store.spanContext(src.id, r.byteStart) });
    return readSpansAt(src.file, wanted);
  }
  const out: (Span | undefined)[] = [];
  for (const r of refs) out.push(await readSpanFromSource(src.file, r, r.traceId, r.spanId));
  return out;
}

/**
 * The usage of a source from its index; undefined when the store cannot compute it. Template
 * values come from the source file: if it cannot be read any more, they are left out (`onError`).
 */
export async function usageFromIndex(
  store: TraceStore,
  src: IndexedFile,
  onError?: (err: unknown) => void,
): Promise<SourceUsage | undefined> {
  if (!isUsageStore(store)) return undefined;
  const found = store.sourceUsage(src.id);
  if (!found) return undefined;
  const { usage, recentSpans } = found;
  try {
    for (const [key, refs] of recentSpans) {
      const st = usage.templates.get(key);
      if (!st || !refs.length) continue;
      for (const s of await readSpansBack(store, src, refs)) {
        for (const [k, v] of Object.entries(s?.template?.variables ?? {})) {
          const list = st.recentValues.get(k) ?? [];
          if (list.length < RECENT && !list.includes(v)) list.push(v);
          st.recentValues.set(k, list);
        }
      }
    }
  } catch (err) {
    onError?.(err);
  }
  return usage;
}
