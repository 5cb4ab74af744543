// Webview safety: the CSP every page gets, the validation of messages from the page, and span
// detail text that trace content cannot break out of.

import * as assert from 'node:assert/strict';
import { parseWebviewMessage } from '../../src/protocol/messages';
import { contentSecurityPolicy, renderWebviewHtml } from '../../src/vscode/webviewPage';
import { formatSpanDetail } from '../../src/core/trace/spanDetail';
import type { Span } from '../../src/core/model/span';

describe('webview page', () => {
  const html = renderWebviewHtml({
    cspSource: 'https://file+.vscode-resource.vscode-cdn.net',
    scriptUri: 'https://x/dist/webview.js',
    styleUri: 'https://x/media/webview.css',
    nonce: 'N0nce123',
    title: '<img src=x onerror=alert(1)>',
    view: 'summary',
  });

  it('has a strict CSP: nothing by default, nonce scripts only, no eval or inline code', () => {
    const raw = /http-equiv="Content-Security-Policy" content="([^"]+)"/.exec(html)?.[1] ?? '';
    const csp = raw.replace(/&#(\d+);/g, (_, c: string) => String.fromCharCode(Number(c)));
    assert.match(csp, /default-src 'none'/);
    assert.match(csp, /script-src 'nonce-N0nce123'/);
    assert.doesNotMatch(csp, /unsafe-eval|unsafe-inline|\*/);
    assert.match(csp, /connect-src 'none'/);
    assert.equal(contentSecurityPolicy('s', 'n').includes("script-src 'nonce-n'"), true);
  });

  it('loads only the nonce-tagged bundle and escapes the title', () => {
    const scripts = html.match(/<script[^>]*>/g) ?? [];
    assert.deepEqual(scripts, ['<script nonce="N0nce123" src="https://x/dist/webview.js">']);
    assert.ok(!html.includes('<img'));
  });
});

describe('messages from the page', () => {
  it('accepts the known shapes and rejects everything else', () => {
    assert.deepEqual(parseWebviewMessage({ type: 'ready' }), { type: 'ready' });
    assert.deepEqual(parseWebviewMessage({ type: 'revealRun', traceId: 'abc123' }), { type: 'revealRun', traceId: 'abc123' });
    for (const bad of [
      null,
      'ready',
      { type: 'revealRun' },
      { type: 'revealRun', traceId: '../../etc/passwd\n' },
      { type: 'openFile', path: '/etc/passwd' },
    ]) {
      assert.equal(parseWebviewMessage(bad), undefined, JSON.stringify(bad));
    }
  });
});

describe('span detail text', () => {
  it('keeps hostile content inside its fenced block', () => {
    const evil = '```\n# Injected heading\n<script>alert(1)</script>\n````';
    const span: Span = {
      traceId: 't',
      spanId: 's',
      name: 'llm | <b>x</b>',
      kind: 'llm',
      startNs: 1n,
      endNs: 2n,
      status: 'ok',
      attributes: { k: evil },
      events: [],
      outputMessages: [{ role: 'assistant', content: evil }],
    };
    const text = formatSpanDetail(span);
    const fenceLine = text.split('\n').find((l) => /^`{5,}text$/.test(l));
    assert.ok(fenceLine, 'content fenced with a fence longer than any run of backticks inside it');
    assert.ok(text.startsWith('# llm | <b>x</b>\n'), 'the name stays on its heading line');
  });
});
