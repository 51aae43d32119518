/** Generates synthetic but realistic Flux documents for the benchmarks. */

const KINDS: Array<(i: number) => string> = [
  (i) => `apiVersion: source.toolkit.fluxcd.io/v1
kind: GitRepository
metadata:
  name: repo-${i}
  namespace: team-${i % 17}
spec:
  interval: 5m
  url: https://github.com/example/repo-${i}
  ref:
    branch: main
  ignore: |
    /*
    !/deploy
`,
  (i) => `apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata:
  name: app-${i}
  namespace: team-${i % 17}
spec:
  interval: 10m
  retryInterval: 1m
  timeout: 5m
  path: ./apps/app-${i}
  prune: true
  wait: true
  sourceRef:
    kind: GitRepository
    name: repo-${i - 1}
  dependsOn:
    - name: infra-${i % 5}
  postBuild:
    substitute:
      cluster_name: prod
      replicas: "\${REPLICAS:=2}"
    substituteFrom:
      - kind: ConfigMap
        name: cluster-vars
`,
  (i) => `apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata:
  name: release-${i}
  namespace: team-${i % 17}
spec:
  interval: 30m
  timeout: 5m
  chart:
    spec:
      chart: podinfo
      version: ">=6.0.0 <7.0.0"
      sourceRef:
        kind: HelmRepository
        name: charts-${i}
      interval: 12h
  install:
    remediation:
      retries: 3
  upgrade:
    remediation:
      retries: 3
      remediateLastFailure: true
  values:
    replicaCount: 2
    resources:
      limits:
        memory: 256Mi
`,
  (i) => `apiVersion: source.toolkit.fluxcd.io/v1
kind: HelmRepository
metadata:
  name: charts-${i}
  namespace: team-${i % 17}
spec:
  interval: 1h
  url: https://stefanprodan.github.io/podinfo
`,
  (i) => `apiVersion: source.toolkit.fluxcd.io/v1
kind: OCIRepository
metadata:
  name: oci-${i}
  namespace: team-${i % 17}
spec:
  interval: 10m
  url: oci://ghcr.io/example/manifests-${i}
  ref:
    semver: ">=1.0.0"
`,
];

/** One document of the rotation. */
export function fluxDocument(i: number): string {
  return KINDS[i % KINDS.length]!(i);
}

/** `count` documents split into files of `perFile` documents each. */
export function generateWorkspace(count: number, perFile = 10): Array<{ name: string; text: string }> {
  const files: Array<{ name: string; text: string }> = [];
  for (let f = 0; f * perFile < count; f++) {
    const docs: string[] = [];
    for (let j = 0; j < perFile && f * perFile + j < count; j++) docs.push(fluxDocument(f * perFile + j));
    files.push({ name: `file-${String(f).padStart(4, '0')}.yaml`, text: docs.join('---\n') });
  }
  return files;
}

/** A single file of at least `lines` lines. */
export function generateLargeFile(lines: number): string {
  const docs: string[] = [];
  let n = 0;
  for (let i = 0; n < lines; i++) {
    const d = fluxDocument(i);
    docs.push(d);
    n += d.split('\n').length;
  }
  return docs.join('---\n');
}
