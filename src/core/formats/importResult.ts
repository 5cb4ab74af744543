// What every importer returns: spans (possibly partial) plus located diagnostics.

import type { Diagnostic } from '../model/diagnostic';
import type { FormatId } from '../model/format';
import type { Span } from '../model/span';

export interface ImportResult {
  format: FormatId;
  spans: Span[];
  diagnostics: Diagnostic[];
}

/** One unit of input: a whole document or one line of a JSON Lines file. */
export interface SourceRecord {
  text: string;
  /** 1-based line of the record's first character. */
  line: number;
  byteStart: number;
  byteEnd: number;
}
