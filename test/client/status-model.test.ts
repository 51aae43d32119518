import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { FluxCheck } from '../../server/src/cluster/check';
import { statusText } from '../../client/src/status-model';

function check(ready: boolean[], over: Partial<FluxCheck> = {}): FluxCheck {
  return {
    ok: ready.every(Boolean), namespace: 'flux-system', fluxVersion: 'v2.8.0',
    controllers: ready.map((r, i) => ({ name: `c${i}`, ready: r, desired: 1, readyReplicas: r ? 1 : 0 })),
    crds: [], missingCrds: [], problems: [], summary: '', health: '', ...over,
  };
}

test('no context', () => {
  const t = statusText({ phase: 'none', failing: 0 });
  assert.match(t.text, /^\$\(cloud\) Flux: no context$/);
  assert.equal(t.warning, false);
});

test('connected and healthy: context and ready controllers', () => {
  const t = statusText({ phase: 'connected', context: 'kind-dev', check: check([true, true, true, true]), failing: 0 });
  assert.equal(t.text, '$(cloud) kind-dev ✓ 4/4');
  assert.equal(t.warning, false);
  assert.match(t.tooltip, /Flux v2\.8\.0 in flux-system/);
});

test('a controller down and failing objects are shown and flagged', () => {
  const t = statusText({ phase: 'connected', context: 'prod', check: check([true, false, true]), failing: 2 });
  assert.equal(t.text, '$(cloud) prod ✗ 2/3 $(error) 2');
  assert.equal(t.warning, true);
  assert.match(t.tooltip, /2 Flux objects failing/);
});

test('no Flux controllers at all', () => {
  const t = statusText({ phase: 'connected', context: 'c', check: check([]), failing: 0 });
  assert.match(t.text, /✗ no Flux/);
  assert.equal(t.warning, true);
});

test('connecting and error phases', () => {
  assert.match(statusText({ phase: 'connecting', context: 'c', failing: 0 }).text, /sync~spin/);
  const e = statusText({ phase: 'error', context: 'c', failing: 0, error: 'cannot reach the API server' });
  assert.match(e.text, /\$\(error\)$/);
  assert.match(e.tooltip, /cannot reach the API server/);
  assert.equal(e.warning, true);
});

test('connected but the Flux check failed: a warning with the reason', () => {
  const t = statusText({ phase: 'connected', context: 'c', failing: 0, error: 'Deployments in namespace flux-system: Forbidden' });
  assert.equal(t.text, '$(cloud) c $(warning)');
  assert.equal(t.warning, true);
  assert.match(t.tooltip, /Flux check: Deployments in namespace flux-system: Forbidden/);
});
