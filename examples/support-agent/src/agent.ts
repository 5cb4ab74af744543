// One conversation turn of the support agent: classify the message, retrieve policy excerpts,
// let the model answer (calling tools as it asks), then guard the draft before it is sent.
import { SpanKind } from '@opentelemetry/api';
import type { Attributes, HrTime, Span } from '@opentelemetry/api';
import type { Guards } from './guard';
import type { ChatMessage, ChatResponse, Part, ScriptedModel, ToolDefinition } from './model';
import { REQUEST_MODEL } from './model';
import type { PolicyRetriever, Retrieved } from './retriever';
import type { PromptTemplate } from './templates';
import { loadTemplate, render, templateAttributes } from './templates';
import type { ToolBox } from './tools';
import { TOOL_DEFINITIONS } from './tools';
import type { Tracing } from './tracing';

export interface Turn {
  question: string;
  sessionId: string;
  userId: string;
  conversationId: string;
  /** Earlier turns of the same conversation, as plain user/assistant messages. */
  history: ChatMessage[];
}

export interface TurnResult {
  answer: string;
  /** Still open: the caller may attach feedback before ending it at `answeredAt`. */
  span: Span;
  answeredAt: HrTime;
  history: ChatMessage[];
}

/** The model loops through tool calls; a runaway loop must end the turn, not the service. */
const MAX_STEPS = 4;

const say = (role: ChatMessage['role'], content: string): ChatMessage => ({
  role,
  parts: [{ type: 'text', content }],
});
const textOf = (m: ChatMessage) => m.parts.map((p) => (p.type === 'text' ? p.content : '')).join('');
const isToolCall = (p: Part): p is Extract<Part, { type: 'tool_call' }> => p.type === 'tool_call';

export interface AgentDeps {
  tracing: Tracing;
  model: ScriptedModel;
  retriever: PolicyRetriever;
  tools: ToolBox;
  guards: Guards;
}

export class SupportAgent {
  private readonly system = loadTemplate('system');
  private readonly classifyPrompt = loadTemplate('classify');
  private readonly answerPrompt = loadTemplate('answer');

  constructor(
    private readonly deps: AgentDeps,
    private readonly settings = { company: 'Acme Outfitters', today: '2026-11-03' },
  ) {}

  async answer(turn: Turn): Promise<TurnResult> {
    const { tracing, retriever, guards } = this.deps;
    const root = tracing.startSpan('support_agent.answer', undefined, {
      'gen_ai.operation.name': 'invoke_agent',
      'gen_ai.agent.name': 'support-agent',
      'gen_ai.conversation.id': turn.conversationId,
      'session.id': turn.sessionId,
      'user.id': turn.userId,
      'input.value': turn.question,
    });
    tracing.clock.advanceMicros(400); // request parsing
    const intent = await this.classify(turn.question, root);
    const docs = await retriever.search(turn.question, root);
    const draft = await this.respond(turn, intent, docs, root);
    const orderId = /\b[A-Z]-\d{4}\b/.exec(turn.question)?.[0];
    const answer = await guards.check({ draft, docs, orderId }, root);
    root.setAttribute('output.value', answer);
    tracing.clock.advanceMicros(600); // response serialisation
    const history = [...turn.history, say('user', turn.question), say('assistant', answer)];
    return { answer, span: root, answeredAt: tracing.clock.now(), history };
  }

  private async classify(question: string, parent: Span): Promise<string> {
    const vars = { message: question };
    const messages = [say('user', render(this.classifyPrompt, vars))];
    const attrs = this.llmAttributes(this.classifyPrompt, vars, messages, []);
    const res = await this.deps.tracing.inSpan(
      `chat ${REQUEST_MODEL}`,
      parent,
      attrs,
      (span) => this.call(span, messages, []),
      SpanKind.CLIENT,
    );
    return textOf(res.message).trim();
  }

  private async respond(turn: Turn, intent: string, docs: Retrieved[], parent: Span): Promise<string> {
    const { tracing, tools } = this.deps;
    const context = docs.map(({ doc }) => `[${doc.id}] (effective ${doc.effective}) ${doc.content.split('\n').join(' ')}`);
    const vars = { intent, context: context.join('\n'), question: turn.question };
    const messages: ChatMessage[] = [
      say('system', render(this.system, this.settings)),
      ...turn.history,
      say('user', render(this.answerPrompt, vars)),
    ];
    // Tools are only offered when the message is about a specific order.
    const offered = intent === 'order_issue' ? TOOL_DEFINITIONS : [];
    for (let step = 0; step < MAX_STEPS; step++) {
      const attrs = this.llmAttributes(this.answerPrompt, vars, messages, offered);
      const res = await tracing.inSpan(
        `chat ${REQUEST_MODEL}`,
        parent,
        attrs,
        (span) => this.call(span, messages, offered),
        SpanKind.CLIENT,
      );
      messages.push({ role: 'assistant', parts: res.message.parts });
      const calls = res.message.parts.filter(isToolCall);
      if (!calls.length) return textOf(res.message);
      for (const call of calls) {
        messages.push({ role: 'tool', parts: [await tools.execute(call, parent)] });
      }
    }
    return "I'm sorry, I couldn't finish looking into this; a colleague will follow up by email.";
  }

  private llmAttributes(
    template: PromptTemplate,
    vars: Record<string, string>,
    messages: ChatMessage[],
    tools: ToolDefinition[],
  ): Attributes {
    return {
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': 'scripted',
      'gen_ai.request.model': REQUEST_MODEL,
      'gen_ai.request.temperature': 0,
      'gen_ai.input.messages': JSON.stringify(messages),
      ...(tools.length ? { 'gen_ai.tool.definitions': JSON.stringify(tools) } : {}),
      ...templateAttributes(template, vars),
    };
  }

  /** Call the model and record what came back on the LLM span. */
  private async call(span: Span, messages: ChatMessage[], tools: ToolDefinition[]): Promise<ChatResponse> {
    const res = await this.deps.model.chat(messages, tools);
    span.setAttributes({
      'gen_ai.response.model': res.model,
      'gen_ai.response.finish_reasons': [res.finishReason],
      'gen_ai.usage.input_tokens': res.usage.inputTokens,
      'gen_ai.usage.output_tokens': res.usage.outputTokens,
      'gen_ai.output.messages': JSON.stringify([res.message]),
    });
    this.deps.tracing.clock.advanceMicros(150); // response parsing
    return res;
  }
}
