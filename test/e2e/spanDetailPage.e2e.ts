// The span detail page against a fake host messenger, in Chromium with the real bundle and CSP:
// the demo's bad answer (built by the real model code from examples/support-agent) — header,
// messages by role, tool call with its result, actions by name, "Open full value" by id, the code
// flag with Show Diff, the saved state (ids only), keyboard through the sections, themes, and
// "source no longer loaded". Then the XSS corpus in every field of a span (W-01, W-03, W-06, W-11):
// no script runs, no request leaves, the text shows literally — with the CSP and without it.

import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import type { Page } from 'playwright-core';
import type { Span } from '../../src/core/model/span';
import { buildSpanDetail } from '../../src/core/trace/spanDetailModel';
import { importFile } from '../../src/ingest/importFile';
import type { PanelOrigin, SpanDetailHostMessage } from '../../src/protocol/spanDetailMessages';
import { saveScreenshot } from '../support/browser';
import { PAGE_ASSETS, startLineagePageServer, type LineagePageServer, type ThemeKind } from '../support/lineagePage';
import { installSpanDetailHost, postToPage, sentBy, xssSpan } from '../support/spanDetailPage';
import { e2eTest } from './harness';

const BAD_TRACE = 'ea4cf58cdc690151626426a080751f02';

async function badAnswerSpan(workspace: string): Promise<Span> {
  const { spans } = await importFile(path.join(workspace, 'traces', 'support-agent.otlp.jsonl'));
  const span = spans.find(
    (s) => s.traceId === BAD_TRACE && s.kind === 'llm' && s.template?.name === 'answer' && !s.outputMessages?.[0]?.toolCalls?.length,
  );
  assert.ok(span, 'the demo has the bad answer call');
  return span;
}

function detailMessage(span: Span, maxValueChars?: number): Extract<SpanDetailHostMessage, { type: 'spanDetail' }> {
  const origin: PanelOrigin = { v: 1, source: 'file:///ws/traces/support-agent.otlp.jsonl', traceId: span.traceId, spanId: span.spanId };
  return { type: 'spanDetail', model: buildSpanDetail(span, { sourceLabel: 'support-agent.otlp.jsonl', maxValueChars }).model, origin };
}

async function openPage(
  first: Page,
  server: LineagePageServer,
  onReady: SpanDetailHostMessage[],
  o: { csp?: boolean; theme?: ThemeKind } = {},
) {
  const page = await first.context().newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.stack ?? e.message));
  const requested: string[] = [];
  page.on('request', (r) => requested.push(r.url()));
  await installSpanDetailHost(page, { onReady });
  await page.goto(server.url(o));
  return { page, errors, requested };
}

const last = async (page: Page, type: string): Promise<Record<string, unknown> | undefined> =>
  (await sentBy(page)).filter((m) => m.type === type).pop();

e2eTest('span detail page: the demo bad answer — header, messages, tool result, actions, values, flag, keys, themes', async (ctx) => {
  const span = await badAnswerSpan(ctx.workspace);
  // A small cut-off so "Open full value" shows on the demo's prompt.
  const msg = detailMessage(span, 600);
  const server = await startLineagePageServer({ view: 'spanDetail' });
  try {
    const { page, errors } = await openPage(ctx.page, server, [msg]);
    await page.locator('h1.sd-title', { hasText: 'chat support-sim-1' }).waitFor();
    const header = await page.locator('.sd-header').innerText();
    for (const text of [
      'llm',
      '920ms',
      'support-agent',
      'support-sim-1 → support-sim-1-2026-10',
      'answer@3',
      'src/agent.ts:109',
      '872 in · 42 out',
    ])
      assert.ok(header.includes(text), `header shows ${text}: ${header}`);
    // Messages by role, the tool call paired with what the tool returned, the answer.
    const roles = await page.locator('#sd-messages .sd-msg-head .sd-badge').allInnerTexts();
    assert.deepEqual(roles, ['System', 'User', 'Assistant', 'Tool', 'Assistant']);
    const call = page.locator('#sd-messages .sd-call').first();
    assert.match(
      await call.innerText(),
      /lookup_order[\s\S]*Arguments[\s\S]*"order_id": "A-4120"[\s\S]*Result[\s\S]*"status": "delivered"/,
    );
    assert.match(await page.locator('.sd-msg-assistant').last().innerText(), /60 days/);
    // The state the page keeps is the span's ids, nothing else.
    assert.deepEqual(await page.evaluate(() => (window as unknown as { __state: unknown }).__state), { origin: msg.origin });
    await saveScreenshot(page, ctx.resultsDir, 'span-detail-page-dark');

    // Actions go to the host by name.
    for (const [button, action] of [
      ['Go to Prompt Template', 'goToTemplate'],
      ['Go to Code', 'goToCode'],
      ['Show Lineage', 'showLineage'],
      ['Open Span as Text', 'openAsText'],
    ]) {
      await page.getByRole('button', { name: button, exact: true }).click();
      assert.deepEqual(await last(page, 'spanDetailAction'), { type: 'spanDetailAction', action });
    }
    // A cut value: how much is shown, and "Open full value" asks by id.
    const cut = page.locator('#sd-messages .sd-msg-user .sd-cut');
    assert.match(await cut.innerText(), /Showing 600 of [\d,]+ characters/);
    await cut.getByRole('button', { name: 'Open full value' }).click();
    assert.deepEqual(await last(page, 'spanDetailOpenValue'), { type: 'spanDetailOpenValue', valueId: 'in.1.content' });

    // The code flag arrives later, only for the span shown; Show Diff asks the host.
    await postToPage(page, {
      type: 'spanDetailCode',
      spanId: 'another',
      flag: { state: 'changed', file: 'x', revision: 'r', text: 'wrong span', canDiff: true },
    });
    await postToPage(page, {
      type: 'spanDetailCode',
      spanId: span.spanId,
      flag: {
        state: 'changed',
        file: 'src/agent.ts',
        revision: 'abc1234',
        text: 'src/agent.ts changed since the traced revision abc1234.',
        canDiff: true,
      },
    });
    await page.locator('.sd-flag-changed', { hasText: 'changed since the traced revision abc1234' }).waitFor();
    assert.ok(!(await page.locator('.sd-header').innerText()).includes('wrong span'));
    await page.getByRole('button', { name: 'Show Diff' }).click();
    assert.deepEqual(await last(page, 'spanDetailAction'), { type: 'spanDetailAction', action: 'showDiff' });
    await postToPage(page, { type: 'spanDetailStatus', text: 'TraceLens: No template matches.', error: true });
    await page.locator('.sd-status.error-text', { hasText: 'No template matches.' }).waitFor();

    // Keyboard: sections are <details> with headings; Enter on a summary toggles it.
    const attrs = page.locator('#sd-attributes');
    assert.equal(await attrs.evaluate((d) => (d as HTMLDetailsElement).open), false);
    await attrs.locator('summary').focus();
    await page.keyboard.press('Enter');
    assert.equal(await attrs.evaluate((d) => (d as HTMLDetailsElement).open), true);
    assert.ok((await page.locator('#sd-attributes th', { hasText: 'gen_ai.request.model' }).count()) === 1);
    await page.locator('#sd-resource summary').click();
    await page.locator('#sd-resource th', { hasText: 'service.name' }).waitFor();
    const headings = await page.locator('h2').allInnerTexts();
    assert.ok(
      headings.some((h) => h.startsWith('Messages (4 in · 1 out)')),
      headings.join(' | '),
    );
    assert.deepEqual(errors, []);
    await page.close();

    for (const theme of ['vscode-light', 'vscode-high-contrast'] as const) {
      const t = await openPage(ctx.page, server, [msg], { theme });
      await t.page.locator('h1.sd-title').waitFor();
      await saveScreenshot(t.page, ctx.resultsDir, `span-detail-page-${theme.replace('vscode-', '')}`);
      assert.deepEqual(t.errors, []);
      await t.page.close();
    }

    // "Source no longer loaded": a clear message and a Reopen button; the ids stay in the state.
    const missing = await openPage(ctx.page, server, [
      {
        type: 'spanDetailMissing',
        origin: msg.origin,
        title: 'Source no longer loaded',
        text: 'support-agent.otlp.jsonl is no longer loaded in TraceLens.',
        canReopen: true,
      },
    ]);
    await missing.page.locator('.sd-missing h1', { hasText: 'Source no longer loaded' }).waitFor();
    await missing.page.getByRole('button', { name: 'Reopen Source' }).click();
    assert.deepEqual(await last(missing.page, 'spanDetailAction'), { type: 'spanDetailAction', action: 'reopenSource' });
    assert.deepEqual(await missing.page.evaluate(() => (window as unknown as { __state: unknown }).__state), { origin: msg.origin });
    await saveScreenshot(missing.page, ctx.resultsDir, 'span-detail-page-missing');
    await missing.page.close();
  } finally {
    await server.close();
  }
});

/** Elements the page itself never makes: any of them means trace text became markup. */
async function foreignMarkup(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const found: string[] = [];
    if (document.querySelectorAll('script').length !== 1) found.push(`${document.querySelectorAll('script').length} scripts`);
    for (const sel of [
      'img',
      'iframe',
      'video',
      'audio',
      'source',
      'object',
      'embed',
      'a',
      'style',
      'svg',
      'math',
      'form',
      'input',
      'textarea',
      'base',
      'b',
      'mi',
    ])
      if (document.querySelectorAll(sel).length) found.push(`<${sel}>`);
    // <details> are the page's own sections: each must be one the page built.
    for (const d of Array.from(document.querySelectorAll('details')))
      if (!d.classList.contains('sd-section') && !d.classList.contains('sd-meta')) found.push('foreign <details>');
    for (const elem of Array.from(document.querySelectorAll('*')))
      for (const a of Array.from(elem.attributes)) {
        if (/^on/i.test(a.name)) found.push(`${elem.tagName} ${a.name}`);
        if (/^\s*(javascript|command):/i.test(a.value)) found.push(`${elem.tagName} ${a.name}=${a.value.slice(0, 20)}`);
      }
    return found;
  });
}

e2eTest(
  'span detail page: XSS payload corpus in every field renders as text, no script, no request (W-01, W-03, W-06, W-11)',
  async (ctx) => {
    const span = xssSpan();
    const server = await startLineagePageServer({ view: 'spanDetail' });
    try {
      for (const csp of [true, false]) {
        const { page, errors, requested } = await openPage(ctx.page, server, [detailMessage(span)], { csp });
        await page.locator('h1.sd-title').waitFor();
        await postToPage(page, {
          type: 'spanDetailCode',
          spanId: span.spanId,
          flag: {
            state: 'changed',
            file: '<img src=x onerror="window.__pwned=1">',
            revision: '<b>',
            text: '<script>window.__pwned="flag"</script>',
            canDiff: true,
          },
        });
        await page.locator('.sd-flag', { hasText: 'window.__pwned="flag"' }).waitFor();
        // Open every section, hover and click around, so any handler would have had its chance.
        for (const s of await page.locator('details').all()) await s.evaluate((d) => ((d as HTMLDetailsElement).open = true));
        await page.mouse.move(200, 200);
        await page.keyboard.press('Tab');
        await page.keyboard.press('Tab');
        await page.waitForTimeout(300); // let any delayed handler (onerror, ontoggle) fire
        const w = await page.evaluate(() => {
          const win = window as unknown as Record<string, unknown>;
          return { pwned: win.__pwned, vscode: win.vscode, violations: win.__cspViolations as string[] };
        });
        assert.equal(w.pwned, undefined, `a payload ran (csp ${csp})`);
        assert.equal(w.vscode, undefined, 'the VS Code API object is not a global');
        assert.deepEqual(await foreignMarkup(page), [], 'no markup from the trace in the DOM');
        assert.deepEqual(errors, []);
        if (csp) assert.deepEqual(w.violations, [], 'nothing tried to break the CSP');
        const unexpected = requested.filter((u) => !u.startsWith(server.origin) || !PAGE_ASSETS.includes(new URL(u).pathname));
        assert.deepEqual(unexpected, [], 'no request beyond the page and its bundle');
        const text = await page.locator('#app').innerText();
        for (const p of [
          '<script>window.__pwned = "script"</script>',
          '<img src=x onerror="window.__pwned=\'img\'">',
          '![x](http://127.0.0.1:9/md.png?d=secret)',
        ])
          assert.ok(text.includes(p), `shows ${p} as text`);
        assert.ok(text.includes('user⟨U+202E⟩gnp.exe'), 'the bidi override is shown, not applied');
        assert.ok(!text.includes('\u202e'), 'no raw bidi override on the page');
        const sent = await sentBy(page);
        assert.deepEqual(sent, [{ type: 'ready' }], 'the page sent nothing but ready on its own');
        if (csp) await saveScreenshot(page, ctx.resultsDir, 'span-detail-xss');
        await page.close();
      }
    } finally {
      await server.close();
    }
  },
);
