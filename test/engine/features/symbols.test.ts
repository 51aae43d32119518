import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { documentSymbols } from '../../../server/src/engine/features/symbols';
import { parseText } from '../../../server/src/engine/document';
import { GIT_HEAD, KS_HEAD } from './helpers';

describe('document symbols', () => {
  it('names one symbol per Flux object, Kind namespace/name or Kind name', () => {
    const text = `${GIT_HEAD}  interval: 1m\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm\n---\n`
      + 'apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata:\n  name: web\nspec:\n  interval: 5m\n---\n'
      + 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources: []\n';
    const symbols = documentSymbols(parseText(text));
    assert.deepEqual(symbols.map((s) => s.name), ['GitRepository flux-system/podinfo', 'HelmRelease web']);
    assert.deepEqual(symbols.map((s) => s.detail), ['source.toolkit.fluxcd.io/v1', 'helm.toolkit.fluxcd.io/v2']);
  });

  it('covers the document and selects metadata.name', () => {
    const text = `${GIT_HEAD}  interval: 1m\n---\n${KS_HEAD}  prune: true\n`;
    const [g, k] = documentSymbols(parseText(text));
    assert.deepEqual(g!.range.start, { line: 0, character: 0 });
    assert.equal(g!.range.end.line, 7);
    assert.deepEqual(g!.selectionRange, { start: { line: 3, character: 8 }, end: { line: 3, character: 15 } });
    assert.deepEqual(k!.range.start, { line: 8, character: 0 });
    assert.deepEqual(k!.selectionRange, { start: { line: 11, character: 8 }, end: { line: 11, character: 12 } });
  });

  it('names an object without a name by its kind and selects the kind', () => {
    const [s] = documentSymbols(parseText('apiVersion: source.toolkit.fluxcd.io/v1\nkind: Bucket\nspec: {}\n'));
    assert.equal(s!.name, 'Bucket');
    assert.deepEqual(s!.selectionRange.start, { line: 1, character: 0 });
  });

  it('returns nothing for non-Flux files and unparsable input', () => {
    assert.deepEqual(documentSymbols(parseText('apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: d\n')), []);
    assert.deepEqual(documentSymbols(parseText('\u0000binary')), []);
    assert.deepEqual(documentSymbols(parseText('')), []);
  });
});

describe('document symbols: the hierarchy below each object', () => {
  it('lists metadata and spec, spec sections and nested maps, list items by name', () => {
    const text = 'apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata:\n  name: web\nspec:\n  interval: 5m\n  chart:\n    spec:\n      chart: web\n'
      + '      sourceRef:\n        kind: HelmRepository\n        name: charts\n  dependsOn:\n    - name: infra\n  values:\n    replicaCount: 2\n';
    const [hr] = documentSymbols(parseText(text));
    assert.equal(hr!.kind, 'object');
    assert.deepEqual(hr!.children!.map((c) => c.name), ['metadata', 'spec']);
    const spec = hr!.children![1]!;
    assert.deepEqual(spec.children!.map((c) => `${c.name}:${c.kind}`), ['interval:scalar', 'chart:map', 'dependsOn:list', 'values:map']);
    assert.equal(spec.children![0]!.detail, '5m');
    const sourceRef = spec.children![1]!.children![0]!.children!.find((c) => c.name === 'sourceRef')!;
    assert.deepEqual(sourceRef.children!.map((c) => c.name), ['kind', 'name']);
    assert.deepEqual(sourceRef.selectionRange, { start: { line: 9, character: 6 }, end: { line: 9, character: 15 } });
    assert.equal(sourceRef.range.end.line, 11);
    assert.deepEqual(spec.children![2]!.children!.map((c) => c.name), ['[0] infra']);
  });
});
