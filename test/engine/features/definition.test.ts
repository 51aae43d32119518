import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { definition } from '../../../server/src/engine/features/definition';
import { WorkspaceIndex } from '../../../server/src/engine/index';
import { FluxEngine } from '../../../server/src/engine/engine';
import { GIT_HEAD, KS_HEAD, withCursor } from './helpers';

const SOURCE = `# sources\n${GIT_HEAD}  interval: 1m\n  url: https://example.com/x\n`;
const KS = `${KS_HEAD}  interval: 10m\n  sourceRef:\n    kind: GitRepository\n    name: podinfo\n  dependsOn:\n    - name: infra\n`;

function indexWithSource(): WorkspaceIndex {
  const index = new WorkspaceIndex();
  index.update('file:///ws/source.yaml', SOURCE);
  return index;
}

describe('definition', () => {
  it('resolves sourceRef.name to the object in another file', () => {
    const { file, position } = withCursor(KS.replace('name: podinfo', 'name: pod<|>info'), 'file:///ws/ks.yaml');
    const targets = definition(file, position, indexWithSource());
    assert.equal(targets.length, 1);
    assert.equal(targets[0]!.uri, 'file:///ws/source.yaml');
    assert.deepEqual(targets[0]!.selectionRange, { start: { line: 4, character: 8 }, end: { line: 4, character: 15 } });
    assert.deepEqual(targets[0]!.range.start, { line: 1, character: 0 });
    assert.deepEqual(targets[0]!.originRange, { start: { line: 9, character: 10 }, end: { line: 9, character: 17 } });
  });

  it('works from the reference key and its kind too', () => {
    const onKey = withCursor(KS.replace('  sourceRef:', '  source<|>Ref:'));
    assert.equal(definition(onKey.file, onKey.position, indexWithSource()).length, 1);
    const onKind = withCursor(KS.replace('kind: GitRepository', 'kind: Git<|>Repository'));
    assert.equal(definition(onKind.file, onKind.position, indexWithSource()).length, 1);
  });

  it('finds nothing off a reference, for unknown objects, or in the wrong namespace', () => {
    const off = withCursor(KS.replace('interval: 10m', 'interval: 1<|>0m'));
    assert.deepEqual(definition(off.file, off.position, indexWithSource()), []);
    const missing = withCursor(KS.replace('- name: infra', '- name: inf<|>ra'));
    assert.deepEqual(definition(missing.file, missing.position, indexWithSource()), []);
    const wrongNs = withCursor(KS.replace('name: podinfo', 'name: pod<|>info\n    namespace: other'));
    assert.deepEqual(definition(wrongNs.file, wrongNs.position, indexWithSource()), []);
  });

  it('resolves through the engine facade, re-indexing the current file for same-file references', () => {
    const engine = new FluxEngine();
    const text = `${KS}---\n${KS_HEAD.replace('name: apps', 'name: infra')}  interval: 5m\n`;
    const pos = withCursor(text.replace('- name: infra', '- name: in<|>fra')).position;
    const targets = engine.definition(text, 'file:///ws/all.yaml', 1, pos);
    assert.equal(targets.length, 1);
    assert.equal(targets[0]!.uri, 'file:///ws/all.yaml');
    assert.equal(targets[0]!.selectionRange.start.line, 16);
    engine.indexFile(SOURCE, 'file:///ws/source.yaml');
    assert.equal(engine.findObject('GitRepository', 'podinfo').length, 1);
    assert.equal(engine.findObject('GitRepository', 'podinfo', 'flux-system')[0]!.uri, 'file:///ws/source.yaml');
    engine.unindexFile('file:///ws/source.yaml');
    assert.deepEqual(engine.findObject('GitRepository', 'podinfo'), []);
  });
});
