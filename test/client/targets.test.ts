import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { FluxEvent } from '../../server/src/cluster/events';
import type { FluxObject } from '../../server/src/cluster/types';
import { describePath, formatEvents, parseDescribePath } from '../../client/src/format';
import { appliesTo, failingCount, keyLabel, pickItems } from '../../client/src/targets';

function obj(kind: string, ns: string, name: string, opts: { suspend?: boolean; ready?: 'True' | 'False'; message?: string } = {}): FluxObject {
  return {
    apiVersion: 'x/v1', kind, metadata: { name, namespace: ns, generation: 1 },
    spec: opts.suspend ? { suspend: true } : {},
    status: opts.ready ? { observedGeneration: 1, conditions: [{ type: 'Ready', status: opts.ready, reason: opts.ready === 'True' ? 'Succeeded' : 'BuildFailed', message: opts.message ?? '' }] } : undefined,
  };
}

const objects: Record<string, FluxObject[]> = {
  Kustomization: [obj('Kustomization', 'flux-system', 'infra', { ready: 'True' }), obj('Kustomization', 'apps', 'web', { ready: 'False', message: 'kustomize build failed:\n  bad' })],
  HelmRelease: [obj('HelmRelease', 'apps', 'podinfo', { suspend: true, ready: 'True' }), obj('HelmRelease', 'apps', 'redis', { ready: 'True' })],
  GitRepository: [obj('GitRepository', 'flux-system', 'flux-system', { ready: 'True' })],
};
const ofKind = (k: string) => objects[k] ?? [];

test('appliesTo: suspend/resume by spec.suspend, force/reset only HelmRelease, with-source only Kustomization/HelmRelease', () => {
  const [hrSusp, hr] = objects.HelmRelease as [FluxObject, FluxObject];
  const git = objects.GitRepository?.[0] as FluxObject;
  assert.equal(appliesTo(hrSusp, 'resume'), true);
  assert.equal(appliesTo(hrSusp, 'suspend'), false);
  assert.equal(appliesTo(hrSusp, 'reconcile'), false);
  assert.equal(appliesTo(hr, 'helmrelease'), true);
  assert.equal(appliesTo(git, 'helmrelease'), false);
  assert.equal(appliesTo(git, 'withSource'), false);
  assert.equal(appliesTo(hr, 'withSource'), true);
  assert.equal(appliesTo(git, 'resume'), false);
});

test('pickItems: flux get all kind order, then namespace/name; keys carried', () => {
  const items = pickItems(ofKind, 'any');
  assert.deepEqual(items.map((i) => keyLabel(i.key)), [
    'GitRepository flux-system/flux-system', 'HelmRelease apps/podinfo', 'HelmRelease apps/redis', 'Kustomization apps/web', 'Kustomization flux-system/infra',
  ]);
  const web = items.find((i) => i.key.name === 'web');
  assert.equal(web?.state, 'failing');
  assert.equal(web?.detail, 'failing: kustomize build failed: bad');
  assert.match(web?.label ?? '', /^\$\(error\) web$/);
});

test('pickItems for resume offers only suspended objects; explain puts failing first', () => {
  assert.deepEqual(pickItems(ofKind, 'resume').map((i) => i.key.name), ['podinfo']);
  assert.equal(pickItems(ofKind, 'explain')[0]?.key.name, 'web');
  assert.equal(failingCount(ofKind), 1);
});

test('describe paths round-trip, with odd characters', () => {
  const key = { kind: 'HelmRelease', namespace: 'apps', name: 'a/b c' };
  const p = describePath('arn:aws:eks:eu/prod', key);
  assert.ok(p.endsWith('.yaml'));
  assert.deepEqual(parseDescribePath(p), { context: 'arn:aws:eks:eu/prod', key });
  assert.equal(parseDescribePath('/only/two.yaml'), undefined);
  assert.equal(parseDescribePath('/c/K/ns/%E0%A4%A.yaml'), undefined, 'bad escapes are rejected, not thrown');
});

test('formatEvents: aligned table, one line per event, or a no-events line', () => {
  const key = { kind: 'Kustomization', namespace: 'apps', name: 'web' };
  assert.match(formatEvents(key, []), /no events found/);
  const ev: FluxEvent[] = [
    { type: 'Warning', reason: 'BuildFailed', message: 'kustomize build failed:\nline2', involved: key, lastSeen: '2025-01-01T00:00:00.000Z', count: 1 },
    { type: 'Normal', reason: 'Succeeded', message: 'ok', involved: { kind: 'GitRepository', namespace: 'apps', name: 'repo' }, count: 1 },
  ];
  const lines = formatEvents(key, ev, Date.parse('2025-01-01T00:05:00.000Z')).trimEnd().split('\n');
  assert.equal(lines.length, 4);
  assert.match(lines[2] ?? '', /^5m\s+Warning\s+BuildFailed\s+Kustomization\/web\s+kustomize build failed: line2$/);
  assert.equal(lines[1]?.indexOf('TYPE'), lines[2]?.indexOf('Warning'));
  assert.match(lines[3] ?? '', /^<unknown>\s+Normal/);
});
