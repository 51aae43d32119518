/**
 * The fake API server (test/fixture/apiserver.ts) exercised through @kubernetes/client-node,
 * the way the cluster core talks to a real cluster.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import {
  ApiextensionsV1Api, ApisApi, AppsV1Api, CoreV1Api, CustomObjectsApi, KubeConfig, Log, PatchStrategy, setHeaderOptions, VersionApi, Watch,
} from '@kubernetes/client-node';
import { type FakeApiServer, startApiServer } from '../fixture/apiserver';
import { addEvent, addGitRepository, seedFluxInstall } from '../fixture/seed';

const SRC = { group: 'source.toolkit.fluxcd.io', version: 'v1', plural: 'gitrepositories' };
const GITREPO = { apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'GitRepository' };

function kubeConfig(server: FakeApiServer, context = 'fake'): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromFile(server.kubeconfigPath);
  kc.setCurrentContext(context);
  return kc;
}

/** The error client-node threw: ApiException code and parsed Status body. */
async function failure(p: Promise<unknown>): Promise<{ code: number; body: { kind?: string; reason?: string; message?: string; code?: number; status?: string } }> {
  try {
    await p;
  } catch (e) {
    const err = e as { code?: number; body?: unknown };
    const body = typeof err.body === 'string' ? JSON.parse(err.body) : err.body;
    return { code: err.code ?? -1, body: body as { kind?: string } };
  }
  assert.fail('expected the call to fail');
}

async function until(cond: () => boolean, what: string, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) assert.fail(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

interface Ev { type: string; object: { metadata?: { name?: string; resourceVersion?: string }; code?: number; reason?: string; kind?: string } }

/** Starts a client-node watch and collects its events. */
async function collectWatch(kc: KubeConfig, path: string, query: Record<string, string | number | boolean>): Promise<{ events: Ev[]; done: () => boolean; doneErr: () => unknown; abort: () => void }> {
  const events: Ev[] = [];
  let finished = false;
  let err: unknown;
  const ctrl = await new Watch(kc).watch(path, query, (type, object) => events.push({ type, object: object as Ev['object'] }), (e) => { finished = true; err = e; });
  return { events, done: () => finished, doneErr: () => err, abort: () => ctrl.abort() };
}

describe('fake API server through client-node', () => {
  let server: FakeApiServer;
  let kc: KubeConfig;
  let custom: CustomObjectsApi;
  let core: CoreV1Api;

  before(async () => {
    server = await startApiServer({ bookmarkIntervalMs: 0 });
    seedFluxInstall(server);
    for (const n of ['a', 'b', 'c', 'd', 'e']) addGitRepository(server, { name: n, namespace: 'flux-system', labels: { tier: n < 'c' ? 'infra' : 'apps' } });
    addGitRepository(server, { name: 'other', namespace: 'team-a' });
    kc = kubeConfig(server);
    custom = kc.makeApiClient(CustomObjectsApi);
    core = kc.makeApiClient(CoreV1Api);
  });
  after(async () => { await server.close(); });

  test('discovery: version, groups, resources with namespaced/kind/verbs', async () => {
    const v = await kc.makeApiClient(VersionApi).getCode();
    assert.equal(v.major, '1');
    const groups = await kc.makeApiClient(ApisApi).getAPIVersions();
    const names = groups.groups.map((g) => g.name);
    for (const g of ['apps', 'source.toolkit.fluxcd.io', 'kustomize.toolkit.fluxcd.io', 'helm.toolkit.fluxcd.io', 'notification.toolkit.fluxcd.io']) assert.ok(names.includes(g), g);
    const hr = groups.groups.find((g) => g.name === 'helm.toolkit.fluxcd.io');
    assert.equal(hr?.preferredVersion?.version, 'v2');
    const res = await custom.getAPIResources({ group: 'source.toolkit.fluxcd.io', version: 'v1' });
    const git = res.resources.find((r) => r.name === 'gitrepositories');
    assert.equal(git?.kind, 'GitRepository');
    assert.equal(git?.namespaced, true);
    assert.ok(git?.verbs.includes('watch') && git.verbs.includes('patch'));
    assert.ok(res.resources.some((r) => r.name === 'gitrepositories/status'));
    const coreRes = await core.getAPIResources();
    assert.equal(coreRes.resources.find((r) => r.name === 'namespaces')?.namespaced, false);
    assert.ok(coreRes.resources.some((r) => r.name === 'pods/log'));
  });

  test('CRDs carry the Flux version label and storedVersions', async () => {
    const crds = await kc.makeApiClient(ApiextensionsV1Api).listCustomResourceDefinition();
    const git = crds.items.find((c) => c.metadata?.name === 'gitrepositories.source.toolkit.fluxcd.io');
    assert.equal(git?.metadata?.labels?.['app.kubernetes.io/version'], 'v2.8.0');
    assert.deepEqual(git?.status?.storedVersions, ['v1']);
    assert.equal(crds.items.filter((c) => c.spec.group.endsWith('fluxcd.io')).length, 15);
  });

  test('an unknown resource or group version is a 404 Status', async () => {
    const f = await failure(custom.listClusterCustomObject({ group: 'source.toolkit.fluxcd.io', version: 'v1beta2', plural: 'gitrepositories' }));
    assert.equal(f.code, 404);
    assert.equal(f.body.kind, 'Status');
  });

  test('lists: resourceVersion, limit/continue paging, label selectors, all namespaces', async () => {
    const seen: string[] = [];
    let cont: string | undefined;
    let pages = 0;
    let rv: string | undefined;
    do {
      const page = await custom.listNamespacedCustomObject({ ...SRC, namespace: 'flux-system', limit: 2, _continue: cont }) as { metadata: { continue?: string; resourceVersion: string }; items: Array<{ metadata: { name: string } }> };
      assert.ok(page.metadata.resourceVersion);
      rv ??= page.metadata.resourceVersion;
      assert.equal(page.metadata.resourceVersion, rv, 'continued pages keep the first page\'s resourceVersion');
      seen.push(...page.items.map((i) => i.metadata.name));
      cont = page.metadata.continue;
      pages++;
    } while (cont);
    assert.equal(pages, 3);
    assert.deepEqual(seen, ['a', 'b', 'c', 'd', 'e']);
    const all = await custom.listClusterCustomObject(SRC) as { kind: string; items: Array<{ kind: string; metadata: { namespace: string } }> };
    assert.equal(all.kind, 'GitRepositoryList');
    assert.equal(all.items.length, 6);
    assert.equal(all.items[0].kind, 'GitRepository');
    const infra = await custom.listNamespacedCustomObject({ ...SRC, namespace: 'flux-system', labelSelector: 'tier=infra' }) as { items: unknown[] };
    assert.equal(infra.items.length, 2);
    const notInfra = await custom.listClusterCustomObject({ ...SRC, labelSelector: 'tier!=infra' }) as { items: unknown[] };
    assert.equal(notInfra.items.length, 4);
    const deps = await kc.makeApiClient(AppsV1Api).listNamespacedDeployment({ namespace: 'flux-system', labelSelector: 'app.kubernetes.io/part-of=flux' });
    assert.equal(deps.items.length, 6);
    assert.equal(deps.items[0].status?.readyReplicas, 1);
  });

  test('get, and 404 NotFound as a Status object', async () => {
    const o = await custom.getNamespacedCustomObject({ ...SRC, namespace: 'flux-system', name: 'a' }) as { metadata: { name: string; uid: string; generation: number } };
    assert.equal(o.metadata.name, 'a');
    assert.ok(o.metadata.uid);
    assert.equal(o.metadata.generation, 1);
    const f = await failure(custom.getNamespacedCustomObject({ ...SRC, namespace: 'flux-system', name: 'missing' }));
    assert.equal(f.code, 404);
    assert.equal(f.body.reason, 'NotFound');
    assert.equal(f.body.status, 'Failure');
    assert.match(f.body.message ?? '', /gitrepositories.source.toolkit.fluxcd.io "missing" not found/);
  });

  test('event field selectors: involvedObject.kind/name/namespace; unknown field labels are 400', async () => {
    addEvent(server, { involved: { kind: 'GitRepository', name: 'a', namespace: 'flux-system' }, reason: 'GitOperationFailed', message: 'boom', type: 'Warning' });
    addEvent(server, { involved: { kind: 'Kustomization', name: 'a', namespace: 'flux-system' }, reason: 'ReconciliationSucceeded', message: 'ok' });
    const evs = await core.listNamespacedEvent({ namespace: 'flux-system', fieldSelector: 'involvedObject.kind=GitRepository,involvedObject.name=a' });
    assert.equal(evs.items.length, 1);
    assert.equal(evs.items[0].reason, 'GitOperationFailed');
    const all = await core.listEventForAllNamespaces({ fieldSelector: 'involvedObject.namespace=flux-system,involvedObject.name=a' });
    assert.equal(all.items.length, 2);
    const f = await failure(core.listNamespacedEvent({ namespace: 'flux-system', fieldSelector: 'spec.bogus=1' }));
    assert.equal(f.code, 400);
    assert.match(f.body.message ?? '', /field label not supported: spec.bogus/);
  });

  test('merge patch: generation bumps on spec change only; null deletes; the main endpoint ignores status', async () => {
    const opts = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);
    const p1 = await custom.patchNamespacedCustomObject({ ...SRC, namespace: 'flux-system', name: 'b', body: { spec: { interval: '5m' } } }, opts) as { metadata: { generation: number; resourceVersion: string }; spec: { interval: string } };
    assert.equal(p1.metadata.generation, 2);
    assert.equal(p1.spec.interval, '5m');
    const p2 = await custom.patchNamespacedCustomObject({ ...SRC, namespace: 'flux-system', name: 'b', body: { metadata: { annotations: { 'reconcile.fluxcd.io/requestedAt': 'now' } }, status: { hacked: true } } }, opts) as { metadata: { generation: number; resourceVersion: string; annotations: Record<string, string> }; status: Record<string, unknown> };
    assert.equal(p2.metadata.generation, 2, 'metadata-only change keeps generation');
    assert.ok(Number(p2.metadata.resourceVersion) > Number(p1.metadata.resourceVersion));
    assert.equal(p2.metadata.annotations['reconcile.fluxcd.io/requestedAt'], 'now');
    assert.equal(p2.status.hacked, undefined, 'status is ignored on the main endpoint');
    const p3 = await custom.patchNamespacedCustomObject({ ...SRC, namespace: 'flux-system', name: 'b', body: { spec: { suspend: true } } }, opts) as { metadata: { generation: number }; spec: Record<string, unknown> };
    assert.equal(p3.metadata.generation, 3);
    const p4 = await custom.patchNamespacedCustomObject({ ...SRC, namespace: 'flux-system', name: 'b', body: { spec: { suspend: null } } }, opts) as { metadata: { generation: number }; spec: Record<string, unknown> };
    assert.equal('suspend' in p4.spec, false);
    assert.equal(p4.metadata.generation, 4);
  });

  test('status subresource patch changes only status and keeps generation', async () => {
    const opts = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);
    const s = await custom.patchNamespacedCustomObjectStatus({ ...SRC, namespace: 'flux-system', name: 'c', body: { spec: { interval: '9m' }, status: { lastHandledReconcileAt: 'tok' } } }, opts) as { metadata: { generation: number }; spec: { interval: string }; status: { lastHandledReconcileAt: string } };
    assert.equal(s.status.lastHandledReconcileAt, 'tok');
    assert.equal(s.spec.interval, '1m0s');
    assert.equal(s.metadata.generation, 1);
  });

  test('JSON patch and server-side apply; strategic merge on a custom resource and unknown types are 415', async () => {
    const j = await custom.patchNamespacedCustomObject({ ...SRC, namespace: 'flux-system', name: 'd', body: [{ op: 'replace', path: '/spec/ref/branch', value: 'dev' }] },
      setHeaderOptions('Content-Type', PatchStrategy.JsonPatch)) as { spec: { ref: { branch: string } }; metadata: { generation: number } };
    assert.equal(j.spec.ref.branch, 'dev');
    assert.equal(j.metadata.generation, 2);
    const bad = await failure(custom.patchNamespacedCustomObject({ ...SRC, namespace: 'flux-system', name: 'd', body: [{ op: 'replace', path: '/spec/nope/x', value: 1 }] },
      setHeaderOptions('Content-Type', PatchStrategy.JsonPatch)));
    assert.equal(bad.code, 422);
    const a = await custom.patchNamespacedCustomObject({ ...SRC, namespace: 'flux-system', name: 'd', body: { apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'GitRepository', metadata: { name: 'd' }, spec: { timeout: '2m' } }, fieldManager: 'flux-workbench' },
      setHeaderOptions('Content-Type', PatchStrategy.ServerSideApply)) as { spec: { timeout: string; ref: { branch: string } } };
    assert.equal(a.spec.timeout, '2m');
    assert.equal(a.spec.ref.branch, 'dev');
    const noManager = await failure(custom.patchNamespacedCustomObject({ ...SRC, namespace: 'flux-system', name: 'd', body: { spec: {} } },
      setHeaderOptions('Content-Type', PatchStrategy.ServerSideApply)));
    assert.equal(noManager.code, 422);
    const smp = await failure(custom.patchNamespacedCustomObject({ ...SRC, namespace: 'flux-system', name: 'd', body: { spec: {} } },
      setHeaderOptions('Content-Type', PatchStrategy.StrategicMergePatch)));
    assert.equal(smp.code, 415);
    assert.equal(smp.body.reason, 'UnsupportedMediaType');
    const plain = await failure(custom.patchNamespacedCustomObject({ ...SRC, namespace: 'flux-system', name: 'd', body: { spec: {} } },
      setHeaderOptions('Content-Type', 'text/plain')));
    assert.equal(plain.code, 415);
    // Strategic merge works on built-in types (containers merged by name).
    const dep = await kc.makeApiClient(AppsV1Api).patchNamespacedDeployment({ namespace: 'flux-system', name: 'helm-controller',
      body: { spec: { template: { spec: { containers: [{ name: 'manager', image: 'ghcr.io/fluxcd/helm-controller:v2.8.1' }] } } } } },
    setHeaderOptions('Content-Type', PatchStrategy.StrategicMergePatch));
    assert.equal(dep.spec?.template.spec?.containers.length, 1);
    assert.equal(dep.spec?.template.spec?.containers[0].image, 'ghcr.io/fluxcd/helm-controller:v2.8.1');
    assert.deepEqual(dep.spec?.template.spec?.containers[0].args, ['--log-level=info', '--log-encoding=json']);
  });

  test('a merge patch that is not an object is 422; a stale resourceVersion is 409', async () => {
    const opts = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);
    const f = await failure(custom.patchNamespacedCustomObject({ ...SRC, namespace: 'flux-system', name: 'e', body: [1, 2] }, opts));
    assert.equal(f.code, 422);
    assert.equal(f.body.reason, 'Invalid');
    const c = await failure(custom.patchNamespacedCustomObject({ ...SRC, namespace: 'flux-system', name: 'e', body: { metadata: { resourceVersion: '1' }, spec: { interval: '2m' } } }, opts));
    assert.equal(c.code, 409);
    assert.equal(c.body.reason, 'Conflict');
  });

  test('create: 201, then 409 AlreadyExists; missing namespace is 404', async () => {
    const body = { apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'GitRepository', metadata: { name: 'new' }, spec: { url: 'https://x', interval: '1m' } };
    const o = await custom.createNamespacedCustomObject({ ...SRC, namespace: 'team-a', body }) as { metadata: { namespace: string; generation: number } };
    assert.equal(o.metadata.namespace, 'team-a');
    assert.equal(o.metadata.generation, 1);
    assert.equal((await failure(custom.createNamespacedCustomObject({ ...SRC, namespace: 'team-a', body }))).body.reason, 'AlreadyExists');
    assert.equal((await failure(custom.createNamespacedCustomObject({ ...SRC, namespace: 'nowhere', body }))).code, 404);
    await custom.deleteNamespacedCustomObject({ ...SRC, namespace: 'team-a', name: 'new' });
    assert.equal((await failure(custom.getNamespacedCustomObject({ ...SRC, namespace: 'team-a', name: 'new' }))).code, 404);
  });

  test('401 for a wrong token, a missing token, and in unauthorized mode', async () => {
    for (const ctx of ['fake-bad-token', 'fake-no-token']) {
      const f = await failure(kubeConfig(server, ctx).makeApiClient(CustomObjectsApi).listClusterCustomObject(SRC));
      assert.equal(f.code, 401, ctx);
    }
    // client-node drops the body of a 401; the server still sends a Status.
    const raw = await fetch(`${server.url}/apis/source.toolkit.fluxcd.io/v1/gitrepositories`, { headers: { Authorization: 'Bearer nope' } });
    assert.equal(raw.status, 401);
    assert.deepEqual(await raw.json(), { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'Unauthorized', reason: 'Unauthorized', code: 401 });
    server.faults.unauthorized = true;
    try {
      assert.equal((await failure(custom.listClusterCustomObject(SRC))).code, 401);
    } finally {
      server.faults.reset();
    }
    assert.ok(await custom.listClusterCustomObject(SRC));
  });

  test('403 RBAC: list denied cluster-wide but allowed in one namespace; a whole resource denied', async () => {
    server.faults.deny({ resource: 'gitrepositories.source.toolkit.fluxcd.io', verbs: ['list', 'watch'], allowNamespaces: ['team-a'] });
    server.faults.deny({ resource: 'secrets' });
    try {
      const f = await failure(custom.listClusterCustomObject(SRC));
      assert.equal(f.code, 403);
      assert.equal(f.body.reason, 'Forbidden');
      assert.equal(f.body.message, 'gitrepositories.source.toolkit.fluxcd.io is forbidden: User "fixture-user" cannot list resource "gitrepositories" in API group "source.toolkit.fluxcd.io" at the cluster scope');
      assert.equal((await failure(custom.listNamespacedCustomObject({ ...SRC, namespace: 'flux-system' }))).code, 403);
      const ok = await custom.listNamespacedCustomObject({ ...SRC, namespace: 'team-a' }) as { items: unknown[] };
      assert.equal(ok.items.length, 1);
      assert.ok(await custom.getNamespacedCustomObject({ ...SRC, namespace: 'flux-system', name: 'a' }), 'get is still allowed');
      const s = await failure(core.readNamespacedSecret({ namespace: 'flux-system', name: 'x' }));
      assert.equal(s.code, 403);
      assert.match(s.body.message ?? '', /secrets "x" is forbidden: .* cannot get resource "secrets" in API group "" in the namespace "flux-system"/);
    } finally {
      server.faults.reset();
    }
  });

  test('injected 500 (once) and latency', async () => {
    server.faults.inject({ path: '/apis/source.toolkit.fluxcd.io', status: 500, times: 1, message: 'etcdserver: request timed out' });
    const f = await failure(custom.listClusterCustomObject(SRC));
    assert.equal(f.code, 500);
    assert.equal(f.body.message, 'etcdserver: request timed out');
    assert.ok(await custom.listClusterCustomObject(SRC), 'only once');
    server.faults.inject({ latencyMs: 30, times: 1 });
    assert.ok(await custom.listClusterCustomObject(SRC));
    server.faults.reset();
  });

  test('watch: initial ADDED, MODIFIED, DELETED, on-demand BOOKMARK', async () => {
    const w = await collectWatch(kc, '/apis/source.toolkit.fluxcd.io/v1/namespaces/team-a/gitrepositories', { allowWatchBookmarks: true });
    try {
      await until(() => w.events.length >= 1, 'initial ADDED');
      assert.deepEqual(w.events.map((e) => `${e.type} ${e.object.metadata?.name}`), ['ADDED other']);
      server.patch(GITREPO, 'team-a', 'other', { spec: { interval: '3m' } });
      addGitRepository(server, { name: 'second', namespace: 'team-a' });
      server.remove(GITREPO, 'team-a', 'second');
      addGitRepository(server, { name: 'elsewhere', namespace: 'flux-system' });
      server.sendBookmarks();
      await until(() => w.events.some((e) => e.type === 'BOOKMARK'), 'bookmark');
      assert.deepEqual(w.events.map((e) => e.type), ['ADDED', 'MODIFIED', 'ADDED', 'DELETED', 'BOOKMARK']);
      assert.equal(w.events[4].object.metadata?.resourceVersion, String(server.store.resourceVersion));
    } finally {
      w.abort();
    }
  });

  test('watch from a resourceVersion replays later changes; after compaction it is 410 Expired', async () => {
    const list = await custom.listNamespacedCustomObject({ ...SRC, namespace: 'team-a' }) as { metadata: { resourceVersion: string } };
    server.patch(GITREPO, 'team-a', 'other', { metadata: { labels: { replay: 'yes' } } });
    const w = await collectWatch(kc, '/apis/source.toolkit.fluxcd.io/v1/namespaces/team-a/gitrepositories', { resourceVersion: list.metadata.resourceVersion });
    await until(() => w.events.length >= 1, 'replayed MODIFIED');
    assert.equal(w.events[0].type, 'MODIFIED');
    w.abort();
    server.compact();
    const gone = await collectWatch(kc, '/apis/source.toolkit.fluxcd.io/v1/namespaces/team-a/gitrepositories', { resourceVersion: list.metadata.resourceVersion });
    await until(() => gone.done(), 'the 410 stream to end');
    assert.equal(gone.events.length, 1);
    assert.equal(gone.events[0].type, 'ERROR');
    assert.equal(gone.events[0].object.code, 410);
    assert.equal(gone.events[0].object.reason, 'Expired');
  });

  test('watch with a label selector sees objects enter and leave the selection', async () => {
    const w = await collectWatch(kc, '/apis/source.toolkit.fluxcd.io/v1/gitrepositories', { labelSelector: 'watched=yes' });
    try {
      server.patch(GITREPO, 'flux-system', 'a', { metadata: { labels: { watched: 'yes' } } });
      server.patch(GITREPO, 'flux-system', 'a', { metadata: { labels: { watched: null } } });
      await until(() => w.events.length >= 2, 'enter and leave');
      assert.deepEqual(w.events.map((e) => e.type), ['ADDED', 'DELETED']);
    } finally {
      w.abort();
    }
  });

  test('watch timeoutSeconds ends the stream; dropWatches cuts open streams', async () => {
    const timed = await collectWatch(kc, '/api/v1/namespaces', { timeoutSeconds: 1 });
    await until(() => timed.done(), 'timeoutSeconds', 5000);
    const open = await collectWatch(kc, '/api/v1/namespaces', {});
    await until(() => server.activeWatches >= 1, 'watch registered');
    assert.ok(server.dropWatches() >= 1);
    await until(() => open.done(), 'dropped watch to end');
    assert.equal(server.activeWatches, 0);
  });

  test('pod logs: tailLines, follow, and the container rule for multi-container pods', async () => {
    const pods = await core.listNamespacedPod({ namespace: 'flux-system', labelSelector: 'app=kustomize-controller' });
    assert.equal(pods.items.length, 1);
    const pod = pods.items[0].metadata!.name!;
    for (let i = 0; i < 5; i++) server.appendLog('flux-system', pod, JSON.stringify({ level: 'info', msg: `line ${i}` }));
    const tail = await core.readNamespacedPodLog({ namespace: 'flux-system', name: pod, tailLines: 2 });
    assert.deepEqual(String(tail).trim().split('\n').map((l) => JSON.parse(l).msg), ['line 3', 'line 4']);

    const out = new PassThrough();
    let text = '';
    out.on('data', (c: Buffer) => { text += c.toString(); });
    let ended = false;
    out.on('end', () => { ended = true; });
    await new Log(kc).log('flux-system', pod, 'manager', out, { follow: true, tailLines: 1 });
    await until(() => text.includes('line 4'), 'the tail line');
    server.appendLog('flux-system', pod, '{"level":"error","msg":"live"}');
    await until(() => text.includes('"live"'), 'the followed line');
    assert.equal(text.trim().split('\n').length, 2);
    assert.equal(server.endLogStreams(), 1);
    await until(() => ended, 'the follow stream to end');

    server.create({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'two', namespace: 'flux-system' }, spec: { containers: [{ name: 'manager' }, { name: 'sidecar' }] } });
    const f = await failure(core.readNamespacedPodLog({ namespace: 'flux-system', name: 'two' }));
    assert.equal(f.code, 400);
    assert.match(f.body.message ?? '', /a container name must be specified for pod two, choose one of: \[manager sidecar\]/);
    server.appendLog('flux-system', 'two', 'from the sidecar', 'sidecar');
    assert.equal(String(await core.readNamespacedPodLog({ namespace: 'flux-system', name: 'two', container: 'sidecar' })).trim(), 'from the sidecar');
    assert.equal((await failure(core.readNamespacedPodLog({ namespace: 'flux-system', name: 'ghost' }))).code, 404);
  });

  test('down/up: unreachable while down, same port after up', async () => {
    const port = server.port;
    await server.down();
    await assert.rejects(custom.listClusterCustomObject(SRC));
    await server.up();
    assert.equal(server.port, port);
    assert.ok(await custom.listClusterCustomObject(SRC));
  });

  test('records requests, e.g. the content type of a patch', async () => {
    server.clearRequests();
    await custom.patchNamespacedCustomObject({ ...SRC, namespace: 'flux-system', name: 'a', body: { metadata: { annotations: { x: 'y' } } } }, setHeaderOptions('Content-Type', PatchStrategy.MergePatch));
    const patches = server.requests.filter((r) => r.method === 'PATCH');
    assert.equal(patches.length, 1);
    assert.equal(patches[0].contentType, 'application/merge-patch+json');
    assert.deepEqual(JSON.parse(patches[0].body), { metadata: { annotations: { x: 'y' } } });
    assert.equal(patches[0].status, 200);
  });
});

describe('fake API server: CRD subsets', () => {
  test('without Flux CRDs no Flux group is served and lists are 404', async () => {
    const server = await startApiServer({ fluxCrds: 'none' });
    try {
      const kc = kubeConfig(server);
      const groups = (await kc.makeApiClient(ApisApi).getAPIVersions()).groups.map((g) => g.name);
      assert.equal(groups.some((g) => g.endsWith('fluxcd.io')), false);
      assert.equal((await failure(kc.makeApiClient(CustomObjectsApi).listClusterCustomObject(SRC))).code, 404);
      server.installFluxCrds(['GitRepository']);
      assert.ok(await kc.makeApiClient(CustomObjectsApi).listClusterCustomObject(SRC));
      const groups2 = (await kc.makeApiClient(ApisApi).getAPIVersions()).groups.map((g) => g.name);
      assert.deepEqual(groups2.filter((g) => g.endsWith('fluxcd.io')), ['source.toolkit.fluxcd.io']);
    } finally {
      await server.close();
    }
  });

  test('several served versions and storedVersions, and a second context at another server', async () => {
    const a = await startApiServer({ fluxCrds: ['Kustomization'], crdOptions: { fluxVersion: 'v2.6.4', servedVersions: ['v1beta2', 'v1'], storedVersions: ['v1beta2', 'v1'] } });
    const b = await startApiServer({ token: 'other-token' });
    try {
      const kc = kubeConfig(a);
      const res = await kc.makeApiClient(CustomObjectsApi).getAPIResources({ group: 'kustomize.toolkit.fluxcd.io', version: 'v1beta2' });
      assert.equal(res.resources[0].kind, 'Kustomization');
      const crd = await kc.makeApiClient(ApiextensionsV1Api).readCustomResourceDefinition({ name: 'kustomizations.kustomize.toolkit.fluxcd.io' });
      assert.deepEqual(crd.status?.storedVersions, ['v1beta2', 'v1']);
      assert.equal(crd.metadata?.labels?.['app.kubernetes.io/version'], 'v2.6.4');
      a.addContext({ name: 'other', server: b.url, token: b.token });
      const kc2 = kubeConfig(a, 'other');
      const groups = (await kc2.makeApiClient(ApisApi).getAPIVersions()).groups.map((g) => g.name);
      assert.ok(groups.includes('helm.toolkit.fluxcd.io'), 'the other server has all CRDs');
    } finally {
      await a.close();
      await b.close();
    }
  });
});
