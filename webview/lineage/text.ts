// Text from traces is untrusted. It is only ever set as text (textContent, d3 .text(), canvas
// fillText) or XML-escaped into the exported SVG; these helpers also make invisible and bidi
// characters visible (checklist W-11) and bound its length (W-10).

// Bidi embeddings/overrides/isolates, marks, zero-width and other invisible format characters.
const INVISIBLE = /[\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]/g;
// C0/C1 controls other than tab and newline.
// eslint-disable-next-line no-control-regex
const CONTROLS = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;

const codePoint = (c: string): string => `⟨U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}⟩`;

/** Shows invisible, bidi-control and control characters as `⟨U+202E⟩`. */
export function visibleText(s: string): string {
  return s.replace(INVISIBLE, codePoint).replace(CONTROLS, codePoint);
}

/** At most `max` UTF-16 units, cut on a code-point boundary, with `…` when cut. */
export function clip(s: string, max: number): string {
  if (s.length <= max) return s;
  let end = Math.max(0, max - 1);
  const c = s.charCodeAt(end - 1);
  if (c >= 0xd800 && c <= 0xdbff) end--;
  return `${s.slice(0, end)}…`;
}

/** One line: runs of whitespace (newlines, tabs) become one space. */
export function oneLine(s: string): string {
  return s.replace(/\s+/g, ' ').trim();
}

// Anything displayLabel would change: controls, invisible characters, whitespace to fold.
// eslint-disable-next-line no-control-regex
const NEEDS_WORK = /[\u0000-\u001f\u007f-\u009f\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]|\s\s|^\s|\s$|[^\S ]/;

/** A node label as drawn in the graph: one line, visible controls, bounded. */
export function displayLabel(s: string, max = 160): string {
  // Clip first so a 50 MB label costs nothing; clip again after the ⟨U+…⟩ expansion.
  const head = clip(s, max * 2);
  if (!NEEDS_WORK.test(head)) return clip(head, max);
  return clip(visibleText(oneLine(head)), max);
}

/** A value in the detail pane: keeps newlines, visible controls, bounded (64 KiB by default). */
export function displayValue(s: string, max = 64 * 1024): string {
  return clip(visibleText(clip(s, max)), max);
}

/* eslint-disable no-control-regex -- these patterns exist to find control characters */
// Characters XML 1.0 forbids (and lone surrogates): replaced by U+FFFD so the file stays well-formed.
const XML_INVALID =
  /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;
// Anything escapeXml would change.
const XML_SPECIAL = /[&<>"'\u0000-\u001f\ud800-\udfff\ufffe\uffff]/;
/* eslint-enable no-control-regex */

/** Escapes text or an attribute value for XML/SVG. */
export function escapeXml(s: string): string {
  if (!XML_SPECIAL.test(s)) return s;
  return s.replace(XML_INVALID, '\ufffd').replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/**
 * The longest prefix of `text` (plus `…`) whose width fits `maxWidth`, given a width function
 * (canvas measureText in the page; an estimate in Node). Binary search: O(log n) measurements.
 */
export function fitText(text: string, maxWidth: number, width: (s: string) => number): string {
  if (width(text) <= maxWidth) return text;
  let lo = 0;
  let hi = text.length;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (width(`${text.slice(0, mid)}…`) <= maxWidth) lo = mid;
    else hi = mid - 1;
  }
  return lo ? clip(text, lo + 1) : '…';
}

/** A width estimate for a proportional UI font at `px` size, when there is nothing to measure with. */
export function estimateWidth(px: number): (s: string) => number {
  return (s) => s.length * px * 0.58;
}
