// The demo's whole run — the nightly policy ingest, then every scripted conversation — shared
// by `demo:traces` (writes files) and `demo:live` (sends each turn to an OTLP receiver).
import type { ChatMessage } from './model';
import { SupportAgent } from './agent';
import { SimClock } from './determinism';
import { recordFeedback } from './feedback';
import { Guards } from './guard';
import { ingestPolicies } from './ingest';
import { ScriptedModel } from './model';
import { PolicyRetriever } from './retriever';
import { SCENARIOS } from './scenarios';
import { ToolBox } from './tools';
import { Tracing } from './tracing';

export interface Turn {
  key: string;
  traceId: string;
  answer: string;
  /** One OTLP/HTTP JSON export request holding the turn's spans. */
  otlpJson: string;
  /** The same request, protobuf-encoded. */
  otlpProtobuf: Uint8Array;
}

/** Runs every scenario in order; `onTurn` sees each turn as a batch exporter would flush it. */
export async function runDemo(onTurn: (turn: Turn) => Promise<void> | void): Promise<{ lineageEvents: object[] }> {
  const clock = new SimClock();
  const tracing = new Tracing(clock);
  const { docs, events } = ingestPolicies(clock, '2026-11-03T02:00:00.000Z');
  const agent = new SupportAgent({
    tracing,
    model: new ScriptedModel(clock),
    retriever: new PolicyRetriever(tracing, docs),
    tools: new ToolBox(tracing),
    guards: new Guards(tracing),
  });
  const histories = new Map<string, ChatMessage[]>();
  for (const s of SCENARIOS) {
    clock.set(s.startAt);
    tracing.ids.reseed(`support-agent:${s.key}`);
    const history = histories.get(s.conversationId) ?? [];
    const turn = await agent.answer({ ...s, history });
    histories.set(s.conversationId, turn.history);
    if (s.feedback) recordFeedback(turn.span, s.feedback, turn.answeredAt);
    turn.span.end(turn.answeredAt);
    const { json, protobuf } = tracing.drain();
    await onTurn({ key: s.key, traceId: turn.span.spanContext().traceId, answer: turn.answer, otlpJson: json, otlpProtobuf: protobuf });
  }
  return { lineageEvents: events };
}
