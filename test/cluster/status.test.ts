import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  formatDuration, health, nextReconcile, parseGoDuration, rawRevision, readyColumns, statusRow, successMessage, truncateHex,
} from '../../server/src/cluster/status';
import type { Condition, FluxObject } from '../../server/src/cluster/types';

const SHA1 = '1234abcd5678ef901234abcd5678ef901234abcd';
const SHA256 = 'a'.repeat(64);

function obj(kind: string, extra: { spec?: Record<string, unknown>; status?: Record<string, unknown>; generation?: number } = {}): FluxObject {
  return {
    apiVersion: 'x/v1', kind,
    metadata: { name: 'n', namespace: 'flux-system', generation: extra.generation },
    spec: extra.spec, status: extra.status as FluxObject['status'],
  };
}
const cond = (type: string, status: Condition['status'], reason = '', message = '', lastTransitionTime?: string): Condition =>
  ({ type, status, reason, message, lastTransitionTime });

test('truncateHex shortens 40..128 hex digests to 8, as flux does', () => {
  assert.equal(truncateHex(`main@sha1:${SHA1}`), 'main@sha1:1234abcd');
  assert.equal(truncateHex(`sha256:${SHA256}`), 'sha256:aaaaaaaa');
  assert.equal(truncateHex('v1.2.3'), 'v1.2.3');
  assert.equal(truncateHex('abc123'), 'abc123', 'short hex stays');
  assert.equal(truncateHex('f'.repeat(129)), 'f'.repeat(129), 'longer than 128 stays');
  assert.equal(truncateHex(`6.5.4@sha256:${SHA256}`), '6.5.4@sha256:aaaaaaaa');
});

test('READY/MESSAGE from the Ready condition; none means waiting to be reconciled', () => {
  assert.deepEqual(readyColumns(obj('GitRepository')), { ready: 'False', message: 'waiting to be reconciled' });
  assert.deepEqual(readyColumns(obj('GitRepository', { status: { conditions: [cond('Ready', 'True', 'Succeeded', 'stored artifact')] } })),
    { ready: 'True', message: 'stored artifact' });
  assert.deepEqual(readyColumns(obj('Kustomization', { status: { conditions: [cond('Ready', 'Unknown', 'Progressing', 'reconciliation in progress')] } })),
    { ready: 'Unknown', message: 'reconciliation in progress' });
  // Alert and Provider have no status: shown as Ready.
  assert.equal(readyColumns(obj('Alert')).ready, 'True');
  assert.equal(readyColumns(obj('Provider')).ready, 'True');
});

test('REVISION per kind', () => {
  assert.equal(rawRevision(obj('GitRepository', { status: { artifact: { revision: `main@sha1:${SHA1}` } } })), `main@sha1:${SHA1}`);
  assert.equal(statusRow(obj('GitRepository', { status: { artifact: { revision: `main@sha1:${SHA1}` } } })).revision, 'main@sha1:1234abcd');
  assert.equal(rawRevision(obj('OCIRepository', { status: { artifact: { revision: 'v1@sha256:abc' } } })), 'v1@sha256:abc');
  assert.equal(rawRevision(obj('Kustomization', { status: { lastAppliedRevision: 'main@sha1:x', artifact: { revision: 'no' } } })), 'main@sha1:x');
  assert.equal(rawRevision(obj('HelmRelease', { status: { history: [{ chartVersion: '6.5.4' }, { chartVersion: '6.5.3' }], lastAttemptedRevision: '7.0.0' } })), '6.5.4');
  assert.equal(rawRevision(obj('HelmRelease', { status: { history: [], lastAttemptedRevision: '7.0.0' } })), '7.0.0');
  assert.equal(rawRevision(obj('HelmRelease', { status: {} })), '');
});

test('image kinds show their special columns', () => {
  const ir = statusRow(obj('ImageRepository', { status: { lastScanResult: { scanTime: '2025-01-02T03:04:05Z', tagCount: 3 } } }));
  assert.equal(ir.revisionHeader, 'LAST SCAN');
  assert.equal(ir.revision, '2025-01-02T03:04:05Z');
  const ip = statusRow(obj('ImagePolicy', { status: { latestRef: { name: 'ghcr.io/stefanprodan/podinfo', tag: '6.5.4' } } }));
  assert.equal(ip.revisionHeader, 'LATEST IMAGE');
  assert.equal(ip.revision, 'ghcr.io/stefanprodan/podinfo:6.5.4');
  const iua = statusRow(obj('ImageUpdateAutomation', { status: { lastAutomationRunTime: '2025-01-02T03:04:05Z' } }));
  assert.equal(iua.revisionHeader, 'LAST RUN');
  assert.equal(iua.revision, '2025-01-02T03:04:05Z');
});

test('SUSPENDED from spec.suspend', () => {
  assert.equal(statusRow(obj('Kustomization', { spec: { suspend: true } })).suspended, true);
  assert.equal(statusRow(obj('Kustomization', { spec: {} })).suspended, false);
});

test('health classification', () => {
  assert.equal(health(obj('Kustomization', { spec: { suspend: true }, status: { conditions: [cond('Ready', 'False', 'BuildFailed')] } })).state, 'suspended');
  assert.equal(health(obj('Kustomization', { generation: 2, status: { observedGeneration: 2, conditions: [cond('Ready', 'True', 'ReconciliationSucceeded')] } })).state, 'ready');
  assert.equal(health(obj('Kustomization', { generation: 3, status: { observedGeneration: 2, conditions: [cond('Ready', 'True', 'ReconciliationSucceeded')] } })).state, 'reconciling');
  assert.equal(health(obj('Kustomization', { status: { conditions: [cond('Ready', 'True', 'x'), cond('Reconciling', 'True', 'Progressing')] } })).state, 'reconciling');
  const failing = health(obj('Kustomization', { status: { conditions: [cond('Ready', 'False', 'BuildFailed', 'kustomize build failed'), cond('Reconciling', 'True', 'ProgressingWithRetry')] } }));
  assert.deepEqual(failing, { state: 'failing', reason: 'BuildFailed', message: 'kustomize build failed' });
  const stalled = health(obj('HelmRelease', { status: { conditions: [cond('Ready', 'False', 'RetriesExceeded', 'x'), cond('Stalled', 'True', 'RetriesExceeded', 'Failed to install after 1 attempt(s)')] } }));
  assert.equal(stalled.state, 'stalled');
  assert.equal(stalled.reason, 'RetriesExceeded');
  assert.equal(health(obj('GitRepository')).state, 'unknown');
  assert.equal(health(obj('Alert')).state, 'ready');
});

test('Go duration parser', () => {
  assert.equal(parseGoDuration('1m30s'), 90_000);
  assert.equal(parseGoDuration('10m'), 600_000);
  assert.equal(parseGoDuration('1.5h'), 5_400_000);
  assert.equal(parseGoDuration('500ms'), 500);
  assert.equal(parseGoDuration('1h2m3s4ms'), 3_723_004);
  assert.equal(parseGoDuration('0'), 0);
  assert.equal(parseGoDuration('-2s'), -2000);
  assert.equal(parseGoDuration('10'), undefined);
  assert.equal(parseGoDuration('1d'), undefined);
  assert.equal(parseGoDuration(''), undefined);
  assert.equal(parseGoDuration('m'), undefined);
  assert.equal(parseGoDuration('${INTERVAL}'), undefined);
  assert.equal(formatDuration(90_000), '1m30s');
  assert.equal(formatDuration(3_600_000), '1h');
});

test('next reconcile estimate from interval and last reconcile time', () => {
  const t0 = Date.parse('2025-01-01T00:00:00Z');
  const o = obj('GitRepository', { spec: { interval: '5m' }, status: { conditions: [cond('Ready', 'True', 'Succeeded', '', '2025-01-01T00:00:00Z')] } });
  assert.deepEqual(nextReconcile(o, t0 + 60_000), { at: t0 + 300_000, intervalMs: 300_000 });
  // Long after the last transition: rolled forward by whole intervals.
  assert.equal(nextReconcile(o, t0 + 301_000)?.at, t0 + 600_000);
  // lastHandledReconcileAt later than the transition wins.
  const o2 = obj('GitRepository', { spec: { interval: '5m' }, status: { lastHandledReconcileAt: '2025-01-01T00:02:00Z', conditions: [cond('Ready', 'True', 'Succeeded', '', '2025-01-01T00:00:00Z')] } });
  assert.equal(nextReconcile(o2, t0 + 130_000)?.at, t0 + 420_000);
  // retryInterval while failing.
  const o3 = obj('Kustomization', { spec: { interval: '10m', retryInterval: '1m' }, status: { conditions: [cond('Ready', 'False', 'BuildFailed', '', '2025-01-01T00:00:00Z')] } });
  assert.equal(nextReconcile(o3, t0)?.intervalMs, 60_000);
  assert.equal(nextReconcile(obj('GitRepository', { spec: { interval: '5m', suspend: true }, status: { conditions: [cond('Ready', 'True', '', '', '2025-01-01T00:00:00Z')] } }), t0), undefined);
  assert.equal(nextReconcile(obj('GitRepository', { spec: { interval: 'soon' } }), t0), undefined);
});

test('success messages', () => {
  assert.equal(successMessage(obj('Kustomization', { status: { lastAppliedRevision: 'main@sha1:abc' } })), 'applied revision main@sha1:abc');
  assert.equal(successMessage(obj('GitRepository', { status: { artifact: { revision: 'main@sha1:abc' } } })), 'fetched revision main@sha1:abc');
  assert.equal(successMessage(obj('HelmRelease', { status: { history: [{ chartVersion: '6.5.4' }] } })), 'applied revision 6.5.4');
});
