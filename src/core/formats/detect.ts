// Sniff a source's format from its content (never its name).

import type { FormatId } from '../model/format';
import { FORMATS } from './registry';

export function detectValue(value: unknown): FormatId {
  return FORMATS.find((f) => f.detect(value))?.id ?? 'unknown';
}

/** Whether the text is JSON Lines (several top-level values, one per line) rather than one document. */
export function looksLikeJsonLines(head: string): boolean {
  const t = head.replace(/^\uFEFF/, '').trimStart();
  if (!t.startsWith('{')) return false;
  const firstNl = t.indexOf('\n');
  if (firstNl < 0) return false;
  const first = t.slice(0, firstNl).trim();
  // A pretty-printed document's first line is just "{" or an unfinished key.
  return first.length > 1 && first.endsWith('}');
}

/** A short description of what the value looks like, for "not a trace" messages. */
export function describeValue(value: unknown): string {
  if (Array.isArray(value)) return `a JSON array of ${value.length} items`;
  if (value && typeof value === 'object') {
    const keys = Object.keys(value).slice(0, 4);
    return `a JSON object with keys ${keys.map((k) => JSON.stringify(k)).join(', ')}`;
  }
  return `a JSON ${value === null ? 'null' : typeof value}`;
}
