// CodeLens above prompt templates and above functions that traces name (code.*): how they fared
// in the loaded runs. Titles are computed lazily in resolveCodeLens; clicking filters the Runs
// tree to those runs. Hovering a template placeholder shows values it recently took.

import * as vscode from 'vscode';
import { formatDurationNs } from '../core/formats/time';
import { parseTemplateFile } from '../core/templates/templateFile';
import { mergeUsage, percentile, type SourceUsage, type UsageStats } from '../core/trace/usageStats';
import { Commands } from './commandIds';
import type { SourceManager } from './sourceManager';
import type { WorkspaceTexts } from './workspaceTexts';

class UsageLens extends vscode.CodeLens {
  constructor(
    range: vscode.Range,
    readonly what: string,
    readonly key: { kind: 'template' | 'function'; keys: string[] },
  ) {
    super(range);
  }
}

export function lensTitle(st: UsageStats): string {
  const p95 = percentile(st.durations, 95);
  const parts = [`${st.traceIds.size} run${st.traceIds.size === 1 ? '' : 's'}`, `${st.errors} error${st.errors === 1 ? '' : 's'}`];
  if (st.guardsFailed) parts.push(`${st.guardsFailed} guard fired`);
  if (st.negativeFeedback) parts.push(`${st.negativeFeedback} 👎`);
  if (p95 !== undefined) parts.push(`p95 ${formatDurationNs(p95)}`);
  return `TraceLens: ${parts.join(' · ')}`;
}

export class TraceCodeLensProvider implements vscode.CodeLensProvider<UsageLens>, vscode.HoverProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.changed.event;
  private usage?: Promise<SourceUsage>;
  private readonly subs: vscode.Disposable[];

  constructor(
    private readonly sources: SourceManager,
    private readonly texts: WorkspaceTexts,
  ) {
    const refresh = (): void => {
      this.usage = undefined;
      this.changed.fire();
    };
    this.subs = [
      sources.onDidChange(refresh),
      texts.onDidChange(refresh),
      vscode.workspace.onDidChangeConfiguration((e) => e.affectsConfiguration('tracelens.codeLens') && refresh()),
    ];
  }

  private currentUsage(): Promise<SourceUsage> {
    this.usage ??= this.sources.loaded().then((all) => mergeUsage(all.map((s) => s.usage)));
    return this.usage;
  }

  async provideCodeLenses(doc: vscode.TextDocument): Promise<UsageLens[]> {
    if (!vscode.workspace.getConfiguration('tracelens').get<boolean>('codeLens.enabled', true)) return [];
    if ((await this.sources.loaded()).length === 0) return [];
    const rel = vscode.workspace.asRelativePath(doc.uri, false).split('\\').join('/');
    const usage = await this.currentUsage();
    const lenses: UsageLens[] = [];
    const isTemplate = (await this.texts.templateFiles()).some((t) => t.path === rel);
    if (isTemplate) {
      const file = parseTemplateFile(rel, doc.getText());
      const keys = [`path:${rel}`, `name:${file.name}`].filter((k) => usage.templates.has(k));
      if (keys.length)
        lenses.push(new UsageLens(new vscode.Range(0, 0, 0, 0), `template ${file.name}`, { kind: 'template', keys: keys.slice(0, 1) }));
    }
    for (const [key] of usage.functions) {
      const [file, fn] = key.split('#');
      if (file !== rel && !rel.endsWith(`/${file}`)) continue;
      const line = definitionLine(doc, fn);
      if (line !== undefined) lenses.push(new UsageLens(new vscode.Range(line, 0, line, 0), fn, { kind: 'function', keys: [key] }));
    }
    return lenses;
  }

  async resolveCodeLens(lens: UsageLens): Promise<UsageLens> {
    const usage = await this.currentUsage();
    const map = lens.key.kind === 'template' ? usage.templates : usage.functions;
    const st = map.get(lens.key.keys[0]);
    lens.command = st
      ? {
          title: lensTitle(st),
          command: Commands.filterRuns,
          arguments: [{ traceIds: [...st.traceIds], label: lens.what }],
          tooltip: `Show these runs in the TraceLens Runs view`,
        }
      : { title: 'TraceLens: no runs loaded', command: '' };
    return lens;
  }

  async provideHover(doc: vscode.TextDocument, pos: vscode.Position): Promise<vscode.Hover | undefined> {
    const rel = vscode.workspace.asRelativePath(doc.uri, false).split('\\').join('/');
    if (!(await this.texts.templateFiles()).some((t) => t.path === rel)) return undefined;
    const file = parseTemplateFile(rel, doc.getText());
    const offset = doc.offsetAt(pos);
    const ph = file.placeholders.find((p) => offset >= p.offset && offset <= p.offset + p.raw.length);
    if (!ph) return undefined;
    const usage = await this.currentUsage();
    const st = usage.templates.get(`path:${rel}`) ?? usage.templates.get(`name:${file.name}`);
    const values = st?.recentValues.get(ph.name);
    if (!values?.length) return undefined;
    // Trace content is untrusted: plain text in code blocks, never trusted Markdown or HTML.
    const md = new vscode.MarkdownString();
    md.appendText(`TraceLens — recent values of ${ph.name}:`);
    for (const v of values) md.appendCodeblock(v.length > 500 ? `${v.slice(0, 500)}…` : v, 'text');
    return new vscode.Hover(md, new vscode.Range(doc.positionAt(ph.offset), doc.positionAt(ph.offset + ph.raw.length)));
  }

  dispose(): void {
    this.changed.dispose();
    for (const s of this.subs) s.dispose();
  }
}

/** Line of `name`'s definition (method, function, def), by its last dotted segment. */
function definitionLine(doc: vscode.TextDocument, qualified: string): number | undefined {
  const name = qualified
    .split('.')
    .pop()
    ?.replace(/[^\w$]/g, '');
  if (!name) return undefined;
  const def = new RegExp(
    `^\\s*(export\\s+)?(default\\s+)?(public\\s+|private\\s+|protected\\s+|static\\s+)*(async\\s+)?(function\\s*\\*?\\s*|def\\s+)?${name}\\s*[(<]`,
  );
  for (let i = 0; i < doc.lineCount; i++) if (def.test(doc.lineAt(i).text)) return i;
  return undefined;
}
