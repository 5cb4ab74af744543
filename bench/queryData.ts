// Spans for the query bench, made in-process as the mapper would give them (GenAI attributes,
// messages, tool calls, retrieved documents, guards, feedback), a run of 8 spans at a time,
// seeded so runs compare. Prompts are ~1.5-2.5 KB (a shared system text, retrieved excerpts, the
// user's question), answers ~300 characters: the sizes of a RAG support agent.

import type { Span } from '../src/core/model/span';

/** Mulberry32: small, fast, seeded. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SYLLABLES = [
  'ka',
  'lo',
  'mi',
  'ren',
  'ta',
  'sul',
  'por',
  've',
  'din',
  'ash',
  'qu',
  'el',
  'bri',
  'mon',
  'zu',
  'ter',
  'ix',
  'ol',
  'fen',
  'ga',
];
/** The rare word the selective search looks for: in about one question in RARE_EVERY. */
export const RARE_WORD = 'zanzibarite';
export const RARE_EVERY = 2000;

export class TextMaker {
  readonly vocab: string[] = [];
  constructor(private readonly r: () => number) {
    const common =
      'the a to of and in for your order refund return item days policy shipping delivery card payment gift receipt store credit please can how when what is it was my we you our within business'.split(
        ' ',
      );
    this.vocab.push(...common);
    for (let i = 0; this.vocab.length < 6000; i++) {
      let w = '';
      const n = 2 + (i % 3);
      for (let k = 0; k < n; k++) w += SYLLABLES[Math.floor(r() * SYLLABLES.length)];
      this.vocab.push(w);
    }
  }

  /** A Zipf-like pick: common words often, the long tail rarely. */
  word(): string {
    const x = this.r();
    return this.vocab[Math.floor(this.vocab.length * x * x * x)];
  }

  sentence(words: number): string {
    const out: string[] = [];
    for (let i = 0; i < words; i++) out.push(this.word());
    return `${out.join(' ')}.`;
  }

  /** Sentences made once: paragraphs pick from them, so making a million spans stays cheap. */
  private pool: string[] = [];

  paragraph(chars: number): string {
    if (!this.pool.length) for (let i = 0; i < 20_000; i++) this.pool.push(this.sentence(8 + Math.floor(this.r() * 10)));
    let s = '';
    while (s.length < chars) s += `${this.pool[Math.floor(this.r() * this.pool.length)]} `;
    return s.trimEnd();
  }
}

const MODELS = [
  ['gpt-4o', 'gpt-4o-2024-08-06', 'openai'],
  ['gpt-4o-mini', 'gpt-4o-mini-2024-07-18', 'openai'],
  ['claude-3-5-sonnet', 'claude-3-5-sonnet-20241022', 'anthropic'],
] as const;
const TOOLS = ['lookup_order', 'issue_refund', 'track_shipment', 'update_address'];
const GUARDS = ['refund_amount_limit', 'cites_policy', 'pii_filter'];

/** Makes runs of 8 spans: agent → classify llm, retriever, answer llm (→ tool, llm), guard, follow-up llm. */
export class RunMaker {
  private readonly r: () => number;
  private readonly text: TextMaker;
  private readonly system: string;
  private readonly docs: { id: string; content: string }[];
  private n = 0;

  constructor(seed = 7) {
    this.r = rng(seed);
    this.text = new TextMaker(this.r);
    this.system = `You are the support assistant of Acme. ${this.text.paragraph(700)}`;
    this.docs = Array.from({ length: 200 }, (_, i) => ({
      id: `policy-${i}`,
      content: this.text.paragraph(350 + Math.floor(this.r() * 250)),
    }));
  }

  private hex(len: number): string {
    let s = '';
    while (s.length < len)
      s += Math.floor(this.r() * 0x100000000)
        .toString(16)
        .padStart(8, '0');
    return s.slice(0, len);
  }

  /** The spans of the next run, which starts `startNs`. */
  run(startNs: bigint): Span[] {
    const r = this.r;
    const i = this.n++;
    const traceId = this.hex(32);
    const ids = Array.from({ length: 8 }, () => this.hex(16));
    const [req, resp, provider] = MODELS[i % MODELS.length];
    const question = `${this.text.sentence(10 + Math.floor(r() * 12))}${i % RARE_EVERY === 0 ? ` ${RARE_WORD}` : ''} order A-${1000 + (i % 9000)}?`;
    const answer = this.text.paragraph(250 + Math.floor(r() * 150));
    const picked = [0, 1, 2].map(() => this.docs[Math.floor(r() * this.docs.length)]);
    const excerpts = picked.map((d) => `[${d.id}] ${d.content}`).join('\n');
    const session = `sess-${i % 5000}`;
    const user = `u-${i % 20000}`;
    const tool = TOOLS[i % TOOLS.length];
    const toolFails = i % 37 === 0;
    const slow = i % 11 === 0;
    let t = startNs;
    const at = (ms: number): bigint => (t += BigInt(Math.round(ms * 1e6)));
    const base = (k: number, parent: number | undefined, name: string, kind: Span['kind'], durMs: number): Span => {
      const s0 = at(2);
      return {
        traceId,
        spanId: ids[k],
        parentId: parent === undefined ? undefined : ids[parent],
        name,
        kind,
        startNs: s0,
        endNs: s0 + BigInt(Math.round(durMs * 1e6)),
        status: 'unset',
        attributes: {},
        events: [],
        service: 'support-agent',
        resource: { 'service.name': 'support-agent', 'service.version': '1.4.0', 'deployment.environment.name': 'prod' },
        sessionId: session,
        userId: user,
      };
    };
    const llm = (k: number, parent: number, template: string, prompt: string, out: string, durMs: number): Span => {
      const s = base(k, parent, `chat ${req}`, 'llm', durMs);
      const input = Math.round(prompt.length / 4);
      const output = Math.round(out.length / 4);
      s.model = { requested: req, returned: resp, provider };
      s.usage = { input, output };
      s.template = { name: template, version: '3', path: `prompts/${template}.prompt.md` };
      s.inputMessages = [
        { role: 'system', content: this.system },
        { role: 'user', content: prompt },
      ];
      s.outputMessages = [{ role: 'assistant', content: out }];
      s.attributes = {
        'gen_ai.operation.name': 'chat',
        'gen_ai.provider.name': provider,
        'gen_ai.request.model': req,
        'gen_ai.response.model': resp,
        'gen_ai.request.temperature': 0.2,
        'gen_ai.request.max_tokens': 512,
        'gen_ai.usage.input_tokens': input,
        'gen_ai.usage.output_tokens': output,
        'gen_ai.response.finish_reasons': ['stop'],
        'gen_ai.response.id': `chatcmpl-${this.hex(12)}`,
        'gen_ai.prompt.name': template,
        'gen_ai.input.messages': JSON.stringify(s.inputMessages),
        'gen_ai.output.messages': JSON.stringify(s.outputMessages),
        'llm.prompt_template.version': '3',
        'code.file.path': 'src/agent.ts',
        'code.line.number': 80 + k,
        'code.function.name': 'SupportAgent.answer',
        'session.id': session,
        'user.id': user,
      };
      return s;
    };
    const agent = base(0, undefined, 'support_agent.answer', 'agent', slow ? 4200 : 1800);
    agent.input = question;
    agent.output = answer;
    agent.attributes = {
      'openinference.span.kind': 'AGENT',
      'input.value': question,
      'output.value': answer,
      'session.id': session,
      'user.id': user,
    };
    if (i % 13 === 0) agent.feedback = [{ name: 'user_feedback', score: -1, label: 'negative', comment: this.text.sentence(8) }];
    else if (i % 5 === 0) agent.feedback = [{ name: 'user_feedback', score: 1, label: 'positive' }];
    const classify = llm(1, 0, 'classify', `Classify: ${question}`, 'order_issue', 300 + r() * 400);
    const retriever = base(2, 0, 'retrieve policies', 'retriever', 20 + r() * 30);
    retriever.input = question;
    retriever.documents = picked.map((d, j) => ({
      id: d.id,
      content: d.content,
      score: 1.9 - j * 0.3,
      uri: `s3://acme/policies/${d.id}.md`,
    }));
    retriever.attributes = { 'openinference.span.kind': 'RETRIEVER', 'input.value': question, 'retrieval.top_k': 3 };
    picked.forEach((d, j) => {
      retriever.attributes[`retrieval.documents.${j}.document.id`] = d.id;
      retriever.attributes[`retrieval.documents.${j}.document.content`] = d.content;
      retriever.attributes[`retrieval.documents.${j}.document.score`] = 1.9 - j * 0.3;
    });
    const prompt = `Policy excerpts:\n${excerpts}\n\nCustomer: ${question}`;
    const answer1 = llm(3, 0, 'answer', prompt, `Calling ${tool}.`, (slow ? 2500 : 700) + r() * 600);
    answer1.toolCalls = [{ id: `call_${this.hex(8)}`, name: tool, arguments: JSON.stringify({ order_id: `A-${1000 + (i % 9000)}` }) }];
    answer1.outputMessages = [{ role: 'assistant', content: '', toolCalls: answer1.toolCalls }];
    const toolSpan = base(4, 3, `execute_tool ${tool}`, 'tool', toolFails ? 3000 : 40 + r() * 80);
    const result = toolFails
      ? undefined
      : JSON.stringify({ status: 'delivered', days_since_delivery: Math.floor(r() * 90), total: Math.round(r() * 20000) / 100 });
    toolSpan.tool = { name: tool, arguments: answer1.toolCalls[0].arguments, result };
    toolSpan.attributes = {
      'gen_ai.operation.name': 'execute_tool',
      'gen_ai.tool.name': tool,
      'gen_ai.tool.call.id': answer1.toolCalls[0].id ?? '',
    };
    if (toolFails) {
      toolSpan.status = 'error';
      toolSpan.statusMessage = 'orders-api: 503 Service Unavailable (upstream timeout)';
    }
    const answer2 = llm(5, 0, 'answer', `${prompt}\nTool result: ${result ?? 'error'}`, answer, (slow ? 2600 : 800) + r() * 700);
    const guard = base(6, 0, `guard ${GUARDS[i % GUARDS.length]}`, 'guard', 3);
    const fired = i % 17 === 0;
    guard.guards = [{ name: GUARDS[i % GUARDS.length], passed: !fired, action: fired ? 'fallback' : undefined }];
    guard.input = answer;
    guard.attributes = { 'guard.name': GUARDS[i % GUARDS.length], 'guard.passed': !fired };
    const followUp = llm(7, 0, 'followup', `Suggest a follow-up for: ${question}`, this.text.sentence(14), 200 + r() * 300);
    return [agent, classify, retriever, answer1, toolSpan, answer2, guard, followUp];
  }
}
