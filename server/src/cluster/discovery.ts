/**
 * Which Flux kinds the cluster serves, in which versions, and the installed Flux version.
 * Reads the Flux CRDs; when listing CRDs is forbidden, falls back to API discovery
 * (`/apis`, `/apis/<group>/<version>`), which every authenticated user may read.
 */
import {
  ApiextensionsV1Api, ApisApi, CustomObjectsApi, type V1CustomResourceDefinition,
} from '@kubernetes/client-node';
import { FLUX_KINDS, type FluxKindInfo, qualifiedResource } from '../engine/kinds';
import { type ClusterAccess, requestOptions, toClusterError } from './get';

/** Discovery facts for one Flux kind the cluster serves. */
export interface DiscoveredKind {
  kind: string;
  group: string;
  plural: string;
  /** Versions the API server serves, in CRD order. */
  servedVersions: string[];
  /** `status.storedVersions` of the CRD (empty when only API discovery was readable). */
  storedVersions: string[];
  /** The version the cluster core addresses the kind with (the kinds table's current one when served). */
  version?: string;
}

/** What {@link discoverFlux} found. */
export interface FluxDiscovery {
  /** `app.kubernetes.io/version` label of the gitrepositories.source.toolkit.fluxcd.io CRD (e.g. `v2.8.0`). */
  fluxVersion?: string;
  /** Served Flux kinds, in `flux get all` order. */
  kinds: DiscoveredKind[];
  /** Kind names whose CRD is not installed (or not served). */
  missing: string[];
  /** How the facts were read: the CRD objects, or API discovery when CRDs are not readable. */
  source: 'crds' | 'api-discovery';
}

const VERSION_LABEL = 'app.kubernetes.io/version';

/** The version to address a kind with, given the versions the server serves. */
export function chooseVersion(info: FluxKindInfo, served: readonly string[]): string | undefined {
  if (served.includes(info.current)) return info.current;
  for (let i = info.versions.length - 1; i >= 0; i--) {
    const v = info.versions[i]?.version;
    if (v && served.includes(v)) return v;
  }
  return served[0];
}

/** Pure: the discovery result from CRD objects (exported for tests). */
export function discoveryFromCrds(crds: readonly V1CustomResourceDefinition[]): FluxDiscovery {
  const byName = new Map(crds.map((c) => [c.metadata?.name ?? '', c]));
  const kinds: DiscoveredKind[] = [];
  const missing: string[] = [];
  for (const info of FLUX_KINDS) {
    const crd = byName.get(qualifiedResource(info));
    const served = (crd?.spec?.versions ?? []).filter((v) => v.served).map((v) => v.name);
    if (!crd || served.length === 0) { missing.push(info.kind); continue; }
    kinds.push({
      kind: info.kind, group: info.group, plural: info.plural, servedVersions: served,
      storedVersions: crd.status?.storedVersions ?? [], version: chooseVersion(info, served),
    });
  }
  const fluxVersion = byName.get('gitrepositories.source.toolkit.fluxcd.io')?.metadata?.labels?.[VERSION_LABEL];
  return { ...(fluxVersion ? { fluxVersion } : {}), kinds, missing, source: 'crds' };
}

/**
 * Discovers the Flux CRDs the cluster serves. Throws ClusterCallError when the cluster is
 * unreachable or the credentials are rejected; a forbidden CRD list falls back to API discovery
 * (then `fluxVersion` is unknown and `storedVersions` empty).
 */
export async function discoverFlux(conn: ClusterAccess): Promise<FluxDiscovery> {
  const ext = conn.kubeConfig.makeApiClient(ApiextensionsV1Api);
  try {
    const list = await ext.listCustomResourceDefinition({}, requestOptions(conn));
    return discoveryFromCrds(list.items ?? []);
  } catch (err) {
    const ce = toClusterError(err, 'CustomResourceDefinitions');
    if (ce.failure !== 'forbidden') throw ce;
  }
  // CRDs not readable: API discovery.
  const apis = conn.kubeConfig.makeApiClient(ApisApi);
  const custom = conn.kubeConfig.makeApiClient(CustomObjectsApi);
  let groups: Map<string, string[]>;
  try {
    const g = await apis.getAPIVersions(undefined, requestOptions(conn));
    groups = new Map((g.groups ?? []).map((x) => [x.name, (x.versions ?? []).map((v) => v.version)]));
  } catch (err) {
    throw toClusterError(err, 'API discovery');
  }
  const plurals = new Map<string, Set<string>>(); // "group/version" -> plurals served
  for (const [group, versions] of groups) {
    if (!FLUX_KINDS.some((k) => k.group === group)) continue;
    for (const version of versions) {
      try {
        const rl = await custom.getAPIResources({ group, version }, requestOptions(conn));
        plurals.set(`${group}/${version}`, new Set((rl.resources ?? []).map((r) => r.name)));
      } catch (err) {
        const ce = toClusterError(err, `API discovery of ${group}/${version}`);
        if (ce.failure === 'unreachable' || ce.failure === 'unauthorized' || ce.failure === 'aborted') throw ce;
      }
    }
  }
  const kinds: DiscoveredKind[] = [];
  const missing: string[] = [];
  for (const info of FLUX_KINDS) {
    const served = (groups.get(info.group) ?? []).filter((v) => plurals.get(`${info.group}/${v}`)?.has(info.plural));
    if (served.length === 0) { missing.push(info.kind); continue; }
    kinds.push({ kind: info.kind, group: info.group, plural: info.plural, servedVersions: served, storedVersions: [], version: chooseVersion(info, served) });
  }
  return { kinds, missing, source: 'api-discovery' };
}
