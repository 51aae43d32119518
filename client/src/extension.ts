/**
 * Extension entry point: a thin activate() that builds the context object, registers one handler
 * per command, the Flux view, the status bar, the describe documents and the language client.
 * Cluster work (and loading the Kubernetes client) starts only when the Flux view opens or a
 * cluster command runs.
 */
import * as vscode from 'vscode';
import * as commands from './commands';
import { Ctx } from './ctx';
import { DESCRIBE_SCHEME, DescribeProvider } from './describe-provider';
import { affectedParts, SECTION } from './settings';
import { StatusBar } from './status-bar';
import { startSchemaHandoff } from './schema-handoff';
import { ExplorerProvider } from './tree/explorer-provider';

let ctx: Ctx | undefined;

export function activate(extension: vscode.ExtensionContext): void {
  const c = new Ctx(extension);
  ctx = c;
  extension.subscriptions.push(c);
  void vscode.commands.executeCommand('setContext', 'fluxWorkbench.clusterState', 'none');

  c.registerCommand('reconcile', commands.reconcile);
  c.registerCommand('reconcileWithSource', commands.reconcileWithSource);
  c.registerCommand('forceHelmRelease', commands.forceHelmRelease);
  c.registerCommand('resetHelmRelease', commands.resetHelmRelease);
  c.registerCommand('suspend', commands.suspend);
  c.registerCommand('resume', commands.resume);
  c.registerCommand('showEvents', commands.showEvents);
  c.registerCommand('describe', commands.describe);
  c.registerCommand('copyName', commands.copyName);
  c.registerCommand('openDefinition', commands.openDefinition);
  c.registerCommand('fluxCheck', commands.fluxCheck);
  c.registerCommand('explainFailure', commands.explainFailure);
  c.registerCommand('selectContext', commands.selectContext);
  c.registerCommand('refresh', commands.refresh);
  c.registerCommand('filterNamespaces', commands.filterNamespaces);
  c.registerCommand('toggleFailingOnly', commands.toggleFailingOnly);
  c.registerCommand('addCluster', commands.addCluster);
  c.registerCommand('removeCluster', commands.removeCluster);
  c.registerCommand('trace', commands.trace);
  c.registerCommand('showLogs', commands.showLogs);
  c.registerCommand('stopLogs', commands.stopLogs);
  c.registerCommand('changeLogFilter', commands.changeLogFilter);
  c.registerCommand('checkDecryption', commands.checkDecryption);

  const describe = new DescribeProvider(c);
  c.describe = describe;
  extension.subscriptions.push(describe, vscode.workspace.registerTextDocumentContentProvider(DESCRIBE_SCHEME, describe));

  const explorer = new ExplorerProvider(c);
  const view = vscode.window.createTreeView('fluxWorkbench.explorer', { treeDataProvider: explorer, showCollapseAll: true });
  explorer.setVisible(view.visible);
  extension.subscriptions.push(explorer, view, view.onDidChangeVisibility((e) => explorer.setVisible(e.visible)));

  const status = new StatusBar(c);
  extension.subscriptions.push(status, startSchemaHandoff(c));

  extension.subscriptions.push(vscode.workspace.onDidChangeConfiguration((e) => {
    if (e.affectsConfiguration(SECTION)) c.reloadSettings(affectedParts((key) => e.affectsConfiguration(key)));
  }));
  extension.subscriptions.push(vscode.workspace.onDidGrantWorkspaceTrust(() => c.reloadSettings({ languageServer: false, cluster: true, tree: false })));

  void c.lsp.sync(c.settings);
}

export async function deactivate(): Promise<void> {
  const c = ctx;
  ctx = undefined;
  if (c) await c.lsp.shutdown();
}
