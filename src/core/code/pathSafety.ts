// Path safety for "Go to Code" and "Go to Prompt Template" (security checklist group N), as pure
// functions over path strings: nothing here touches the filesystem, so UNC and device paths are
// rejected before anything could stat them (N-04). The host then checks that a candidate exists,
// resolves symlinks with realpath, and calls `checkRealPath` before opening it (N-03), building the
// URI with `Uri.file` (N-05).
//
// Paths are handled in two styles: POSIX (`/ws/app`) and Windows (`C:\ws\app`), chosen by the root.
// A traced path may come from either OS: `\` is always read as a separator in traced paths.

export type PathRejection =
  | 'empty'
  | 'too-long'
  | 'nul'
  | 'control'
  | 'unc'
  | 'device'
  | 'scheme'
  | 'drive-relative'
  | 'reserved-name'
  | 'home'
  | 'system'
  | 'escape'
  | 'outside'
  | 'no-roots';

export interface PathRejected {
  ok: false;
  reason: PathRejection;
  message: string;
}

export type PathStyle = 'posix' | 'win';

/** A traced path that passed the string checks: relative (to be joined to a root) or absolute. */
export interface CheckedPath {
  ok: true;
  /** Segments after resolving `.` and `..` (relative paths may not climb above their start). */
  segments: string[];
  absolute: boolean;
  /** For absolute paths: the style and its root (`/`, or `C:` for Windows). */
  style?: PathStyle;
  drive?: string;
}

/** One place to look for a traced file, inside a workspace root. */
export interface PathCandidate {
  /** Absolute, normalized, in the root's style. */
  path: string;
  /** The workspace root it is inside. */
  root: string;
  /** Path relative to the root, with `/` separators. */
  relative: string;
  /** Set when a foreign absolute path was mapped onto the workspace: say so to the user (N-02). */
  mapping?: string;
}

export type PathResolution = { ok: true; candidates: PathCandidate[] } | PathRejected;

/** A remembered prefix mapping for foreign absolute paths (the answer to "which base folder?"). */
export interface PathMapping {
  /** Prefix as recorded in traces, e.g. `/home/ci/build/app` or `C:\agent`. */
  from: string;
  /** Workspace root (or a folder inside one) it maps to. */
  to: string;
}

export interface ResolveOptions {
  /** Explicit prefix mappings, tried first for absolute paths outside the roots. */
  mappings?: readonly PathMapping[];
  /** Try ever shorter suffixes of a path under each root, the mapping stated (default true). */
  suffixHeuristics?: boolean;
}

export const MAX_PATH_CHARS = 4096;

const RESERVED = /^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³]|conin\$|conout\$)(\..*)?$/i;
const SCHEME = /^([a-zA-Z][a-zA-Z0-9+.-]+):/;
const DRIVE = /^([a-zA-Z]):/;
const SYSTEM_PREFIXES = ['/dev/', '/proc/', '/sys/'];

function hasControlChars(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || c === 0x7f) return true;
  }
  return false;
}

function reject(reason: PathRejection, message: string): PathRejected {
  return { ok: false, reason, message };
}

function rootStyle(root: string): PathStyle {
  return DRIVE.test(root) || root.startsWith('\\\\') ? 'win' : 'posix';
}

/** `file:` URIs become paths (`file:///a/b` → `/a/b`, `file:///C:/x` → `C:/x`); remote hosts are UNC. */
function fromFileUri(raw: string): string | PathRejected {
  const m = /^file:\/\/([^/]*)(\/.*)?$/i.exec(raw);
  if (!m) return reject('scheme', `Not a file path: ${raw.slice(0, 80)}`);
  const host = m[1];
  if (host && host.toLowerCase() !== 'localhost') return reject('unc', `A file URI on another host (${host}) is a network path`);
  let p: string;
  try {
    p = decodeURIComponent(m[2] ?? '/');
  } catch {
    return reject('scheme', 'Malformed file URI');
  }
  if (/^\/[a-zA-Z]:/.test(p)) p = p.slice(1);
  return p;
}

/**
 * String checks on a traced path (N-01, N-04, N-05, N-07): no NUL or control characters, no UNC or
 * device forms, no URI schemes other than local `file:`, no drive-relative `C:x`, no reserved
 * device names, no `~`; `.` and `..` resolved, and a relative path may not climb above its start.
 */
export function checkPathString(raw: unknown): CheckedPath | PathRejected {
  if (typeof raw !== 'string' || raw.trim() === '') return reject('empty', 'No path');
  if (raw.length > MAX_PATH_CHARS) return reject('too-long', 'Path too long');
  if (raw.includes('\0')) return reject('nul', 'Path contains a NUL byte');
  if (hasControlChars(raw)) return reject('control', 'Path contains control characters');
  let p = raw.trim();
  if (/^file:/i.test(p)) {
    const f = fromFileUri(p);
    if (typeof f !== 'string') return f;
    p = f;
    if (p.includes('\0')) return reject('nul', 'Path contains a NUL byte');
  }
  const slashed = p.replace(/\\/g, '/');
  if (/^\/\/[.?]\//.test(slashed) || /^\/\?\?\//.test(slashed)) return reject('device', `Device path refused: ${raw.slice(0, 80)}`);
  if (slashed.startsWith('//')) return reject('unc', `Network (UNC) path refused: ${raw.slice(0, 80)}`);
  const scheme = SCHEME.exec(p);
  if (scheme && scheme[1].length > 1) return reject('scheme', `Not a file path (${scheme[1]}:): ${raw.slice(0, 80)}`);
  if (p.startsWith('~')) return reject('home', 'Paths relative to a home folder are refused');
  let absolute = false;
  let style: PathStyle | undefined;
  let drive: string | undefined;
  let rest = slashed;
  const d = DRIVE.exec(slashed);
  if (d) {
    if (slashed[2] !== '/') return reject('drive-relative', `Drive-relative path refused: ${raw.slice(0, 80)}`);
    absolute = true;
    style = 'win';
    drive = `${d[1].toUpperCase()}:`;
    rest = slashed.slice(2);
  } else if (slashed.startsWith('/')) {
    absolute = true;
    style = 'posix';
    if (SYSTEM_PREFIXES.some((s) => slashed.startsWith(s)) || slashed === '/dev')
      return reject('system', `System path refused: ${raw.slice(0, 80)}`);
  }
  const segments: string[] = [];
  for (const seg of rest.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') {
      if (segments.length === 0) {
        if (!absolute) return reject('escape', `Path climbs out of its folder: ${raw.slice(0, 80)}`);
        continue; // `/..` is `/`
      }
      segments.pop();
      continue;
    }
    const bare = seg.replace(/[. ]+$/, '');
    if (RESERVED.test(bare) || RESERVED.test(seg)) return reject('reserved-name', `Reserved device name refused: ${seg}`);
    segments.push(seg);
  }
  if (segments.length === 0 && !absolute) return reject('empty', 'No path');
  return { ok: true, segments, absolute, ...(style ? { style } : {}), ...(drive ? { drive } : {}) };
}

/** Normalized absolute root: style, prefix (`/` or `C:`), segments. */
function splitRoot(root: string): { style: PathStyle; prefix: string; segments: string[] } | undefined {
  const style = rootStyle(root);
  const slashed = root.replace(/\\/g, '/');
  if (style === 'win') {
    const d = DRIVE.exec(slashed);
    if (!d || slashed[2] !== '/') return undefined;
    return {
      style,
      prefix: `${d[1].toUpperCase()}:`,
      segments: slashed
        .slice(3)
        .split('/')
        .filter((s) => s && s !== '.'),
    };
  }
  if (!slashed.startsWith('/')) return undefined;
  return { style, prefix: '', segments: slashed.split('/').filter((s) => s && s !== '.') };
}

function join(style: PathStyle, prefix: string, segments: string[]): string {
  return style === 'win' ? `${prefix}\\${segments.join('\\')}` : `/${segments.join('/')}`;
}

const same = (style: PathStyle, a: string, b: string): boolean => (style === 'win' ? a.toLowerCase() === b.toLowerCase() : a === b);

/** Separator-aware containment: `/ws/app/x` is inside `/ws/app`, `/ws/app-evil` is not (N-01). */
export function isInside(child: string, root: string): boolean {
  const r = splitRoot(root);
  const c = splitRoot(child);
  if (!r || !c || r.style !== c.style || !same(r.style, r.prefix, c.prefix)) return false;
  if (r.segments.length > c.segments.length) return false;
  if (r.segments.some((s) => s === '..') || c.segments.some((s) => s === '..')) return false;
  return r.segments.every((s, i) => same(r.style, s, c.segments[i]));
}

function candidate(root: string, segs: string[], mapping?: string): PathCandidate | undefined {
  const r = splitRoot(root);
  if (!r) return undefined;
  const path = join(r.style, r.prefix, [...r.segments, ...segs]);
  return { path, root: join(r.style, r.prefix, r.segments), relative: segs.join('/'), ...(mapping ? { mapping } : {}) };
}

/**
 * Where a traced path may be in the workspace, in the order to try them (N-01, N-02, N-04, N-05).
 * Relative paths: one candidate per root, then (unless disabled) shorter suffixes for paths relative
 * to another base, such as the repository root. Absolute paths inside a root: that one. Absolute
 * paths from another machine: explicit mappings, then ever shorter suffixes under each root. Every
 * guessed candidate names its mapping, to be shown to the user; nothing outside the roots is returned.
 */
export function resolveWorkspacePath(raw: unknown, roots: readonly string[], opts: ResolveOptions = {}): PathResolution {
  const checked = checkPathString(raw);
  if (!checked.ok) return checked;
  const usable = roots.filter((r) => splitRoot(r));
  if (usable.length === 0) return reject('no-roots', 'No workspace folder is open');
  if (!checked.absolute) {
    const out = usable.map((r) => candidate(r, checked.segments)).filter((c): c is PathCandidate => !!c);
    // A path relative to another base (the repository root, say): ever shorter suffixes, stated.
    if (opts.suffixHeuristics !== false) {
      const segs = checked.segments;
      for (let drop = 1; segs.length - drop >= 2; drop++) {
        for (const r of usable) {
          const c = candidate(r, segs.slice(drop), `${segs.slice(0, drop).join('/')}/ dropped`);
          if (c) out.push(c);
        }
      }
    }
    return { ok: true, candidates: out };
  }
  const abs = checked.style === 'win' ? join('win', checked.drive ?? 'C:', checked.segments) : join('posix', '', checked.segments);
  for (const r of usable) {
    if (isInside(abs, r)) {
      const rs = splitRoot(r)!;
      const c = candidate(r, checked.segments.slice(rs.segments.length));
      if (c) return { ok: true, candidates: [c] };
    }
  }
  const out: PathCandidate[] = [];
  for (const m of opts.mappings ?? []) {
    const from = checkPathString(m.from);
    if (!from.ok || !from.absolute || from.style !== checked.style) continue;
    const prefixLen = from.segments.length;
    if (prefixLen > checked.segments.length) continue;
    if (!from.segments.every((s, i) => same(checked.style ?? 'posix', s, checked.segments[i]))) continue;
    const target = usable.find((r) => isInside(m.to, r));
    if (!target) continue;
    const toSegs = splitRoot(m.to)!.segments.slice(splitRoot(target)!.segments.length);
    const c = candidate(target, [...toSegs, ...checked.segments.slice(prefixLen)], `${m.from} → ${m.to}`);
    if (c) out.push(c);
  }
  if (opts.suffixHeuristics !== false) {
    const segs = checked.segments;
    // Keep at least two segments (a bare file name is too weak a guess) unless the path is that short.
    const minKeep = Math.min(2, segs.length);
    for (let drop = 1; segs.length - drop >= minKeep; drop++) {
      const prefix =
        checked.style === 'win' ? join('win', checked.drive ?? 'C:', segs.slice(0, drop)) : join('posix', '', segs.slice(0, drop));
      for (const r of usable) {
        const c = candidate(r, segs.slice(drop), `${prefix} → ${r}`);
        if (c) out.push(c);
      }
    }
  }
  if (out.length === 0) return reject('outside', `Outside the workspace: ${abs}`);
  return { ok: true, candidates: out };
}

/**
 * N-03: after the host resolved symlinks (realpath of the candidate and of each root), the real
 * target must still be inside a real root. Returns the root it is in, or a rejection naming the
 * real target (show it in the "open outside the workspace?" confirmation).
 */
export function checkRealPath(realPath: string, realRoots: readonly string[]): { ok: true; root: string } | PathRejected {
  const checked = checkPathString(realPath);
  if (!checked.ok) return checked;
  if (!checked.absolute) return reject('outside', 'A resolved path must be absolute');
  const root = realRoots.find((r) => isInside(realPath, r));
  return root ? { ok: true, root } : reject('outside', `Resolves outside the workspace: ${realPath}`);
}

/**
 * A template path from a span (N-07): resolved like a code path against the workspace folders,
 * then kept only where it lies inside a configured template root (absolute, validated with
 * `validateTemplateRoots`). Unknown paths give "template not found", never a wider search.
 */
export function resolveTemplatePath(
  raw: unknown,
  workspaceRoots: readonly string[],
  templateRoots: readonly string[],
  opts: ResolveOptions = {},
): PathResolution {
  const r = resolveWorkspacePath(raw, workspaceRoots, opts);
  if (!r.ok) return r;
  const inside = r.candidates.filter((c) => templateRoots.some((t) => isInside(c.path, t)));
  return inside.length ? { ok: true, candidates: inside } : reject('outside', 'Not inside a template folder');
}

/**
 * Template roots from settings (N-07), relative to the workspace folders or absolute: only roots
 * inside a workspace folder are kept. Returns absolute roots in the workspace's style.
 */
export function validateTemplateRoots(settingValues: unknown, workspaceRoots: readonly string[]): { roots: string[]; rejected: string[] } {
  const values = Array.isArray(settingValues) ? settingValues : [];
  const roots: string[] = [];
  const rejected: string[] = [];
  for (const v of values) {
    const checked = checkPathString(v);
    if (!checked.ok) {
      rejected.push(String(v));
      continue;
    }
    if (checked.absolute) {
      const abs = checked.style === 'win' ? join('win', checked.drive ?? 'C:', checked.segments) : join('posix', '', checked.segments);
      if (workspaceRoots.some((w) => isInside(abs, w))) roots.push(abs);
      else rejected.push(String(v));
      continue;
    }
    for (const w of workspaceRoots) {
      const c = candidate(w, checked.segments);
      if (c) roots.push(c.path);
    }
  }
  return { roots: [...new Set(roots)], rejected };
}

export interface ClampedLine {
  /** 1-based, within [1, lineCount]. */
  line: number;
  /** The traced value was missing, not a whole number, or out of range. */
  clamped: boolean;
  reason?: 'missing' | 'not-a-number' | 'fraction' | 'below-1' | 'past-end';
}

/** N-06: a traced line number as a safe 1-based line of a file with `lineCount` lines. */
export function clampLine(value: unknown, lineCount: number): ClampedLine {
  const max = Math.max(1, Math.floor(Number.isFinite(lineCount) ? lineCount : 1));
  if (value === undefined || value === null || value === '') return { line: 1, clamped: false, reason: 'missing' };
  const n = typeof value === 'number' ? value : typeof value === 'string' && /^\s*-?\d+(\.\d+)?\s*$/.test(value) ? Number(value) : NaN;
  if (!Number.isFinite(n)) return { line: 1, clamped: true, reason: 'not-a-number' };
  let line = Math.floor(n);
  let reason: ClampedLine['reason'] = line !== n ? 'fraction' : undefined;
  if (line < 1) {
    line = 1;
    reason = 'below-1';
  } else if (line > max) {
    line = max;
    reason = 'past-end';
  }
  return reason ? { line, clamped: true, reason } : { line, clamped: false };
}

/** N-06: a 1-based column within a line of `lineLength` characters; undefined when unusable. */
export function clampColumn(value: unknown, lineLength: number): number | undefined {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) return undefined;
  return Math.min(value, Math.max(1, lineLength + 1));
}

const ID = /^[\w.:@-]{1,256}$/;

/**
 * N-08: the only arguments a navigation command accepts are ids. Anything else (paths, URIs,
 * wrong types, extra keys are ignored) yields undefined; the host re-derives paths from the span.
 */
export function parseSpanCommandArgs(arg: unknown): { traceId: string; spanId?: string } | undefined {
  if (!arg || typeof arg !== 'object' || Array.isArray(arg)) return undefined;
  const o = arg as Record<string, unknown>;
  if (typeof o.traceId !== 'string' || !ID.test(o.traceId) || o.traceId.includes('..')) return undefined;
  if (o.spanId !== undefined && (typeof o.spanId !== 'string' || !ID.test(o.spanId) || o.spanId.includes('..'))) return undefined;
  return o.spanId === undefined ? { traceId: o.traceId } : { traceId: o.traceId, spanId: o.spanId as string };
}
