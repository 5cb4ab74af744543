// Node glyphs by type, as SVG path data in a 16×16 box: the same string draws the SVG `<path>`,
// the canvas `Path2D` and the exported file. Shapes differ by type so the graph reads without
// colour (high contrast, colour blindness); filled with the `evenodd` rule.

import type { LineageNodeType } from '../../src/core/model/lineage';

export const GLYPH_SIZE = 16;

export const GLYPHS: Record<LineageNodeType, string> = {
  // target: ring and dot
  output: 'M8 1a7 7 0 1 0 .01 0Z M8 3a5 5 0 1 1-.01 0Z M8 5.5a2.5 2.5 0 1 0 .01 0Z',
  // disc
  span: 'M8 2.5a5.5 5.5 0 1 0 .01 0Z',
  // page with two lines
  template: 'M3 1h7l3 3v11H3Z M5 7h6v1.5H5Z M5 10.5h6V12H5Z',
  // hexagon
  model: 'M8 1l6 3.5v7L8 15l-6-3.5v-7Z',
  // hammer
  tool: 'M2 2h12v4.5h-4V15H6V6.5H2Z',
  // shield
  guard: 'M8 1l6 2.5V8c0 3.4-2.6 6-6 7-3.4-1-6-3.6-6-7V3.5Z',
  // page with a folded corner
  document: 'M3 1h7l3 3v11H3Z M10 1v3h3Z',
  // cylinder
  dataset: 'M2 4c0-1.7 2.7-3 6-3s6 1.3 6 3v8c0 1.7-2.7 3-6 3s-6-1.3-6-3Z M2 4c0 1.7 2.7 3 6 3s6-1.3 6-3v1.6c0 1.7-2.7 3-6 3S2 7.3 2 5.6Z',
  // play
  job: 'M4 2l10 6-10 6Z',
  // angle brackets
  code: 'M6 3L1 8l5 5 1.4-1.4L3.8 8l3.6-3.6Z M10 3l5 5-5 5-1.4-1.4L12.2 8 8.6 4.4Z',
  // speech bubble
  feedback: 'M2 2h12v9H7.5L4 14v-3H2Z',
};

/** A stack of cards, for a folded group ("12 more tool calls"). */
export const STACK_GLYPH = 'M1 5h10v10H1Z M3 3h10v1.5H4.5V13H3Z M5 1h10v10h-1.5V2.5H5Z';

export function glyphFor(type: string, folded: boolean): string {
  if (folded) return STACK_GLYPH;
  return Object.prototype.hasOwnProperty.call(GLYPHS, type) ? GLYPHS[type as LineageNodeType] : GLYPHS.span;
}
