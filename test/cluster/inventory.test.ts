import { test } from 'node:test';
import assert from 'node:assert/strict';
import { apiVersionOf, inventoryOf, parseInventoryId, renderTree } from '../../server/src/cluster/inventory';
import type { FluxObject } from '../../server/src/cluster/types';

test('parses inventory ids', () => {
  assert.deepEqual(parseInventoryId('apps_podinfo_apps_Deployment', 'v1'), { namespace: 'apps', name: 'podinfo', group: 'apps', kind: 'Deployment', version: 'v1' });
  assert.deepEqual(parseInventoryId('apps_podinfo__Service'), { namespace: 'apps', name: 'podinfo', group: '', kind: 'Service' });
  assert.deepEqual(parseInventoryId('_apps__Namespace'), { namespace: '', name: 'apps', group: '', kind: 'Namespace' });
  assert.deepEqual(parseInventoryId('_system__controller__flux_rbac.authorization.k8s.io_ClusterRole'),
    { namespace: '', name: 'system:controller:flux', group: 'rbac.authorization.k8s.io', kind: 'ClusterRole' });
  assert.deepEqual(parseInventoryId('flux-system_apps_kustomize.toolkit.fluxcd.io_Kustomization'),
    { namespace: 'flux-system', name: 'apps', group: 'kustomize.toolkit.fluxcd.io', kind: 'Kustomization' });
  assert.equal(parseInventoryId('garbage'), undefined);
  assert.equal(parseInventoryId('a_b'), undefined);
  assert.equal(parseInventoryId('ns__grp_Kind'), undefined, 'empty name');
});

test('inventoryOf reads status.inventory.entries and skips malformed ones', () => {
  const ks: FluxObject = {
    apiVersion: 'kustomize.toolkit.fluxcd.io/v1', kind: 'Kustomization', metadata: { name: 'apps', namespace: 'flux-system' },
    status: { inventory: { entries: [{ id: 'apps_podinfo_apps_Deployment', v: 'v1' }, { id: 'bad' }, { v: 'v1' }, { id: '_apps__Namespace', v: 'v1' }] } },
  };
  const refs = inventoryOf(ks);
  assert.deepEqual(refs.map((r) => `${r.kind}/${r.name}`), ['Deployment/podinfo', 'Namespace/apps']);
  assert.equal(apiVersionOf(refs[0]!), 'apps/v1');
  assert.equal(apiVersionOf(refs[1]!), 'v1');
  assert.deepEqual(inventoryOf({ ...ks, status: {} }), []);
});

test('renderTree draws branches with health and errors', () => {
  const text = renderTree({
    kind: 'Kustomization', name: 'apps', namespace: 'flux-system', apiVersion: 'x', health: 'ready',
    children: [
      { kind: 'HelmRelease', name: 'podinfo', namespace: 'apps', apiVersion: 'x', health: 'failing', children: [
        { kind: 'Service', name: 'podinfo', namespace: 'apps', apiVersion: 'v1', children: [] },
      ] },
      { kind: 'Namespace', name: 'apps', namespace: '', apiVersion: 'v1', error: 'boom', children: [] },
    ],
  });
  assert.equal(text, [
    'Kustomization/flux-system/apps',
    '├── HelmRelease/apps/podinfo [failing]',
    '│   └── Service/apps/podinfo',
    '└── Namespace/apps (boom)',
    '',
  ].join('\n'));
});
