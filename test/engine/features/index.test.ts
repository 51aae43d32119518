import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { WorkspaceIndex, findReferences } from '../../../server/src/engine/index';
import { parseText } from '../../../server/src/engine/document';
import { GIT_HEAD, KS_HEAD } from './helpers';

const SOURCES = `${GIT_HEAD}  interval: 1m\n  url: https://example.com/x\n---\n`
  + 'apiVersion: source.toolkit.fluxcd.io/v1\nkind: OCIRepository\nmetadata:\n  name: charts\nspec:\n  interval: 1h\n---\n'
  + 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: creds\n';

describe('workspace index', () => {
  it('indexes the Flux objects of a file with their ranges', () => {
    const index = new WorkspaceIndex();
    index.update('file:///ws/sources.yaml', SOURCES);
    assert.equal(index.size, 2);
    const [git] = index.lookup({ kind: 'GitRepository', namespace: 'flux-system', name: 'podinfo' });
    assert.ok(git);
    assert.equal(git.uri, 'file:///ws/sources.yaml');
    assert.equal(git.apiVersion, 'source.toolkit.fluxcd.io/v1');
    assert.deepEqual(git.nameRange, { start: { line: 3, character: 8 }, end: { line: 3, character: 15 } });
    assert.deepEqual(git.range.start, { line: 0, character: 0 });
    const [oci] = index.lookup({ kind: 'OCIRepository', name: 'charts' });
    assert.ok(oci);
    assert.equal(oci.namespace, undefined);
    assert.equal(oci.documentIndex, 1);
    assert.deepEqual(oci.range.start, { line: 9, character: 0 });
    assert.deepEqual(index.lookup({ kind: 'Secret', name: 'creds' }), [], 'non-Flux objects are not indexed');
  });

  it('objects of several files sharing one key: replacing or removing one file leaves the others', () => {
    const index = new WorkspaceIndex();
    const dup = Array.from({ length: 3 }, () => SOURCES).join('---\n');
    index.update('file:///ws/a.yaml', dup);
    index.update('file:///ws/b.yaml', SOURCES);
    const key = { kind: 'GitRepository', namespace: 'flux-system', name: 'podinfo' };
    assert.deepEqual(index.lookup(key).map((o) => o.uri), ['file:///ws/a.yaml', 'file:///ws/a.yaml', 'file:///ws/a.yaml', 'file:///ws/b.yaml']);
    index.update('file:///ws/a.yaml', SOURCES);
    assert.deepEqual(index.lookup(key).map((o) => o.uri), ['file:///ws/b.yaml', 'file:///ws/a.yaml']);
    index.remove('file:///ws/b.yaml');
    assert.deepEqual(index.lookup(key).map((o) => [o.uri, o.documentIndex]), [['file:///ws/a.yaml', 0]]);
    assert.deepEqual(index.findByKindName('OCIRepository', 'charts').map((o) => o.uri), ['file:///ws/a.yaml']);
  });

  it('a versioned file is re-indexed when its version or text changes, not when the same parse comes again', () => {
    const index = new WorkspaceIndex();
    const uri = 'file:///ws/v.yaml';
    index.updateParsed(uri, parseText(SOURCES, uri, 1));
    const [first] = index.objectsIn(uri);
    index.updateParsed(uri, parseText(SOURCES, uri, 1));
    assert.equal(index.objectsIn(uri)[0], first, 'same version and text: kept');
    index.updateParsed(uri, parseText(SOURCES.replace('name: podinfo', 'name: renamed'), uri, 2));
    assert.deepEqual(index.objectsIn(uri).map((o) => o.name), ['renamed', 'charts']);
    index.remove(uri);
    index.updateParsed(uri, parseText(SOURCES, uri, 2));
    assert.deepEqual(index.objectsIn(uri).map((o) => o.name), ['podinfo', 'charts'], 'after remove the same version is indexed again');
  });

  it('replaces a file on update and drops it on remove', () => {
    const index = new WorkspaceIndex();
    index.update('file:///ws/a.yaml', SOURCES);
    index.update('file:///ws/a.yaml', SOURCES.replace('name: podinfo', 'name: renamed'));
    assert.deepEqual(index.lookup({ kind: 'GitRepository', namespace: 'flux-system', name: 'podinfo' }), []);
    assert.equal(index.lookup({ kind: 'GitRepository', namespace: 'flux-system', name: 'renamed' }).length, 1);
    assert.equal(index.size, 2);
    index.update('file:///ws/b.yaml', `${KS_HEAD}  interval: 1m\n`);
    assert.deepEqual(index.files().sort(), ['file:///ws/a.yaml', 'file:///ws/b.yaml']);
    index.remove('file:///ws/a.yaml');
    assert.equal(index.size, 1);
    assert.deepEqual(index.findByKindName('GitRepository', 'renamed'), []);
    assert.deepEqual(index.objectsIn('file:///ws/b.yaml').map((o) => o.name), ['apps']);
    index.update('file:///ws/b.yaml', 'not: flux\n');
    assert.equal(index.size, 0);
  });

  it('keeps duplicates from different files apart and finds by kind and name', () => {
    const index = new WorkspaceIndex();
    index.update('file:///ws/a.yaml', SOURCES);
    index.update('file:///ws/b.yaml', SOURCES.replace('namespace: flux-system', 'namespace: other'));
    index.update('file:///ws/c.yaml', SOURCES);
    assert.deepEqual(index.lookup({ kind: 'GitRepository', namespace: 'flux-system', name: 'podinfo' }).map((o) => o.uri).sort(),
      ['file:///ws/a.yaml', 'file:///ws/c.yaml']);
    assert.equal(index.findByKindName('GitRepository', 'podinfo').length, 3);
    index.remove('file:///ws/c.yaml');
    assert.equal(index.findByKindName('GitRepository', 'podinfo').length, 2);
  });

  it('resolves: exact namespace first, then objects that declare none, any namespace when unknown', () => {
    const index = new WorkspaceIndex();
    index.update('file:///ws/a.yaml', SOURCES);
    assert.equal(index.resolve({ kind: 'GitRepository', namespace: 'flux-system', name: 'podinfo' }).length, 1);
    assert.equal(index.resolve({ kind: 'GitRepository', namespace: 'elsewhere', name: 'podinfo' }).length, 0);
    assert.equal(index.resolve({ kind: 'OCIRepository', namespace: 'apps', name: 'charts' }).length, 1, 'charts declares no namespace');
    assert.equal(index.resolve({ kind: 'GitRepository', name: 'podinfo' }).length, 1);
  });
});

describe('references', () => {
  const refsOf = (text: string, i = 0) => {
    const file = parseText(text);
    return findReferences(file, file.documents[i]!);
  };

  it('reads a Kustomization sourceRef, defaulting its namespace to the referrer', () => {
    const refs = refsOf(`${KS_HEAD}  sourceRef:\n    kind: GitRepository\n    name: podinfo\n`);
    assert.equal(refs.length, 1);
    assert.deepEqual(refs[0]!.target, { kind: 'GitRepository', namespace: 'flux-system', name: 'podinfo' });
    assert.equal(refs[0]!.namespaceExplicit, false);
    assert.deepEqual(refs[0]!.path, ['spec', 'sourceRef']);
    assert.deepEqual(refs[0]!.nameRange, { start: { line: 8, character: 10 }, end: { line: 8, character: 17 } });
    assert.ok(refs[0]!.allowedKinds?.includes('OCIRepository'));
  });

  it('uses an explicit namespace, and none when neither side has one', () => {
    const explicit = refsOf(`${KS_HEAD}  sourceRef:\n    kind: GitRepository\n    name: podinfo\n    namespace: src\n`);
    assert.deepEqual(explicit[0]!.target, { kind: 'GitRepository', namespace: 'src', name: 'podinfo' });
    assert.equal(explicit[0]!.namespaceExplicit, true);
    const none = refsOf(KS_HEAD.replace('  namespace: flux-system\n', '') + '  sourceRef:\n    kind: GitRepository\n    name: podinfo\n');
    assert.deepEqual(none[0]!.target, { kind: 'GitRepository', name: 'podinfo' });
  });

  it('reads dependsOn (same kind), HelmRelease chart sources and chartRef', () => {
    const ks = refsOf(`${KS_HEAD}  dependsOn:\n    - name: infra\n    - name: crds\n      namespace: kube-system\n`);
    assert.deepEqual(ks.map((r) => r.target), [
      { kind: 'Kustomization', namespace: 'flux-system', name: 'infra' },
      { kind: 'Kustomization', namespace: 'kube-system', name: 'crds' },
    ]);
    assert.deepEqual(ks[1]!.path, ['spec', 'dependsOn', 1]);
    const hr = refsOf('apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata:\n  name: web\n  namespace: apps\nspec:\n'
      + '  chart:\n    spec:\n      chart: web\n      sourceRef:\n        kind: HelmRepository\n        name: charts\n        namespace: flux-system\n'
      + '  dependsOn:\n    - name: db\n');
    assert.deepEqual(hr.map((r) => r.target), [
      { kind: 'HelmRepository', namespace: 'flux-system', name: 'charts' },
      { kind: 'HelmRelease', namespace: 'apps', name: 'db' },
    ]);
    const chartRef = refsOf('apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata:\n  name: web\nspec:\n  chartRef:\n    kind: OCIRepository\n    name: web\n');
    assert.deepEqual(chartRef.map((r) => r.target), [{ kind: 'OCIRepository', name: 'web' }]);
  });

  it('skips wildcards, substitutions and non-Flux documents', () => {
    const alert = refsOf('apiVersion: notification.toolkit.fluxcd.io/v1beta3\nkind: Alert\nmetadata:\n  name: a\n  namespace: ns\nspec:\n'
      + '  providerRef:\n    name: slack\n  eventSources:\n    - kind: Kustomization\n      name: "*"\n    - kind: GitRepository\n      name: ${REPO}\n');
    assert.deepEqual(alert.map((r) => r.target), [{ kind: 'Provider', namespace: 'ns', name: 'slack' }]);
    assert.deepEqual(refsOf('apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nspec:\n  sourceRef:\n    kind: GitRepository\n    name: x\n'), []);
  });
});
