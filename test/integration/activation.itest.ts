// The extension loads and activates, and package.json's commands and the registered commands
// match both ways (a command declared but never registered fails when clicked; one registered
// but not declared is invisible in the palette and menus).
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';

const extensionId = 'tracelens.tracelens';

interface Contributes {
  commands?: { command: string }[];
  views?: Record<string, { id: string }[]>;
  viewsContainers?: Record<string, { id: string }[]>;
}

// Commands VS Code itself registers for every contributed view and view container.
function workbenchGenerated(c: Contributes): Set<string> {
  const generated = new Set<string>();
  for (const view of Object.values(c.views ?? {}).flat()) {
    for (const suffix of ['focus', 'resetViewLocation', 'toggleVisibility', 'removeView', 'open']) {
      generated.add(`${view.id}.${suffix}`);
    }
  }
  for (const container of Object.values(c.viewsContainers ?? {}).flat()) {
    generated.add(`workbench.view.extension.${container.id}`);
  }
  return generated;
}

describe('activation', () => {
  let extension: vscode.Extension<unknown>;
  let contributes: Contributes;

  before(() => {
    const found = vscode.extensions.getExtension(extensionId);
    assert.ok(found, `extension ${extensionId} is not installed in this host`);
    extension = found;
    contributes = (extension.packageJSON as { contributes?: Contributes }).contributes ?? {};
  });

  it('activates', async () => {
    await extension.activate();
    assert.equal(extension.isActive, true);
  });

  it('registers every command declared in package.json', async () => {
    await extension.activate();
    const registered = new Set(await vscode.commands.getCommands(true));
    const declared = (contributes.commands ?? []).map((c) => c.command);
    const missing = declared.filter((c) => !registered.has(c));
    assert.deepEqual(missing, [], 'declared in package.json but not registered');
  });

  it('declares every registered tracelens.* command in package.json', async () => {
    await extension.activate();
    const declared = new Set((contributes.commands ?? []).map((c) => c.command));
    const generated = workbenchGenerated(contributes);
    const undeclared = (await vscode.commands.getCommands(true)).filter(
      (c) => c.startsWith('tracelens.') && !declared.has(c) && !generated.has(c),
    );
    assert.deepEqual(undeclared, [], 'registered but not declared in package.json');
  });
});
