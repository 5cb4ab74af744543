// The lineage page outside VS Code, for the browser tests and the bench: a tiny HTTP server on
// 127.0.0.1 serves the real bundle (dist/webview.js), the real stylesheet and a page built by the
// real HTML builder (same CSP, nonce script), plus a stylesheet standing in for VS Code's theme
// variables. A stub `acquireVsCodeApi` plays the host: it records what the page sends and can
// answer like the extension would. Every request the page makes is recorded.

import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import type { Page } from 'playwright-core';
import type { LineageHostMessage } from '../../src/protocol/lineageMessages';
import { renderWebviewHtml } from '../../src/vscode/webviewPage';

export const repoRoot = path.resolve(__dirname, '..', '..');

export type ThemeKind = 'vscode-dark' | 'vscode-light' | 'vscode-high-contrast';

/** Values from VS Code's Dark Modern, Light Modern and High Contrast themes (the ones the page reads). */
const THEMES: Record<ThemeKind, Record<string, string>> = {
  'vscode-dark': {
    'font-family': 'system-ui, "Ubuntu", "Droid Sans", sans-serif',
    'font-size': '13px',
    'editor-font-family': '"Droid Sans Mono", monospace',
    'editor-font-size': '13px',
    foreground: '#cccccc',
    'editor-foreground': '#cccccc',
    'editor-background': '#1f1f1f',
    descriptionForeground: '#9d9d9d',
    errorForeground: '#f85149',
    'editorError-foreground': '#f14c4c',
    'editorWarning-foreground': '#cca700',
    focusBorder: '#0078d4',
    'charts-foreground': '#cccccc',
    'charts-lines': '#cccccc80',
    'charts-red': '#f14c4c',
    'charts-blue': '#3794ff',
    'charts-yellow': '#cca700',
    'charts-orange': '#d18616',
    'charts-green': '#89d185',
    'charts-purple': '#b180d7',
    'editorWidget-background': '#202020',
    'editorWidget-border': '#454545',
    'widget-border': '#313131',
    'panel-border': '#2b2b2b',
    'badge-background': '#616161',
    'badge-foreground': '#f8f8f8',
    'button-background': '#0078d4',
    'button-foreground': '#ffffff',
    'button-hoverBackground': '#026ec1',
    'button-secondaryBackground': '#313131',
    'button-secondaryForeground': '#cccccc',
    'button-secondaryHoverBackground': '#3c3c3c',
    'sideBar-background': '#181818',
    'textCodeBlock-background': '#2b2b2b',
    'textLink-foreground': '#4daafc',
  },
  'vscode-light': {
    'font-family': 'system-ui, "Ubuntu", "Droid Sans", sans-serif',
    'font-size': '13px',
    'editor-font-family': '"Droid Sans Mono", monospace',
    'editor-font-size': '13px',
    foreground: '#3b3b3b',
    'editor-foreground': '#3b3b3b',
    'editor-background': '#ffffff',
    descriptionForeground: '#717171',
    errorForeground: '#f85149',
    'editorError-foreground': '#e51400',
    'editorWarning-foreground': '#bf8803',
    focusBorder: '#005fb8',
    'charts-foreground': '#3b3b3b',
    'charts-lines': '#3b3b3b80',
    'charts-red': '#e51400',
    'charts-blue': '#1a85ff',
    'charts-yellow': '#bf8803',
    'charts-orange': '#d18616',
    'charts-green': '#388a34',
    'charts-purple': '#652d90',
    'editorWidget-background': '#f8f8f8',
    'editorWidget-border': '#c8c8c8',
    'widget-border': '#e5e5e5',
    'panel-border': '#e5e5e5',
    'badge-background': '#cccccc',
    'badge-foreground': '#3b3b3b',
    'button-background': '#005fb8',
    'button-foreground': '#ffffff',
    'button-hoverBackground': '#0258a8',
    'button-secondaryBackground': '#e5e5e5',
    'button-secondaryForeground': '#3b3b3b',
    'button-secondaryHoverBackground': '#cccccc',
    'sideBar-background': '#f8f8f8',
    'textCodeBlock-background': '#dcdcdc66',
    'textLink-foreground': '#005fb8',
  },
  'vscode-high-contrast': {
    'font-family': 'system-ui, "Ubuntu", "Droid Sans", sans-serif',
    'font-size': '13px',
    'editor-font-family': '"Droid Sans Mono", monospace',
    'editor-font-size': '13px',
    foreground: '#ffffff',
    'editor-foreground': '#ffffff',
    'editor-background': '#000000',
    descriptionForeground: '#ffffffb3',
    errorForeground: '#f48771',
    'editorError-foreground': '#ff3232',
    'editorWarning-foreground': '#ffd370',
    focusBorder: '#f38518',
    contrastBorder: '#6fc3df',
    contrastActiveBorder: '#f38518',
    'charts-foreground': '#ffffff',
    'charts-lines': '#ffffff80',
    'charts-red': '#f14c4c',
    'charts-blue': '#3794ff',
    'charts-yellow': '#cca700',
    'charts-orange': '#d18616',
    'charts-green': '#89d185',
    'charts-purple': '#b180d7',
    'editorWidget-background': '#0c141f',
    'editorWidget-border': '#6fc3df',
    'widget-border': '#6fc3df',
    'panel-border': '#6fc3df',
    'badge-background': '#000000',
    'badge-foreground': '#ffffff',
    'button-background': '#000000',
    'button-foreground': '#ffffff',
    'button-border': '#6fc3df',
    'button-secondaryBackground': '#000000',
    'button-secondaryForeground': '#ffffff',
    'sideBar-background': '#000000',
    'textCodeBlock-background': '#000000',
    'textLink-foreground': '#21a6ff',
  },
};

function themeCss(): string {
  return Object.entries(THEMES)
    .map(
      ([cls, vars]) =>
        `body.${cls} {\n${Object.entries(vars)
          .map(([k, v]) => `  --vscode-${k}: ${v};`)
          .join('\n')}\n}`,
    )
    .join('\n');
}

export interface LineagePageServer {
  origin: string;
  /** Paths the page requested, in order. */
  requests: string[];
  url(opts?: { csp?: boolean; theme?: ThemeKind }): string;
  close(): Promise<void>;
}

/** Paths the page is expected to load: the page, the bundle, the stylesheets. */
export const PAGE_ASSETS = ['/index.html', '/dist/webview.js', '/media/webview.css', '/theme.css', '/favicon.ico'];

/** `bundle`: the webview bundle to serve (default dist/webview.js); `view`: the page's app (default `lineage`). */
export async function startLineagePageServer(opts: { bundle?: string; view?: string } = {}): Promise<LineagePageServer> {
  const view = opts.view ?? 'lineage';
  const bundle = opts.bundle ?? path.join(repoRoot, 'dist', 'webview.js');
  const requests: string[] = [];
  let origin = '';
  const page = (csp: boolean, theme: ThemeKind): string => {
    let html = renderWebviewHtml({
      cspSource: origin,
      scriptUri: `${origin}/dist/webview.js`,
      styleUri: `${origin}/media/webview.css`,
      nonce: crypto.randomBytes(18).toString('base64url'),
      title: view === 'lineage' ? 'TraceLens Lineage' : 'TraceLens',
      view,
    });
    // The stand-in for VS Code's theme: its variables and the body class it sets.
    html = html.replace('</title>', `</title>\n<link rel="stylesheet" href="${origin}/theme.css">`);
    html = html.replace(`<body data-view="${view}">`, `<body data-view="${view}" class="${theme}">`);
    if (!csp) html = html.replace(/<meta http-equiv="Content-Security-Policy"[^>]*>\n/, '');
    return html;
  };
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', origin);
    requests.push(url.pathname);
    const send = (type: string, body: string | Buffer): void => {
      res.writeHead(200, { 'content-type': type, 'cache-control': 'no-store' });
      res.end(body);
    };
    if (url.pathname === '/index.html') {
      send(
        'text/html; charset=utf-8',
        page(url.searchParams.get('csp') !== '0', (url.searchParams.get('theme') as ThemeKind) || 'vscode-dark'),
      );
    } else if (url.pathname === '/dist/webview.js') send('text/javascript', fs.readFileSync(bundle));
    else if (url.pathname === '/media/webview.css') send('text/css', fs.readFileSync(path.join(repoRoot, 'media', 'webview.css')));
    else if (url.pathname === '/theme.css') send('text/css', themeCss());
    else {
      res.writeHead(404);
      res.end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    requests,
    url: (o = {}) => `${origin}/index.html?csp=${o.csp === false ? '0' : '1'}&theme=${o.theme ?? 'vscode-dark'}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export interface FakeHostConfig {
  /** Sent in answer to `ready` (omit to post the graph yourself). */
  graphMessage?: Extract<LineageHostMessage, { type: 'lineageGraph' }>;
  /** Answer detail, expand and export requests like the extension would. */
  autoReply?: boolean;
  /** Extra text put into every detail answer (e.g. the XSS corpus). */
  detailText?: string;
  /** Initial getState() value. */
  state?: unknown;
}

// The fake host, as plain browser JavaScript (a string: tsx would otherwise add helpers such as
// `__name` to a function that Playwright serialises into the page).
const FAKE_HOST = String.raw`(c) => {
  const w = window;
  const sent = [];
  const violations = [];
  w.__sent = sent;
  w.__cspViolations = violations;
  document.addEventListener('securitypolicyviolation', (e) => violations.push(e.violatedDirective + ' ' + e.blockedURI));
  let state = c.state;
  let acquired = false;
  function reply(m) {
    setTimeout(() => window.postMessage(m, '*'), 0);
  }
  w.acquireVsCodeApi = () => {
    if (acquired) throw new Error('acquireVsCodeApi called twice');
    acquired = true;
    return {
      postMessage(m) {
        sent.push(m.type === 'lineageExportSvg' ? { ...m, svg: String(m.svg).length + ' chars' } : JSON.parse(JSON.stringify(m)));
        if (m.type === 'lineageExportSvg') w.__lastSvg = m.svg;
        if (m.type === 'ready' && c.graphMessage) reply(c.graphMessage);
        if (!c.autoReply) return;
        if (m.type === 'lineageNodeDetail') {
          const sections = [{ heading: 'Facts', rows: [['id', m.nodeId], ['note', c.detailText || 'plain']] }];
          if (c.detailText) sections.push({ heading: c.detailText, text: c.detailText, truncated: true });
          reply({
            type: 'lineageNodeDetail',
            requestId: m.requestId,
            detail: { nodeId: m.nodeId, title: 'Detail of ' + m.nodeId, openLabel: 'Reveal in tree', sections },
          });
        } else if (m.type === 'lineageExpand') {
          reply({ type: 'lineageExpanded', requestId: m.requestId, nodeId: m.nodeId, direction: m.direction, patch: { nodes: [], edges: [] } });
        } else if (m.type === 'lineageExportSvg') {
          reply({ type: 'lineageExportDone', requestId: m.requestId, saved: true, text: 'Saved lineage.svg.' });
        }
      },
      getState: () => state,
      setState: (s) => {
        state = s;
        w.__state = s;
      },
    };
  };
}`;

/**
 * Installs the fake host before the page's scripts run: `acquireVsCodeApi` records every message
 * in `window.__sent` and answers; CSP violations are counted in `window.__cspViolations`.
 */
export async function installFakeHost(page: Page, cfg: FakeHostConfig): Promise<void> {
  await page.addInitScript({ content: `(${FAKE_HOST})(${JSON.stringify(cfg)});` });
}

/** Messages the page has sent so far. */
export function sentMessages(page: Page): Promise<Record<string, unknown>[]> {
  return page.evaluate(() => (window as unknown as { __sent: Record<string, unknown>[] }).__sent);
}

/** Posts a host message to the page. */
export async function hostPost(page: Page, msg: LineageHostMessage): Promise<void> {
  await page.evaluate((m) => window.postMessage(m, '*'), msg);
}

/** Waits until the page has drawn its first frame of the current graph. */
export async function waitForFirstDraw(page: Page): Promise<void> {
  await page.waitForFunction(() => performance.getEntriesByName('lineage-first-draw').length > 0);
}
