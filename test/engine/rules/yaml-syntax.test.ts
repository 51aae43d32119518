import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { analyze, codes, GIT_REPO, one, rangeOf } from './helpers';

describe('flux/yaml-syntax', () => {
  it('reports a syntax error with its position in a plain manifest beside a Flux object (Flux applies both)', () => {
    const text = `${GIT_REPO}---\napiVersion: v1\nkind: ConfigMap\ndata:\n  a: [1, 2\n`;
    const d = one(analyze(text), 'flux/yaml-syntax');
    assert.equal(d.severity, 'error');
    assert.match(d.message, /^YAML syntax error: /);
    const configMapLine = text.split('\n').indexOf('  a: [1, 2');
    assert.ok(d.range.start.line >= configMapLine, `the error points at or after the open flow sequence, got ${JSON.stringify(d.range)}`);
  });

  it('leaves files without any Flux document to other tools (the server ignores non-Flux YAML)', () => {
    assert.deepEqual(analyze('apiVersion: v1\nkind: ConfigMap\ndata:\n  a: [1, 2\n'), []);
    assert.deepEqual(analyze('on: push\njobs:\n  build:\n    runs-on: [ubuntu\n    steps: x\n'), []);
    // A broken file whose text names a Flux apiVersion still gets its syntax error.
    const broken = GIT_REPO.replace('  ref:\n', '  ref: [\n');
    assert.ok(codes(analyze(broken)).includes('flux/yaml-syntax'), JSON.stringify(analyze(broken)));
  });

  it('names the object in a Flux document, and tab indentation is reported, not crashed on', () => {
    const text = GIT_REPO.replace('    branch: master', '\tbranch: master');
    const d = one(analyze(text), 'flux/yaml-syntax');
    assert.match(d.message, /^GitRepository flux-system\/podinfo: YAML syntax error: .*[Tt]ab/);
    assert.equal(d.range.start.line, 9);
    // With a broken structure, keys may land in the wrong map: no unknown-field noise.
    assert.deepEqual(codes(analyze(text)).filter((c) => c === 'flux/unknown-field'), []);
  });

  it('is silent on valid YAML (comments, document markers, anchors, block scalars)', () => {
    const text = `# comment\n---\na: &x {b: 1}\nc: *x\nd: |\n  text\n...\n---\n- 1\n`;
    assert.deepEqual(analyze(text), []);
  });
});

describe('flux/duplicate-key', () => {
  it('reports the second occurrence of the key, with the key range and the fix', () => {
    const text = `${GIT_REPO}  interval: 1m\n`;
    const d = one(analyze(text), 'flux/duplicate-key');
    assert.equal(d.severity, 'error');
    assert.deepEqual(d.range, rangeOf(text, 'interval', 1));
    assert.match(d.message, /GitRepository flux-system\/podinfo: duplicate key 'interval'.*remove or rename/);
  });

  it('is silent when the same key appears in different maps', () => {
    const text = GIT_REPO.replace('  ref:\n    branch: master\n', '  ref:\n    name: refs/heads/main\n');
    assert.deepEqual(codes(analyze(text)), []);
  });
});

describe('flux/collection-key', () => {
  it('reports a key that is a list or a map, on the key, with what Kubernetes does and the fix', () => {
    const list = `${GIT_REPO}  ? [a, b]\n  : c\n`;
    const d = one(analyze(list), 'flux/collection-key');
    assert.equal(d.severity, 'error');
    assert.deepEqual(d.range, rangeOf(list, '[a, b]'));
    assert.match(d.message, /^GitRepository flux-system\/podinfo: this map key is a list: Kubernetes reads a manifest as JSON.*"error converting YAML to JSON: yaml: invalid map key".*make the key a plain string/);
    const map = `${GIT_REPO}  ? {x: 1}\n  : c\n`;
    const m = one(analyze(map), 'flux/collection-key');
    assert.deepEqual(m.range, rangeOf(map, '{x: 1}'));
    assert.match(m.message, /this map key is a map:/);
    // A block list as the key is a list too.
    const block = `${GIT_REPO}  ? - a\n    - b\n  : c\n`;
    assert.match(one(analyze(block), 'flux/collection-key').message, /this map key is a list:/);
    // The key's text is not read as a field name, and the document is judged as usual (required fields too).
    assert.deepEqual(codes(analyze(map)), ['flux/collection-key']);
    assert.deepEqual(codes(analyze(map.replace('  url: https://github.com/stefanprodan/podinfo\n', ''))).sort(), ['flux/collection-key', 'flux/missing-required']);
  });

  it('is silent on keys that are scalars, quoted or not, and on a merge key', () => {
    const text = `${GIT_REPO}---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n  "[a, b]": x\n  '{x: 1}': y\n  1: z\n`;
    assert.deepEqual(codes(analyze(text)).filter((c) => c === 'flux/collection-key'), []);
  });
});
