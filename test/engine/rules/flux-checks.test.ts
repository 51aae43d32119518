import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { analyze, codes, GIT_REPO, HELM_RELEASE, KUSTOMIZATION, one, rangeOf } from './helpers';
import { semverConstraintProblem } from '../../../server/src/engine/rules/semver-constraint';

const IUA = `apiVersion: image.toolkit.fluxcd.io/v1
kind: ImageUpdateAutomation
metadata:
  name: apps
  namespace: flux-system
spec:
  interval: 30m
  sourceRef:
    kind: GitRepository
    name: flux-system
  git:
    commit:
      author:
        name: fluxbot
        email: fluxbot@example.com
`;

const CHART_REF = `apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata:
  name: podinfo
  namespace: apps
spec:
  interval: 30m
  chartRef:
    kind: OCIRepository
    name: podinfo
`;

describe('flux/reference-kind', () => {
  it('rejects a HelmRepository as a Kustomization source, on the kind value, with the allowed list (and no schema-enum duplicate)', () => {
    const text = KUSTOMIZATION.replace('    kind: GitRepository', '    kind: HelmRepository');
    const diags = analyze(text);
    const d = one(diags, 'flux/reference-kind');
    assert.equal(d.severity, 'error');
    assert.deepEqual(d.range, rangeOf(text, 'HelmRepository'));
    assert.match(d.message, /^Kustomization flux-system\/apps: spec.sourceRef.kind 'HelmRepository' cannot be referenced by a Kustomization; use one of: .*GitRepository/);
    assert.match(d.message, /OCIRepository/);
    assert.match(d.message, /ExternalArtifact/);
    assert.ok(!codes(diags).includes('flux/schema-enum'));
  });

  it('judges HelmRelease chart.spec.sourceRef and chartRef, and suggests the right case', () => {
    const t1 = HELM_RELEASE.replace('        kind: HelmRepository', '        kind: OCIRepository');
    assert.match(one(analyze(t1), 'flux/reference-kind').message, /spec.chart.spec.sourceRef.kind 'OCIRepository' cannot be referenced by a HelmRelease; use one of: HelmRepository, GitRepository, Bucket/);
    const t2 = CHART_REF.replace('kind: OCIRepository', 'kind: ociRepository');
    const d = one(analyze(t2), 'flux/reference-kind');
    assert.equal(d.data?.suggestion, 'OCIRepository');
    assert.deepEqual(d.range, rangeOf(t2, 'ociRepository'));
    assert.match(one(analyze(CHART_REF.replace('kind: OCIRepository', 'kind: HelmRepository')), 'flux/reference-kind').message, /spec.chartRef.kind 'HelmRepository'.*use one of: OCIRepository, HelmChart, ExternalArtifact/);
  });

  it('judges ImageUpdateAutomation sourceRef (GitRepository only)', () => {
    const text = IUA.replace('    kind: GitRepository', '    kind: OCIRepository');
    assert.match(one(analyze(text), 'flux/reference-kind').message, /^ImageUpdateAutomation flux-system\/apps: spec.sourceRef.kind 'OCIRepository'.*use one of: GitRepository$/);
  });

  it('is silent on allowed kinds and on substituted ones', () => {
    assert.deepEqual(codes(analyze(KUSTOMIZATION)), []);
    assert.deepEqual(codes(analyze(KUSTOMIZATION.replace('    kind: GitRepository', '    kind: OCIRepository'))), []);
    assert.deepEqual(codes(analyze(KUSTOMIZATION.replace('    kind: GitRepository', '    kind: ${SOURCE_KIND}'))), []);
    assert.deepEqual(codes(analyze(HELM_RELEASE)), []);
    assert.deepEqual(codes(analyze(CHART_REF)), []);
    assert.deepEqual(codes(analyze(IUA)), []);
  });
});

describe('flux/helmrelease-chart', () => {
  it('rejects both spec.chart and spec.chartRef, on the chartRef key', () => {
    const text = HELM_RELEASE.replace('  values:', '  chartRef:\n    kind: OCIRepository\n    name: podinfo\n  values:');
    const d = one(analyze(text), 'flux/helmrelease-chart');
    assert.equal(d.severity, 'error');
    assert.deepEqual(d.range, rangeOf(text, 'chartRef'));
    assert.match(d.message, /^HelmRelease apps\/podinfo: spec.chart and spec.chartRef are both set; .*remove spec.chart or spec.chartRef/);
  });

  it('rejects neither, on the spec key', () => {
    const text = CHART_REF.replace('  chartRef:\n    kind: OCIRepository\n    name: podinfo\n', '  releaseName: podinfo\n');
    const d = one(analyze(text), 'flux/helmrelease-chart');
    assert.deepEqual(d.range, rangeOf(text, 'spec'));
    assert.match(d.message, /neither spec.chart nor spec.chartRef is set; add spec.chartRef/);
  });

  it('is silent with exactly one', () => {
    assert.deepEqual(codes(analyze(HELM_RELEASE)), []);
    assert.deepEqual(codes(analyze(CHART_REF)), []);
  });
});

describe('flux/decryption-provider', () => {
  it('rejects a provider other than sops on the value (no schema-enum duplicate)', () => {
    const text = KUSTOMIZATION.replace('  sourceRef:', '  decryption:\n    provider: age\n    secretRef:\n      name: sops-age\n  sourceRef:');
    const diags = analyze(text);
    const d = one(diags, 'flux/decryption-provider');
    assert.equal(d.severity, 'error');
    assert.deepEqual(d.range, rangeOf(text, 'age', 0));
    assert.match(d.message, /^Kustomization flux-system\/apps: spec.decryption.provider 'age' is not supported; .*set provider: sops/);
    assert.equal(d.data?.suggestion, 'sops');
    assert.deepEqual(codes(diags), ['flux/decryption-provider']);
  });

  it('is silent on sops', () => {
    const text = KUSTOMIZATION.replace('  sourceRef:', '  decryption:\n    provider: sops\n    secretRef:\n      name: sops-age\n  sourceRef:');
    assert.deepEqual(codes(analyze(text)), []);
  });
});

describe('flux/semver-constraint', () => {
  it('rejects a constraint Masterminds/semver cannot parse, on the value', () => {
    const text = HELM_RELEASE.replace('">=6.0.0 <7.0.0"', 'latest');
    const d = one(analyze(text), 'flux/semver-constraint');
    assert.equal(d.severity, 'error');
    assert.deepEqual(d.range, rangeOf(text, 'latest'));
    assert.match(d.message, /^HelmRelease apps\/podinfo: spec.chart.spec.version 'latest' is not a valid semver constraint: .*use Masterminds\/semver syntax/);
    const git = GIT_REPO.replace('    branch: master', '    semver: ">=1.0.0 <"');
    assert.match(one(analyze(git), 'flux/semver-constraint').message, /spec.ref.semver '>=1.0.0 <'/);
  });

  it('accepts the Masterminds syntax (not only node-semver)', () => {
    for (const c of ['>=6.0.0 <7.0.0', '>= 1.8.0-rc.0', '6.x', '*', '^1.2.3', '~1.2', '~> 1.2', '1.2 - 1.4.5', '1.2.3 || >=2.0, <3', 'v1.2.3', '!=1.2', '>=1.0.0-alpha.1+build.5']) {
      assert.equal(semverConstraintProblem(c), undefined, c);
    }
    for (const c of ['latest', '1.2.3.4', '>=1.0 ||', '1.2 -']) assert.notEqual(semverConstraintProblem(c), undefined, c);
    assert.deepEqual(codes(analyze(HELM_RELEASE.replace('">=6.0.0 <7.0.0"', '"${CHART_VERSION}"'))), []);
  });
});

describe('flux/depends-on-self', () => {
  it('rejects a dependsOn entry naming the object itself', () => {
    const text = KUSTOMIZATION.replace('  sourceRef:', '  dependsOn:\n    - name: infra\n    - name: apps\n  sourceRef:');
    const d = one(analyze(text), 'flux/depends-on-self');
    assert.equal(d.severity, 'error');
    assert.deepEqual(d.range, rangeOf(text, 'apps', 2));
    assert.match(d.message, /^Kustomization flux-system\/apps: spec.dependsOn\[1\] names this Kustomization itself/);
  });

  it('is silent on the same name in another namespace', () => {
    const text = KUSTOMIZATION.replace('  sourceRef:', '  dependsOn:\n    - name: apps\n      namespace: infra\n  sourceRef:');
    assert.deepEqual(codes(analyze(text)), []);
  });
});

describe('flux/invalid-name', () => {
  it('rejects names the API server refuses, with a lower-case suggestion', () => {
    const text = GIT_REPO.replace('name: podinfo', 'name: PodInfo');
    const d = one(analyze(text), 'flux/invalid-name');
    assert.equal(d.severity, 'error');
    assert.deepEqual(d.range, rangeOf(text, 'PodInfo'));
    assert.match(d.message, /metadata.name 'PodInfo' must consist of lower-case letters.*\(e.g. 'podinfo'\)/);
    assert.equal(d.data?.suggestion, 'podinfo');
    const ns = GIT_REPO.replace('namespace: flux-system', 'namespace: flux.system');
    assert.match(one(analyze(ns), 'flux/invalid-name').message, /metadata.namespace 'flux.system' must consist of lower-case letters, digits and '-'/);
  });

  it('is silent on valid and substituted names', () => {
    assert.deepEqual(codes(analyze(GIT_REPO.replace('name: podinfo', 'name: podinfo.v2-a'))), []);
    assert.deepEqual(codes(analyze(GIT_REPO.replace('name: podinfo', 'name: ${APP}-repo'))), []);
  });
});

describe('flux/short-interval', () => {
  it('notes a source polled more than once a minute', () => {
    const text = GIT_REPO.replace('interval: 5m', 'interval: 30s');
    const d = one(analyze(text), 'flux/short-interval');
    assert.equal(d.severity, 'information');
    assert.deepEqual(d.range, rangeOf(text, '30s'));
    assert.match(d.message, /^GitRepository flux-system\/podinfo: spec.interval 30s polls the source more than once a minute/);
  });

  it('is silent at one minute and on non-sources', () => {
    assert.deepEqual(codes(analyze(GIT_REPO.replace('interval: 5m', 'interval: 1m'))), []);
    assert.deepEqual(codes(analyze(KUSTOMIZATION.replace('interval: 10m', 'interval: 30s'))), []);
  });
});

describe('flux/duplicate-object', () => {
  it('warns on the second definition of the same object in a file', () => {
    const text = `${GIT_REPO}---\n${GIT_REPO}`;
    const d = one(analyze(text), 'flux/duplicate-object');
    assert.equal(d.severity, 'warning');
    assert.deepEqual(d.range, rangeOf(text, 'podinfo', 2));
    assert.match(d.message, /^GitRepository flux-system\/podinfo: this GitRepository is already defined in this file \(line 4\)/);
  });

  it('is silent on the same name in another namespace or of another kind', () => {
    assert.deepEqual(codes(analyze(`${GIT_REPO}---\n${GIT_REPO.replace('namespace: flux-system', 'namespace: apps')}`)), []);
    assert.deepEqual(codes(analyze(`${GIT_REPO}---\n${HELM_RELEASE.replace('namespace: apps', 'namespace: flux-system')}`)), []);
  });
});

const HELM_REPO = `apiVersion: source.toolkit.fluxcd.io/v1
kind: HelmRepository
metadata:
  name: podinfo
  namespace: flux-system
spec:
  interval: 1h
  url: https://stefanprodan.github.io/podinfo
`;

describe('flux/helmrepository-url', () => {
  it('type oci needs an oci:// URL (error, on the url value)', () => {
    const text = HELM_REPO.replace('  url:', '  type: oci\n  url:');
    const d = one(analyze(text), 'flux/helmrepository-url');
    assert.equal(d.severity, 'error');
    assert.deepEqual(d.range, rangeOf(text, 'https://stefanprodan.github.io/podinfo'));
    assert.match(d.message, /^HelmRepository flux-system\/podinfo: spec.url must start with oci:\/\/ when spec.type is oci, not https:\/\//);
  });

  it('an oci:// URL without type oci is a warning', () => {
    const text = HELM_REPO.replace('https://stefanprodan.github.io/podinfo', 'oci://ghcr.io/stefanprodan/charts');
    const d = one(analyze(text), 'flux/helmrepository-url');
    assert.equal(d.severity, 'warning');
    assert.match(d.message, /add type: oci/);
  });

  it('is silent when type and scheme agree', () => {
    assert.deepEqual(codes(analyze(HELM_REPO)), []);
    assert.deepEqual(codes(analyze(HELM_REPO.replace('  url: https://stefanprodan.github.io/podinfo', '  type: oci\n  url: oci://ghcr.io/stefanprodan/charts'))), []);
  });
});

describe('flux/helm-chart-name', () => {
  it('warns about repo/chart with a HelmRepository source and suggests the chart name', () => {
    const text = HELM_RELEASE.replace('chart: podinfo', 'chart: podinfo/podinfo');
    const d = one(analyze(text), 'flux/helm-chart-name');
    assert.equal(d.severity, 'warning');
    assert.deepEqual(d.range, rangeOf(text, 'podinfo/podinfo'));
    assert.match(d.message, /^HelmRelease apps\/podinfo: spec.chart.spec.chart 'podinfo\/podinfo' looks like 'repository\/chart'.*write only the chart name: chart: podinfo$/);
    assert.equal(d.data?.suggestion, 'podinfo');
  });

  it('is silent on a chart path in a GitRepository', () => {
    const text = HELM_RELEASE.replace('chart: podinfo', 'chart: ./charts/podinfo').replace('kind: HelmRepository', 'kind: GitRepository');
    assert.deepEqual(codes(analyze(text)), []);
  });
});
