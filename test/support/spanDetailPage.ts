// The span detail page outside VS Code, for the browser tests: the lineage page server serves the
// real bundle with view `spanDetail`; a stub `acquireVsCodeApi` plays the host — it answers `ready`
// with the given messages, records what the page sends and keeps what the page saves (setState).
// Also a span whose every field carries the XSS payload corpus.

import type { Page } from 'playwright-core';
import type { Span } from '../../src/core/model/span';
import type { SpanDetailHostMessage } from '../../src/protocol/spanDetailMessages';
import { XSS_PAYLOADS } from './lineageGraphs';

// Plain browser JavaScript (a string: tsx would add helpers to a function Playwright serialises).
const FAKE_HOST = String.raw`(c) => {
  const w = window;
  const sent = [];
  const violations = [];
  w.__sent = sent;
  w.__cspViolations = violations;
  document.addEventListener('securitypolicyviolation', (e) => violations.push(e.violatedDirective + ' ' + e.blockedURI));
  let state = c.state;
  let acquired = false;
  w.acquireVsCodeApi = () => {
    if (acquired) throw new Error('acquireVsCodeApi called twice');
    acquired = true;
    return {
      postMessage(m) {
        sent.push(JSON.parse(JSON.stringify(m)));
        if (m.type === 'ready') for (const r of c.onReady || []) setTimeout(() => window.postMessage(r, '*'), 0);
      },
      getState: () => state,
      setState: (s) => {
        state = s;
        w.__state = JSON.parse(JSON.stringify(s));
      },
    };
  };
}`;

export async function installSpanDetailHost(page: Page, cfg: { onReady?: SpanDetailHostMessage[]; state?: unknown }): Promise<void> {
  await page.addInitScript({ content: `(${FAKE_HOST})(${JSON.stringify(cfg)});` });
}

export function sentBy(page: Page): Promise<Record<string, unknown>[]> {
  return page.evaluate(() => (window as unknown as { __sent: Record<string, unknown>[] }).__sent);
}

export async function postToPage(page: Page, msg: SpanDetailHostMessage): Promise<void> {
  await page.evaluate((m) => window.postMessage(m, '*'), msg);
}

/** A span whose name, messages, tool calls, documents, guards, feedback, events and attributes are payloads. */
export function xssSpan(): Span {
  const all = XSS_PAYLOADS.join('\n');
  const p = (i: number): string => XSS_PAYLOADS[i % XSS_PAYLOADS.length];
  return {
    traceId: 'evil',
    spanId: 'evil1',
    name: p(0),
    kind: 'llm',
    startNs: 1_700_000_000_000_000_000n,
    endNs: 1_700_000_001_000_000_000n,
    status: 'error',
    statusMessage: p(1),
    service: p(2),
    model: { provider: p(3), requested: p(4), returned: p(5) },
    usage: { input: 1, output: 2 },
    template: { name: p(6), version: p(7), text: all, variables: Object.fromEntries(XSS_PAYLOADS.map((x, i) => [`v${i}`, x])) },
    code: { file: p(8), line: 3, function: p(9) },
    inputMessages: XSS_PAYLOADS.map((x, i) => ({
      role: i % 3 === 0 ? 'user' : i % 3 === 1 ? x : 'tool',
      content: x,
      name: x,
      toolCallId: i % 3 === 2 ? `c${i}` : undefined,
      toolCalls: i % 3 === 1 ? [{ id: `c${i + 1}`, name: x, arguments: JSON.stringify({ payload: x }) }] : undefined,
    })),
    outputMessages: [{ role: 'assistant', content: `${all}\n${'<b>'.repeat(3000)}`, finishReason: p(10) }],
    tool: { name: p(11), arguments: all, result: all },
    documents: XSS_PAYLOADS.map((x, i) => ({ id: x, uri: x, score: i, content: x, metadata: { source: x, [x.slice(0, 30)]: x } })),
    guards: XSS_PAYLOADS.map((x, i) => ({ name: x, passed: i % 2 === 0, action: x, reason: x })),
    feedback: XSS_PAYLOADS.map((x, i) => ({ name: x, label: x, score: i % 2 ? -1 : 1, comment: x, source: x })),
    exception: { type: p(12), message: p(13), stacktrace: all },
    events: XSS_PAYLOADS.map((x) => ({
      name: x,
      attributes: { 'exception.type': x, 'exception.message': x, 'exception.stacktrace': x, [x.slice(0, 30)]: x },
    })),
    links: [{ traceId: p(14), spanId: p(15), attributes: { [p(16)]: p(17) } }],
    attributes: Object.fromEntries(XSS_PAYLOADS.map((x, i) => [`${x.slice(0, 40)}#${i}`, x])),
    resource: { 'service.name': p(18) },
  };
}
