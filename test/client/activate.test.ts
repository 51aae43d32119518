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
import { serverMallocEnv } from '../../server/src/lsp/malloc-env';
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
  assert.equal(state.commands.size, 23);
  assert.ok(state.commands.has('fluxWorkbench.reconcile'));
  await until('language client start', () => state.languageClients.some((c) => c.running));
  const lc = state.languageClients[0];
  assert.ok(lc);
  assert.deepEqual(lc.clientOptions.documentSelector, [{ scheme: 'file', language: 'yaml' }, { scheme: 'untitled', language: 'yaml' }]);
  assert.deepEqual(lc.clientOptions.initializationOptions, { targetFluxVersion: '2.8', schemaSource: 'auto', debounceMs: 50, diagnosticsScope: 'workspace' });
  assert.deepEqual(lc.clientOptions.synchronize, { configurationSection: 'fluxWorkbench' });
  // The server process gets the malloc tunables (malloc-env.ts) on top of the extension host's environment.
  assert.deepEqual((lc.serverOptions as { run: unknown }).run, { module: '/ext/dist/server.js', transport: 1, options: { env: serverMallocEnv(process.env) } });
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

test('connecting hands the cluster\'s Flux CRDs (from the check, no extra request) to the language server', async () => {
  const lc = state.languageClients.at(-1);
  assert.ok(lc);
  await until('schemas handed over', () => lc.notifications.some((n) => n.method === 'fluxWorkbench/clusterSchemas'));
  const sent = lc.notifications.filter((n) => n.method === 'fluxWorkbench/clusterSchemas').at(-1)!.params as { context: string; crds: Array<{ spec?: { group?: string } }> };
  assert.equal(sent.context, 'fake');
  assert.ok(sent.crds.length > 0, 'the fixture serves Flux CRDs');
  assert.ok(sent.crds.every((c) => (c.spec?.group ?? '').endsWith('fluxcd.io')), 'only Flux CRDs are handed over');
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

test('API server stopped: the status bar and every group say disconnected, objects greyed; it recovers by itself', async () => {
  await until('connected', () => state.contextKeys.get('fluxWorkbench.clusterState') === 'connected' && /✓/.test(state.statusItems[0]?.text ?? ''));
  await server.down();
  try {
    await until('status bar says disconnected', () => /disconnected/.test(state.statusItems[0]?.text ?? ''), 15_000);
    assert.doesNotMatch(state.statusItems[0]?.text ?? '', /✓/);
    assert.match(String(state.statusItems[0]?.tooltip ?? ''), /disconnected since \d\d:\d\d, retrying in \d+ s/);
    const nodes = await allNodes(provider());
    assert.match(nodes.find((n) => n.label === 'Kustomizations')?.description ?? '', /disconnected since/);
    const ks = nodes.find((n) => n.key?.kind === 'Kustomization' && n.key.name === 'apps')!;
    assert.equal(ks.icon, 'stale');
    assert.equal((provider().getTreeItem(ks).iconPath as { id: string }).id, 'circle-outline');
  } finally {
    await server.up();
  }
  await until('recovered', () => /✓ 6\/6/.test(state.statusItems[0]?.text ?? ''), 30_000);
  assert.notEqual((await findObject('Kustomization', 'apps')).icon, 'stale');
});

test('Refresh re-reads a kubeconfig rewritten on disk: a rejected token shows Unauthorized, the fixed file reconnects', async () => {
  server.addContext({ name: 'fake', token: 'rotated-away', current: true });
  await state.commands.get('fluxWorkbench.refresh')?.();
  await until('unauthorized', () => /Unauthorized/.test(state.statusItems[0]?.text ?? ''), 15_000);
  assert.doesNotMatch(JSON.stringify(state.statusItems[0]), /rotated-away/, 'the token is never shown');
  assert.match((await provider().getChildren()).map((n) => n.description ?? '').join('\n'), /Unauthorized: /);
  server.addContext({ name: 'fake', current: true });
  await state.commands.get('fluxWorkbench.refresh')?.();
  await until('connected with the fixed kubeconfig', () => /✓ 6\/6/.test(state.statusItems[0]?.text ?? ''), 15_000);
});

test('Add Cluster: one root per context, one status-bar summary, actions on the right cluster; Remove stops its watches', async () => {
  const second = await startApiServer();
  try {
    seedFluxInstall(second);
    addGitRepository(second, { namespace: 'flux-system', name: 'other-repo' });
    server.addContext({ name: 'second', server: second.url, token: second.token });
    state.quickPicks.push((items) => (items as Array<{ name: string }>).find((i) => i.name === 'second'));
    await state.commands.get('fluxWorkbench.addCluster')?.();
    assert.deepEqual(ext.workspaceState.data.get('fluxWorkbench.extraContexts'), ['second']);
    await until('two roots', async () => (await provider().getChildren()).map((n) => n.id).join() === 'root:fake,root:second');
    await until('summary', () => /^\$\(cloud\) 2 clusters ✓ 2/.test(state.statusItems[0]?.text ?? ''), 15_000);
    const repo = (await allNodes(provider())).find((n) => n.key?.name === 'other-repo');
    assert.ok(repo, 'the second cluster has its own tree');
    assert.ok(repo.id.startsWith('obj:second:'));
    await state.commands.get('fluxWorkbench.suspend')?.(repo);
    assert.equal((second.get({ apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'GitRepository' }, 'flux-system', 'other-repo')?.spec as { suspend?: boolean }).suspend, true);
    assert.equal(server.get({ apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'GitRepository' }, 'flux-system', 'other-repo'), undefined);
    // A broken second cluster counts in the summary.
    await second.down();
    await until('summary shows one cluster down', () => /2 clusters ✓ 1 ⊗ 1/.test(state.statusItems[0]?.text ?? ''), 15_000);
    await second.up();
    const root = (await provider().getChildren()).find((n) => n.id === 'root:second')!;
    await until('watches open on the second server', () => second.activeWatches > 0, 15_000);
    await state.commands.get('fluxWorkbench.removeCluster')?.(root);
    assert.deepEqual(ext.workspaceState.data.get('fluxWorkbench.extraContexts'), []);
    await until('its watches end with its root', () => second.activeWatches === 0, 10_000);
    assert.ok(!(await provider().getChildren()).some((n) => n.id.startsWith('root:')), 'back to one tree');
  } finally {
    await second.close();
  }
});

test('Trace on an inventory entry writes the owner chain and the sources to the Trace channel', async () => {
  const labels = { 'kustomize.toolkit.fluxcd.io/name': 'apps', 'kustomize.toolkit.fluxcd.io/namespace': 'flux-system' };
  server.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'traced', namespace: 'flux-system', labels }, data: {} });
  await state.commands.get('fluxWorkbench.trace')?.({ id: 'obj:fake:kustomize.toolkit.fluxcd.io/Kustomization/flux-system/apps>res:v1/ConfigMap/flux-system/traced', ref: { apiVersion: 'v1', kind: 'ConfigMap', name: 'traced', namespace: 'flux-system' } });
  const ch = state.channels.get('Flux Workbench: Trace');
  assert.ok(ch?.shown);
  assert.match(ch.text, /Object:\s+ConfigMap\/traced[\s\S]*Kustomization:\s+apps[\s\S]*GitRepository:\s+flux-system/);
});

test('no kubeconfig at all: the welcome view explains the setting and KUBECONFIG', async () => {
  setSetting('fluxWorkbench.kubeconfig', '');
  const env = process.env.KUBECONFIG;
  process.env.KUBECONFIG = '/nonexistent/a:/nonexistent/b';
  try {
    await state.commands.get('fluxWorkbench.refresh')?.();
    await until('state none', () => state.contextKeys.get('fluxWorkbench.clusterState') === 'none');
    assert.equal(state.contextKeys.get('fluxWorkbench.noKubeconfig'), true);
    const manifest = JSON.parse(fs.readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { contributes: { viewsWelcome: Array<{ when: string; contents: string }> } };
    const w = manifest.contributes.viewsWelcome.find((x) => x.when.includes('fluxWorkbench.noKubeconfig') && !x.when.includes('!'))!;
    assert.match(w.contents, /fluxWorkbench\.kubeconfig/);
    assert.match(w.contents, /KUBECONFIG/);
    assert.doesNotMatch(w.contents, /No Kubernetes context selected/);
  } finally {
    if (env === undefined) delete process.env.KUBECONFIG; else process.env.KUBECONFIG = env;
    setSetting('fluxWorkbench.kubeconfig', server.kubeconfigPath);
  }
  await until('connected again', () => state.contextKeys.get('fluxWorkbench.clusterState') === 'connected');
});
