// The pieces every part of the lineage build shares: node ids, the de-duplicating graph
// builder, fact tables, code location nodes and the text of a span's prompt and output.

import type { LineageEdge, LineageEdgeType, LineageGraph, LineageNode } from '../model/lineage';
import type { CodeLocation, Span } from '../model/span';
import { collapseWhitespace } from '../templates/drift';
import { datasetKey, type DatasetName } from './datasetJoin';

export const spanNodeId = (traceId: string, spanId: string): string => `span:${traceId}:${spanId}`;
export const outputNodeId = (traceId: string, spanId: string): string => `output:${traceId}:${spanId}`;
export const datasetNodeId = (d: DatasetName): string => `dataset:${datasetKey(d)}`;
export const jobNodeId = (namespace: string, name: string, runId?: string): string => `job:${namespace}/${name}${runId ? `#${runId}` : ''}`;

export const LABEL_CHARS = 80;
export const FACT_CHARS = 400;

export function short(text: string, max = LABEL_CHARS): string {
  const one = collapseWhitespace(text);
  return one.length > max ? `${one.slice(0, max - 1)}…` : one;
}

/** The text an LLM (or any) span produced: its last assistant message with text, else its output. */
export function spanOutputText(s: Span): string | undefined {
  const msgs = s.outputMessages ?? [];
  for (let i = msgs.length - 1; i >= 0; i--) if (msgs[i].content && msgs[i].content.trim()) return msgs[i].content;
  return s.output && s.output.trim() ? s.output : undefined;
}

/** Everything a span was given: input messages, input value, template variables. */
export function spanPromptText(s: Span): string {
  const parts: string[] = [];
  for (const m of s.inputMessages ?? []) if (m.content) parts.push(m.content);
  if (s.input) parts.push(s.input);
  for (const v of Object.values(s.template?.variables ?? {})) parts.push(v);
  return parts.join('\n');
}

export const cmpStart = (a: Span, b: Span): number => (a.startNs < b.startNs ? -1 : a.startNs > b.startNs ? 1 : 0);

export class GraphBuilder {
  readonly nodes = new Map<string, LineageNode>();
  readonly edges = new Map<string, LineageEdge>();

  node(n: LineageNode): LineageNode {
    const prev = this.nodes.get(n.id);
    if (prev) return prev;
    this.nodes.set(n.id, n);
    return n;
  }

  edge(from: string, to: string, type: LineageEdgeType): void {
    if (from === to) return;
    const key = `${from}\u0000${to}\u0000${type}`;
    if (!this.edges.has(key)) this.edges.set(key, { from, to, type });
  }

  graph(): LineageGraph {
    return { nodes: [...this.nodes.values()], edges: [...this.edges.values()] };
  }
}

export function facts(entries: [string, string | number | undefined | null][]): Record<string, string> | undefined {
  const out: Record<string, string> = {};
  for (const [k, v] of entries) {
    if (v === undefined || v === null || v === '') continue;
    const s = String(v);
    out[k] = s.length > FACT_CHARS ? `${s.slice(0, FACT_CHARS - 1)}…` : s;
  }
  return Object.keys(out).length ? out : undefined;
}

export function codeNode(b: GraphBuilder, c: CodeLocation, origin: string): string | undefined {
  if (!c.file && !c.function) return undefined;
  const where = c.file ? `${c.file}${c.line !== undefined ? `:${c.line}` : ''}` : '';
  const id = `code:${where}#${c.function ?? ''}`;
  const label = [where, c.function].filter(Boolean).join(' ');
  const n: LineageNode = {
    id,
    type: 'code',
    label,
    facts: facts([
      ['file', c.file],
      ['line', c.line],
      ['function', c.function],
      ['namespace', c.namespace],
      ['repository', c.repository],
      ['revision', c.revision],
      ['from', origin],
    ]),
  };
  if (c.file) n.ref = { file: c.file, ...(c.line !== undefined ? { line: c.line } : {}) };
  b.node(n);
  return id;
}
