// Formats TraceLens can name. Only those registered in formats/registry.ts are importable.

export type FormatId =
  | 'otlp-json'
  | 'otlp-protobuf'
  | 'phoenix-json'
  | 'langsmith'
  | 'langfuse'
  | 'mlflow'
  | 'jaeger'
  | 'zipkin'
  | 'openlineage'
  | 'openai-agents'
  | 'otel-python-json'
  | 'tracelens-decisions'
  | 'unknown';

export const FORMAT_LABELS: Record<FormatId, string> = {
  'otlp-json': 'OTLP JSON',
  'otlp-protobuf': 'OTLP protobuf',
  'phoenix-json': 'Phoenix span JSON',
  langsmith: 'LangSmith runs',
  langfuse: 'Langfuse trace export',
  mlflow: 'MLflow trace JSON',
  jaeger: 'Jaeger JSON',
  zipkin: 'Zipkin v2 JSON',
  openlineage: 'OpenLineage run events',
  'openai-agents': 'OpenAI Agents SDK export',
  'otel-python-json': 'OpenTelemetry Python SDK JSON',
  'tracelens-decisions': 'TraceLens decision log',
  unknown: 'Unknown',
};
