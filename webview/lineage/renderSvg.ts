// SVG renderer for small graphs, with d3. Zoom and pan only change one transform attribute.
// Trace text goes in with d3 `.text()` (a text node), never `.html()`.

import { select, type Selection } from 'd3';
import { edgeGeometry } from './layout';
import { glyphFor } from './glyphs';
import type { Renderer } from './renderer';
import { TextFitter } from './renderer';
import { badgeText, BOX, edgeStyle, F_FOLDED, nodeStyle, type Scene } from './scene';
import type { Transform } from './viewport';

const SVG_NS = 'http://www.w3.org/2000/svg';

export class SvgRenderer implements Renderer {
  readonly kind = 'svg';
  readonly element: SVGSVGElement;
  private readonly root: Selection<SVGGElement, unknown, null, undefined>;
  private readonly edgeLayer: Selection<SVGGElement, unknown, null, undefined>;
  private readonly nodeLayer: Selection<SVGGElement, unknown, null, undefined>;
  private readonly background: Selection<SVGRectElement, unknown, null, undefined>;
  private scene: Scene | undefined;
  private readonly fitter = new TextFitter();

  constructor() {
    this.element = document.createElementNS(SVG_NS, 'svg');
    const svg = select(this.element).attr('class', 'lineage-svg').attr('role', 'presentation');
    this.background = svg.append('rect').attr('width', '100%').attr('height', '100%');
    this.root = svg.append('g');
    this.edgeLayer = this.root.append('g').attr('fill', 'none');
    this.nodeLayer = this.root.append('g');
  }

  setScene(s: Scene): void {
    this.scene = s;
    this.fitter.reset();
    const L = s.layout;
    const t = s.theme;
    this.background.attr('fill', t.background);
    const g = new Float64Array(8);
    this.edgeLayer
      .selectAll<SVGPathElement, number>('path')
      .data(Array.from({ length: L.edgeCount }, (_, e) => e))
      .join('path')
      .attr('d', (e) => {
        edgeGeometry(L, e, g);
        return `M${g[0]} ${g[1]}C${g[2]} ${g[3]} ${g[4]} ${g[5]} ${g[6]} ${g[7]}`;
      });
    const textW = L.nodeWidth - BOX.textX - BOX.textRight;
    const nodes = this.nodeLayer
      .selectAll<SVGGElement, number>('g.node')
      .data(Array.from({ length: L.n }, (_, v) => v))
      .join('g')
      .attr('class', 'node')
      .attr('transform', (v) => `translate(${L.x[v]} ${L.y[v]})`);
    nodes.selectAll('*').remove();
    nodes.each((v, i, groups) => {
      const node = select(groups[i]);
      const folded = (s.nodeFlags[v] & F_FOLDED) !== 0;
      if (folded) {
        for (const d of [6, 3]) {
          node
            .append('rect')
            .attr('class', 'stack')
            .attr('x', d)
            .attr('y', -d)
            .attr('width', L.nodeWidth)
            .attr('height', L.nodeHeight)
            .attr('rx', BOX.radius);
        }
      }
      node.append('rect').attr('class', 'box').attr('width', L.nodeWidth).attr('height', L.nodeHeight).attr('rx', BOX.radius);
      node
        .append('path')
        .attr('class', 'glyph')
        .attr('transform', `translate(${BOX.glyphX} ${BOX.glyphY})`)
        .attr('d', glyphFor(s.nodes[v].type, folded))
        .attr('fill-rule', 'evenodd');
      node
        .append('text')
        .attr('x', BOX.textX)
        .attr('y', BOX.labelY)
        .attr('font-size', BOX.labelSize)
        .attr('fill', t.text)
        .attr('font-family', t.fontFamily)
        .text(this.fitter.fit(`l${v}`, s.labels[v], textW, BOX.labelSize, t.fontFamily));
      node
        .append('text')
        .attr('x', BOX.textX)
        .attr('y', BOX.subtitleY)
        .attr('font-size', BOX.subtitleSize)
        .attr('fill', t.muted)
        .attr('font-family', t.fontFamily)
        .text(this.fitter.fit(`s${v}`, s.subtitles[v], textW, BOX.subtitleSize, t.fontFamily));
      for (const [count, cx] of [
        [s.moreUp[v], 0],
        [s.moreDown[v], L.nodeWidth],
      ] as const) {
        if (!count) continue;
        const text = badgeText(count);
        const bw = Math.max(18, this.fitter.measure(text, 10, t.fontFamily) + 8);
        node
          .append('rect')
          .attr('x', cx - bw / 2)
          .attr('y', L.nodeHeight / 2 - 8)
          .attr('width', bw)
          .attr('height', 16)
          .attr('rx', 8)
          .attr('fill', t.badgeBackground);
        node
          .append('text')
          .attr('x', cx)
          .attr('y', L.nodeHeight / 2 + 4)
          .attr('font-size', 10)
          .attr('text-anchor', 'middle')
          .attr('font-family', t.fontFamily)
          .attr('fill', t.badgeForeground)
          .text(text);
      }
    });
    this.updateFlags();
  }

  updateFlags(): void {
    const s = this.scene;
    if (!s) return;
    this.edgeLayer.selectAll<SVGPathElement, number>('path').each((e, i, paths) => {
      const st = edgeStyle(s.theme, s.edgeFlags[e]);
      const p = paths[i];
      p.setAttribute('stroke', st.stroke);
      p.setAttribute('stroke-width', String(st.width));
      p.setAttribute('opacity', String(st.opacity));
    });
    this.nodeLayer.selectAll<SVGGElement, number>('g.node').each((v, i, groups) => {
      const st = nodeStyle(s, v);
      const g = select(groups[i]);
      g.attr('opacity', st.opacity < 1 ? st.opacity : null);
      g.selectAll('rect.box, rect.stack')
        .attr('fill', st.fill)
        .attr('stroke', st.stroke)
        .attr('stroke-width', function () {
          return (this as SVGRectElement).classList.contains('box') ? st.strokeWidth : 1;
        })
        .attr('stroke-dasharray', function () {
          return (this as SVGRectElement).classList.contains('box') && st.dashed ? '4 3' : null;
        });
      g.select('path.glyph').attr('fill', st.glyph);
    });
  }

  draw(t: Transform): void {
    this.root.attr('transform', `translate(${t.x} ${t.y}) scale(${t.k})`);
  }

  resize(width: number, height: number): void {
    select(this.element).attr('width', width).attr('height', height);
  }

  destroy(): void {
    this.element.remove();
    this.scene = undefined;
  }
}
