// Entry point of the core importers: records in (a document, or JSON Lines records), spans and
// located diagnostics out. Each record is detected on its own, so a mixed or partly corrupt
// JSON Lines file keeps every valid record.

import type { FormatId } from '../model/format';
import { describeValue, detectValue } from './detect';
import type { ImportResult, ImportSink, SourceRecord } from './importResult';
import { formatEntry } from './registry';
import { parseRecord } from './parseJson';
import { normalizeTrees } from '../trace/normalizeTrees';
import { mergeLineageRuns } from '../lineage/mergeRuns';

export interface ImportOptions {
  /** Force a format instead of detecting it per record. */
  format?: FormatId;
}

export function importRecords(records: Iterable<SourceRecord>, opts: ImportOptions = {}): ImportResult {
  const sink: ImportSink = { spans: [], lineageRuns: [], diagnostics: [] };
  const { diagnostics } = sink;
  const seen = new Map<FormatId, number>();
  let nonEmpty = 0;
  for (const rec of records) {
    if (rec.text.trim() === '') continue;
    nonEmpty++;
    const parsed = parseRecord(rec);
    if (!parsed.ok) {
      diagnostics.push(parsed.diagnostic);
      continue;
    }
    const format = opts.format ?? detectValue(parsed.value);
    const importer = formatEntry(format)?.importer;
    if (!importer) {
      diagnostics.push({
        severity: 'error',
        code: 'format.unknown',
        message: `Not a recognised trace record: ${describeValue(parsed.value)}`,
        line: rec.line,
        offset: rec.byteStart,
      });
      continue;
    }
    seen.set(format, (seen.get(format) ?? 0) + 1);
    importer(parsed.value, rec, sink);
  }
  if (nonEmpty === 0) {
    diagnostics.push({ severity: 'warning', code: 'source.empty', message: 'The file is empty', line: 1, offset: 0 });
  }
  const format = [...seen.entries()].sort((a, b) => b[1] - a[1])[0]?.[0] ?? 'unknown';
  const normalized = normalizeTrees(sink.spans);
  diagnostics.push(...normalized.diagnostics);
  // OpenLineage events arrive one per record: merge them into runs by runId.
  const lineageRuns = mergeLineageRuns(sink.lineageRuns, diagnostics);
  return { format, spans: normalized.spans, lineageRuns, diagnostics };
}
