/** Substitution, SOPS hygiene, git secrets and notification kinds: one fleet that triggers each, one that must not. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { bootstrap, fleet, ks, rangeOf } from './helpers';
import { analyze, codes, one } from '../rules/helpers';

const CM = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cluster-vars\n  namespace: flux-system\ndata:\n  DOMAIN: example.com\n  SYNC: 5 minutes\n';
const GIT = (extra: string): string => `apiVersion: source.toolkit.fluxcd.io/v1\nkind: GitRepository\nmetadata:\n  name: app\n  namespace: flux-system\nspec:\n  interval: \${SYNC_INTERVAL}\n  url: https://github.com/example/\${REPO}\n${extra}`;

describe('flux/undefined-variable and flux/substituted-value', () => {
  const post = '  postBuild:\n    substitute:\n      REPO: app\n    substituteFrom:\n      - kind: ConfigMap\n        name: cluster-vars\n';
  it('warns on a variable no source defines, at the ${VAR} itself', () => {
    const git = GIT('');
    const f = fleet({ ...bootstrap('prod'), 'clusters/prod/apps.yaml': ks('apps', './apps', post), 'clusters/prod/vars.yaml': CM, 'apps/git.yaml': git });
    const [d] = f.of('apps/git.yaml', 'flux/undefined-variable');
    assert.ok(d, JSON.stringify(f.diags['apps/git.yaml']));
    assert.deepEqual(d.range, rangeOf(git, '${SYNC_INTERVAL}'));
    assert.match(d.message, /\$\{SYNC_INTERVAL\} is not defined by Kustomization flux-system\/apps in cluster clusters\/prod.*postBuild.substitute, ConfigMap cluster-vars.*empty string/);
    assert.equal(f.of('apps/git.yaml', 'flux/undefined-variable').length, 1, 'REPO is defined');
  });

  it('judges a value after substitution when every variable is known', () => {
    const git = GIT('').replace('${SYNC_INTERVAL}', '${SYNC}');
    const f = fleet({ ...bootstrap('prod'), 'clusters/prod/apps.yaml': ks('apps', './apps', post), 'clusters/prod/vars.yaml': CM, 'apps/git.yaml': git });
    const d = one(f.diags['apps/git.yaml']!, 'flux/substituted-value');
    assert.match(d.message, /spec.interval is '5 minutes' after post-build substitution by Kustomization flux-system\/apps \(\$\{SYNC\} = '5 minutes' \(ConfigMap cluster-vars\)\)/);
    const ok = fleet({ ...bootstrap('prod'), 'clusters/prod/apps.yaml': ks('apps', './apps', post), 'clusters/prod/vars.yaml': CM.replace('5 minutes', '5m'), 'apps/git.yaml': git });
    assert.deepEqual(ok.all('flux/substituted-value'), []);
  });

  it('says nothing without postBuild, with an unknown source, with a default, an escape, or substitution disabled', () => {
    const base = { ...bootstrap('prod'), 'clusters/prod/vars.yaml': CM };
    assert.deepEqual(fleet({ ...base, 'clusters/prod/apps.yaml': ks('apps', './apps'), 'apps/git.yaml': GIT('') }).all('flux/undefined-variable'), []);
    const unknown = post.replace('name: cluster-vars', 'name: from-the-cluster');
    assert.deepEqual(fleet({ ...base, 'clusters/prod/apps.yaml': ks('apps', './apps', unknown), 'apps/git.yaml': GIT('') }).all('flux/undefined-variable'), []);
    const tolerant = GIT('').replace('${SYNC_INTERVAL}', '${SYNC_INTERVAL:=10m}').replace('  url:', '  # $${LITERAL}\n  url:');
    assert.deepEqual(fleet({ ...base, 'clusters/prod/apps.yaml': ks('apps', './apps', post), 'apps/git.yaml': tolerant }).all('flux/undefined-variable'), []);
    const disabled = GIT('').replace('  namespace: flux-system\n', '  namespace: flux-system\n  labels:\n    kustomize.toolkit.fluxcd.io/substitute: disabled\n');
    assert.deepEqual(fleet({ ...base, 'clusters/prod/apps.yaml': ks('apps', './apps', post), 'apps/git.yaml': disabled }).all('flux/undefined-variable'), []);
  });
});

const SECRET = 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\n  namespace: apps\nstringData:\n  password: hunter2-canary\n';
const ENCRYPTED = 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\n  namespace: apps\nstringData:\n  password: ENC[AES256_GCM,data:abc=,iv:def=,tag:ghi=,type:str]\nsops:\n  age:\n    - recipient: age1qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqq\n      enc: |\n        -----BEGIN AGE ENCRYPTED FILE-----\n        x\n        -----END AGE ENCRYPTED FILE-----\n  lastmodified: "2024-01-01T00:00:00Z"\n  mac: ENC[AES256_GCM,data:m=,iv:i=,tag:t=,type:str]\n  encrypted_regex: ^(data|stringData)$\n  version: 3.8.1\n';
const SOPS_YAML = (recipient: string): string => `creation_rules:\n  - path_regex: .*/secrets/.*\\.yaml$\n    encrypted_regex: ^(data|stringData)$\n    age: ${recipient}\n`;
const DECRYPT = '  decryption:\n    provider: sops\n    secretRef:\n      name: sops-age\n';

describe('SOPS hygiene', () => {
  it('flux/secret-unencrypted: an error when .sops.yaml covers the path, a warning otherwise, never the value', () => {
    const covered = fleet({ '.sops.yaml': SOPS_YAML('age1qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqq'), 'apps/secrets/db.yaml': SECRET });
    const d = one(covered.diags['apps/secrets/db.yaml']!, 'flux/secret-unencrypted');
    assert.equal(d.severity, 'error');
    assert.deepEqual(d.range, rangeOf(SECRET, 'stringData'));
    assert.match(d.message, /creation_rules\[0\] covers apps\/secrets\/db.yaml/);
    assert.ok(!JSON.stringify(covered.diags).includes('hunter2-canary'), 'a secret value leaked into a diagnostic');
    const loose = fleet({ 'apps/db.yaml': SECRET });
    assert.equal(one(loose.diags['apps/db.yaml']!, 'flux/secret-unencrypted').severity, 'warning');
    assert.deepEqual(fleet({ 'apps/secrets/db.yaml': ENCRYPTED }).all('flux/secret-unencrypted'), []);
  });

  it('flux/sops-decryption-missing: an encrypted Secret applied by a Kustomization without decryption', () => {
    const f = fleet({ ...bootstrap('prod'), 'clusters/prod/apps.yaml': ks('apps', './apps'), 'apps/secrets/db.yaml': ENCRYPTED });
    const d = one(f.diags['apps/secrets/db.yaml']!, 'flux/sops-decryption-missing');
    assert.deepEqual(d.range, rangeOf(ENCRYPTED, 'sops'));
    assert.match(d.message, /Kustomization flux-system\/apps \(clusters\/prod\/apps.yaml\), which applies it in cluster clusters\/prod, does not decrypt/);
    assert.deepEqual(fleet({ ...bootstrap('prod'), 'clusters/prod/apps.yaml': ks('apps', './apps', DECRYPT), 'apps/secrets/db.yaml': ENCRYPTED }).all('flux/sops-decryption-missing'), []);
  });

  it('flux/sops-recipients-mismatch: recipients that differ from the creation rule', () => {
    const f = fleet({ '.sops.yaml': SOPS_YAML('age1zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz'), 'apps/secrets/db.yaml': ENCRYPTED });
    const ms = f.of('apps/secrets/db.yaml', 'flux/sops-recipients-mismatch');
    assert.equal(ms.length, 2, JSON.stringify(ms));
    assert.ok(ms.some((m) => /sops updatekeys/.test(m.message)));
    assert.deepEqual(fleet({ '.sops.yaml': SOPS_YAML('age1qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqq'), 'apps/secrets/db.yaml': ENCRYPTED }).all('flux/sops-recipients-mismatch'), []);
  });
});

describe('flux/git-secret-keys', () => {
  const repo = (url: string): string => `apiVersion: source.toolkit.fluxcd.io/v1\nkind: GitRepository\nmetadata:\n  name: app\n  namespace: flux-system\nspec:\n  interval: 1m\n  url: ${url}\n  secretRef:\n    name: app-auth\n`;
  const secret = (keys: string[]): string => `apiVersion: v1\nkind: Secret\nmetadata:\n  name: app-auth\n  namespace: flux-system\nstringData:\n${keys.map((k) => `  ${k}: ENC[AES256_GCM,data:a=,iv:b=,tag:c=,type:str]`).join('\n')}\nsops:\n  mac: ENC[AES256_GCM,data:m=,iv:i=,tag:t=,type:str]\n  version: 3.8.1\n`;
  it('an ssh:// URL whose secret lacks known_hosts; an https URL with only an SSH identity', () => {
    const ssh = fleet({ 'git.yaml': repo('ssh://git@github.com/example/app'), 'secret.yaml': secret(['identity']) });
    assert.match(one(ssh.diags['git.yaml']!, 'flux/git-secret-keys').message, /ssh:\/\/ URL, but Secret app-auth has no known_hosts key \(it has: identity\)/);
    const https = fleet({ 'git.yaml': repo('https://github.com/example/app'), 'secret.yaml': secret(['identity', 'known_hosts']) });
    assert.match(one(https.diags['git.yaml']!, 'flux/git-secret-keys').message, /https:\/\/ URL, but Secret app-auth holds SSH keys/);
  });
  it('matching keys, or a secret outside the workspace, say nothing', () => {
    assert.deepEqual(fleet({ 'git.yaml': repo('ssh://git@github.com/example/app'), 'secret.yaml': secret(['identity', 'known_hosts']) }).all('flux/git-secret-keys'), []);
    assert.deepEqual(fleet({ 'git.yaml': repo('https://github.com/example/app'), 'secret.yaml': secret(['username', 'password']) }).all('flux/git-secret-keys'), []);
    assert.deepEqual(fleet({ 'git.yaml': repo('ssh://git@github.com/example/app') }).all('flux/git-secret-keys'), []);
  });
});

describe('flux/event-source-kind', () => {
  const alert = (kind: string): string => `apiVersion: notification.toolkit.fluxcd.io/v1beta3\nkind: Alert\nmetadata:\n  name: ops\n  namespace: flux-system\nspec:\n  providerRef:\n    name: slack\n  eventSources:\n    - kind: ${kind}\n      name: '*'\n`;
  it('a kind that a CRD patch adds is a warning naming the patch, not a schema-enum error', () => {
    const text = alert('FluxInstance');
    const diags = analyze(text);
    const d = one(diags, 'flux/event-source-kind');
    assert.equal(d.severity, 'warning');
    assert.deepEqual(d.range, rangeOf(text, 'FluxInstance'));
    assert.match(d.message, /the Flux Operator patches the CRD to add it/);
    assert.ok(!codes(diags).includes('flux/schema-enum'));
  });
  it('a kind of the enum is fine', () => {
    assert.deepEqual(codes(analyze(alert('Kustomization'))), []);
  });
});
