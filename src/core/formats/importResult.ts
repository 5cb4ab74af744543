// What every importer returns: spans (possibly partial) plus located diagnostics.

import type { Diagnostic } from '../model/diagnostic';
import type { FormatId } from '../model/format';
import type { LineageRun } from '../model/lineage';
import type { Span } from '../model/span';

export interface ImportResult {
  format: FormatId;
  spans: Span[];
  /** OpenLineage job runs (merged across their events); empty for span formats. */
  lineageRuns: LineageRun[];
  diagnostics: Diagnostic[];
}

/** Where an importer puts what it reads from one record. */
export interface ImportSink {
  spans: Span[];
  lineageRuns: LineageRun[];
  diagnostics: Diagnostic[];
}

/** Reads one parsed record (a document or one JSON Lines value) into the sink. */
export type RecordImporter = (value: unknown, rec: SourceRecord, sink: ImportSink) => void;

/** One unit of input: a whole document or one line of a JSON Lines file. */
export interface SourceRecord {
  text: string;
  /** 1-based line of the record's first character. */
  line: number;
  byteStart: number;
  byteEnd: number;
  /** The last record of a JSON Lines file with no newline after it: possibly still being written. */
  incomplete?: boolean;
}
