// Runs inside desktop VS Code's extension host (test:vscode): the extension activates, its commands are registered,
// and the file of deliberate mistakes gets the Flux diagnostics. Plain CommonJS: the extension host loads it as is.
const assert = require('node:assert/strict');
const path = require('node:path');
const vscode = require('vscode');

exports.run = async function run() {
  const ext = vscode.extensions.all.find((e) => e.packageJSON.name === 'flux-workbench');
  assert.ok(ext, 'the extension is installed');
  const root = vscode.workspace.workspaceFolders[0].uri.fsPath;
  const doc = await vscode.workspace.openTextDocument(path.join(root, 'apps/mistakes/mistakes.yaml'));
  await vscode.window.showTextDocument(doc);
  await ext.activate();
  const commands = await vscode.commands.getCommands(true);
  assert.ok(commands.includes('fluxWorkbench.reconcile'), 'fluxWorkbench.reconcile is registered');
  const end = Date.now() + 60000;
  let diags = [];
  while (Date.now() < end) {
    diags = vscode.languages.getDiagnostics(doc.uri).filter((d) => d.source === 'flux');
    if (diags.some((d) => /intervall/.test(d.message))) break;
    await new Promise((r) => setTimeout(r, 200));
  }
  assert.ok(diags.some((d) => /intervall/.test(d.message)), `no intervall diagnostic: ${diags.map((d) => d.message).join('; ')}`);
};
