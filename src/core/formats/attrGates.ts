// Skip mapping steps whose attributes a span does not have. The mapping steps try dozens of keys
// from every convention, while a span carries a handful; on a bulk import those misses were most
// of the mapping's cost. Each step gets a bit; `presentGates` walks the span's own keys once and
// sets the bits of the steps that read any of them, and mapSemantics runs only those steps.
//
// The keys a step reads are not listed by hand. `attrGate` runs the step once on an attribute
// map that records every read and holds nothing. A step that finds none of the keys it tries
// takes exactly that path again on any span that lacks all those keys (each read answers
// undefined as in the recording, so the next read is the recorded one too), and so returns what
// it returned there: undefined, which registration checks. So a gated step gives the same result
// as an ungated one, and adding a key to a step updates its gate without anything else to edit.
// Prefix scans (`indexed`, `hasPrefix`) report their prefix; any other enumeration of the map is
// refused at registration, because its keys cannot be known.

import type { Attributes } from '../model/span';
import { setScanRecorder } from './attrs';

/** What one recording saw: exact keys read, and the prefixes scanned. */
export interface GateKeys {
  keys: string[];
  prefixes: string[];
}

const MAX_GATES = 30; // bit operations on small integers stay small integers

const byKey = new Map<string, number>();
const byPrefix: { prefix: string; bits: number }[] = [];
const registered: (GateKeys & { name: string; bit: number })[] = [];
let all = 0;

// Attribute keys repeat from span to span, so their bits are cached; bounded so that a stream of
// distinct keys (indexed message keys, say) cannot grow it without end.
const cache = new Map<string, number>();
const CACHE_MAX = 4096;

let open = false;

/** Record the keys `step` reads from attributes that hold nothing; throws if it cannot be gated. */
export function recordKeys(name: string, step: (a: Attributes) => unknown): GateKeys {
  const keys = new Set<string>();
  const prefixes = new Set<string>();
  let scans = 0;
  let enumerations = 0;
  const refuse = (what: string): never => {
    throw new Error(`attribute gate ${name}: the step ${what}, so which keys it reads cannot be recorded`);
  };
  const note = (k: string | symbol): void => {
    if (typeof k === 'symbol') refuse(`reads a symbol key`);
    keys.add(k as string);
  };
  const proxy = new Proxy(Object.create(null) as Attributes, {
    get: (_t, k) => (note(k), undefined),
    has: (_t, k) => (note(k), false),
    getOwnPropertyDescriptor: (_t, k) => (note(k), undefined),
    ownKeys: () => (enumerations++, []),
    set: () => refuse('writes to the attributes'),
    defineProperty: () => refuse('writes to the attributes'),
    deleteProperty: () => refuse('deletes from the attributes'),
  });
  setScanRecorder((a, prefix) => {
    if (a !== proxy) return;
    scans++;
    prefixes.add(prefix);
  });
  let result: unknown;
  try {
    result = step(proxy);
  } finally {
    setScanRecorder(undefined);
  }
  if (enumerations !== scans) refuse('enumerates the attributes other than by a prefix scan');
  if (result !== undefined) refuse(`returns ${JSON.stringify(result)} for empty attributes`);
  return { keys: [...keys], prefixes: [...prefixes] };
}

/** Register a mapping step; its bit is set in `presentGates(a)` when `a` has a key the step reads. */
export function attrGate(name: string, step: (a: Attributes) => unknown): number {
  if (registered.length >= MAX_GATES) throw new Error(`attribute gate ${name}: more than ${MAX_GATES} gates`);
  const rec = recordKeys(name, step);
  const bit = 1 << registered.length;
  registered.push({ name, bit, ...rec });
  for (const k of rec.keys) byKey.set(k, (byKey.get(k) ?? 0) | bit);
  for (const prefix of rec.prefixes) {
    const entry = byPrefix.find((e) => e.prefix === prefix);
    if (entry) entry.bits |= bit;
    else byPrefix.push({ prefix, bits: bit });
  }
  all |= bit;
  cache.clear();
  return bit;
}

function bitsOf(key: string): number {
  let bits = byKey.get(key) ?? 0;
  for (const e of byPrefix) if (key.startsWith(e.prefix)) bits |= e.bits;
  return bits;
}

/** The bits of the steps that read any key `a` has (every bit inside `withAttributeGatesOpen`). */
export function presentGates(a: Attributes): number {
  if (open) return all;
  let bits = 0;
  for (const k of Object.keys(a)) {
    let b = cache.get(k);
    if (b === undefined) {
      b = bitsOf(k);
      if (cache.size < CACHE_MAX) cache.set(k, b);
    }
    bits |= b;
  }
  return bits;
}

/** Run `fn` with every gate open: each step runs on every span, as before gating (for tests). */
export function withAttributeGatesOpen<T>(fn: () => T): T {
  const prev = open;
  open = true;
  try {
    return fn();
  } finally {
    open = prev;
  }
}

/** The registered gates and the keys each was recorded reading (for tests and diagnostics). */
export function attributeGates(): readonly (GateKeys & { name: string; bit: number })[] {
  return registered;
}
