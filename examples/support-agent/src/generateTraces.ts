// `npm run demo:traces`: runs the nightly policy ingest and every scripted conversation, and
// rewrites traces/*.jsonl. Time and ids are simulated, so the output is byte-identical each run.
import * as fs from 'node:fs';
import * as path from 'node:path';
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
import { Tracing, WORKSPACE_ROOT } from './tracing';

const OUT_DIR = path.join(WORKSPACE_ROOT, 'traces');

async function main(): Promise<void> {
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

  const lines: string[] = [];
  const histories = new Map<string, ChatMessage[]>();
  for (const s of SCENARIOS) {
    clock.set(s.startAt);
    tracing.ids.reseed(`support-agent:${s.key}`);
    const history = histories.get(s.conversationId) ?? [];
    const turn = await agent.answer({ ...s, history });
    histories.set(s.conversationId, turn.history);
    if (s.feedback) recordFeedback(turn.span, s.feedback, turn.answeredAt);
    turn.span.end(turn.answeredAt);
    // One export request per conversation turn, as a batch exporter flushing after each turn.
    lines.push(tracing.drainAsOtlpJson());
    console.log(`${turn.span.spanContext().traceId}  ${s.key}\n    ${turn.answer}`);
  }

  fs.mkdirSync(OUT_DIR, { recursive: true });
  fs.writeFileSync(path.join(OUT_DIR, 'support-agent.otlp.jsonl'), lines.join('\n') + '\n');
  const lineage = events.map((e) => JSON.stringify(e)).join('\n') + '\n';
  fs.writeFileSync(path.join(OUT_DIR, 'policy-ingest.openlineage.jsonl'), lineage);
  console.log(`wrote ${lines.length} traces and ${events.length} lineage events to ${path.relative(process.cwd(), OUT_DIR)}`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
