// Synthetic OTLP inputs for the import bench: JSON Lines of export requests (~1.5 KB per span,
// GenAI attributes, agent → llm/tool/retriever trees) and one big OTLP JSON document.
// Deterministic (seeded), so runs are comparable.

import * as fs from 'node:fs';

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const hex = (r: () => number, n: number): string => {
  let out = '';
  for (let i = 0; i < n; i++) out += Math.floor(r() * 16).toString(16);
  return out;
};

const kv = (key: string, v: string | number): object =>
  typeof v === 'number' ? { key, value: { intValue: String(v) } } : { key, value: { stringValue: v } };

const WORDS = 'refund policy order delivery days return gift receipt customer item shipping payment card approval store credit'.split(' ');

function sentence(r: () => number, n: number): string {
  const out: string[] = [];
  for (let i = 0; i < n; i++) out.push(WORDS[Math.floor(r() * WORDS.length)]);
  return out.join(' ');
}

/** One run: an agent span with `n - 1` children (llm, tool, retriever), as OTLP spans. */
function runSpans(r: () => number, t0: bigint, n: number): object[] {
  const traceId = hex(r, 32);
  const rootId = hex(r, 16);
  const spans: object[] = [];
  let t = t0;
  const end = t0 + BigInt(n) * 300_000_000n;
  spans.push({
    traceId,
    spanId: rootId,
    name: 'support_agent.answer',
    kind: 1,
    startTimeUnixNano: String(t0),
    endTimeUnixNano: String(end),
    attributes: [
      kv('gen_ai.operation.name', 'invoke_agent'),
      kv('session.id', `s-${hex(r, 6)}`),
      kv('input.value', sentence(r, 40)),
      kv('output.value', sentence(r, 60)),
    ],
    status: {},
  });
  for (let i = 1; i < n; i++) {
    const kind = i % 3;
    const attrs =
      kind === 0
        ? [
            kv('gen_ai.operation.name', 'execute_tool'),
            kv('gen_ai.tool.name', 'lookup_order'),
            kv('gen_ai.tool.call.arguments', JSON.stringify({ order_id: hex(r, 6), note: sentence(r, 60) })),
            kv('gen_ai.tool.call.result', JSON.stringify({ ok: true, items: sentence(r, 80) })),
          ]
        : kind === 1
          ? [
              kv('gen_ai.operation.name', 'chat'),
              kv('gen_ai.provider.name', 'openai'),
              kv('gen_ai.request.model', 'gpt-4o'),
              kv('gen_ai.response.model', 'gpt-4o-2024-08-06'),
              kv('gen_ai.usage.input_tokens', 200 + Math.floor(r() * 800)),
              kv('gen_ai.usage.output_tokens', 20 + Math.floor(r() * 200)),
              kv('gen_ai.input.messages', JSON.stringify([{ role: 'user', parts: [{ type: 'text', content: sentence(r, 70) }] }])),
              kv('gen_ai.output.messages', JSON.stringify([{ role: 'assistant', parts: [{ type: 'text', content: sentence(r, 50) }] }])),
            ]
          : [
              kv('openinference.span.kind', 'RETRIEVER'),
              kv('input.value', sentence(r, 12)),
              kv('retrieval.documents.0.document.id', 'refund-policy'),
              kv('retrieval.documents.0.document.content', sentence(r, 100)),
            ];
    spans.push({
      traceId,
      spanId: hex(r, 16),
      parentSpanId: rootId,
      name: kind === 0 ? 'execute_tool lookup_order' : kind === 1 ? 'chat gpt-4o' : 'retrieve policies',
      kind: kind === 1 ? 3 : 1,
      startTimeUnixNano: String(t),
      endTimeUnixNano: String(t + 250_000_000n),
      attributes: attrs,
      status: r() < 0.02 ? { code: 2, message: 'timeout' } : {},
    });
    t += 300_000_000n;
  }
  return spans;
}

function envelope(spans: object[]): object {
  return {
    resourceSpans: [{ resource: { attributes: [kv('service.name', 'bench-agent')] }, scopeSpans: [{ scope: { name: 'bench' }, spans }] }],
  };
}

/** JSON Lines, one export request (one run of 8 spans) per line, until `targetBytes`. */
export function writeJsonl(file: string, targetBytes: number, seed = 1): { bytes: number; spans: number } {
  const r = rng(seed);
  const fd = fs.openSync(file, 'w');
  let bytes = 0;
  let spans = 0;
  let t = 1_767_225_600_000_000_000n;
  const chunks: string[] = [];
  while (bytes < targetBytes) {
    const s = runSpans(r, t, 8);
    t += 5_000_000_000n;
    const line = JSON.stringify(envelope(s)) + '\n';
    chunks.push(line);
    bytes += Buffer.byteLength(line);
    spans += s.length;
    if (chunks.length >= 500) fs.writeSync(fd, chunks.splice(0).join(''));
  }
  fs.writeSync(fd, chunks.join(''));
  fs.closeSync(fd);
  return { bytes, spans };
}

/** One OTLP JSON document holding every span in one scopeSpans list. */
export function writeDocument(file: string, targetBytes: number, seed = 2): { bytes: number; spans: number } {
  const r = rng(seed);
  const fd = fs.openSync(file, 'w');
  const head =
    '{"resourceSpans":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"bench-agent"}}]},"scopeSpans":[{"scope":{"name":"bench"},"spans":[';
  fs.writeSync(fd, head);
  let bytes = head.length;
  let spans = 0;
  let t = 1_767_225_600_000_000_000n;
  let first = true;
  const chunks: string[] = [];
  while (bytes < targetBytes) {
    for (const s of runSpans(r, t, 8)) {
      const text = (first ? '' : ',') + JSON.stringify(s);
      first = false;
      chunks.push(text);
      bytes += Buffer.byteLength(text);
      spans++;
    }
    t += 5_000_000_000n;
    if (chunks.length >= 4000) fs.writeSync(fd, chunks.splice(0).join(''));
  }
  fs.writeSync(fd, chunks.join('') + ']}]}]}\n');
  fs.closeSync(fd);
  return { bytes, spans };
}
