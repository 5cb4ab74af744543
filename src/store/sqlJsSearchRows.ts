// What the embedded index keeps for search, per span, and how it travels with a row batch.
//
// The rows are spanSearchRows' (src/core/query/searchRows.ts) with the embedded store's own
// budget, because this index lives in the extension host's memory (1M spans with whole payloads
// in FTS4 took 4.4 GB):
// - full text: what spanSearchRows keeps (the latest turn of a call's messages, documents' ids
//   and beginnings…), each column capped at EMBEDDED_SEARCH_LIMITS.textChars (long pieces keep
//   their head and tail) and each retrieved document at docChars;
// - attributes: payload attributes (messages, prompts, completions, tool arguments and results,
//   document contents, template text) are left out: their text is what the full-text columns
//   already hold, and as attribute rows they would be the bulk of the index. Every other
//   attribute is kept, values capped at 256 characters, at most 64 per span; a batch names
//   keys by number (`attrKeys`), and so does the table (sqlJsSchema.ts). Resource attributes
//   go once per distinct resource of a batch (`resources`, keyed by their JSON), each span
//   naming its resource (`res`): they repeat for every span an SDK exports.
//
// The producer (the index worker, or the store itself for Span[]) packs them next to the span
// rows (SearchBatchBuilder); rows point to their span by its position in the batch, and the store
// turns positions into `spans.id` as it inserts (sqlJsSearchIndex.ts).

import type { Attributes, Span } from '../core/model/span';
import { attrRows, spanSearchRows, type AttrRow, type SearchLimits, type SpanSearchRows } from '../core/query/searchRows';
import { RowBuilder, type RowBatch, type RowLayout } from './spanRows';

export const EMBEDDED_SEARCH_LIMITS: SearchLimits = {
  textChars: 512,
  docChars: 160,
  attrs: 64,
  keyChars: 128,
  valueChars: 256,
  attrDepth: 4,
};

/** Attributes whose value is payload text (indexed as full text, or left in the source). */
export const PAYLOAD_ATTRIBUTE =
  /^(?:gen_ai\.(?:input\.messages|output\.messages|system_instructions|tool\.call\.(?:arguments|result)|tool\.definitions|content\.(?:prompt|completion)|prompt\.\d+|completion\.\d+|prompt$|completion$)|llm\.(?:input_messages|output_messages|prompts|tools|prompt_template\.(?:template|variables))|input\.value|output\.value|retrieval\.documents\.\d+\.document\.content|traceloop\.(?:entity\.(?:input|output)|prompt\.(?:template|template_variables))|langfuse\.observation\.(?:input|output)|mlflow\.span(?:Inputs|Outputs)|ai\.(?:prompt|response\.(?:text|object|toolCalls))|tracelens\.template\.text|tool\.parameters|tool_call\.function\.arguments)(?:\.|$)/;

/**
 * The search rows the embedded index stores for one span: its own attributes only (resource
 * attributes are stored once per resource: `resourceRows`).
 */
export function embeddedSearchRows(span: Span): SpanSearchRows {
  const rows = spanSearchRows(span, EMBEDDED_SEARCH_LIMITS, { resource: false });
  rows.attrs = rows.attrs.filter((a) => !PAYLOAD_ATTRIBUTE.test(a.key));
  return rows;
}

/** The attribute rows of a resource, stored once for all the spans it describes. */
export function resourceRows(resource: Attributes): AttrRow[] {
  return attrRows([resource], EMBEDDED_SEARCH_LIMITS).filter((a) => !PAYLOAD_ATTRIBUTE.test(a.key));
}

/** A resource as the index names it: its attributes as JSON (one text per distinct resource). */
const resourceKeys = new WeakMap<Attributes, string>();
function resourceKey(resource: Attributes): string {
  let k = resourceKeys.get(resource);
  if (k === undefined) {
    k = JSON.stringify(resource);
    resourceKeys.set(resource, k);
  }
  return k;
}

/** span_fts: name, input, output, tools; then the span's row in the batch. */
export const FTS_LAYOUT: RowLayout = { t: 4, n: 1 };
/** span_attr_rows: value; then row, key (its index in the batch's `attrKeys`), num. */
export const ATTR_LAYOUT: RowLayout = { t: 1, n: 3 };
/** span_guards: name, action; then row, passed (0/1). */
export const GUARD_LAYOUT: RowLayout = { t: 2, n: 2 };
/** span_tools: name; then row. */
export const TOOL_LAYOUT: RowLayout = { t: 1, n: 1 };
/** span_resources: row, resource (its index in the batch's `resources`). */
export const RES_LAYOUT: RowLayout = { t: 0, n: 2 };

/** A resource a batch's spans name by index: its key (resourceKey) and attribute rows. */
export interface BatchResource {
  key: string;
  attrs: AttrRow[];
}

/** The search rows of a span batch; `row` (the first number of each) is the span's index in it. */
export interface SearchRowBatch {
  fts: RowBatch;
  attrs: RowBatch;
  /** The attribute keys the batch's attribute rows name by index. */
  attrKeys: string[];
  guards: RowBatch;
  tools: RowBatch;
  /** Each span's resource (RES_LAYOUT), naming `resources` by index. */
  res: RowBatch;
  resources: BatchResource[];
}

/** A span's key in the search pass: trace_id, span_id. */
export const KEY_LAYOUT: RowLayout = { t: 2, n: 0 };

/**
 * The search pass's batch (sqlJsSearchBuild.ts): the search rows of the next `count` spans in
 * the order the indexing pass offered them, and each span's key (KEY_LAYOUT) to check that
 * order against the stored rows.
 */
export interface SearchPassBatch {
  count: number;
  keys: RowBatch;
  search: SearchRowBatch;
}

/** The buffers of a search batch, for transferring it between threads. */
export function searchBuffers(b: SearchRowBatch): ArrayBuffer[] {
  return [b.fts, b.attrs, b.guards, b.tools, b.res].flatMap((r) => [r.text.buffer, r.lens.buffer, r.nums.buffer] as ArrayBuffer[]);
}

/** Packs search rows in step with a SpanBatchBuilder: call `add` once per span, in the same order. */
export class SearchBatchBuilder {
  private fts = new RowBuilder(FTS_LAYOUT);
  private attrs = new RowBuilder(ATTR_LAYOUT);
  private guards = new RowBuilder(GUARD_LAYOUT);
  private tools = new RowBuilder(TOOL_LAYOUT);
  private keys = new Map<string, number>();
  private res = new RowBuilder(RES_LAYOUT);
  private resources = new Map<string, number>();
  private resourceList: BatchResource[] = [];
  private row = 0;

  add(span: Span): void {
    const r = embeddedSearchRows(span);
    const row = this.row++;
    const t = r.text;
    if (t.name || t.input || t.output || t.tools) {
      this.fts.text(t.name);
      this.fts.text(t.input);
      this.fts.text(t.output);
      this.fts.text(t.tools);
      this.fts.num(row);
      this.fts.endRow();
    }
    for (const a of r.attrs) {
      let k = this.keys.get(a.key);
      if (k === undefined) {
        k = this.keys.size;
        this.keys.set(a.key, k);
      }
      this.attrs.text(a.value);
      this.attrs.num(row);
      this.attrs.num(k);
      this.attrs.num(a.num);
      this.attrs.endRow();
    }
    for (const g of r.guards) {
      this.guards.text(g.name);
      this.guards.text(g.action);
      this.guards.num(row);
      this.guards.num(g.passed ? 1 : 0);
      this.guards.endRow();
    }
    for (const name of r.tools) {
      this.tools.text(name);
      this.tools.num(row);
      this.tools.endRow();
    }
    if (span.resource && Object.keys(span.resource).length) {
      const key = resourceKey(span.resource);
      let k = this.resources.get(key);
      if (k === undefined) {
        k = this.resourceList.length;
        this.resources.set(key, k);
        this.resourceList.push({ key, attrs: resourceRows(span.resource) });
      }
      this.res.num(row);
      this.res.num(k);
      this.res.endRow();
    }
  }

  take(): SearchRowBatch {
    this.row = 0;
    const attrKeys = [...this.keys.keys()];
    const resources = this.resourceList;
    this.keys = new Map();
    this.resources = new Map();
    this.resourceList = [];
    return {
      fts: this.fts.take(),
      attrs: this.attrs.take(),
      attrKeys,
      guards: this.guards.take(),
      tools: this.tools.take(),
      res: this.res.take(),
      resources,
    };
  }
}
