// The index cache: a source's index saved in a folder the caller owns (the extension passes its
// global storage), keyed by the source's identity, so reopening an unchanged file skips indexing
// and a changed one is indexed again. The source itself is never written.
//
// Identity: resolved path, size, mtime, and a SHA-256 of the first and last 64 KiB (an append or
// an in-place edit that keeps size and mtime still changes the key; an edit in the middle of a
// huge file that keeps both is not detected: the mtime is the guard there).
//
// File: an 8-byte magic, a 4-byte header length, a JSON header (identity, schema version, what
// the caller wants back: format, diagnostics…), then the SQLite image. Written to a temporary
// file in the same folder and renamed over the old one, so a reader never sees a partial file
// and a failed write leaves nothing behind.

import { createHash, randomBytes } from 'node:crypto';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { SCHEMA_VERSION } from './sqlJsSchema';

/**
 * The header's meta may hold bigints (a lineage run's start and end, in nanoseconds), which JSON
 * does not: they are written as {"$bigint": "<digits>"} and read back as bigints. Without this,
 * an OpenLineage file's index was never cached ("Do not know how to serialize a BigInt").
 */
const keepBigInt = (_key: string, v: unknown): unknown => (typeof v === 'bigint' ? { $bigint: v.toString() } : v);
const reviveBigInt = (_key: string, v: unknown): unknown => {
  if (v && typeof v === 'object' && !Array.isArray(v)) {
    const o = v as Record<string, unknown>;
    const keys = Object.keys(o);
    if (keys.length === 1 && keys[0] === '$bigint' && typeof o.$bigint === 'string' && /^-?\d+$/.test(o.$bigint)) return BigInt(o.$bigint);
  }
  return v;
};

export interface SourceIdentity {
  path: string;
  size: number;
  mtimeMs: number;
  /** SHA-256 (hex) of the first and last 64 KiB. */
  edgesHash: string;
}

const MAGIC = Buffer.from('TLIDX\u0000\u0002\n', 'latin1');
const EDGE_BYTES = 64 * 1024;
const FORMAT_VERSION = 1;
export const CACHE_EXTENSION = '.tlidx';
/** The cache folder is trimmed to this size, oldest entries first. */
export const DEFAULT_CACHE_BUDGET_BYTES = 4 * 2 ** 30;

export async function sourceIdentity(file: string): Promise<SourceIdentity> {
  const resolved = path.resolve(file);
  const fh = await fs.open(resolved, 'r');
  try {
    const st = await fh.stat();
    const hash = createHash('sha256');
    const head = Buffer.alloc(Math.min(EDGE_BYTES, st.size));
    await fh.read(head, 0, head.length, 0);
    hash.update(head);
    if (st.size > EDGE_BYTES) {
      const tailLen = Math.min(EDGE_BYTES, st.size - EDGE_BYTES);
      const tail = Buffer.alloc(tailLen);
      await fh.read(tail, 0, tailLen, st.size - tailLen);
      hash.update(tail);
    }
    hash.update(String(st.size));
    return { path: resolved, size: st.size, mtimeMs: st.mtimeMs, edgesHash: hash.digest('hex') };
  } finally {
    await fh.close();
  }
}

/** The cache file for a source path (one per path: a changed file replaces its old entry). */
export function cacheFileFor(cacheDir: string, sourcePath: string): string {
  const key = createHash('sha256').update(path.resolve(sourcePath)).digest('hex').slice(0, 40);
  return path.join(cacheDir, `${key}${CACHE_EXTENSION}`);
}

interface Header<M> {
  format: number;
  schema: number;
  identity: SourceIdentity;
  imageBytes: number;
  meta: M;
}

const sameIdentity = (a: SourceIdentity, b: SourceIdentity): boolean =>
  a.path === b.path && a.size === b.size && a.mtimeMs === b.mtimeMs && a.edgesHash === b.edgesHash;

export interface CachedIndex<M> {
  image: Uint8Array;
  meta: M;
}

/** The cached index of this exact source, or undefined (no entry, stale, other schema, damaged). */
export async function readIndexCache<M>(cacheDir: string, identity: SourceIdentity): Promise<CachedIndex<M> | undefined> {
  const file = cacheFileFor(cacheDir, identity.path);
  let fh: fs.FileHandle;
  try {
    fh = await fs.open(file, 'r');
  } catch {
    return undefined;
  }
  try {
    const st = await fh.stat();
    const pre = Buffer.alloc(MAGIC.length + 4);
    if ((await fh.read(pre, 0, pre.length, 0)).bytesRead < pre.length || !pre.subarray(0, MAGIC.length).equals(MAGIC)) return undefined;
    const headerLen = pre.readUInt32LE(MAGIC.length);
    if (headerLen > 64 * 2 ** 20 || pre.length + headerLen > st.size) return undefined;
    const headerBuf = Buffer.alloc(headerLen);
    await fh.read(headerBuf, 0, headerLen, pre.length);
    const header = JSON.parse(headerBuf.toString('utf8'), reviveBigInt) as Header<M>;
    if (header.format !== FORMAT_VERSION || header.schema !== SCHEMA_VERSION || !sameIdentity(header.identity, identity)) return undefined;
    const offset = pre.length + headerLen;
    if (st.size - offset !== header.imageBytes) return undefined;
    const image = new Uint8Array(header.imageBytes);
    let done = 0;
    while (done < image.length) {
      const { bytesRead } = await fh.read(image, done, image.length - done, offset + done);
      if (bytesRead === 0) return undefined;
      done += bytesRead;
    }
    // Touch it: pruning removes the least recently used entries.
    const now = new Date();
    await fs.utimes(file, now, now).catch(() => undefined);
    return { image, meta: header.meta };
  } catch {
    return undefined;
  } finally {
    await fh.close();
  }
}

/**
 * Save an index atomically. `image` may be given in pieces (an iterable); if producing or writing
 * any of it fails, the temporary file is removed and the previous entry (if any) is untouched.
 */
export async function writeIndexCache<M>(
  cacheDir: string,
  identity: SourceIdentity,
  meta: M,
  image: Uint8Array | Iterable<Uint8Array>,
  budgetBytes = DEFAULT_CACHE_BUDGET_BYTES,
): Promise<string> {
  await fs.mkdir(cacheDir, { recursive: true });
  const file = cacheFileFor(cacheDir, identity.path);
  const tmp = `${file}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  const pieces = image instanceof Uint8Array ? [image] : image;
  const fh = await fs.open(tmp, 'wx');
  try {
    // The header holds the image size: write a placeholder, then the real header at the end.
    let imageBytes = 0;
    const headerFor = (n: number): Buffer => {
      const h: Header<M> = { format: FORMAT_VERSION, schema: SCHEMA_VERSION, identity, imageBytes: n, meta };
      // Fixed width for the size, so the header length does not change when it is rewritten.
      return Buffer.from(JSON.stringify(h, keepBigInt).replace(`"imageBytes":${n}`, `"imageBytes":${String(n).padStart(16, ' ')}`), 'utf8');
    };
    const placeholder = headerFor(0);
    const pre = Buffer.alloc(MAGIC.length + 4);
    MAGIC.copy(pre);
    pre.writeUInt32LE(placeholder.length, MAGIC.length);
    let pos = 0;
    for (const b of [pre, placeholder]) {
      await fh.write(b, 0, b.length, pos);
      pos += b.length;
    }
    for (const piece of pieces) {
      let off = 0;
      while (off < piece.length) {
        const { bytesWritten } = await fh.write(piece, off, piece.length - off, pos);
        off += bytesWritten;
        pos += bytesWritten;
      }
      imageBytes += piece.length;
    }
    const header = headerFor(imageBytes);
    if (header.length !== placeholder.length) throw new Error('index cache header changed size');
    await fh.write(header, 0, header.length, pre.length);
    await fh.close();
    await fs.rename(tmp, file);
  } catch (err) {
    await fh.close().catch(() => undefined);
    await fs.rm(tmp, { force: true }).catch(() => undefined);
    throw err;
  }
  await pruneIndexCache(cacheDir, budgetBytes, file).catch(() => undefined);
  return file;
}

/** Remove cache entries (oldest use first) until the folder fits the budget; `keep` stays. */
export async function pruneIndexCache(cacheDir: string, budgetBytes: number, keep?: string): Promise<void> {
  const names = await fs.readdir(cacheDir);
  const entries: { file: string; size: number; used: number }[] = [];
  for (const n of names) {
    const file = path.join(cacheDir, n);
    if (n.endsWith('.tmp')) {
      // Left by a crash mid-write (an hour is far longer than any write).
      const st = await fs.stat(file).catch(() => undefined);
      if (st && Date.now() - st.mtimeMs > 3600_000) await fs.rm(file, { force: true });
      continue;
    }
    if (!n.endsWith(CACHE_EXTENSION)) continue;
    const st = await fs.stat(file).catch(() => undefined);
    if (st) entries.push({ file, size: st.size, used: st.mtimeMs });
  }
  let total = entries.reduce((a, e) => a + e.size, 0);
  for (const e of entries.sort((a, b) => a.used - b.used)) {
    if (total <= budgetBytes) break;
    if (e.file === keep) continue;
    await fs.rm(e.file, { force: true });
    total -= e.size;
  }
}

/** Remove the cached index of a source (for example, after the user asks to re-index it). */
export async function removeIndexCache(cacheDir: string, sourcePath: string): Promise<void> {
  await fs.rm(cacheFileFor(cacheDir, sourcePath), { force: true });
}
