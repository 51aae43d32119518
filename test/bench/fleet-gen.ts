/**
 * A generated fleet repository shaped like real ones (flux2-kustomize-helm-example, flux2-multi-tenancy, scaled
 * up): clusters/<name>/ with the flux-system sync and the infrastructure/apps Kustomizations chained by
 * dependsOn; infrastructure/ with HelmRepositories, OCIRepositories, HelmReleases of controllers and their
 * plain manifests (Namespaces, ConfigMaps, ClusterIssuers); apps/base and apps/<cluster> overlays with
 * HelmReleases carrying 20-150-line values, kustomization.yaml files, SOPS-encrypted Secrets, image automation,
 * notification Alerts/Providers/Receivers, and plain Deployments and Services beside them. Every Flux kind
 * appears. Three clusters share the infrastructure and split the teams' apps; each folder has a kustomization.yaml
 * listing its files. The fleet is valid: every reference resolves in its cluster and every kustomize entry exists,
 * so the engine reports no error or warning on it (test/engine/fleet-gen.test.ts), only the information that the
 * bootstrap/hand-made Secrets (flux-system, sops-age, slack-url, webhook-token) are not in git.
 *
 * Deterministic: the same `fluxDocs` gives the same files.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { prng as rng } from '../fuzz/mutate';

export interface FleetFile { path: string; text: string }
export interface Fleet { files: FleetFile[]; fluxDocs: number; plainDocs: number; bytes: number }


const ENC = (r: () => number, n: number): string => {
  const chars = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  let s = '';
  for (let i = 0; i < n; i++) s += chars[Math.floor(r() * chars.length)];
  return s;
};

/** Helm values of `lines` lines: nested maps, lists, resources, probes, env, annotations. */
function values(r: () => number, lines: number, app: string): string {
  const out: string[] = ['  values:', '    replicaCount: 2', '    image:', `      repository: ghcr.io/example/${app}`, '      tag: "1.4.2"', '      pullPolicy: IfNotPresent'];
  let i = 0;
  while (out.length < lines) {
    const block = i++ % 5;
    if (block === 0) out.push(`    resources${i}:`, '      limits:', '        cpu: 500m', '        memory: 512Mi', '      requests:', '        cpu: 100m', '        memory: 128Mi');
    else if (block === 1) {
      out.push(`    env${i}:`);
      for (let k = 0; k < 6; k++) out.push(`      - name: VAR_${i}_${k}`, `        value: "${Math.floor(r() * 1000)}"`);
    } else if (block === 2) out.push(`    probes${i}:`, '      liveness:', '        httpGet:', '          path: /healthz', '          port: http', '        initialDelaySeconds: 5');
    else if (block === 3) {
      out.push(`    podAnnotations${i}:`);
      for (let k = 0; k < 4; k++) out.push(`      example.com/key-${k}: "value-${Math.floor(r() * 100)}"`);
    } else out.push(`    ingress${i}:`, '      enabled: true', '      className: nginx', '      hosts:', `        - host: ${app}-${i}.example.com`, '          paths:', '            - path: /', '              pathType: Prefix');
  }
  return `${out.slice(0, lines).join('\n')}\n`;
}

/** Generates the fleet: `fluxDocs` Flux documents (about 5 per file) plus the plain manifests beside them. */
export function generateFleet(fluxDocs = 5000, seed = 1): Fleet {
  const r = rng(seed);
  const files: FleetFile[] = [];
  let flux = 0;
  let plain = 0;
  const add = (p: string, docs: string[], fluxCount: number): void => {
    files.push({ path: p, text: docs.join('---\n') });
    flux += fluxCount;
    plain += docs.length - fluxCount;
  };
  // A fixed number of clusters, as fleets have (staging, production, a region or two): every cluster applies the
  // shared infrastructure, and the teams' apps are split between them, so the applied objects grow linearly with
  // `fluxDocs` (a cluster count that grew with the fleet made the infrastructure instances grow quadratically).
  const clusters = 3;
  const TEAMS = 23;
  const appSecrets: string[][] = Array.from({ length: clusters }, () => []);
  for (let c = 0; c < clusters; c++) {
    const cl = `cluster-${c}`;
    add(`clusters/${cl}/cluster-vars.yaml`, [`apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cluster-vars\n  namespace: flux-system\ndata:\n  cluster_region: eu-west-${c + 1}\n  cluster_env: ${c === 0 ? 'staging' : 'production'}\n`], 0);
    add(`clusters/${cl}/flux-system/gotk-sync.yaml`, [
      `apiVersion: source.toolkit.fluxcd.io/v1\nkind: GitRepository\nmetadata:\n  name: flux-system\n  namespace: flux-system\nspec:\n  interval: 1m0s\n  ref:\n    branch: main\n  secretRef:\n    name: flux-system\n  url: ssh://git@github.com/example/fleet\n`,
      `apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata:\n  name: flux-system\n  namespace: flux-system\nspec:\n  interval: 10m0s\n  path: ./clusters/${cl}\n  prune: true\n  sourceRef:\n    kind: GitRepository\n    name: flux-system\n`,
    ], 2);
    add(`clusters/${cl}/infrastructure.yaml`, ['controllers', 'configs'].map((n, k) => `apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata:\n  name: infra-${n}\n  namespace: flux-system\nspec:\n  interval: 1h\n  retryInterval: 1m\n  timeout: 5m\n  sourceRef:\n    kind: GitRepository\n    name: flux-system\n  path: ./infrastructure/${n}\n  prune: true\n  wait: true\n${k > 0 ? '  dependsOn:\n    - name: infra-controllers\n' : ''}`), 2);
    add(`clusters/${cl}/apps.yaml`, [`apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata:\n  name: apps\n  namespace: flux-system\nspec:\n  interval: 10m\n  dependsOn:\n    - name: infra-configs\n  sourceRef:\n    kind: GitRepository\n    name: flux-system\n  path: ./apps/${cl}\n  prune: true\n  wait: true\n  timeout: 5m0s\n  decryption:\n    provider: sops\n    secretRef:\n      name: sops-age\n  postBuild:\n    substitute:\n      cluster_name: ${cl}\n    substituteFrom:\n      - kind: ConfigMap\n        name: cluster-vars\n`], 1);
    add(`clusters/${cl}/notifications.yaml`, [
      `apiVersion: notification.toolkit.fluxcd.io/v1beta3\nkind: Provider\nmetadata:\n  name: slack\n  namespace: flux-system\nspec:\n  type: slack\n  channel: fleet-${cl}\n  secretRef:\n    name: slack-url\n`,
      `apiVersion: notification.toolkit.fluxcd.io/v1beta3\nkind: Alert\nmetadata:\n  name: on-call\n  namespace: flux-system\nspec:\n  providerRef:\n    name: slack\n  eventSeverity: error\n  eventSources:\n    - kind: GitRepository\n      name: '*'\n    - kind: Kustomization\n      name: '*'\n    - kind: HelmRelease\n      name: '*'\n`,
      `apiVersion: notification.toolkit.fluxcd.io/v1\nkind: Receiver\nmetadata:\n  name: github\n  namespace: flux-system\nspec:\n  type: github\n  events:\n    - ping\n    - push\n  secretRef:\n    name: webhook-token\n  resources:\n    - apiVersion: source.toolkit.fluxcd.io/v1\n      kind: GitRepository\n      name: flux-system\n`,
    ], 3);
  }
  // The team chart repositories the apps' HelmReleases use (flux-system, applied by infra-controllers).
  add('infrastructure/controllers/team-charts.yaml', Array.from({ length: TEAMS }, (_, t) => `apiVersion: source.toolkit.fluxcd.io/v1\nkind: HelmRepository\nmetadata:\n  name: team-${t}-charts\n  namespace: flux-system\nspec:\n  interval: 1h\n  url: https://charts.example.com/team-${t}\n`), TEAMS);
  // Infrastructure: controllers (HelmRepository + HelmRelease + Namespace), sources of every kind.
  const controllerFiles: string[] = [];
  const configFiles: string[] = [];
  let i = 0;
  while (flux < fluxDocs * 0.3) {
    const n = `ctrl-${i}`;
    controllerFiles.push(`${n}.yaml`);
    add(`infrastructure/controllers/${n}.yaml`, [
      `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ${n}\n  labels:\n    toolkit.fluxcd.io/tenant: platform\n`,
      `apiVersion: source.toolkit.fluxcd.io/v1\nkind: HelmRepository\nmetadata:\n  name: ${n}\n  namespace: ${n}\nspec:\n  interval: 24h\n  url: https://charts.example.com/${n}\n`,
      `apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata:\n  name: ${n}\n  namespace: ${n}\nspec:\n  interval: 30m\n  chart:\n    spec:\n      chart: ${n}\n      version: "1.x"\n      sourceRef:\n        kind: HelmRepository\n        name: ${n}\n      interval: 12h\n  install:\n    crds: Create\n  upgrade:\n    crds: CreateReplace\n${i > 0 ? `  dependsOn:\n    - name: ctrl-${i - 1}\n      namespace: ctrl-${i - 1}\n` : ''}${values(r, 20 + Math.floor(r() * 40), n)}`,
      i % 3 === 0
        ? `apiVersion: source.toolkit.fluxcd.io/v1\nkind: OCIRepository\nmetadata:\n  name: ${n}-manifests\n  namespace: ${n}\nspec:\n  interval: 10m\n  url: oci://ghcr.io/example/${n}\n  ref:\n    semver: ">=1.0.0"\n`
        : i % 3 === 1
          ? `apiVersion: source.toolkit.fluxcd.io/v1\nkind: Bucket\nmetadata:\n  name: ${n}-bucket\n  namespace: ${n}\nspec:\n  interval: 5m\n  provider: aws\n  bucketName: ${n}-artifacts\n  endpoint: s3.amazonaws.com\n  region: us-east-1\n`
          : `apiVersion: source.toolkit.fluxcd.io/v1\nkind: HelmChart\nmetadata:\n  name: ${n}-chart\n  namespace: ${n}\nspec:\n  interval: 10m\n  chart: ${n}\n  version: "2.x"\n  sourceRef:\n    kind: HelmRepository\n    name: ${n}\n`,
    ], 3);
    if (i % 4 === 0) {
      configFiles.push(`${n}-config.yaml`);
      add(`infrastructure/configs/${n}-config.yaml`, [
        `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${n}-settings\n  namespace: ${n}\ndata:\n  LOG_LEVEL: info\n  REGION: eu-west-1\n  config.yaml: |\n    server:\n      port: 8080\n      timeout: 30s\n    features:\n      - alpha\n      - beta\n`,
        `apiVersion: cert-manager.io/v1\nkind: ClusterIssuer\nmetadata:\n  name: ${n}-issuer\nspec:\n  acme:\n    server: https://acme-v02.api.letsencrypt.org/directory\n    email: ops@example.com\n    privateKeySecretRef:\n      name: ${n}-account-key\n    solvers:\n      - http01:\n          ingress:\n            class: nginx\n`,
      ], 0);
    }
    i++;
  }
  // Apps: base HelmRelease + values, overlays per cluster, SOPS secrets, image automation, plain manifests.
  const teamFiles: string[][] = Array.from({ length: TEAMS }, () => []);
  let a = 0;
  let pending: { docs: string[]; flux: number } | undefined;
  while (flux < fluxDocs) {
    const n = `app-${a}`;
    const team = `team-${a % TEAMS}`;
    const docs = [
      `apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata:\n  name: ${n}\n  namespace: ${team}\nspec:\n  releaseName: ${n}\n  interval: 50m\n  timeout: 5m\n  chart:\n    spec:\n      chart: ${n}\n      version: ">=1.0.0 <2.0.0"\n      sourceRef:\n        kind: HelmRepository\n        name: ${team}-charts\n        namespace: flux-system\n  install:\n    remediation:\n      retries: 3\n  upgrade:\n    remediation:\n      retries: 3\n      remediateLastFailure: true\n  driftDetection:\n    mode: enabled\n${a >= 2 * TEAMS && a % 5 !== 0 ? `  dependsOn:\n    - name: app-${a - 2 * TEAMS}\n      namespace: ${team}\n` : ''}${values(r, 20 + Math.floor(r() * 130), n)}`,
      `apiVersion: image.toolkit.fluxcd.io/v1\nkind: ImageRepository\nmetadata:\n  name: ${n}\n  namespace: ${team}\nspec:\n  image: ghcr.io/example/${n}\n  interval: 5m\n`,
      `apiVersion: image.toolkit.fluxcd.io/v1\nkind: ImagePolicy\nmetadata:\n  name: ${n}\n  namespace: ${team}\nspec:\n  imageRepositoryRef:\n    name: ${n}\n  policy:\n    semver:\n      range: ">=1.0.0"\n`,
      `apiVersion: v1\nkind: Service\nmetadata:\n  name: ${n}\n  namespace: ${team}\nspec:\n  selector:\n    app: ${n}\n  ports:\n    - name: http\n      port: 80\n      targetPort: 8080\n`,
    ];
    let fluxHere = 3;
    if (a % 3 === 0) {
      docs.push(`apiVersion: image.toolkit.fluxcd.io/v1\nkind: ImageUpdateAutomation\nmetadata:\n  name: ${n}\n  namespace: ${team}\nspec:\n  interval: 30m\n  sourceRef:\n    kind: GitRepository\n    name: flux-system\n    namespace: flux-system\n  git:\n    checkout:\n      ref:\n        branch: main\n    commit:\n      author:\n        email: fluxcdbot@example.com\n        name: fluxcdbot\n      messageTemplate: "chore: update images"\n    push:\n      branch: main\n  update:\n    path: ./apps/${team}\n    strategy: Setters\n`);
      fluxHere++;
    }
    // Two apps per release file, as teams group them, in the second one's team folder; an app depends on the app
    // 2 x TEAMS before it, which lives in the same folder and namespace (so on the same cluster).
    if (a % 2 === 0) {
      pending = { docs, flux: fluxHere };
    } else {
      teamFiles[a % TEAMS]!.push(`app-${a - 1}-${a}.yaml`);
      add(`apps/base/${team}/app-${a - 1}-${a}.yaml`, [...pending!.docs, ...docs], pending!.flux + fluxHere);
      pending = undefined;
    }
    if (a % 8 === 4) {
      teamFiles[a % TEAMS]!.push(`${n}-worker.yaml`);
      add(`apps/base/${team}/${n}-worker.yaml`, [`apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: ${n}-worker\n  namespace: ${team}\n  labels:\n    app: ${n}\nspec:\n  replicas: 2\n  selector:\n    matchLabels:\n      app: ${n}\n  template:\n    metadata:\n      labels:\n        app: ${n}\n    spec:\n      containers:\n        - name: worker\n          image: ghcr.io/example/${n}:1.4.2 # {"$imagepolicy": "${team}:${n}"}\n          ports:\n            - containerPort: 8080\n          resources:\n            limits:\n              memory: 256Mi\n`], 0);
    }
    if (a % 8 === 0) {
      appSecrets[(a % TEAMS) % clusters]!.push(`${n}-secret.yaml`);
      add(`apps/cluster-${(a % TEAMS) % clusters}/${n}-secret.yaml`, [`apiVersion: v1\nkind: Secret\nmetadata:\n  name: ${n}-credentials\n  namespace: ${team}\ntype: Opaque\nstringData:\n  password: ENC[AES256_GCM,data:${ENC(r, 24)},iv:${ENC(r, 43)}=,tag:${ENC(r, 22)}==,type:str]\nsops:\n  age:\n    - recipient: age1qyqszqgpqyqszqgpqyqszqgpqyqszqgpqyqszqgpqyqszqgpqyqs3290gq\n      enc: |\n        -----BEGIN AGE ENCRYPTED FILE-----\n        ${ENC(r, 64)}\n        ${ENC(r, 64)}\n        -----END AGE ENCRYPTED FILE-----\n  lastmodified: "2026-01-01T00:00:00Z"\n  mac: ENC[AES256_GCM,data:${ENC(r, 64)},iv:${ENC(r, 43)}=,tag:${ENC(r, 22)}==,type:str]\n  encrypted_regex: ^(data|stringData)$\n  version: 3.9.0\n`], 0);
    }
    a++;
  }
  if (pending) {
    // An even app lives with the odd one after it, in that one's team folder (and so its cluster).
    teamFiles[a % TEAMS]!.push(`app-${a - 1}.yaml`);
    add(`apps/base/team-${a % TEAMS}/app-${a - 1}.yaml`, pending.docs, pending.flux);
  }
  // kustomization.yaml files as fleets write them: one per folder listing its files, and one per cluster overlay
  // listing the teams that cluster runs (team t runs on cluster t % clusters) and its encrypted Secrets.
  const kustomization = (entries: string[]): string => `apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n${entries.map((e) => `  - ${e}\n`).join('')}`;
  files.push({ path: 'infrastructure/controllers/kustomization.yaml', text: kustomization(['team-charts.yaml', ...controllerFiles]) });
  if (configFiles.length > 0) files.push({ path: 'infrastructure/configs/kustomization.yaml', text: kustomization(configFiles) });
  teamFiles.forEach((list, t) => { if (list.length > 0) files.push({ path: `apps/base/team-${t}/kustomization.yaml`, text: kustomization(list) }); });
  for (let c = 0; c < clusters; c++) {
    const teams = teamFiles.map((l, t) => (l.length > 0 && t % clusters === c ? `../base/team-${t}` : '')).filter(Boolean);
    files.push({ path: `apps/cluster-${c}/kustomization.yaml`, text: kustomization([...teams, ...appSecrets[c]!]) });
  }
  const bytes = files.reduce((s, f) => s + Buffer.byteLength(f.text), 0);
  return { files, fluxDocs: flux, plainDocs: plain, bytes };
}

/** Writes the fleet below `dir` (created). */
export function writeFleet(fleet: Fleet, dir: string): void {
  for (const f of fleet.files) {
    const p = path.join(dir, f.path);
    fs.mkdirSync(path.dirname(p), { recursive: true });
    fs.writeFileSync(p, f.text);
  }
}
