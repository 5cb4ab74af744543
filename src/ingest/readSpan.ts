// Read one span's full payload back from its source by byte range: the index keeps only what
// lists and trees need.

import { open } from 'node:fs/promises';
import * as path from 'node:path';
import { importRecords } from '../core/formats/importRecords';
import { importOtlpProtobuf, looksLikeOtlpProtobuf } from '../core/formats/otlpProtobuf';
import type { Span } from '../core/model/span';

export interface SpanLocation {
  byteStart: number;
  byteEnd: number;
  line: number;
}

export async function readSpanFromSource(file: string, loc: SpanLocation, traceId: string, spanId: string): Promise<Span | undefined> {
  const fh = await open(file, 'r');
  try {
    const length = Math.max(0, loc.byteEnd - loc.byteStart);
    const buf = Buffer.alloc(length);
    await fh.read(buf, 0, length, loc.byteStart);
    // A protobuf source's range is one resource entry, which decodes on its own as a request.
    const result = looksLikeOtlpProtobuf(buf)
      ? importOtlpProtobuf(buf)
      : importRecords([{ text: new TextDecoder('utf-8').decode(buf), line: loc.line, byteStart: loc.byteStart, byteEnd: loc.byteEnd }]);
    return result.spans.find((s) => s.traceId === traceId && s.spanId === spanId);
  } finally {
    await fh.close();
  }
}

export const sourceLabel = (file: string): string => path.basename(file);
