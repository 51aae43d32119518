/**
 * The Flux kinds and API versions (FLUX-FACTS §1), shared by the engine and the cluster core.
 */

export interface FluxVersionInfo {
  /** API version without the group, e.g. `v1beta2`. */
  version: string;
  /** Flux minor release that deprecated this version (the current version has none). */
  deprecatedIn?: string;
  /** Flux minor release that removed this version from the CRDs. */
  removedIn?: string;
  /** Flux minor release that first served this version (absent: served by every release the product supports, 2.6 on). */
  introducedIn?: string;
}

export interface FluxKindInfo {
  kind: string;
  group: string;
  /** Lower-case plural resource name, e.g. `gitrepositories`. */
  plural: string;
  /** The current (preferred) version. */
  current: string;
  /** Every version known, current included, oldest first. */
  versions: FluxVersionInfo[];
  /** The controller that reconciles this kind. */
  controller: string;
  /** Documentation page for the kind. */
  docsUrl: string;
  /** `flux get` noun, e.g. `source git`. */
  cliNoun: string;
  /** Whether the kind has a `status` with Ready conditions (Alert and Provider have none). */
  hasStatus: boolean;
  /** Whether the kind is a Flux source that produces an artifact. */
  isSource: boolean;
}

const v = (version: string, deprecatedIn?: string, removedIn?: string): FluxVersionInfo => ({ version, deprecatedIn, removedIn });

/** The oldest Flux minor release the version history below covers (FLUX-FACTS §1). */
export const OLDEST_FLUX_VERSION = '2.6';
const DOCS = 'https://fluxcd.io/flux/components';

function kind(
  k: string, group: string, plural: string, current: string, old: FluxVersionInfo[], controller: string,
  docsPath: string, cliNoun: string, opts: { hasStatus?: boolean; isSource?: boolean; currentSince?: string } = {},
): FluxKindInfo {
  const cur: FluxVersionInfo = opts.currentSince ? { version: current, introducedIn: opts.currentSince } : v(current);
  return {
    kind: k, group, plural, current, versions: [...old, cur], controller,
    docsUrl: `${DOCS}/${docsPath}`, cliNoun, hasStatus: opts.hasStatus ?? true, isSource: opts.isSource ?? false,
  };
}

const SRC = 'source.toolkit.fluxcd.io';
const srcOld = [v('v1beta1', '2.0', '2.7'), v('v1beta2', '2.3', '2.8')];

/** Every Flux kind, in the order `flux get all` prints them. */
export const FLUX_KINDS: readonly FluxKindInfo[] = [
  kind('OCIRepository', SRC, 'ocirepositories', 'v1', [v('v1beta2', '2.6', '2.8')], 'source-controller', 'source/ocirepositories/', 'source oci', { isSource: true }),
  kind('Bucket', SRC, 'buckets', 'v1', srcOld, 'source-controller', 'source/buckets/', 'source bucket', { isSource: true }),
  kind('GitRepository', SRC, 'gitrepositories', 'v1', srcOld, 'source-controller', 'source/gitrepositories/', 'source git', { isSource: true }),
  kind('HelmRepository', SRC, 'helmrepositories', 'v1', srcOld, 'source-controller', 'source/helmrepositories/', 'source helm', { isSource: true }),
  kind('HelmChart', SRC, 'helmcharts', 'v1', srcOld, 'source-controller', 'source/helmcharts/', 'source chart', { isSource: true }),
  kind('ExternalArtifact', SRC, 'externalartifacts', 'v1', [], 'source-controller', 'source/externalartifacts/', 'source external', { isSource: true, currentSince: '2.7' }),
  kind('ArtifactGenerator', 'source.extensions.fluxcd.io', 'artifactgenerators', 'v1beta1', [], 'source-watcher', 'source/artifactgenerators/', 'artifact generator', { currentSince: '2.7' }),
  kind('ImageRepository', 'image.toolkit.fluxcd.io', 'imagerepositories', 'v1', [v('v1beta1', '2.0', '2.7'), v('v1beta2', '2.7', '2.9')], 'image-reflector-controller', 'image/imagerepositories/', 'image repository', { currentSince: '2.7' }),
  kind('ImagePolicy', 'image.toolkit.fluxcd.io', 'imagepolicies', 'v1', [v('v1beta1', '2.0', '2.7'), v('v1beta2', '2.7', '2.9')], 'image-reflector-controller', 'image/imagepolicies/', 'image policy', { currentSince: '2.7' }),
  kind('ImageUpdateAutomation', 'image.toolkit.fluxcd.io', 'imageupdateautomations', 'v1', [v('v1beta1', '2.0', '2.7'), v('v1beta2', '2.7', '2.9')], 'image-automation-controller', 'image/imageupdateautomations/', 'image update', { currentSince: '2.7' }),
  kind('HelmRelease', 'helm.toolkit.fluxcd.io', 'helmreleases', 'v2', [v('v2beta1', '2.3', '2.7'), v('v2beta2', '2.3', '2.8')], 'helm-controller', 'helm/helmreleases/', 'helmrelease'),
  kind('Kustomization', 'kustomize.toolkit.fluxcd.io', 'kustomizations', 'v1', [v('v1beta1', '2.0', '2.7'), v('v1beta2', '2.0', '2.8')], 'kustomize-controller', 'kustomize/kustomizations/', 'kustomization'),
  kind('Receiver', 'notification.toolkit.fluxcd.io', 'receivers', 'v1', [v('v1beta1', '2.0', '2.7'), v('v1beta2', '2.1', '2.9')], 'notification-controller', 'notification/receivers/', 'receiver'),
  kind('Provider', 'notification.toolkit.fluxcd.io', 'providers', 'v1beta3', [v('v1beta1', '2.0', '2.7'), v('v1beta2', '2.1', '2.9')], 'notification-controller', 'notification/providers/', 'alert-provider', { hasStatus: false }),
  kind('Alert', 'notification.toolkit.fluxcd.io', 'alerts', 'v1beta3', [v('v1beta1', '2.0', '2.7'), v('v1beta2', '2.1', '2.9')], 'notification-controller', 'notification/alerts/', 'alert', { hasStatus: false }),
];

/** The Flux release the product targets by default when the user pins none. */
export const DEFAULT_FLUX_VERSION = '2.8';

/** API groups owned by Flux. A document in one of these groups is a Flux document. */
export const FLUX_GROUPS: ReadonlySet<string> = new Set(FLUX_KINDS.map((k) => k.group));

export function splitApiVersion(apiVersion: string): { group: string; version: string } {
  const i = apiVersion.lastIndexOf('/');
  return i < 0 ? { group: '', version: apiVersion } : { group: apiVersion.slice(0, i), version: apiVersion.slice(i + 1) };
}

/** True when the group belongs to Flux (`kustomize.config.k8s.io` does not). */
export function isFluxGroup(group: string): boolean {
  return FLUX_GROUPS.has(group);
}

export function findKind(kindName: string, group?: string): FluxKindInfo | undefined {
  return FLUX_KINDS.find((k) => k.kind === kindName && (group === undefined || k.group === group));
}

/** Looks a kind up by kind name, plural, or `plural.group` (case-insensitive). */
export function resolveKind(name: string): FluxKindInfo | undefined {
  const n = name.toLowerCase();
  return FLUX_KINDS.find((k) => k.kind.toLowerCase() === n || k.plural === n || `${k.plural}.${k.group}` === n);
}

/** Short names the flux CLI and kubectl accept for the Flux kinds (`ks`, `hr`, `gitrepo`...). */
export const KIND_ALIASES: Readonly<Record<string, string>> = {
  ks: 'Kustomization', hr: 'HelmRelease', gitrepo: 'GitRepository', git: 'GitRepository', helmrepo: 'HelmRepository',
  helm: 'HelmRepository', hc: 'HelmChart', chart: 'HelmChart', ocirepo: 'OCIRepository', oci: 'OCIRepository',
  bucket: 'Bucket', external: 'ExternalArtifact', imagerepo: 'ImageRepository', imagepolicy: 'ImagePolicy',
  imageupdate: 'ImageUpdateAutomation', iua: 'ImageUpdateAutomation', 'alert-provider': 'Provider', provider: 'Provider',
  alert: 'Alert', receiver: 'Receiver',
};

/** Resolves a kind word: kind name, plural, `plural.group`, singular of the plural, a short alias or the CLI noun. */
export function resolveKindWord(word: string): FluxKindInfo | undefined {
  const w = word.toLowerCase();
  const byAlias = KIND_ALIASES[w];
  return FLUX_KINDS.find((k) =>
    k.kind.toLowerCase() === w || k.plural === w || `${k.plural}.${k.group}` === w || `${k.kind.toLowerCase()}s` === w
    || k.kind === byAlias || k.cliNoun.replace(/ /g, '-') === w);
}

/** The fully qualified resource name, e.g. `helmreleases.helm.toolkit.fluxcd.io`. */
export function qualifiedResource(k: FluxKindInfo): string {
  return `${k.plural}.${k.group}`;
}

/** Whether Flux `target` serves this kind at this version (introduced, not yet removed). */
export function servedAt(info: FluxVersionInfo, target: string): boolean {
  return (info.introducedIn === undefined || compareFluxVersions(target, info.introducedIn) >= 0)
    && (info.removedIn === undefined || compareFluxVersions(target, info.removedIn) < 0);
}

/**
 * The version `flux migrate --version <target>` moves a kind to: the newest version that Flux `target` serves
 * (image kinds at 2.6: v1beta2, not v1). The current version when the kind does not exist yet at the target.
 */
export function migrateVersionAt(info: FluxKindInfo, target: string): string {
  for (let i = info.versions.length - 1; i >= 0; i--) {
    const ver = info.versions[i]!;
    if (servedAt(ver, target)) return ver.version;
  }
  return info.current;
}

/** The Flux release that first serves the kind at all (undefined: every supported release). */
export function kindIntroducedIn(info: FluxKindInfo): string | undefined {
  let first: string | undefined;
  for (const ver of info.versions) {
    if (ver.introducedIn === undefined) return undefined;
    if (first === undefined || compareFluxVersions(ver.introducedIn, first) < 0) first = ver.introducedIn;
  }
  return first;
}

/** Compares Flux minor versions such as `2.7` and `2.10`. */
export function compareFluxVersions(a: string, b: string): number {
  const pa = a.replace(/^v/, '').split('.').map(Number);
  const pb = b.replace(/^v/, '').split('.').map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}
