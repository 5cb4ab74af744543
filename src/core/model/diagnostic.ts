// A problem found while reading a source: always located, never fatal to the rest of the file.

export type Severity = 'error' | 'warning' | 'info';

export interface Diagnostic {
  severity: Severity;
  message: string;
  /** 1-based line in the source, when known. */
  line?: number;
  /** Byte offset in the source, when known. */
  offset?: number;
  /** Stable code for tests and filtering, e.g. `json.syntax`, `span.duplicate`. */
  code: string;
}
