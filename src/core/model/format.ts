// Formats TraceLens can name. Only those with an importer are listed as importable.

export type FormatId = 'otlp-json' | 'phoenix-json' | 'unknown';

export const FORMAT_LABELS: Record<FormatId, string> = {
  'otlp-json': 'OTLP JSON',
  'phoenix-json': 'Phoenix span JSON',
  unknown: 'Unknown',
};
