// The lineage panel's host side without VS Code (W-06): the page gets the graph on `ready`; its
// requests reach the handlers only for nodes this session sent; floods, unknown ids and hostile
// shapes are dropped; details are bounded; expand patches extend what is accepted; export goes
// through the save function.

import * as assert from 'node:assert/strict';
import type { LineageGraph, LineageNode } from '../../src/core/model/lineage';
import type { LineageHostMessage } from '../../src/protocol/lineageMessages';
import {
  boundDetail,
  defaultDetail,
  LineageSession,
  MAX_DETAIL_TEXT,
  MAX_IN_FLIGHT,
  type LineagePanelHandlers,
} from '../../src/vscode/lineageSession';

const graph: LineageGraph = {
  nodes: [
    { id: 'output:t:1', type: 'output', label: 'answer' },
    { id: 'span:t:2', type: 'span', label: 'chat', facts: { model: 'm' } },
    { id: 'group:1', type: 'span', label: '12 more tool calls', collapsed: { count: 12, members: [] } },
  ],
  edges: [
    { from: 'span:t:2', to: 'output:t:1', type: 'produced' },
    { from: 'group:1', to: 'span:t:2', type: 'input_to' },
  ],
};

function session(handlers: LineagePanelHandlers = {}, save: (svg: string) => Promise<string | undefined> = async () => 'lineage.svg') {
  const posted: LineageHostMessage[] = [];
  const logs: string[] = [];
  const s = new LineageSession({ graph, rootId: 'output:t:1', problemNodeIds: ['output:t:1'] }, handlers, {
    post: async (m) => {
      posted.push(m);
      return true;
    },
    saveSvg: save,
    log: { debug: (m) => logs.push(m), error: (m) => logs.push(m) },
  });
  return { s, posted, logs };
}

describe('lineage session (host side of the panel)', () => {
  it('sends the graph on ready, every time the page (re)loads', async () => {
    const { s, posted } = session();
    await s.onMessage({ type: 'ready' });
    await s.onMessage({ type: 'ready' });
    assert.equal(posted.length, 2);
    const m = posted[0];
    assert.equal(m.type, 'lineageGraph');
    if (m.type === 'lineageGraph') {
      assert.equal(m.rootId, 'output:t:1');
      assert.deepEqual(m.problemNodeIds, ['output:t:1']);
      assert.equal(m.graph.nodes.length, 3);
    }
  });

  it('passes only known nodes to the handlers', async () => {
    const opened: string[] = [];
    const selected: string[] = [];
    const { s, posted } = session({ onOpenNode: (n) => void opened.push(n.id), onSelectNode: (n) => selected.push(n.id) });
    await s.onMessage({ type: 'lineageOpen', nodeId: 'span:t:2' });
    await s.onMessage({ type: 'lineageOpen', nodeId: 'span:t:999' });
    await s.onMessage({ type: 'lineageOpen', nodeId: '/etc/passwd' });
    await s.onMessage({ type: 'lineageOpen', path: '/etc/passwd' });
    await s.onMessage({ type: 'openFile', nodeId: 'span:t:2' });
    await s.onMessage({ type: 'lineageSelect', nodeId: 'output:t:1' });
    await s.onMessage({ type: 'lineageSelect', nodeId: '__proto__' });
    assert.deepEqual(opened, ['span:t:2']);
    assert.deepEqual(selected, ['output:t:1']);
    assert.equal(posted.length, 0);
  });

  it('answers detail requests, bounded, with the facts by default', async () => {
    const { s, posted } = session();
    await s.onMessage({ type: 'lineageNodeDetail', requestId: 7, nodeId: 'span:t:2' });
    assert.deepEqual(posted.pop(), {
      type: 'lineageNodeDetail',
      requestId: 7,
      detail: {
        nodeId: 'span:t:2',
        title: 'chat',
        openLabel: undefined,
        sections: [{ heading: 'Facts', rows: [['model', 'm']], text: undefined, truncated: undefined }],
      },
    });
    const big = session({
      onNodeDetail: () => ({
        nodeId: 'someone-else',
        title: 't',
        sections: [{ heading: 'Output', text: 'x'.repeat(MAX_DETAIL_TEXT * 3) }],
      }),
    });
    await big.s.onMessage({ type: 'lineageNodeDetail', requestId: 8, nodeId: 'span:t:2' });
    const m = big.posted.pop();
    assert.ok(m?.type === 'lineageNodeDetail' && m.detail);
    if (m?.type === 'lineageNodeDetail' && m.detail) {
      assert.equal(m.detail.nodeId, 'span:t:2', 'the answer is about the node asked for');
      assert.equal(m.detail.sections[0].truncated, true);
      assert.equal(m.detail.sections[0].text!.length, MAX_DETAIL_TEXT + 1);
    }
    assert.deepEqual(defaultDetail(graph.nodes[2]).sections[0].rows![0], ['hidden', '12 nodes']);
    assert.equal(boundDetail({ nodeId: 'n', title: 'x'.repeat(5000), sections: [] }).title.length, 1001);
  });

  it('expands through the handler and accepts the new nodes afterwards', async () => {
    const members: LineageNode[] = [
      { id: 'span:t:10', type: 'span', label: 'tool 10' },
      { id: 'span:t:11', type: 'span', label: 'tool 11' },
    ];
    const opened: string[] = [];
    const { s, posted } = session({
      onExpand: (n, dir) =>
        n.id === 'group:1' && dir === 'upstream'
          ? { nodes: members, edges: members.map((m) => ({ from: m.id, to: 'span:t:2', type: 'input_to' as const })), remove: ['group:1'] }
          : undefined,
      onOpenNode: (n) => void opened.push(n.id),
    });
    assert.ok(!s.has('span:t:10'));
    await s.onMessage({ type: 'lineageExpand', requestId: 1, nodeId: 'group:1', direction: 'upstream' });
    const m = posted.pop();
    assert.ok(m?.type === 'lineageExpanded' && m.patch.nodes.length === 2 && m.patch.remove?.[0] === 'group:1' && m.requestId === 1);
    assert.ok(s.has('span:t:10') && !s.has('group:1'));
    await s.onMessage({ type: 'lineageOpen', nodeId: 'span:t:11' });
    assert.deepEqual(opened, ['span:t:11']);
    await s.onMessage({ type: 'lineageExpand', requestId: 2, nodeId: 'output:t:1', direction: 'downstream' });
    const none = posted.pop();
    assert.ok(none?.type === 'lineageExpanded' && none.patch.nodes.length === 0 && /Nothing more downstream/.test(none.text ?? ''));
  });

  it('reports handler failures to the page without crashing', async () => {
    const { s, posted, logs } = session({
      onNodeDetail: () => {
        throw new Error('store closed');
      },
    });
    await s.onMessage({ type: 'lineageNodeDetail', requestId: 3, nodeId: 'span:t:2' });
    assert.deepEqual(posted.pop(), { type: 'lineageError', requestId: 3, text: 'TraceLens: store closed' });
    assert.ok(logs.some((l) => l.includes('store closed')));
  });

  it('caps requests in flight and drops a flood quietly', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let calls = 0;
    const { s, posted, logs } = session({
      onNodeDetail: async (n) => {
        calls++;
        await gate;
        return defaultDetail(n);
      },
    });
    const pending: Promise<void>[] = [];
    for (let i = 0; i < 10_000; i++) pending.push(s.onMessage({ type: 'lineageNodeDetail', requestId: i, nodeId: 'span:t:2' }));
    assert.equal(calls, MAX_IN_FLIGHT);
    release();
    await Promise.all(pending);
    assert.equal(posted.length, MAX_IN_FLIGHT);
    s.close();
    assert.deepEqual(logs, [], 'drops are not logged per message (one summary line a second)');
  });

  it('saves the exported SVG through the save function, one at a time', async () => {
    const saved: string[] = [];
    const { s, posted } = session({}, async (svg) => {
      saved.push(svg);
      return 'lineage.svg';
    });
    await s.onMessage({ type: 'lineageExportSvg', requestId: 5, svg: '<svg xmlns="http://www.w3.org/2000/svg"></svg>' });
    await s.onMessage({ type: 'lineageExportSvg', requestId: 6, svg: '<html><script>x</script>' });
    assert.equal(saved.length, 1);
    assert.deepEqual(posted, [{ type: 'lineageExportDone', requestId: 5, saved: true, text: 'Saved lineage.svg.' }]);
    const cancelled = session({}, async () => undefined);
    await cancelled.s.onMessage({ type: 'lineageExportSvg', requestId: 1, svg: '<svg></svg>' });
    assert.deepEqual(cancelled.posted, [{ type: 'lineageExportDone', requestId: 1, saved: false, text: 'Export cancelled.' }]);
  });

  it('selects only nodes it sent, and is silent once closed', async () => {
    const { s, posted } = session();
    s.select('span:t:2', true);
    s.select('nope');
    await Promise.resolve();
    assert.deepEqual(posted, [{ type: 'lineageSelect', nodeId: 'span:t:2', focus: true }]);
    s.close();
    await s.onMessage({ type: 'ready' });
    assert.equal(posted.length, 1);
  });
});
