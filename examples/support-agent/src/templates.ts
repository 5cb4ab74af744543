// Prompt templates live in prompts/*.prompt.md: a front-matter block (name, version, ...) and a
// body with {{placeholders}}. The raw body is what gets traced as `llm.prompt_template.template`,
// so it must stay a verbatim slice of the file for TraceLens to find it again.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { WORKSPACE_ROOT } from './tracing';

export interface PromptTemplate {
  name: string;
  version: string;
  /** Workspace-relative path, e.g. `prompts/answer.prompt.md`. */
  path: string;
  body: string;
  placeholders: string[];
}

const PLACEHOLDER = /\{\{\s*([A-Za-z_][\w]*)\s*\}\}/g;

/** Parse `---\nkey: value\n---\nbody`; shared with the policy loader in ingest.ts. */
export function parseFrontMatter(text: string): { meta: Record<string, string>; body: string } {
  const m = /^---\n([\s\S]*?)\n---\n/.exec(text);
  if (!m) return { meta: {}, body: text };
  const meta: Record<string, string> = {};
  for (const line of m[1].split('\n')) {
    const kv = /^([\w.-]+):\s*(.*)$/.exec(line);
    if (kv) meta[kv[1]] = kv[2].trim();
  }
  return { meta, body: text.slice(m[0].length).trimEnd() };
}

export function loadTemplate(name: string): PromptTemplate {
  const rel = `prompts/${name}.prompt.md`;
  const { meta, body } = parseFrontMatter(fs.readFileSync(path.join(WORKSPACE_ROOT, rel), 'utf8'));
  if (meta.name !== name || !meta.version) {
    throw new Error(`${rel}: front matter must declare name: ${name} and a version`);
  }
  const placeholders = [...new Set([...body.matchAll(PLACEHOLDER)].map((m) => m[1]))];
  return { name, version: meta.version, path: rel, body, placeholders };
}

/** Fill every placeholder; a missing variable is a bug in the caller, so it throws. */
export function render(template: PromptTemplate, vars: Record<string, string>): string {
  return template.body.replace(PLACEHOLDER, (_, key: string) => {
    const value = vars[key];
    if (value === undefined) throw new Error(`${template.path}: no value for {{${key}}}`);
    return value;
  });
}

/** The OpenInference / TraceLens template attributes for an LLM span rendered from `template`. */
export function templateAttributes(template: PromptTemplate, vars: Record<string, string>) {
  return {
    'gen_ai.prompt.name': template.name,
    'llm.prompt_template.template': template.body,
    'llm.prompt_template.version': template.version,
    'llm.prompt_template.variables': JSON.stringify(vars),
    'tracelens.template.path': template.path,
  };
}
