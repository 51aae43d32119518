/**
 * The target-version matrix: the same documents judged at Flux 2.6, 2.7 and 2.8, with what `flux migrate
 * --version <target>` would write as the suggestion. (Field-level history is not modelled: see README.)
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { analyze } from './rules/helpers';

const VERSION_CODES = new Set(['flux/unknown-api-version', 'flux/removed-api-version', 'flux/deprecated-api-version', 'flux/api-version-not-served', 'flux/kind-not-served', 'flux/malformed-api-version']);

const obj = (apiVersion: string, kind: string, spec = '  interval: 5m\n'): string =>
  `apiVersion: ${apiVersion}\nkind: ${kind}\nmetadata:\n  name: x\n  namespace: flux-system\nspec:\n${spec}`;

const HEALTH = (apiVersion: string): string => obj('kustomize.toolkit.fluxcd.io/v1', 'Kustomization',
  `  interval: 10m\n  prune: true\n  sourceRef:\n    kind: GitRepository\n    name: repo\n  healthChecks:\n    - apiVersion: ${apiVersion}\n      kind: ImagePolicy\n      name: app\n`);

type Expect = string | undefined; // "code -> suggestion" or "code" or undefined (no version finding)

const ROWS: Array<{ name: string; text: string; at: Record<'2.6' | '2.7' | '2.8', Expect> }> = [
  { name: 'ImagePolicy image.toolkit.fluxcd.io/v1', text: obj('image.toolkit.fluxcd.io/v1', 'ImagePolicy'),
    at: { '2.6': 'flux/api-version-not-served -> image.toolkit.fluxcd.io/v1beta2', '2.7': undefined, '2.8': undefined } },
  { name: 'ImagePolicy image.toolkit.fluxcd.io/v1beta2', text: obj('image.toolkit.fluxcd.io/v1beta2', 'ImagePolicy'),
    at: { '2.6': undefined, '2.7': 'flux/deprecated-api-version -> image.toolkit.fluxcd.io/v1', '2.8': 'flux/deprecated-api-version -> image.toolkit.fluxcd.io/v1' } },
  { name: 'ImageRepository image.toolkit.fluxcd.io/v1beta1', text: obj('image.toolkit.fluxcd.io/v1beta1', 'ImageRepository'),
    at: { '2.6': 'flux/deprecated-api-version -> image.toolkit.fluxcd.io/v1beta2', '2.7': 'flux/removed-api-version -> image.toolkit.fluxcd.io/v1', '2.8': 'flux/removed-api-version -> image.toolkit.fluxcd.io/v1' } },
  { name: 'ExternalArtifact source.toolkit.fluxcd.io/v1', text: obj('source.toolkit.fluxcd.io/v1', 'ExternalArtifact', '  sourceRef:\n    kind: ArtifactGenerator\n    name: gen\n'),
    at: { '2.6': 'flux/kind-not-served', '2.7': undefined, '2.8': undefined } },
  { name: 'HelmRelease helm.toolkit.fluxcd.io/v2beta1', text: obj('helm.toolkit.fluxcd.io/v2beta1', 'HelmRelease'),
    at: { '2.6': 'flux/deprecated-api-version -> helm.toolkit.fluxcd.io/v2', '2.7': 'flux/removed-api-version -> helm.toolkit.fluxcd.io/v2', '2.8': 'flux/removed-api-version -> helm.toolkit.fluxcd.io/v2' } },
  { name: 'Kustomization kustomize.toolkit.fluxcd.io/v1beta2', text: obj('kustomize.toolkit.fluxcd.io/v1beta2', 'Kustomization'),
    at: { '2.6': 'flux/deprecated-api-version -> kustomize.toolkit.fluxcd.io/v1', '2.7': 'flux/deprecated-api-version -> kustomize.toolkit.fluxcd.io/v1', '2.8': 'flux/removed-api-version -> kustomize.toolkit.fluxcd.io/v1' } },
  { name: 'healthChecks[].apiVersion image.toolkit.fluxcd.io/v1', text: HEALTH('image.toolkit.fluxcd.io/v1'),
    at: { '2.6': 'flux/api-version-not-served -> image.toolkit.fluxcd.io/v1beta2', '2.7': undefined, '2.8': undefined } },
  { name: 'healthChecks[].apiVersion image.toolkit.fluxcd.io/v1beta1', text: HEALTH('image.toolkit.fluxcd.io/v1beta1'),
    at: { '2.6': 'flux/deprecated-api-version -> image.toolkit.fluxcd.io/v1beta2', '2.7': 'flux/removed-api-version -> image.toolkit.fluxcd.io/v1', '2.8': 'flux/removed-api-version -> image.toolkit.fluxcd.io/v1' } },
];

describe('target Flux version matrix (2.6, 2.7, 2.8)', () => {
  for (const row of ROWS) {
    for (const target of ['2.6', '2.7', '2.8'] as const) {
      it(`${row.name} at Flux ${target}: ${row.at[target] ?? 'no version finding'}`, () => {
        const found = analyze(row.text, { target }).filter((d) => VERSION_CODES.has(d.code));
        const got = found.map((d) => (d.data?.suggestion !== undefined ? `${d.code} -> ${String(d.data.suggestion)}` : d.code));
        assert.deepEqual(got, row.at[target] === undefined ? [] : [row.at[target]]);
      });
    }
  }

  it('a cluster that serves a version the target table does not (its CRD) is trusted', async () => {
    const { SchemaRegistry } = await import('../../server/src/engine/schema/registry');
    const { analyzeText } = await import('../../server/src/engine/analyze');
    const reg = SchemaRegistry.bundled();
    reg.override({ group: 'image.toolkit.fluxcd.io', version: 'v1', kind: 'ImagePolicy', schema: reg.get('image.toolkit.fluxcd.io', 'v1', 'ImagePolicy')! });
    const found = analyzeText(obj('image.toolkit.fluxcd.io/v1', 'ImagePolicy'), { registry: reg, targetFluxVersion: '2.6' }).filter((d) => VERSION_CODES.has(d.code));
    assert.deepEqual(found, []);
  });
});

describe('nested and malformed apiVersions', () => {
  it('healthChecks[].apiVersion helm.toolkit.fluxcd.io/v2beta1 gets the migrate fix at the nested value', () => {
    const text = obj('kustomize.toolkit.fluxcd.io/v1', 'Kustomization',
      '  interval: 10m\n  prune: true\n  sourceRef:\n    kind: GitRepository\n    name: repo\n  healthChecks:\n    - apiVersion: helm.toolkit.fluxcd.io/v2beta1\n      kind: HelmRelease\n      name: app\n');
    const d = analyze(text).find((x) => x.code === 'flux/removed-api-version');
    assert.ok(d);
    assert.equal(d.data?.suggestion, 'helm.toolkit.fluxcd.io/v2');
    assert.match(d.message, /spec\.healthChecks\[0\]\.apiVersion: apiVersion helm\.toolkit\.fluxcd\.io\/v2beta1 was removed in Flux 2\.7/);
    const line = text.split('\n').findIndex((l) => l.includes('v2beta1'));
    assert.deepEqual(d.range.start, { line, character: text.split('\n')[line]!.indexOf('helm.') });
  });

  it('Alert eventSources and Receiver resources apiVersions are checked too', () => {
    const alert = obj('notification.toolkit.fluxcd.io/v1beta3', 'Alert',
      '  providerRef:\n    name: slack\n  eventSources:\n    - apiVersion: source.toolkit.fluxcd.io/v1beta2\n      kind: GitRepository\n      name: repo\n');
    assert.equal(analyze(alert).filter((d) => d.code === 'flux/removed-api-version').length, 1);
    const receiver = obj('notification.toolkit.fluxcd.io/v1', 'Receiver',
      '  type: github\n  secretRef:\n    name: t\n  resources:\n    - apiVersion: source.toolkit.fluxcd.io/v1\n      kind: GitRepository\n      name: repo\n');
    assert.deepEqual(analyze(receiver).filter((d) => VERSION_CODES.has(d.code)), []);
  });

  it('malformed apiVersions are errors, at the top and nested; other tools\' objects in values are left alone', () => {
    const top = analyze('apiVersion: image.toolkit.fluxcd.io/v1/v2\nkind: ImagePolicy\nmetadata:\n  name: x\n');
    const d = top.find((x) => x.code === 'flux/malformed-api-version');
    assert.ok(d);
    assert.equal(d.severity, 'error');
    assert.equal(d.data?.suggestion, 'image.toolkit.fluxcd.io/v1');
    const empty = analyze(obj('kustomize.toolkit.fluxcd.io/v1', 'Kustomization',
      '  interval: 10m\n  prune: true\n  sourceRef:\n    kind: GitRepository\n    name: repo\n  healthChecks:\n    - apiVersion: apps/\n      kind: Deployment\n      name: app\n'));
    assert.match(empty.find((x) => x.code === 'flux/malformed-api-version')?.message ?? '', /spec\.healthChecks\[0\]\.apiVersion: apiVersion 'apps\/' has no version after the slash/);
    const values = analyze(obj('helm.toolkit.fluxcd.io/v2', 'HelmRelease',
      '  interval: 10m\n  chartRef:\n    kind: OCIRepository\n    name: app\n  values:\n    extraObjects:\n      - apiVersion: a/b/c\n        kind: Thing\n'));
    assert.deepEqual(values.filter((x) => x.code === 'flux/malformed-api-version'), []);
    assert.deepEqual(analyze(obj('kustomize.toolkit.fluxcd.io/v1', 'Kustomization',
      '  interval: 10m\n  prune: true\n  sourceRef:\n    apiVersion: source.toolkit.fluxcd.io/v1\n    kind: GitRepository\n    name: repo\n')).filter((x) => VERSION_CODES.has(x.code)), []);
  });
});

describe('fields newer than the target (bundled schemas)', () => {
  const policy = obj('image.toolkit.fluxcd.io/v1beta2', 'ImagePolicy', '  imageRepositoryRef:\n    name: app\n  policy:\n    semver:\n      range: ">=1.0.0"\n  suspend: true\n');
  const ks = obj('kustomize.toolkit.fluxcd.io/v1', 'Kustomization',
    '  interval: 10m\n  prune: true\n  sourceRef:\n    kind: GitRepository\n    name: repo\n  dependsOn:\n    - name: infra\n    - name: db\n      readyExpr: status.ready == true\n');
  for (const target of ['2.6', '2.7', '2.8'] as const) {
    it(`ImagePolicy spec.suspend and dependsOn[].readyExpr at Flux ${target}`, () => {
      const p = analyze(policy, { target }).filter((d) => d.code === 'flux/field-not-served');
      const k = analyze(ks, { target }).filter((d) => d.code === 'flux/field-not-served');
      if (target === '2.6') {
        assert.equal(p.length, 1);
        assert.match(p[0]!.message, /spec\.suspend is new in Flux 2\.7 \(target Flux 2\.6\)/);
        assert.equal(k.length, 1);
        assert.match(k[0]!.message, /spec\.dependsOn\[1\]\.readyExpr is new in Flux 2\.7/);
        assert.equal(k[0]!.severity, 'warning');
      } else {
        assert.deepEqual([...p, ...k], []);
      }
    });
  }
});
