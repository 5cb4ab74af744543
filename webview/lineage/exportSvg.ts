// "Export SVG": the whole graph as a standalone SVG document, built as a string (fast for 20,000
// nodes, no DOM needed, tested in Node). Colours are the current theme's concrete values; every
// piece of trace text is XML-escaped, so the file holds no markup from the trace.

import { edgeGeometry } from './layout';
import { glyphFor } from './glyphs';
import { badgeText, BOX, edgeStyle, F_FOLDED, nodeStyle, type Scene } from './scene';
import { escapeXml, estimateWidth, fitText } from './text';

const num = (v: number): string => (Math.round(v * 10) / 10).toString();

export interface ExportOptions {
  /** Text width measurement (canvas measureText in the page); an estimate by default. */
  measure?: (text: string, px: number) => number;
  padding?: number;
}

export function exportSvg(s: Scene, opts: ExportOptions = {}): string {
  const L = s.layout;
  const pad = opts.padding ?? 20;
  const measure = opts.measure ?? ((text: string, px: number) => estimateWidth(px)(text));
  const w = L.width + 2 * pad;
  const h = L.height + 2 * pad;
  const t = s.theme;
  const out: string[] = [];
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${num(w)}" height="${num(h)}" viewBox="${num(-pad)} ${num(-pad)} ${num(w)} ${num(h)}" font-family="${escapeXml(t.fontFamily)}">`,
    `<title>Lineage graph</title>`,
    `<rect x="${num(-pad)}" y="${num(-pad)}" width="${num(w)}" height="${num(h)}" fill="${escapeXml(t.background)}"/>`,
    '<g fill="none">',
  );
  const g = new Float64Array(8);
  for (let e = 0; e < L.edgeCount; e++) {
    edgeGeometry(L, e, g);
    const st = edgeStyle(t, s.edgeFlags[e]);
    out.push(
      `<path d="M${num(g[0])} ${num(g[1])}C${num(g[2])} ${num(g[3])} ${num(g[4])} ${num(g[5])} ${num(g[6])} ${num(g[7])}" stroke="${escapeXml(st.stroke)}" stroke-width="${st.width}" opacity="${st.opacity}"/>`,
    );
  }
  out.push('</g>');
  const textW = L.nodeWidth - BOX.textX - BOX.textRight;
  for (let v = 0; v < L.n; v++) {
    const st = nodeStyle(s, v);
    const folded = (s.nodeFlags[v] & F_FOLDED) !== 0;
    out.push(`<g transform="translate(${num(L.x[v])} ${num(L.y[v])})"${st.opacity < 1 ? ` opacity="${st.opacity}"` : ''}>`);
    if (folded) {
      for (const d of [6, 3]) {
        out.push(
          `<rect x="${d}" y="${-d}" width="${L.nodeWidth}" height="${L.nodeHeight}" rx="${BOX.radius}" fill="${escapeXml(st.fill)}" stroke="${escapeXml(st.stroke)}" stroke-width="1"/>`,
        );
      }
    }
    out.push(
      `<rect width="${L.nodeWidth}" height="${L.nodeHeight}" rx="${BOX.radius}" fill="${escapeXml(st.fill)}" stroke="${escapeXml(st.stroke)}" stroke-width="${st.strokeWidth}"${st.dashed ? ' stroke-dasharray="4 3"' : ''}/>`,
      `<path transform="translate(${BOX.glyphX} ${BOX.glyphY})" d="${glyphFor(s.nodes[v].type, folded)}" fill="${escapeXml(st.glyph)}" fill-rule="evenodd"/>`,
      `<text x="${BOX.textX}" y="${BOX.labelY}" font-size="${BOX.labelSize}" fill="${escapeXml(t.text)}">${escapeXml(fitText(s.labels[v], textW, (x) => measure(x, BOX.labelSize)))}</text>`,
      `<text x="${BOX.textX}" y="${BOX.subtitleY}" font-size="${BOX.subtitleSize}" fill="${escapeXml(t.muted)}">${escapeXml(fitText(s.subtitles[v], textW, (x) => measure(x, BOX.subtitleSize)))}</text>`,
    );
    for (const [count, left] of [
      [s.moreUp[v], true],
      [s.moreDown[v], false],
    ] as const) {
      if (!count) continue;
      const label = badgeText(count);
      const bw = Math.max(18, measure(label, 10) + 8);
      const bx = left ? -bw / 2 : L.nodeWidth - bw / 2;
      out.push(
        `<rect x="${num(bx)}" y="${L.nodeHeight / 2 - 8}" width="${num(bw)}" height="16" rx="8" fill="${escapeXml(t.badgeBackground)}"/>`,
        `<text x="${num(bx + bw / 2)}" y="${L.nodeHeight / 2 + 4}" font-size="10" text-anchor="middle" fill="${escapeXml(t.badgeForeground)}">${escapeXml(label)}</text>`,
      );
    }
    out.push('</g>');
  }
  out.push('</svg>');
  return out.join('\n');
}
