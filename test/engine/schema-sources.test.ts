/**
 * Schema sources in order of truth: the same document judged by each source (a field only that source has), the
 * fluxWorkbench.schemaSource modes, per-cluster-folder workspace CRDs, JSON6902 patches on CRDs, hover naming the
 * source, and the generic CEL evaluation of non-bundled CRDs' rules.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { FluxEngine } from '../../server/src/engine/engine';
import { SchemaRegistry } from '../../server/src/engine/schema/registry';
import { applyJsonPatch, scanWorkspaceCrds } from '../../server/src/engine/schema/workspace-crds';
import { CEL_STATS } from '../../server/src/engine/schema/cel';
import { crd, crdYaml, gitCrd, gitDoc } from './crd-fixtures';

const G = 'source.toolkit.fluxcd.io';
const bundled = SchemaRegistry.bundled();
const doc = gitDoc;

const unknownField = (e: FluxEngine, text: string, uri: string): string[] =>
  e.diagnostics(text, uri).filter((d) => d.code === 'flux/unknown-field').map((d) => d.message);

describe('schema sources', () => {
  it('bundled: a field no bundled schema has is unknown', () => {
    const e = new FluxEngine();
    assert.equal(unknownField(e, doc('clusterOnly'), '/repo/a.yaml').length, 1);
  });

  it('cluster: the handed-over CRD judges the document (its field is known), and hover names the cluster', () => {
    const e = new FluxEngine();
    assert.equal(e.schemaSources.setCluster([gitCrd('clusterOnly', 'v2.9.1')], { context: 'prod', fluxVersion: 'v2.9.1' }), 1);
    assert.deepEqual(unknownField(e, doc('clusterOnly'), '/repo/a.yaml'), []);
    assert.equal(unknownField(e, doc('workspaceOnly'), '/repo/a.yaml').length, 1);
    const text = doc('clusterOnly');
    const line = text.split('\n').findIndex((l) => l.includes('clusterOnly'));
    const h = e.hover(text, 'file:///repo/a.yaml', 1, { line, character: 4 });
    assert.ok(h);
    assert.match(h.contents, /clusterOnly, a field only this source has/);
    assert.match(h.contents, /schema: cluster prod, Flux v2\.9\.1/);
    // Disconnected: the bundled schema again.
    e.schemaSources.setCluster([]);
    assert.equal(unknownField(e, doc('clusterOnly'), '/repo/a.yaml').length, 1);
  });

  it('workspace: gotk-components.yaml committed in the repo judges the documents, and hover names the file', () => {
    const e = new FluxEngine();
    e.indexFile(crdYaml(gitCrd('workspaceOnly')), '/repo/clusters/prod/flux-system/gotk-components.yaml');
    assert.deepEqual(unknownField(e, doc('workspaceOnly'), '/repo/clusters/prod/apps/git.yaml'), []);
    const text = doc('workspaceOnly');
    const h = e.hover(text, '/repo/clusters/prod/apps/git.yaml', 1, { line: 0, character: 2 });
    assert.match(h?.contents ?? '', /schema: workspace \/repo\/clusters\/prod\/flux-system\/gotk-components\.yaml, Flux v2\.9\.0/);
    // The file removed: bundled again.
    e.unindexFile('/repo/clusters/prod/flux-system/gotk-components.yaml');
    assert.equal(unknownField(e, doc('workspaceOnly'), '/repo/clusters/prod/apps/git.yaml').length, 1);
  });

  it('a source switch is seen by a document whose text and version did not change (no stale reuse)', () => {
    const e = new FluxEngine();
    const text = doc('clusterOnly');
    const count = (): number => e.diagnostics(text, 'file:///repo/a.yaml', 7).filter((d) => d.code === 'flux/unknown-field').length;
    assert.equal(count(), 1);
    e.schemaSources.setCluster([gitCrd('clusterOnly')], { context: 'prod' });
    assert.equal(count(), 0);
    e.configure({ schemaSource: 'bundled' });
    assert.equal(count(), 1);
  });

  it('file (lint --schema-from): the CRD files judge the document', () => {
    const e = new FluxEngine();
    e.schemaSources.setFiles([gitCrd('fileOnly')], 'file crds/');
    assert.deepEqual(unknownField(e, doc('fileOnly'), '/x.yaml'), []);
  });

  it('auto takes cluster over workspace over bundled; each mode uses only its source', () => {
    const e = new FluxEngine();
    e.schemaSources.setCluster([gitCrd('clusterOnly')], { context: 'prod' });
    e.indexFile(crdYaml(gitCrd('workspaceOnly')), '/repo/gotk-components.yaml');
    const uri = '/repo/git.yaml';
    const judge = (): [number, number] => [unknownField(e, doc('clusterOnly'), uri).length, unknownField(e, doc('workspaceOnly'), uri).length];
    assert.deepEqual(judge(), [0, 1], 'auto: cluster');
    e.configure({ schemaSource: 'workspace' });
    assert.deepEqual(judge(), [1, 0], 'workspace');
    e.configure({ schemaSource: 'bundled' });
    assert.deepEqual(judge(), [1, 1], 'bundled');
    e.configure({ schemaSource: 'cluster' });
    assert.deepEqual(judge(), [0, 1], 'cluster');
    e.schemaSources.setCluster([]);
    e.configure({ schemaSource: 'auto' });
    assert.deepEqual(judge(), [1, 0], 'auto without a cluster: workspace');
  });

  it('clusters on different Flux versions: each cluster folder is judged by its own CRDs', () => {
    const e = new FluxEngine();
    e.indexFile(crdYaml(gitCrd('prodOnly', 'v2.9.0')), '/repo/clusters/prod/flux-system/gotk-components.yaml');
    e.indexFile(crdYaml(gitCrd('stagingOnly', 'v2.7.0')), '/repo/clusters/staging/flux-system/gotk-components.yaml');
    const prod = '/repo/clusters/prod/apps/git.yaml';
    const staging = '/repo/clusters/staging/apps/git.yaml';
    assert.deepEqual(unknownField(e, doc('prodOnly'), prod), []);
    assert.equal(unknownField(e, doc('stagingOnly'), prod).length, 1);
    assert.deepEqual(unknownField(e, doc('stagingOnly'), staging), []);
    assert.equal(unknownField(e, doc('prodOnly'), staging).length, 1);
    // Shared folders (applied by both clusters on different versions): no workspace set is guessed.
    assert.equal(unknownField(e, doc('prodOnly'), '/repo/apps/git.yaml').length, 1);
    assert.equal(unknownField(e, doc('stagingOnly'), '/repo/apps/git.yaml').length, 1);
  });

  it('kustomize JSON6902 patches on CRDs are applied (an eventSources kind added to the Alert CRD)', () => {
    const NG = 'notification.toolkit.fluxcd.io';
    const alert = structuredClone(bundled.get(NG, 'v1beta3', 'Alert')!);
    const kinds = alert.properties!.spec!.properties!.eventSources!.items!.properties!.kind!.enum!;
    assert.ok(!kinds.includes('FluxInstance'));
    const alertDoc = `apiVersion: notification.toolkit.fluxcd.io/v1beta3
kind: Alert
metadata:
  name: a
  namespace: flux-system
spec:
  providerRef:
    name: slack
  eventSources:
    - kind: FluxInstance
      name: flux
`;
    const e = new FluxEngine();
    e.indexFile(crdYaml(crd('Alert', 'alerts', NG, 'v1beta3', alert, 'v2.8.0')), '/repo/clusters/prod/flux-system/gotk-components.yaml');
    const enumErrors = (): number => e.diagnostics(alertDoc, '/repo/clusters/prod/alerts.yaml').filter((d) => d.code === 'flux/schema-enum' || d.code === 'flux/reference-kind').length;
    assert.equal(enumErrors(), 1, 'unpatched CRD rejects the kind');
    const index = kinds.length;
    e.indexFile(`apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
resources:
  - gotk-components.yaml
patches:
  - target:
      kind: CustomResourceDefinition
      name: alerts.notification.toolkit.fluxcd.io
    patch: |
      - op: add
        path: /spec/versions/0/schema/openAPIV3Schema/properties/spec/properties/eventSources/items/properties/kind/enum/${index}
        value: FluxInstance
`, '/repo/clusters/prod/flux-system/kustomization.yaml');
    assert.equal(enumErrors(), 0, 'patched CRD accepts it');
    assert.equal(e.schemaSources.workspaceScan?.patchesApplied, 1);
  });

  it('applyJsonPatch follows RFC 6902 and refuses operations that do not apply', () => {
    const d = { a: { b: [1, 2] }, c: 'x' };
    assert.deepEqual(applyJsonPatch(d, [{ op: 'add', path: '/a/b/-', value: 3 }, { op: 'replace', path: '/c', value: 'y' }, { op: 'remove', path: '/a/b/0' }]), { a: { b: [2, 3] }, c: 'y' });
    assert.deepEqual(applyJsonPatch(d, [{ op: 'copy', from: '/c', path: '/d' }, { op: 'move', from: '/a', path: '/e' }, { op: 'test', path: '/d', value: 'x' }]), { c: 'x', d: 'x', e: { b: [1, 2] } });
    assert.equal(applyJsonPatch(d, [{ op: 'replace', path: '/nope', value: 1 }]), undefined);
    assert.equal(applyJsonPatch(d, [{ op: 'test', path: '/c', value: 'z' }]), undefined);
    assert.deepEqual(d, { a: { b: [1, 2] }, c: 'x' }, 'the input is not modified');
  });

  it('a patch that does not apply is reported and the CRD is used unpatched; non-Flux CRDs are ignored', () => {
    const scan = scanWorkspaceCrds([
      { uri: '/r/crds.yaml', text: crdYaml(gitCrd('x'), crd('Widget', 'widgets', 'example.com', 'v1', { type: 'object' }, 'v1')) },
      { uri: '/r/kustomization.yaml', text: 'patchesJson6902:\n  - target: {kind: CustomResourceDefinition, name: gitrepositories.source.toolkit.fluxcd.io}\n    patch: |\n      - op: replace\n        path: /spec/nope/x\n        value: 1\n' },
    ]);
    assert.equal(scan.crds, 1);
    assert.equal(scan.sets.length, 1);
    assert.equal(scan.patchesApplied, 0);
    assert.match(scan.problems.join('\n'), /does not apply/);
  });

  it("a non-bundled CRD's CEL rules are evaluated generically; rules outside what a file can judge are skipped and counted", () => {
    const e = new FluxEngine();
    e.schemaSources.setCluster([gitCrd('mode', 'v2.9.0', [
      { rule: "!has(self.mode) || self.mode != 'yes-please' || has(self.ignore)", message: 'mode yes-please needs spec.ignore' },
      { rule: 'self.url == oldSelf.url', message: 'url is immutable' },
      { rule: "quantity('1').isGreaterThan(quantity('0'))", message: 'needs a Kubernetes-only function' },
    ])], { context: 'prod' });
    const before = CEL_STATS.skipped;
    const text = doc('mode');
    const diags = e.diagnostics(text, '/x.yaml').filter((d) => d.code === 'flux/cel-rule');
    assert.equal(diags.length, 1, JSON.stringify(diags));
    assert.match(diags[0]!.message, /^GitRepository flux-system\/podinfo: spec: mode yes-please needs spec\.ignore \(validation rule of the cluster prod CRD/);
    assert.equal(diags[0]!.range.start.line, 5); // the spec key
    assert.equal(CEL_STATS.skipped - before, 2, 'the transition rule and the unknown function are skipped, not guessed');
    assert.ok(CEL_STATS.skippedRules.get('self.url == oldSelf.url')?.includes('oldSelf'));
    const ok = `${text}  ignore: /tmp\n`;
    assert.deepEqual(e.diagnostics(ok, '/x.yaml').filter((d) => d.code === 'flux/cel-rule'), []);
  });

  it('a CRD rule the engine re-implements is reported once, by the re-implementation', () => {
    const root = structuredClone(bundled.get(G, 'v1', 'GitRepository')!);
    root.properties!.spec!['x-kubernetes-validations'] = [{
      rule: "!has(self.serviceAccountName) || (has(self.provider) && (self.provider == 'azure' || self.provider == 'aws'))",
      message: "serviceAccountName can only be set when provider is 'azure' or 'aws'",
    }];
    const e = new FluxEngine();
    e.schemaSources.setCluster([crd('GitRepository', 'gitrepositories', G, 'v1', root, 'v2.9.0')], { context: 'prod' });
    const diags = e.diagnostics(doc('serviceAccountName'), '/x.yaml');
    assert.equal(diags.filter((d) => d.code === 'flux/gitrepository-service-account').length, 1);
    assert.equal(diags.filter((d) => d.code === 'flux/cel-rule').length, 0);
  });
});
