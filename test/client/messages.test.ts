import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ActionResult } from '../../server/src/cluster/actions';
import { explain } from '../../server/src/cluster/explain';
import { ClusterCallError } from '../../server/src/cluster/get';
import type { FluxObject } from '../../server/src/cluster/types';
import { actionMessage, errorMessage, isClusterError } from '../../client/src/messages';

const key = { kind: 'GitRepository', namespace: 'flux-system', name: 'podinfo' };
const failing: FluxObject = {
  apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'GitRepository', metadata: { name: 'podinfo', namespace: 'flux-system', generation: 1 },
  spec: { ref: { branch: 'mian' } },
  status: { observedGeneration: 1, conditions: [{ type: 'Ready', status: 'False', reason: 'GitOperationFailed', message: "couldn't find remote ref refs/heads/mian" }] },
};

test('success is info, a no-op is a warning, cancel is a warning', () => {
  assert.deepEqual(actionMessage({ outcome: 'success', message: 'GitRepository flux-system/podinfo: fetched revision main@sha1:1234', key }), { level: 'info', text: 'GitRepository flux-system/podinfo: fetched revision main@sha1:1234' });
  assert.equal(actionMessage({ outcome: 'success', message: 'not supported', key, noop: true }).level, 'warning');
  assert.equal(actionMessage({ outcome: 'cancelled', message: 'cancelled', key }).level, 'warning');
});

test('a failure names the object, the field and the fix (from explain)', () => {
  const r: ActionResult = { outcome: 'failed', message: "GitRepository flux-system/podinfo: couldn't find remote ref", key, object: failing };
  const why = explain(failing);
  const m = actionMessage(r, why);
  assert.equal(m.level, 'error');
  assert.match(m.text, /^GitRepository flux-system\/podinfo: /);
  assert.ok(why.field, 'explain gives a field for this failure');
  assert.ok(m.text.includes(`Check ${why.field}: ${why.fix}`), m.text);
});

test('cluster errors get the fix for their failure class; non-cluster errors are prefixed', () => {
  const e = new ClusterCallError('unauthorized', 'GitRepository flux-system/podinfo: Unauthorized', 401);
  assert.ok(isClusterError(e));
  const m = errorMessage(e);
  assert.equal(m.level, 'error');
  assert.match(m.text, /^GitRepository flux-system\/podinfo: Unauthorized\. Refresh the credentials/);
  assert.equal(errorMessage(new ClusterCallError('aborted', 'x: cancelled')).level, 'warning');
  assert.equal(errorMessage(new Error('boom'), 'Flux: describe').text, 'Flux: describe: boom');
  assert.equal(isClusterError(new Error('x')), false);
});
