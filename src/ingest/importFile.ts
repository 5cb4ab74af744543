// Read a trace file from disk (never writing to it) and import it.

import { readFile, stat } from 'node:fs/promises';
import * as path from 'node:path';
import { importRecords, type ImportOptions } from '../core/formats/importRecords';
import type { ImportResult } from '../core/formats/importResult';
import { importOtlpProtobuf, looksLikeOtlpProtobuf } from '../core/formats/otlpProtobuf';
import type { Diagnostic } from '../core/model/diagnostic';
import { splitRecords } from './readRecords';

/** Files past this are refused until the streaming reader lands (issue 3). */
export const MAX_WHOLE_FILE_BYTES = 512 * 1024 * 1024;

export interface FileImport extends ImportResult {
  path: string;
  bytes: number;
  mtimeMs: number;
}

export async function importFile(file: string, opts: ImportOptions = {}): Promise<FileImport> {
  const info = await stat(file);
  if (info.size > MAX_WHOLE_FILE_BYTES) {
    const d: Diagnostic = {
      severity: 'error',
      code: 'source.tooLarge',
      message: `File is ${(info.size / 2 ** 20).toFixed(0)} MiB; files over ${MAX_WHOLE_FILE_BYTES / 2 ** 20} MiB are not supported yet`,
    };
    return { path: file, bytes: info.size, mtimeMs: info.mtimeMs, format: 'unknown', spans: [], lineageRuns: [], diagnostics: [d] };
  }
  const bytes = await readFile(file);
  return { ...importBytes(bytes, path.basename(file), opts), path: file, bytes: info.size, mtimeMs: info.mtimeMs };
}

export function importBytes(bytes: Uint8Array, fileName: string, opts: ImportOptions = {}): ImportResult {
  // Binary OTLP (ExportTraceServiceRequest / TracesData, or the collector's length-prefixed proto
  // stream) is told apart from JSON text by content; everything else is JSON records.
  if (opts.format === 'otlp-protobuf' || (opts.format === undefined && looksLikeOtlpProtobuf(bytes))) return importOtlpProtobuf(bytes);
  const diags: Diagnostic[] = [];
  const records = splitRecords(bytes, fileName, diags);
  const result = importRecords(records, opts);
  result.diagnostics.unshift(...diags);
  return result;
}
