import { test } from 'node:test';
import assert from 'node:assert/strict';
import { explain, formatExplanation } from '../../server/src/cluster/explain';
import type { FluxEvent } from '../../server/src/cluster/events';
import type { FluxObject } from '../../server/src/cluster/types';

function failing(kind: string, reason: string, message: string, spec: Record<string, unknown> = {}, stalled = false): FluxObject {
  const conditions = [
    { type: 'Ready', status: 'False' as const, reason, message },
    ...(stalled ? [{ type: 'Stalled', status: 'True' as const, reason, message }] : [{ type: 'Reconciling', status: 'True' as const, reason: 'ProgressingWithRetry', message }]),
  ];
  return { apiVersion: 'x/v1', kind, metadata: { name: 'app', namespace: 'flux-system', generation: 1 }, spec, status: { observedGeneration: 1, conditions } };
}

interface Case { kind: string; reason: string; message: string; spec?: Record<string, unknown>; stalled?: boolean; field: string; cause: RegExp; fix?: RegExp }

const CASES: Case[] = [
  { kind: 'GitRepository', reason: 'GitOperationFailed', message: 'failed to checkout and determine revision: unable to clone: authentication required', spec: { secretRef: { name: 'git-creds' } }, field: 'spec.secretRef.name', cause: /credentials/, fix: /git-creds/ },
  { kind: 'GitRepository', reason: 'GitOperationFailed', message: "unable to clone: couldn't find remote ref \"refs/heads/mian\"", spec: { ref: { branch: 'mian' } }, field: 'spec.ref.branch', cause: /branch does not exist/, fix: /'mian'/ },
  { kind: 'GitRepository', reason: 'GitOperationFailed', message: "couldn't find remote ref \"refs/tags/v9\"", spec: { ref: { tag: 'v9' } }, field: 'spec.ref.tag', cause: /tag/ },
  { kind: 'GitRepository', reason: 'GitOperationFailed', message: 'dial tcp: i/o timeout', field: 'spec.url', cause: /clone or fetch failed/ },
  { kind: 'GitRepository', reason: 'AuthenticationFailed', message: "failed to get secret 'flux-system/nope': secrets \"nope\" not found", spec: { secretRef: { name: 'nope' } }, field: 'spec.secretRef.name', cause: /Secret is missing/, fix: /'nope'/ },
  { kind: 'GitRepository', reason: 'URLInvalid', message: 'invalid URL', stalled: true, field: 'spec.url', cause: /not a valid URL/ },
  { kind: 'HelmChart', reason: 'InvalidChartReference', message: "invalid chart reference: failed to get chart version for remote reference: no 'podinfo' chart with version matching '9.x' found", stalled: true, field: 'spec.version', cause: /no chart/ },
  { kind: 'HelmChart', reason: 'ChartPullError', message: 'failed to download chart', field: 'spec.sourceRef', cause: /could not be downloaded/ },
  { kind: 'HelmChart', reason: 'ChartPackageError', message: 'failed to package chart', field: 'spec.chart', cause: /packaged/ },
  { kind: 'HelmChart', reason: 'DependencyBuildError', message: 'failed to build dependencies', field: 'spec.chart', cause: /dependencies/ },
  { kind: 'HelmChart', reason: 'ValuesFilesError', message: 'no values file found at path', field: 'spec.valuesFiles', cause: /values file/ },
  { kind: 'Kustomization', reason: 'ArtifactFailed', message: 'Source artifact not found, retrying in 30s', field: 'spec.sourceRef', cause: /source artifact is not available/ },
  { kind: 'Kustomization', reason: 'ArtifactFailed', message: 'kustomization path not found: stat /tmp/kustomization-1/apps/prod: no such file or directory', spec: { path: './apps/prod' }, field: 'spec.path', cause: /does not exist/, fix: /apps\/prod/ },
  { kind: 'Kustomization', reason: 'BuildFailed', message: 'decryption failed for \'secret.yaml\': failed to get the data key required to decrypt the SOPS file: no identity matched any of the recipients', spec: { decryption: { provider: 'sops', secretRef: { name: 'sops-age' } } }, field: 'spec.decryption.secretRef.name', cause: /no age key/, fix: /sops-age/ },
  { kind: 'Kustomization', reason: 'BuildFailed', message: "Secret/default/db is SOPS encrypted, configuring decryption is required for this secret to be reconciled", field: 'spec.decryption', cause: /decryption is not configured/ },
  { kind: 'Kustomization', reason: 'BuildFailed', message: 'Failed to get the data key required to decrypt the SOPS file', field: 'spec.decryption.secretRef.name', cause: /SOPS decryption failed/ },
  { kind: 'Kustomization', reason: 'BuildFailed', message: 'post build failed: variable substitution failed: missing closing brace', field: 'spec.postBuild', cause: /substitution/ },
  { kind: 'Kustomization', reason: 'BuildFailed', message: "kustomize build failed: accumulating resources: 'missing.yaml' doesn't exist", field: 'spec.path', cause: /kustomize build failed/ },
  { kind: 'Kustomization', reason: 'ReconciliationFailed', message: 'Deployment/apps/podinfo dry-run failed: deployments.apps is forbidden: User "system:serviceaccount:apps:flux" cannot patch resource', field: 'spec.serviceAccountName', cause: /RBAC/ },
  { kind: 'Kustomization', reason: 'ReconciliationFailed', message: 'Job/x dry-run failed: field is immutable', field: 'spec.force', cause: /immutable/ },
  { kind: 'Kustomization', reason: 'ReconciliationFailed', message: 'Foo/x dry-run failed: no matches for kind "Foo"', field: 'spec.path', cause: /dry-run or apply/ },
  { kind: 'Kustomization', reason: 'HealthCheckFailed', message: 'health check failed after 5m0s: timeout waiting for: [Deployment/apps/podinfo status: \'InProgress\']', field: 'spec.timeout', cause: /Deployment\/apps\/podinfo/ },
  { kind: 'Kustomization', reason: 'DependencyNotReady', message: "dependency 'flux-system/infra' is not ready", field: 'spec.dependsOn', cause: /'flux-system\/infra'/, fix: /flux-system\/infra/ },
  { kind: 'Kustomization', reason: 'PruneFailed', message: 'prune failed', field: 'spec.prune', cause: /could not be deleted/ },
  { kind: 'HelmRelease', reason: 'DependencyNotReady', message: "dependency 'flux-system/cert-manager' is not ready", field: 'spec.dependsOn', cause: /cert-manager/ },
  { kind: 'HelmRelease', reason: 'ArtifactFailed', message: 'artifact failed', spec: { chart: { spec: { chart: 'podinfo' } } }, field: 'spec.chart.spec.sourceRef', cause: /source artifact/ },
  { kind: 'HelmRelease', reason: 'ArtifactFailed', message: 'artifact failed', spec: { chartRef: { kind: 'OCIRepository', name: 'podinfo' } }, field: 'spec.chartRef', cause: /source artifact/ },
  { kind: 'HelmRelease', reason: 'ValuesError', message: "could not resolve ConfigMap chart value reference 'apps/vals'", field: 'spec.valuesFrom', cause: /values could not be composed/ },
  { kind: 'HelmRelease', reason: 'SourceNotReady', message: "HelmChart 'flux-system/apps-podinfo' is not ready: invalid chart reference", spec: { chart: { spec: { chart: 'podinfo', version: '9.x' } } }, field: 'spec.chart.spec.version', cause: /flux-system\/apps-podinfo/ },
  { kind: 'HelmRelease', reason: 'InstallFailed', message: 'Helm install failed for release apps/podinfo with chart podinfo@6.5.4: context deadline exceeded', field: 'spec.timeout', cause: /timed out/ },
  { kind: 'HelmRelease', reason: 'InstallFailed', message: 'Helm install failed: template: podinfo/templates/deployment.yaml: nil pointer', field: 'spec.install', cause: /install failed/ },
  { kind: 'HelmRelease', reason: 'UpgradeFailed', message: 'Helm upgrade failed: another operation (install/upgrade/rollback) is in progress', field: 'spec.upgrade.remediation', cause: /locked/ },
  { kind: 'HelmRelease', reason: 'UpgradeFailed', message: 'Helm upgrade failed: bad values', field: 'spec.upgrade', cause: /upgrade failed/ },
  { kind: 'HelmRelease', reason: 'TestFailed', message: 'test hook failed', field: 'spec.test', cause: /tests failed/ },
  { kind: 'HelmRelease', reason: 'RollbackFailed', message: 'rollback failed', field: 'spec.upgrade.remediation', cause: /rollback/ },
  { kind: 'HelmRelease', reason: 'UninstallFailed', message: 'uninstall failed', field: 'spec.uninstall', cause: /uninstall failed/ },
  { kind: 'HelmRelease', reason: 'RetriesExceeded', message: 'Failed to upgrade after 3 attempt(s)', stalled: true, field: 'spec.upgrade.remediation.retries', cause: /retries/, fix: /--reset/ },
];

for (const c of CASES) {
  test(`explain ${c.kind} ${c.reason}: ${c.message.slice(0, 50)}`, () => {
    const e = explain(failing(c.kind, c.reason, c.message, c.spec, c.stalled));
    assert.equal(e.object, `${c.kind} flux-system/app`);
    assert.equal(e.reason, c.reason);
    assert.equal(e.field, c.field);
    assert.match(e.cause, c.cause);
    if (c.fix) assert.match(e.fix, c.fix);
    assert.equal(e.state, c.stalled ? 'stalled' : 'failing');
    const text = formatExplanation(e);
    assert.match(text, new RegExp(`^${c.kind} flux-system/app: `));
    assert.ok(text.includes(`field:   ${c.field}`));
    assert.ok(text.includes('fix:'));
  });
}

const ev = (type: string, reason: string, message: string, lastSeen: string): FluxEvent =>
  ({ type, reason, message, lastSeen, count: 1, involved: { kind: 'Provider', name: 'app', namespace: 'flux-system' } });

test('Alert/Provider problems come from Warning events', () => {
  const provider: FluxObject = { apiVersion: 'notification.toolkit.fluxcd.io/v1beta3', kind: 'Provider', metadata: { name: 'app', namespace: 'flux-system' }, spec: { type: 'slack' } };
  const e = explain(provider, [
    ev('Normal', 'Info', 'ok', '2025-01-01T00:00:00Z'),
    ev('Warning', 'NotificationDispatchFailed', 'failed to send notification: 404 Not Found', '2025-01-01T00:01:00Z'),
  ]);
  assert.equal(e.reason, 'NotificationDispatchFailed');
  assert.equal(e.field, 'spec.address');
  assert.deepEqual(e.warnings, ['failed to send notification: 404 Not Found']);
  const alert = explain({ ...provider, kind: 'Alert' }, [ev('Warning', 'InvalidConfig', "provider 'slack' not found", '2025-01-01T00:00:00Z')]);
  assert.equal(alert.reason, 'InvalidConfig');
  assert.match(alert.fix, /providerRef/);
  assert.equal(explain(provider, []).fix, 'nothing to fix');
});

test('ready, suspended, unknown reason, no status, receiver', () => {
  const ready: FluxObject = { apiVersion: 'x', kind: 'GitRepository', metadata: { name: 'a', namespace: 'ns' }, status: { conditions: [{ type: 'Ready', status: 'True', reason: 'Succeeded', message: 'stored artifact' }] } };
  assert.equal(explain(ready).fix, 'nothing to fix');
  const susp = explain({ ...ready, spec: { suspend: true } });
  assert.equal(susp.field, 'spec.suspend');
  assert.match(susp.fix, /resume gitrepository a -n ns/);
  const odd = explain(failing('Kustomization', 'SomethingNew', 'strange failure'));
  assert.equal(odd.reason, 'SomethingNew');
  assert.match(odd.cause, /strange failure/);
  const none = explain({ apiVersion: 'x', kind: 'Kustomization', metadata: { name: 'a', namespace: 'ns' } });
  assert.match(none.cause, /has not reconciled/);
  const recv = explain({ apiVersion: 'x', kind: 'Receiver', metadata: { name: 'r', namespace: 'ns' }, status: { webhookPath: '/hook/abc', conditions: [{ type: 'Ready', status: 'True', reason: 'Succeeded' }] } });
  assert.equal(recv.field, 'status.webhookPath');
  assert.match(recv.fix, /\/hook\/abc/);
});

test('warnings are distinct, newest first, at most 3', () => {
  const events = [1, 2, 3, 4, 5].map((i) => ev('Warning', 'BuildFailed', `m${i % 4}`, `2025-01-01T00:0${i}:00Z`));
  const e = explain(failing('Kustomization', 'BuildFailed', 'kustomize build failed'), events);
  assert.deepEqual(e.warnings, ['m1', 'm0', 'm3']);
});
