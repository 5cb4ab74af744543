// Which OpenLineage dataset (and run) a retrieved document came from. Evidence, strongest first:
// the user's mapping rules (the `tracelens.lineage.datasetMappings` setting); the document's
// metadata naming a dataset (`source.dataset` = "namespace/name", split at the last '/') or an
// ingest run (`ingest.run_id`); its URI under a known dataset's "namespace/name"; and a known
// dataset whose facets list the document's URI.

import type { AttrValue, RetrievedDocument } from '../model/span';
import type { DatasetRef, LineageRun } from '../model/lineage';

export interface DatasetMappingRule {
  /** A regular expression (JavaScript syntax) tested against the document field. */
  match: string;
  /** The dataset as "namespace/name" (split at the last '/'); `$1`…`$9`, `$<group>` and `$&` are replaced. */
  dataset: string;
  /** The document field: `uri` (default: the URI, else `metadata.uri`), `id`, or `metadata.<key>`. */
  field?: string;
  /** Regular expression flags, e.g. `i`. */
  flags?: string;
}

export interface CompiledMappingRule {
  rule: DatasetMappingRule;
  re: RegExp;
}

export interface DatasetName {
  namespace: string;
  name: string;
}

export interface DocumentDatasetLink extends DatasetName {
  via: 'rule' | 'metadata' | 'uri' | 'facet';
  /** The evidence in words, e.g. `metadata source.dataset`. */
  detail: string;
}

/** Longest value a rule is run against (keeps user regexes away from huge strings). */
const MAX_FIELD_CHARS = 4096;

/** Validate and compile rules from settings; bad entries are reported, not thrown. */
export function compileMappingRules(value: unknown): { rules: CompiledMappingRule[]; errors: string[] } {
  const rules: CompiledMappingRule[] = [];
  const errors: string[] = [];
  if (value === undefined || value === null) return { rules, errors };
  if (!Array.isArray(value)) return { rules, errors: ['Dataset mapping rules must be a list'] };
  value.forEach((raw, i) => {
    const o = raw && typeof raw === 'object' ? (raw as Record<string, unknown>) : undefined;
    if (!o || typeof o.match !== 'string' || typeof o.dataset !== 'string' || !o.dataset.includes('/')) {
      errors.push(`Rule ${i + 1}: needs "match" (a regular expression) and "dataset" ("namespace/name")`);
      return;
    }
    if (o.field !== undefined && (typeof o.field !== 'string' || !/^(uri|id|metadata\..+)$/.test(o.field))) {
      errors.push(`Rule ${i + 1}: "field" must be uri, id or metadata.<key>`);
      return;
    }
    const flags = typeof o.flags === 'string' ? o.flags.replace(/[^imsu]/g, '') : '';
    try {
      const rule: DatasetMappingRule = { match: o.match, dataset: o.dataset };
      if (typeof o.field === 'string') rule.field = o.field;
      if (flags) rule.flags = flags;
      rules.push({ rule, re: new RegExp(o.match, flags) });
    } catch (err) {
      errors.push(`Rule ${i + 1}: invalid regular expression: ${err instanceof Error ? err.message : String(err)}`);
    }
  });
  return { rules, errors };
}

/** "namespace/name" of a dataset; a name starting with '/' (file paths) is appended as is. */
export function datasetKey(d: DatasetName): string {
  return d.name.startsWith('/') ? `${d.namespace}${d.name}` : `${d.namespace}/${d.name}`;
}

/** "namespace/name" → parts, split at the last '/'; undefined when there is no '/' or a part is empty. */
export function splitDatasetKey(key: string): DatasetName | undefined {
  const at = key.lastIndexOf('/');
  if (at <= 0 || at === key.length - 1) return undefined;
  return { namespace: key.slice(0, at), name: key.slice(at + 1) };
}

/** Datasets known from OpenLineage runs, looked up by key, URI prefix or facet content. */
export interface DatasetIndex {
  byKey: Map<string, DatasetRef>;
  /** Keys longest first, for URI prefix matching. */
  keysByLength: string[];
  /** URI-like strings found in dataset facets → dataset keys. */
  facetUris: Map<string, string[]>;
}

function collectStrings(v: unknown, out: Set<string>, depth: number, budget: { n: number }): void {
  if (budget.n <= 0 || depth > 6) return;
  if (typeof v === 'string') {
    budget.n--;
    if (v.length >= 8 && v.length <= 2048 && /[:/]/.test(v)) out.add(v);
    return;
  }
  if (Array.isArray(v)) for (const x of v) collectStrings(x, out, depth + 1, budget);
  else if (v && typeof v === 'object') for (const x of Object.values(v)) collectStrings(x, out, depth + 1, budget);
}

export function indexDatasets(runs: readonly LineageRun[]): DatasetIndex {
  const byKey = new Map<string, DatasetRef>();
  for (const r of runs) {
    for (const d of [...r.inputs, ...r.outputs]) {
      const k = datasetKey(d);
      const prev = byKey.get(k);
      if (!prev) byKey.set(k, d);
      else if (!prev.facets && d.facets) byKey.set(k, { ...prev, facets: d.facets });
    }
  }
  const facetUris = new Map<string, string[]>();
  for (const [k, d] of byKey) {
    const strings = new Set<string>();
    collectStrings(d.facets, strings, 0, { n: 20_000 });
    for (const s of strings) {
      const list = facetUris.get(s);
      if (!list) facetUris.set(s, [k]);
      else if (!list.includes(k)) list.push(k);
    }
  }
  const keysByLength = [...byKey.keys()].sort((a, b) => b.length - a.length);
  return { byKey, keysByLength, facetUris };
}

/** A metadata value by flat key (`source.dataset`) or nested path (`source` → `dataset`). */
function metaValue(meta: Record<string, AttrValue> | undefined, key: string): string | undefined {
  if (!meta) return undefined;
  const flat = meta[key];
  if (typeof flat === 'string' && flat) return flat;
  let cur: AttrValue | undefined = meta;
  for (const part of key.split('.')) {
    if (!cur || typeof cur !== 'object' || Array.isArray(cur)) return undefined;
    cur = (cur as Record<string, AttrValue>)[part];
  }
  return typeof cur === 'string' && cur ? cur : undefined;
}

/** Metadata keys that name the dataset a document came from. */
export const DATASET_METADATA_KEYS = [
  'source.dataset',
  'index.dataset',
  'dataset',
  'openlineage.dataset',
  'lineage.dataset',
  'source_dataset',
];
/** Metadata keys that name the OpenLineage run that wrote a document. */
export const RUN_METADATA_KEYS = ['ingest.run_id', 'openlineage.run_id', 'openlineage.runId', 'lineage.run_id', 'ingest_run_id'];

export function documentUri(doc: RetrievedDocument): string | undefined {
  return doc.uri ?? metaValue(doc.metadata, 'uri');
}

function resolveKey(key: string, index: DatasetIndex): DatasetName | undefined {
  const known = index.byKey.get(key);
  if (known) return { namespace: known.namespace, name: known.name };
  return splitDatasetKey(key);
}

function ruleField(doc: RetrievedDocument, field: string | undefined): string | undefined {
  if (!field || field === 'uri') return documentUri(doc);
  if (field === 'id') return doc.id;
  return metaValue(doc.metadata, field.slice('metadata.'.length));
}

/** Expand `$1`…`$9`, `$<name>` and `$&` in a rule's dataset template. */
function expand(template: string, m: RegExpExecArray): string {
  return template.replace(/\$(\d|<(\w+)>|&)/g, (_, g: string, named: string | undefined) => {
    if (g === '&') return m[0];
    if (named) return m.groups?.[named] ?? '';
    return m[Number(g)] ?? '';
  });
}

/** The datasets a document joins, strongest evidence first, each dataset once. */
export function documentDatasets(
  doc: RetrievedDocument,
  index: DatasetIndex,
  rules: readonly CompiledMappingRule[] = [],
): DocumentDatasetLink[] {
  const out: DocumentDatasetLink[] = [];
  const seen = new Set<string>();
  const add = (d: DatasetName | undefined, via: DocumentDatasetLink['via'], detail: string): void => {
    if (!d) return;
    const k = datasetKey(d);
    if (seen.has(k)) return;
    seen.add(k);
    out.push({ namespace: d.namespace, name: d.name, via, detail });
  };
  for (const { rule, re } of rules) {
    const v = ruleField(doc, rule.field);
    if (v === undefined || v.length > MAX_FIELD_CHARS) continue;
    re.lastIndex = 0;
    const m = re.exec(v);
    if (!m) continue;
    add(resolveKey(expand(rule.dataset, m), index), 'rule', `mapping rule ${rule.match}`);
    break; // the first matching rule decides
  }
  for (const key of DATASET_METADATA_KEYS) {
    const v = metaValue(doc.metadata, key);
    if (v) add(resolveKey(v, index), 'metadata', `metadata ${key}`);
  }
  for (const [nsKey, nameKey] of [
    ['dataset.namespace', 'dataset.name'],
    ['openlineage.dataset.namespace', 'openlineage.dataset.name'],
  ]) {
    const ns = metaValue(doc.metadata, nsKey);
    const name = metaValue(doc.metadata, nameKey);
    if (ns && name) add({ namespace: ns, name }, 'metadata', `metadata ${nsKey}/${nameKey}`);
  }
  const uri = documentUri(doc);
  if (uri && uri.length <= MAX_FIELD_CHARS) {
    const exact = index.byKey.get(uri);
    if (exact) add(exact, 'uri', 'URI equals the dataset');
    const prefix = index.keysByLength.find((k) => uri.startsWith(k.endsWith('/') ? k : `${k}/`));
    if (prefix) add(index.byKey.get(prefix), 'uri', `URI under ${prefix}`);
    for (const k of index.facetUris.get(uri) ?? []) add(index.byKey.get(k), 'facet', 'listed in the dataset facets');
  }
  return out;
}

/** OpenLineage run ids named by a document's metadata. */
export function documentRunIds(doc: RetrievedDocument): string[] {
  const ids: string[] = [];
  for (const key of RUN_METADATA_KEYS) {
    const v = metaValue(doc.metadata, key);
    if (v && !ids.includes(v)) ids.push(v);
  }
  return ids;
}
