/** A cluster CRD whose spec is an open object (no properties) does not replace the bundled schema. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { FluxEngine } from '../../server/src/engine/engine';

const crd = (spec: Record<string, unknown>): unknown => ({
  apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition',
  metadata: { name: 'gitrepositories.source.toolkit.fluxcd.io' },
  spec: {
    group: 'source.toolkit.fluxcd.io', names: { kind: 'GitRepository', plural: 'gitrepositories' }, scope: 'Namespaced',
    versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object', properties: { apiVersion: { type: 'string' }, kind: { type: 'string' }, metadata: { type: 'object' }, spec } } } }],
  },
});
const DOC = 'apiVersion: source.toolkit.fluxcd.io/v1\nkind: GitRepository\nmetadata:\n  name: a\n  namespace: flux-system\nspec:\n  intervall: 5m\n  url: https://github.com/example/a\n';

describe('cluster schema sources', () => {
  it('an open spec schema (stripped CRD) keeps the bundled checks', () => {
    const e = new FluxEngine();
    assert.equal(e.schemaSources.setCluster([crd({ type: 'object', 'x-kubernetes-preserve-unknown-fields': true })]), 0);
    assert.ok(e.diagnostics(DOC, 'file:///a.yaml').some((d) => d.code === 'flux/unknown-field'));
  });
  it('a spec schema with properties is used', () => {
    const e = new FluxEngine();
    assert.equal(e.schemaSources.setCluster([crd({ type: 'object', properties: { intervall: { type: 'string' }, url: { type: 'string' } } })]), 1);
    assert.ok(!e.diagnostics(DOC, 'file:///a.yaml').some((d) => d.code === 'flux/unknown-field'));
  });
});
