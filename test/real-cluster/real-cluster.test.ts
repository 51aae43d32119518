/**
 * Opt-in suite against a real cluster: `KUBECONFIG=~/.kube/config npm run test:cluster`.
 * It needs a cluster with Flux installed (e.g. kind + `flux install`) and uses the current context,
 * or FW_CONTEXT. Read-only scenarios always run; the reconcile scenario patches only the
 * `reconcile.fluxcd.io/requestedAt` annotation of FW_RECONCILE (default `kustomization/flux-system`).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { KubeConfig } from '@kubernetes/client-node';
import { buildExplorerTree, ClusterConnection, FluxWatchCache, loadKubeConfig } from '../../server/src/cluster';
import { checkFlux } from '../../server/src/cluster/check';
import { getRows, type ClusterAccess } from '../../server/src/cluster/get';
import { listEvents } from '../../server/src/cluster/events';
import { reconcile, REQUESTED_AT } from '../../server/src/cluster/actions';
import { getObject } from '../../server/src/cluster/get';
import { resolveKind } from '../../server/src/engine/kinds';

const kubeconfig = process.env.KUBECONFIG;
const skip = kubeconfig ? false : 'KUBECONFIG is not set: this opt-in suite needs a real cluster with Flux installed';
if (skip) console.log(`real-cluster suite skipped: ${skip}`);

function access(): ClusterAccess {
  const kc = new KubeConfig();
  kc.loadFromDefault();
  if (process.env.FW_CONTEXT) kc.setCurrentContext(process.env.FW_CONTEXT);
  return { kubeConfig: kc, fluxNamespace: process.env.FW_FLUX_NAMESPACE ?? 'flux-system', requestTimeoutMs: 20_000 };
}

describe('real cluster (read-only)', { skip }, () => {
  it('checks the Flux installation', async () => {
    const r = await checkFlux(access());
    assert.ok(r.controllers.length > 0, 'Flux controllers found in the Flux namespace');
    assert.ok(r.fluxVersion, 'Flux version read from the CRD label');
  });

  it('lists every Flux kind in all namespaces', async () => {
    const rows = await getRows(access(), {});
    assert.ok(Array.isArray(rows));
    for (const row of rows) assert.ok(['True', 'False', 'Unknown'].includes(row.ready));
  });

  it('reads the events of the reconcile target', async () => {
    const [kindWord, name] = (process.env.FW_RECONCILE ?? 'kustomization/flux-system').split('/');
    const info = resolveKind(kindWord!);
    assert.ok(info, `unknown kind ${kindWord}`);
    const events = await listEvents(access(), { kind: info.kind, namespace: process.env.FW_NAMESPACE ?? 'flux-system', name: name! });
    assert.ok(Array.isArray(events));
  });
});

describe('real cluster (explorer)', { skip }, () => {
  it('syncs the watch cache for every Flux kind and builds the explorer tree', async () => {
    const kc = loadKubeConfig({ env: process.env.KUBECONFIG });
    const conn = new ClusterConnection({
      kubeConfig: kc, context: process.env.FW_CONTEXT, fluxNamespace: process.env.FW_FLUX_NAMESPACE ?? 'flux-system',
    });
    const cache = new FluxWatchCache(conn);
    try {
      await cache.start();
      const snap = cache.snapshot();
      for (const kind of snap.kinds) {
        const st = snap.kindState(kind);
        assert.ok(['synced', 'missing', 'forbidden'].includes(st.state), `${kind}: ${st.state} ${st.message ?? ''}`);
      }
      const roots = buildExplorerTree(snap, { context: conn.contextName });
      assert.ok(roots.some((n) => n.label === 'Kustomizations'), roots.map((n) => n.label).join(', '));
    } finally {
      cache.dispose();
      conn.dispose();
    }
  });
});

describe('real cluster (reconcile)', { skip }, () => {
  it('reconciles the target and waits for lastHandledReconcileAt to equal the token', async () => {
    const [kindWord, name] = (process.env.FW_RECONCILE ?? 'kustomization/flux-system').split('/');
    const info = resolveKind(kindWord!);
    assert.ok(info);
    const key = { kind: info.kind, namespace: process.env.FW_NAMESPACE ?? 'flux-system', name: name! };
    const r = await reconcile(access(), key, { timeoutMs: 5 * 60_000 });
    assert.ok(['success', 'failed'].includes(r.outcome), `${r.outcome}: ${r.message}`);
    const obj = await getObject(access(), key);
    assert.equal(obj.status?.lastHandledReconcileAt, obj.metadata.annotations?.[REQUESTED_AT]);
  });
});
