/** The decrypt-check maps files to Kustomizations through the fleet model, not only by spec.path. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { decryptCheck } from '../../server/src/cluster/decrypt';

const ENCRYPTED = 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\n  namespace: apps\nstringData:\n  password: ENC[AES256_GCM,data:Zm9v,iv:YmFy,tag:YmF6,type:str]\nsops:\n  age:\n    - recipient: age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p\n      enc: |\n        -----BEGIN AGE ENCRYPTED FILE-----\n        eA==\n        -----END AGE ENCRYPTED FILE-----\n  lastmodified: "2026-01-01T00:00:00Z"\n  mac: ENC[AES256_GCM,data:bWFj,iv:aXY=,tag:dGFn,type:str]\n  version: 3.9.1\n';
const KS = (name: string, path: string, decrypt: boolean): string => `apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata:\n  name: ${name}\n  namespace: flux-system\nspec:\n  interval: 10m\n  path: ${path}\n  prune: true\n  sourceRef:\n    kind: GitRepository\n    name: flux-system\n${decrypt ? '  decryption:\n    provider: sops\n    secretRef:\n      name: sops-age\n' : ''}`;

describe('decrypt-check with the fleet model', () => {
  it('a secret in a base folder is applied by the Kustomization whose overlay lists it, not by one whose path is the root', async () => {
    const files = [
      { path: 'clusters/prod/apps.yaml', text: KS('apps', './apps/prod', false) },
      { path: 'clusters/prod/everything.yaml', text: KS('everything', './docs', true) },
      { path: 'apps/prod/kustomization.yaml', text: 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - ../base\n' },
      { path: 'apps/base/kustomization.yaml', text: 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - secret.yaml\n' },
      { path: 'apps/base/secret.yaml', text: ENCRYPTED },
      { path: 'docs/cm.yaml', text: 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n' },
    ];
    const report = await decryptCheck({ root: '/repo', files, localIdentities: false });
    const file = report.files.find((f) => f.file === 'apps/base/secret.yaml');
    assert.ok(file, JSON.stringify(report.files.map((f) => f.file)));
    // spec.path ./apps/prod does not contain apps/base; the overlay's resources do.
    assert.deepEqual(file.kustomizations.map((k) => k.name), ['apps']);
    assert.equal(file.decryptableWhereApplied, false);
    assert.ok(file.findings.some((x) => x.code === 'sops/decryption-not-configured'));
  });
});
