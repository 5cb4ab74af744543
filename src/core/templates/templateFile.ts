// A prompt template file in the workspace: `*.prompty` and `*.prompt.md` / `*.prompt.*` with a
// YAML front matter (name, version, description), Jinja/Mustache/Handlebars files, and any file
// under `prompts/`. The body (after the front matter) is the template text a span traces.

import { placeholderNames, segmentTemplate, type TemplateSegment } from './placeholders';

/** Default workspace globs for template files (the `tracelens.templates.globs` setting's default). */
export const DEFAULT_TEMPLATE_GLOBS: readonly string[] = [
  '**/*.prompty',
  '**/*.prompt.*',
  '**/prompts/**/*',
  '**/*.jinja',
  '**/*.jinja2',
  '**/*.j2',
  '**/*.mustache',
  '**/*.hbs',
  '**/*.handlebars',
];

export interface TemplatePlaceholder {
  name: string;
  raw: string;
  /** Offset in the whole file text. */
  offset: number;
  /** 1-based line and column in the file. */
  line: number;
  column: number;
}

export interface TemplateFile {
  /** Workspace-relative path with `/` separators, e.g. `prompts/answer.prompt.md`. */
  path: string;
  /** Front matter `name`, else the file name without its template extensions. */
  name: string;
  version?: string;
  description?: string;
  /** Top-level scalar keys of the front matter. */
  frontMatter?: Record<string, string>;
  /** The whole file. */
  text: string;
  /** The template text after the front matter. */
  body: string;
  bodyOffset: number;
  /** 1-based line of the body's first character. */
  bodyLine: number;
  segments: TemplateSegment[];
  placeholders: TemplatePlaceholder[];
}

const TEMPLATE_EXT = /(\.prompt)?(\.(prompty|md|markdown|txt|jinja2?|j2|mustache|hbs|handlebars|tmpl|tpl|ya?ml|json))+$/i;

/** `prompts/answer.prompt.md` → `answer`; `chat.prompty` → `chat`; `x.jinja2` → `x`. */
export function templateNameFromPath(path: string): string {
  const base = path.replace(/\\/g, '/').split('/').pop() ?? path;
  const stripped = base.replace(TEMPLATE_EXT, '').replace(/\.prompt$/i, '');
  return stripped || base;
}

function unquote(v: string): string {
  const t = v.trim();
  if (t.length >= 2 && ((t[0] === '"' && t.endsWith('"')) || (t[0] === "'" && t.endsWith("'")))) return t.slice(1, -1);
  return t.replace(/\s+#.*$/, '');
}

/** A leading `---` … `---` (or `...`) block: its top-level scalar keys and where the body starts. */
export function splitFrontMatter(text: string): { meta?: Record<string, string>; bodyOffset: number; bodyLine: number } {
  const bom = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  const open = /^---[ \t]*\r?\n/.exec(text.slice(bom));
  if (!open) return { bodyOffset: bom, bodyLine: 1 };
  const rest = text.slice(bom + open[0].length);
  const close = /^(?:---|\.\.\.)[ \t]*(?:\r?\n|$)/m.exec(rest);
  if (!close) return { bodyOffset: bom, bodyLine: 1 };
  const block = rest.slice(0, close.index);
  const meta: Record<string, string> = Object.create(null) as Record<string, string>;
  for (const line of block.split(/\r?\n/)) {
    const kv = /^([A-Za-z_][\w.-]*):[ \t]*(.*)$/.exec(line);
    if (kv && kv[2].trim() !== '' && !/^[|>]/.test(kv[2].trim())) meta[kv[1]] = unquote(kv[2]);
  }
  const bodyOffset = bom + open[0].length + close.index + close[0].length;
  let bodyLine = 1;
  for (let i = 0; i < bodyOffset; i++) if (text.charCodeAt(i) === 10) bodyLine++;
  return { meta, bodyOffset, bodyLine };
}

function lineColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lastNl = -1;
  for (let i = 0; i < offset; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lastNl = i;
    }
  }
  return { line, column: offset - lastNl };
}

export function parseTemplateFile(path: string, text: string): TemplateFile {
  const rel = path.replace(/\\/g, '/').replace(/^\.\//, '');
  const { meta, bodyOffset, bodyLine } = splitFrontMatter(text);
  const body = text.slice(bodyOffset);
  const segments = segmentTemplate(body);
  const placeholders: TemplatePlaceholder[] = [];
  for (const s of segments) {
    if (s.kind !== 'placeholder' || s.block || !s.name) continue;
    const offset = bodyOffset + s.start;
    placeholders.push({ name: s.name, raw: s.raw, offset, ...lineColumn(text, offset) });
  }
  const file: TemplateFile = {
    path: rel,
    name: meta?.name || templateNameFromPath(rel),
    text,
    body,
    bodyOffset,
    bodyLine,
    segments,
    placeholders,
  };
  if (meta?.version) file.version = meta.version;
  if (meta?.description) file.description = meta.description;
  if (meta && Object.keys(meta).length) file.frontMatter = meta;
  return file;
}

/** Variable names used by a template file, in first-use order. */
export function templateVariables(file: TemplateFile): string[] {
  return placeholderNames(file.segments);
}

const TEMPLATE_FILE = /\.(prompty|jinja2?|j2|mustache|hbs|handlebars)$|\.prompt\.[^/]+$/i;

/**
 * Whether a workspace-relative path is a template file under the default globs
 * (`DEFAULT_TEMPLATE_GLOBS`): for tools without a glob engine, such as the CLI.
 */
export function isTemplatePath(path: string): boolean {
  const p = path.replace(/\\/g, '/');
  return TEMPLATE_FILE.test(p) || /(^|\/)prompts\/[^/]/.test(p);
}
