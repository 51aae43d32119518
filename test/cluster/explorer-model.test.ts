/**
 * The explorer tree model built from a real watch-cache snapshot of the fake API server:
 * sections, namespace grouping, icons, descriptions, filters, stable ids, the Receiver webhook
 * path, the cluster health node, and lazy children (inventory, Helm storage).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { KubeConfig } from '@kubernetes/client-node';
import { type FakeApiServer, startApiServer } from '../fixture/apiserver';
import {
  addAlert, addGitRepository, addHelmRelease, addHelmStorageSecret, addKustomization, addProvider, addReceiver, seedFluxInstall,
} from '../fixture/seed';
import { checkFlux } from '../../server/src/cluster/check';
import { ClusterConnection } from '../../server/src/cluster/connection';
import { buildExplorerTree, type ExplorerNode, loadChildren } from '../../server/src/cluster/explorer-model';
import { FluxWatchCache } from '../../server/src/cluster/watch-cache';

const CTX = 'fake';

function find(nodes: readonly ExplorerNode[], pred: (n: ExplorerNode) => boolean): ExplorerNode | undefined {
  for (const n of nodes) {
    if (pred(n)) return n;
    const c = find(n.children ?? [], pred);
    if (c) return c;
  }
  return undefined;
}
const byId = (nodes: readonly ExplorerNode[], id: string): ExplorerNode => {
  const n = find(nodes, (x) => x.id === id);
  assert.ok(n, `node ${id}`);
  return n;
};
const allIds = (nodes: readonly ExplorerNode[], out: string[] = []): string[] => {
  for (const n of nodes) { out.push(n.id); allIds(n.children ?? [], out); }
  return out;
};
async function until(cond: () => boolean, what: string, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) assert.fail(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

const GIT = 'source.toolkit.fluxcd.io/GitRepository';
const KS = 'kustomize.toolkit.fluxcd.io/Kustomization';
const HR = 'helm.toolkit.fluxcd.io/HelmRelease';

describe('explorer tree model', () => {
  let server: FakeApiServer;
  let conn: ClusterConnection;
  let cache: FluxWatchCache;

  before(async () => {
    server = await startApiServer();
    seedFluxInstall(server);
    addGitRepository(server, { namespace: 'flux-system', name: 'flux-system' });
    addGitRepository(server, { namespace: 'apps', name: 'broken', status: { failed: 'GitOperationFailed' } });
    addGitRepository(server, { namespace: 'apps', name: 'paused', suspend: true });
    addKustomization(server, {
      namespace: 'flux-system', name: 'apps', inventory: [
        { namespace: 'flux-system', name: 'flux-system', group: 'source.toolkit.fluxcd.io', kind: 'GitRepository' },
        { namespace: 'apps', name: 'web', group: 'apps', kind: 'Deployment' },
        { name: 'apps', kind: 'Namespace' },
      ],
    });
    addKustomization(server, { namespace: 'flux-system', name: 'empty' });
    addHelmRelease(server, { namespace: 'flux-system', name: 'podinfo' });
    addHelmRelease(server, { namespace: 'flux-system', name: 'no-storage' });
    const hr = server.get({ apiVersion: 'helm.toolkit.fluxcd.io/v2', kind: 'HelmRelease' }, 'flux-system', 'podinfo');
    const latest = (hr?.status as { history?: Array<{ name?: string; version?: number }> } | undefined)?.history?.[0];
    addHelmStorageSecret(server, {
      name: latest?.name ?? 'podinfo', namespace: 'flux-system', version: latest?.version ?? 1,
      manifest: 'apiVersion: v1\nkind: Service\nmetadata:\n  name: podinfo\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: podinfo\n',
    });
    addProvider(server, { namespace: 'flux-system', name: 'slack' });
    addAlert(server, { namespace: 'flux-system', name: 'on-call' });
    addReceiver(server, { namespace: 'flux-system', name: 'github' });
    const kc = new KubeConfig();
    kc.loadFromFile(server.kubeconfigPath);
    conn = new ClusterConnection({ kubeConfig: kc });
    cache = new FluxWatchCache(conn, { batchMs: 10 });
    await cache.start();
  });
  after(async () => {
    cache.dispose();
    conn.dispose();
    await server.close();
  });

  test('top-level sections, the cluster health node and stable ids', async () => {
    const check = await checkFlux(conn);
    const tree = buildExplorerTree(cache.snapshot(), { context: CTX, check });
    assert.deepEqual(tree.map((n) => n.label), [`Flux ${check.fluxVersion}`, 'Sources', 'Kustomizations', 'HelmReleases', 'Notifications', 'Image automation']);
    const cluster = tree[0]!;
    assert.equal(cluster.id, `cluster:${CTX}`);
    assert.equal(cluster.icon, check.ok ? 'ready' : 'failing');
    // The version is in the label only; the description is the context and the health.
    assert.equal(cluster.description, `${CTX} · ${check.controllers.length}/${check.controllers.length} controllers ready`);
    assert.deepEqual(cluster.children?.map((c) => c.label).sort(), check.controllers.map((c) => c.name).sort());
    const sources = byId(tree, `cat:${CTX}:sources`);
    assert.deepEqual(sources.children?.map((c) => c.label), ['Git Repositories', 'OCI Repositories', 'Helm Repositories', 'Helm Charts', 'Buckets', 'External Artifacts']);
    const ids = allIds(tree);
    assert.equal(new Set(ids).size, ids.length, 'ids unique');
    // Same ids on a rebuild after an unrelated change.
    addGitRepository(server, { namespace: 'flux-system', name: 'later' });
    await until(() => cache.snapshot().get({ kind: 'GitRepository', namespace: 'flux-system', name: 'later' }) !== undefined, 'new object');
    const again = allIds(buildExplorerTree(cache.snapshot(), { context: CTX, check }));
    for (const id of ids) assert.ok(again.includes(id), `id ${id} kept`);
    assert.ok(again.includes(`obj:${CTX}:${GIT}/flux-system/later`));
  });

  test('objects are grouped by namespace only when a kind spans more than one', () => {
    const tree = buildExplorerTree(cache.snapshot(), { context: CTX });
    const git = byId(tree, `kind:${CTX}:source.toolkit.fluxcd.io/GitRepository`);
    assert.deepEqual(git.children?.map((c) => c.label), ['apps', 'flux-system']);
    assert.equal(git.children?.[0]?.id, `ns:${CTX}:${GIT}/apps`);
    const ks = byId(tree, `cat:${CTX}:kustomizations`);
    assert.deepEqual(ks.children?.map((c) => c.id), [`obj:${CTX}:${KS}/flux-system/apps`, `obj:${CTX}:${KS}/flux-system/empty`]);
  });

  test('icons, descriptions, tooltips and contextValues follow health', () => {
    const tree = buildExplorerTree(cache.snapshot(), { context: CTX });
    const ok = byId(tree, `obj:${CTX}:${GIT}/flux-system/flux-system`);
    assert.equal(ok.icon, 'ready');
    assert.match(ok.description ?? '', /^main@sha1:[0-9a-f]{8}$/, 'revision shortened like flux get');
    assert.equal(ok.contextValue, 'flux.object.gitrepository.active.reconcilable');
    assert.match(ok.tooltip ?? '', /Ready=True/);
    assert.match(ok.tooltip ?? '', /Next reconcile in about/);
    assert.deepEqual(ok.key, { kind: 'GitRepository', namespace: 'flux-system', name: 'flux-system' });
    const broken = byId(tree, `obj:${CTX}:${GIT}/apps/broken`);
    assert.equal(broken.icon, 'failing');
    assert.equal(broken.description, 'GitOperationFailed');
    assert.match(broken.contextValue, /\.failing$/);
    assert.match(broken.tooltip ?? '', /Ready=False \(GitOperationFailed\)/);
    const paused = byId(tree, `obj:${CTX}:${GIT}/apps/paused`);
    assert.equal(paused.icon, 'suspended');
    assert.match(paused.description ?? '', /^suspended/);
    assert.match(paused.contextValue, /^flux\.object\.gitrepository\.suspended/);
    const hr = byId(tree, `obj:${CTX}:${HR}/flux-system/podinfo`);
    assert.match(hr.contextValue, /^flux\.object\.helmrelease\.active\.reconcilable/);
    assert.equal(hr.lazy, true);
    assert.equal(hr.collapsible, 'collapsed');
    const kindNode = byId(tree, `kind:${CTX}:source.toolkit.fluxcd.io/GitRepository`);
    assert.match(kindNode.description ?? '', /\(1 failing\)/);
  });

  test('a Receiver shows its status.webhookPath', () => {
    const tree = buildExplorerTree(cache.snapshot(), { context: CTX });
    const rcv = byId(tree, `obj:${CTX}:notification.toolkit.fluxcd.io/Receiver/flux-system/github`);
    const path = cache.snapshot().get({ kind: 'Receiver', namespace: 'flux-system', name: 'github' })?.status?.webhookPath;
    assert.equal(typeof path, 'string');
    assert.equal(rcv.description, path);
    assert.match(rcv.contextValue, /\.receiver$/);
    assert.ok(rcv.tooltip?.includes(String(path)));
  });

  test('failing-only and namespace filters', () => {
    const failing = buildExplorerTree(cache.snapshot(), { context: CTX, failingOnly: true });
    const objs = allIds(failing).filter((id) => id.startsWith('obj:'));
    assert.deepEqual(objs, [`obj:${CTX}:${GIT}/apps/broken`]);
    const appsOnly = buildExplorerTree(cache.snapshot(), { context: CTX, namespaces: ['apps'] });
    const appObjs = allIds(appsOnly).filter((id) => id.startsWith('obj:'));
    assert.deepEqual(appObjs.sort(), [`obj:${CTX}:${GIT}/apps/broken`, `obj:${CTX}:${GIT}/apps/paused`]);
    const git = byId(appsOnly, `kind:${CTX}:source.toolkit.fluxcd.io/GitRepository`);
    assert.ok(git.children?.every((c) => c.id.startsWith('obj:')), 'one namespace shown: no namespace grouping');
  });

  test('lazy children: Kustomization inventory from the snapshot', async () => {
    const tree = buildExplorerTree(cache.snapshot(), { context: CTX });
    const ks = byId(tree, `obj:${CTX}:${KS}/flux-system/apps`);
    assert.equal(ks.lazy, true);
    const kids = await loadChildren(conn, ks, cache.snapshot());
    assert.deepEqual(kids.map((k) => k.label), ['flux-system', 'Deployment/web', 'Namespace/apps']);
    assert.equal(kids[0]?.icon, 'ready', 'a Flux object in the inventory shows its health');
    assert.deepEqual(kids[0]?.key, { kind: 'GitRepository', namespace: 'flux-system', name: 'flux-system' });
    assert.equal(kids[1]?.icon, 'resource');
    // The Deployment is not in the fixture: the workload read says so, with its namespace.
    assert.equal(kids[1]?.description, 'not found · apps');
    const ids = kids.map((k) => k.id);
    assert.ok(ids.every((id) => id.startsWith(`${ks.id}>`)), 'children ids are scoped under the parent');
    assert.deepEqual((await loadChildren(conn, ks, cache.snapshot())).map((k) => k.id), ids, 'stable');
    const empty = await loadChildren(conn, byId(tree, `obj:${CTX}:${KS}/flux-system/empty`), cache.snapshot());
    assert.equal(empty.length, 1);
    assert.equal(empty[0]?.label, 'No inventory');
  });

  test('lazy children: HelmRelease objects from Helm storage, or a readable error node', async () => {
    const tree = buildExplorerTree(cache.snapshot(), { context: CTX });
    const hr = byId(tree, `obj:${CTX}:${HR}/flux-system/podinfo`);
    const kids = await loadChildren(conn, hr, cache.snapshot());
    assert.deepEqual(kids.map((k) => k.label), ['Service/podinfo', 'Deployment/podinfo']);
    assert.equal(kids[0]?.description, 'flux-system');
    assert.equal(kids[1]?.description, 'not found · flux-system', 'a workload not in the cluster says so');
    const none = await loadChildren(conn, byId(tree, `obj:${CTX}:${HR}/flux-system/no-storage`), cache.snapshot());
    assert.equal(none.length, 1);
    assert.equal(none[0]?.icon, 'error');
    assert.match(none[0]?.description ?? '', /HelmRelease flux-system\/no-storage: .*not found/);
    server.faults.deny({ resource: 'secrets' });
    try {
      const denied = await loadChildren(conn, hr, cache.snapshot());
      assert.equal(denied.length, 1);
      assert.equal(denied[0]?.icon, 'forbidden');
      assert.match(denied[0]?.label ?? '', /forbidden/);
    } finally {
      server.faults.reset();
    }
  });
});
