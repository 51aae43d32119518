import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { analyze, codes, GIT_REPO, one, rangeOf } from './helpers';
import { scpToSshUrl } from '../../../server/src/engine/rules/git-url';

describe('flux/git-url-scp', () => {
  it('rejects the scp-like form on the url value, names the ssh:// URL, and replaces the schema-pattern error', () => {
    const text = GIT_REPO.replace('https://github.com/stefanprodan/podinfo', 'git@github.com:stefanprodan/podinfo.git');
    const diags = analyze(text);
    const d = one(diags, 'flux/git-url-scp');
    assert.equal(d.severity, 'error');
    assert.deepEqual(d.range, rangeOf(text, 'git@github.com:stefanprodan/podinfo.git'));
    assert.equal(d.data?.suggestion, 'ssh://git@github.com/stefanprodan/podinfo.git');
    assert.match(d.message, /^GitRepository flux-system\/podinfo: spec.url 'git@github.com:stefanprodan\/podinfo.git' is in git's scp-like form.*'ssh:\/\/git@github.com\/stefanprodan\/podinfo.git'/);
    assert.ok(!codes(diags).includes('flux/schema-pattern'), JSON.stringify(diags));
  });

  it('leaves ssh://, https:// and substituted URLs alone', () => {
    for (const url of ['ssh://git@github.com/org/repo', 'https://github.com/org/repo', '${GIT_URL}']) {
      assert.ok(!codes(analyze(GIT_REPO.replace('https://github.com/stefanprodan/podinfo', url))).includes('flux/git-url-scp'), url);
    }
  });

  it('converts user-less and nested paths', () => {
    assert.equal(scpToSshUrl('gitlab.example.com:group/sub/repo.git'), 'ssh://gitlab.example.com/group/sub/repo.git');
    assert.equal(scpToSshUrl('git@host.example:/abs/repo'), 'ssh://git@host.example/abs/repo');
    assert.equal(scpToSshUrl('https://github.com/org/repo'), undefined);
    assert.equal(scpToSshUrl('C:\\repo'), undefined);
  });
});
