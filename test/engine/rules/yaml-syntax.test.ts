import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { analyze, codes, GIT_REPO, one, rangeOf } from './helpers';

describe('flux/yaml-syntax', () => {
  it('reports a syntax error with its position, in Flux and non-Flux files alike', () => {
    const text = 'apiVersion: v1\nkind: ConfigMap\ndata:\n  a: [1, 2\n';
    const d = one(analyze(text), 'flux/yaml-syntax');
    assert.equal(d.severity, 'error');
    assert.match(d.message, /^YAML syntax error: /);
    assert.ok(d.range.start.line >= 3, `the error points at or after the open flow sequence, got ${JSON.stringify(d.range)}`);
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
