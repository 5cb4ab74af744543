// Where "Mark Output Good / Bad" keeps marks on local trace files: one JSON file in TraceLens's
// own storage (never beside or inside the source file, checklist S-08), keyed by the file's
// identity (URI, size, mtime), so a changed file does not inherit marks meant for its old
// content. Written atomically (temp file in the same directory, fsync, rename; S-09); a corrupt
// file is set aside as `.corrupt-<time>` and a fresh one started (S-10).

import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import type { FeedbackMark } from '../store/traceStore';

export const FEEDBACK_FILE_VERSION = 1;
const MAX_FILE_BYTES = 32 * 1024 * 1024;
const MAX_ID_CHARS = 512;
const MAX_NOTE_CHARS = 2000;

export interface FileIdentity {
  uri: string;
  bytes: number;
  mtimeMs?: number;
}

export const identityKey = (f: FileIdentity): string => JSON.stringify([f.uri, f.bytes, Math.trunc(f.mtimeMs ?? 0)]);

function validMark(v: unknown): FeedbackMark | undefined {
  const m = v as Record<string, unknown>;
  if (!m || typeof m !== 'object') return undefined;
  const str = (x: unknown, max: number): x is string => typeof x === 'string' && x.length > 0 && x.length <= max;
  if (!str(m.traceId, MAX_ID_CHARS) || !str(m.spanId, MAX_ID_CHARS)) return undefined;
  if (m.value !== 'positive' && m.value !== 'negative') return undefined;
  if (typeof m.atMs !== 'number' || !Number.isFinite(m.atMs)) return undefined;
  const mark: FeedbackMark = { traceId: m.traceId, spanId: m.spanId, value: m.value, atMs: m.atMs };
  if (typeof m.note === 'string' && m.note) mark.note = m.note.slice(0, MAX_NOTE_CHARS);
  if (typeof m.author === 'string' && m.author) mark.author = m.author.slice(0, MAX_ID_CHARS);
  return mark;
}

export class FeedbackFile {
  /** Writes in this window one after the other (read, change, write). */
  private chain: Promise<unknown> = Promise.resolve();

  constructor(
    readonly file: string,
    private readonly onProblem: (message: string) => void = () => undefined,
  ) {}

  /** Every mark, by file identity. Missing file: none. Corrupt: quarantined, none. */
  async read(): Promise<Map<string, FeedbackMark[]>> {
    const out = new Map<string, FeedbackMark[]>();
    let text: string;
    try {
      const info = await fs.stat(this.file);
      if (info.size > MAX_FILE_BYTES) throw new Error(`${info.size} bytes, over ${MAX_FILE_BYTES}`);
      text = await fs.readFile(this.file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return out;
      await this.quarantine(`cannot be read (${(err as Error).message})`);
      return out;
    }
    let doc: unknown;
    try {
      doc = JSON.parse(text);
    } catch {
      await this.quarantine('is not valid JSON');
      return out;
    }
    const d = doc as { version?: unknown; sources?: unknown };
    if (!d || typeof d !== 'object' || d.version !== FEEDBACK_FILE_VERSION || !d.sources || typeof d.sources !== 'object') {
      await this.quarantine('has an unknown layout or version');
      return out;
    }
    // JSON.parse makes every key (`__proto__` too) an own property; a Map keeps them inert.
    for (const [key, list] of Object.entries(d.sources as Record<string, unknown>)) {
      if (!Array.isArray(list)) continue;
      const marks = list.map(validMark).filter((m): m is FeedbackMark => !!m);
      if (marks.length) out.set(key, marks);
    }
    return out;
  }

  async marksFor(id: FileIdentity): Promise<FeedbackMark[]> {
    await this.chain.catch(() => undefined);
    return (await this.read()).get(identityKey(id)) ?? [];
  }

  /** Add a mark, replacing the same author's earlier mark on the same span. */
  put(id: FileIdentity, mark: FeedbackMark): Promise<void> {
    const next = this.chain
      .catch(() => undefined)
      .then(async () => {
        const all = await this.read();
        const key = identityKey(id);
        const list = (all.get(key) ?? []).filter(
          (m) => !(m.traceId === mark.traceId && m.spanId === mark.spanId && (m.author ?? '') === (mark.author ?? '')),
        );
        list.push(mark);
        all.set(key, list);
        await this.write(all);
      });
    this.chain = next;
    return next;
  }

  private async write(all: Map<string, FeedbackMark[]>): Promise<void> {
    const dir = path.dirname(this.file);
    await fs.mkdir(dir, { recursive: true });
    const doc = { version: FEEDBACK_FILE_VERSION, sources: Object.fromEntries(all) };
    const tmp = path.join(dir, `.${path.basename(this.file)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
    const handle = await fs.open(tmp, 'wx', 0o600);
    try {
      await handle.writeFile(JSON.stringify(doc, null, 1), 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    try {
      await fs.rename(tmp, this.file);
    } catch (err) {
      await fs.rm(tmp, { force: true });
      throw err;
    }
  }

  private async quarantine(why: string): Promise<void> {
    const aside = `${this.file}.corrupt-${Date.now()}`;
    try {
      await fs.rename(this.file, aside);
      this.onProblem(`The feedback file ${why}; it was moved to ${aside} and a new one started.`);
    } catch {
      this.onProblem(`The feedback file ${why} and could not be moved aside.`);
    }
  }
}
