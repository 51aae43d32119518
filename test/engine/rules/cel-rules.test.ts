/**
 * The re-implemented CEL rules of the Flux CRDs (server/src/engine/rules/cel): for each rule, one document the API
 * server would reject (exactly one diagnostic of the rule's code, at the field to change) and one it accepts.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CEL_RULES, CEL_RULE_TABLE } from '../../../server/src/engine/rules/cel';
import { analyze, one, rangeOf } from './helpers';

const meta = (kind: string, name = 'x'): string => `kind: ${kind}\nmetadata:\n  name: ${name}\n  namespace: flux-system\n`;

const KS = `apiVersion: kustomize.toolkit.fluxcd.io/v1\n${meta('Kustomization')}spec:\n  interval: 10m\n  prune: true\n  sourceRef:\n    kind: GitRepository\n    name: repo\n`;
const HR = `apiVersion: helm.toolkit.fluxcd.io/v2\n${meta('HelmRelease')}spec:\n  interval: 10m\n  chartRef:\n    kind: OCIRepository\n    name: podinfo\n`;
const BUCKET = (provider: string | undefined, sts: string): string =>
  `apiVersion: source.toolkit.fluxcd.io/v1\n${meta('Bucket')}spec:\n  interval: 5m\n  bucketName: b\n  endpoint: minio.example.com\n${provider ? `  provider: ${provider}\n` : ''}${sts}`;
const GIT = (extra: string): string => `apiVersion: source.toolkit.fluxcd.io/v1\n${meta('GitRepository')}spec:\n  interval: 5m\n  url: https://github.com/org/repo\n${extra}`;
const CHART = (kind: string): string => `apiVersion: source.toolkit.fluxcd.io/v1\n${meta('HelmChart')}spec:\n  interval: 5m\n  chart: podinfo\n  sourceRef:\n    kind: ${kind}\n    name: repo\n  verify:\n    provider: cosign\n`;
const POLICY = (extra: string): string => `apiVersion: image.toolkit.fluxcd.io/v1\n${meta('ImagePolicy')}spec:\n  imageRepositoryRef:\n    name: app\n  policy:\n    semver:\n      range: '>=1.0.0'\n${extra}`;
const PROVIDER = (type: string): string => `apiVersion: notification.toolkit.fluxcd.io/v1beta3\n${meta('Provider')}spec:\n  type: ${type}\n  address: https://example.com/org/repo\n  secretRef:\n    name: token\n  commitStatusExpr: "'flux/' + event.involvedObject.name"\n`;
const RECEIVER = (type: string, extra: string): string => `apiVersion: notification.toolkit.fluxcd.io/v1\n${meta('Receiver')}spec:\n  type: ${type}\n  resources:\n    - kind: GitRepository\n      name: repo\n${extra}`;
const GENERATOR = (extra: string, name: string): string => `apiVersion: source.extensions.fluxcd.io/v1beta1\n${meta('ArtifactGenerator')}spec:\n  sources:\n    - alias: repo\n      kind: GitRepository\n      name: repo\n${extra}  artifacts:\n    - name: ${name}\n      copy:\n        - from: '@repo/deploy/**'\n          to: '@artifact/'\n`;

interface Case { code: string; bad: string; at: string; good: string }

const CASES: Case[] = [
  { code: 'flux/kubeconfig-ref-missing', bad: `${KS}  kubeConfig: {}\n`, at: 'kubeConfig', good: `${KS}  kubeConfig:\n    secretRef:\n      name: kc\n` },
  { code: 'flux/kubeconfig-ref-missing', bad: `${HR}  kubeConfig: {}\n`, at: 'kubeConfig', good: `${HR}  kubeConfig:\n    configMapRef:\n      name: kc\n` },
  { code: 'flux/kubeconfig-ref-both', bad: `${KS}  kubeConfig:\n    configMapRef:\n      name: a\n    secretRef:\n      name: b\n`, at: 'secretRef', good: `${KS}  kubeConfig:\n    configMapRef:\n      name: a\n` },
  { code: 'flux/kubeconfig-ref-both', bad: `${HR}  kubeConfig:\n    configMapRef:\n      name: a\n    secretRef:\n      name: b\n`, at: 'secretRef', good: `${HR}  kubeConfig:\n    secretRef:\n      name: b\n` },
  { code: 'flux/helmrelease-install-retry', bad: `${HR}  install:\n    strategy:\n      name: RemediateOnFailure\n      retryInterval: 2m\n`, at: 'retryInterval', good: `${HR}  install:\n    strategy:\n      name: RetryOnFailure\n      retryInterval: 2m\n` },
  { code: 'flux/helmrelease-upgrade-retry', bad: `${HR}  upgrade:\n    strategy:\n      name: RemediateOnFailure\n      retryInterval: 2m\n`, at: 'retryInterval', good: `${HR}  upgrade:\n    strategy:\n      name: RetryOnFailure\n      retryInterval: 2m\n` },
  { code: 'flux/bucket-sts-provider', bad: BUCKET('gcp', '  sts:\n    provider: aws\n    endpoint: https://sts.amazonaws.com\n'), at: 'sts', good: BUCKET('aws', '  sts:\n    provider: aws\n    endpoint: https://sts.amazonaws.com\n') },
  { code: 'flux/bucket-sts-aws', bad: BUCKET('aws', '  sts:\n    provider: ldap\n    endpoint: https://sts.example.com\n'), at: 'ldap', good: BUCKET('aws', '  sts:\n    provider: aws\n    endpoint: https://sts.amazonaws.com\n') },
  // provider absent = the CRD's default 'generic'
  { code: 'flux/bucket-sts-ldap', bad: BUCKET(undefined, '  sts:\n    provider: aws\n    endpoint: https://sts.example.com\n'), at: 'aws', good: BUCKET(undefined, '  sts:\n    provider: ldap\n    endpoint: https://sts.example.com\n') },
  { code: 'flux/bucket-sts-aws-secret', bad: BUCKET('aws', '  sts:\n    provider: aws\n    endpoint: https://sts.amazonaws.com\n    secretRef:\n      name: s\n'), at: 'secretRef', good: BUCKET('generic', '  sts:\n    provider: ldap\n    endpoint: https://sts.example.com\n    secretRef:\n      name: s\n') },
  { code: 'flux/bucket-sts-aws-cert', bad: BUCKET('aws', '  sts:\n    provider: aws\n    endpoint: https://sts.amazonaws.com\n    certSecretRef:\n      name: s\n'), at: 'certSecretRef', good: BUCKET('generic', '  sts:\n    provider: ldap\n    endpoint: https://sts.example.com\n    certSecretRef:\n      name: s\n') },
  { code: 'flux/gitrepository-service-account', bad: GIT('  serviceAccountName: sa\n'), at: 'serviceAccountName', good: GIT('  provider: azure\n  serviceAccountName: sa\n') },
  { code: 'flux/gitrepository-service-account', bad: GIT('  provider: github\n  serviceAccountName: sa\n'), at: 'serviceAccountName', good: GIT('  provider: aws\n  serviceAccountName: sa\n') },
  { code: 'flux/helmchart-verify', bad: CHART('GitRepository'), at: 'verify', good: CHART('HelmRepository') },
  { code: 'flux/imagepolicy-interval', bad: POLICY('  interval: 5m\n'), at: 'interval', good: POLICY('  digestReflectionPolicy: Always\n  interval: 5m\n') },
  { code: 'flux/imagepolicy-always-interval', bad: POLICY('  digestReflectionPolicy: Always\n'), at: 'Always', good: POLICY('  digestReflectionPolicy: IfNotPresent\n') },
  { code: 'flux/provider-commit-status-expr', bad: PROVIDER('slack'), at: 'commitStatusExpr', good: PROVIDER('github') },
  { code: 'flux/receiver-oidc-providers', bad: RECEIVER('generic-oidc', ''), at: 'generic-oidc', good: RECEIVER('generic-oidc', '  oidcProviders:\n    - issuerURL: https://token.actions.githubusercontent.com\n') },
  { code: 'flux/receiver-oidc-providers-type', bad: RECEIVER('github', '  secretRef:\n    name: t\n  oidcProviders:\n    - issuerURL: https://issuer\n'), at: 'oidcProviders', good: RECEIVER('github', '  secretRef:\n    name: t\n') },
  { code: 'flux/receiver-oidc-secret', bad: RECEIVER('generic-oidc', '  oidcProviders:\n    - issuerURL: https://issuer\n  secretRef:\n    name: t\n'), at: 'secretRef', good: RECEIVER('generic-oidc', '  oidcProviders:\n    - issuerURL: https://issuer\n') },
  { code: 'flux/artifactgenerator-artifact-name', bad: GENERATOR('', 'My_App'), at: 'My_App', good: GENERATOR('', 'my-app') },
];

describe('CEL rules of the Flux CRDs', () => {
  for (const c of CASES) {
    it(`${c.code}: rejects what the API server rejects, at the field to change`, () => {
      const d = one(analyze(c.bad), c.code);
      assert.equal(d.severity, 'error');
      assert.deepEqual(d.range, rangeOf(c.bad, c.at, occurrenceOfField(c.bad, c.at)));
      assert.match(d.message, /^\w+ flux-system\/x: spec\./);
    });
    it(`${c.code}: accepts a valid document`, () => {
      assert.deepEqual(analyze(c.good).filter((d) => d.code === c.code), []);
    });
  }

  it('every re-implemented rule has a case (violating and valid)', () => {
    // flux/receiver-secret needs a 2.9 schema: its own test below.
    const tested = new Set([...CASES.map((c) => c.code), 'flux/receiver-secret']);
    for (const r of CEL_RULES) assert.ok(tested.has(r.meta.code), `${r.meta.code} has no test case`);
  });

  it('flux/receiver-secret: a non-OIDC Receiver without secretRef, when the schema in force no longer requires it', async () => {
    const { SchemaRegistry } = await import('../../../server/src/engine/schema/registry');
    const { analyzeText } = await import('../../../server/src/engine/analyze');
    const reg = SchemaRegistry.bundled();
    const bundled = reg.get('notification.toolkit.fluxcd.io', 'v1', 'Receiver')!;
    const spec = bundled.properties!.spec!;
    // The Flux 2.9 CRD (a cluster's) drops secretRef from required; the CEL rule takes over.
    reg.override({ group: 'notification.toolkit.fluxcd.io', version: 'v1', kind: 'Receiver', schema: { ...bundled, properties: { ...bundled.properties, spec: { ...spec, required: ['resources', 'type'] } } } });
    const bad = RECEIVER('github', '');
    const diags = analyzeText(bad, { registry: reg, targetFluxVersion: '2.9' });
    const d = one(diags, 'flux/receiver-secret');
    assert.deepEqual(d.range, rangeOf(bad, 'spec'));
    assert.ok(!diags.some((x) => x.code === 'flux/missing-required'));
    assert.deepEqual(analyzeText(RECEIVER('github', '  secretRef:\n    name: t\n'), { registry: reg, targetFluxVersion: '2.9' }).filter((x) => x.code === 'flux/receiver-secret'), []);
    // With the bundled (2.8) schema the required-field check says it once; the CEL rule stays quiet.
    const b = analyze(bad);
    assert.equal(b.filter((x) => x.code === 'flux/receiver-secret').length, 0);
    assert.equal(b.filter((x) => x.code === 'flux/missing-required').length, 1);
  });

  it('values replaced later (${var}, SOPS) are not judged', () => {
    const bad = BUCKET('${BUCKET_PROVIDER}', '  sts:\n    provider: aws\n    endpoint: https://sts.amazonaws.com\n');
    assert.deepEqual(analyze(bad).filter((d) => d.code.startsWith('flux/bucket-sts')), []);
  });

  it('the table lists each rule with its CRD rule text', () => {
    for (const m of CEL_RULE_TABLE) {
      assert.match(m.code, /^flux\/[a-z0-9-]+$/);
      assert.ok(m.rule.includes('self'), m.code);
    }
  });
});

/** The occurrence of `needle` that is the field (a key or a value after "key: "), not a substring of another word. */
function occurrenceOfField(text: string, needle: string): number {
  let occ = 0;
  let i = -1;
  for (;;) {
    i = text.indexOf(needle, i + 1);
    if (i < 0) return 0;
    const before = text[i - 1];
    const after = text[i + needle.length];
    if ((before === ' ' || before === '\n') && (after === ':' || after === '\n' || after === undefined)) return occ;
    occ++;
  }
}
