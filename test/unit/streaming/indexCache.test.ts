// The index cache: an unchanged file reopens from it with the same index, a changed one is
// indexed again, and a failed write leaves no partial file (and the old entry intact).

import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { writeJsonl } from '../../../bench/generate';
import { streamImportFile } from '../../../src/ingest/streamImport';
import { cacheFileFor, readIndexCache, sourceIdentity, writeIndexCache } from '../../../src/store/indexCache';
import type { SqlJsStore } from '../../../src/store/sqlJsStore';
import { dumpIndex, openStore, tempDir } from './helpers';

describe('index cache', function () {
  this.timeout(120_000);
  let store: SqlJsStore;
  const tmp = tempDir();
  let cacheDir: string;
  before(async () => {
    store = await openStore();
    cacheDir = path.join(tmp.dir, 'cache');
  });
  after(async () => {
    await store.close();
    tmp.remove();
  });

  it('reopens an unchanged file from the cache with the same index and diagnostics', async () => {
    const file = tmp.file('a.jsonl');
    writeJsonl(file, 200_000, 1);
    fs.appendFileSync(file, '{ broken\n');
    const first = await streamImportFile(file, { store, cacheDir, worker: false });
    assert.equal(first.fromCache, false);
    assert.ok(fs.existsSync(cacheFileFor(cacheDir, file)));
    const again = await streamImportFile(file, { store, cacheDir, worker: false });
    assert.equal(again.fromCache, true);
    assert.notEqual(again.source.id, first.source.id);
    assert.deepEqual(await dumpIndex(store, again.source.id), await dumpIndex(store, first.source.id));
    assert.deepEqual(again.diagnostics, first.diagnostics);
    assert.equal(again.format, 'otlp-json');
    // The source itself is never written.
    assert.equal(fs.statSync(file).size, first.bytesTotal);
  });

  it('caches an OpenLineage file too: its lineage runs come back with their nanosecond times', async () => {
    const file = tmp.file('policy-ingest.openlineage.jsonl');
    fs.copyFileSync(path.join(__dirname, '../../../examples/support-agent/traces/policy-ingest.openlineage.jsonl'), file);
    const first = await streamImportFile(file, { store, cacheDir, worker: false });
    assert.equal(first.fromCache, false);
    assert.deepEqual(
      first.diagnostics.filter((d) => /could not be cached/.test(d.message)),
      [],
    );
    assert.ok(first.lineageRuns.length > 0 && first.lineageRuns.some((r) => typeof r.startNs === 'bigint'));
    const again = await streamImportFile(file, { store, cacheDir, worker: false });
    assert.equal(again.fromCache, true);
    assert.deepEqual(again.lineageRuns, first.lineageRuns);
  });

  it('indexes a changed file again (append; same size and time but other bytes)', async () => {
    const file = tmp.file('b.jsonl');
    writeJsonl(file, 100_000, 2);
    const first = await streamImportFile(file, { store, cacheDir, worker: false });
    fs.appendFileSync(
      file,
      fs
        .readFileSync(file, 'utf8')
        .split('\n')[0]
        .replace(/"traceId":"[0-9a-f]{32}"/g, `"traceId":"${'9'.repeat(32)}"`) + '\n',
    );
    const appended = await streamImportFile(file, { store, cacheDir, worker: false });
    assert.equal(appended.fromCache, false);
    assert.equal(appended.source.traceCount, first.source.traceCount + 1);
    // Same size, same mtime, different bytes: the edge hash tells.
    const st = fs.statSync(file);
    const bytes = fs.readFileSync(file);
    bytes[bytes.length - 3] = bytes[bytes.length - 3] === 0x7d ? 0x20 : 0x7d;
    fs.writeFileSync(file, bytes);
    fs.utimesSync(file, st.atime, st.mtime);
    const edited = await streamImportFile(file, { store, cacheDir, worker: false });
    assert.equal(edited.fromCache, false);
    // …and the new index is cached in turn.
    assert.equal((await streamImportFile(file, { store, cacheDir, worker: false })).fromCache, true);
  });

  it('a failed write leaves no partial file and keeps the previous entry', async () => {
    const dir = path.join(tmp.dir, 'atomic');
    const file = tmp.file('c.jsonl', '{"x":1}\n');
    const id = await sourceIdentity(file);
    await writeIndexCache(dir, id, { v: 1 }, new Uint8Array([1, 2, 3]));
    function* failing(): Generator<Uint8Array> {
      yield new Uint8Array(1 << 20);
      throw new Error('disk full');
    }
    await assert.rejects(writeIndexCache(dir, id, { v: 2 }, failing()), /disk full/);
    assert.deepEqual(fs.readdirSync(dir), [path.basename(cacheFileFor(dir, file))]);
    const kept = await readIndexCache<{ v: number }>(dir, id);
    assert.deepEqual(kept?.meta, { v: 1 });
    assert.deepEqual([...(kept?.image ?? [])], [1, 2, 3]);
  });

  it('ignores a damaged or foreign cache file and indexes the source', async () => {
    const file = tmp.file('d.jsonl');
    writeJsonl(file, 50_000, 3);
    const id = await sourceIdentity(file);
    fs.mkdirSync(cacheDir, { recursive: true });
    fs.writeFileSync(cacheFileFor(cacheDir, file), 'TLIDX garbage');
    assert.equal(await readIndexCache(cacheDir, id), undefined);
    const r = await streamImportFile(file, { store, cacheDir, worker: false });
    assert.equal(r.fromCache, false);
    assert.ok(r.source.spanCount > 0);
    // A truncated entry (a crash after rename cannot do this, but a full disk elsewhere might).
    const entry = cacheFileFor(cacheDir, file);
    fs.truncateSync(entry, fs.statSync(entry).size - 10);
    assert.equal(await readIndexCache(cacheDir, id), undefined);
  });
});
