/**
 * FluxWatchCache through @kubernetes/client-node against the fake API server: initial list,
 * ADDED/MODIFIED/DELETED, BOOKMARK, batching of notifications, paging, discovery.
 */
import { after, afterEach, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { KubeConfig } from '@kubernetes/client-node';
import { type FakeApiServer, startApiServer } from '../fixture/apiserver';
import { addGitRepository, addKustomization, seedFluxInstall } from '../fixture/seed';
import { ClusterConnection } from '../../server/src/cluster/connection';
import { discoverFlux } from '../../server/src/cluster/discovery';
import { type CacheSnapshot, FluxWatchCache } from '../../server/src/cluster/watch-cache';

const GITREPO = { apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'GitRepository' };

async function until(cond: () => boolean, what: string, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) assert.fail(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

function connect(server: FakeApiServer, context = 'fake'): ClusterConnection {
  const kc = new KubeConfig();
  kc.loadFromFile(server.kubeconfigPath);
  return new ClusterConnection({ kubeConfig: kc, context });
}

const names = (snap: CacheSnapshot, kind: string): string[] => snap.objects(kind).map((o) => `${o.metadata.namespace}/${o.metadata.name}`);

describe('FluxWatchCache', () => {
  let server: FakeApiServer;
  let cache: FluxWatchCache | undefined;
  let conn: ClusterConnection | undefined;
  const rejections: unknown[] = [];
  const onRejection = (r: unknown): void => { rejections.push(r); };

  before(async () => {
    process.on('unhandledRejection', onRejection);
    server = await startApiServer();
    seedFluxInstall(server);
  });
  afterEach(async () => {
    cache?.dispose();
    conn?.dispose();
    cache = undefined;
    conn = undefined;
    await until(() => server.activeWatches === 0, 'watches closed after dispose');
  });
  after(async () => {
    await server.close();
    process.off('unhandledRejection', onRejection);
    assert.deepEqual(rejections, [], 'no unhandled rejections');
  });

  test('discoverFlux reports served kinds, versions and the Flux version label', async () => {
    conn = connect(server);
    const d = await discoverFlux(conn);
    assert.equal(d.source, 'crds');
    assert.match(d.fluxVersion ?? '', /^v2\.8/);
    const ks = d.kinds.find((k) => k.kind === 'Kustomization');
    assert.ok(ks, 'Kustomization discovered');
    assert.equal(ks.version, 'v1');
    assert.ok(ks.servedVersions.includes('v1'));
    assert.ok(ks.storedVersions.includes('v1'));
    assert.deepEqual(d.missing, []);
  });

  test('initial list fills the snapshot, sorted, and every kind reports synced', async () => {
    addGitRepository(server, { namespace: 'flux-system', name: 'podinfo' });
    addGitRepository(server, { namespace: 'apps', name: 'api' });
    addKustomization(server, { namespace: 'flux-system', name: 'apps' });
    conn = connect(server);
    cache = new FluxWatchCache(conn, { kinds: ['GitRepository', 'Kustomization', 'HelmRelease'] });
    await cache.start();
    const snap = cache.snapshot();
    assert.deepEqual(names(snap, 'GitRepository'), ['apps/api', 'flux-system/podinfo']);
    assert.deepEqual(names(snap, 'Kustomization'), ['flux-system/apps']);
    assert.deepEqual(names(snap, 'HelmRelease'), []);
    for (const k of snap.kinds) assert.equal(snap.kindState(k).state, 'synced', k);
    assert.equal(snap.kindState('GitRepository').version, 'v1');
    assert.equal(snap.get({ kind: 'GitRepository', namespace: 'apps', name: 'api' })?.metadata.name, 'api');
    assert.equal(snap.get({ kind: 'GitRepository', namespace: 'apps', name: 'nope' }), undefined);
    assert.equal(cache.snapshot(), snap, 'same snapshot object while nothing changes');
    assert.ok(Object.isFrozen(snap.objects('GitRepository')), 'object lists are frozen');
    await until(() => server.activeWatches === 3, 'one watch per kind');
    // Resources are addressed fully qualified by group and version.
    assert.ok(server.requests.some((r) => r.path === '/apis/source.toolkit.fluxcd.io/v1/gitrepositories' && r.query.watch === 'true'));
  });

  test('ADDED, MODIFIED and DELETED are reflected and notified; old snapshots stay unchanged', async () => {
    conn = connect(server);
    cache = new FluxWatchCache(conn, { kinds: ['GitRepository'], batchMs: 10 });
    await cache.start();
    const before = cache.snapshot();
    const beforeNames = names(before, 'GitRepository');
    const notified: string[][] = [];
    cache.onDidChange((_s, kinds) => notified.push(kinds));
    await until(() => server.activeWatches === 1, 'watch open');

    addGitRepository(server, { namespace: 'team-w', name: 'added' });
    await until(() => cache!.snapshot().get({ kind: 'GitRepository', namespace: 'team-w', name: 'added' }) !== undefined, 'ADDED');
    server.patch(GITREPO, 'team-w', 'added', { spec: { interval: '7m' } });
    await until(() => cache!.snapshot().get({ kind: 'GitRepository', namespace: 'team-w', name: 'added' })?.spec?.interval === '7m', 'MODIFIED');
    server.remove(GITREPO, 'team-w', 'added');
    await until(() => cache!.snapshot().get({ kind: 'GitRepository', namespace: 'team-w', name: 'added' }) === undefined, 'DELETED');

    assert.ok(notified.length >= 1 && notified.every((k) => k.includes('GitRepository')));
    assert.deepEqual(names(before, 'GitRepository'), beforeNames, 'an earlier snapshot is immutable');
    assert.ok(cache.snapshot().version > before.version);
  });

  test('BOOKMARK advances the resourceVersion without touching objects; the next watch resumes from it', async () => {
    conn = connect(server);
    cache = new FluxWatchCache(conn, { kinds: ['GitRepository'], batchMs: 10 });
    await cache.start();
    await until(() => server.activeWatches === 1, 'watch open');
    const objectsBefore = cache.snapshot().objects('GitRepository');
    const rvBefore = Number(cache.resourceVersion('GitRepository'));
    // Changes of another kind advance the server's resourceVersion but never reach this watch.
    addKustomization(server, { namespace: 'flux-system', name: `bm-${Date.now()}` });
    const serverRv = server.store.resourceVersion;
    assert.ok(serverRv > rvBefore);
    server.sendBookmarks();
    await until(() => Number(cache!.resourceVersion('GitRepository')) === serverRv, 'bookmark rv applied');
    assert.equal(cache.snapshot().objects('GitRepository'), objectsBefore, 'a bookmark changes no objects');

    server.clearRequests();
    assert.equal(server.dropWatches(), 1);
    await until(() => server.requests.some((r) => r.query.watch === 'true' && r.path.endsWith('/gitrepositories')), 'watch resumed');
    const resumed = server.requests.find((r) => r.query.watch === 'true' && r.path.endsWith('/gitrepositories'));
    assert.equal(resumed?.query.resourceVersion, String(serverRv), 'resumed from the bookmark resourceVersion');
    assert.equal(resumed?.query.allowWatchBookmarks, 'true');
    assert.ok(!server.requests.some((r) => r.query.watch !== 'true' && r.path.endsWith('/gitrepositories')), 'no relist after a plain drop');
  });

  test('many changes produce few batched notifications and the final state is complete', async () => {
    for (let i = 0; i < 20; i++) addGitRepository(server, { namespace: 'batch', name: `repo-${i}` });
    conn = connect(server);
    cache = new FluxWatchCache(conn, { kinds: ['GitRepository'], batchMs: 100 });
    await cache.start();
    await until(() => server.activeWatches === 1, 'watch open');
    let notifications = 0;
    cache.onDidChange(() => { notifications++; });
    const changes = 400;
    for (let i = 0; i < changes; i++) server.patch(GITREPO, 'batch', `repo-${i % 20}`, { spec: { interval: `${i + 1}s` } });
    await until(() => cache!.snapshot().get({ kind: 'GitRepository', namespace: 'batch', name: 'repo-19' })?.spec?.interval === `${changes}s`, 'last change');
    for (let i = 0; i < 20; i++) {
      const last = changes - 20 + i + 1;
      assert.equal(cache.snapshot().get({ kind: 'GitRepository', namespace: 'batch', name: `repo-${i}` })?.spec?.interval, `${last}s`);
    }
    await new Promise((r) => setTimeout(r, 250)); // let a trailing batch fire
    assert.ok(notifications >= 1, 'notified at least once');
    assert.ok(notifications <= changes / 20, `${notifications} notifications for ${changes} changes`);
  });

  test('lists are paged with limit/continue', async () => {
    for (let i = 0; i < 45; i++) addKustomization(server, { namespace: 'paged', name: `ks-${String(i).padStart(2, '0')}` });
    conn = connect(server);
    server.clearRequests();
    cache = new FluxWatchCache(conn, { kinds: ['Kustomization'], pageSize: 10 });
    await cache.start();
    const lists = server.requests.filter((r) => r.path.endsWith('/kustomizations') && r.query.watch !== 'true');
    assert.ok(lists.length >= 5, `${lists.length} list pages`);
    assert.ok(lists.every((r) => r.query.limit === '10'));
    assert.equal(lists.filter((r) => r.query.continue).length, lists.length - 1);
    const paged = cache.snapshot().objects('Kustomization').filter((o) => o.metadata.namespace === 'paged');
    assert.equal(paged.length, 45);
    assert.equal(new Set(paged.map((o) => o.metadata.name)).size, 45, 'no duplicates across pages');
  });

  test('stop keeps the last snapshot; start lists and watches again', async () => {
    conn = connect(server);
    cache = new FluxWatchCache(conn, { kinds: ['GitRepository'], batchMs: 0 });
    await cache.start();
    await until(() => server.activeWatches === 1, 'watch open');
    cache.stop();
    await until(() => server.activeWatches === 0, 'watch closed by stop');
    const name = `while-stopped-${Date.now()}`;
    addGitRepository(server, { namespace: 'flux-system', name });
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(cache.snapshot().get({ kind: 'GitRepository', namespace: 'flux-system', name }), undefined, 'nothing applied while stopped');
    assert.ok(cache.snapshot().objects('GitRepository').length > 0, 'the last objects stay readable');
    await cache.start();
    assert.ok(cache.snapshot().get({ kind: 'GitRepository', namespace: 'flux-system', name }), 'relisted on start');
    await until(() => server.activeWatches === 1, 'watching again');
  });

  test('dispose stops watches and timers; listeners are not called afterwards', async () => {
    conn = connect(server);
    cache = new FluxWatchCache(conn, { kinds: ['GitRepository', 'Kustomization'], batchMs: 0 });
    await cache.start();
    await until(() => server.activeWatches === 2, 'watches open');
    let calls = 0;
    cache.onDidChange(() => { calls++; });
    cache.dispose();
    await until(() => server.activeWatches === 0, 'watches closed');
    addGitRepository(server, { namespace: 'flux-system', name: `after-dispose-${Date.now()}` });
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(calls, 0);
  });
});
