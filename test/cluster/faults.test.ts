/**
 * Fault tests of the watch cache and the explorer model through @kubernetes/client-node against
 * the fake API server: server down at start and mid-watch, 401, 403 (fallback and forbidden),
 * 410 Gone, dropped watches, a context switch mid-request, missing Flux CRDs. Each asserts the
 * resulting state, the recovery, and that no promise rejection went unhandled.
 */
import { after, afterEach, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { KubeConfig } from '@kubernetes/client-node';
import { type FakeApiServer, startApiServer } from '../fixture/apiserver';
import { addGitRepository, addHelmRelease, addKustomization, ensureNamespace, seedFluxInstall } from '../fixture/seed';
import { ClusterConnection } from '../../server/src/cluster/connection';
import { discoverFlux } from '../../server/src/cluster/discovery';
import { ClusterCallError } from '../../server/src/cluster/get';
import { buildExplorerTree, type ExplorerNode } from '../../server/src/cluster/explorer-model';
import { type CacheSnapshot, FluxWatchCache, type WatchCacheOptions } from '../../server/src/cluster/watch-cache';

const GITREPO = { apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'GitRepository' };
const FAST: WatchCacheOptions = { batchMs: 10, backoff: { initialMs: 20, maxMs: 200 } };

async function until(cond: () => boolean, what: string, ms = 15_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) assert.fail(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

function connect(server: FakeApiServer, context = 'fake', fluxNamespace?: string): ClusterConnection {
  const kc = new KubeConfig();
  kc.loadFromFile(server.kubeconfigPath);
  return new ClusterConnection({ kubeConfig: kc, context, requestTimeoutMs: 5000, ...(fluxNamespace ? { fluxNamespace } : {}) });
}

const names = (snap: CacheSnapshot, kind: string): string[] => snap.objects(kind).map((o) => `${o.metadata.namespace}/${o.metadata.name}`);

function find(nodes: readonly ExplorerNode[], id: string): ExplorerNode | undefined {
  for (const n of nodes) {
    if (n.id === id) return n;
    const c = find(n.children ?? [], id);
    if (c) return c;
  }
  return undefined;
}

describe('cluster core faults', () => {
  const rejections: unknown[] = [];
  const onRejection = (r: unknown): void => { rejections.push(r); };
  const cleanups: Array<() => void | Promise<void>> = [];

  before(() => { process.on('unhandledRejection', onRejection); });
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
    assert.deepEqual(rejections, [], 'no unhandled rejection');
  });
  after(() => { process.off('unhandledRejection', onRejection); });

  async function server(opts: Parameters<typeof startApiServer>[0] = {}): Promise<FakeApiServer> {
    const s = await startApiServer(opts);
    cleanups.push(() => s.close());
    return s;
  }
  function cache(conn: ClusterConnection, opts: WatchCacheOptions = {}): FluxWatchCache {
    const c = new FluxWatchCache(conn, { ...FAST, ...opts });
    cleanups.push(() => { c.dispose(); conn.dispose(); });
    return c;
  }

  test('server down at start: kinds in error with a clear message, then recovery on the same port', async () => {
    const s = await server();
    seedFluxInstall(s);
    addGitRepository(s, { namespace: 'flux-system', name: 'podinfo' });
    await s.down();
    const c = cache(connect(s), { kinds: ['GitRepository', 'Kustomization'] });
    await c.start(); // resolves although nothing is reachable
    let snap = c.snapshot();
    for (const k of ['GitRepository', 'Kustomization']) {
      const st = snap.kindState(k);
      assert.equal(st.state, 'error', k);
      assert.equal(st.failure, 'unreachable');
      assert.match(st.message ?? '', /cannot reach the API server/);
    }
    const tree = buildExplorerTree(snap, { context: 'fake' });
    const errNode = find(tree, 'state:fake:source.toolkit.fluxcd.io/GitRepository');
    assert.equal(errNode?.icon, 'error');
    assert.match(errNode?.description ?? '', /cannot reach the API server/);
    await s.up();
    await until(() => c.snapshot().kindState('GitRepository').state === 'synced' && c.snapshot().kindState('Kustomization').state === 'synced', 'recovery');
    snap = c.snapshot();
    assert.deepEqual(names(snap, 'GitRepository'), ['flux-system/podinfo']);
    assert.equal(find(buildExplorerTree(snap, { context: 'fake' }), 'state:fake:source.toolkit.fluxcd.io/GitRepository'), undefined, 'error node gone');
    await until(() => s.activeWatches === 2, 'watching again');
  });

  test('server down mid-watch: backoff, then resume from the last resourceVersion without a relist', async () => {
    const s = await server();
    seedFluxInstall(s);
    addGitRepository(s, { namespace: 'flux-system', name: 'a' });
    const c = cache(connect(s), { kinds: ['GitRepository'] });
    await c.start();
    await until(() => s.activeWatches === 1, 'watch open');
    const rv = c.resourceVersion('GitRepository');
    await s.down();
    await until(() => c.snapshot().kindState('GitRepository').state === 'error', 'error state while down');
    assert.match(c.snapshot().kindState('GitRepository').message ?? '', /reconnecting in/);
    assert.deepEqual(names(c.snapshot(), 'GitRepository'), ['flux-system/a'], 'objects kept while disconnected');
    // Changes while the client is away.
    addGitRepository(s, { namespace: 'flux-system', name: 'b' });
    s.patch(GITREPO, 'flux-system', 'a', { spec: { interval: '9m' } });
    s.clearRequests();
    await s.up();
    await until(() => names(c.snapshot(), 'GitRepository').length === 2 && c.snapshot().kindState('GitRepository').state === 'synced', 'resumed');
    assert.equal(c.snapshot().get({ kind: 'GitRepository', namespace: 'flux-system', name: 'a' })?.spec?.interval, '9m');
    const watches = s.requests.filter((r) => r.path.endsWith('/gitrepositories') && r.query.watch === 'true');
    assert.ok(watches.length >= 1);
    assert.equal(watches[0]?.query.resourceVersion, rv, 'resumed from the last resourceVersion');
    assert.equal(s.requests.filter((r) => r.path.endsWith('/gitrepositories') && r.query.watch !== 'true').length, 0, 'no relist');
  });

  test('401: a clear unauthorized state, no crash, the token never shown; recovery when credentials work again', async () => {
    const s = await server();
    seedFluxInstall(s);
    addGitRepository(s, { namespace: 'flux-system', name: 'podinfo' });
    const bad = cache(connect(s, 'fake-bad-token'), { kinds: ['GitRepository', 'HelmRelease'] });
    await bad.start();
    for (const k of ['GitRepository', 'HelmRelease']) {
      const st = bad.snapshot().kindState(k);
      assert.equal(st.state, 'error');
      assert.equal(st.failure, 'unauthorized');
      assert.match(st.message ?? '', /Unauthorized/);
      assert.ok(!(st.message ?? '').includes(s.token), 'no token in the message');
    }
    const node = find(buildExplorerTree(bad.snapshot(), { context: 'fake-bad-token' }), 'state:fake-bad-token:helm.toolkit.fluxcd.io/HelmRelease');
    assert.equal(node?.label, 'Unauthorized');

    // Credentials revoked mid-watch, then restored.
    const good = cache(connect(s), { kinds: ['GitRepository'] });
    await good.start();
    await until(() => s.activeWatches === 1, 'watch open');
    s.faults.unauthorized = true;
    s.dropWatches();
    await until(() => good.snapshot().kindState('GitRepository').failure === 'unauthorized', 'unauthorized while revoked');
    assert.deepEqual(names(good.snapshot(), 'GitRepository'), ['flux-system/podinfo'], 'objects kept');
    s.faults.unauthorized = false;
    await until(() => good.snapshot().kindState('GitRepository').state === 'synced', 'recovered');
  });

  test('403 on one kind cluster-wide: namespace fallback for it, other kinds unaffected', async () => {
    const s = await server();
    seedFluxInstall(s);
    addGitRepository(s, { namespace: 'team-a', name: 'visible' });
    addGitRepository(s, { namespace: 'team-b', name: 'hidden' });
    addKustomization(s, { namespace: 'team-b', name: 'apps' });
    s.faults.deny({ resource: 'gitrepositories.source.toolkit.fluxcd.io', verbs: ['list', 'watch'], allowNamespaces: ['team-a'] });
    const c = cache(connect(s), { kinds: ['GitRepository', 'Kustomization'] });
    await c.start();
    const snap = c.snapshot();
    const st = snap.kindState('GitRepository');
    assert.equal(st.state, 'synced');
    assert.deepEqual(st.namespaces, ['team-a']);
    assert.deepEqual(names(snap, 'GitRepository'), ['team-a/visible']);
    assert.equal(snap.kindState('Kustomization').state, 'synced');
    assert.deepEqual(names(snap, 'Kustomization'), ['team-b/apps']);
    const tree = buildExplorerTree(snap, { context: 'fake' });
    assert.match(find(tree, 'state:fake:source.toolkit.fluxcd.io/GitRepository')?.label ?? '', /team-a/);
    // The per-namespace watch works.
    await until(() => s.activeWatches === 2, 'watches open');
    addGitRepository(s, { namespace: 'team-a', name: 'new' });
    await until(() => names(c.snapshot(), 'GitRepository').includes('team-a/new'), 'namespaced watch event');
  });

  test('403 everywhere for a kind (and on namespaces): forbidden node, the tree still builds', async () => {
    const s = await server();
    seedFluxInstall(s);
    ensureNamespace(s, 'team-c');
    addHelmRelease(s, { namespace: 'flux-system', name: 'podinfo' });
    addGitRepository(s, { namespace: 'flux-system', name: 'podinfo' });
    addGitRepository(s, { namespace: 'team-c', name: 'c' });
    s.faults.deny({ resource: 'helmreleases.helm.toolkit.fluxcd.io' });
    s.faults.deny({ resource: 'namespaces', verbs: ['list'] });
    s.faults.deny({ resource: 'gitrepositories.source.toolkit.fluxcd.io', verbs: ['list', 'watch'], allowNamespaces: ['flux-system', 'team-c'] });
    s.addContext({ name: 'team-c', namespace: 'team-c' });
    const c = cache(connect(s, 'team-c'), { kinds: ['GitRepository', 'HelmRelease', 'HelmChart'] });
    await c.start();
    const snap = c.snapshot();
    const hr = snap.kindState('HelmRelease');
    assert.equal(hr.state, 'forbidden');
    assert.match(hr.message ?? '', /helmreleases\.helm\.toolkit\.fluxcd\.io is forbidden cluster-wide and in namespaces team-c, flux-system/);
    // Namespaces not listable: the context's namespace and the Flux namespace are tried.
    assert.deepEqual(snap.kindState('GitRepository').namespaces, ['flux-system', 'team-c']);
    assert.deepEqual(names(snap, 'GitRepository'), ['flux-system/podinfo', 'team-c/c']);
    assert.equal(snap.kindState('HelmChart').state, 'synced');
    const tree = buildExplorerTree(snap, { context: 'team-c' });
    const node = find(tree, 'state:team-c:helm.toolkit.fluxcd.io/HelmRelease');
    assert.equal(node?.icon, 'forbidden');
    assert.equal(node?.label, 'Forbidden');
    assert.equal(find(tree, 'cat:team-c:helmreleases')?.description, 'forbidden');
  });

  test('410 Gone: relist without duplicates or lost objects, then watch again (ERROR event and HTTP 410)', async () => {
    const s = await server();
    seedFluxInstall(s);
    for (const n of ['keep', 'gone', 'changed']) addGitRepository(s, { namespace: 'flux-system', name: n });
    const c = cache(connect(s), { kinds: ['GitRepository'] });
    await c.start();
    await until(() => s.activeWatches === 1, 'watch open');
    s.clearRequests();
    // Cut the watch and, before the client is back, change things and compact the history.
    s.dropWatches();
    addGitRepository(s, { namespace: 'flux-system', name: 'new' });
    s.remove(GITREPO, 'flux-system', 'gone');
    s.patch(GITREPO, 'flux-system', 'changed', { spec: { interval: '3m' } });
    s.compact();
    await until(() => names(c.snapshot(), 'GitRepository').includes('flux-system/new') && !names(c.snapshot(), 'GitRepository').includes('flux-system/gone'), 'relisted');
    assert.deepEqual(names(c.snapshot(), 'GitRepository'), ['flux-system/changed', 'flux-system/keep', 'flux-system/new']);
    assert.equal(c.snapshot().get({ kind: 'GitRepository', namespace: 'flux-system', name: 'changed' })?.spec?.interval, '3m');
    assert.ok(s.requests.some((r) => r.path.endsWith('/gitrepositories') && r.query.watch !== 'true'), 'a relist happened');
    await until(() => s.activeWatches === 1, 'watching again');

    // HTTP 410 on the watch request itself.
    s.clearRequests();
    s.faults.inject({ watch: true, path: '/gitrepositories', status: 410, message: 'too old resource version', times: 1 });
    s.endWatches();
    await until(() => s.requests.some((r) => r.path.endsWith('/gitrepositories') && r.query.watch !== 'true'), 'relist after HTTP 410');
    await until(() => s.activeWatches === 1, 'watching again after HTTP 410');
    addGitRepository(s, { namespace: 'flux-system', name: 'after' });
    await until(() => names(c.snapshot(), 'GitRepository').includes('flux-system/after'), 'events flow after relist');
    assert.equal(new Set(names(c.snapshot(), 'GitRepository')).size, names(c.snapshot(), 'GitRepository').length, 'no duplicates');
  });

  test('a watch dropped mid-stream resumes from the last resourceVersion and catches up', async () => {
    const s = await server();
    seedFluxInstall(s);
    addGitRepository(s, { namespace: 'flux-system', name: 'a' });
    const c = cache(connect(s), { kinds: ['GitRepository'] });
    await c.start();
    await until(() => s.activeWatches === 1, 'watch open');
    s.patch(GITREPO, 'flux-system', 'a', { spec: { interval: '2m' } });
    await until(() => c.snapshot().get({ kind: 'GitRepository', namespace: 'flux-system', name: 'a' })?.spec?.interval === '2m', 'first event');
    const rv = c.resourceVersion('GitRepository');
    const states: string[] = [];
    c.onDidChange((snap) => states.push(snap.kindState('GitRepository').state));
    s.clearRequests();
    s.dropWatches();
    s.patch(GITREPO, 'flux-system', 'a', { spec: { interval: '4m' } });
    await until(() => c.snapshot().get({ kind: 'GitRepository', namespace: 'flux-system', name: 'a' })?.spec?.interval === '4m', 'missed change replayed');
    const w = s.requests.find((r) => r.path.endsWith('/gitrepositories') && r.query.watch === 'true');
    assert.equal(w?.query.resourceVersion, rv);
    assert.ok(!s.requests.some((r) => r.path.endsWith('/gitrepositories') && r.query.watch !== 'true'), 'no relist');
    await until(() => states.length > 0, 'the batched notification');
    assert.ok(states.every((st) => st === 'synced'), `no error flicker on a drop that reconnects at once (${states.join(',')})`);
  });

  test('context switch mid-request: no stale result applied, old connections closed', async () => {
    const a = await server();
    const b = await server();
    seedFluxInstall(a);
    seedFluxInstall(b);
    addGitRepository(a, { namespace: 'flux-system', name: 'from-a' });
    addGitRepository(b, { namespace: 'flux-system', name: 'from-b' });
    a.faults.inject({ path: '/gitrepositories', watch: false, latencyMs: 1500 });
    const connA = connect(a);
    const c = cache(connA, { kinds: ['GitRepository', 'Kustomization'] });
    const firstStart = c.start();
    await until(() => a.requests.some((r) => r.path.endsWith('/gitrepositories') && r.query.watch !== 'true'), 'slow list in flight on A');
    const connB = connect(b);
    cleanups.push(() => connB.dispose());
    const switched = c.switchConnection(connB);
    connA.dispose();
    await switched;
    await firstStart;
    assert.equal(c.snapshot().generation, 1);
    assert.deepEqual(names(c.snapshot(), 'GitRepository'), ['flux-system/from-b']);
    // Past A's latency: still nothing from A.
    await new Promise((r) => setTimeout(r, 1700));
    assert.deepEqual(names(c.snapshot(), 'GitRepository'), ['flux-system/from-b']);
    assert.equal(a.activeWatches, 0, 'no watch left on A');
    await until(() => a.openConnections === 0, 'every socket to A closed');
    await until(() => b.activeWatches === 2, 'watching B');
    addGitRepository(a, { namespace: 'flux-system', name: 'late-a' });
    addGitRepository(b, { namespace: 'flux-system', name: 'late-b' });
    await until(() => names(c.snapshot(), 'GitRepository').includes('flux-system/late-b'), 'B events');
    assert.ok(!names(c.snapshot(), 'GitRepository').includes('flux-system/late-a'));
  });

  test('Flux CRDs missing: kinds "missing", the tree shows it, nothing fails', async () => {
    const s = await server({ fluxCrds: 'none' });
    const c = cache(connect(s));
    await c.start();
    const snap = c.snapshot();
    for (const k of snap.kinds) assert.equal(snap.kindState(k).state, 'missing', k);
    assert.match(snap.kindState('Kustomization').message ?? '', /kustomizations\.kustomize\.toolkit\.fluxcd\.io CRD is not installed/);
    const tree = buildExplorerTree(snap, { context: 'fake' });
    const node = find(tree, 'state:fake:kustomize.toolkit.fluxcd.io/Kustomization');
    assert.equal(node?.icon, 'missing');
    assert.equal(node?.label, 'Not installed');
    assert.equal(s.activeWatches, 0);

    // Only some kinds installed: the others work.
    const partial = await server({ fluxCrds: ['GitRepository', 'Kustomization'] });
    addGitRepository(partial, { namespace: 'flux-system', name: 'podinfo' });
    const pc = cache(connect(partial), { kinds: ['GitRepository', 'Kustomization', 'ImagePolicy'] });
    await pc.start();
    assert.equal(pc.snapshot().kindState('ImagePolicy').state, 'missing');
    assert.equal(pc.snapshot().kindState('GitRepository').state, 'synced');
    assert.deepEqual(names(pc.snapshot(), 'GitRepository'), ['flux-system/podinfo']);
  });

  test('discovery falls back to API discovery when CRDs may not be listed', async () => {
    const s = await server({ fluxCrds: ['GitRepository', 'Kustomization'] });
    s.faults.deny({ resource: 'customresourcedefinitions.apiextensions.k8s.io' });
    const conn = connect(s);
    cleanups.push(() => conn.dispose());
    const d = await discoverFlux(conn);
    assert.equal(d.source, 'api-discovery');
    assert.equal(d.fluxVersion, undefined);
    assert.deepEqual(d.kinds.map((k) => `${k.kind}@${k.version}`).sort(), ['GitRepository@v1', 'Kustomization@v1']);
    assert.ok(d.missing.includes('HelmRelease'));
    const bad = connect(s, 'fake-bad-token');
    cleanups.push(() => bad.dispose());
    await assert.rejects(discoverFlux(bad), (e: unknown) => e instanceof ClusterCallError && e.failure === 'unauthorized');
  });

  test('a missing kind notices its CRD being installed later', async () => {
    const s = await server({ fluxCrds: ['GitRepository'] });
    const c = cache(connect(s), { kinds: ['GitRepository', 'Kustomization'], missingRecheckMs: 50 });
    await c.start();
    assert.equal(c.snapshot().kindState('Kustomization').state, 'missing');
    s.installFluxCrds(['Kustomization']);
    addKustomization(s, { namespace: 'flux-system', name: 'late' });
    await until(() => c.snapshot().kindState('Kustomization').state === 'synced', 'Kustomization synced after install');
    assert.deepEqual(names(c.snapshot(), 'Kustomization'), ['flux-system/late']);
    assert.equal(c.snapshot().kindState('GitRepository').state, 'synced');
  });
});
