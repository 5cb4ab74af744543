// Checklist S-06 against a real PostgreSQL server of this file's own (so stopping it disturbs no
// other test): the server stopped while connected (pg_ctl stop -m fast) is noticed, statements
// fail with a clear message, probes retry with doubling capped delays, Disconnect cancels them,
// and the store recovers by itself once the server is started again. A statement running past
// statement_timeout says so. No unhandled rejection anywhere.

import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import type { Span } from '../../../src/core/model/span';
import { parseQuery } from '../../../src/core/query/parser';
import { importFile } from '../../../src/ingest/importFile';
import type { PgConnectionSettings, StoreError } from '../../../src/store/pg/pgConnection';
import { backoffDelay, describeHealth, isConnectionFault, type HealthState, type PgHealth } from '../../../src/store/pg/pgHealth';
import { openPgStore } from '../../../src/store/pg/pgStore';
import { privatePostgres, privatePostgresUnavailable, type PgTarget, type RestartablePostgres } from '../../support/postgres';

const DEMO = path.join(__dirname, '../../../examples/support-agent/traces/support-agent.otlp.jsonl');
const BAD_RUN = 'ea4cf58cdc690151626426a080751f02';

/** Resolves with the first state (current or coming) that `pred` accepts; rejects after `ms`. */
function until(health: PgHealth, what: string, pred: (s: HealthState) => boolean, ms = 30_000): Promise<HealthState> {
  if (pred(health.current)) return Promise.resolve(health.current);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      sub.dispose();
      reject(new Error(`timed out waiting for ${what}; state ${JSON.stringify(health.current)}`));
    }, ms);
    const sub = health.onDidChange((s) => {
      if (!pred(s)) return;
      clearTimeout(timer);
      sub.dispose();
      resolve(s);
    });
  });
}

const rejects = <T>(p: Promise<T>): Promise<StoreError> =>
  p.then(
    () => assert.fail('expected the statement to fail'),
    (e: unknown) => e as StoreError,
  );

describe('team store faults (server stopped, restarted, slow)', function () {
  const unavailable = privatePostgresUnavailable();
  if (unavailable) {
    it.skip(`needs PostgreSQL server binaries: ${unavailable}`);
    return;
  }
  this.timeout(120_000);
  let pg: RestartablePostgres;
  let target: PgTarget;
  let demo: Span[];
  const rejections: unknown[] = [];
  const onRejection = (reason: unknown): void => void rejections.push(reason);
  const settings = (extra: Partial<PgConnectionSettings> = {}): PgConnectionSettings => ({ ...target, sslmode: 'auto', ...extra });

  before(async () => {
    pg = await privatePostgres();
    target = await pg.freshDatabase('faults');
    demo = (await importFile(DEMO)).spans;
    process.on('unhandledRejection', onRejection);
  });
  after(() => {
    process.off('unhandledRejection', onRejection);
    pg?.destroy();
  });
  afterEach(() => assert.deepEqual(rejections, [], 'no unhandled rejections'));

  it('backs off by doubling up to a cap, and tells link faults from failed statements', () => {
    const o = { initialMs: 1000, maxMs: 30_000 };
    assert.deepEqual(
      [0, 1, 2, 3, 4, 5, 6, 50].map((a) => backoffDelay(a, o)),
      [1000, 2000, 4000, 8000, 16_000, 30_000, 30_000, 30_000],
    );
    for (const code of ['ECONNREFUSED', 'ECONNRESET', '57P01', '08006', '08001']) assert.ok(isConnectionFault({ code }), code);
    assert.ok(isConnectionFault({ message: 'Connection terminated unexpectedly' }));
    for (const code of ['57014', '42P01', '28P01', '23505']) assert.ok(!isConnectionFault({ code, message: 'x' }), code);
    const s: HealthState = { kind: 'disconnected', error: 'x', since: 0, attempt: 3, retryAt: 10_000, delayMs: 8000 };
    assert.equal(describeHealth(s, 2000), 'disconnected — retrying in 8 s');
    assert.equal(describeHealth({ ...s, kind: 'reconnecting' }), 'disconnected — reconnecting…');
    assert.equal(describeHealth({ kind: 'connected' }), '');
  });

  it('notices a stopped server, retries with capped backoff, and recovers once it is back', async () => {
    const background: StoreError[] = [];
    const store = await openPgStore(settings(), { backoff: { initialMs: 20, maxMs: 160 }, onBackgroundError: (e) => background.push(e) });
    const delays = new Map<number, number>();
    store.health.onDidChange((s) => {
      if (s.kind === 'disconnected') delays.set(s.attempt, s.delayMs);
    });
    try {
      await store.pushSource({ uri: 'file:///demo', label: 'demo', format: 'otlp-json', bytes: 1 }, demo);
      assert.equal(store.health.current.kind, 'connected');

      pg.stop();
      // The pool's idle connection is killed by the shutdown: noticed with no statement running.
      await until(store.health, 'disconnected', (s) => s.kind !== 'connected');
      assert.ok(background.length > 0, 'the idle connection error went to the background handler');
      const err = await rejects(store.listSources());
      assert.equal(err.name, 'StoreError');
      assert.ok(isConnectionFault(err), err.message);
      assert.match(err.message, /nothing listens|reconnect/);
      assert.ok(!err.message.includes(target.password), err.message);

      await until(store.health, 'five failed probes', () => delays.size >= 5);
      assert.deepEqual(
        [0, 1, 2, 3, 4].map((a) => delays.get(a)),
        [20, 40, 80, 160, 160],
      );
      assert.ok(store.health.retryPending || (store.health.current as HealthState).kind === 'reconnecting');

      pg.start();
      await until(store.health, 'connected again', (s) => s.kind === 'connected');
      assert.equal(store.health.retryPending, false);
      // The tree's reads and search work again with nothing redone by the caller.
      const [src] = await store.listSources();
      assert.equal(src.traceCount, 7);
      const hits = await store.searchRuns(parseQuery('feedback:negative template:answer'));
      assert.deepEqual(
        hits.map((h) => h.run.traceId),
        [BAD_RUN],
      );
    } finally {
      await store.close();
    }
  });

  it('notices a statement failing on a dropped connection, reconnects on demand, and Disconnect cancels retries', async () => {
    // A long backoff: only retryNow (the Reconnect action) probes in this test.
    const store = await openPgStore(settings(), { backoff: { initialMs: 600_000, maxMs: 600_000 } });
    let closed = false;
    try {
      await store.listSources();
      pg.stop();
      await rejects(store.listSources());
      await until(store.health, 'disconnected', (s) => s.kind === 'disconnected');
      assert.equal(store.health.retryPending, true);
      const still = await store.health.retryNow();
      assert.equal(still.kind, 'disconnected');
      assert.equal(still.kind === 'disconnected' && still.attempt, 1);
      pg.start();
      assert.equal((await store.health.retryNow()).kind, 'connected');
      assert.equal((await store.listSources()).length, 1);

      pg.stop();
      await rejects(store.listSources());
      assert.equal(store.health.retryPending, true);
      const changes: HealthState[] = [];
      store.health.onDidChange((s) => changes.push(s));
      await store.close();
      closed = true;
      assert.equal(store.health.retryPending, false, 'closing the store cancels the pending retry');
      assert.equal((await store.health.retryNow()).kind, 'disconnected', 'a disposed monitor probes no more');
      assert.deepEqual(changes, []);
    } finally {
      pg.start();
      if (!closed) await store.close();
    }
  });

  it('stops a statement that runs past statement_timeout with a message that says so', async () => {
    const store = await openPgStore(settings({ statementTimeoutMs: 300 }));
    try {
      // Through the store's own statement path (private; tests only): no public call is this slow.
      const use = (store as unknown as { use<T>(fn: (c: { query(sql: string): Promise<T> }) => Promise<T>): Promise<T> }).use.bind(store);
      const err = await rejects(use((c) => c.query('SELECT pg_sleep(10)')));
      assert.equal(err.code, '57014');
      assert.match(err.message, /statement timeout of 300 ms/);
      assert.equal(store.health.current.kind, 'connected', 'a slow statement is not a lost connection');
      assert.equal((await store.listSources()).length, 1, 'the connection is still usable');
    } finally {
      await store.close();
    }
  });
});
