import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { analyze, codes, GIT_REPO, HELM_RELEASE, one, rangeOf } from './helpers';

const V1BETA2 = GIT_REPO.replace('source.toolkit.fluxcd.io/v1\n', 'source.toolkit.fluxcd.io/v1beta2\n');

describe('flux/unknown-api-version', () => {
  it('reports a version the kind never had, on the apiVersion value, listing the valid versions', () => {
    const text = GIT_REPO.replace('source.toolkit.fluxcd.io/v1\n', 'source.toolkit.fluxcd.io/v3\n');
    const d = one(analyze(text), 'flux/unknown-api-version');
    assert.equal(d.severity, 'error');
    assert.deepEqual(d.range, rangeOf(text, 'source.toolkit.fluxcd.io/v3'));
    assert.match(d.message, /^GitRepository flux-system\/podinfo: apiVersion source.toolkit.fluxcd.io\/v3 does not exist for GitRepository/);
    assert.match(d.message, /valid versions: source.toolkit.fluxcd.io\/v1\b/);
    assert.equal(d.data?.suggestion, 'source.toolkit.fluxcd.io/v1');
  });

  it('lists versions that the target Flux release still serves', () => {
    const text = GIT_REPO.replace('source.toolkit.fluxcd.io/v1\n', 'source.toolkit.fluxcd.io/v9\n');
    const d = one(analyze(text, { target: '2.7' }), 'flux/unknown-api-version');
    assert.match(d.message, /valid versions: source.toolkit.fluxcd.io\/v1beta2, source.toolkit.fluxcd.io\/v1 /);
  });

  it('is silent on the current version', () => {
    assert.deepEqual(codes(analyze(GIT_REPO)), []);
    assert.deepEqual(codes(analyze(HELM_RELEASE)), []);
  });
});

describe('flux/deprecated-api-version and flux/removed-api-version follow the target Flux version', () => {
  it('warns about a deprecated version the target still serves', () => {
    const d = one(analyze(V1BETA2, { target: '2.7' }), 'flux/deprecated-api-version');
    assert.equal(d.severity, 'warning');
    assert.deepEqual(d.range, rangeOf(V1BETA2, 'source.toolkit.fluxcd.io/v1beta2'));
    assert.match(d.message, /^GitRepository flux-system\/podinfo: apiVersion source.toolkit.fluxcd.io\/v1beta2 is deprecated since Flux 2.3 and is removed in Flux 2.8; change it to source.toolkit.fluxcd.io\/v1$/);
    assert.equal(d.data?.suggestion, 'source.toolkit.fluxcd.io/v1');
  });

  it('is an error once the target removed it (the default target 2.8 removed v1beta2)', () => {
    const d = one(analyze(V1BETA2), 'flux/removed-api-version');
    assert.equal(d.severity, 'error');
    assert.deepEqual(d.range, rangeOf(V1BETA2, 'source.toolkit.fluxcd.io/v1beta2'));
    assert.match(d.message, /removed in Flux 2.8 \(target Flux 2.8\); change it to source.toolkit.fluxcd.io\/v1/);
    assert.ok(!codes(analyze(V1BETA2)).includes('flux/deprecated-api-version'));
  });

  it('says nothing before the deprecation release', () => {
    assert.deepEqual(codes(analyze(V1BETA2, { target: '2.2' })), []);
  });

  it('judges HelmRelease v2beta1 removed in 2.7', () => {
    const text = HELM_RELEASE.replace('helm.toolkit.fluxcd.io/v2\n', 'helm.toolkit.fluxcd.io/v2beta1\n');
    const d = one(analyze(text, { target: '2.7' }), 'flux/removed-api-version');
    assert.match(d.message, /^HelmRelease apps\/podinfo: apiVersion helm.toolkit.fluxcd.io\/v2beta1 was removed in Flux 2.7/);
    assert.ok(codes(analyze(text, { target: '2.6' })).includes('flux/deprecated-api-version'));
  });
});

describe('flux/unknown-kind', () => {
  it('reports a kind that the Flux group does not have, on the kind value, with did-you-mean', () => {
    const text = GIT_REPO.replace('kind: GitRepository', 'kind: GitRepositry');
    const d = one(analyze(text), 'flux/unknown-kind');
    assert.equal(d.severity, 'error');
    assert.deepEqual(d.range, rangeOf(text, 'GitRepositry'));
    assert.match(d.message, /kind 'GitRepositry' does not exist in the Flux API group source.toolkit.fluxcd.io; did you mean 'GitRepository'\?/);
    assert.equal(d.data?.suggestion, 'GitRepository');
  });

  it('points a kind of another Flux group to its apiVersion', () => {
    const text = GIT_REPO.replace('source.toolkit.fluxcd.io/v1\n', 'kustomize.toolkit.fluxcd.io/v1\n');
    const d = one(analyze(text), 'flux/unknown-kind');
    assert.match(d.message, /GitRepository belongs to source.toolkit.fluxcd.io: use apiVersion source.toolkit.fluxcd.io\/v1/);
    // The fix is the apiVersion: the range and the suggestion are there.
    assert.deepEqual(d.range, rangeOf(text, 'kustomize.toolkit.fluxcd.io/v1'));
    assert.equal(d.data?.suggestion, 'source.toolkit.fluxcd.io/v1');
  });

  it('is silent on non-Flux groups, including kustomize.config.k8s.io Kustomization', () => {
    assert.deepEqual(analyze('apiVersion: example.com/v1\nkind: GitRepositry\n'), []);
    assert.deepEqual(analyze('apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources: [a.yaml]\nintervall: 5m\n'), []);
  });
});

describe('a Flux apiVersion without a kind', () => {
  it('reports the missing kind at the apiVersion key', () => {
    const text = 'apiVersion: helm.toolkit.fluxcd.io/v2\nmetadata:\n  name: x\n';
    const d = one(analyze(text), 'flux/missing-required');
    assert.deepEqual(d.range, rangeOf(text, 'apiVersion'));
    assert.match(d.message, /required field 'kind' is missing; add kind \(one of: HelmRelease\)/);
  });
});

describe('flux/unknown-api-version for a group that is meant to be Flux', () => {
  it('reports a misspelt toolkit group with the right apiVersion for the kind', () => {
    const text = GIT_REPO.replace('source.toolkit.fluxcd.io/v1\n', 'sources.toolkit.fluxcd.io/v1\n');
    const d = one(analyze(text), 'flux/unknown-api-version');
    assert.equal(d.severity, 'error');
    assert.deepEqual(d.range, rangeOf(text, 'sources.toolkit.fluxcd.io/v1'));
    assert.equal(d.message, 'GitRepository flux-system/podinfo: apiVersion sources.toolkit.fluxcd.io/v1 is not a Flux API group; did you mean source.toolkit.fluxcd.io/v1?');
    assert.equal(d.data?.suggestion, 'source.toolkit.fluxcd.io/v1');
  });

  it('reports a Flux group written without its version', () => {
    const text = HELM_RELEASE.replace('helm.toolkit.fluxcd.io/v2\n', 'helm.toolkit.fluxcd.io\n');
    const d = one(analyze(text), 'flux/unknown-api-version');
    assert.match(d.message, /^HelmRelease apps\/podinfo: apiVersion helm.toolkit.fluxcd.io has no version; write helm.toolkit.fluxcd.io\/v2$/);
  });

  it('leaves other groups alone (legacy helm.fluxcd.io, Flux Operator, kustomize)', () => {
    for (const api of ['helm.fluxcd.io/v1', 'fluxcd.controlplane.io/v1', 'kustomize.config.k8s.io/v1beta1', 'infra.contrib.fluxcd.io/v1alpha2']) {
      assert.deepEqual(analyze(`apiVersion: ${api}\nkind: HelmRelease\nmetadata:\n  name: x\n`), [], api);
    }
  });
});

describe('kinds and versions read from the cluster', () => {
  it('a kind or version that only the cluster CRD defines is not unknown', async () => {
    const { SchemaRegistry } = await import('../../../server/src/engine/schema/registry');
    const { analyzeText } = await import('../../../server/src/engine/analyze');
    const registry = SchemaRegistry.bundled();
    const schema = { type: 'object' as const, properties: { apiVersion: { type: 'string' as const }, kind: { type: 'string' as const }, spec: { type: 'object' as const, required: ['interval'], properties: { interval: { type: 'string' as const } } } } };
    registry.override({ group: 'source.toolkit.fluxcd.io', version: 'v2', kind: 'GitRepository', schema });
    registry.override({ group: 'source.toolkit.fluxcd.io', version: 'v1', kind: 'FutureSource', schema });
    const run = (t: string): string[] => analyzeText(t, { registry, targetFluxVersion: '2.8' }).map((d) => d.code);
    assert.deepEqual(run('apiVersion: source.toolkit.fluxcd.io/v2\nkind: GitRepository\nmetadata:\n  name: a\nspec:\n  interval: 1m\n'), []);
    assert.deepEqual(run('apiVersion: source.toolkit.fluxcd.io/v1\nkind: FutureSource\nmetadata:\n  name: a\nspec:\n  interval: 1m\n'), []);
    // And the cluster's schema is the one that judges.
    assert.deepEqual(run('apiVersion: source.toolkit.fluxcd.io/v2\nkind: GitRepository\nmetadata:\n  name: a\nspec:\n  interval: 1m\n  url: x\n'), ['flux/unknown-field']);
    assert.deepEqual(run('apiVersion: source.toolkit.fluxcd.io/v1\nkind: FutureSource\nmetadata:\n  name: a\nspec:\n  intervall: 1m\n'), ['flux/missing-required', 'flux/unknown-field']);
  });
});
