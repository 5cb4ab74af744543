// Typed reads over an attribute map: first present key wins, values coerced leniently.

import type { AttrValue, Attributes } from '../model/span';
import { newAttributes } from './anyValue';

export function str(a: Attributes, ...keys: string[]): string | undefined {
  for (const k of keys) {
    const v = a[k];
    if (v === undefined || v === null) continue;
    if (typeof v === 'string') {
      if (v.length > 0) return v;
      continue;
    }
    if (typeof v === 'number' || typeof v === 'boolean') return String(v);
    return JSON.stringify(v);
  }
  return undefined;
}

export function num(a: Attributes, ...keys: string[]): number | undefined {
  for (const k of keys) {
    const v = a[k];
    if (typeof v === 'number' && Number.isFinite(v)) return v;
    if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return Number(v);
  }
  return undefined;
}

export function bool(a: Attributes, ...keys: string[]): boolean | undefined {
  for (const k of keys) {
    const v = a[k];
    if (typeof v === 'boolean') return v;
    if (v === 'true' || v === 1) return true;
    if (v === 'false' || v === 0) return false;
  }
  return undefined;
}

/**
 * A copy of `o` without its undefined-valued keys, the rest in the same order. Cheaper than
 * deleting them: a delete turns the object into a slow dictionary, for it and its readers.
 */
export function definedOnly<T extends object>(o: T): T {
  const out = {} as T;
  for (const k of Object.keys(o) as (keyof T)[]) if (o[k] !== undefined) out[k] = o[k];
  return out;
}

/** Decode a JSON-encoded attribute (possibly encoded twice); undefined when it is not JSON. */
export function parseJson(v: unknown): unknown {
  let cur = v;
  for (let i = 0; i < 2 && typeof cur === 'string'; i++) {
    const t = cur.trim();
    if (!(t.startsWith('{') || t.startsWith('[') || t.startsWith('"'))) return i === 0 ? undefined : cur;
    try {
      cur = JSON.parse(t);
    } catch {
      return i === 0 ? undefined : cur;
    }
  }
  return cur;
}

/** Text of a value meant for reading: strings as-is, structures as JSON. */
export function text(v: unknown): string | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return JSON.stringify(v);
}

// Told of every prefix scan while attrGates.ts records which keys a mapping step reads: a scan
// reads no fixed key, so the step's gate must also open for keys that start with the prefix.
let scanRecorder: ((a: Attributes, prefix: string) => void) | undefined;

export function setScanRecorder(r: ((a: Attributes, prefix: string) => void) | undefined): void {
  scanRecorder = r;
}

/**
 * Gather flattened list attributes: `prefix.0.x`, `prefix.0.y`, `prefix.1.x` → [{x,y},{x}].
 * Nested suffixes are kept dotted (`message.tool_calls.0.tool_call.id`).
 */
export function indexed(a: Attributes, prefix: string): Attributes[] {
  const out: Attributes[] = [];
  const p = prefix + '.';
  if (scanRecorder) scanRecorder(a, p);
  for (const key of Object.keys(a)) {
    if (!key.startsWith(p)) continue;
    const rest = key.slice(p.length);
    const dot = rest.indexOf('.');
    const idxText = dot < 0 ? rest : rest.slice(0, dot);
    if (!/^\d+$/.test(idxText)) continue;
    const idx = Number(idxText);
    if (idx > 100_000) continue;
    const sub = dot < 0 ? '' : rest.slice(dot + 1);
    (out[idx] ??= newAttributes())[sub] = a[key] as AttrValue;
  }
  return out.filter((x) => x !== undefined);
}

export function hasPrefix(a: Attributes, prefix: string): boolean {
  if (scanRecorder) scanRecorder(a, prefix);
  for (const k of Object.keys(a)) if (k.startsWith(prefix)) return true;
  return false;
}
