// Template nodes: one per traced template (name@version, or the file it resolved to), marked
// stale when the workspace file drifted from what was traced.

import type { LineageNode } from '../model/lineage';
import type { Span } from '../model/span';
import type { TemplateMatch } from '../templates/resolveTemplate';
import { facts, type GraphBuilder } from './lineageGraphBuilder';

export function templateNode(b: GraphBuilder, span: Span, match: TemplateMatch | undefined, alternatives: number): string | undefined {
  const t = span.template;
  const name = t?.name;
  const version = t?.version;
  let id: string;
  if (name) id = `template:${name}@${version ?? ''}`;
  else if (match) id = `template:${match.path}:${match.line}`;
  else if (t?.path) id = `template:path:${t.path}`;
  else return undefined;
  const existing = b.nodes.get(id);
  if (existing) return id;
  const label = name
    ? version !== undefined
      ? `${name}@${version}`
      : name
    : (match?.path ?? t?.path ?? 'template').split('/').pop() + (match?.source === 'literal' ? `:${match.line}` : '');
  let status: LineageNode['status'];
  let drift: string | undefined;
  if (match?.drift?.status === 'changed') {
    status = 'stale';
    drift = `the file changed since it was traced (first difference at line ${match.drift.firstDifferenceLine})`;
  } else if (match && match.kind === 'name' && version !== undefined && match.version !== undefined && match.version !== version) {
    status = 'stale';
    drift = `traced version ${version}, the file is version ${match.version}`;
  }
  const n: LineageNode = {
    id,
    type: 'template',
    label,
    facts: facts([
      ['name', name],
      ['version', version],
      ['traced path', t?.path],
      ['file', match?.path],
      ['line', match?.line],
      ['match', match ? `${match.kind} (${Math.round(match.confidence * 100)}%): ${match.reason}` : undefined],
      ['alternatives', alternatives > 0 ? alternatives : undefined],
      ['drift', drift],
      ['variables', t?.variables ? Object.keys(t.variables).join(', ') : undefined],
    ]),
  };
  if (status) n.status = status;
  const file = match?.path ?? t?.path;
  if (name || file) {
    n.ref = { ...(name ? { templateName: name } : {}), ...(file ? { file } : {}), ...(match ? { line: match.line } : {}) };
  }
  b.node(n);
  return id;
}
