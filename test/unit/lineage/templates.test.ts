// Prompt templates: file parsing, placeholder syntaxes, matching a span to its template in the
// DESIGN.md order (explicit path, name/version, traced text to a file or a string literal, and the
// rendered prompt inferred with a confidence), negative cases that must not match, and drift.

import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Span } from '../../../src/core/model/span';
import { segmentTemplate } from '../../../src/core/templates/placeholders';
import { isTemplatePath, parseTemplateFile, templateNameFromPath, type TemplateFile } from '../../../src/core/templates/templateFile';
import { resolveTemplate, type SourceText } from '../../../src/core/templates/resolveTemplate';
import { matchRendered } from '../../../src/core/templates/inferTemplate';
import { templateDrift } from '../../../src/core/templates/drift';
import { importFile } from '../../../src/ingest/importFile';

const DEMO = path.resolve(__dirname, '../../../examples/support-agent');

function span(extra: Partial<Span>): Span {
  return {
    traceId: 't',
    spanId: 's',
    name: 'chat',
    kind: 'llm',
    startNs: 0n,
    endNs: 1n,
    status: 'unset',
    attributes: {},
    events: [],
    ...extra,
  };
}

function demoTemplates(): TemplateFile[] {
  return fs
    .readdirSync(path.join(DEMO, 'prompts'))
    .map((f) => parseTemplateFile(`prompts/${f}`, fs.readFileSync(path.join(DEMO, 'prompts', f), 'utf8')));
}

const REFUND_TS = `// prompts kept in code
import { llm } from './llm';
const re = /don't "match" \`this\`/g; // a regex with quotes in it
export const REFUND_PROMPT =
  'You are a refund assistant for {shop}. ' +
  "Answer the question using only the policy below.\\n" +
  \`Policy: \${policy}
Question: \${question}\`;
const short = 'ok';
`;

const SUMMARY_PY = `import textwrap
# a comment with "quotes"
SUMMARY_TEMPLATE = (
    "Summarize the following support conversation in three bullet points.\\n"
    "Keep every order number and amount exactly as written.\\n\\n"
    "Conversation:\\n{conversation}"
)
RAW = r'C:\\temp\\{not_a_var}'
DOC = """Triple-quoted
prompt about {topic} with 'quotes' inside."""
`;

describe('template files', () => {
  it('parses front matter name and version, and the body with placeholder positions', () => {
    const t = parseTemplateFile('prompts/answer.prompt.md', fs.readFileSync(path.join(DEMO, 'prompts/answer.prompt.md'), 'utf8'));
    assert.equal(t.name, 'answer');
    assert.equal(t.version, '3');
    assert.equal(t.bodyLine, 6);
    assert.ok(t.body.startsWith('Customer intent: {{intent}}'));
    assert.deepEqual(
      t.placeholders.map((p) => [p.name, p.line]),
      [
        ['intent', 6],
        ['context', 9],
        ['question', 16],
      ],
    );
    assert.equal(t.text.slice(t.placeholders[0].offset, t.placeholders[0].offset + t.placeholders[0].raw.length), '{{intent}}');
  });

  it('reads .prompty front matter and names files without one from the path', () => {
    const p = parseTemplateFile(
      'chat.prompty',
      `---\nname: Basic Chat\nversion: "1.2"\nmodel:\n  api: chat\n---\nsystem:\nYou help with {{topic}}.\n`,
    );
    assert.equal(p.name, 'Basic Chat');
    assert.equal(p.version, '1.2');
    assert.equal(p.frontMatter?.api, undefined, 'nested keys are not top-level');
    assert.equal(templateNameFromPath('templates/summary.jinja2'), 'summary');
    assert.equal(templateNameFromPath('a/b/answer.prompt.md'), 'answer');
    assert.equal(parseTemplateFile('x/greet.hbs', 'Hello {{name}}').name, 'greet');
    assert.ok(isTemplatePath('prompts/system.prompt.md') && isTemplatePath('deep/x.prompty') && isTemplatePath('a/prompts/b.txt'));
    assert.ok(!isTemplatePath('src/agent.ts') && !isTemplatePath('README.md'));
  });

  it('segments every placeholder syntax into literals and gaps', () => {
    const kinds = (t: string) =>
      segmentTemplate(t).map((s) => (s.kind === 'literal' ? `L:${s.text}` : `P:${s.name}${s.block ? '(block)' : ''}`));
    assert.deepEqual(kinds('Hi {{ name }}!'), ['L:Hi ', 'P:name', 'L:!']);
    assert.deepEqual(kinds('{{{raw}}} {{#each xs}}-{{this}}{{/each}}'), ['P:raw', 'L: ', 'P:(block)', 'L:-', 'P:this', 'P:(block)']);
    assert.deepEqual(kinds('{% for d in docs %}[{{ d.id }}]{% endfor %}{# note #}'), [
      'P:(block)',
      'L:[',
      'P:d',
      'L:]',
      'P:(block)',
      'P:(block)',
    ]);
    assert.deepEqual(kinds('Q: ${question} (${n + 1})'), ['L:Q: ', 'P:question', 'L: (', 'P:n', 'L:)']);
    assert.deepEqual(kinds('Dear {user.name!r:>10}, see {items[0]}'), ['L:Dear ', 'P:user', 'L:, see ', 'P:items']);
    assert.deepEqual(kinds('JSON like {"a": 1} and {{"b": 2}} stays literal'), ['L:JSON like {"a": 1} and {{"b": 2}} stays literal']);
  });
});

describe('resolveTemplate', () => {
  const files = demoTemplates();
  const sources: SourceText[] = [
    { path: 'src/refund.ts', text: REFUND_TS },
    { path: 'agent/summary.py', text: SUMMARY_PY },
  ];

  it('1. follows an explicit path first, and never one that escapes the workspace', () => {
    const m = resolveTemplate(span({ template: { path: 'prompts/answer.prompt.md' } }), files);
    assert.equal(m[0].kind, 'path');
    assert.equal(m[0].path, 'prompts/answer.prompt.md');
    assert.equal(m[0].confidence, 1);
    assert.equal(m[0].line, 6);
    const repoRelative = resolveTemplate(span({ template: { path: 'examples/support-agent/prompts/answer.prompt.md' } }), files);
    assert.equal(repoRelative[0].path, 'prompts/answer.prompt.md');
    assert.ok(repoRelative[0].confidence < 1);
    for (const bad of ['../../.env', '~/.aws/credentials', '\\\\attacker\\share\\answer.prompt.md', 'prompts/../../../etc/passwd']) {
      assert.deepEqual(resolveTemplate(span({ template: { path: bad } }), files), [], bad);
    }
  });

  it('2. matches name and version against the template files', () => {
    const m = resolveTemplate(span({ template: { name: 'classify', version: '1' } }), files);
    assert.equal(m.length, 1);
    assert.equal(m[0].kind, 'name');
    assert.equal(m[0].path, 'prompts/classify.prompt.md');
    assert.equal(m[0].confidence, 0.95);
    const old = resolveTemplate(span({ template: { name: 'answer', version: '2' } }), files);
    assert.equal(old[0].path, 'prompts/answer.prompt.md');
    assert.ok(old[0].confidence < 0.7);
    assert.match(old[0].reason, /traced version 2, the file is version 3/);
  });

  it('3. matches traced template text to a file, and to string literals in TypeScript and Python', () => {
    const body = files.find((f) => f.name === 'system')!.body;
    const m = resolveTemplate(span({ template: { text: `${body.replace(/\n/g, '   \r\n')}\r\n\r\n` } }), files, sources);
    assert.equal(m[0].kind, 'text');
    assert.equal(m[0].path, 'prompts/system.prompt.md');
    assert.equal(m[0].drift?.status, 'same');

    const ts = resolveTemplate(
      span({
        template: {
          text: 'You are a refund assistant for {shop}. Answer the question using only the policy below.\nPolicy: ${policy}\nQuestion: ${question}',
        },
      }),
      files,
      sources,
    );
    assert.equal(ts[0].source, 'literal');
    assert.equal(ts[0].path, 'src/refund.ts');
    assert.equal(ts[0].line, 5);

    const py = resolveTemplate(
      span({
        template: {
          text: 'Summarize the following support conversation in three bullet points.\nKeep every order number and amount exactly as written.\n\nConversation:\n{conversation}',
        },
      }),
      files,
      sources,
    );
    assert.equal(py[0].path, 'agent/summary.py');
    assert.equal(py[0].line, 4);
  });

  it('on the demo: every LLM span finds its template file, with no drift', async () => {
    const r = await importFile(path.join(DEMO, 'traces/support-agent.otlp.jsonl'));
    const llm = r.spans.filter((s) => s.kind === 'llm');
    assert.equal(llm.length, 20);
    for (const s of llm) {
      const [best] = resolveTemplate(s, files);
      assert.equal(best.path, s.template?.path);
      assert.equal(best.confidence, 1);
      assert.equal(best.drift?.status, 'same');
      assert.match(best.reason, /name .* and version/);
    }
  });

  it('4. infers the template of a rendered prompt with no template attributes, with a confidence and alternatives', async () => {
    const r = await importFile(path.join(DEMO, 'traces/support-agent.otlp.jsonl'));
    const traced = r.spans.filter(
      (s) => s.traceId === 'ea4cf58cdc690151626426a080751f02' && s.kind === 'llm' && s.template?.name === 'answer',
    )[0];
    const bare = span({ inputMessages: traced.inputMessages }); // attributes stripped
    const m = resolveTemplate(bare, files);
    assert.deepEqual(
      m.map((x) => [x.kind, x.path]),
      [
        ['inferred', 'prompts/answer.prompt.md'],
        ['inferred', 'prompts/system.prompt.md'],
      ],
    );
    assert.ok(m[0].confidence >= 0.9, `confidence ${m[0].confidence}`);
    assert.equal(m[0].variables?.intent, 'order_issue');
    assert.match(m[0].variables?.question ?? '', /gift receipt/);
    assert.match(m[0].reason, /100% of the template's literal text/);
  });

  it('infers a template literal in code, and the values it took', () => {
    const rendered =
      'Summarize the following support conversation in three bullet points.\nKeep every order number and amount exactly as written.\n\nConversation:\nuser: where is A-1?\nagent: shipped';
    const m = resolveTemplate(span({ inputMessages: [{ role: 'user', content: rendered }] }), files, sources);
    assert.equal(m[0].kind, 'inferred');
    assert.equal(m[0].path, 'agent/summary.py');
    assert.equal(m[0].variables?.conversation, 'user: where is A-1? agent: shipped');
  });

  it('NEGATIVE: unrelated prompts, short templates and near-misses do not match', () => {
    const none = (content: string, extra: TemplateFile[] = []): void => {
      const m = resolveTemplate(span({ inputMessages: [{ role: 'user', content }] }), [...files, ...extra], sources);
      assert.deepEqual(
        m.map((x) => `${x.path}:${x.confidence}`),
        [],
        content.slice(0, 40),
      );
    };
    none('What is the capital of France? Answer in one word.');
    // A template that is nearly all placeholder proves nothing even though its literal appears.
    none('Q: what is 2+2?', [parseTemplateFile('prompts/tiny.prompt.md', 'Q: {{q}}')]);
    // The answer template's first line alone, the rest of the prompt different.
    none('Customer intent: refund\n\nPlease write a poem about refunds.');
    // A constant prompt file quoted inside a longer message is not what rendered it.
    none(`Please review this text: "${files.find((f) => f.name === 'classify')!.body.split('\n')[0]}" and fix typos.`);
    // Unknown template name: "template not found", not a best-effort guess.
    assert.deepEqual(
      resolveTemplate(span({ template: { name: 'does-not-exist' }, inputMessages: [{ role: 'user', content: 'x' }] }), files, sources),
      [],
    );
    // Template attributes present: no inference from the rendered prompt, even if it would match.
    const traced = resolveTemplate(
      span({ template: { name: 'nope' }, inputMessages: [{ role: 'user', content: files.find((f) => f.name === 'classify')!.body }] }),
      files,
    );
    assert.deepEqual(traced, []);
  });

  it('scores partial renders lower than full ones', () => {
    const segs = segmentTemplate(
      'Intro paragraph that is long enough to count as evidence. {{a}}\nMiddle section with more fixed words. {{b}}\nClosing words here.',
    );
    const full = matchRendered(
      'Intro paragraph that is long enough to count as evidence. A\nMiddle section with more fixed words. B\nClosing words here.',
      segs,
    )!;
    const part = matchRendered('Intro paragraph that is long enough to count as evidence. A\nsomething else entirely. B', segs)!;
    assert.equal(full.confidence, 1);
    assert.ok(part.confidence < full.confidence * 0.6, `${part.confidence}`);
  });
});

describe('template drift', () => {
  it('ignores line endings and trailing space, names whitespace-only changes, finds the first changed line', () => {
    assert.equal(templateDrift('a\nb\n', 'a\r\nb   \r\n\r\n').status, 'same');
    assert.equal(templateDrift('a  b\nc', 'a b\nc').status, 'whitespace');
    const d = templateDrift('Rules:\n- 30 days\n- receipt', 'Rules:\n- 60 days\n- receipt');
    assert.equal(d.status, 'changed');
    assert.equal(d.firstDifferenceLine, 2);
    assert.ok(d.similarity > 0.3 && d.similarity < 1);
  });

  it('flags a template file edited since the trace', () => {
    const files = demoTemplates().map((f) =>
      f.name === 'answer' ? parseTemplateFile(f.path, f.text.replace('Call issue_refund only', 'Never call issue_refund except')) : f,
    );
    const m = resolveTemplate(
      span({ template: { name: 'answer', version: '3', text: demoTemplates().find((f) => f.name === 'answer')!.body } }),
      files,
    );
    assert.equal(m[0].path, 'prompts/answer.prompt.md');
    assert.equal(m[0].drift?.status, 'changed');
    assert.equal(m[0].drift?.firstDifferenceLine, 9);
  });
});
