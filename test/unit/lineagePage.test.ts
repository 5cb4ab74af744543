// The lineage page's pure parts, in Node: text safety helpers, sibling folding, collapse, keyboard
// navigation, problem paths, focus, patches from the host, persisted state, theme fallbacks, node
// subtitles and the SVG export (escaped, well-formed, no markup from the trace).

import * as assert from 'node:assert/strict';
import type { LineageGraph, LineageNode } from '../../src/core/model/lineage';
import { exportSvg } from '../../webview/lineage/exportSvg';
import {
  adjacencyOf,
  applyCollapses,
  applyPatch,
  foldLabel,
  foldSiblings,
  isPageFold,
  isProblem,
  navigate,
  neighbourhood,
  pathsToProblems,
} from '../../webview/lineage/graphView';
import { layoutGraph } from '../../webview/lineage/layout';
import { E_PATH, F_PATH, F_PROBLEM, sceneBase, subtitleOf } from '../../webview/lineage/scene';
import { clip, displayLabel, displayValue, escapeXml, estimateWidth, fitText, visibleText } from '../../webview/lineage/text';
import { glyphFor } from '../../webview/lineage/glyphs';
import { themeFrom, typeColour } from '../../webview/lineage/theme';
import { sanitizeState, toggleCollapse } from '../../webview/lineage/uiState';
import { layeredDag, XSS_PAYLOADS, xssGraph } from '../support/lineageGraphs';

const node = (id: string, type: LineageNode['type'] = 'span', extra: Partial<LineageNode> = {}): LineageNode => ({
  id,
  type,
  label: id,
  ...extra,
});

const DARK: Record<string, string> = {
  '--vscode-editor-background': '#1e1e1e',
  '--vscode-editor-foreground': '#d4d4d4',
  '--vscode-descriptionForeground': '#9d9d9d',
  '--vscode-errorForeground': '#f48771',
  '--vscode-charts-blue': '#3794ff',
  '--vscode-charts-red': '#f14c4c',
  '--vscode-focusBorder': '#007fd4',
  '--vscode-font-family': '"Segoe WPC", system-ui',
};
const theme = themeFrom((n) => DARK[n] ?? '', 'vscode-dark', 'rgb(1, 2, 3)', 'rgb(4, 5, 6)');

describe('lineage page: text', () => {
  it('shows bidi overrides, zero-width and control characters visibly', () => {
    assert.equal(visibleText('user\u202Egnp.exe'), 'user⟨U+202E⟩gnp.exe');
    assert.equal(visibleText('a\u200Bb\u2066c\u2069d\u0000e\u0007'), 'a⟨U+200B⟩b⟨U+2066⟩c⟨U+2069⟩d⟨U+0000⟩e⟨U+0007⟩');
    assert.equal(visibleText('line\nnext\ttab'), 'line\nnext\ttab');
    assert.equal(displayLabel('  two\n lines\t '), 'two lines');
  });

  it('clips on code-point boundaries and bounds huge values cheaply', () => {
    assert.equal(clip('abcdef', 4), 'abc…');
    assert.equal(clip('ab😀cd', 4), 'ab…', 'never splits a surrogate pair');
    assert.equal(clip('abc', 3), 'abc');
    const huge = 'x'.repeat(50_000_000);
    const t0 = Date.now();
    assert.equal(displayLabel(huge).length, 160);
    assert.equal(displayValue(huge).length, 64 * 1024);
    assert.ok(Date.now() - t0 < 1000);
  });

  it('escapes XML and replaces characters XML forbids', () => {
    assert.equal(escapeXml('<a href="x">&\'</a>'), '&#60;a href=&#34;x&#34;&#62;&#38;&#39;&#60;/a&#62;');
    assert.equal(escapeXml('a\u0000b\u001fc\ud800d\udfffe\uffff'), 'a\ufffdb\ufffdc\ufffdd\ufffde\ufffd');
    assert.equal(escapeXml('ok 😀'), 'ok 😀', 'surrogate pairs survive');
  });

  it('fits text to a width', () => {
    const w = estimateWidth(10);
    assert.equal(fitText('short', 100, w), 'short');
    const fitted = fitText('a much longer label than fits', 60, w);
    assert.ok(fitted.endsWith('…') && w(fitted) <= 60, fitted);
    assert.equal(fitText('abc', 1, w), '…');
  });
});

describe('lineage page: graph view', () => {
  it('knows which nodes are problems', () => {
    assert.ok(isProblem(node('a', 'span', { status: 'error' })));
    assert.ok(isProblem(node('a', 'document', { status: 'stale' })));
    assert.ok(isProblem(node('a', 'guard', { status: 'warning' })));
    assert.ok(isProblem(node('a', 'feedback', { status: 'warning' })));
    assert.ok(!isProblem(node('a', 'span', { status: 'warning' })));
    assert.ok(!isProblem(node('a', 'guard', { status: 'ok' })));
  });

  it('folds repeated siblings into "N more …", never a problem, and unfolds on request', () => {
    const nodes = [node('agent', 'span', { facts: { kind: 'agent' } })];
    const edges = [];
    for (let i = 0; i < 20; i++) {
      nodes.push(node(`t${i}`, 'span', { facts: { kind: 'tool' }, status: i === 15 ? 'error' : undefined }));
      edges.push({ from: `t${i}`, to: 'agent', type: 'input_to' as const });
      nodes.push(node(`code${i}`, 'code'));
      edges.push({ from: `code${i}`, to: `t${i}`, type: 'ran' as const });
    }
    const g: LineageGraph = { nodes, edges };
    const folded = foldSiblings(g, { threshold: 6, keep: 3, expanded: new Set() });
    assert.equal(folded.groups.size, 1);
    const [id, members] = [...folded.groups][0];
    assert.ok(isPageFold(id));
    assert.equal(members.length, 16, '20 tool calls, 3 kept, the failed one never folded');
    assert.ok(!members.includes('t15'));
    const stand = folded.nodes.find((n) => n.id === id)!;
    assert.equal(stand.label, '16 more tool calls');
    assert.equal(stand.collapsed?.count, 16);
    // The hidden members' causes now feed the stand-in; the stand-in feeds the agent once.
    assert.equal(folded.edges.filter((e) => e.from === id && e.to === 'agent').length, 1);
    assert.equal(folded.edges.filter((e) => e.to === id).length, 16);
    assert.equal(foldSiblings(g, { threshold: 6, keep: 3, expanded: new Set([id]) }).groups.size, 0);
    assert.equal(foldSiblings(g, { threshold: 0, keep: 3, expanded: new Set() }).nodes.length, g.nodes.length);
    assert.equal(foldLabel('document', 1), '1 more document');
  });

  it('collapses upstream but keeps causes that still feed something shown', () => {
    // a → b → out, shared → b, shared → c → out, x → a
    const g: LineageGraph = {
      nodes: ['out', 'a', 'b', 'c', 'shared', 'x'].map((id) => node(id)),
      edges: [
        { from: 'a', to: 'b', type: 'input_to' },
        { from: 'b', to: 'out', type: 'input_to' },
        { from: 'shared', to: 'b', type: 'input_to' },
        { from: 'shared', to: 'c', type: 'input_to' },
        { from: 'c', to: 'out', type: 'input_to' },
        { from: 'x', to: 'a', type: 'input_to' },
      ],
    };
    const r = applyCollapses(g, [['b', 'upstream']]);
    assert.deepEqual(r.nodes.map((n) => n.id).sort(), ['b', 'c', 'out', 'shared']);
    assert.equal(r.hiddenUp.get('b'), 2);
    assert.ok(r.edges.every((e) => e.from !== 'a' && e.to !== 'a'));
    const down = applyCollapses(g, [['shared', 'downstream']]);
    // c is fed only by shared: hidden; b and out are also fed by a, which stays: kept.
    assert.equal(down.hiddenDown.get('shared'), 1);
    assert.deepEqual(down.nodes.map((n) => n.id).sort(), ['a', 'b', 'out', 'shared', 'x']);
    // Cycle: collapsing inside a loop ends.
    const cyc: LineageGraph = {
      nodes: ['p', 'q', 'r'].map((id) => node(id)),
      edges: [
        { from: 'p', to: 'q', type: 'input_to' },
        { from: 'q', to: 'r', type: 'input_to' },
        { from: 'r', to: 'p', type: 'input_to' },
      ],
    };
    assert.ok(applyCollapses(cyc, [['p', 'upstream']]).nodes.length >= 1);
    assert.deepEqual(toggleCollapse(toggleCollapse([], 'b', 'upstream'), 'b', 'upstream'), []);
  });

  it('navigates by keyboard along edges and columns', () => {
    const g: LineageGraph = {
      nodes: ['out', 'llm', 'tpl', 'model'].map((id) => node(id)),
      edges: [
        { from: 'llm', to: 'out', type: 'produced' },
        { from: 'tpl', to: 'llm', type: 'rendered_from' },
        { from: 'model', to: 'llm', type: 'used_model' },
      ],
    };
    const L = layoutGraph(g.nodes, g.edges);
    const adj = adjacencyOf(L);
    const i = (id: string): number => L.index.get(id)!;
    assert.equal(navigate(L, adj, i('out'), 'left'), i('llm'));
    assert.equal(navigate(L, adj, i('llm'), 'right'), i('out'));
    assert.equal(navigate(L, adj, i('out'), 'right'), i('out'), 'nothing to the right: stay');
    const cause = navigate(L, adj, i('llm'), 'left');
    assert.ok(cause === i('tpl') || cause === i('model'));
    const other = navigate(L, adj, cause, cause === L.layers[0][0] ? 'down' : 'up');
    assert.notEqual(other, cause);
    assert.equal(L.layer[other], L.layer[cause]);
  });

  it('marks the shortest paths from a node to the problems behind it, cycle-safe', () => {
    const g: LineageGraph = {
      nodes: [
        node('out', 'output'),
        node('llm'),
        node('retr'),
        node('doc', 'document', { status: 'stale' }),
        node('fb', 'feedback', { status: 'warning' }),
        node('ok'),
      ],
      edges: [
        { from: 'llm', to: 'out', type: 'produced' },
        { from: 'retr', to: 'llm', type: 'input_to' },
        { from: 'doc', to: 'retr', type: 'retrieved' },
        { from: 'fb', to: 'out', type: 'rated' },
        { from: 'ok', to: 'llm', type: 'input_to' },
        { from: 'out', to: 'retr', type: 'input_to' }, // a cycle
      ],
    };
    const L = layoutGraph(g.nodes, g.edges);
    const adj = adjacencyOf(L);
    const s = sceneBase(L, new Map(g.nodes.map((n) => [n.id, n])), theme);
    const i = (id: string): number => L.index.get(id)!;
    const marks = pathsToProblems(L, adj, i('out'), (v) => (s.nodeFlags[v] & F_PROBLEM) !== 0);
    assert.equal(marks.problems, 2);
    const on = g.nodes.filter((n) => marks.nodes[i(n.id)]).map((n) => n.id);
    assert.deepEqual(on.sort(), ['doc', 'fb', 'llm', 'out', 'retr']);
    assert.equal(marks.nodes[i('ok')], 0);
    assert.equal([...marks.edges].filter(Boolean).length, 4);
    void F_PATH;
    void E_PATH;
    const nb = neighbourhood(L, adj, i('doc'));
    assert.equal(nb[i('ok')], 0);
    assert.equal(nb[i('out')], 1);
  });

  it('applies an expand patch: replaces a stand-in, keeps ids and edges unique', () => {
    const g: LineageGraph = {
      nodes: [node('out'), node('more', 'span', { collapsed: { count: 2, members: ['m1', 'm2'] } })],
      edges: [{ from: 'more', to: 'out', type: 'input_to' }],
    };
    const next = applyPatch(g, {
      nodes: [node('m1'), node('m2'), node('out', 'output')],
      edges: [
        { from: 'm1', to: 'out', type: 'input_to' },
        { from: 'm2', to: 'out', type: 'input_to' },
        { from: 'm2', to: 'out', type: 'input_to' },
        { from: 'ghost', to: 'out', type: 'input_to' },
      ],
      remove: ['more'],
    });
    assert.deepEqual(
      next.nodes.map((n) => n.id),
      ['out', 'm1', 'm2'],
    );
    assert.equal(next.nodes[0].type, 'output', 'a node sent again replaces the old one');
    assert.equal(next.edges.length, 2);
  });
});

describe('lineage page: state, theme, scene', () => {
  it('restores only well-formed UI state', () => {
    const ok = sanitizeState({
      v: 1,
      rootId: 'output:1',
      selected: 'span:1:2',
      transform: { k: 0.5, x: 10, y: -20 },
      collapsed: [['span:1:2', 'upstream'], ['x', 'sideways'], [42, 'upstream'], 'junk'],
      expandedFolds: ['fold:a', 7, 'bad\u202e'],
      detailOpen: false,
    });
    assert.equal(ok.selected, 'span:1:2');
    assert.deepEqual(ok.transform, { k: 0.5, x: 10, y: -20 });
    assert.deepEqual(ok.collapsed, [['span:1:2', 'upstream']]);
    assert.deepEqual(ok.expandedFolds, ['fold:a']);
    assert.equal(ok.detailOpen, false);
    for (const bad of [
      null,
      'x',
      { v: 2, selected: 'a' },
      { v: 1, transform: { k: NaN, x: 0, y: 0 } },
      { v: 1, transform: { k: 1e9, x: 0, y: 0 } },
    ]) {
      const s = sanitizeState(bad);
      assert.equal(s.selected, undefined);
      assert.equal(s.transform, undefined);
    }
    assert.equal(sanitizeState({ v: 1, selected: 'x'.repeat(5000) }).selected, undefined);
  });

  it('takes colours from --vscode-* variables, with high-contrast borders', () => {
    assert.equal(theme.kind, 'dark');
    assert.equal(theme.background, '#1e1e1e');
    assert.equal(theme.types.span, '#3794ff');
    assert.equal(theme.types.template, '#d4d4d4', 'unset chart colour falls back to the foreground');
    assert.equal(theme.path, '#f14c4c');
    assert.equal(theme.nodeBorder, '#9d9d9d');
    const hcVars: Record<string, string> = { ...DARK, '--vscode-contrastBorder': '#6fc3df', '--vscode-contrastActiveBorder': '#f38518' };
    const hc = themeFrom((n) => hcVars[n] ?? '', 'vscode-high-contrast', '#fff', '#000');
    assert.equal(hc.kind, 'high-contrast');
    assert.equal(hc.nodeBorder, '#6fc3df');
    assert.equal(hc.selection, '#f38518');
    assert.equal(hc.types.span, '#6fc3df');
    assert.equal(themeFrom(() => '', 'vscode-light', '#111', '#eee').background, '#eee');
    assert.equal(themeFrom(() => '', 'vscode-high-contrast-light', '#111', '#eee').kind, 'high-contrast-light');
  });

  it('copes with nonsense types and statuses (no prototype lookups)', () => {
    const odd = [
      node('a', '__proto__' as LineageNode['type'], { status: 'toString' as LineageNode['status'] }),
      node('b', 'constructor' as LineageNode['type']),
    ];
    const L = layoutGraph(odd, []);
    const s = sceneBase(L, new Map(odd.map((n) => [n.id, n])), theme);
    assert.equal(subtitleOf(odd[0]), '__proto__ · toString');
    const svg = exportSvg(s);
    assert.ok(!svg.includes('[object Object]') && !svg.includes('function'));
    assert.equal(glyphFor('__proto__', false), glyphFor('span', false));
    assert.equal(typeColour(theme, 'constructor'), theme.text);
  });

  it('subtitles nodes by type, telling fact and status', () => {
    assert.equal(subtitleOf(node('a', 'span', { facts: { kind: 'llm', duration: '920ms' } })), 'llm · 920ms');
    assert.equal(subtitleOf(node('a', 'document', { facts: { score: '3.1' }, status: 'stale' })), 'document · score 3.1 · stale');
    assert.equal(subtitleOf(node('a', 'guard', { status: 'warning' })), 'guard · fired');
    assert.equal(subtitleOf(node('a', 'tool', { collapsed: { count: 3, members: [] } })), 'tool · folded, Enter to expand');
  });
});

describe('lineage page: SVG export', () => {
  it('exports the hostile corpus as escaped text in well-formed SVG', () => {
    const g = xssGraph();
    const L = layoutGraph(g.nodes, g.edges);
    const s = sceneBase(L, new Map(g.nodes.map((n) => [n.id, n])), theme);
    s.moreUp[0] = 3;
    s.moreDown[1] = -1;
    const svg = exportSvg(s);
    assert.ok(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"'));
    assert.ok(svg.endsWith('</svg>'));
    // Every tag in the file is one the exporter writes: nothing from the trace became markup.
    const tags = new Set([...svg.matchAll(/<\/?([a-zA-Z]+)/g)].map((m) => m[1]));
    assert.deepEqual([...tags].sort(), ['g', 'path', 'rect', 'svg', 'text', 'title']);
    assert.ok(!/on[a-z]+=/i.test(svg.replace(/>[^<]*</g, '><')), 'no event-handler attributes');
    assert.ok(!svg.includes('javascript:') || /&#60;a href=&#34;javascript:/.test(svg));
    // eslint-disable-next-line no-control-regex
    assert.ok(!/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/.test(svg), 'no characters XML forbids');
    assert.ok(svg.includes('&#60;script&#62;'), 'the payload is there, as text');
    assert.ok(svg.includes('⟨U+202E⟩'), 'bidi override shown, not applied');
    assert.ok(svg.length < 200_000, 'huge labels are cut to the box');
    void XSS_PAYLOADS;
  });

  it('exports 20,000 nodes', () => {
    const g = layeredDag(20_000, 2);
    const L = layoutGraph(g.nodes, g.edges);
    const svg = exportSvg(sceneBase(L, new Map(g.nodes.map((n) => [n.id, n])), theme));
    assert.equal((svg.match(/<g transform=/g) ?? []).length, 20_000);
  });
});
