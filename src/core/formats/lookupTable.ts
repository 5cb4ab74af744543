// Tables that trace values (and query text) are looked up in by name: status codes, kinds,
// roles, units. A plain object literal answers "constructor", "__proto__" or "toString" with
// what every object inherits (a function, Object.prototype), which then became a span's kind or
// status; a table without a prototype answers only its own names.

export function lookupTable<T>(entries: Record<string, T>): Readonly<Record<string, T>> {
  return Object.freeze(Object.assign(Object.create(null) as Record<string, T>, entries));
}
