// The team store in real VS Code: a throwaway PostgreSQL server (test/support/postgres.ts),
// a connection string with a password in the host setting moved into SecretStorage (S-01),
// "Connect to Store…" with the password taken from there, "Push to Store" of the demo trace, the
// "Team store (host/db)" root listing its 7 runs from PostgreSQL, search through the store,
// "Mark Output Bad" on a team span read back with a separate pg client, the server stopped and
// started again (S-06: the root says disconnected, shows what it read, recovers by itself), and
// no password in settings, state or the log files TraceLens wrote.

import * as assert from 'node:assert/strict';
import type * as PgTypes from 'pg';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { parseQuery } from '../../src/core/query/parser';
import type { RunsNode } from '../../src/vscode/runsTree';
import type { TraceLensApi } from '../../src/vscode/services';
import { teamSpanUri } from '../../src/vscode/storeConnectionSpans';
import type { TeamNode } from '../../src/vscode/storeConnectionTree';
import {
  postgresUnavailable,
  privatePostgres,
  privatePostgresUnavailable,
  stopTestPostgres,
  testPostgres,
  type PgTarget,
  type RestartablePostgres,
} from '../support/postgres';
import { api, closeAllEditors, waitFor, workspaceFile } from './support';

const DEMO = 'traces/support-agent.otlp.jsonl';
const BAD_RUN = 'ea4cf58cdc690151626426a080751f02';
const CLASSIFY = '514b36b36624d734';
const SETTINGS = ['host', 'port', 'database', 'user', 'sslmode'] as const;

const part = (n: RunsNode | undefined): TeamNode['part'] | undefined => (n?.type === 'team' ? n.part : undefined);

async function pgRows(target: PgTarget, sql: string, params: unknown[]): Promise<Record<string, unknown>[]> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const pg = require('pg') as typeof PgTypes;
  const client = new pg.Client({ ...target, ssl: false });
  await client.connect();
  try {
    return (await client.query(sql, params)).rows;
  } finally {
    await client.end();
  }
}

describe('team store (PostgreSQL) in VS Code', function () {
  const unavailable = postgresUnavailable();
  if (unavailable) {
    it.skip(`needs PostgreSQL: ${unavailable}`);
    return;
  }
  this.timeout(180_000);
  let t: TraceLensApi;
  let target: PgTarget;
  /** A server of this suite's own, so it can be stopped and started (S-06); absent with only a URL. */
  let server: RestartablePostgres | undefined;
  const asked: string[] = [];
  const rejections: unknown[] = [];
  const onRejection = (reason: unknown): void => void rejections.push(reason);
  const config = (): vscode.WorkspaceConfiguration => vscode.workspace.getConfiguration('tracelens.store.postgres');
  const context = (): vscode.ExtensionContext => (t.teamStore as unknown as { context: vscode.ExtensionContext }).context;

  before(async () => {
    t = await api();
    await closeAllEditors();
    server = privatePostgresUnavailable() ? undefined : await privatePostgres();
    target = await (server ?? (await testPostgres())).freshDatabase('itest');
    // The password is in the settings, as a connection string: TraceLens must move it (S-01).
    const url = `postgres://${target.user}:${encodeURIComponent(target.password)}@${target.host}:${target.port}/${target.database}`;
    await config().update('host', url, vscode.ConfigurationTarget.Global);
    await config().update('sslmode', 'auto', vscode.ConfigurationTarget.Global);
    // The confirmations are modals (recorded); the password must never be asked for.
    t.teamStore.ui = {
      confirm: async (message, detail) => {
        asked.push(`${message}\n${detail}`);
        return true;
      },
      askPassword: async () => {
        throw new Error('TraceLens asked for the password instead of reading it from SecretStorage');
      },
    };
    t.teamStore.backoff = { initialMs: 200, maxMs: 1000 };
    process.on('unhandledRejection', onRejection);
  });

  after(async () => {
    process.off('unhandledRejection', onRejection);
    await t?.teamStore.disconnect();
    for (const k of SETTINGS) await config().update(k, undefined, vscode.ConfigurationTarget.Global);
    await closeAllEditors();
    // Later suites reopen the demo: no marks from this one may be re-applied there.
    if (t) fs.rmSync(t.feedback.file.file, { force: true });
    server?.destroy();
    stopTestPostgres();
  });

  it('moves a password found in the host setting into SecretStorage, connects with it, and creates the schema', async () => {
    const result = (await vscode.commands.executeCommand('tracelens.connectStore')) as { target?: string } | undefined;
    assert.ok(t.teamStore.store, 'connected');
    assert.equal(result?.target, `postgres://${target.user}@${target.host}:${target.port}/${target.database}`);
    assert.ok(!JSON.stringify(result).includes(target.password));
    // Warned and offered the move, showing *** instead of the password.
    const offer = asked.find((a) => a.includes('Move it to VS Code'));
    assert.ok(offer, asked.join('\n---\n'));
    assert.match(
      offer,
      new RegExp(`postgres://${target.user}:\\*\\*\\*@${target.host.replace(/\./g, '\\.')}:${target.port}/${target.database}`),
    );
    assert.ok(asked.every((a) => !a.includes(target.password) && !a.includes(encodeURIComponent(target.password))));
    // The settings now hold the parts, and the password is nowhere in them.
    const c = config();
    assert.equal(c.inspect('host')?.globalValue, target.host);
    assert.equal(c.inspect('port')?.globalValue, target.port);
    assert.equal(c.inspect('database')?.globalValue, target.database);
    assert.equal(c.inspect('user')?.globalValue, target.user);
    const versions = await pgRows(target, 'SELECT version FROM tracelens.migrations ORDER BY version', []);
    assert.deepEqual(
      versions.map((r) => r.version),
      [1, 2, 3],
    );
  });

  it('pushes the demo trace and lists its 7 runs under the team store root', async () => {
    await vscode.commands.executeCommand('vscode.openWith', workspaceFile(DEMO), 'tracelens.traceEditor');
    const sourceNode = await waitFor('the demo source in the tree', async () =>
      (await t.runsTree.getChildren()).find((n) => n.type === 'source' && n.source.label === 'support-agent.otlp.jsonl'),
    );
    const pushed = (await vscode.commands.executeCommand('tracelens.pushToStore', sourceNode)) as {
      pushed: { label: string; runs: number; spans: number }[];
    };
    assert.deepEqual(pushed.pushed, [{ label: 'support-agent.otlp.jsonl', runs: 7, spans: 54 }]);
    const roots = await t.runsTree.getChildren();
    const root = roots.find((n) => part(n)?.kind === 'root');
    assert.ok(root, 'a team store root');
    assert.equal(roots.indexOf(root), 0);
    assert.equal(t.runsTree.getTreeItem(root).label, `Team store (${target.host}/${target.database})`);
    const [teamSource] = await t.runsTree.getChildren(root);
    assert.equal(part(teamSource)?.kind, 'source');
    const runs = await t.runsTree.getChildren(teamSource);
    assert.equal(runs.length, 7);
    const bad = runs.find((n) => {
      const p = part(n);
      return p?.kind === 'run' && p.run.traceId === BAD_RUN;
    });
    assert.ok(bad);
    const item = t.runsTree.getTreeItem(bad);
    assert.equal(item.contextValue, 'team.run');
    assert.match(String(item.description), /👎 1/);
    assert.equal(await t.runsTree.getParent(runs[0]).then((p) => part(p)?.kind), 'source');
  });

  it('finds the bad run by searching the store', async () => {
    const hits = await t.teamStore.store!.searchRuns(parseQuery('feedback:negative template:answer'));
    assert.deepEqual(
      hits.map((h) => h.run.traceId),
      [BAD_RUN],
    );
  });

  it('marks a team span bad, visible to a separate PostgreSQL client, and shows its stored detail', async () => {
    const [root] = await t.runsTree.getChildren();
    const [teamSource] = await t.runsTree.getChildren(root);
    const bad = (await t.runsTree.getChildren(teamSource)).find((n) => {
      const p = part(n);
      return p?.kind === 'run' && p.run.traceId === BAD_RUN;
    });
    assert.ok(bad);
    const [agent] = await t.runsTree.getChildren(bad);
    const classify = (await t.runsTree.getChildren(agent)).find((n) => {
      const p = part(n);
      return p?.kind === 'span' && p.span.spanId === CLASSIFY;
    });
    assert.ok(classify, 'the classify call under the agent span');
    assert.equal(t.runsTree.getTreeItem(classify).contextValue, 'team.span.llm');
    await vscode.commands.executeCommand('tracelens.markBad', classify, { note: 'classified as billing' });

    const rows = await pgRows(
      target,
      'SELECT f.value, f.note, f.author, s.negative_feedback FROM tracelens.feedback f JOIN tracelens.spans s USING (source_id, trace_id, span_id) WHERE f.span_id = $1',
      [CLASSIFY],
    );
    assert.deepEqual(rows, [{ value: 'negative', note: 'classified as billing', author: target.user, negative_feedback: 1 }]);
    const refreshed = (await t.runsTree.getChildren(agent)).find((n) => {
      const p = part(n);
      return p?.kind === 'span' && p.span.spanId === CLASSIFY;
    });
    assert.match(String(t.runsTree.getTreeItem(refreshed!).description), /👎/);

    const p = part(classify);
    assert.ok(p?.kind === 'span');
    const doc = await vscode.workspace.openTextDocument(
      teamSpanUri({ sourceId: p.row.id, traceId: BAD_RUN, spanId: CLASSIFY }, p.row.label, p.span.name),
    );
    assert.match(doc.getText(), new RegExp(p.span.name));
  });

  it('marks a local span good: kept in TraceLens storage and counted in the tree', async () => {
    const sourceNode = (await t.runsTree.getChildren()).find((n) => n.type === 'source' && n.source.label === 'support-agent.otlp.jsonl');
    assert.ok(sourceNode);
    const run = (await t.runsTree.getChildren(sourceNode)).find((n) => n.type === 'run' && n.run.traceId === BAD_RUN);
    assert.ok(run && run.type === 'run');
    const before = run.run.positiveFeedback;
    await vscode.commands.executeCommand('tracelens.markGood', run, { note: '' });
    const after = (await t.runsTree.getChildren(sourceNode)).find((n) => n.type === 'run' && n.run.traceId === BAD_RUN);
    assert.equal(after?.type === 'run' && after.run.positiveFeedback, before + 1);
    const stored = await t.feedback.file.read();
    assert.ok([...stored.values()].flat().some((m) => m.traceId === BAD_RUN && m.value === 'positive'));

    // Closed and opened again: the mark comes back from TraceLens's storage.
    await closeAllEditors();
    // Other suites may leave sources of their own (the live receiver's); only this one must go.
    await waitFor('the demo source to close', async () =>
      (await t.runsTree.getChildren()).every((n) => n.type !== 'source' || n.source.label !== 'support-agent.otlp.jsonl')
        ? true
        : undefined,
    );
    await vscode.commands.executeCommand('vscode.openWith', workspaceFile(DEMO), 'tracelens.traceEditor');
    await waitFor('the mark re-applied to the reopened file', async () => {
      const src = (await t.runsTree.getChildren()).find((n) => n.type === 'source' && n.source.label === 'support-agent.otlp.jsonl');
      const r = src && (await t.runsTree.getChildren(src)).find((n) => n.type === 'run' && n.run.traceId === BAD_RUN);
      return r?.type === 'run' && r.run.positiveFeedback === before + 1 ? true : undefined;
    });
  });

  it('shows the team store disconnected while the server is down, keeps what it read, and recovers by itself', async function () {
    if (!server) this.skip();
    const pg = server!;
    const rootOf = async (): Promise<RunsNode> => {
      const root = (await t.runsTree.getChildren()).find((n) => part(n)?.kind === 'root');
      assert.ok(root, 'the team store root stays while disconnected');
      return root;
    };
    const root = await rootOf();
    assert.equal(t.runsTree.getTreeItem(root).contextValue, 'team.store');
    const [source] = await t.runsTree.getChildren(root);
    assert.equal((await t.runsTree.getChildren(source)).length, 7);

    pg.stop();
    try {
      // The next read finds the server gone (or the pool's idle connection was killed already).
      await t.runsTree.getChildren(source);
      const item = await waitFor('the root to say disconnected', async () => {
        const it = t.runsTree.getTreeItem(await rootOf());
        return it.contextValue === 'team.store.disconnected' ? it : undefined;
      });
      assert.match(String(item.description), /^disconnected — (retrying in \d+ s|reconnecting…)$/);
      assert.equal((item.iconPath as vscode.ThemeIcon).id, 'warning');
      assert.match(String(item.tooltip), /may be out of date/);
      // What was read stays visible (stale), without errors.
      const stale = await t.runsTree.getChildren(await rootOf());
      assert.equal(part(stale[0])?.kind, 'source');
      assert.equal((await t.runsTree.getChildren(stale[0])).length, 7);
      const r = (await vscode.commands.executeCommand('tracelens.reconnectStore')) as { connected: boolean };
      assert.deepEqual(r, { connected: false });
    } finally {
      pg.start();
    }
    // Back by itself (the backoff here is at most 1 s), tree and search included.
    await waitFor('the root to be connected again', async () =>
      t.runsTree.getTreeItem(await rootOf()).contextValue === 'team.store' ? true : undefined,
    );
    assert.equal(t.runsTree.getTreeItem(await rootOf()).description, undefined);
    const [again] = await t.runsTree.getChildren(await rootOf());
    assert.equal((await t.runsTree.getChildren(again)).length, 7);
    const hits = await t.teamStore.store!.searchRuns(parseQuery('feedback:negative template:answer'));
    assert.deepEqual(
      hits.map((h) => h.run.traceId),
      [BAD_RUN],
    );
    assert.deepEqual(rejections, [], 'no unhandled rejections');
  });

  it('leaves no password in settings, extension state or the log files it wrote', async () => {
    const secrets = [target.password, encodeURIComponent(target.password)];
    const ctx = context();
    // The user settings file.
    const settingsFile = path.join(ctx.globalStorageUri.fsPath, '..', '..', 'settings.json');
    const settingsText = fs.readFileSync(settingsFile, 'utf8');
    assert.match(settingsText, /tracelens\.store\.postgres\.sslmode/, 'the user settings file this suite wrote');
    for (const p of secrets) assert.ok(!settingsText.includes(p), 'settings.json holds the password');
    // globalState / workspaceState.
    for (const state of [ctx.globalState, ctx.workspaceState]) {
      const dump = JSON.stringify(state.keys().map((k) => [k, state.get(k)]));
      for (const p of secrets) assert.ok(!dump.includes(p), 'extension state holds the password');
    }
    // The Output channel's log file: under the extension host's log folder.
    const logRoot = path.dirname(ctx.logUri.fsPath);
    const logs = (fs.readdirSync(logRoot, { recursive: true }) as string[])
      .map((f) => path.join(logRoot, f))
      .filter((f) => /TraceLens.*\.log$/i.test(path.basename(f)) && fs.statSync(f).isFile());
    const text = await waitFor('the TraceLens log to record the connection', () => {
      const all = logs.map((f) => fs.readFileSync(f, 'utf8')).join('\n');
      return /Connected to postgres:\/\//.test(all) && (!server || /Reconnected to/.test(all)) ? all : undefined;
    });
    assert.match(text, /tracelens\.store\.postgres\.host in your user settings holds a connection string with a password/);
    for (const p of secrets) assert.ok(!text.includes(p), 'the log holds the password');
  });
});
