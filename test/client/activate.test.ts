/**
 * The extension's activate() and commands, run in plain Node against a fake `vscode` module and
 * the project's fake Kubernetes API server (test/fixture) with the Flux controller simulator.
 */
import './fake-vscode';
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { extensionContext, setSetting, state, type TreeItem } from './fake-vscode';
import { activate, deactivate } from '../../client/src/extension';
import type { ExplorerNode } from '../../server/src/cluster/explorer-model';
import { type FakeApiServer, startApiServer } from '../fixture/apiserver';
import { addGitRepository, addHelmRelease, addHelmRepository, addKustomization, seedFluxInstall } from '../fixture/seed';
import { startFluxSimulator } from '../fixture/flux-sim';

interface Provider {
  getChildren(n?: ExplorerNode): Promise<ExplorerNode[]>;
  getTreeItem(n: ExplorerNode): TreeItem;
}

let server: FakeApiServer;
let ext: ReturnType<typeof extensionContext>;
let kubeconfigBytes: Buffer;

async function until(what: string, cond: () => boolean | Promise<boolean>, deadlineMs = 20_000): Promise<void> {
  const end = Date.now() + deadlineMs;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`gave up waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

function provider(): Provider {
  return state.treeViews.get('fluxWorkbench.explorer')?.provider as Provider;
}

async function allNodes(p: Provider, node?: ExplorerNode): Promise<ExplorerNode[]> {
  const out: ExplorerNode[] = [];
  for (const c of await p.getChildren(node)) {
    out.push(c);
    if (!c.lazy) out.push(...await allNodes(p, c));
  }
  return out;
}

async function findObject(kind: string, name: string): Promise<ExplorerNode> {
  const n = (await allNodes(provider())).find((x) => x.key?.kind === kind && x.key.name === name);
  assert.ok(n, `${kind} ${name} in the tree`);
  return n;
}

before(async () => {
  server = await startApiServer();
  seedFluxInstall(server);
  addGitRepository(server, { namespace: 'flux-system', name: 'flux-system' });
  addKustomization(server, { namespace: 'flux-system', name: 'apps', sourceRef: { kind: 'GitRepository', name: 'flux-system' } });
  addHelmRepository(server, { namespace: 'flux-system', name: 'podinfo' });
  addHelmRelease(server, { namespace: 'flux-system', name: 'podinfo', status: { failed: 'InstallFailed' } } as Parameters<typeof addHelmRelease>[1]);
  startFluxSimulator(server);
  kubeconfigBytes = fs.readFileSync(server.kubeconfigPath);
  setSetting('fluxWorkbench.kubeconfig', server.kubeconfigPath);
  ext = extensionContext();
  activate(ext as never);
});

after(async () => {
  await deactivate();
  for (const d of ext.subscriptions) d.dispose();
  await server.close();
});

test('activate registers every command and starts the language client over IPC with the settings', async () => {
  assert.equal(state.commands.size, 20);
  assert.ok(state.commands.has('fluxWorkbench.reconcile'));
  await until('language client start', () => state.languageClients.some((c) => c.running));
  const lc = state.languageClients[0];
  assert.ok(lc);
  assert.deepEqual(lc.clientOptions.documentSelector, [{ scheme: 'file', language: 'yaml' }, { scheme: 'untitled', language: 'yaml' }]);
  assert.deepEqual(lc.clientOptions.initializationOptions, { targetFluxVersion: '2.8', debounceMs: 200 });
  assert.deepEqual(lc.clientOptions.synchronize, { configurationSection: 'fluxWorkbench' });
  assert.deepEqual((lc.serverOptions as { run: unknown }).run, { module: '/ext/dist/server.js', transport: 1 });
  // Nothing touched the cluster yet: the view was never opened.
  assert.equal(state.contextKeys.get('fluxWorkbench.clusterState'), 'none');
  assert.equal(state.statusItems[0]?.visible, false);
});

test('languageFeatures.enable stops and restarts the language client', async () => {
  setSetting('fluxWorkbench.languageFeatures.enable', false);
  await until('client stopped', () => state.languageClients.every((c) => !c.running));
  setSetting('fluxWorkbench.languageFeatures.enable', true);
  await until('client restarted', () => state.languageClients.filter((c) => c.running).length === 1);
  assert.equal(state.languageClients.length, 2, 'a new client is created after a stop');
});

test('opening the view connects, the tree shows the objects, the status bar the health', async () => {
  const view = state.treeViews.get('fluxWorkbench.explorer');
  assert.ok(view);
  view.visible = true;
  view.visibility.fire({ visible: true });
  await until('connected', () => state.contextKeys.get('fluxWorkbench.clusterState') === 'connected');
  const ks = await findObject('Kustomization', 'apps');
  const item = provider().getTreeItem(ks);
  assert.equal(item.id, ks.id);
  assert.equal(item.label, 'apps');
  assert.equal((item.iconPath as { id: string }).id, 'pass');
  assert.match(item.contextValue ?? '', /^flux\.object\.kustomization\.active/);
  const hr = await findObject('HelmRelease', 'podinfo');
  assert.equal((provider().getTreeItem(hr).iconPath as { id: string }).id, 'error');
  const status = state.statusItems[0];
  assert.ok(status?.visible);
  assert.match(status.text, /^\$\(cloud\) fake ✓ 6\/6 \$\(error\) 1$/);
  // Stable ids across rebuilds.
  assert.equal((await findObject('Kustomization', 'apps')).id, ks.id);
});

test('reconcile from a tree node patches the object and reports success', async () => {
  const ks = await findObject('Kustomization', 'apps');
  await state.commands.get('fluxWorkbench.reconcile')?.(ks);
  const last = state.messages.at(-1);
  assert.equal(last?.level, 'info', JSON.stringify(last));
  assert.match(last.text, /Kustomization flux-system\/apps/);
  const obj = server.get({ apiVersion: 'kustomize.toolkit.fluxcd.io/v1', kind: 'Kustomization' }, 'flux-system', 'apps');
  assert.ok(obj?.metadata.annotations?.['reconcile.fluxcd.io/requestedAt']);
});

test('suspend from the command palette prompts with the objects, then the tree shows it suspended', async () => {
  let offered: Array<{ key: { kind: string; name: string } }> = [];
  state.quickPicks.push((items) => {
    offered = items as typeof offered;
    return offered.find((i) => i.key.kind === 'GitRepository');
  });
  await state.commands.get('fluxWorkbench.suspend')?.();
  assert.ok(offered.length >= 3);
  const obj = server.get({ apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'GitRepository' }, 'flux-system', 'flux-system');
  assert.equal((obj?.spec as { suspend?: boolean }).suspend, true);
  await until('tree shows suspended', async () => (await findObject('GitRepository', 'flux-system')).icon === 'suspended');
  const item = provider().getTreeItem(await findObject('GitRepository', 'flux-system'));
  assert.match(item.contextValue ?? '', /\.suspended/);
});

test('describe opens a flux-describe: document with the object as YAML', async () => {
  const ks = await findObject('Kustomization', 'apps');
  const p = state.providers.get('flux-describe');
  assert.ok(p);
  await state.commands.get('fluxWorkbench.describe')?.(ks);
  const { Uri } = await import('./fake-vscode');
  const text = await p.provideTextDocumentContent(Uri.from({ scheme: 'flux-describe', path: '/fake/Kustomization/flux-system/apps.yaml' }));
  assert.match(text, /^kind: Kustomization$/m);
  assert.match(text, /^# /);
});

test('explain failure names the object, the field and the fix', async () => {
  const hr = await findObject('HelmRelease', 'podinfo');
  await state.commands.get('fluxWorkbench.explainFailure')?.(hr);
  const last = state.messages.at(-1);
  assert.equal(last?.level, 'error');
  assert.match(last.text, /^HelmRelease flux-system\/podinfo: .+ Check \S+: .+/);
});

test('open definition finds the object in the workspace YAML and selects metadata.name', async () => {
  const ws = (await import('./fake-vscode')).workspace as { workspaceFolders: unknown };
  ws.workspaceFolders = [{ uri: 'file:///ws', name: 'ws', index: 0 }];
  state.files.set('file:///ws/clusters/apps.yaml', [
    'apiVersion: v1', 'kind: ConfigMap', 'metadata:', '  name: apps', '---',
    'apiVersion: kustomize.toolkit.fluxcd.io/v1', 'kind: Kustomization', 'metadata:', '  name: apps', '  namespace: flux-system',
    'spec:', '  interval: 10m', '  path: ./apps', '  prune: true', '  sourceRef:', '    kind: GitRepository', '    name: flux-system', '',
  ].join('\n'));
  state.files.set('file:///ws/other.yaml', 'kind: Kustomization\nmetadata:\n  name: other\n');
  try {
    await state.commands.get('fluxWorkbench.openDefinition')?.(await findObject('Kustomization', 'apps'));
    const shown = state.shownDocuments.at(-1);
    assert.equal(String(shown?.doc), 'file:///ws/clusters/apps.yaml');
    assert.deepEqual({ ...shown?.options?.selection }, { startLine: 8, startCharacter: 8, endLine: 8, endCharacter: 12 });
    // Not defined anywhere: a warning naming kind and name.
    const n = state.shownDocuments.length;
    await state.commands.get('fluxWorkbench.openDefinition')?.(await findObject('HelmRelease', 'podinfo'));
    assert.equal(state.shownDocuments.length, n);
    assert.match(state.messages.at(-1)?.text ?? '', /HelmRelease flux-system\/podinfo: no YAML in the workspace defines kind HelmRelease with metadata\.name podinfo/);
  } finally {
    ws.workspaceFolders = undefined;
    state.files.clear();
  }
});

test('flux check, events and copy name write their output', async () => {
  await state.commands.get('fluxWorkbench.fluxCheck')?.();
  const check = state.channels.get('Flux Workbench: Check');
  assert.ok(check?.shown);
  assert.match(check.text, /context fake/);
  assert.match(check.text, /source-controller/);
  assert.equal(state.messages.at(-1)?.level, 'info');
  await state.commands.get('fluxWorkbench.showEvents')?.(await findObject('Kustomization', 'apps'));
  const events = state.channels.get('Flux Workbench: Events');
  assert.ok(events?.shown);
  assert.match(events.text, /^Events for Kustomization flux-system\/apps and its source/);
  const { env } = await import('./fake-vscode');
  await state.commands.get('fluxWorkbench.copyName')?.(await findObject('HelmRelease', 'podinfo'));
  assert.equal(env.clipboard.text, 'podinfo');
});

test('namespace filter offers the namespaces in the cache and stores the choice', async () => {
  let offered: string[] = [];
  state.quickPicks.push((items) => {
    offered = (items as Array<{ label: string }>).map((i) => i.label);
    return [(items as Array<{ label: string }>).find((i) => i.label === 'flux-system')];
  });
  await state.commands.get('fluxWorkbench.filterNamespaces')?.();
  assert.deepEqual(offered, ['flux-system']);
  assert.deepEqual(state.settings.get('fluxWorkbench.explorer.namespaces')?.global, ['flux-system']);
  assert.ok((await allNodes(provider())).some((n) => n.key?.kind === 'Kustomization'));
  setSetting('fluxWorkbench.explorer.namespaces', ['elsewhere']);
  assert.ok(!(await allNodes(provider())).some((n) => n.key?.kind === 'Kustomization'));
  setSetting('fluxWorkbench.explorer.namespaces', []);
});

test('switching context creates a new session, never rewrites the kubeconfig, and is remembered', async () => {
  state.quickPicks.push((items) => (items as Array<{ name: string }>).find((i) => i.name === 'fake-bad-token'));
  await state.commands.get('fluxWorkbench.selectContext')?.();
  assert.equal(ext.workspaceState.data.get('fluxWorkbench.context'), 'fake-bad-token');
  await until('status shows the new context', () => /fake-bad-token/.test(state.statusItems[0]?.text ?? ''));
  assert.deepEqual(fs.readFileSync(server.kubeconfigPath), kubeconfigBytes);
  // Back to the good context.
  state.quickPicks.push((items) => (items as Array<{ name: string }>).find((i) => i.name === 'fake'));
  await state.commands.get('fluxWorkbench.selectContext')?.();
  await until('connected again', () => state.contextKeys.get('fluxWorkbench.clusterState') === 'connected');
  assert.ok(await findObject('Kustomization', 'apps'));
  assert.deepEqual(fs.readFileSync(server.kubeconfigPath), kubeconfigBytes);
});

test('failing-only filter (stored in settings) hides healthy objects', async () => {
  await state.commands.get('fluxWorkbench.toggleFailingOnly')?.();
  assert.equal(state.settings.get('fluxWorkbench.explorer.failingOnly')?.global, true);
  const nodes = await allNodes(provider());
  assert.ok(nodes.some((n) => n.key?.name === 'podinfo' && n.key.kind === 'HelmRelease'));
  assert.ok(!nodes.some((n) => n.key?.kind === 'Kustomization'));
  await state.commands.get('fluxWorkbench.toggleFailingOnly')?.();
  assert.ok((await allNodes(provider())).some((n) => n.key?.kind === 'Kustomization'));
});

test('untrusted workspace: a workspace kubeconfig setting is ignored', async () => {
  state.trusted = false;
  try {
    setSetting('fluxWorkbench.kubeconfig', '/nonexistent/workspace-kubeconfig', 'workspace');
    // The user value (the fixture) still applies: the session reconnects to it.
    await until('connected with the user kubeconfig', () => state.contextKeys.get('fluxWorkbench.clusterState') === 'connected');
    assert.ok(await findObject('Kustomization', 'apps'));
  } finally {
    state.trusted = true;
    state.settings.get('fluxWorkbench.kubeconfig')!.workspace = undefined;
  }
});

test('overlapping reconnects leave exactly one live session', async () => {
  await until('connected', () => state.contextKeys.get('fluxWorkbench.clusterState') === 'connected');
  const rt = await import('../../client/src/cluster/runtime');
  const made: Array<InstanceType<typeof rt.ClusterSession>> = [];
  const start = rt.ClusterSession.prototype.start;
  rt.ClusterSession.prototype.start = function (this: InstanceType<typeof rt.ClusterSession>) { made.push(this); return start.call(this); };
  try {
    // Three reconnects in a row, without waiting: only the last session may survive.
    setSetting('fluxWorkbench.requestTimeoutSeconds', 20);
    setSetting('fluxWorkbench.requestTimeoutSeconds', 25);
    setSetting('fluxWorkbench.requestTimeoutSeconds', 30);
    await until('connected after the reconnects', () => state.contextKeys.get('fluxWorkbench.clusterState') === 'connected' && made.length > 0);
    assert.equal(made.filter((s) => !s.isDisposed).length, 1, `${made.length} sessions started`);
    assert.ok(await findObject('Kustomization', 'apps'));
  } finally {
    rt.ClusterSession.prototype.start = start;
  }
});

test('no kubeconfig: the tree is empty (welcome view), Select Context explains the fix', async () => {
  setSetting('fluxWorkbench.kubeconfig', '/nonexistent/kubeconfig');
  await until('state none', () => state.contextKeys.get('fluxWorkbench.clusterState') === 'none');
  assert.deepEqual(await provider().getChildren(), []);
  const before = state.messages.length;
  await state.commands.get('fluxWorkbench.selectContext')?.();
  const m = state.messages.slice(before);
  assert.equal(m.length, 1);
  assert.equal(m[0]?.level, 'error');
  assert.match(m[0]?.text ?? '', /\/nonexistent\/kubeconfig/);
  assert.match(m[0]?.text ?? '', /fluxWorkbench\.kubeconfig/);
  // Commands that need a cluster say so instead of failing obscurely.
  await state.commands.get('fluxWorkbench.reconcile')?.();
  assert.match(state.messages.at(-1)?.text ?? '', /no cluster connection .*Select a context/);
  setSetting('fluxWorkbench.kubeconfig', server.kubeconfigPath);
  await until('connected again', () => state.contextKeys.get('fluxWorkbench.clusterState') === 'connected');
});
