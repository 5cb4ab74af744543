// The team store in real VS Code: a throwaway PostgreSQL server (test/support/postgres.ts),
// "Connect to Store…" with the password taken from SecretStorage, "Push to Store" of the demo
// trace, the "Team store (host/db)" root listing its 7 runs from PostgreSQL, search through
// the store, and "Mark Output Bad" on a team span read back with a separate pg client.

import * as assert from 'node:assert/strict';
import type * as PgTypes from 'pg';
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import { parseQuery } from '../../src/core/query/parser';
import type { RunsNode } from '../../src/vscode/runsTree';
import type { TraceLensApi } from '../../src/vscode/services';
import { teamSpanUri } from '../../src/vscode/storeConnectionSpans';
import type { TeamNode } from '../../src/vscode/storeConnectionTree';
import { postgresUnavailable, stopTestPostgres, testPostgres, type PgTarget } from '../support/postgres';
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
  const config = (): vscode.WorkspaceConfiguration => vscode.workspace.getConfiguration('tracelens.store.postgres');

  before(async () => {
    t = await api();
    await closeAllEditors();
    target = await (await testPostgres()).freshDatabase('itest');
    for (const [k, v] of Object.entries({
      host: target.host,
      port: target.port,
      database: target.database,
      user: target.user,
      sslmode: 'auto',
    })) {
      await config().update(k, v, vscode.ConfigurationTarget.Global);
    }
    // The first-connection confirmation is a modal; the password must come from SecretStorage.
    t.teamStore.ui = {
      confirm: async () => true,
      askPassword: async () => {
        throw new Error('TraceLens asked for the password instead of reading it from SecretStorage');
      },
    };
    await t.teamStore.savePassword(target.password);
  });

  after(async () => {
    await t?.teamStore.disconnect();
    for (const k of SETTINGS) await config().update(k, undefined, vscode.ConfigurationTarget.Global);
    await closeAllEditors();
    // Later suites reopen the demo: no marks from this one may be re-applied there.
    if (t) fs.rmSync(t.feedback.file.file, { force: true });
    stopTestPostgres();
  });

  it('connects with the password from SecretStorage and creates the schema', async () => {
    const result = (await vscode.commands.executeCommand('tracelens.connectStore')) as { target?: string } | undefined;
    assert.ok(t.teamStore.store, 'connected');
    assert.equal(result?.target, `postgres://${target.user}@${target.host}:${target.port}/${target.database}`);
    assert.ok(!JSON.stringify(result).includes(target.password));
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
});
