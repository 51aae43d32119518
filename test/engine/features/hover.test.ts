import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { formatPath, hover, versionStatus } from '../../../server/src/engine/features/hover';
import { SchemaRegistry, schemaAtPath } from '../../../server/src/engine/schema/registry';
import { findKind } from '../../../server/src/engine/kinds';
import { GIT_HEAD, KS_HEAD, withCursor } from './helpers';
import { WorkspaceIndex } from '../../../server/src/engine/index';

const registry = SchemaRegistry.bundled();
const git = findKind('GitRepository')!;
const gitSpec = (path: string[]) => schemaAtPath(registry.get(git.group, 'v1', 'GitRepository')!, ['spec', ...path])!;

function hoverAt(text: string, targetFluxVersion?: string) {
  const { file, position } = withCursor(text);
  return hover(file, position, registry, targetFluxVersion ? { targetFluxVersion } : {});
}

const DOC = `${GIT_HEAD}  interval: 5m\n  url: https://example.com/x\n  provider: generic\n  ref:\n    branch: main\n`;

describe('hover', () => {
  it('shows path, type, description and the docs link on a key, with the key range', () => {
    const h = hoverAt(DOC.replace('    branch', '    bra<|>nch'));
    assert.ok(h);
    assert.match(h.contents, /spec\.ref\.branch/);
    assert.match(h.contents, /`string`/);
    assert.ok(h.contents.includes(gitSpec(['ref', 'branch']).description!));
    assert.ok(h.contents.includes(git.docsUrl));
    assert.deepEqual(h.range, { start: { line: 10, character: 4 }, end: { line: 10, character: 10 } });
  });

  it('shows the same field on its value, with the value range', () => {
    const h = hoverAt(DOC.replace('branch: main', 'branch: ma<|>in'));
    assert.ok(h);
    assert.match(h.contents, /spec\.ref\.branch/);
    assert.deepEqual(h.range, { start: { line: 10, character: 12 }, end: { line: 10, character: 16 } });
  });

  it('marks required fields and shows enums and patterns', () => {
    const interval = hoverAt(DOC.replace('  interval', '  inter<|>val'))!;
    assert.match(interval.contents, /spec\.interval.*\(required\)/);
    assert.ok(interval.contents.includes(gitSpec(['interval']).pattern!));
    const provider = hoverAt(DOC.replace('  provider', '  prov<|>ider'))!;
    assert.doesNotMatch(provider.contents, /required/);
    for (const e of gitSpec(['provider']).enum!) assert.ok(provider.contents.includes(`\`${String(e)}\``));
  });

  it('handles CRLF line endings', () => {
    const h = hoverAt(DOC.replace('    branch', '    bra<|>nch').replace(/\n/g, '\r\n'))!;
    assert.match(h.contents, /spec\.ref\.branch/);
    assert.deepEqual(h.range, { start: { line: 10, character: 4 }, end: { line: 10, character: 10 } });
  });

  it('shows list paths with []', () => {
    const h = hoverAt(`${KS_HEAD}  dependsOn:\n    - na<|>me: infra\n`)!;
    assert.match(h.contents, /spec\.dependsOn\[\]\.name/);
    assert.equal(formatPath(['spec', 'dependsOn', 3, 'name']), 'spec.dependsOn[].name');
  });

  it('shows the kind, its version status and link on apiVersion and kind', () => {
    const current = hoverAt(DOC.replace('apiVersion', 'api<|>Version'))!;
    assert.match(current.contents, /GitRepository/);
    assert.match(current.contents, /current/);
    assert.ok(current.contents.includes(git.docsUrl));
    const onKind = hoverAt(DOC.replace('kind: GitRepository', 'kind: GitRepo<|>sitory'))!;
    assert.match(onKind.contents, /GitRepository/);
    const old = DOC.replace('source.toolkit.fluxcd.io/v1', 'source.toolkit.fluxcd.io/v1beta2').replace('kind:', 'ki<|>nd:');
    assert.match(hoverAt(old)!.contents, /removed in Flux 2\.8.*source\.toolkit\.fluxcd\.io\/v1`/);
    const deprecated = hoverAt(old, '2.7')!.contents;
    assert.match(deprecated, /deprecated since Flux 2\.3/);
    assert.doesNotMatch(deprecated, /: removed/);
  });

  it('computes version status against the target Flux version', () => {
    const hr = findKind('HelmRelease')!;
    assert.equal(versionStatus(hr, 'v2'), 'current');
    assert.equal(versionStatus(hr, 'v2beta2', '2.7'), 'deprecated');
    assert.equal(versionStatus(hr, 'v2beta2', '2.8'), 'removed');
    assert.equal(versionStatus(hr, 'v9'), 'unknown');
  });

  it('hovers fields in later documents of a multi-document file', () => {
    const h = hoverAt(`${DOC}---\n${KS_HEAD}  pru<|>ne: true\n`)!;
    assert.match(h.contents, /spec\.prune/);
    assert.match(h.contents, /boolean/);
    assert.ok(h.contents.includes(findKind('Kustomization')!.docsUrl));
  });

  it('tells where a reference points when given the workspace index', () => {
    const index = new WorkspaceIndex();
    index.update('file:///ws/clusters/source%20files.yaml', `# header\n${DOC}`);
    const ks = `${KS_HEAD}  sourceRef:\n    kind: GitRepository\n    name: podinfo\n  dependsOn:\n    - name: infra\n`;
    const on = (marked: string) => {
      const { file, position } = withCursor(marked);
      return hover(file, position, registry, { index })!.contents;
    };
    assert.match(on(ks.replace('name: podinfo', 'name: pod<|>info')), /Refers to `GitRepository flux-system\/podinfo`, defined in `source files\.yaml` line 5\./);
    assert.match(on(ks.replace('  sourceRef:', '  source<|>Ref:')), /defined in `source files\.yaml`/);
    assert.match(on(ks.replace('- name: infra', '- name: in<|>fra')), /Refers to `Kustomization flux-system\/infra`: not found in the workspace/);
    assert.doesNotMatch(on(ks.replace('kind: GitRepository', 'kind: Git<|>Repository')), /Refers to/);
    const { file, position } = withCursor(ks.replace('name: podinfo', 'name: pod<|>info'));
    assert.doesNotMatch(hover(file, position, registry)!.contents, /Refers to/, 'no index, no reference line');
  });

  it('answers nothing for unknown fields, non-Flux documents and blank space', () => {
    assert.equal(hoverAt(DOC.replace('  provider', '  provi<|>derx')), undefined);
    assert.equal(hoverAt('apiVersion: v1\nkind: Config<|>Map\n'), undefined);
    assert.equal(hoverAt('apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomi<|>zation\n'), undefined);
    assert.equal(hoverAt(`${DOC}\n<|>\n`), undefined);
  });
});
