/**
 * The patchesStrategicMerge / patchesJson6902 → patches move of the apiVersion migration: every moved patch,
 * parsed back, is the entry it came from (the LSP test in test/lsp/code-actions.test.ts applies it over LSP).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parse, stringify } from 'yaml';
import { parseText } from '../../../server/src/engine/document';
import { migratePatchLists } from '../../../server/src/engine/features/patch-migration';

const HEAD = 'apiVersion: kustomize.toolkit.fluxcd.io/v1beta2\nkind: Kustomization\nmetadata:\n  name: apps\nspec:\n  interval: 10m\n';

function migrate(text: string, docIndex = 0): { text: string; moved: string[] } {
  const file = parseText(text, 'file:///ws/ks.yaml');
  const m = migratePatchLists(file, file.documents[docIndex]!);
  let out = text;
  for (const e of [...m.edits].sort((a, b) => b.from - a.from)) out = out.slice(0, e.from) + e.text + out.slice(e.to);
  return { text: out, moved: m.moved };
}

describe('patch lists moved to patches', () => {
  it('each moved patch parses back to its entry; targets kept; order strategic merge, existing, JSON 6902', () => {
    const psm = [
      { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', annotations: { 'a/b': 'x: y' } }, spec: { template: { spec: { containers: [{ name: 'app', args: ['--a', '- b'] }] } } } },
      { kind: 'ConfigMap', metadata: { name: 'c' }, data: { 'k.txt': 'line one\nline two\n' } },
    ];
    const j69 = [{ target: { group: 'apps', version: 'v1', kind: 'Deployment', name: 'web' }, patch: [{ op: 'add', path: '/spec/replicas', value: 3 }, { op: 'remove', path: '/spec/paused' }] }];
    const existing = [{ patch: 'kind: Service\nmetadata:\n  name: web\n', target: { kind: 'Service' } }];
    // Written with yaml's own block style, then with the old fields in the middle of spec.
    const spec = (o: object): string => stringify(o).replace(/^(?=.)/gm, '  ');
    const text = `${HEAD}${spec({ patchesStrategicMerge: psm })}${spec({ patches: existing })}${spec({ patchesJson6902: j69 })}  prune: true\n`;
    const r = migrate(text);
    assert.deepEqual(r.moved, ['spec.patchesStrategicMerge', 'spec.patchesJson6902']);
    const out = parse(r.text) as { spec: Record<string, unknown> };
    assert.deepEqual(Object.keys(out.spec), ['interval', 'patches', 'prune']);
    const patches = out.spec.patches as Array<{ patch: string; target?: object }>;
    assert.deepEqual(patches.map((p) => parse(p.patch)), [...psm, parse(existing[0]!.patch), j69[0]!.patch]);
    assert.deepEqual(patches.map((p) => p.target), [undefined, undefined, existing[0]!.target, j69[0]!.target]);
  });

  it('a file-path entry (kustomize form) is not moved; an inline string patch is', () => {
    assert.deepEqual(migrate(`${HEAD}  patchesStrategicMerge:\n    - replicas.yaml\n`).moved, []);
    const r = migrate(`${HEAD}  patchesStrategicMerge:\n    - |\n      kind: Deployment\n      metadata:\n        name: web\n`);
    assert.deepEqual(r.moved, ['spec.patchesStrategicMerge']);
    assert.deepEqual(parse((parse(r.text) as { spec: { patches: Array<{ patch: string }> } }).spec.patches[0]!.patch), { kind: 'Deployment', metadata: { name: 'web' } });
  });

  it('an empty old list is removed; only the document asked for is changed', () => {
    const two = `${HEAD}  patchesJson6902: []\n---\n${HEAD}  patchesStrategicMerge:\n    - kind: Secret\n`;
    const r = migrate(two, 0);
    assert.equal(r.text, `${HEAD}---\n${HEAD}  patchesStrategicMerge:\n    - kind: Secret\n`);
  });

  it('other kinds are left alone', () => {
    assert.deepEqual(migrate('apiVersion: source.toolkit.fluxcd.io/v1\nkind: GitRepository\nmetadata:\n  name: a\nspec:\n  patchesStrategicMerge:\n    - kind: X\n').moved, []);
  });
});
