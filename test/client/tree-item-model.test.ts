import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ExplorerNode } from '../../server/src/cluster/explorer-model';
import { COLLAPSIBLE, errorNode, FALLBACK_ICON, iconFor, ICONS, treeItemFields } from '../../client/src/tree/tree-item-model';

const node = (over: Partial<ExplorerNode> = {}): ExplorerNode => ({
  id: 'obj:kind-dev:source.toolkit.fluxcd.io/GitRepository/flux-system/podinfo', label: 'podinfo', icon: 'ready',
  contextValue: 'flux.object.gitrepository.active.reconcilable', collapsible: 'none', ...over,
});

test('health states map to the agreed codicons and theme colors', () => {
  assert.deepEqual(iconFor('ready'), { id: 'pass', color: 'testing.iconPassed' });
  assert.deepEqual(iconFor('failing'), { id: 'error', color: 'errorForeground' });
  assert.equal(iconFor('reconciling').id, 'sync~spin');
  assert.equal(iconFor('stalled').id, 'warning');
  assert.equal(iconFor('suspended').id, 'debug-pause');
  assert.equal(iconFor('forbidden').id, 'lock');
  assert.equal(iconFor('missing').id, 'circle-slash');
});

test('every health state of the cluster core has an icon; unknown names fall back', () => {
  for (const s of ['ready', 'failing', 'reconciling', 'stalled', 'suspended', 'unknown', 'forbidden', 'missing', 'error', 'syncing']) {
    assert.ok(Object.prototype.hasOwnProperty.call(ICONS, s), s);
  }
  assert.deepEqual(iconFor('no-such-icon'), FALLBACK_ICON);
  assert.deepEqual(iconFor('toString'), FALLBACK_ICON, 'prototype keys are not icons');
});

test('treeItemFields copies id, label, description, tooltip and contextValue', () => {
  const f = treeItemFields(node({ description: 'main@sha1:1234abcd', tooltip: '**Ready** True' }));
  assert.equal(f.id, node().id);
  assert.equal(f.label, 'podinfo');
  assert.equal(f.description, 'main@sha1:1234abcd');
  assert.equal(f.tooltip, '**Ready** True');
  assert.equal(f.contextValue, 'flux.object.gitrepository.active.reconcilable');
  assert.equal(f.collapsibleState, COLLAPSIBLE.none);
  assert.deepEqual(f.icon, ICONS.ready);
});

test('collapsible state: as the model says, but a node with lazy or eager children is never a leaf', () => {
  assert.equal(treeItemFields(node({ collapsible: 'expanded' })).collapsibleState, 2);
  assert.equal(treeItemFields(node({ collapsible: 'collapsed' })).collapsibleState, 1);
  assert.equal(treeItemFields(node({ collapsible: 'none', lazy: true })).collapsibleState, 1);
  assert.equal(treeItemFields(node({ collapsible: 'none', children: [node({ id: 'c' })] })).collapsibleState, 1);
  assert.equal(treeItemFields(node({ collapsible: 'none', children: [] })).collapsibleState, 0);
});

test('errorNode is a leaf with a stable id under its parent', () => {
  const e = errorNode('obj:x', 'HelmRelease apps/podinfo: Forbidden');
  assert.equal(e.id, 'obj:x/error');
  assert.equal(e.collapsible, 'none');
  assert.equal(treeItemFields(e).icon.id, 'error');
  assert.ok(!/^flux\.object\./.test(e.contextValue), 'object menus must not apply to error nodes');
});
