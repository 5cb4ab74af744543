// A span's full detail as Markdown text, for the read-only `tracelens:` document and the CLI.
// Content is untrusted: it is placed in fenced blocks long enough never to be closed by it.

import type { Message, Span } from '../model/span';
import { formatDurationNs, isoFromNanos } from '../formats/time';
import { maskSecretText, maskSecretValue } from './maskSecrets';

const MAX_VALUE = 20_000;

function fence(body: string, lang = ''): string {
  const runs = body.match(/`{3,}/g) ?? [];
  const longest = runs.reduce((n, r) => Math.max(n, r.length), 2);
  const f = '`'.repeat(longest + 1);
  const text = body.length > MAX_VALUE ? `${body.slice(0, MAX_VALUE)}\n… (${body.length - MAX_VALUE} more characters)` : body;
  return `${f}${lang}\n${text}\n${f}`;
}

function pretty(value: string): { text: string; lang: string } {
  const t = value.trim();
  if (t.startsWith('{') || t.startsWith('[')) {
    try {
      return { text: JSON.stringify(JSON.parse(t), null, 2), lang: 'json' };
    } catch {
      /* not JSON after all: show as text */
    }
  }
  return { text: value, lang: 'text' };
}

// The document is read as Markdown source, so escape only what would break its structure.
/** Text on one line (headings, list items). */
function cell(s: string): string {
  return s.replace(/\r?\n/g, ' ');
}

/** Text in a table cell. */
function tableCell(s: string): string {
  return cell(s).replace(/\|/g, '\\|');
}

const ATTR_PREVIEW = 2000;

/** Attributes with long values cut, since their content is shown in full in its own section. */
function attributePreview(a: Span['attributes']): string {
  const cut = Object.fromEntries(
    Object.entries(maskSecretValue(a) as Span['attributes']).map(([k, v]) =>
      typeof v === 'string' && v.length > ATTR_PREVIEW ? [k, `${v.slice(0, ATTR_PREVIEW)}… (${v.length} characters)`] : [k, v],
    ),
  );
  return JSON.stringify(cut, null, 2);
}

function messages(title: string, list: Message[] | undefined): string[] {
  if (!list?.length) return [];
  const out = [`## ${title}`, ''];
  for (const m of list) {
    out.push(
      `**${cell(m.role)}**${m.name ? ` (${cell(m.name)})` : ''}${m.toolCallId ? ` — result of tool call ${cell(m.toolCallId)}` : ''}`,
      '',
    );
    if (m.content) out.push(fence(m.content, 'text'), '');
    for (const c of m.toolCalls ?? [])
      out.push(`Tool call **${cell(c.name)}**${c.id ? ` \`${cell(c.id)}\`` : ''}`, '', fence(pretty(c.arguments ?? '').text, 'json'), '');
  }
  return out;
}

export function formatSpanDetail(s: Span, sourceLabel?: string): string {
  const rows: [string, string | undefined][] = [
    ['Kind', s.kind],
    ['Status', s.status + (s.statusMessage ? ` — ${s.statusMessage}` : '')],
    ['Start', isoFromNanos(s.startNs)],
    ['Duration', formatDurationNs(s.endNs - s.startNs)],
    ['Service', s.service],
    [
      'Model',
      [
        s.model?.provider,
        s.model?.requested,
        s.model?.returned && s.model.returned !== s.model.requested ? `→ ${s.model.returned}` : undefined,
      ]
        .filter(Boolean)
        .join(' ') || undefined,
    ],
    [
      'Tokens',
      s.usage
        ? `${s.usage.input ?? 0} in · ${s.usage.output ?? 0} out${s.usage.cacheRead ? ` · ${s.usage.cacheRead} cached` : ''}${s.usage.reasoning ? ` · ${s.usage.reasoning} reasoning` : ''}`
        : undefined,
    ],
    ['Cost', s.cost !== undefined ? `$${s.cost.toFixed(4)}` : undefined],
    ['Session', s.sessionId],
    ['User', s.userId],
    [
      'Template',
      s.template
        ? [s.template.name, s.template.version ? `v${s.template.version}` : undefined, s.template.path].filter(Boolean).join(' · ')
        : undefined,
    ],
    [
      'Code',
      s.code ? `${s.code.file ?? ''}${s.code.line ? `:${s.code.line}` : ''}${s.code.function ? ` (${s.code.function})` : ''}` : undefined,
    ],
    ['Trace', s.traceId],
    ['Span', s.spanId],
    ['Parent', s.parentId ?? (s.detachedParentId ? `${s.detachedParentId} (not in this source)` : undefined)],
    ['Source', sourceLabel && s.range ? `${sourceLabel}, line ${s.range.line}` : sourceLabel],
  ];
  const out = [`# ${cell(s.name || '(unnamed span)')}`, '', '| | |', '|---|---|'];
  for (const [k, v] of rows) if (v) out.push(`| ${k} | ${tableCell(v)} |`);
  out.push('');
  if (s.guards?.length) {
    out.push('## Guards', '');
    for (const g of s.guards)
      out.push(
        `- ${g.passed ? '✅ passed' : '⛔ fired'}: **${cell(g.name)}**${g.action ? ` → ${cell(g.action)}` : ''}${g.reason ? ` — ${cell(g.reason)}` : ''}`,
      );
    out.push('');
  }
  if (s.feedback?.length) {
    out.push('## Feedback', '');
    for (const f of s.feedback)
      out.push(
        `- ${[f.name, f.label, f.score !== undefined ? `score ${f.score}` : undefined]
          .filter(Boolean)
          .map((x) => cell(String(x)))
          .join(' · ')}${f.comment ? ` — “${cell(f.comment)}”` : ''}`,
      );
    out.push('');
  }
  if (s.exception) {
    out.push('## Exception', '', `**${cell(s.exception.type ?? 'Error')}**: ${cell(s.exception.message ?? '')}`, '');
    if (s.exception.stacktrace) out.push(fence(s.exception.stacktrace, 'text'), '');
  }
  if (s.template?.text) out.push('## Prompt template', '', fence(s.template.text, 'text'), '');
  if (s.template?.variables) out.push('### Variables', '', fence(JSON.stringify(s.template.variables, null, 2), 'json'), '');
  out.push(...messages('Input messages', s.inputMessages));
  out.push(...messages('Output messages', s.outputMessages));
  if (s.tool) {
    out.push(`## Tool: ${cell(s.tool.name)}`, '');
    if (s.tool.arguments) out.push('Arguments', '', fence(pretty(s.tool.arguments).text, pretty(s.tool.arguments).lang), '');
    if (s.tool.result) out.push('Result', '', fence(pretty(s.tool.result).text, pretty(s.tool.result).lang), '');
  }
  if (s.documents?.length) {
    out.push(`## Retrieved documents (${s.documents.length})`, '');
    s.documents.forEach((d, i) => {
      out.push(`### ${i + 1}. ${cell(d.id ?? d.uri ?? 'document')}${d.score !== undefined ? ` — score ${d.score}` : ''}`, '');
      if (d.uri) out.push(`URI: ${cell(d.uri)}`, '');
      if (d.content) out.push(fence(d.content, 'text'), '');
      if (d.metadata) out.push(fence(JSON.stringify(d.metadata, null, 2), 'json'), '');
    });
  }
  if (!s.inputMessages && s.input) out.push('## Input', '', fence(pretty(s.input).text, pretty(s.input).lang), '');
  if (!s.outputMessages && s.output) out.push('## Output', '', fence(pretty(s.output).text, pretty(s.output).lang), '');
  if (s.events.length) {
    out.push(`## Events (${s.events.length})`, '');
    for (const e of s.events)
      out.push(
        `- ${e.timeNs !== undefined ? isoFromNanos(e.timeNs) + ' ' : ''}**${cell(e.name)}** ${Object.keys(e.attributes).length ? cell(JSON.stringify(e.attributes).slice(0, 300)) : ''}`,
      );
    out.push('');
  }
  if (s.links?.length) {
    out.push(`## Links (${s.links.length})`, '');
    for (const l of s.links)
      out.push(
        `- trace ${cell(l.traceId)} span ${cell(l.spanId)} ${Object.keys(l.attributes).length ? cell(JSON.stringify(l.attributes).slice(0, 300)) : ''}`,
      );
    out.push('');
  }
  out.push('## Attributes', '', fence(attributePreview(s.attributes), 'json'), '');
  if (s.resource && Object.keys(s.resource).length) out.push('## Resource', '', fence(JSON.stringify(s.resource, null, 2), 'json'), '');
  // Keys and tokens that leaked into prompts, arguments or attributes are masked for display.
  return maskSecretText(out.join('\n'));
}
