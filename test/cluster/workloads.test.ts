/**
 * Workloads under a Kustomization's inventory (issue 9): ready/desired for Deployments,
 * StatefulSets and DaemonSets, and why a failing one fails, read lazily when the parent expands.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { KubeConfig } from '@kubernetes/client-node';
import { buildExplorerTree, type ExplorerNode, loadChildren } from '../../server/src/cluster/explorer-model';
import { FluxWatchCache } from '../../server/src/cluster/watch-cache';
import { type FakeApiServer, startApiServer } from '../fixture/apiserver';
import { addGitRepository, addKustomization, ensureNamespace, inventoryEntry } from '../fixture/seed';

let server: FakeApiServer;
before(async () => { server = await startApiServer(); });
after(async () => { await server.close(); });

function flatten(nodes: ExplorerNode[]): ExplorerNode[] {
  return nodes.flatMap((n) => [n, ...flatten(n.children ?? [])]);
}

test('inventory workloads show ready/desired and the failing reason, without secret data, only when expanded', async () => {
  ensureNamespace(server, 'wl');
  const dep = (name: string, replicas: number, ready: number) => server.create({
    apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name, namespace: 'wl', generation: 1 },
    spec: { replicas, selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'app', image: `${name}:1`, env: [{ name: 'PASSWORD', value: 'SECRET-VALUE' }] }] } } },
    status: { observedGeneration: 1, replicas, updatedReplicas: replicas, readyReplicas: ready, availableReplicas: ready },
  });
  dep('web', 2, 0);
  dep('api', 1, 1);
  server.create({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web-1', namespace: 'wl', labels: { app: 'web' } }, spec: { containers: [{ name: 'app', image: 'web:1', env: [{ name: 'PASSWORD', value: 'SECRET-VALUE' }] }] },
    status: { phase: 'Running', containerStatuses: [{ name: 'app', ready: false, restartCount: 5, image: 'web:1', imageID: '', state: { waiting: { reason: 'CrashLoopBackOff', message: 'back-off 5m0s restarting failed container=app' } }, lastState: { terminated: { reason: 'Error', exitCode: 1 } } }] } });
  server.create({ apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name: 'db', namespace: 'wl', generation: 1 }, spec: { replicas: 1, selector: { matchLabels: { app: 'db' } } }, status: { observedGeneration: 1, replicas: 1, readyReplicas: 0 } });
  server.create({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'db-0', namespace: 'wl', labels: { app: 'db' } }, spec: { containers: [{ name: 'db', image: 'postgres:nope' }] },
    status: { phase: 'Pending', containerStatuses: [{ name: 'db', ready: false, restartCount: 0, image: 'postgres:nope', imageID: '', state: { waiting: { reason: 'ImagePullBackOff', message: 'Back-off pulling image "postgres:nope"' } } }] } });
  server.create({ apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: { name: 'agent', namespace: 'wl', generation: 1 }, spec: { selector: { matchLabels: { app: 'agent' } } }, status: { observedGeneration: 1, desiredNumberScheduled: 3, numberReady: 3, currentNumberScheduled: 3, numberMisscheduled: 0 } });
  addGitRepository(server, { name: 'wl-src' });
  addKustomization(server, {
    name: 'wl-apps', sourceRef: { kind: 'GitRepository', name: 'wl-src' },
    status: { observedGeneration: 1, conditions: [{ type: 'Ready', status: 'True', reason: 'ReconciliationSucceeded', message: 'ok' }], inventory: { entries: [
      inventoryEntry({ namespace: 'wl', name: 'web', group: 'apps', kind: 'Deployment', version: 'v1' }),
      inventoryEntry({ namespace: 'wl', name: 'api', group: 'apps', kind: 'Deployment', version: 'v1' }),
      inventoryEntry({ namespace: 'wl', name: 'db', group: 'apps', kind: 'StatefulSet', version: 'v1' }),
      inventoryEntry({ namespace: 'wl', name: 'agent', group: 'apps', kind: 'DaemonSet', version: 'v1' }),
      inventoryEntry({ namespace: 'wl', name: 'gone', group: 'apps', kind: 'Deployment', version: 'v1' }),
      inventoryEntry({ namespace: 'wl', name: 'cfg', kind: 'ConfigMap', version: 'v1' }),
    ] } },
  });
  const kc = new KubeConfig();
  kc.loadFromFile(server.kubeconfigPath);
  const conn = { kubeConfig: kc };
  const cache = new FluxWatchCache(conn, { kinds: ['GitRepository', 'Kustomization'], probeMs: 0 });
  try {
    await cache.start();
    const snap = cache.snapshot();
    server.requests.length = 0;
    const ks = flatten(buildExplorerTree(snap, { context: 'fake' })).find((n) => n.label === 'wl-apps')!;
    assert.ok(!server.requests.some((r) => r.path.includes('/deployments')), 'nothing read before the parent is expanded');
    const kids = await loadChildren(conn, ks, snap);
    const by = (label: string) => kids.find((n) => n.label === label)!;
    assert.match(by('Deployment/web').description ?? '', /^0\/2 ready · CrashLoopBackOff/);
    assert.equal(by('Deployment/web').icon, 'workload-failing');
    assert.match(by('Deployment/web').tooltip ?? '', /back\\-off 5m0s restarting failed container=app/);
    assert.match(by('Deployment/api').description ?? '', /^1\/1 ready/);
    assert.equal(by('Deployment/api').icon, 'workload-ready');
    assert.match(by('StatefulSet/db').description ?? '', /^0\/1 ready · ImagePullBackOff/);
    assert.match(by('DaemonSet/agent').description ?? '', /^3\/3 ready/);
    assert.match(by('Deployment/gone').description ?? '', /not found/);
    assert.equal(by('ConfigMap/cfg').icon, 'resource');
    assert.deepEqual(by('Deployment/web').ref, { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', namespace: 'wl' });
    assert.ok(!JSON.stringify(kids.map((k) => ({ ...k, tooltip: k.tooltip }))).includes('SECRET-VALUE'));
  } finally { cache.dispose(); }
});
