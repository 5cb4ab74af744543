// `npm run demo:live`: the demo agent reporting to a live OTLP/HTTP receiver (TraceLens:
// Start Receiver), one conversation turn at a time with a pause between turns, so the runs
// appear in VS Code while the agent is still going. The endpoint comes from the standard
// OTEL_EXPORTER_OTLP_* variables that TraceLens sets in terminals opened while it listens.
import { runDemo } from './demoRun';

function endpoint(): string {
  const traces = process.env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT;
  if (traces) return traces;
  const base = process.env.OTEL_EXPORTER_OTLP_ENDPOINT ?? 'http://127.0.0.1:4318';
  return `${base.replace(/\/$/, '')}/v1/traces`;
}

const pauseMs = Number(process.env.DEMO_LIVE_PAUSE_MS ?? 1500);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function main(): Promise<void> {
  const url = endpoint();
  console.log(`support-agent: sending spans to ${url}`);
  let first = true;
  await runDemo(async (turn) => {
    if (!first) await sleep(pauseMs);
    first = false;
    const res = await fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: turn.otlpJson });
    if (!res.ok) throw new Error(`${url} answered ${res.status}: ${await res.text()}`);
    console.log(`sent ${turn.key} (${turn.traceId})`);
  });
  console.log('support-agent: done');
}

main().catch((err: unknown) => {
  console.error(`support-agent: ${err instanceof Error ? err.message : String(err)}`);
  process.exitCode = 1;
});
