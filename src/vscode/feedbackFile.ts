// Where "Mark Output Good / Bad" keeps marks on local trace files: one JSON file in TraceLens's
// own storage (never beside or inside the source file, checklist S-08), keyed by the file's
// identity (URI, size, mtime), so a changed file does not inherit marks meant for its old
// content. No vscode import: unit tests run it, across processes too.
//
// S-09: every change is read-modify-write under a lock file shared by all VS Code windows
// (feedbackFileLock.ts), written to a temp file in the same directory, fsynced and renamed over
// the target, so the file is always the complete old or new version and two windows' marks are
// both kept. If the file changed anyway between reading and renaming (a writer that ignores the
// lock), the change is re-read and the mark applied again. A target locked by another program
// (Windows) is retried briefly.
// S-10: the file is parsed defensively (size cap, strict UTF-8, `__proto__`/`constructor` keys
// refused, schema and version checked, every key and mark validated). Anything wrong: the file
// is moved aside as `<file>.corrupt-<time>`, the user told, and a fresh file started. Reading
// never throws.

import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import type { FeedbackMark } from '../store/traceStore';
import { withFileLock, type LockOptions } from './feedbackFileLock';

export const FEEDBACK_FILE_VERSION = 1;
export const MAX_FEEDBACK_FILE_BYTES = 32 * 1024 * 1024;
const MAX_ID_CHARS = 512;
const MAX_NOTE_CHARS = 2000;
const HOSTILE_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

export interface FileIdentity {
  uri: string;
  bytes: number;
  mtimeMs?: number;
}

export const identityKey = (f: FileIdentity): string => JSON.stringify([f.uri, f.bytes, Math.trunc(f.mtimeMs ?? 0)]);

function validKey(key: string): boolean {
  try {
    const k = JSON.parse(key) as unknown;
    return Array.isArray(k) && k.length === 3 && typeof k[0] === 'string' && Number.isFinite(k[1]) && Number.isFinite(k[2]);
  } catch {
    return false;
  }
}

function validMark(v: unknown): FeedbackMark | undefined {
  const m = v as Record<string, unknown>;
  if (!m || typeof m !== 'object' || Array.isArray(m)) return undefined;
  const str = (x: unknown, max: number): x is string => typeof x === 'string' && x.length > 0 && x.length <= max;
  if (!str(m.traceId, MAX_ID_CHARS) || !str(m.spanId, MAX_ID_CHARS)) return undefined;
  if (m.value !== 'positive' && m.value !== 'negative') return undefined;
  if (typeof m.atMs !== 'number' || !Number.isFinite(m.atMs)) return undefined;
  if (m.note !== undefined && typeof m.note !== 'string') return undefined;
  if (m.author !== undefined && typeof m.author !== 'string') return undefined;
  const mark: FeedbackMark = { traceId: m.traceId, spanId: m.spanId, value: m.value, atMs: m.atMs };
  if (typeof m.note === 'string' && m.note) mark.note = m.note.slice(0, MAX_NOTE_CHARS);
  if (typeof m.author === 'string' && m.author) mark.author = m.author.slice(0, MAX_ID_CHARS);
  return mark;
}

/** The marks of a document, or why it is not one this version wrote. */
export function parseFeedbackDocument(bytes: Uint8Array): { marks: Map<string, FeedbackMark[]> } | { problem: string } {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return { problem: 'is not valid UTF-8' };
  }
  let hostile = false;
  let doc: unknown;
  try {
    doc = JSON.parse(text, (key, value: unknown) => {
      if (HOSTILE_KEYS.has(key)) hostile = true;
      return value;
    });
  } catch {
    return { problem: 'is not valid JSON (truncated?)' };
  }
  if (hostile) return { problem: 'contains a __proto__, constructor or prototype key' };
  const d = doc as { version?: unknown; sources?: unknown };
  if (!d || typeof d !== 'object' || Array.isArray(d)) return { problem: 'is not a TraceLens feedback file' };
  if (d.version !== FEEDBACK_FILE_VERSION) return { problem: `has an unknown version (${JSON.stringify(d.version)?.slice(0, 20)})` };
  if (!d.sources || typeof d.sources !== 'object' || Array.isArray(d.sources)) return { problem: 'has no sources' };
  // A Map: no key (whatever it is) ever reaches an object's prototype.
  const marks = new Map<string, FeedbackMark[]>();
  for (const [key, list] of Object.entries(d.sources as Record<string, unknown>)) {
    if (!validKey(key) || !Array.isArray(list)) return { problem: 'has an entry that is not a file identity with a list of marks' };
    const valid = list.map(validMark);
    if (valid.some((m) => !m)) return { problem: 'has a mark that is not valid' };
    if (valid.length) marks.set(key, valid as FeedbackMark[]);
  }
  return { marks };
}

interface Snapshot {
  marks: Map<string, FeedbackMark[]>;
  /** What was on disk when read (undefined: no file). */
  stat?: { ino: number; size: number; mtimeMs: number };
}

const sameStat = (a: Snapshot['stat'], b: Snapshot['stat']): boolean =>
  a === b || (!!a && !!b && a.ino === b.ino && a.size === b.size && a.mtimeMs === b.mtimeMs);

const pause = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export class FeedbackFile {
  /** Changes in this window one after the other (the lock orders them across windows). */
  private chain: Promise<unknown> = Promise.resolve();

  constructor(
    readonly file: string,
    private readonly onProblem: (message: string) => void = () => undefined,
    private readonly lock: LockOptions = {},
  ) {}

  /** Every mark, by file identity. Missing file: none. Corrupt: quarantined, none. Never throws. */
  async read(): Promise<Map<string, FeedbackMark[]>> {
    try {
      return (await this.snapshot(false)).marks;
    } catch (err) {
      this.onProblem(`The feedback file could not be read (${(err as Error).message}); marks are not shown.`);
      return new Map();
    }
  }

  async marksFor(id: FileIdentity): Promise<FeedbackMark[]> {
    await this.chain.catch(() => undefined);
    return (await this.read()).get(identityKey(id)) ?? [];
  }

  /** Add a mark, replacing the same author's earlier mark on the same span. */
  put(id: FileIdentity, mark: FeedbackMark): Promise<void> {
    return this.change((all) => {
      const key = identityKey(id);
      const list = (all.get(key) ?? []).filter(
        (m) => !(m.traceId === mark.traceId && m.spanId === mark.spanId && (m.author ?? '') === (mark.author ?? '')),
      );
      list.push(mark);
      all.set(key, list);
    });
  }

  /** Read, change and write under the lock; the change is applied to what is on disk now. */
  private change(apply: (all: Map<string, FeedbackMark[]>) => void): Promise<void> {
    const next = this.chain
      .catch(() => undefined)
      .then(() =>
        withFileLock(
          this.file,
          async () => {
            for (let attempt = 0; ; attempt++) {
              const snap = await this.snapshot(true);
              apply(snap.marks);
              if (await this.write(snap.marks, snap.stat)) return;
              if (attempt >= 5) throw new Error('the feedback file keeps changing under TraceLens; the mark was not saved');
            }
          },
          this.lock,
        ),
      );
    this.chain = next;
    return next;
  }

  /** The file's marks and identity; a bad file is quarantined (`locked`: we hold the lock). */
  private async snapshot(locked: boolean): Promise<Snapshot> {
    let stat: Snapshot['stat'];
    let bytes: Buffer;
    try {
      const h = await fs.open(this.file, 'r');
      try {
        const s = await h.stat();
        stat = { ino: s.ino, size: s.size, mtimeMs: s.mtimeMs };
        if (!s.isFile()) return this.setAside('is not a regular file', stat, locked);
        if (s.size > MAX_FEEDBACK_FILE_BYTES)
          return this.setAside(`is ${s.size} bytes, over the ${MAX_FEEDBACK_FILE_BYTES} allowed`, stat, locked);
        bytes = await h.readFile();
      } finally {
        await h.close();
      }
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') return { marks: new Map() };
      if (code === 'EISDIR') return this.setAside('is a directory', stat, locked);
      throw err;
    }
    const parsed = parseFeedbackDocument(bytes);
    if ('problem' in parsed) return this.setAside(parsed.problem, stat, locked);
    return { marks: parsed.marks, stat };
  }

  private async setAside(why: string, seen: Snapshot['stat'], locked: boolean): Promise<Snapshot> {
    const move = (): Promise<void> => this.quarantine(why, seen);
    if (locked) await move();
    else await withFileLock(this.file, move, this.lock).catch(() => undefined);
    return { marks: new Map() };
  }

  /**
   * Move the bad file aside, unless it is no longer the file judged bad (another window already
   * moved it, or replaced it with a good one).
   */
  private async quarantine(why: string, seen: Snapshot['stat']): Promise<void> {
    const now = await fs.stat(this.file).then(
      (s) => ({ ino: s.ino, size: s.size, mtimeMs: s.mtimeMs }),
      () => undefined,
    );
    if (!now || (seen && !sameStat(seen, now))) return;
    const aside = `${this.file}.corrupt-${new Date().toISOString().replace(/[:.]/g, '-')}-${randomBytes(2).toString('hex')}`;
    try {
      await fs.rename(this.file, aside);
      this.onProblem(`The feedback file ${why}; it was moved to ${aside} and a new one started.`);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
      this.onProblem(`The feedback file ${why} and could not be moved aside (${(err as Error).message}); it is ignored.`);
    }
  }

  /**
   * Temp file beside the target, fsync, rename over it. False (nothing replaced) when the
   * target is no longer what was read, so the caller re-reads and applies its change again.
   */
  private async write(all: Map<string, FeedbackMark[]>, read: Snapshot['stat']): Promise<boolean> {
    const dir = path.dirname(this.file);
    await fs.mkdir(dir, { recursive: true });
    const doc = { version: FEEDBACK_FILE_VERSION, sources: Object.fromEntries(all) };
    const tmp = path.join(dir, `.${path.basename(this.file)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
    const handle = await fs.open(tmp, 'wx', 0o600);
    try {
      try {
        await handle.writeFile(JSON.stringify(doc, null, 1), 'utf8');
        await handle.sync();
      } finally {
        await handle.close();
      }
      const now = await fs.stat(this.file).then(
        (s) => ({ ino: s.ino, size: s.size, mtimeMs: s.mtimeMs }),
        () => undefined,
      );
      if (!sameStat(read, now)) {
        await fs.rm(tmp, { force: true });
        return false;
      }
      await this.renameOver(tmp);
    } catch (err) {
      // Disk full, no permission: the old file is untouched; the caller reports the error.
      await fs.rm(tmp, { force: true }).catch(() => undefined);
      throw err;
    }
    // The rename itself durable too, where directories can be opened (not on Windows).
    const d = await fs.open(dir, 'r').catch(() => undefined);
    await d
      ?.sync()
      .catch(() => undefined)
      .finally(() => d.close());
    return true;
  }

  /** rename(2), retried while another program (a virus scanner, an indexer) holds the target open on Windows. */
  private async renameOver(tmp: string): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      try {
        await fs.rename(tmp, this.file);
        return;
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        if (attempt >= 8 || !(code === 'EPERM' || code === 'EBUSY' || code === 'EACCES')) throw err;
        await pause(20 * 2 ** attempt);
      }
    }
  }
}
