// The renderer contract: the app owns data, layout, interaction and the zoom; a renderer only
// draws a Scene under a transform. SVG for small graphs (crisp, selectable by tools), canvas past
// a threshold (culling and level of detail keep a 20,000-node redraw cheap).

import type { Scene } from './scene';
import { fitText } from './text';
import type { Transform } from './viewport';

export interface Renderer {
  readonly kind: 'svg' | 'canvas';
  readonly element: Element;
  /** A new scene (layout, text or theme changed): rebuild. */
  setScene(scene: Scene): void;
  /** Flags changed (selection, path, focus) in the current scene. */
  updateFlags(): void;
  /** Draw under this transform. */
  draw(t: Transform): void;
  resize(width: number, height: number): void;
  destroy(): void;
}

/** Above this many nodes the canvas renderer is used. */
export const SVG_NODE_LIMIT = 1500;

/** Measures text with a canvas context, caching the fitted label of each node per scene. */
export class TextFitter {
  private readonly ctx: CanvasRenderingContext2D | null;
  private cache = new Map<string, string>();
  private font = '';

  constructor() {
    this.ctx = document.createElement('canvas').getContext('2d');
  }

  reset(): void {
    this.cache.clear();
  }

  measure(text: string, px: number, family: string): number {
    if (!this.ctx) return text.length * px * 0.58;
    const font = `${px}px ${family}`;
    if (font !== this.font) {
      this.ctx.font = font;
      this.font = font;
    }
    return this.ctx.measureText(text).width;
  }

  /** `text` cut to `maxWidth` (cached by key). */
  fit(key: string, text: string, maxWidth: number, px: number, family: string): string {
    const hit = this.cache.get(key);
    if (hit !== undefined) return hit;
    const fitted = fitText(text, maxWidth, (s) => this.measure(s, px, family));
    this.cache.set(key, fitted);
    return fitted;
  }
}
