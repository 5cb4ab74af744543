// Decode OTLP AnyValue / KeyValue lists into plain attribute values. Defensive: depth-bounded,
// `__proto__`-safe (attribute maps are null-prototype objects), unknown shapes kept as given.

import type { AttrValue, Attributes } from '../model/span';

const MAX_DEPTH = 32;

/**
 * Attribute maps inherit nothing (a key named `__proto__`, `constructor` or `toString` is just a
 * key), as `Object.create(null)` maps do; but those start in V8's dictionary mode, and instances
 * of a class whose prototype is empty and has no prototype stay fast objects: ~10% of indexing
 * an OTLP file (attributes are decoded and read for every span; alternating runs, 64 MB).
 */
class AttrMap {}
Object.setPrototypeOf(AttrMap.prototype, null);
delete (AttrMap.prototype as { constructor?: unknown }).constructor;
export function newAttributes(): Attributes {
  return new AttrMap() as Attributes;
}

export function decodeAnyValue(v: unknown, depth = 0): AttrValue {
  if (v === null || typeof v !== 'object') return toAttr(v);
  if (depth > MAX_DEPTH) return '[nested too deeply]';
  const o = v as Record<string, unknown>;
  if ('stringValue' in o) return String(o.stringValue ?? '');
  if ('string_value' in o) return String(o.string_value ?? '');
  if ('boolValue' in o) return o.boolValue === true || o.boolValue === 'true';
  if ('bool_value' in o) return o.bool_value === true || o.bool_value === 'true';
  if ('intValue' in o) return intValue(o.intValue);
  if ('int_value' in o) return intValue(o.int_value);
  if ('doubleValue' in o) return Number(o.doubleValue);
  if ('double_value' in o) return Number(o.double_value);
  if ('bytesValue' in o) return String(o.bytesValue ?? '');
  const arr = (o.arrayValue ?? o.array_value) as { values?: unknown[] } | undefined;
  if (arr && typeof arr === 'object') {
    return Array.isArray(arr.values) ? arr.values.map((x) => decodeAnyValue(x, depth + 1)) : [];
  }
  const kv = (o.kvlistValue ?? o.kvlist_value) as { values?: unknown[] } | undefined;
  if (kv && typeof kv === 'object') return decodeKeyValues(kv.values, depth + 1);
  // An empty AnyValue ({}) is a valid "unset" value.
  if (Object.keys(o).length === 0) return null;
  return plainToAttr(o, depth + 1);
}

/** int64 arrives as a string; keep it a number when exact, else keep the digits. */
function intValue(raw: unknown): AttrValue {
  if (typeof raw === 'number') return raw;
  if (typeof raw === 'string' && /^-?\d+$/.test(raw)) {
    const n = Number(raw);
    return Number.isSafeInteger(n) ? n : raw;
  }
  return toAttr(raw);
}

export function decodeKeyValues(list: unknown, depth = 0): Attributes {
  const out = newAttributes();
  if (!Array.isArray(list)) return out;
  for (const item of list) {
    if (!item || typeof item !== 'object') continue;
    const { key, value } = item as { key?: unknown; value?: unknown };
    if (typeof key !== 'string') continue;
    out[key] = decodeAnyValue(value, depth);
  }
  return out;
}

/** A plain JSON value (flat attribute maps of Phoenix, LangSmith…) as an attribute value. */
export function plainToAttr(v: unknown, depth = 0): AttrValue {
  if (v === null || typeof v !== 'object') return toAttr(v);
  if (depth > MAX_DEPTH) return '[nested too deeply]';
  if (Array.isArray(v)) return v.map((x) => plainToAttr(x, depth + 1));
  const out = newAttributes();
  for (const [k, x] of Object.entries(v as Record<string, unknown>)) out[k] = plainToAttr(x, depth + 1);
  return out;
}

function toAttr(v: unknown): AttrValue {
  if (v === null || v === undefined) return null;
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return v;
  if (typeof v === 'bigint') return v.toString();
  return String(v);
}
