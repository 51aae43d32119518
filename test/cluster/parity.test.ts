/**
 * One test per flux CLI parity mismatch of issue 9, through the CLI (output, exit code) and the
 * requests the fixture API server recorded (patches sent), with the Flux controller simulator.
 */
import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { type FakeApiServer, startApiServer } from '../fixture/apiserver';
import { type FluxSimulator, startFluxSimulator } from '../fixture/flux-sim';
import {
  addAlert, addEvent, addFluxObject, addGitRepository, addHelmRelease, addHelmRepository, addHelmStorageSecret, addImagePolicy,
  addImageRepository, addKustomization, addProvider, addReceiver, inventoryEntry, seedFluxInstall,
} from '../fixture/seed';
import { runClusterCommand } from '../../server/src/cli/cluster-commands';
import { helmStorageStats, readHelmRelease } from '../../server/src/cluster/helm-storage';
import { humanDuration } from '../../server/src/cluster/table';
import { KubeConfig } from '@kubernetes/client-node';
import type { FluxObject } from '../../server/src/cluster/types';

let server: FakeApiServer;
let sim: FluxSimulator;

async function cli(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const sink = (f: (s: string) => void): Writable => new Writable({ write(c, _e, cb) { f(String(c)); cb(); } });
  const code = await runClusterCommand([...args, '--kubeconfig', server.kubeconfigPath, '--poll-interval', '20ms'], {
    stdout: sink((s) => { out += s; }), stderr: sink((s) => { err += s; }),
  });
  return { code, out, err };
}

const patches = (): Array<{ path: string; body: string }> => server.requests.filter((r) => r.method === 'PATCH').map((r) => ({ path: r.path, body: r.body }));

before(async () => {
  server = await startApiServer();
  sim = startFluxSimulator(server, { delayMs: 5 });
});
after(async () => { sim.stop(); await server.close(); });
beforeEach(() => { server.faults.reset(); server.requests.length = 0; });

describe('get', () => {
  test('get all: a 403 on HelmReleases is reported and the other kinds are still listed (exit 0)', async () => {
    addGitRepository(server, { name: 'get-all-repo' });
    addHelmRelease(server, { name: 'get-all-hr' });
    server.faults.deny({ resource: 'helmreleases.helm.toolkit.fluxcd.io', verbs: ['list'] });
    const r = await cli('get', 'all');
    assert.equal(r.code, 0);
    assert.match(r.out, /gitrepository\/get-all-repo/);
    assert.doesNotMatch(r.out, /helmrelease\/get-all-hr/);
    assert.match(r.err, /HelmRelease.*forbidden/);
  });

  test('columns per kind: Alert, Provider, Receiver and ImagePolicy have their own headers', async () => {
    addProvider(server, { name: 'cols-slack', namespace: 'cols' });
    addAlert(server, { name: 'cols-alert', namespace: 'cols', providerRef: 'cols-slack' });
    addReceiver(server, { name: 'cols-rcv', namespace: 'cols' });
    addImageRepository(server, { name: 'cols-img', namespace: 'cols' });
    addImagePolicy(server, { name: 'cols-pol', namespace: 'cols', imageRepository: 'cols-img' });
    const header = async (kind: string): Promise<string> => (await cli('get', kind, '-n', 'cols')).out.split('\n')[0]!.split(/\s{2,}/).join('|');
    assert.equal(await header('alert'), 'NAME|SUSPENDED|READY|MESSAGE');
    assert.equal(await header('alert-provider'), 'NAME|READY|MESSAGE');
    assert.equal(await header('receiver'), 'NAME|SUSPENDED|READY|MESSAGE');
    assert.equal(await header('imagepolicy'), 'NAME|LATEST IMAGE|READY|MESSAGE');
    assert.match((await cli('get', 'alert', '-n', 'cols')).out, /cols-alert\s+False\s+True\s+Alert is Ready/);
  });

  test('a long hex digest inside the Ready message is shortened to 8 characters', async () => {
    const sha = 'a'.repeat(40);
    addGitRepository(server, { name: 'hex-repo', namespace: 'hex', status: { conditions: [{ type: 'Ready', status: 'True', reason: 'Succeeded', message: `stored artifact for revision 'main@sha1:${sha}'`, lastTransitionTime: new Date().toISOString() }], observedGeneration: 1 } });
    const r = await cli('get', 'source', 'git', '-n', 'hex');
    assert.match(r.out, /main@sha1:aaaaaaaa'/);
    assert.ok(!r.out.includes(sha));
  });

  test('get all lists ExternalArtifact', async () => {
    addFluxObject(server, 'ExternalArtifact', { name: 'ext-art', namespace: 'ext', spec: { sourceRef: { apiVersion: 'source.extensions.fluxcd.io/v1beta1', kind: 'ArtifactGenerator', name: 'gen' } } });
    const r = await cli('get', 'all', '-n', 'ext');
    assert.match(r.out, /externalartifact\/ext-art/);
  });

  test('-l, --status-selector and NAME filter like the CLI', async () => {
    addGitRepository(server, { name: 'sel-a', namespace: 'sel', labels: { team: 'a' } });
    addGitRepository(server, { name: 'sel-b', namespace: 'sel', labels: { team: 'b' }, status: { failed: 'GitOperationFailed' } });
    assert.deepEqual(rowsOf((await cli('get', 'gitrepo', '-n', 'sel', '-l', 'team=a')).out), ['sel-a']);
    assert.deepEqual(rowsOf((await cli('get', 'gitrepo', '-n', 'sel', '--status-selector', 'ready=false')).out), ['sel-b']);
    assert.deepEqual(rowsOf((await cli('get', 'gitrepo', 'sel-b', '-n', 'sel')).out), ['sel-b']);
    const bad = await cli('get', 'gitrepo', '-n', 'sel', '--status-selector', 'ready');
    assert.equal(bad.code, 2);
    assert.match(bad.err, /expected status selector in type=status format/);
    assert.ok(server.requests.some((q) => q.query.labelSelector === 'team=a'), 'the label selector is sent to the API server');
  });

  test('--watch prints the initial rows and then a row per change, until the timeout', async () => {
    addGitRepository(server, { name: 'watch-a', namespace: 'watch' });
    const run = cli('get', 'gitrepo', '-n', 'watch', '--watch', '--timeout', '1500ms');
    await new Promise((r) => setTimeout(r, 700));
    server.patch({ apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'GitRepository' }, 'watch', 'watch-a', { spec: { suspend: true } });
    const r = await run;
    assert.equal(r.code, 0);
    const lines = r.out.trim().split('\n');
    assert.match(lines[0] ?? '', /^NAME\s+REVISION\s+SUSPENDED/);
    assert.match(lines[1] ?? '', /^watch-a\s.*False/);
    assert.match(lines.at(-1) ?? '', /^watch-a\s.*True/, 'the change is printed as a new row without a header');
    assert.equal(lines.filter((l) => l.startsWith('NAME')).length, 1);
  });
});

function rowsOf(out: string): string[] {
  return out.trim().split('\n').slice(1).map((l) => l.split(/\s+/)[0]!).filter(Boolean);
}

describe('reconcile and resume', () => {
  test('reconcile hr --with-source requests the chart source, then the HelmChart, then the HelmRelease', async () => {
    addHelmRepository(server, { name: 'ws-repo', namespace: 'ws' });
    addHelmRelease(server, { name: 'ws-app', namespace: 'ws', chart: { chart: 'podinfo', version: '6.5.4', sourceRef: { kind: 'HelmRepository', name: 'ws-repo' } } });
    const r = await cli('reconcile', 'hr', 'ws-app', '-n', 'ws', '--with-source', '--timeout', '10s');
    assert.equal(r.code, 0, r.err);
    const order = patches().map((p) => p.path.split('/').slice(-2).join('/'));
    assert.deepEqual(order, ['helmrepositories/ws-repo', 'helmcharts/ws-ws-app', 'helmreleases/ws-app']);
    assert.match(r.out, /HelmRepository ws\/ws-repo.*\n.*HelmChart ws\/ws-ws-app.*\n.*HelmRelease ws\/ws-app/);
  });

  test('--with-source on an ExternalArtifact source is refused at once, nothing patched', async () => {
    addHelmRelease(server, { name: 'ea-app', namespace: 'ea', chartRef: { kind: 'ExternalArtifact', name: 'chart' } });
    const t0 = Date.now();
    const r = await cli('reconcile', 'hr', 'ea-app', '-n', 'ea', '--with-source', '--timeout', '10s');
    assert.equal(r.code, 1);
    assert.match(r.err, /cannot reconcile source of kind ExternalArtifact/);
    assert.deepEqual(patches(), []);
    assert.ok(Date.now() - t0 < 5000);
  });

  test('an OCI HelmRepository is Ready in get, and resume does not wait for a status', async () => {
    addHelmRepository(server, { name: 'oci-repo', namespace: 'oci', oci: true, status: 'none', suspend: true });
    const g = await cli('get', 'source', 'helm', '-n', 'oci');
    assert.match(g.out, /oci-repo\s+True\s+True\s+static/);
    const t0 = Date.now();
    const r = await cli('resume', 'source', 'helm', 'oci-repo', '-n', 'oci', '--timeout', '20s');
    assert.equal(r.code, 0, r.err);
    assert.ok(Date.now() - t0 < 5000, 'no wait for a status the controller never writes');
  });

  test('suspend several names and resume --all', async () => {
    for (const n of ['multi-a', 'multi-b', 'multi-c']) addGitRepository(server, { name: n, namespace: 'multi' });
    const s = await cli('suspend', 'source', 'git', 'multi-a', 'multi-b', '-n', 'multi');
    assert.equal(s.code, 0, s.err);
    assert.equal(patches().length, 2);
    server.requests.length = 0;
    const r = await cli('resume', 'source', 'git', '--all', '-n', 'multi', '--timeout', '10s');
    assert.equal(r.code, 0, r.err);
    assert.deepEqual(patches().map((p) => p.path.split('/').at(-1)), ['multi-a', 'multi-b'], 'only the suspended ones are resumed');
    assert.equal((await cli('suspend', 'source', 'git', '-n', 'multi')).code, 2, 'no NAME and no --all is a usage error');
  });
});

describe('check', () => {
  test('Flux 2.6 without the ExternalArtifact CRD passes; the Kubernetes version is checked', async () => {
    const s = await startApiServer({ fluxCrds: ['GitRepository', 'HelmRepository', 'HelmChart', 'Bucket', 'OCIRepository', 'Kustomization', 'HelmRelease', 'Alert', 'Provider', 'Receiver'], crdOptions: { fluxVersion: 'v2.6.4' } });
    try {
      seedFluxInstall(s, { version: 'v2.6.4', controllers: ['source-controller', 'kustomize-controller', 'helm-controller', 'notification-controller'] });
      const run = (args: string[]) => runClusterCommand(['check', ...args, '--kubeconfig', s.kubeconfigPath], { stdout: new Writable({ write(_c, _e, cb) { cb(); } }), stderr: new Writable({ write(_c, _e, cb) { cb(); } }) });
      assert.equal(await run(['--timeout', '0s']), 0);
    } finally { await s.close(); }
    const old = await startApiServer({ serverVersion: { major: '1', minor: '29', gitVersion: 'v1.29.4' } });
    try {
      seedFluxInstall(old);
      let out = '';
      const code = await runClusterCommand(['check', '--timeout', '0s', '--kubeconfig', old.kubeconfigPath], { stdout: new Writable({ write(c, _e, cb) { out += String(c); cb(); } }), stderr: new Writable({ write(_c, _e, cb) { cb(); } }) });
      assert.equal(code, 1);
      assert.match(out, /✗ kubernetes 1\.29\.4>=1\.30\.0/);
    } finally { await old.close(); }
  });

  test('check waits for a controller that becomes ready instead of judging one snapshot', async () => {
    const s = await startApiServer();
    try {
      seedFluxInstall(s, { notReady: ['helm-controller'] });
      setTimeout(() => {
        const d = s.get({ apiVersion: 'apps/v1', kind: 'Deployment' }, 'flux-system', 'helm-controller')!;
        s.patch({ apiVersion: 'apps/v1', kind: 'Deployment' }, 'flux-system', 'helm-controller', { status: { ...(d.status as object), readyReplicas: 1, availableReplicas: 1, updatedReplicas: 1, unavailableReplicas: null, observedGeneration: d.metadata.generation, conditions: [{ type: 'Available', status: 'True', reason: 'MinimumReplicasAvailable', message: 'Deployment has minimum availability.' }] } });
      }, 300);
      const code = await runClusterCommand(['check', '--timeout', '10s', '--poll-interval', '100ms', '--kubeconfig', s.kubeconfigPath], { stdout: new Writable({ write(_c, _e, cb) { cb(); } }), stderr: new Writable({ write(_c, _e, cb) { cb(); } }) });
      assert.equal(code, 0);
    } finally { await s.close(); }
  });
});

describe('tree', () => {
  test("no line for the Kustomization's own entry; objects applied to a remote cluster are not read; --compact", async () => {
    addGitRepository(server, { name: 'tree-src', namespace: 'tree' });
    addKustomization(server, {
      name: 'tree-root', namespace: 'tree', sourceRef: { kind: 'GitRepository', name: 'tree-src' },
      status: { observedGeneration: 1, conditions: [{ type: 'Ready', status: 'True', reason: 'ReconciliationSucceeded', message: 'ok' }], inventory: { entries: [
        inventoryEntry({ namespace: 'tree', name: 'tree-root', group: 'kustomize.toolkit.fluxcd.io', kind: 'Kustomization', version: 'v1' }),
        inventoryEntry({ namespace: 'tree', name: 'tree-remote', group: 'kustomize.toolkit.fluxcd.io', kind: 'Kustomization', version: 'v1' }),
        inventoryEntry({ namespace: 'tree', name: 'cm', kind: 'ConfigMap', version: 'v1' }),
      ] } },
    });
    addKustomization(server, {
      name: 'tree-remote', namespace: 'tree', sourceRef: { kind: 'GitRepository', name: 'tree-src' }, spec: { kubeConfig: { secretRef: { name: 'remote' } } },
      status: { observedGeneration: 1, conditions: [{ type: 'Ready', status: 'True', reason: 'ReconciliationSucceeded', message: 'ok' }], inventory: { entries: [
        inventoryEntry({ namespace: 'remote-ns', name: 'remote-ks', group: 'kustomize.toolkit.fluxcd.io', kind: 'Kustomization', version: 'v1' }),
      ] } },
    });
    server.requests.length = 0;
    const r = await cli('tree', 'ks', 'tree-root', '-n', 'tree');
    assert.equal(r.code, 0, r.err);
    assert.doesNotMatch(r.out, /cycle/);
    assert.equal(r.out.split('\n').filter((l) => l.includes('tree-root')).length, 1);
    assert.match(r.out, /Kustomization\/remote-ns\/remote-ks/);
    assert.ok(!server.requests.some((q) => q.path.includes('remote-ns')), 'nothing of the remote cluster is read from this one');
    const c = await cli('tree', 'ks', 'tree-root', '-n', 'tree', '--compact');
    assert.doesNotMatch(c.out, /ConfigMap/);
    assert.match(c.out, /tree-remote/);
  });
});

describe('events', () => {
  test('related objects (Alert → Provider), NAMESPACE only when namespaces differ, relative ages, --types, -A', async () => {
    addProvider(server, { name: 'ev-slack', namespace: 'ev' });
    addAlert(server, { name: 'ev-alert', namespace: 'ev', providerRef: 'ev-slack' });
    const now = Date.now();
    addEvent(server, { involved: { kind: 'Alert', name: 'ev-alert', namespace: 'ev' }, reason: 'Ok', message: 'alert ok', lastTimestamp: new Date(now - 12 * 3_600_000) });
    addEvent(server, { involved: { kind: 'Provider', name: 'ev-slack', namespace: 'ev' }, reason: 'InvalidConfig', message: 'bad url', type: 'Warning', lastTimestamp: new Date(now - 20 * 60_000) });
    addEvent(server, { involved: { kind: 'Pod', name: 'p', namespace: 'ev' }, reason: 'Pulled', message: 'not a flux kind', lastTimestamp: new Date(now) });
    const r = await cli('events', '--for', 'Alert/ev-alert', '-n', 'ev');
    assert.equal(r.code, 0, r.err);
    const lines = r.out.trim().split('\n');
    assert.match(lines[0]!, /^LAST SEEN\s+TYPE\s+REASON\s+OBJECT\s+MESSAGE$/);
    // Ages that read the same for minutes (the CLI takes a moment to start): 12h, 20m.
    assert.match(lines[1]!, /^12h\s+Normal\s+Ok\s+Alert\/ev-alert/);
    assert.match(lines[2]!, /^20m\s+Warning\s+InvalidConfig\s+Provider\/ev-slack/);
    const w = await cli('events', '-n', 'ev', '--types', 'warning');
    assert.deepEqual(w.out.trim().split('\n').slice(1).map((l) => l.split(/\s+/)[3]), ['Provider/ev-slack']);
    const all = await cli('events', '-A', '--types', 'Warning');
    assert.match(all.out.split('\n')[0]!, /^NAMESPACE\s+LAST SEEN/);
    assert.doesNotMatch(all.out, /Pod\/p/);
    assert.equal((await cli('events', '--types', 'Error')).code, 2);
  });

  test('humanDuration follows Kubernetes (duration.HumanDuration)', () => {
    const s = 1000; const m = 60 * s; const h = 60 * m; const d = 24 * h;
    assert.deepEqual([59 * s, 119 * s, 3 * m + 20 * s, 10 * m, 179 * m, 4 * h + 5 * m, 30 * h, 3 * d + 4 * h, 20 * d, 800 * d, 3000 * d, -500, -3000]
      .map(humanDuration), ['59s', '119s', '3m20s', '10m', '179m', '4h5m', '30h', '3d4h', '20d', '2y70d', '8y', '0s', '<invalid>']);
  });
});

describe('Helm storage', () => {
  test('repeated reads of the same storage Secret decode once per resourceVersion', async () => {
    addHelmStorageSecret(server, { name: 'cache-app', namespace: 'hs', version: 1, manifest: 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n' });
    const hr = { apiVersion: 'helm.toolkit.fluxcd.io/v2', kind: 'HelmRelease', metadata: { name: 'cache-app', namespace: 'hs' }, spec: {}, status: { history: [{ name: 'cache-app', version: 1 }] } } as FluxObject;
    const kc = new KubeConfig();
    kc.loadFromFile(server.kubeconfigPath);
    const conn = { kubeConfig: kc };
    const before = { ...helmStorageStats };
    const a = await readHelmRelease(conn, hr);
    const b = await readHelmRelease(conn, hr);
    assert.deepEqual(a.objects, b.objects);
    assert.equal(helmStorageStats.decoded - before.decoded, 1);
    assert.equal(helmStorageStats.cached - before.cached, 1);
    server.patch({ apiVersion: 'v1', kind: 'Secret' }, 'hs', 'sh.helm.release.v1.cache-app.v1', { metadata: { labels: { status: 'superseded' } } });
    await readHelmRelease(conn, hr);
    assert.equal(helmStorageStats.decoded - before.decoded, 2, 'a new resourceVersion is decoded again');
  });
});

describe('trace', () => {
  test('a Pod → ReplicaSet → Deployment labelled by a Kustomization → its GitRepository, each with status', async () => {
    addGitRepository(server, { name: 'tr-src', namespace: 'flux-system', revision: 'main@sha1:' + 'b'.repeat(40) });
    addKustomization(server, { name: 'tr-apps', namespace: 'flux-system', sourceRef: { kind: 'GitRepository', name: 'tr-src' }, spec: { path: './apps', targetNamespace: 'tr' } });
    const labels = { 'kustomize.toolkit.fluxcd.io/name': 'tr-apps', 'kustomize.toolkit.fluxcd.io/namespace': 'flux-system' };
    const dep = server.create({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'tr', labels }, spec: { replicas: 1 } });
    const rs = server.create({ apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: 'web-abc', namespace: 'tr', ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', uid: String(dep.metadata.uid), controller: true }] }, spec: {} });
    server.create({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web-abc-x1', namespace: 'tr', ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web-abc', uid: String(rs.metadata.uid), controller: true }] }, spec: { containers: [{ name: 'web', image: 'web' }] } });
    const r = await cli('trace', 'pod', 'web-abc-x1', '-n', 'tr');
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /^Object:\s+Pod\/web-abc-x1\nNamespace:\s+tr\nStatus:\s+Managed by Flux\nOwners:\s+ReplicaSet\/web-abc → Deployment\/web/);
    assert.match(r.out, /---\nKustomization:\s+tr-apps\nNamespace:\s+flux-system\nTarget:\s+tr\nPath:\s+\.\/apps/);
    assert.match(r.out, /---\nGitRepository:\s+tr-src[\s\S]*Revision:\s+main@sha1:b{40}\nStatus:\s+Last reconciled at/);
    const slash = await cli('trace', 'deployment/web', '-n', 'tr');
    assert.equal(slash.code, 0);
    server.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'loose', namespace: 'tr' }, data: {} });
    const loose = await cli('trace', 'cm', 'loose', '-n', 'tr');
    assert.equal(loose.code, 1);
    assert.match(loose.out, /Not managed by Flux/);
    const unknown = await cli('trace', 'widget', 'x', '-n', 'tr');
    assert.equal(unknown.code, 2);
    assert.match(unknown.err, /--api-version/);
  });
});
