// `tracelens lineage <file…> --span <id> [--json]`: why an output came to be. Every file is read
// and joined (traces and OpenLineage events), the lineage graph is built, and the upstream closure
// of the span's output is printed — as JSON (`nodes` with id/type/label, `edges` with from/to/type,
// and the problems on the way), or as an indented tree with the problems listed after it.

import { readdir, readFile } from 'node:fs/promises';
import * as path from 'node:path';
import type { LineageEdge, LineageGraph, LineageNode, LineageRun } from '../core/model/lineage';
import type { Span } from '../core/model/span';
import { buildLineage } from '../core/lineage/buildLineage';
import { outputNodeFor, pathsToProblems, problemKind, upstreamClosure, type ProblemPath } from '../core/lineage/closure';
import { compileMappingRules } from '../core/lineage/datasetJoin';
import { isTemplatePath, parseTemplateFile, type TemplateFile } from '../core/templates/templateFile';
import { importFile } from '../ingest/importFile';
import { formatDiagnostic } from './inspect';

export const LINEAGE_USAGE = `Usage: tracelens lineage <file…> --span <spanId|traceId> [options]

Prints the upstream lineage of a span's output (a trace id means the run's output): every file is
joined, e.g. an OTLP trace and the OpenLineage events of the pipeline behind its documents.

Options:
  --span <id>         Span id or trace id (required).
  --json              One JSON object: root, nodes (id, type, label…), edges (from, to, type), problems.
  --depth <n>         Stop n edges upstream of the output.
  --workspace <dir>   Match templates to the template files under <dir> (prompts/, *.prompty, *.prompt.*…)
                      and flag the ones that changed since they were traced.
  --rules <file>      Dataset mapping rules, a JSON list of {"match": regex, "dataset": "namespace/name"}.`;

export interface LineageReport {
  root: string;
  nodes: LineageNode[];
  edges: LineageEdge[];
  problems: { node: string; kind: ProblemPath['kind']; path: string[] }[];
  truncated: boolean;
}

interface Args {
  files: string[];
  span?: string;
  json: boolean;
  depth?: number;
  workspace?: string;
  rules?: string;
  error?: string;
}

function parseArgs(argv: string[]): Args {
  const a: Args = { files: [], json: false };
  for (let i = 0; i < argv.length; i++) {
    const x = argv[i];
    const value = (): string | undefined => {
      const v = argv[++i];
      if (v === undefined || v.startsWith('--')) a.error = `${x} needs a value`;
      return v;
    };
    if (x === '--json') a.json = true;
    else if (x === '--span') a.span = value();
    else if (x === '--depth') {
      const v = Number(value());
      if (!Number.isInteger(v) || v < 0) a.error = '--depth needs a whole number';
      else a.depth = v;
    } else if (x === '--workspace') a.workspace = value();
    else if (x === '--rules') a.rules = value();
    else if (x.startsWith('--')) a.error = `unknown option ${x}`;
    else a.files.push(x);
  }
  return a;
}

const SKIP_DIRS = new Set(['node_modules', '.git', 'dist', 'out', '.venv', 'venv', '__pycache__', '.tools']);

/** Template files under a folder (bounded walk; no symlinks followed). */
export async function readTemplateFiles(root: string, limit = 2000): Promise<TemplateFile[]> {
  const out: TemplateFile[] = [];
  const walk = async (dir: string, depth: number): Promise<void> => {
    if (depth > 12 || out.length >= limit) return;
    const entries = await readdir(dir, { withFileTypes: true });
    for (const e of entries) {
      const full = path.join(dir, e.name);
      if (e.isDirectory() && !SKIP_DIRS.has(e.name)) await walk(full, depth + 1);
      else if (e.isFile()) {
        const rel = path.relative(root, full).split(path.sep).join('/');
        if (!isTemplatePath(rel)) continue;
        out.push(parseTemplateFile(rel, await readFile(full, 'utf8')));
        if (out.length >= limit) return;
      }
    }
  };
  await walk(root, 0);
  return out;
}

export async function lineageReport(
  files: string[],
  id: string,
  opts: { depth?: number; workspace?: string; rules?: unknown } = {},
): Promise<{ report?: LineageReport; graph: LineageGraph; warnings: string[] }> {
  const spans: Span[] = [];
  const runs: LineageRun[] = [];
  const warnings: string[] = [];
  for (const f of files) {
    const r = await importFile(f);
    spans.push(...r.spans);
    runs.push(...r.lineageRuns);
    for (const d of r.diagnostics) if (d.severity === 'error') warnings.push(formatDiagnostic({ path: f, ...d }));
  }
  const compiled = compileMappingRules(opts.rules);
  warnings.push(...compiled.errors);
  const templateFiles = opts.workspace ? await readTemplateFiles(opts.workspace) : undefined;
  const graph = buildLineage(spans, runs, { datasetRules: compiled.rules, templateFiles });
  const root = outputNodeFor(graph, id);
  if (!root) return { graph, warnings };
  const closure = upstreamClosure(graph, root, { maxDepth: opts.depth });
  const problems = pathsToProblems(closure, root).paths.map((p) => ({ node: p.problem, kind: p.kind, path: p.path }));
  return { report: { root, nodes: closure.nodes, edges: closure.edges, problems, truncated: closure.truncated }, graph, warnings };
}

const PROBLEM_WORDS: Record<ProblemPath['kind'], string> = {
  error: 'error',
  failed_guard: 'failed guard',
  stale_template: 'stale template',
  stale_document: 'stale document',
  failed_job: 'failed job',
  negative_feedback: 'negative feedback',
};

/** The closure as a tree from the output upstream; a node met again is shown once, then referred to. */
export function formatLineageTree(r: LineageReport): string {
  const nodes = new Map(r.nodes.map((n) => [n.id, n]));
  const incoming = new Map<string, LineageEdge[]>();
  for (const e of r.edges) (incoming.get(e.to) ?? incoming.set(e.to, []).get(e.to)!).push(e);
  const describe = (n: LineageNode): string => {
    const p = problemKind(n);
    return `${n.type} ${n.label}${p ? `  ⚠ ${PROBLEM_WORDS[p]}` : ''}`;
  };
  const lines: string[] = [];
  const printed = new Set<string>();
  const walk = (id: string, prefix: string): void => {
    const edges = incoming.get(id) ?? [];
    edges.forEach((e, i) => {
      const last = i === edges.length - 1;
      const n = nodes.get(e.from);
      if (!n) return;
      const again = printed.has(n.id);
      lines.push(`${prefix}${last ? '└─' : '├─'} ${e.type} ← ${describe(n)}${again ? '  (see above)' : ''}`);
      if (again) return;
      printed.add(n.id);
      walk(n.id, `${prefix}${last ? '   ' : '│  '}`);
    });
  };
  const root = nodes.get(r.root);
  if (root) {
    lines.push(describe(root));
    printed.add(root.id);
    walk(root.id, '');
  }
  if (r.problems.length) {
    lines.push('', 'Problems on the way:');
    for (const p of r.problems) {
      const n = nodes.get(p.node);
      lines.push(`  ⚠ ${PROBLEM_WORDS[p.kind]}: ${n?.label ?? p.node}`);
      lines.push(`    ${p.path.map((id) => nodes.get(id)?.label ?? id).join(' ← ')}`);
    }
  }
  if (r.truncated) lines.push('', '(depth limit reached: more lineage upstream)');
  return lines.join('\n');
}

export async function runLineage(argv: string[]): Promise<number> {
  const a = parseArgs(argv);
  if (argv.includes('-h') || argv.includes('--help')) {
    console.log(LINEAGE_USAGE);
    return 0;
  }
  if (a.error || !a.span || a.files.length === 0) {
    console.error(`tracelens lineage: ${a.error ?? (a.span ? 'no files given' : '--span is required')}\n\n${LINEAGE_USAGE}`);
    return 2;
  }
  let rules: unknown;
  try {
    if (a.rules) rules = JSON.parse(await readFile(a.rules, 'utf8'));
    const { report, warnings } = await lineageReport(a.files, a.span, { depth: a.depth, workspace: a.workspace, rules });
    for (const w of warnings) console.error(w);
    if (!report) {
      console.error(`tracelens lineage: no span or trace ${a.span} in the given files`);
      return 1;
    }
    console.log(a.json ? JSON.stringify(report) : formatLineageTree(report));
    return 0;
  } catch (err) {
    console.error(`tracelens lineage: ${err instanceof Error ? err.message : String(err)}`);
    return 1;
  }
}
