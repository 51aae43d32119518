/**
 * The fleet model and the cross-file rules, on in-memory repositories: each rule with a fleet that triggers it and
 * one that must not.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { bootstrap, fleet, ks, rangeOf, ROOT } from './helpers';
import { graphText, graphView } from '../../../server/src/engine/workspace/graph-view';

const HR = (name: string, ns: string | undefined, extra = ''): string => `apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata:
  name: ${name}
${ns ? `  namespace: ${ns}\n` : ''}spec:
  chart:
    spec:
      chart: ${name}
      sourceRef:
        kind: HelmRepository
        name: charts
${extra}`;

const HELM_REPO = (ns?: string): string => `apiVersion: source.toolkit.fluxcd.io/v1
kind: HelmRepository
metadata:
  name: charts
${ns ? `  namespace: ${ns}\n` : ''}spec:
  interval: 1h
  url: https://charts.example.com
`;

const KUSTOMIZE = (resources: string[], extra = ''): string => `apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
${extra}resources:
${resources.map((r) => `  - ${r}`).join('\n')}
`;

describe('fleet model: clusters, builds and effective namespaces', () => {
  it('finds the bootstrap root, applies each Kustomization\'s path, and gives objects the kustomize namespace', () => {
    const f = fleet({
      ...bootstrap('prod'),
      'clusters/prod/apps.yaml': ks('apps', './apps/prod'),
      'apps/prod/kustomization.yaml': KUSTOMIZE(['../base/podinfo'], 'namespace: podinfo\n'),
      'apps/base/podinfo/kustomization.yaml': KUSTOMIZE(['release.yaml', 'repository.yaml']),
      'apps/base/podinfo/release.yaml': HR('podinfo', undefined, '  interval: 10m\n'),
      'apps/base/podinfo/repository.yaml': HELM_REPO(),
    });
    const g = f.engine.workspace.graph();
    assert.equal(g.clusters.length, 1);
    assert.equal(g.clusters[0]!.name, 'clusters/prod');
    const hr = g.instances.find((i) => i.kind === 'HelmRelease' && i.name === 'podinfo');
    assert.equal(hr?.namespace, 'podinfo');
    assert.equal(hr?.cluster, g.clusters[0]);
    assert.equal(hr?.appliedBy?.name, 'apps');
    assert.deepEqual(f.all('flux/reference-not-found').filter((m) => !/information/.test(m) && !/Secret/.test(m)), []);
    const text = graphText(graphView(f.engine.workspace));
    assert.match(text, /cluster clusters\/prod \(root Kustomization flux-system\/flux-system\)/);
    assert.match(text, /HelmRelease podinfo\/podinfo {2}apps\/base\/podinfo\/release.yaml/);
    assert.match(text, /HelmChart podinfo\/podinfo-podinfo {2}\(made by HelmRelease podinfo\/podinfo\)/);
  });

  it('targetNamespace overrides the namespace of every namespaced object of the build', () => {
    const f = fleet({
      ...bootstrap('prod'),
      'clusters/prod/apps.yaml': ks('apps', './apps', '  targetNamespace: web\n'),
      'apps/hr.yaml': HR('site', 'other', '  interval: 10m\n'),
      'apps/repo.yaml': HELM_REPO(),
    });
    const hr = f.engine.workspace.graph().instances.find((i) => i.kind === 'HelmRelease');
    assert.equal(hr?.namespace, 'web');
    assert.deepEqual(f.of('apps/hr.yaml', 'flux/reference-not-found'), []);
  });

  it('one cluster per clusters/<name> folder, references resolved per cluster', () => {
    const f = fleet({
      ...bootstrap('prod'),
      ...bootstrap('staging'),
      'clusters/prod/apps.yaml': ks('apps', './apps/prod'),
      'clusters/staging/apps.yaml': ks('apps', './apps/staging'),
      'apps/prod/hr.yaml': HR('site', 'web', '  interval: 10m\n'),
      'apps/prod/repo.yaml': HELM_REPO('web'),
      'apps/staging/hr.yaml': HR('site', 'web', '  interval: 10m\n'),
    });
    assert.deepEqual(f.engine.workspace.graph().clusters.map((c) => c.name).sort(), ['clusters/prod', 'clusters/staging']);
    assert.deepEqual(f.of('apps/prod/hr.yaml', 'flux/reference-not-found'), []);
    const [d] = f.of('apps/staging/hr.yaml', 'flux/reference-not-found');
    assert.equal(d?.severity, 'error');
    assert.match(d!.message, /^HelmRelease web\/site: spec.chart.spec.sourceRef refers to HelmRepository web\/charts, which is not defined in cluster clusters\/staging; HelmRepository web\/charts is defined in apps\/prod\/repo.yaml, which cluster clusters\/prod applies/);
  });
});

describe('fleet model: parent patches and patch documents', () => {
  const parentPatches = `  patches:
    - patch: |
        apiVersion: kustomize.toolkit.fluxcd.io/v1
        kind: Kustomization
        metadata:
          name: not-used
        spec:
          interval: 1h
          prune: true
          sourceRef:
            kind: GitRepository
            name: flux-system
      target:
        group: kustomize.toolkit.fluxcd.io
        kind: Kustomization
    - patch: |
        - op: add
          path: /spec/interval
          value: 30m
      target:
        kind: HelmRelease
        labelSelector: app.kubernetes.io/managed-by notin (manual)
`;
  const childKs = `apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata:
  name: podinfo
  namespace: flux-system
spec:
  path: ./apps/podinfo/app
`;

  it('fields a parent patch supplies are present: no missing-required on the children', () => {
    const f = fleet({
      ...bootstrap('prod'),
      'clusters/prod/apps.yaml': ks('apps', './apps', parentPatches),
      'apps/podinfo/ks.yaml': childKs,
      'apps/podinfo/app/kustomization.yaml': KUSTOMIZE(['hr.yaml', 'repo.yaml']),
      'apps/podinfo/app/hr.yaml': HR('podinfo', 'podinfo'),
      'apps/podinfo/app/repo.yaml': HELM_REPO('podinfo'),
    });
    assert.deepEqual(f.all('flux/missing-required'), []);
  });

  it('without the parent patch the same children are missing their fields', () => {
    const f = fleet({
      ...bootstrap('prod'),
      'clusters/prod/apps.yaml': ks('apps', './apps'),
      'apps/podinfo/ks.yaml': childKs,
      'apps/podinfo/app/kustomization.yaml': KUSTOMIZE(['hr.yaml', 'repo.yaml']),
      'apps/podinfo/app/hr.yaml': HR('podinfo', 'podinfo'),
      'apps/podinfo/app/repo.yaml': HELM_REPO('podinfo'),
    });
    const missing = f.all('flux/missing-required');
    assert.ok(missing.some((m) => /^apps\/podinfo\/ks.yaml: .*'interval'/.test(m)), missing.join('\n'));
    assert.ok(missing.some((m) => /^apps\/podinfo\/ks.yaml: .*'sourceRef'/.test(m)), missing.join('\n'));
    assert.ok(missing.some((m) => /^apps\/podinfo\/app\/hr.yaml: .*'interval'/.test(m)), missing.join('\n'));
  });

  it('a patch whose target does not select the child supplies nothing', () => {
    const f = fleet({
      ...bootstrap('prod'),
      'clusters/prod/apps.yaml': ks('apps', './apps', parentPatches.replace('kind: HelmRelease', 'kind: HelmRelease\n        name: other')),
      'apps/podinfo/app/hr.yaml': HR('podinfo', 'podinfo'),
      'apps/podinfo/app/repo.yaml': HELM_REPO('podinfo'),
    });
    assert.equal(f.of('apps/podinfo/app/hr.yaml', 'flux/missing-required').length, 1);
  });

  it('a document a kustomize file lists as a patch is partial; the same document not listed is whole', () => {
    const patch = 'apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata:\n  name: podinfo\n  namespace: podinfo\nspec:\n  values:\n    replicas: 2\n';
    const listed = fleet({
      ...bootstrap('prod'),
      'clusters/prod/apps.yaml': ks('apps', './apps/prod'),
      'apps/prod/kustomization.yaml': KUSTOMIZE(['hr.yaml', 'repo.yaml'], 'patches:\n  - path: values.yaml\n'),
      'apps/prod/hr.yaml': HR('podinfo', 'podinfo', '  interval: 10m\n'),
      'apps/prod/repo.yaml': HELM_REPO('podinfo'),
      'apps/prod/values.yaml': patch,
    });
    assert.deepEqual(listed.of('apps/prod/values.yaml', 'flux/missing-required'), []);
    const notListed = fleet({ 'apps/prod/values.yaml': patch });
    assert.equal(notListed.of('apps/prod/values.yaml', 'flux/missing-required').length, 1);
  });
});

describe('flux/reference-not-found', () => {
  it('an unreached object with a missing source gets a warning with a did-you-mean; a Secret only information', () => {
    const text = ks('apps', './apps').replace('name: flux-system\n', 'name: podinf\n') + '  decryption:\n    provider: sops\n    secretRef:\n      name: sops-age\n';
    const f = fleet({ 'apps.yaml': text, 'podinfo.yaml': 'apiVersion: source.toolkit.fluxcd.io/v1\nkind: GitRepository\nmetadata:\n  name: podinfo\n  namespace: flux-system\nspec:\n  interval: 1m\n  url: https://github.com/example/podinfo\n' });
    const ds = f.of('apps.yaml', 'flux/reference-not-found');
    const src = ds.find((d) => d.message.includes('sourceRef'));
    assert.equal(src?.severity, 'warning');
    assert.equal(src?.data?.suggestion, 'podinfo');
    assert.deepEqual(src?.range, rangeOf(text, 'podinf'));
    assert.match(src!.message, /did you mean 'podinfo'\?/);
    const secret = ds.find((d) => d.message.includes('decryption.secretRef'));
    assert.equal(secret?.severity, 'information');
  });

  it('optional valuesFrom and the bootstrap flux-system source are not errors', () => {
    const f = fleet({
      ...bootstrap('prod'),
      'clusters/prod/apps.yaml': ks('apps', './apps'),
      'apps/hr.yaml': HR('site', 'web', '  interval: 10m\n  valuesFrom:\n    - kind: ConfigMap\n      name: extra\n      optional: true\n'),
      'apps/repo.yaml': HELM_REPO('web'),
    });
    assert.deepEqual(f.all('flux/reference-not-found').filter((m) => !m.includes('Secret flux-system/flux-system')), []);
  });
});

describe('flux/depends-on-missing and flux/depends-on-cycle', () => {
  it('reports a missing dependency in the cluster', () => {
    const text = ks('apps', './apps', '  dependsOn:\n    - name: infra\n');
    const f = fleet({ ...bootstrap('prod'), 'clusters/prod/apps.yaml': text, 'apps/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n' });
    const [d] = f.of('clusters/prod/apps.yaml', 'flux/depends-on-missing');
    assert.equal(d?.severity, 'error');
    assert.deepEqual(d?.range, rangeOf(text, 'infra'));
    assert.match(d!.message, /spec.dependsOn\[0\] depends on Kustomization flux-system\/infra, which is not defined in cluster clusters\/prod/);
  });

  it('reports every edge of a loop with the loop named, and nothing for a chain', () => {
    const a = ks('a', './apps/a', '  dependsOn:\n    - name: b\n');
    const b = ks('b', './apps/b', '  dependsOn:\n    - name: c\n');
    const c = ks('c', './apps/c', '  dependsOn:\n    - name: a\n');
    const files = { ...bootstrap('prod'), 'clusters/prod/a.yaml': a, 'clusters/prod/b.yaml': b, 'clusters/prod/c.yaml': c, 'apps/a/x.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n', 'apps/b/x.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: b\n', 'apps/c/x.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n' };
    const f = fleet(files);
    const loops = f.all('flux/depends-on-cycle');
    assert.equal(loops.length, 3, loops.join('\n'));
    assert.ok(loops.some((m) => m.startsWith('clusters/prod/a.yaml: Kustomization flux-system/a: dependsOn forms a cycle: Kustomization flux-system/a → Kustomization flux-system/b → Kustomization flux-system/c → Kustomization flux-system/a')), loops.join('\n'));
    const chain = fleet({ ...files, 'clusters/prod/c.yaml': ks('c', './apps/c') });
    assert.deepEqual(chain.all('flux/depends-on-cycle'), []);
    assert.deepEqual(chain.all('flux/depends-on-missing'), []);
  });
});

describe('flux/path-not-found, flux/path-empty, flux/kustomize-file-not-found', () => {
  it('a spec.path that does not exist is an error on the path value; an existing one is not', () => {
    const text = ks('apps', './apps/prd');
    const f = fleet({ ...bootstrap('prod'), 'clusters/prod/apps.yaml': text, 'apps/prod/x.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n' });
    const [d] = f.of('clusters/prod/apps.yaml', 'flux/path-not-found');
    assert.equal(d?.severity, 'error');
    assert.deepEqual(d?.range, rangeOf(text, './apps/prd'));
    assert.match(d!.message, /spec.path '.\/apps\/prd' does not exist in this repository .*apps exists: fix the path/);
    assert.deepEqual(fleet({ ...bootstrap('prod'), 'clusters/prod/apps.yaml': ks('apps', './apps/prod'), 'apps/prod/x.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n' }).all('flux/path-not-found'), []);
  });

  it('a path whose source is another repository is not checked', () => {
    const text = ks('tenant', './deploy').replace('name: flux-system\n', 'name: tenant-repo\n');
    const repo = 'apiVersion: source.toolkit.fluxcd.io/v1\nkind: GitRepository\nmetadata:\n  name: tenant-repo\n  namespace: flux-system\nspec:\n  interval: 1m\n  url: https://github.com/example/tenant\n';
    const f = fleet({ ...bootstrap('prod'), 'clusters/prod/tenant.yaml': `${text}---\n${repo}` });
    assert.deepEqual(f.all('flux/path-not-found'), []);
  });

  it('a folder with no manifest is a warning', () => {
    const f = fleet({ ...bootstrap('prod'), 'clusters/prod/apps.yaml': ks('apps', './apps') }, { other: ['apps/README.md'] });
    assert.equal(f.of('clusters/prod/apps.yaml', 'flux/path-empty')[0]?.severity, 'warning');
  });

  it('kustomization entries that do not exist, and a resource folder without a kustomization.yaml', () => {
    const text = KUSTOMIZE(['deploy.yaml', 'missing.yaml', 'base', 'https://github.com/example/repo//base?ref=v1'], 'configMapGenerator:\n  - name: dash\n    files:\n      - dashboards/a.json\n      - b=dashboards/b.json\n');
    const f = fleet({ 'app/kustomization.yaml': text, 'app/deploy.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n', 'app/base/x.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: y\n' }, { other: ['app/dashboards/a.json'] });
    const ds = f.of('app/kustomization.yaml', 'flux/kustomize-file-not-found');
    // In file order: the generator (written first) names dashboards/b.json, which does not exist.
    assert.deepEqual(ds.map((d) => d.data?.entry), ['dashboards/b.json', 'missing.yaml', 'base']);
    assert.deepEqual(ds[1]!.range, rangeOf(text, 'missing.yaml'));
    assert.match(ds[2]!.message, /'base' is a folder without a kustomization.yaml/);
  });
});

describe('flux/health-check-not-applied', () => {
  const checks = (name: string): string => `  healthChecks:\n    - apiVersion: helm.toolkit.fluxcd.io/v2\n      kind: HelmRelease\n      name: ${name}\n      namespace: web\n`;
  it('names an object the Kustomization does not apply, with a did-you-mean', () => {
    const text = ks('apps', './apps', checks('sit'));
    const f = fleet({ ...bootstrap('prod'), 'clusters/prod/apps.yaml': text, 'apps/hr.yaml': HR('site', 'web', '  interval: 10m\n'), 'apps/repo.yaml': HELM_REPO('web') });
    const [d] = f.of('clusters/prod/apps.yaml', 'flux/health-check-not-applied');
    assert.deepEqual(d?.range, rangeOf(text, 'sit\n').start.line === d?.range.start.line ? d?.range : rangeOf(text, 'sit'));
    assert.match(d!.message, /waits for HelmRelease web\/sit, which this Kustomization does not apply .*did you mean 'site'\?/);
    assert.deepEqual(fleet({ ...bootstrap('prod'), 'clusters/prod/apps.yaml': ks('apps', './apps', checks('site')), 'apps/hr.yaml': HR('site', 'web', '  interval: 10m\n'), 'apps/repo.yaml': HELM_REPO('web') }).all('flux/health-check-not-applied'), []);
  });
});

describe('the model is fed from memory: paths are keys', () => {
  it('has no file system access of its own', () => {
    const f = fleet({ 'a.yaml': ks('a', './nowhere') });
    assert.ok(f.engine.workspace.paths().every((p) => p.startsWith(`${ROOT}/`)));
  });
});

describe('incremental: an edit re-derives the graph only when it can change', () => {
  it('an interval edit keeps the graph; a path or name edit derives it again', () => {
    const text = ks('apps', './apps');
    const f = fleet({ ...bootstrap('prod'), 'clusters/prod/apps.yaml': text, 'apps/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n' });
    const before = f.engine.workspace.graph();
    assert.equal(f.engine.updateFile(text.replace('interval: 10m', 'interval: 20m'), `${ROOT}/clusters/prod/apps.yaml`).graphChanged, false);
    assert.equal(f.engine.workspace.graph(), before, 'the same derived graph is served');
    assert.equal(f.engine.updateFile(text.replace('./apps', './apps/x'), `${ROOT}/clusters/prod/apps.yaml`).graphChanged, true);
    assert.notEqual(f.engine.workspace.graph(), before);
    const d = f.engine.workspaceDiagnostics(`${ROOT}/clusters/prod/apps.yaml`, []);
    assert.ok(d.some((x) => x.code === 'flux/path-not-found'), 'the new path is judged');
  });
});

describe('a workspace that is part of a repository', () => {
  it('does not judge a spec.path outside the opened folder', () => {
    const engine = fleet({}).engine;
    engine.workspace.setRepo({ workspaceRoots: [`${ROOT}/clusters/prod`], gitRoots: [ROOT], remotes: [] });
    const local = engine.updateFile(ks('apps', './apps/prod'), `${ROOT}/clusters/prod/apps.yaml`).diagnostics;
    const d = engine.workspaceDiagnostics(`${ROOT}/clusters/prod/apps.yaml`, local);
    assert.deepEqual(d.filter((x) => x.code === 'flux/path-not-found'), []);
  });
});
