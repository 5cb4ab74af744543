// Every importable JSON format in one table: how to recognise a parsed record, and how to read
// it. Detection runs in table order, so more specific shapes come before looser ones.
// To add a format: write `<format>.ts` exporting a detector and a RecordImporter, then add ONE
// line here (keep edits to single lines so parallel work on formats does not collide).

import type { FormatId } from '../model/format';
import type { RecordImporter } from './importResult';
import { importOtlpValue, isOtlpJson } from './otlpJson';
import { importPhoenixValue, phoenixSpans } from './phoenixJson';

export interface FormatEntry {
  id: FormatId;
  detect: (value: unknown) => boolean;
  importer: RecordImporter;
}

export const FORMATS: FormatEntry[] = [
  { id: 'otlp-json', detect: isOtlpJson, importer: (v, rec, sink) => sink.spans.push(...importOtlpValue(v, rec, sink.diagnostics)) },
  {
    id: 'phoenix-json',
    detect: (v) => phoenixSpans(v) !== undefined,
    importer: (v, rec, sink) => sink.spans.push(...importPhoenixValue(v, rec, sink.diagnostics)),
  },
];

export function formatEntry(id: FormatId): FormatEntry | undefined {
  return FORMATS.find((f) => f.id === id);
}
