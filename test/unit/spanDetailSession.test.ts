// The span detail page's host side without VS Code: the validation of every message from the page
// (closed set of actions, value ids the model named, nothing else), the restore state (ids only),
// re-sending on reload, the code flag going only to the span it belongs to, and error reporting.

import * as assert from 'node:assert/strict';
import type { Span } from '../../src/core/model/span';
import { buildSpanDetail } from '../../src/core/trace/spanDetailModel';
import {
  originFromState,
  parsePanelOrigin,
  parseSpanDetailPageMessage,
  type PanelOrigin,
  type SpanDetailAction,
  type SpanDetailHostMessage,
} from '../../src/protocol/spanDetailMessages';
import { parseWebviewMessage } from '../../src/protocol/messages';
import { MAX_IN_FLIGHT, SpanDetailSession, valueIdsOf } from '../../src/vscode/spanDetailSession';

const span = (extra: Partial<Span> = {}): Span => ({
  traceId: 'ea4cf58cdc690151626426a080751f02',
  spanId: '6c63104dc574dc07',
  name: 'chat',
  kind: 'llm',
  startNs: 0n,
  endNs: 1_000_000n,
  status: 'ok',
  attributes: { big: 'z'.repeat(5000) },
  events: [],
  inputMessages: [{ role: 'user', content: 'q'.repeat(4500) }],
  ...extra,
});
const ORIGIN: PanelOrigin = {
  v: 1,
  source: 'file:///ws/traces/a.otlp.jsonl',
  traceId: 'ea4cf58cdc690151626426a080751f02',
  spanId: '6c63104dc574dc07',
};

function harness() {
  const posted: SpanDetailHostMessage[] = [];
  const actions: SpanDetailAction[] = [];
  const opened: string[] = [];
  const errors: string[] = [];
  let fail: Error | undefined;
  const session = new SpanDetailSession(
    {
      onAction: (a) => {
        actions.push(a);
        if (fail) throw fail;
      },
      onOpenValue: (id) => {
        opened.push(id);
      },
    },
    {
      post: (m) => (posted.push(JSON.parse(JSON.stringify(m))), Promise.resolve(true)),
      log: { debug: () => undefined, error: (m) => errors.push(m) },
    },
  );
  return { session, posted, actions, opened, errors, failWith: (e: Error) => (fail = e) };
}

describe('span detail protocol: messages from the page', () => {
  it('accepts the known shapes only, copying only known fields', () => {
    assert.deepEqual(parseSpanDetailPageMessage({ type: 'ready', extra: 1 }), { type: 'ready' });
    assert.deepEqual(parseSpanDetailPageMessage({ type: 'spanDetailAction', action: 'goToCode', path: '/etc/passwd' }), {
      type: 'spanDetailAction',
      action: 'goToCode',
    });
    assert.deepEqual(parseSpanDetailPageMessage({ type: 'spanDetailOpenValue', valueId: 'in.0.content' }), {
      type: 'spanDetailOpenValue',
      valueId: 'in.0.content',
    });
    // The shared page protocol does not let span detail messages through its own parser.
    assert.equal(parseWebviewMessage({ type: 'spanDetailAction', action: 'goToCode' }), undefined);
  });

  it('rejects unknown types, unknown actions, malformed ids and prototype tricks', () => {
    const proto = Object.create({ type: 'spanDetailAction', action: 'goToCode' }) as object;
    for (const bad of [
      null,
      undefined,
      'ready',
      42,
      [],
      proto,
      { type: 'openFile', path: '/etc/passwd' },
      { type: 'runCommand', command: 'workbench.action.terminal.new' },
      { type: 'spanDetailAction' },
      { type: 'spanDetailAction', action: 'runCommand' },
      { type: 'spanDetailAction', action: 'constructor' },
      { type: 'spanDetailAction', action: ['goToCode'] },
      { type: 'spanDetailOpenValue', valueId: '../../etc/passwd' },
      { type: 'spanDetailOpenValue', valueId: 'in.0.content\n' },
      { type: 'spanDetailOpenValue', valueId: 'a'.repeat(101) },
      { type: 'spanDetailOpenValue', valueId: 'file:///etc/passwd' },
      { type: 'spanDetailOpenValue', valueId: 7 },
    ]) {
      assert.equal(parseSpanDetailPageMessage(bad), undefined, JSON.stringify(bad) ?? String(bad));
    }
  });

  it('reads a restore state back defensively: ids and a file or live URI only', () => {
    assert.deepEqual(parsePanelOrigin(ORIGIN), ORIGIN);
    assert.deepEqual(originFromState({ origin: { ...ORIGIN, extra: 'x' } }), ORIGIN);
    assert.deepEqual(parsePanelOrigin({ ...ORIGIN, source: 'tracelens-live:/receiver' })?.source, 'tracelens-live:/receiver');
    for (const bad of [
      undefined,
      {},
      { ...ORIGIN, v: 2 },
      { ...ORIGIN, source: 'https://evil.example/x.jsonl' },
      { ...ORIGIN, source: 'command:workbench.action.terminal.new' },
      { ...ORIGIN, source: 'file:///a\u202Eb' },
      { ...ORIGIN, source: `file:///${'a'.repeat(5000)}` },
      { ...ORIGIN, traceId: '../x' },
      { ...ORIGIN, spanId: 'a b' },
      { ...ORIGIN, spanId: 12 },
    ])
      assert.equal(parsePanelOrigin(bad), undefined, JSON.stringify(bad));
    assert.equal(originFromState({ origin: 'x' }), undefined);
    assert.equal(originFromState(null), undefined);
  });
});

describe('span detail session', () => {
  it('sends the model and its origin, and again when the page (re)loads', async () => {
    const h = harness();
    await h.session.onMessage({ type: 'ready' });
    assert.equal(h.posted.length, 0, 'nothing to send yet');
    const { model } = buildSpanDetail(span());
    await h.session.showDetail(model, ORIGIN);
    await h.session.setCodeFlag(model.spanId, { state: 'changed', file: 'src/a.ts', revision: 'abc1234', text: 'changed', canDiff: true });
    await h.session.onMessage({ type: 'ready' });
    assert.deepEqual(
      h.posted.map((m) => m.type),
      ['spanDetail', 'spanDetailCode', 'spanDetail', 'spanDetailCode'],
    );
    const first = h.posted[0] as Extract<SpanDetailHostMessage, { type: 'spanDetail' }>;
    assert.deepEqual(first.origin, ORIGIN);
    assert.equal(first.model.spanId, model.spanId);
  });

  it('runs only the actions the content offers, and opens only values the model named', async () => {
    const h = harness();
    const { model } = buildSpanDetail(span({ kind: 'chain' }));
    await h.session.showDetail(model, ORIGIN);
    const ids = [...valueIdsOf(model)].sort();
    assert.deepEqual(ids, ['attr.0', 'in.0.content']);
    for (const action of ['goToTemplate', 'goToCode', 'showDiff', 'reopenSource', 'showLineage', 'openAsText'] as const)
      await h.session.onMessage({ type: 'spanDetailAction', action });
    assert.deepEqual(h.actions, ['showLineage', 'openAsText'], 'no template, code, diff or reopen on this span');
    await h.session.onMessage({ type: 'spanDetailOpenValue', valueId: 'in.0.content' });
    await h.session.onMessage({ type: 'spanDetailOpenValue', valueId: 'out.0.content' });
    await h.session.onMessage({ type: 'spanDetailOpenValue', valueId: 'attr.1' });
    assert.deepEqual(h.opened, ['in.0.content']);
    // Show Diff becomes possible once git said the file changed.
    await h.session.setCodeFlag(model.spanId, { state: 'changed', file: 'a.ts', revision: 'abc1234', text: 't', canDiff: true });
    await h.session.onMessage({ type: 'spanDetailAction', action: 'showDiff' });
    assert.equal(h.actions.at(-1), 'showDiff');
  });

  it('drops a code flag for a span the page no longer shows', async () => {
    const h = harness();
    await h.session.showDetail(buildSpanDetail(span()).model, ORIGIN);
    assert.equal(
      await h.session.setCodeFlag('another-span', { state: 'changed', file: 'a', revision: 'r', text: 't', canDiff: true }),
      false,
    );
    assert.deepEqual(
      h.posted.map((m) => m.type),
      ['spanDetail'],
    );
  });

  it('"source no longer loaded": keeps the origin, offers only Reopen, re-sends on reload', async () => {
    const h = harness();
    await h.session.showMissing({ origin: ORIGIN, title: 'Source no longer loaded', text: 'a.otlp.jsonl is not loaded', canReopen: true });
    await h.session.onMessage({ type: 'spanDetailAction', action: 'goToCode' });
    await h.session.onMessage({ type: 'spanDetailAction', action: 'reopenSource' });
    await h.session.onMessage({ type: 'ready' });
    assert.deepEqual(h.actions, ['reopenSource']);
    assert.equal(h.session.origin, ORIGIN);
    assert.deepEqual(h.posted[1], {
      type: 'spanDetailMissing',
      origin: ORIGIN,
      title: 'Source no longer loaded',
      text: 'a.otlp.jsonl is not loaded',
      canReopen: true,
    });
    const live = harness();
    await live.session.showMissing({ title: 'x', text: 'y', canReopen: false });
    await live.session.onMessage({ type: 'spanDetailAction', action: 'reopenSource' });
    assert.deepEqual(live.actions, []);
  });

  it('reports a failing action in the page and the log; ignores everything once closed', async () => {
    const h = harness();
    await h.session.showDetail(buildSpanDetail(span()).model, ORIGIN);
    h.failWith(new Error('No prompt template of this workspace matches "chat".'));
    await h.session.onMessage({ type: 'spanDetailAction', action: 'goToTemplate' });
    assert.deepEqual(h.posted.at(-1), {
      type: 'spanDetailStatus',
      text: 'TraceLens: No prompt template of this workspace matches "chat".',
      error: true,
    });
    assert.equal(h.errors.length, 1);
    h.session.close();
    const before = h.posted.length;
    await h.session.onMessage({ type: 'ready' });
    await h.session.onMessage({ type: 'spanDetailAction', action: 'openAsText' });
    assert.equal(h.posted.length, before);
    assert.equal(h.actions.length, 1);
  });

  it('bounds the requests it handles at once', async () => {
    let release: () => void = () => undefined;
    const gate = new Promise<void>((r) => (release = r));
    let started = 0;
    const session = new SpanDetailSession(
      {
        onAction: async () => {
          started++;
          await gate;
        },
      },
      { post: () => Promise.resolve(true) },
    );
    await session.showDetail(buildSpanDetail(span()).model, ORIGIN);
    const all = Array.from({ length: MAX_IN_FLIGHT + 20 }, () => session.onMessage({ type: 'spanDetailAction', action: 'openAsText' }));
    assert.equal(started, MAX_IN_FLIGHT);
    release();
    await Promise.all(all);
  });
});
