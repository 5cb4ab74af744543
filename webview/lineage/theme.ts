// Graph colours come only from VS Code's `--vscode-*` theme variables, read with
// getComputedStyle so canvas, SVG and the exported file all get concrete values; read again when
// the theme changes (VS Code swaps the body class and the variables on <html>).

import type { LineageNodeType } from '../../src/core/model/lineage';

export interface Theme {
  kind: 'light' | 'dark' | 'high-contrast' | 'high-contrast-light';
  background: string;
  nodeFill: string;
  /** Node outline where the type colour is not used (high contrast: the contrast border). */
  nodeBorder: string;
  text: string;
  muted: string;
  edge: string;
  selection: string;
  problem: string;
  warning: string;
  /** Edges and outlines on a path to a problem. */
  path: string;
  badgeBackground: string;
  badgeForeground: string;
  types: Record<LineageNodeType, string>;
  fontFamily: string;
}

type Var = `--vscode-${string}`;

/** The first variable that is set, else `fallback`. */
function pick(get: (name: Var) => string, names: Var[], fallback: string): string {
  for (const n of names) {
    const v = get(n).trim();
    if (v) return v;
  }
  return fallback;
}

/**
 * The theme from a variable reader. `foreground`/`background` are the page's computed colours
 * (themselves VS Code variables through the stylesheet): the last resort when a variable is unset.
 */
export function themeFrom(get: (name: Var) => string, bodyClass: string, foreground: string, background: string): Theme {
  const kind: Theme['kind'] = /\bvscode-high-contrast-light\b/.test(bodyClass)
    ? 'high-contrast-light'
    : /\bvscode-high-contrast\b/.test(bodyClass)
      ? 'high-contrast'
      : /\bvscode-light\b/.test(bodyClass)
        ? 'light'
        : 'dark';
  const hc = kind.startsWith('high-contrast');
  const text = pick(get, ['--vscode-editor-foreground', '--vscode-foreground'], foreground);
  const muted = pick(get, ['--vscode-descriptionForeground'], text);
  const problem = pick(get, ['--vscode-errorForeground', '--vscode-editorError-foreground'], text);
  const warning = pick(get, ['--vscode-editorWarning-foreground', '--vscode-list-warningForeground'], problem);
  const contrast = pick(get, ['--vscode-contrastBorder'], '');
  const chart = (name: Var, ...more: Var[]): string => (hc ? contrast || text : pick(get, [name, ...more], text));
  const blue = chart('--vscode-charts-blue', '--vscode-textLink-foreground');
  const green = chart('--vscode-charts-green', '--vscode-testing-iconPassed');
  const purple = chart('--vscode-charts-purple', '--vscode-symbolIcon-classForeground');
  const yellow = chart('--vscode-charts-yellow', '--vscode-editorWarning-foreground');
  const orange = chart('--vscode-charts-orange', '--vscode-symbolIcon-variableForeground');
  return {
    kind,
    background: pick(get, ['--vscode-editor-background'], background),
    nodeFill: pick(get, ['--vscode-editorWidget-background', '--vscode-editor-background'], background),
    nodeBorder: hc
      ? contrast || text
      : pick(get, ['--vscode-editorWidget-border', '--vscode-widget-border', '--vscode-panel-border'], muted),
    text,
    muted,
    edge: pick(
      get,
      hc
        ? ['--vscode-contrastBorder']
        : ['--vscode-charts-lines', '--vscode-editorIndentGuide-activeBackground1', '--vscode-descriptionForeground'],
      muted,
    ),
    selection: pick(get, hc ? ['--vscode-contrastActiveBorder', '--vscode-focusBorder'] : ['--vscode-focusBorder'], text),
    problem,
    warning,
    path: hc ? problem : pick(get, ['--vscode-charts-red', '--vscode-errorForeground'], problem),
    badgeBackground: pick(get, ['--vscode-badge-background'], muted),
    badgeForeground: pick(get, ['--vscode-badge-foreground'], background),
    types: {
      output: green,
      feedback: green,
      span: blue,
      code: blue,
      template: purple,
      model: purple,
      tool: yellow,
      guard: yellow,
      document: orange,
      dataset: orange,
      job: orange,
    },
    fontFamily: pick(get, ['--vscode-font-family'], 'sans-serif'),
  };
}

/** The colour of a node type (own keys only: a type named `__proto__` gets the text colour). */
export function typeColour(t: Theme, type: string): string {
  return Object.prototype.hasOwnProperty.call(t.types, type) ? t.types[type as LineageNodeType] : t.text;
}

/** Reads the current theme from the page. */
export function readTheme(): Theme {
  const root = getComputedStyle(document.documentElement);
  const body = getComputedStyle(document.body);
  return themeFrom((n) => root.getPropertyValue(n) || body.getPropertyValue(n), document.body.className, body.color, body.backgroundColor);
}

/** Calls `onChange` when VS Code switches theme (body class or the variables on <html> change). */
export function watchTheme(onChange: () => void): () => void {
  const observer = new MutationObserver(() => onChange());
  observer.observe(document.body, { attributes: true, attributeFilter: ['class'] });
  observer.observe(document.documentElement, { attributes: true, attributeFilter: ['style', 'class'] });
  return () => observer.disconnect();
}
