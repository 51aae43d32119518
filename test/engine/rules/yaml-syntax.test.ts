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
