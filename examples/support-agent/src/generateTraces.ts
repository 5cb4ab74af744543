// `npm run demo:traces`: runs the nightly policy ingest and every scripted conversation, and
// rewrites traces/*.jsonl. Time and ids are simulated, so the output is byte-identical each run.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { runDemo } from './demoRun';
import { WORKSPACE_ROOT } from './tracing';

const OUT_DIR = path.join(WORKSPACE_ROOT, 'traces');

async function main(): Promise<void> {
  const lines: string[] = [];
  const protobuf: Uint8Array[] = [];
  const { lineageEvents } = await runDemo((turn) => {
    // One export request per conversation turn, as a batch exporter flushing after each turn.
    lines.push(turn.otlpJson);
    protobuf.push(turn.otlpProtobuf);
    console.log(`${turn.traceId}  ${turn.key}\n    ${turn.answer}`);
  });
  fs.mkdirSync(OUT_DIR, { recursive: true });
  fs.writeFileSync(path.join(OUT_DIR, 'support-agent.otlp.jsonl'), lines.join('\n') + '\n');
  // Concatenated protobuf messages of one type are one message: a single ExportTraceServiceRequest.
  fs.writeFileSync(path.join(OUT_DIR, 'support-agent.otlp.pb'), Buffer.concat(protobuf));
  const lineage = lineageEvents.map((e) => JSON.stringify(e)).join('\n') + '\n';
  fs.writeFileSync(path.join(OUT_DIR, 'policy-ingest.openlineage.jsonl'), lineage);
  console.log(`wrote ${lines.length} traces and ${lineageEvents.length} lineage events to ${path.relative(process.cwd(), OUT_DIR)}`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
