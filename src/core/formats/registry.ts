// Every importable JSON format in one table: how to recognise a parsed record, and how to read
// it. Detection runs in table order, so more specific shapes come before looser ones.
// To add a format: write `<format>.ts` exporting a detector and a RecordImporter, then add ONE
// line here (keep edits to single lines so parallel work on formats does not collide).

import type { FormatId } from '../model/format';
import type { RecordImporter } from './importResult';
import { importOtlpValue, isOtlpJson } from './otlpJson';
import { importLangSmithValue, isLangSmith } from './langsmith';
import { importLangfuseValue, isLangfuse } from './langfuse';
import { importMlflowValue, isMlflow } from './mlflow';
import { importJaegerValue, isJaeger } from './jaeger';
import { importZipkinValue, isZipkin } from './zipkin';
import { importOpenAiAgentsValue, isOpenAiAgents } from './openAiAgents';
import { importOtelPythonValue, isOtelPythonJson } from './otelPythonJson';
import { importPhoenixValue, phoenixSpans } from './phoenixJson';
import { importDecisionLog, isDecisionLog } from './decisionLog';
import { importOpenLineageValue, isOpenLineage } from './openLineage';

export interface FormatEntry {
  id: FormatId;
  detect: (value: unknown) => boolean;
  importer: RecordImporter;
}

export const FORMATS: FormatEntry[] = [
  { id: 'otlp-json', detect: isOtlpJson, importer: (v, rec, sink) => sink.spans.push(...importOtlpValue(v, rec, sink.diagnostics)) },
  { id: 'langsmith', detect: isLangSmith, importer: importLangSmithValue },
  { id: 'langfuse', detect: isLangfuse, importer: importLangfuseValue },
  { id: 'mlflow', detect: isMlflow, importer: importMlflowValue },
  { id: 'jaeger', detect: isJaeger, importer: importJaegerValue },
  { id: 'zipkin', detect: isZipkin, importer: importZipkinValue },
  { id: 'openai-agents', detect: isOpenAiAgents, importer: importOpenAiAgentsValue },
  { id: 'otel-python-json', detect: isOtelPythonJson, importer: importOtelPythonValue },
  {
    id: 'phoenix-json',
    detect: (v) => phoenixSpans(v) !== undefined,
    importer: (v, rec, sink) => sink.spans.push(...importPhoenixValue(v, rec, sink.diagnostics)),
  },
  { id: 'openlineage', detect: isOpenLineage, importer: importOpenLineageValue },
  { id: 'tracelens-decisions', detect: isDecisionLog, importer: importDecisionLog },
];

export function formatEntry(id: FormatId): FormatEntry | undefined {
  return FORMATS.find((f) => f.id === id);
}
