/**
 * The Flux controller simulator (test/fixture/flux-sim.ts) and the seed helpers, observed
 * through @kubernetes/client-node as the product observes a real cluster.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { gunzipSync } from 'node:zlib';
import { CoreV1Api, CustomObjectsApi, KubeConfig, PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import { type FakeApiServer, startApiServer } from '../fixture/apiserver';
import { type FailureClass, FORCE_AT, type FluxSimulator, REQUESTED_AT, RESET_AT, startFluxSimulator } from '../fixture/flux-sim';
import {
  addAlert, addGitRepository, addHelmRelease, addHelmRepository, addHelmStorageSecret, addKustomization, addOCIRepository, addReceiver, seedFluxInstall,
} from '../fixture/seed';

interface Cond { type: string; status: string; reason: string; message: string }
interface Obj {
  metadata: { name: string; namespace: string; generation: number; annotations?: Record<string, string> };
  spec: Record<string, unknown>;
  status?: {
    lastHandledReconcileAt?: string; lastHandledForceAt?: string; lastHandledResetAt?: string; observedGeneration?: number; conditions?: Cond[];
    artifact?: { revision: string }; lastAppliedRevision?: string; history?: Array<{ version: number; chartVersion: string; status: string }>;
    webhookPath?: string; inventory?: { entries: Array<{ id: string; v: string }> }; installFailures?: number;
  };
}

const G = {
  GitRepository: { group: 'source.toolkit.fluxcd.io', version: 'v1', plural: 'gitrepositories' },
  HelmChart: { group: 'source.toolkit.fluxcd.io', version: 'v1', plural: 'helmcharts' },
  Kustomization: { group: 'kustomize.toolkit.fluxcd.io', version: 'v1', plural: 'kustomizations' },
  HelmRelease: { group: 'helm.toolkit.fluxcd.io', version: 'v2', plural: 'helmreleases' },
  Receiver: { group: 'notification.toolkit.fluxcd.io', version: 'v1', plural: 'receivers' },
  Alert: { group: 'notification.toolkit.fluxcd.io', version: 'v1beta3', plural: 'alerts' },
} as const;
type K = keyof typeof G;

describe('Flux controller simulator', () => {
  let server: FakeApiServer;
  let sim: FluxSimulator;
  let custom: CustomObjectsApi;
  let core: CoreV1Api;
  let tokenN = 0;

  const get = async (kind: K, name: string, namespace = 'flux-system'): Promise<Obj> =>
    await custom.getNamespacedCustomObject({ ...G[kind], namespace, name }) as Obj;

  const merge = async (kind: K, name: string, body: unknown, namespace = 'flux-system'): Promise<Obj> =>
    await custom.patchNamespacedCustomObject({ ...G[kind], namespace, name, body }, setHeaderOptions('Content-Type', PatchStrategy.MergePatch)) as Obj;

  /** What `flux reconcile` does: annotate, then poll until lastHandledReconcileAt equals the token. */
  async function requestReconcile(kind: K, name: string, extra: Record<string, string> = {}, namespace = 'flux-system'): Promise<{ token: string; obj: Obj }> {
    const token = `2026-01-01T00:00:00.${String(++tokenN).padStart(9, '0')}Z`;
    const annotations: Record<string, string> = { [REQUESTED_AT]: token };
    for (const [k, v] of Object.entries(extra)) annotations[k] = v === 'TOKEN' ? token : v;
    await merge(kind, name, { metadata: { annotations } }, namespace);
    const end = Date.now() + 5000;
    for (;;) {
      const obj = await get(kind, name, namespace);
      if (obj.status?.lastHandledReconcileAt === token) return { token, obj };
      if (Date.now() > end) assert.fail(`${kind} ${namespace}/${name}: requestedAt ${token} never handled`);
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  const cond = (o: Obj, type: string): Cond | undefined => o.status?.conditions?.find((c) => c.type === type);

  before(async () => {
    server = await startApiServer();
    seedFluxInstall(server);
    addGitRepository(server, { name: 'flux-system', namespace: 'flux-system' });
    addGitRepository(server, { name: 'podinfo', namespace: 'flux-system', url: 'https://github.com/stefanprodan/podinfo', branch: 'master' });
    addKustomization(server, { name: 'apps', namespace: 'flux-system', sourceRef: { kind: 'GitRepository', name: 'podinfo' } });
    addKustomization(server, { name: 'infra', namespace: 'flux-system', dependsOn: [{ name: 'base' }] });
    addHelmRepository(server, { name: 'podinfo', namespace: 'flux-system' });
    addHelmRelease(server, { name: 'podinfo', namespace: 'flux-system' });
    addOCIRepository(server, { name: 'charts', namespace: 'flux-system' });
    addHelmRelease(server, { name: 'viaref', namespace: 'flux-system', chartRef: { kind: 'OCIRepository', name: 'charts' } });
    addAlert(server, { name: 'slack', namespace: 'flux-system' });
    sim = startFluxSimulator(server, { delayMs: 5 });
    const kc = new KubeConfig();
    kc.loadFromFile(server.kubeconfigPath);
    custom = kc.makeApiClient(CustomObjectsApi);
    core = kc.makeApiClient(CoreV1Api);
  });
  after(async () => { await server.close(); });

  test('seeded objects are Ready at their generation; HelmRelease with spec.chart got its HelmChart <ns>-<name>', async () => {
    const git = await get('GitRepository', 'podinfo');
    assert.equal(git.status?.observedGeneration, 1);
    assert.equal(cond(git, 'Ready')?.status, 'True');
    assert.match(git.status?.artifact?.revision ?? '', /^master@sha1:[0-9a-f]{40}$/);
    const chart = await get('HelmChart', 'flux-system-podinfo');
    assert.equal(cond(chart, 'Ready')?.reason, 'ChartPullSucceeded');
    const viaref = await get('HelmRelease', 'viaref');
    assert.deepEqual(viaref.spec.chartRef, { kind: 'OCIRepository', name: 'charts' });
    assert.equal('chart' in viaref.spec, false);
  });

  test('reconcile request: lastHandledReconcileAt = token, Ready, Normal event with the Ready reason, zap log line', async () => {
    const { token, obj } = await requestReconcile('GitRepository', 'podinfo');
    assert.equal(cond(obj, 'Ready')?.status, 'True');
    assert.equal(cond(obj, 'Ready')?.reason, 'Succeeded');
    assert.equal(obj.status?.observedGeneration, obj.metadata.generation);
    const events = await core.listNamespacedEvent({ namespace: 'flux-system', fieldSelector: 'involvedObject.kind=GitRepository,involvedObject.name=podinfo' });
    const ev = events.items.at(-1)!;
    assert.equal(ev.reason, 'Succeeded');
    assert.equal(ev.type, 'Normal');
    assert.equal(ev.source?.component, 'source-controller');
    assert.ok(ev.lastTimestamp instanceof Date);
    assert.match(ev.message ?? '', /stored artifact for revision 'master@sha1:/);
    const pod = (await core.listNamespacedPod({ namespace: 'flux-system', labelSelector: 'app=source-controller' })).items[0];
    const log = String(await core.readNamespacedPodLog({ namespace: 'flux-system', name: pod.metadata!.name!, container: 'manager' }));
    const lines = log.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    const mine = lines.filter((l) => l.name === 'podinfo' && l.controllerKind === 'GitRepository');
    assert.ok(mine.length >= 1);
    const l = mine[0];
    assert.equal(l.level, 'info');
    assert.equal(l.controller, 'gitrepository');
    assert.equal(l.controllerGroup, 'source.toolkit.fluxcd.io');
    assert.equal(l.namespace, 'flux-system');
    assert.deepEqual(l.GitRepository, { name: 'podinfo', namespace: 'flux-system' });
    assert.equal(typeof l.reconcileID, 'string');
    assert.equal(l.revision, obj.status?.artifact?.revision);
    assert.ok(!Number.isNaN(Date.parse(String(l.ts))));
    assert.ok(sim.reconciles.some((r) => r.token === token && r.outcome === 'success'));
  });

  test('a Kustomization applies its source\'s artifact revision', async () => {
    sim.setRevision('GitRepository/flux-system/podinfo', 'master@sha1:' + '1'.repeat(40));
    await requestReconcile('GitRepository', 'podinfo');
    const { obj } = await requestReconcile('Kustomization', 'apps');
    assert.equal(obj.status?.lastAppliedRevision, 'master@sha1:' + '1'.repeat(40));
    assert.equal(cond(obj, 'Ready')?.reason, 'ReconciliationSucceeded');
  });

  const retried: Array<[K, string, FailureClass, RegExp]> = [
    ['GitRepository', 'podinfo', 'GitOperationFailed', /couldn't find remote ref/],
    ['GitRepository', 'podinfo', 'AuthenticationFailed', /secret/],
    ['Kustomization', 'apps', 'ArtifactFailed', /path not found/],
    ['Kustomization', 'apps', 'BuildFailed', /kustomize build failed/],
    ['Kustomization', 'apps', 'HealthCheckFailed', /timeout waiting for: \[/],
    ['Kustomization', 'infra', 'DependencyNotReady', /dependency 'flux-system\/base' is not ready/],
    ['Kustomization', 'apps', 'ReconciliationFailed', /dry-run failed/],
    ['HelmRelease', 'podinfo', 'InstallFailed', /Helm install failed for release flux-system\/podinfo/],
    ['HelmRelease', 'podinfo', 'UpgradeFailed', /Helm upgrade failed/],
    ['HelmRelease', 'podinfo', 'SourceNotReady', /HelmChart 'flux-system\/flux-system-podinfo' is not ready/],
  ];
  for (const [kind, name, reason, message] of retried) {
    test(`failure ${kind} ${reason}: Ready=False, Reconciling=True ProgressingWithRetry, Warning event, error log`, async () => {
      sim.failNext({ kind, namespace: 'flux-system', name }, reason);
      const { obj } = await requestReconcile(kind, name);
      const ready = cond(obj, 'Ready');
      assert.equal(ready?.status, 'False');
      assert.equal(ready?.reason, reason);
      assert.match(ready?.message ?? '', message);
      assert.equal(cond(obj, 'Reconciling')?.status, 'True');
      assert.equal(cond(obj, 'Reconciling')?.reason, 'ProgressingWithRetry');
      assert.equal(cond(obj, 'Stalled'), undefined);
      const events = await core.listNamespacedEvent({ namespace: 'flux-system', fieldSelector: `involvedObject.kind=${kind},involvedObject.name=${name},type=Warning` });
      assert.ok(events.items.some((e) => e.reason === reason));
    });
  }

  const stalled: Array<[K, string, FailureClass]> = [
    ['GitRepository', 'podinfo', 'URLInvalid'], ['HelmChart', 'flux-system-podinfo', 'InvalidChartReference'], ['HelmRelease', 'podinfo', 'RetriesExceeded'],
  ];
  for (const [kind, name, reason] of stalled) {
    test(`failure ${kind} ${reason} is Stalled`, async () => {
      sim.failNext(`${kind}/flux-system/${name}`, reason);
      const { obj } = await requestReconcile(kind, name);
      assert.equal(cond(obj, 'Ready')?.reason, reason);
      assert.equal(cond(obj, 'Stalled')?.status, 'True');
      assert.equal(cond(obj, 'Reconciling'), undefined);
    });
  }

  test('failNext fails once; the next reconcile succeeds and keeps the error out of Ready', async () => {
    sim.failNext('GitRepository/flux-system/flux-system', 'GitOperationFailed');
    const first = await requestReconcile('GitRepository', 'flux-system');
    assert.equal(cond(first.obj, 'Ready')?.status, 'False');
    const second = await requestReconcile('GitRepository', 'flux-system');
    assert.equal(cond(second.obj, 'Ready')?.status, 'True');
    assert.equal(cond(second.obj, 'Reconciling'), undefined);
    const pod = (await core.listNamespacedPod({ namespace: 'flux-system', labelSelector: 'app=source-controller' })).items[0];
    const log = String(await core.readNamespacedPodLog({ namespace: 'flux-system', name: pod.metadata!.name!, container: 'manager' }));
    const err = log.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => l.level === 'error' && l.name === 'flux-system');
    assert.equal(err?.msg, 'Reconciler error');
    assert.match(String(err?.error), /couldn't find remote ref/);
  });

  test('suspended objects are not reconciled; resume (suspend: null) bumps generation and reconciles', async () => {
    const suspended = await merge('Kustomization', 'apps', { spec: { suspend: true } });
    const gen = suspended.metadata.generation;
    await merge('Kustomization', 'apps', { metadata: { annotations: { [REQUESTED_AT]: 'while-suspended' } } });
    await sim.idle();
    await new Promise((r) => setTimeout(r, 30));
    const still = await get('Kustomization', 'apps');
    assert.notEqual(still.status?.lastHandledReconcileAt, 'while-suspended');
    assert.ok(!sim.reconciles.some((r) => r.token === 'while-suspended'));
    const resumed = await merge('Kustomization', 'apps', { spec: { suspend: null } });
    assert.equal(resumed.metadata.generation, gen + 1);
    const end = Date.now() + 5000;
    let obj = resumed;
    while (obj.status?.observedGeneration !== resumed.metadata.generation) {
      if (Date.now() > end) assert.fail('resume was never reconciled');
      await new Promise((r) => setTimeout(r, 10));
      obj = await get('Kustomization', 'apps');
    }
    assert.equal(cond(obj, 'Ready')?.status, 'True');
    assert.equal(obj.status?.lastHandledReconcileAt, 'while-suspended', 'the pending request is handled on resume');
  });

  test('neverHandle leaves the request unanswered', async () => {
    sim.neverHandle('GitRepository/flux-system/flux-system');
    try {
      await merge('GitRepository', 'flux-system', { metadata: { annotations: { [REQUESTED_AT]: 'ignored-token' } } });
      await sim.idle();
      await new Promise((r) => setTimeout(r, 30));
      assert.notEqual((await get('GitRepository', 'flux-system')).status?.lastHandledReconcileAt, 'ignored-token');
    } finally {
      sim.neverHandle('GitRepository/flux-system/flux-system', false);
    }
  });

  test('HelmRelease: forceAt/resetAt handled only when equal to requestedAt; history grows on upgrade', async () => {
    const before = (await get('HelmRelease', 'podinfo')).status?.history?.[0]?.version ?? 0;
    const forced = await requestReconcile('HelmRelease', 'podinfo', { [FORCE_AT]: 'TOKEN' });
    assert.equal(forced.obj.status?.lastHandledForceAt, forced.token);
    assert.equal(forced.obj.status?.history?.[0]?.version, before + 1);
    assert.equal(forced.obj.status?.history?.[0]?.status, 'deployed');
    assert.equal(cond(forced.obj, 'Ready')?.reason, before === 0 ? 'InstallSucceeded' : 'UpgradeSucceeded');
    const stale = await requestReconcile('HelmRelease', 'podinfo', { [FORCE_AT]: 'some-older-token' });
    assert.equal(stale.obj.status?.lastHandledForceAt, forced.token, 'a forceAt that differs from requestedAt is ignored');
    sim.failNext('HelmRelease/flux-system/podinfo', 'InstallFailed');
    const failed = await requestReconcile('HelmRelease', 'podinfo');
    assert.ok((failed.obj.status?.installFailures ?? 0) >= 1);
    const reset = await requestReconcile('HelmRelease', 'podinfo', { [RESET_AT]: 'TOKEN' });
    assert.equal(reset.obj.status?.lastHandledResetAt, reset.token);
    assert.equal(reset.obj.status?.installFailures, undefined);
  });

  test('objects created without status are reconciled; Receiver gets status.webhookPath; Alert is left alone', async () => {
    addReceiver(server, { name: 'github', namespace: 'flux-system', status: 'none' });
    const end = Date.now() + 5000;
    let r = await get('Receiver', 'github');
    while (!r.status?.webhookPath) {
      if (Date.now() > end) assert.fail('Receiver never reconciled');
      await new Promise((res) => setTimeout(res, 10));
      r = await get('Receiver', 'github');
    }
    assert.match(r.status.webhookPath, /^\/hook\/[0-9a-f]{64}$/);
    await merge('Alert', 'slack', { metadata: { annotations: { [REQUESTED_AT]: 'alert-token' } } });
    await sim.idle();
    const alert = await get('Alert', 'slack');
    assert.equal(alert.status, undefined);
  });
});

describe('seed helpers', () => {
  let server: FakeApiServer;
  before(async () => { server = await startApiServer(); });
  after(async () => { await server.close(); });

  test('Helm storage Secret: data.release is base64(base64(gzip(json))) with .manifest', async () => {
    addHelmStorageSecret(server, { name: 'podinfo', namespace: 'podinfo', version: 3, manifest: 'apiVersion: v1\nkind: Service\nmetadata:\n  name: podinfo\n' });
    const kc = new KubeConfig();
    kc.loadFromFile(server.kubeconfigPath);
    const s = await kc.makeApiClient(CoreV1Api).readNamespacedSecret({ namespace: 'podinfo', name: 'sh.helm.release.v1.podinfo.v3' });
    assert.equal(s.type, 'helm.sh/release.v1');
    const helmPayload = Buffer.from(s.data!.release, 'base64').toString('utf8');
    const raw = Buffer.from(helmPayload, 'base64');
    assert.equal(raw.subarray(0, 3).toString('hex'), '1f8b08');
    const release = JSON.parse(gunzipSync(raw).toString('utf8')) as { manifest: string; version: number; info: { status: string } };
    assert.match(release.manifest, /kind: Service/);
    assert.equal(release.version, 3);
    assert.equal(release.info.status, 'deployed');
  });

  test('Kustomization inventory ids are <ns>_<name>_<group>_<kind> with : as __', async () => {
    addKustomization(server, {
      name: 'apps', namespace: 'flux-system', inventory: [
        { namespace: 'podinfo', name: 'podinfo', group: 'apps', kind: 'Deployment' },
        { name: 'podinfo', kind: 'Namespace' },
        { name: 'system:podinfo', group: 'rbac.authorization.k8s.io', kind: 'ClusterRole' },
      ],
    });
    const kc = new KubeConfig();
    kc.loadFromFile(server.kubeconfigPath);
    const ks = await kc.makeApiClient(CustomObjectsApi).getNamespacedCustomObject({ ...G.Kustomization, namespace: 'flux-system', name: 'apps' }) as Obj;
    assert.deepEqual(ks.status?.inventory?.entries.map((e) => e.id), ['podinfo_podinfo_apps_Deployment', '_podinfo__Namespace', '_system__podinfo_rbac.authorization.k8s.io_ClusterRole']);
  });
});
