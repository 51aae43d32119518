/**
 * The objects a HelmRelease installed, read from Helm's storage Secret
 * `sh.helm.release.v1.<release>.v<version>` (FLUX-FACTS §5). Only kind/name/namespace of the
 * manifest's objects leave this module: never the Secret, the values or the manifest text.
 */
import { gunzipSync } from 'node:zlib';
import { CoreV1Api } from '@kubernetes/client-node';
import { parseAllDocuments } from 'yaml';
import { type ClusterAccess, ClusterCallError, requestOptions, toClusterError } from './get';
import type { FluxObject } from './types';

/** Largest decompressed release accepted (Helm releases are at most ~1 MiB compressed). */
export const MAX_RELEASE_BYTES = 32 * 1024 * 1024;

export interface ManifestObjectRef {
  apiVersion: string;
  kind: string;
  name: string;
  /** As written in the manifest; empty when the manifest leaves it to the release namespace or the object is cluster-scoped. */
  namespace: string;
}

export interface HelmReleaseInfo {
  releaseName: string;
  releaseNamespace: string;
  version: number;
  status?: string;
  chartName?: string;
  chartVersion?: string;
  objects: ManifestObjectRef[];
}

export class HelmStorageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'HelmStorageError';
  }
}

export function storageSecretName(releaseName: string, version: number): string {
  return `sh.helm.release.v1.${releaseName}.v${version}`;
}

/**
 * Decodes `data.release` of a Helm storage Secret as the API returns it (base64 of Helm's own
 * base64 of optionally gzipped JSON). Throws HelmStorageError on malformed data.
 */
export function decodeRelease(apiData: string, maxBytes: number = MAX_RELEASE_BYTES): Record<string, unknown> {
  const helmB64 = Buffer.from(apiData, 'base64').toString('latin1');
  let raw = Buffer.from(helmB64, 'base64');
  if (raw.length >= 3 && raw[0] === 0x1f && raw[1] === 0x8b && raw[2] === 0x08) {
    try {
      raw = gunzipSync(raw, { maxOutputLength: maxBytes });
    } catch (err) {
      const code = (err as { code?: string }).code;
      throw new HelmStorageError(code === 'ERR_BUFFER_TOO_LARGE'
        ? `release data exceeds ${maxBytes} bytes when decompressed`
        : 'release data is not valid gzip');
    }
  }
  if (raw.length > maxBytes) throw new HelmStorageError(`release data exceeds ${maxBytes} bytes`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw.toString('utf8'));
  } catch {
    throw new HelmStorageError('release data is not Helm release JSON');
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new HelmStorageError('release data is not Helm release JSON');
  return parsed as Record<string, unknown>;
}

/** kind/name/namespace of every object in a rendered Helm manifest (multi-document YAML). */
export function manifestObjects(manifest: string): ManifestObjectRef[] {
  const out: ManifestObjectRef[] = [];
  for (const doc of parseAllDocuments(manifest, { uniqueKeys: false })) {
    let js: unknown;
    try { js = doc.toJS({ maxAliasCount: 100 }); } catch { continue; }
    if (!js || typeof js !== 'object' || Array.isArray(js)) continue;
    const o = js as { apiVersion?: unknown; kind?: unknown; metadata?: { name?: unknown; namespace?: unknown } };
    if (typeof o.kind !== 'string' || typeof o.metadata?.name !== 'string') continue;
    out.push({
      apiVersion: typeof o.apiVersion === 'string' ? o.apiVersion : '',
      kind: o.kind,
      name: o.metadata.name,
      namespace: typeof o.metadata.namespace === 'string' ? o.metadata.namespace : '',
    });
  }
  return out;
}

/** Summarises a decoded release; values and config are dropped. */
export function releaseInfo(release: Record<string, unknown>): HelmReleaseInfo {
  const info = (release.info ?? {}) as { status?: unknown };
  const chart = (release.chart ?? {}) as { metadata?: { name?: unknown; version?: unknown } };
  const manifest = typeof release.manifest === 'string' ? release.manifest : '';
  return {
    releaseName: typeof release.name === 'string' ? release.name : '',
    releaseNamespace: typeof release.namespace === 'string' ? release.namespace : '',
    version: typeof release.version === 'number' ? release.version : 0,
    status: typeof info.status === 'string' ? info.status : undefined,
    chartName: typeof chart.metadata?.name === 'string' ? chart.metadata.name : undefined,
    chartVersion: typeof chart.metadata?.version === 'string' ? chart.metadata.version : undefined,
    objects: manifestObjects(manifest),
  };
}

/**
 * Where a HelmRelease's Helm storage lives and the release it points to. The namespace is
 * `status.storageNamespace`, else `spec.storageNamespace`, else the HelmRelease's own namespace, as
 * helm-controller decides it (`spec.targetNamespace` is where the objects go, not the storage).
 */
export function storageLocation(hr: FluxObject): { namespace: string; releaseName: string; version?: number } {
  const st = (hr.status ?? {}) as { storageNamespace?: unknown; history?: unknown };
  const spec = (hr.spec ?? {}) as { storageNamespace?: unknown; targetNamespace?: unknown; releaseName?: unknown };
  const ns = hr.metadata.namespace ?? '';
  const namespace = [st.storageNamespace, spec.storageNamespace].find((v): v is string => typeof v === 'string' && v !== '') ?? ns;
  const latest = Array.isArray(st.history) ? (st.history[0] as { name?: unknown; version?: unknown } | undefined) : undefined;
  const target = typeof spec.targetNamespace === 'string' && spec.targetNamespace ? spec.targetNamespace : '';
  const releaseName = typeof latest?.name === 'string' && latest.name ? latest.name
    : typeof spec.releaseName === 'string' && spec.releaseName ? spec.releaseName
      : target ? `${target}-${hr.metadata.name}` : hr.metadata.name;
  const version = typeof latest?.version === 'number' ? latest.version : undefined;
  return { namespace, releaseName, version };
}

const coreClients = new WeakMap<object, CoreV1Api>();

/**
 * Decoded releases per connection, keyed by `<namespace>/<secret>` and valid for one
 * resourceVersion of the Secret: expanding a HelmRelease again (or a tree rebuild) does not decode,
 * gunzip and parse the release again. Only kind/name/namespace summaries are kept, never data.
 */
const releaseCache = new WeakMap<object, Map<string, { rv: string; info: HelmReleaseInfo }>>();
const RELEASE_CACHE_MAX = 500;

/** How many decodes the cache saved and did (for tests and the bench). */
export const helmStorageStats = { decoded: 0, cached: 0 };
function core(conn: ClusterAccess): CoreV1Api {
  let c = coreClients.get(conn.kubeConfig);
  if (!c) { c = conn.kubeConfig.makeApiClient(CoreV1Api); coreClients.set(conn.kubeConfig, c); }
  return c;
}

/**
 * Reads the latest Helm release of a HelmRelease from its storage Secret. The version comes from
 * status.history[0]; without history, the highest `version` label of the release's Secrets.
 */
export async function readHelmRelease(conn: ClusterAccess, hr: FluxObject): Promise<HelmReleaseInfo> {
  const loc = storageLocation(hr);
  const what = `HelmRelease ${hr.metadata.namespace ?? ''}/${hr.metadata.name}`;
  let version = loc.version;
  if (version === undefined) {
    try {
      const list = await core(conn).listNamespacedSecret(
        { namespace: loc.namespace, labelSelector: `owner=helm,name=${loc.releaseName}` }, requestOptions(conn));
      const versions = (list.items ?? []).map((s) => Number(s.metadata?.labels?.version)).filter((n) => Number.isInteger(n) && n > 0);
      if (versions.length > 0) version = Math.max(...versions);
    } catch (err) {
      throw toClusterError(err, `${what}: Helm storage in namespace ${loc.namespace}`);
    }
  }
  if (version === undefined) {
    throw new ClusterCallError('notfound', `${what}: no Helm release '${loc.releaseName}' found in namespace ${loc.namespace} (status.history is empty; the release was never installed)`);
  }
  const secretName = storageSecretName(loc.releaseName, version);
  let data: string | undefined;
  let rv = '';
  try {
    const secret = await core(conn).readNamespacedSecret({ namespace: loc.namespace, name: secretName }, requestOptions(conn));
    data = secret.data?.release;
    rv = secret.metadata?.resourceVersion ?? '';
  } catch (err) {
    const ce = toClusterError(err, `${what}: Secret ${loc.namespace}/${secretName}`);
    if (ce.failure === 'notfound') throw new ClusterCallError('notfound', `${what}: Helm storage Secret ${loc.namespace}/${secretName} not found`, 404);
    throw ce;
  }
  if (!data) throw new HelmStorageError(`${what}: Secret ${loc.namespace}/${secretName} has no data.release`);
  let cache = releaseCache.get(conn.kubeConfig);
  if (!cache) { cache = new Map(); releaseCache.set(conn.kubeConfig, cache); }
  const cacheKey = `${loc.namespace}/${secretName}`;
  const hit = cache.get(cacheKey);
  if (rv && hit && hit.rv === rv) { helmStorageStats.cached++; return hit.info; }
  try {
    const info = releaseInfo(decodeRelease(data));
    helmStorageStats.decoded++;
    if (rv) {
      if (cache.size >= RELEASE_CACHE_MAX) cache.delete(cache.keys().next().value as string);
      cache.set(cacheKey, { rv, info });
    }
    return info;
  } catch (err) {
    throw new HelmStorageError(`${what}: Secret ${loc.namespace}/${secretName}: ${(err as Error).message}`);
  }
}
