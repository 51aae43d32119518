import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { complete, objectSkeleton, textOnlyFile, type EngineCompletionItem } from '../../../server/src/engine/features/completion';
import { FluxEngine } from '../../../server/src/engine/engine';
import { SchemaRegistry, schemaAtPath } from '../../../server/src/engine/schema/registry';
import { FLUX_KINDS, findKind } from '../../../server/src/engine/kinds';
import type { SchemaNode } from '../../../server/src/engine/schema/types';
import { parseText } from '../../../server/src/engine/document';
import { WorkspaceIndex } from '../../../server/src/engine/index';
import { GIT_HEAD, KS_HEAD, withCursor } from './helpers';

const registry = SchemaRegistry.bundled();

function items(text: string, reg: SchemaRegistry = registry): EngineCompletionItem[] {
  const { file, position } = withCursor(text);
  return complete(file, position, reg);
}
const labels = (list: EngineCompletionItem[]): string[] => list.map((i) => i.label);
const schemaOf = (kind: string, path: Array<string | number>): SchemaNode => {
  const k = findKind(kind)!;
  const s = schemaAtPath(registry.get(k.group, k.current, k.kind)!, path);
  assert.ok(s, `schema ${kind} ${path.join('.')}`);
  return s;
};

describe('completion: apiVersion/kind pairs', () => {
  it('offers every Flux kind at its current apiVersion in an empty document, with a skeleton snippet', () => {
    const list = items('<|>');
    for (const k of FLUX_KINDS) {
      const item = list.find((i) => i.label.startsWith(`${k.kind} `));
      assert.ok(item, `pair for ${k.kind}`);
      assert.equal(item.insertTextFormat, 'snippet');
      assert.ok(item.insertText!.startsWith(`apiVersion: ${k.group}/${k.current}\nkind: ${k.kind}\nmetadata:\n  name: \${1:`), item.insertText);
      // The snippet prefix leads the filter text: typing `flux-<kind>` keeps the item.
      assert.ok(item.filterText!.startsWith(`flux-${k.kind.toLowerCase()} `), item.filterText);
      assert.deepEqual(item.range?.start, { line: 0, character: 0 });
    }
  });

  it('puts every required spec field of the kind into the skeleton', () => {
    for (const kind of ['GitRepository', 'HelmRelease', 'Kustomization', 'Alert', 'Bucket']) {
      const k = findKind(kind)!;
      const required = schemaOf(kind, ['spec']).required ?? [];
      assert.ok(required.length > 0, `${kind} has required spec fields`);
      const text = objectSkeleton(k, registry);
      for (const r of required) assert.match(text, new RegExp(`\\nspec:\\n(  .*\\n)*  ${r}:`), `${kind} skeleton has ${r}`);
      // The documentation's example: a Kustomization with a path, prune: true and the flux-system GitRepository.
      if (kind === 'Kustomization') {
        assert.match(text, /\n {2}path: \$\{\d+:[^}]+\}\n/);
        assert.match(text, /\n {2}prune: \$\{\d+\|true,false\|\}\n/);
        assert.match(text, / {2}sourceRef:\n {4}kind: \$\{\d+\|GitRepository[^}]*\|\}\n {4}name: \$\{\d+:flux-system\}/);
      }
    }
  });

  it('offers pairs in a new document after ---, not in one that already has an apiVersion', () => {
    const after = items(`${GIT_HEAD}  interval: 1m\n---\n<|>`);
    assert.ok(after.some((i) => i.label.startsWith('HelmRelease ')), labels(after).join());
    const has = items('apiVersion: source.toolkit.fluxcd.io/v1\n<|>');
    assert.ok(!has.some((i) => i.kind === 'snippet'), labels(has).join());
    assert.ok(labels(has).includes('kind') && !labels(has).includes('apiVersion'));
  });

  it('completes apiVersion and kind values', () => {
    const versions = items('kind: GitRepository\napiVersion: <|>');
    assert.equal(versions[0]?.label, 'source.toolkit.fluxcd.io/v1');
    assert.ok(labels(versions).includes('source.toolkit.fluxcd.io/v1beta2'));
    assert.match(versions.find((i) => i.label.endsWith('v1beta2'))!.detail!, /removed in Flux 2\.8/);
    const kinds = items('apiVersion: helm.toolkit.fluxcd.io/v2\nkind: <|>');
    assert.deepEqual(labels(kinds), ['HelmRelease']);
  });
});

describe('completion: keys', () => {
  it('lists the keys of the mapping at the cursor, required first, present ones left out', () => {
    const list = items(`${GIT_HEAD}  url: https://example.com/x\n  <|>\n  timeout: 1m\n`);
    const spec = schemaOf('GitRepository', ['spec']);
    const expected = Object.keys(spec.properties!).filter((k) => k !== 'url' && k !== 'timeout').sort();
    assert.deepEqual(labels(list).sort(), expected);
    const required = list.filter((i) => spec.required!.includes(i.label));
    const optional = list.filter((i) => !spec.required!.includes(i.label));
    assert.ok(required.length > 0 && optional.length > 0);
    for (const r of required) for (const o of optional) assert.ok(r.sortText! < o.sortText!, `${r.label} before ${o.label}`);
    assert.match(list.find((i) => i.label === 'interval')!.detail!, /required/);
  });

  it('completes a half-typed key with no colon (ref: / bra|)', () => {
    const list = items(`${GIT_HEAD}  ref:\n    bra<|>`);
    assert.deepEqual(labels(list).sort(), Object.keys(schemaOf('GitRepository', ['spec', 'ref']).properties!).sort());
    const branch = list.find((i) => i.label === 'branch')!;
    assert.deepEqual(branch.range, { start: { line: 7, character: 4 }, end: { line: 7, character: 7 } });
    assert.match(branch.insertText!, /^branch: /);
    assert.equal(branch.documentation?.includes(schemaOf('GitRepository', ['spec', 'ref', 'branch']).description!), true);
  });

  it('replaces only the key when the colon is already there', () => {
    const list = items(`${GIT_HEAD}  ref:\n    bra<|>nch: main\n`);
    const branch = list.find((i) => i.label === 'branch')!;
    assert.equal(branch.insertText, 'branch');
    assert.equal(branch.insertTextFormat, 'plain');
    assert.deepEqual(branch.range, { start: { line: 7, character: 4 }, end: { line: 7, character: 10 } });
  });

  it('completes on an empty line inside a map, leaving out keys above and below', () => {
    const list = items(`${GIT_HEAD}  interval: 1m\n  ref:\n    tag: v1\n    <|>\n    commit: abc\n  url: x\n`);
    const l = labels(list);
    assert.ok(l.includes('branch') && l.includes('semver'));
    assert.ok(!l.includes('tag') && !l.includes('commit') && !l.includes('interval'), l.join());
  });

  it('completes the keys of a list item after "- "', () => {
    const list = items(`${KS_HEAD}  dependsOn:\n    - <|>`);
    assert.deepEqual(labels(list).sort(), Object.keys(schemaOf('Kustomization', ['spec', 'dependsOn', 0]).properties!).sort());
    const second = items(`${KS_HEAD}  healthChecks:\n    - kind: Deployment\n      <|>\n    - name: other\n`);
    assert.ok(labels(second).includes('name') && !labels(second).includes('kind'), labels(second).join());
  });

  it('indents multi-line snippets of a list item relative to the item', () => {
    const list = items(`${KS_HEAD}  patches:\n    - <|>`);
    const target = list.find((i) => i.label === 'target')!;
    // The editor indents following lines like the line's leading spaces (4); the item's keys sit at 6.
    assert.match(target.insertText!, /^target:\n {4}\S/);
  });

  it('completes compact lists (dash at the key column)', () => {
    const list = items(`${KS_HEAD}  dependsOn:\n  - name: a\n    <|>`);
    assert.ok(labels(list).includes('namespace') && !labels(list).includes('name'), labels(list).join());
  });

  it('completes top-level keys without status or present ones', () => {
    const list = items('apiVersion: source.toolkit.fluxcd.io/v1\nkind: GitRepository\n<|>');
    assert.deepEqual(labels(list).sort(), ['metadata', 'spec']);
  });

  it('offers metadata fields a manifest sets, name and namespace first, none the API server sets', () => {
    const list = items('apiVersion: source.toolkit.fluxcd.io/v1\nkind: GitRepository\nmetadata:\n  <|>');
    const sorted = list.slice().sort((a, b) => a.sortText!.localeCompare(b.sortText!)).map((i) => i.label);
    assert.deepEqual(sorted.slice(0, 4), ['name', 'namespace', 'labels', 'annotations']);
    for (const serverSet of ['uid', 'resourceVersion', 'creationTimestamp', 'managedFields', 'generation']) assert.ok(!sorted.includes(serverSet), serverSet);
  });

  it('offers the kinds of the document\'s group when completing the kind key', () => {
    const kind = items('apiVersion: notification.toolkit.fluxcd.io/v1beta3\nki<|>').find((i) => i.label === 'kind')!;
    const expected = FLUX_KINDS.filter((k) => k.group === 'notification.toolkit.fluxcd.io').map((k) => k.kind);
    assert.equal(kind.insertText, `kind: \${1|${expected.join(',')}|}`);
  });

  it('completes values right after the colon with a leading space', () => {
    const list = items(`${GIT_HEAD}  suspend:<|>`);
    assert.deepEqual(list.map((i) => i.insertText).sort(), [' false', ' true']);
    assert.deepEqual(list[0]!.range, { start: { line: 6, character: 10 }, end: { line: 6, character: 10 } });
  });

  it('handles CRLF line endings like LF', () => {
    const text = `${GIT_HEAD}  url: https://example.com/x\n  ref:\n    <|>\n`.replace(/\n/g, '\r\n');
    const list = items(text);
    assert.deepEqual(labels(list).sort(), Object.keys(schemaOf('GitRepository', ['spec', 'ref']).properties!).sort());
    assert.deepEqual(list[0]!.range!.start, { line: 8, character: 4 });
    const value = items(`${GIT_HEAD}  provider: gi<|>\r\n`.replace(/\n/g, '\r\n').replace(/\r\r/g, '\r'));
    assert.deepEqual(labels(value).sort(), (schemaOf('GitRepository', ['spec', 'provider']).enum as string[]).map(String).sort());
    assert.deepEqual(value[0]!.range, { start: { line: 6, character: 12 }, end: { line: 6, character: 14 } });
  });
});

describe('completion: values', () => {
  it('offers enum values, with the range of the typed value', () => {
    const list = items(`${GIT_HEAD}  provider: gi<|>`);
    const e = schemaOf('GitRepository', ['spec', 'provider']).enum!;
    assert.deepEqual(labels(list).sort(), e.map(String).sort());
    assert.ok(list.every((i) => i.kind === 'enum'));
    assert.deepEqual(list[0]!.range, { start: { line: 6, character: 12 }, end: { line: 6, character: 14 } });
  });

  it('offers booleans', () => {
    assert.deepEqual(labels(items(`${GIT_HEAD}  suspend: <|>`)).sort(), ['false', 'true']);
  });

  it('offers the allowed kinds of a reference', () => {
    const list = items(`${KS_HEAD}  sourceRef:\n    kind: <|>\n    name: podinfo\n`);
    assert.deepEqual(labels(list).sort(), (schemaOf('Kustomization', ['spec', 'sourceRef', 'kind']).enum as string[]).slice().sort());
    assert.ok(labels(list).includes('GitRepository'));
  });

  it('offers enum values in a list of scalars after "- "', () => {
    const custom = new SchemaRegistry([{
      group: 'source.toolkit.fluxcd.io', version: 'v1', kind: 'GitRepository',
      schema: { type: 'object', properties: { spec: { type: 'object', properties: { modes: { type: 'array', items: { type: 'string', enum: ['fast', 'slow'] } } } } } },
    }]);
    assert.deepEqual(labels(items(`${GIT_HEAD}  modes:\n    - fast\n    - <|>`, custom)).sort(), ['fast', 'slow']);
  });

  it('offers nothing for free-text values, comments, block scalars and non-Flux documents', () => {
    assert.deepEqual(items(`${GIT_HEAD}  url: <|>`), []);
    assert.deepEqual(items(`${GIT_HEAD}  # a comment <|>`), []);
    assert.deepEqual(items(`${KS_HEAD}  patches:\n    - patch: |\n        - op: add\n          <|>`), []);
    assert.deepEqual(items('apiVersion: v1\nkind: ConfigMap\ndata:\n  <|>'), []);
    assert.deepEqual(items('kind: ConfigMap\n<|>'), []);
    assert.deepEqual(items('apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n<|>'), []);
  });
});

describe('completion: robustness', () => {
  it('never throws on bad input or positions', () => {
    const texts = ['', '\u0000\u0001', '[[[[', `${'  '.repeat(500)}a:`, ':\n:\n- - - -', `${GIT_HEAD}  ref: {branch: <`];
    for (const t of texts) {
      const file = parseText(t);
      for (const position of [{ line: 0, character: 0 }, { line: 0, character: 9999 }, { line: 99, character: 0 }, { line: -1, character: -1 }]) {
        assert.ok(Array.isArray(complete(file, position, registry)));
      }
    }
  });
});

describe('completion: reference names from the workspace index', () => {
  const index = new WorkspaceIndex();
  index.update('file:///ws/sources.yaml', `${GIT_HEAD}  interval: 1m\n---\n${GIT_HEAD.replace('podinfo', 'other').replace('flux-system', 'team-a')}  interval: 1m\n---\n`
    + 'apiVersion: source.toolkit.fluxcd.io/v1\nkind: OCIRepository\nmetadata:\n  name: charts\n  namespace: flux-system\nspec:\n  interval: 1h\n');
  index.update('file:///ws/infra.yaml', KS_HEAD.replace('name: apps', 'name: infra'));
  const withIndex = (text: string): EngineCompletionItem[] => {
    const { file, position } = withCursor(text);
    return complete(file, position, registry, index);
  };

  it('offers objects of the sourceRef kind, those in the resolved namespace first', () => {
    const list = withIndex(`${KS_HEAD}  sourceRef:\n    kind: GitRepository\n    name: <|>\n`);
    assert.deepEqual(labels(list).sort(), ['other', 'podinfo']);
    const sorted = list.slice().sort((a, b) => a.sortText!.localeCompare(b.sortText!));
    assert.equal(sorted[0]!.label, 'podinfo', 'same namespace (flux-system) first');
    assert.equal(sorted[0]!.detail, 'GitRepository flux-system/podinfo');
  });

  it('uses the kind written below the name, and the same kind for dependsOn', () => {
    assert.deepEqual(labels(withIndex(`${KS_HEAD}  sourceRef:\n    name: <|>\n    kind: OCIRepository\n`)), ['charts']);
    assert.deepEqual(labels(withIndex(`${KS_HEAD}  dependsOn:\n    - name: <|>\n`)), ['infra']);
  });

  it('offers no names outside references or without an index', () => {
    assert.deepEqual(withIndex(`${KS_HEAD.replace('name: apps', 'name: <|>')}`), []);
    assert.deepEqual(items(`${KS_HEAD}  sourceRef:\n    kind: GitRepository\n    name: <|>\n`), []);
  });
});

describe('completion without a YAML parse', () => {
  it('gives the same items from the text alone as from the parsed file', () => {
    const index = new WorkspaceIndex();
    index.update('file:///ws/s.yaml', `${GIT_HEAD}  interval: 1m\n`);
    const cases = [
      '<|>', `${GIT_HEAD}  ref:\n    bra<|>`, `${GIT_HEAD}  provider: <|>`, `${KS_HEAD}  dependsOn:\n    - <|>`,
      `${KS_HEAD}  sourceRef:\n    kind: GitRepository\n    name: <|>\n`, 'apiVersion: helm.toolkit.fluxcd.io/v2\nki<|>',
      `${GIT_HEAD}  url: x\r\n  <|>\r\n`, '{{ if .x }}\n<|>',
    ];
    for (const c of cases) {
      const { file, position } = withCursor(c);
      const light = textOnlyFile(file.text, 'file:///ws/x.yaml', 1);
      const expected = complete(file, position, registry, index);
      assert.deepEqual(complete(light, position, registry, index), expected, c);
    }
    assert.ok(complete(withCursor(`${KS_HEAD}  sourceRef:\n    kind: GitRepository\n    name: <|>\n`).file,
      withCursor(`${KS_HEAD}  sourceRef:\n    kind: GitRepository\n    name: <|>\n`).position, registry, index).length === 1);
  });

  it('follows new versions of a document through the facade', () => {
    const engine = new FluxEngine();
    const uri = 'file:///ws/edit.yaml';
    const v1 = withCursor(`${GIT_HEAD}  <|>\n`);
    assert.ok(labels(engine.completion(v1.file.text, uri, 1, v1.position)).includes('url'));
    const v2 = withCursor(`${GIT_HEAD}  url: x\n  <|>\n`);
    assert.ok(!labels(engine.completion(v2.file.text, uri, 2, v2.position)).includes('url'));
  });
});
