import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { analyze, codes, GIT_REPO, HELM_RELEASE, KUSTOMIZATION, one, rangeOf } from './helpers';

describe('flux/schema-type', () => {
  it('reports a wrong type on the value, with the fix', () => {
    const text = KUSTOMIZATION.replace('prune: true', 'prune: maybe');
    const d = one(analyze(text), 'flux/schema-type');
    assert.equal(d.severity, 'error');
    assert.deepEqual(d.range, rangeOf(text, 'maybe'));
    assert.equal(d.message, "Kustomization flux-system/apps: spec.prune must be a boolean, not a string 'maybe'; use true or false");
  });

  it('is silent on the right type, and on a substitution variable in a typed field', () => {
    assert.deepEqual(codes(analyze(KUSTOMIZATION)), []);
    assert.deepEqual(codes(analyze(KUSTOMIZATION.replace('prune: true', 'prune: ${PRUNE}'))), []);
    assert.deepEqual(codes(analyze(KUSTOMIZATION.replace('prune: true', 'prune: ${PRUNE:=false}'))), []);
  });

  it('judges a substitution default as the text it becomes: quoted stays a string, plain is read as YAML', () => {
    const quoted = HELM_RELEASE.replace('  values:', '  maxHistory: "${MAX:=3}"\n  values:');
    const d = one(analyze(quoted), 'flux/schema-type');
    assert.match(d.message, /spec.maxHistory \(the default of \$\{MAX\}\) must be an integer, not a string/);
    assert.deepEqual(codes(analyze(HELM_RELEASE.replace('  values:', '  maxHistory: ${MAX:=3}\n  values:'))), []);
    const substitute = KUSTOMIZATION.replace('  sourceRef:', '  postBuild:\n    substitute:\n      replicas: "${REPLICAS:=2}"\n  sourceRef:');
    assert.deepEqual(codes(analyze(substitute)), []);
  });
});

describe('flux/schema-enum', () => {
  it('reports a value outside the enum on the value, listing the allowed ones', () => {
    const text = GIT_REPO.replace('  ref:', '  provider: gitlab\n  ref:');
    const d = one(analyze(text), 'flux/schema-enum');
    assert.equal(d.severity, 'error');
    assert.deepEqual(d.range, rangeOf(text, 'gitlab'));
    assert.match(d.message, /^GitRepository flux-system\/podinfo: spec.provider 'gitlab' is not allowed; use one of: generic, azure, github/);
  });

  it('is silent on an allowed value', () => {
    assert.deepEqual(codes(analyze(GIT_REPO.replace('  ref:', '  provider: github\n  ref:'))), []);
  });
});

describe('flux/schema-pattern', () => {
  it('reports an interval that is not a Go duration on the value', () => {
    const text = GIT_REPO.replace('interval: 5m', 'interval: 5 minutes');
    const d = one(analyze(text), 'flux/schema-pattern');
    assert.equal(d.severity, 'error');
    assert.deepEqual(d.range, rangeOf(text, '5 minutes'));
    assert.match(d.message, /^GitRepository flux-system\/podinfo: spec.interval '5 minutes' is not a valid Go duration \(expected e.g. 1m/);
  });

  it('is silent on compound durations', () => {
    assert.deepEqual(codes(analyze(GIT_REPO.replace('interval: 5m', 'interval: 1h30m'))), []);
  });
});

describe('flux/schema-format', () => {
  it('reports a malformed date-time on the value', () => {
    const text = GIT_REPO.replace('  namespace: flux-system', '  namespace: flux-system\n  creationTimestamp: yesterday');
    const d = one(analyze(text), 'flux/schema-format');
    assert.deepEqual(d.range, rangeOf(text, 'yesterday'));
    assert.match(d.message, /metadata.creationTimestamp 'yesterday' is not an RFC 3339 date-time/);
  });

  it('is silent on a valid timestamp and on the null that kubectl writes', () => {
    for (const v of ['"2024-01-31T12:00:00Z"', 'null']) {
      assert.deepEqual(codes(analyze(GIT_REPO.replace('  namespace: flux-system', `  namespace: flux-system\n  creationTimestamp: ${v}`))), []);
    }
  });
});

describe('flux/schema-range', () => {
  it('reports a too long release name on the value', () => {
    const long = 'r'.repeat(60);
    const text = HELM_RELEASE.replace('  values:', `  releaseName: ${long}\n  values:`);
    const d = one(analyze(text), 'flux/schema-range');
    assert.equal(d.severity, 'error');
    assert.deepEqual(d.range, rangeOf(text, long));
    assert.match(d.message, /^HelmRelease apps\/podinfo: spec.releaseName is too long \(60 characters, at most 53\)/);
  });

  it('reports an empty chart name', () => {
    const text = HELM_RELEASE.replace('chart: podinfo', 'chart: ""');
    const d = one(analyze(text), 'flux/schema-range');
    assert.match(d.message, /spec.chart.spec.chart must not be empty/);
  });

  it('is silent within the limits', () => {
    assert.deepEqual(codes(analyze(HELM_RELEASE.replace('  values:', `  releaseName: ${'r'.repeat(53)}\n  values:`))), []);
  });
});

describe('flux/missing-required', () => {
  it('reports a missing field on the parent key', () => {
    const text = GIT_REPO.replace('  interval: 5m\n', '');
    const d = one(analyze(text), 'flux/missing-required');
    assert.equal(d.severity, 'error');
    assert.deepEqual(d.range, rangeOf(text, 'spec'));
    assert.equal(d.message, "GitRepository flux-system/podinfo: spec: required field 'interval' is missing; add spec.interval");
  });

  it('reports a nested missing field on the nested parent key', () => {
    const text = HELM_RELEASE.replace('      sourceRef:\n        kind: HelmRepository\n        name: podinfo\n', '');
    const d = one(analyze(text), 'flux/missing-required');
    assert.deepEqual(d.range, rangeOf(text, 'spec', 1));
    assert.match(d.message, /spec.chart.spec: required field 'sourceRef' is missing; add spec.chart.spec.sourceRef/);
  });

  it('never asks for metadata.name, status or spec (the schema does not require them)', () => {
    const text = 'apiVersion: source.toolkit.fluxcd.io/v1\nkind: GitRepository\n';
    assert.deepEqual(codes(analyze(text)), []);
  });

  it('a file analysed alone is a whole object, whatever its name or shape (patches are known from the fleet model, not guessed)', () => {
    const patch = 'apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata:\n  name: apps\nspec:\n  path: ./other\n';
    assert.ok(codes(analyze(patch)).includes('flux/missing-required'));
    const partial = KUSTOMIZATION.replace('  interval: 10m\n', '');
    assert.deepEqual(codes(analyze(partial, { uri: 'file:///repo/clusters/prod/apps-patch.yaml' })), ['flux/missing-required']);
  });
});

describe('flux/unknown-field', () => {
  it('warns on the key with did-you-mean and data.suggestion', () => {
    const text = GIT_REPO.replace('interval: 5m', 'intervall: 5m');
    const d = one(analyze(text), 'flux/unknown-field');
    assert.equal(d.severity, 'warning');
    assert.deepEqual(d.range, rangeOf(text, 'intervall'));
    assert.equal(d.message, "GitRepository flux-system/podinfo: spec.intervall is not a known field; did you mean 'interval'?");
    assert.equal(d.data?.suggestion, 'interval');
    // The typo also leaves the required interval missing.
    assert.ok(codes(analyze(text)).includes('flux/missing-required'));
  });

  it('lists the known fields when nothing is close', () => {
    const text = GIT_REPO.replace('    branch: master', '    zzzzzz: master');
    const d = one(analyze(text), 'flux/unknown-field');
    assert.match(d.message, /spec.ref.zzzzzz is not a known field; spec.ref fields are: .*branch/);
    assert.equal(d.data?.suggestion, undefined);
  });

  it('is silent on free-form maps (values, labels), the top-level sops block, and substituted keys', () => {
    assert.deepEqual(codes(analyze(HELM_RELEASE.replace('replicaCount: 2', 'anything: {deep: [1]}'))), []);
    assert.deepEqual(codes(analyze(GIT_REPO.replace('  namespace: flux-system', '  namespace: flux-system\n  labels:\n    x.io/y: z'))), []);
    assert.deepEqual(codes(analyze(`${GIT_REPO}sops:\n  mac: ENC[AES256_GCM,data:x,iv:y,tag:z,type:str]\n  version: 3.8.1\n`)), []);
    assert.deepEqual(codes(analyze(GIT_REPO.replace('  ref:', '  ${EXTRA_KEY}: x\n  ref:'))), []);
  });
});

describe('flux/alias-limit', () => {
  it('warns instead of validating a document that expands too many aliases, quickly', () => {
    let text = 'apiVersion: source.toolkit.fluxcd.io/v1\nkind: GitRepository\nmetadata: {name: bomb}\nspec:\n  interval: 5m\n  url: https://x\n  a0: &a0 [x, x, x, x, x, x, x, x, x]\n';
    for (let i = 1; i < 12; i++) text += `  a${i}: &a${i} [${Array(9).fill(`*a${i - 1}`).join(', ')}]\n`;
    const d = one(analyze(text), 'flux/alias-limit');
    assert.equal(d.severity, 'warning');
    assert.deepEqual(d.range, rangeOf(text, 'kind'));
    assert.match(d.message, /^GitRepository bomb: the document expands too many YAML aliases/);
  });

  it('is silent on ordinary anchors and merge keys', () => {
    const text = 'apiVersion: source.toolkit.fluxcd.io/v1\nkind: GitRepository\nmetadata:\n  name: a\n  labels: &l {team: x}\n  annotations: *l\nspec:\n  <<: {interval: 5m}\n  url: https://x\n';
    assert.deepEqual(codes(analyze(text)), []);
  });
});

describe('kustomize patches of HelmReleases', () => {
  const PATCH = 'apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata:\n  name: podinfo\n  namespace: apps\nspec:\n  values:\n    replicaCount: 3\n';
  it('a values-only patch analysed alone is judged as a whole object (the fleet model knows when it is a patch)', () => {
    assert.deepEqual(codes(analyze(PATCH)), ['flux/missing-required', 'flux/helmrelease-chart']);
  });

  it('a HelmRelease that names its chart but forgot the interval is reported', () => {
    const text = HELM_RELEASE.replace('  interval: 30m\n', '');
    const d = one(analyze(text), 'flux/missing-required');
    assert.match(d.message, /^HelmRelease apps\/podinfo: spec: required field 'interval' is missing; add spec.interval$/);
    const chartRef = 'apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata:\n  name: p\nspec:\n  chartRef:\n    kind: OCIRepository\n    name: p\n';
    assert.deepEqual(codes(analyze(chartRef)), ['flux/missing-required']);
  });
});
