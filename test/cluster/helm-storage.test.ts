import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import {
  decodeRelease, HelmStorageError, manifestObjects, releaseInfo, storageLocation, storageSecretName,
} from '../../server/src/cluster/helm-storage';
import type { FluxObject } from '../../server/src/cluster/types';

const MANIFEST = `---
# Source: podinfo/templates/service.yaml
apiVersion: v1
kind: Service
metadata:
  name: podinfo
  namespace: apps
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: podinfo
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: "system:podinfo"
---
# empty document
`;

const RELEASE = {
  name: 'podinfo', namespace: 'apps', version: 3, info: { status: 'deployed' },
  chart: { metadata: { name: 'podinfo', version: '6.5.4' } },
  config: { password: 'hunter2-secret-value' }, manifest: MANIFEST,
};

/** What the API returns in Secret.data.release: base64 of Helm's base64 of (gzipped) JSON. */
function apiData(release: unknown, gzip = true): string {
  const json = Buffer.from(JSON.stringify(release));
  const helm = (gzip ? gzipSync(json) : json).toString('base64');
  return Buffer.from(helm).toString('base64');
}

test('decodes gzipped and plain release data', () => {
  for (const gz of [true, false]) {
    const r = decodeRelease(apiData(RELEASE, gz));
    assert.equal(r.name, 'podinfo');
    assert.equal(r.version, 3);
    assert.equal(r.manifest, MANIFEST);
  }
});

test('releaseInfo keeps kind/name/namespace only, never values', () => {
  const info = releaseInfo(decodeRelease(apiData(RELEASE)));
  assert.deepEqual(info.objects, [
    { apiVersion: 'v1', kind: 'Service', name: 'podinfo', namespace: 'apps' },
    { apiVersion: 'apps/v1', kind: 'Deployment', name: 'podinfo', namespace: '' },
    { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', name: 'system:podinfo', namespace: '' },
  ]);
  assert.equal(info.chartVersion, '6.5.4');
  assert.equal(info.status, 'deployed');
  assert.ok(!JSON.stringify(info).includes('hunter2'), 'values must not leak');
});

test('malformed data gives HelmStorageError, not a crash', () => {
  assert.throws(() => decodeRelease(Buffer.from('not base64 json at all').toString('base64')), HelmStorageError);
  const badGzip = Buffer.from(Buffer.from([0x1f, 0x8b, 0x08, 0, 1, 2, 3]).toString('base64')).toString('base64');
  assert.throws(() => decodeRelease(badGzip), /not valid gzip/);
  assert.throws(() => decodeRelease(apiData([1, 2, 3])), /not Helm release JSON/);
});

test('decompression is capped', () => {
  const big = { ...RELEASE, manifest: 'x'.repeat(2_000_000) };
  assert.throws(() => decodeRelease(apiData(big), 100_000), /exceeds 100000 bytes/);
  assert.throws(() => decodeRelease(apiData(big, false), 100_000), /exceeds 100000 bytes/);
  assert.equal(decodeRelease(apiData(big), 4_000_000).name, 'podinfo');
});

test('manifestObjects skips broken and kindless documents', () => {
  const objs = manifestObjects('kind: A\nmetadata: {name: a}\n---\n: : bad [\n---\n- list\n---\nkind: B\n');
  assert.deepEqual(objs.map((o) => o.kind), ['A']);
});

test('storage location from status, spec and defaults', () => {
  const hr = (spec: Record<string, unknown>, status?: Record<string, unknown>): FluxObject =>
    ({ apiVersion: 'helm.toolkit.fluxcd.io/v2', kind: 'HelmRelease', metadata: { name: 'podinfo', namespace: 'flux-system' }, spec, status });
  assert.deepEqual(storageLocation(hr({}, { storageNamespace: 'apps', history: [{ name: 'apps-podinfo', version: 4 }] })),
    { namespace: 'apps', releaseName: 'apps-podinfo', version: 4 });
  // helm-controller stores the release in spec.storageNamespace, else the HelmRelease's namespace:
  // spec.targetNamespace only moves the objects (and prefixes the release name).
  assert.deepEqual(storageLocation(hr({ targetNamespace: 'apps' })), { namespace: 'flux-system', releaseName: 'apps-podinfo', version: undefined });
  assert.deepEqual(storageLocation(hr({ targetNamespace: 'apps', storageNamespace: 'store' })), { namespace: 'store', releaseName: 'apps-podinfo', version: undefined });
  assert.deepEqual(storageLocation(hr({ releaseName: 'pi', storageNamespace: 'store' })), { namespace: 'store', releaseName: 'pi', version: undefined });
  assert.deepEqual(storageLocation(hr({})), { namespace: 'flux-system', releaseName: 'podinfo', version: undefined });
  assert.equal(storageSecretName('podinfo', 3), 'sh.helm.release.v1.podinfo.v3');
});
