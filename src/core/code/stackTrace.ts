// Stack frames out of exception stack traces in the three formats agents print most: Python
// tracebacks, Node.js (V8) and Java (JVM). Frames come back with the root cause's block first and,
// inside each block, the innermost frame (where it was raised) first, so frames[0] is the best
// place to jump to; `library` marks frames in installed packages or the runtime.

import type { CodeLocation } from '../model/span';

export type StackLanguage = 'python' | 'node' | 'java';

export interface StackFrame extends CodeLocation {
  language: StackLanguage;
  /** The frame's line as printed. */
  raw: string;
  /** In site-packages, node_modules, the runtime (`node:internal`, `java.*`) or native code. */
  library?: boolean;
  /**
   * How `file` is to be read: a path as printed (`absolute`/`relative`), or — Java prints only the
   * file name — a path derived from the package (`com/acme/Agent.java`), to be found by suffix.
   */
  pathKind?: 'absolute' | 'relative' | 'package';
}

const PY_FRAME = /^\s*File "([^"]+)", line (\d+)(?:, in (.+?))?\s*$/;
const PY_START = /^Traceback \(most recent call last\):/;
const NODE_FRAME = /^\s*at (?:(?:async|new) )?(?:(.*?) \((.*?)\)|(.*?))\s*$/;
const NODE_LOC = /^(.*?):(\d+)(?::(\d+))?$/;
const JAVA_FRAME = /^\s*at (?:[\w.$-]+(?:@[^/]*)?\/{1,2})?((?:[\w$]+\.)*[\w$]+)\.([\w$<>]+)\(([^)]*)\)\s*$/;
const JAVA_CAUSE = /^\s*(Caused by|Suppressed):/;

const isAbsolute = (p: string): boolean => p.startsWith('/') || /^[A-Za-z]:[\\/]/.test(p) || p.startsWith('\\\\');

function pyLibrary(file: string): boolean {
  return /[\\/](site-packages|dist-packages)[\\/]|[\\/]lib[\\/]python\d[\d.]*[\\/]|^<frozen |^<string>$|^<stdin>$/.test(file);
}

function nodeLibrary(file: string): boolean {
  return /^node:|[\\/]node_modules[\\/]|^internal[\\/]|^<anonymous>$|^native$/.test(file);
}

function javaLibrary(cls: string, loc: string): boolean {
  return /^(java|javax|jdk|sun|com\.sun|kotlin|scala)\./.test(cls) || loc === 'Native Method';
}

function fromFileUrl(p: string): string {
  if (!/^file:\/\//i.test(p)) return p;
  try {
    const path = decodeURIComponent(p.replace(/^file:\/\/(localhost)?/i, ''));
    return /^\/[A-Za-z]:/.test(path) ? path.slice(1) : path;
  } catch {
    return p;
  }
}

function parseNode(line: string): StackFrame | undefined {
  const m = NODE_FRAME.exec(line);
  if (!m) return undefined;
  const fn = m[1];
  let loc = m[2] ?? m[3] ?? '';
  // `at eval (eval at f (file.js:1:2), <anonymous>:1:1)`: use the outer location.
  const evalAt = /^eval at .*?\((.*?)\)/.exec(loc);
  if (evalAt) loc = evalAt[1];
  const l = NODE_LOC.exec(loc);
  if (!l) {
    if (loc === 'native' || loc === '<anonymous>') return { language: 'node', raw: line.trim(), function: fn, library: true };
    return undefined;
  }
  const file = fromFileUrl(l[1]);
  if (!file) return undefined;
  const frame: StackFrame = {
    language: 'node',
    raw: line.trim(),
    file,
    line: Number(l[2]),
    pathKind: isAbsolute(file) ? 'absolute' : 'relative',
  };
  if (l[3]) frame.column = Number(l[3]);
  if (fn) frame.function = fn.replace(/^Object\.<anonymous>$/, '<module>');
  if (nodeLibrary(file)) frame.library = true;
  return frame;
}

function parseJava(line: string): StackFrame | undefined {
  const m = JAVA_FRAME.exec(line);
  if (!m) return undefined;
  const cls = m[1];
  const method = m[2];
  const loc = m[3];
  const frame: StackFrame = { language: 'java', raw: line.trim(), function: method, namespace: cls };
  const fl = /^(.+?\.(?:java|kt|scala|groovy|clj)):(\d+)$/.exec(loc) ?? /^(.+?\.(?:java|kt|scala|groovy|clj))$/.exec(loc);
  if (fl) {
    const pkg = cls.includes('.') ? cls.slice(0, cls.lastIndexOf('.')).replace(/\./g, '/') : '';
    frame.file = pkg ? `${pkg}/${fl[1]}` : fl[1];
    frame.pathKind = 'package';
    if (fl[2]) frame.line = Number(fl[2]);
  }
  if (javaLibrary(cls, loc)) frame.library = true;
  return frame;
}

/**
 * Frames of every stack trace in the text (Python, Node and Java may even be mixed), root-cause
 * block first, innermost frame first inside each block.
 */
export function parseStackTrace(text: string): StackFrame[] {
  if (typeof text !== 'string' || !text) return [];
  const lines = text.split(/\r?\n/);
  // Blocks: a Python traceback, or a Node/Java exception with its "Caused by" chain.
  const pyBlocks: StackFrame[][] = [];
  const otherBlocks: StackFrame[][] = [];
  let py: StackFrame[] | undefined;
  let other: StackFrame[] = [];
  for (let i = 0; i < lines.length && i < 10_000; i++) {
    const line = lines[i];
    if (PY_START.test(line.trim())) {
      py = [];
      pyBlocks.push(py);
      continue;
    }
    const p = PY_FRAME.exec(line);
    if (p) {
      if (!py) {
        py = [];
        pyBlocks.push(py);
      }
      const file = p[1];
      const frame: StackFrame = {
        language: 'python',
        raw: line.trim(),
        file,
        line: Number(p[2]),
        pathKind: isAbsolute(file) ? 'absolute' : 'relative',
      };
      if (p[3]) frame.function = p[3];
      if (pyLibrary(file)) frame.library = true;
      py.push(frame);
      continue;
    }
    if (JAVA_CAUSE.test(line)) {
      if (other.length) otherBlocks.push(other);
      other = [];
      continue;
    }
    const j = parseJava(line) ?? parseNode(line);
    if (j) other.push(j);
  }
  if (other.length) otherBlocks.push(other);
  // Python prints outermost first, and a chained cause's traceback before the exception it caused.
  const pyFrames = pyBlocks.flatMap((b) => [...b].reverse());
  // Java prints the outer exception first and its causes after: the last block is the root cause.
  const otherFrames = [...otherBlocks].reverse().flat();
  return [...pyFrames, ...otherFrames];
}
