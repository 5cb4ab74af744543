// Messages from the lineage page are untrusted (checklist W-06): only known shapes with opaque,
// length-limited ids get through; paths, URIs, command names, extra fields and floods do not.

import * as assert from 'node:assert/strict';
import { isNodeId, isSvgText, MAX_NODE_ID, parseLineagePageMessage } from '../../src/protocol/lineageMessages';
import { parseWebviewMessage } from '../../src/protocol/messages';

describe('lineage page messages', () => {
  it('accepts the known shapes and copies only their fields', () => {
    assert.deepEqual(parseLineagePageMessage({ type: 'ready', extra: 1 }), { type: 'ready' });
    assert.deepEqual(parseLineagePageMessage({ type: 'lineageSelect', nodeId: 'span:abc:def', path: '/etc/passwd' }), {
      type: 'lineageSelect',
      nodeId: 'span:abc:def',
    });
    assert.deepEqual(parseLineagePageMessage({ type: 'lineageOpen', nodeId: 'dataset:s3://acme-policies/policy docs#1' }), {
      type: 'lineageOpen',
      nodeId: 'dataset:s3://acme-policies/policy docs#1',
    });
    assert.deepEqual(parseLineagePageMessage({ type: 'lineageExpand', requestId: 3, nodeId: 'n1', direction: 'upstream' }), {
      type: 'lineageExpand',
      requestId: 3,
      nodeId: 'n1',
      direction: 'upstream',
    });
    assert.deepEqual(parseLineagePageMessage({ type: 'lineageCollapse', nodeId: 'n1', direction: 'downstream' }), {
      type: 'lineageCollapse',
      nodeId: 'n1',
      direction: 'downstream',
    });
    assert.deepEqual(parseLineagePageMessage({ type: 'lineageNodeDetail', requestId: 0, nodeId: 'n1' }), {
      type: 'lineageNodeDetail',
      requestId: 0,
      nodeId: 'n1',
    });
    const svg = '<svg xmlns="http://www.w3.org/2000/svg"></svg>';
    assert.deepEqual(parseLineagePageMessage({ type: 'lineageExportSvg', requestId: 9, svg }), {
      type: 'lineageExportSvg',
      requestId: 9,
      svg,
    });
  });

  it('rejects hostile and malformed messages', () => {
    const bad: unknown[] = [
      null,
      undefined,
      'ready',
      42,
      [],
      ['lineageOpen', 'n1'],
      {},
      { type: 'openFile', path: '/etc/passwd' },
      { type: 'runCommand', command: 'workbench.action.terminal.sendSequence', args: { text: 'rm -rf ~\n' } },
      { type: 'lineageOpen' },
      { type: 'lineageOpen', nodeId: '' },
      { type: 'lineageOpen', nodeId: 42 },
      { type: 'lineageOpen', nodeId: { toString: () => 'n1' } },
      { type: 'lineageOpen', nodeId: ['n1'] },
      { type: 'lineageOpen', nodeId: 'x'.repeat(MAX_NODE_ID + 1) },
      { type: 'lineageOpen', nodeId: 'n1\n' },
      { type: 'lineageOpen', nodeId: 'n1\u0000' },
      { type: 'lineageOpen', nodeId: 'evil\u202Etxt.exe' },
      { type: 'lineageOpen', nodeId: 'a\u200Bb' },
      { type: 'lineageSelect', nodeId: 'x'.repeat(100 * 1024 * 1024) },
      { type: 'lineageExpand', requestId: 1, nodeId: 'n1' },
      { type: 'lineageExpand', requestId: 1, nodeId: 'n1', direction: 'sideways' },
      { type: 'lineageExpand', requestId: -1, nodeId: 'n1', direction: 'upstream' },
      { type: 'lineageExpand', requestId: 1.5, nodeId: 'n1', direction: 'upstream' },
      { type: 'lineageExpand', requestId: '1', nodeId: 'n1', direction: 'upstream' },
      { type: 'lineageExpand', requestId: Number.MAX_SAFE_INTEGER + 2, nodeId: 'n1', direction: 'upstream' },
      { type: 'lineageExpand', requestId: NaN, nodeId: 'n1', direction: 'upstream' },
      { type: 'lineageCollapse', nodeId: 'n1' },
      { type: 'lineageNodeDetail', nodeId: 'n1' },
      { type: 'lineageExportSvg', requestId: 1, svg: '<script>alert(1)</script>' },
      { type: 'lineageExportSvg', requestId: 1, svg: '<svgx>' },
      { type: 'lineageExportSvg', requestId: 1, svg: 42 },
      { type: 'lineageExportSvg', requestId: 1 },
      { type: 'lineageExportSvg', requestId: 1, svg: `<svg>${'x'.repeat(64 * 1024 * 1024)}</svg>` },
      { type: '__proto__' },
      { type: 'constructor', nodeId: 'n1' },
      Object.create({ type: 'ready' }),
    ];
    for (const m of bad) {
      const shown = typeof m === 'object' && m ? JSON.stringify(m).slice(0, 120) : String(m);
      assert.equal(parseLineagePageMessage(m), undefined, shown);
    }
  });

  it('survives a flood quickly', () => {
    const t0 = Date.now();
    for (let i = 0; i < 10_000; i++)
      parseLineagePageMessage({ type: 'lineageExpand', requestId: i, nodeId: `n${i}`, direction: 'upstream' });
    assert.ok(Date.now() - t0 < 1000);
  });

  it('has id and SVG predicates the host can reuse', () => {
    assert.ok(isNodeId('job:support-agent/policy_ingest#01a19f22-7d00-73fe-a9dd-d2366410a01c'));
    assert.ok(!isNodeId('a\u2028b'));
    assert.ok(isSvgText('<svg width="1"></svg>'));
    assert.ok(!isSvgText(' <svg></svg>'));
  });

  it('leaves the summary page validator unchanged', () => {
    assert.equal(parseWebviewMessage({ type: 'lineageOpen', nodeId: 'n1' }), undefined);
    assert.deepEqual(parseWebviewMessage({ type: 'ready' }), { type: 'ready' });
  });
});
