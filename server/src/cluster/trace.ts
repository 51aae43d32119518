/**
 * `flux trace` (FLUX-FACTS §5, flux2 cmd/flux/trace.go): from any in-cluster object, follow
 * `ownerReferences` up to an object labelled `kustomize.toolkit.fluxcd.io/name` + `/namespace`
 * (or the helm.toolkit.fluxcd.io pair), then show that Flux object and its source chain, each with
 * its status. Kustomization labels are tried first, then Helm's, as the CLI does.
 */
import { KubernetesObjectApi, type KubernetesObject } from '@kubernetes/client-node';
import { findKind } from '../engine/kinds';
import { sourceKeyOf } from './actions';
import { type ClusterAccess, ClusterCallError, getObject, toClusterError } from './get';
import { findCondition, rawRevision, truncateHex } from './status';
import type { FluxObject, ObjectKey } from './types';

/** A Kubernetes object as trace reads it (any kind). */
export interface TraceRef { apiVersion: string; kind: string; name: string; namespace: string }

export interface TraceResult {
  /** The object asked about. */
  object: TraceRef;
  /** The owners walked through, nearest first (ReplicaSet, Deployment...), ending at the object carrying the Flux labels. */
  owners: TraceRef[];
  /** The Kustomization or HelmRelease that applied it; undefined when not managed by Flux. */
  manager?: FluxObject;
  /** The manager's source chain: a Kustomization's source; a HelmRelease's HelmChart then the chart's source (or its chartRef). */
  sources: FluxObject[];
  /** Sources that could not be read (missing, forbidden), one line each. */
  problems: string[];
}

/** API versions of the built-in kinds people trace, with kubectl's short names. */
const BUILTIN: Record<string, { apiVersion: string; kind: string }> = {};
for (const [apiVersion, kind, ...aliases] of [
  ['apps/v1', 'Deployment', 'deploy', 'deployments'], ['apps/v1', 'StatefulSet', 'sts', 'statefulsets'],
  ['apps/v1', 'DaemonSet', 'ds', 'daemonsets'], ['apps/v1', 'ReplicaSet', 'rs', 'replicasets'],
  ['v1', 'Pod', 'po', 'pods'], ['v1', 'Service', 'svc', 'services'], ['v1', 'ConfigMap', 'cm', 'configmaps'],
  ['v1', 'Secret', 'secrets'], ['v1', 'ServiceAccount', 'sa', 'serviceaccounts'], ['v1', 'Namespace', 'ns', 'namespaces'],
  ['v1', 'PersistentVolumeClaim', 'pvc', 'persistentvolumeclaims'], ['batch/v1', 'Job', 'jobs'], ['batch/v1', 'CronJob', 'cj', 'cronjobs'],
  ['networking.k8s.io/v1', 'Ingress', 'ing', 'ingresses'], ['rbac.authorization.k8s.io/v1', 'Role', 'roles'],
  ['rbac.authorization.k8s.io/v1', 'RoleBinding', 'rolebindings'], ['rbac.authorization.k8s.io/v1', 'ClusterRole', 'clusterroles'],
  ['rbac.authorization.k8s.io/v1', 'ClusterRoleBinding', 'clusterrolebindings'],
] as const) {
  const t = { apiVersion, kind };
  BUILTIN[kind.toLowerCase()] = t;
  for (const a of aliases) BUILTIN[a] = t;
}

/**
 * The apiVersion and kind for a kind word (`deployment`, `deploy`, `helmrelease`, `hr`...) and an
 * optional explicit apiVersion. Throws 'invalid' when the kind is unknown and no apiVersion is given.
 */
export function resolveTraceKind(word: string, apiVersion?: string, fluxKind?: (w: string) => string | undefined): { apiVersion: string; kind: string } {
  const w = word.toLowerCase();
  const flux = fluxKind?.(w);
  const fluxInfo = flux ? findKind(flux) : undefined;
  if (apiVersion) {
    const kind = fluxInfo?.kind ?? BUILTIN[w]?.kind ?? word;
    return { apiVersion, kind };
  }
  if (fluxInfo) return { apiVersion: `${fluxInfo.group}/${fluxInfo.current}`, kind: fluxInfo.kind };
  const b = BUILTIN[w];
  if (b) return b;
  throw new ClusterCallError('invalid', `unknown kind '${word}': pass --api-version (e.g. --api-version apps/v1) with the exact Kind`);
}

const MAX_OWNER_DEPTH = 10;
const KS_GROUP = 'kustomize.toolkit.fluxcd.io';
const HR_GROUP = 'helm.toolkit.fluxcd.io';

function managedBy(o: KubernetesObject, group: string): { name: string; namespace: string } | undefined {
  const labels = o.metadata?.labels ?? {};
  const name = labels[`${group}/name`];
  return name ? { name, namespace: labels[`${group}/namespace`] ?? '' } : undefined;
}

function refOf(o: KubernetesObject, fallback: TraceRef): TraceRef {
  return { apiVersion: o.apiVersion ?? fallback.apiVersion, kind: o.kind ?? fallback.kind, name: o.metadata?.name ?? fallback.name, namespace: o.metadata?.namespace ?? fallback.namespace };
}

/** Reads any object (resource resolved through API discovery), bounded by the connection's request timeout. */
async function readAny(conn: ClusterAccess, ref: TraceRef): Promise<KubernetesObject> {
  const api = conn.kubeConfig.makeApiClient(KubernetesObjectApi);
  const what = `${ref.kind} ${ref.namespace ? `${ref.namespace}/` : ''}${ref.name}`;
  const timeoutMs = conn.requestTimeoutMs ?? 30_000;
  let timer: NodeJS.Timeout | undefined;
  try {
    const read = api.read({ apiVersion: ref.apiVersion, kind: ref.kind, metadata: { name: ref.name, ...(ref.namespace ? { namespace: ref.namespace } : {}) } });
    const timeout = new Promise<never>((_, reject) => { timer = setTimeout(() => reject(Object.assign(new Error('timeout'), { name: 'TimeoutError' })), timeoutMs); });
    return await Promise.race([read, timeout]);
  } catch (err) {
    const msg = err instanceof Error ? err.message : '';
    if (/Unrecognized API version and kind|Failed to fetch resource metadata/.test(msg) && !/ECONNREFUSED|fetch failed/.test(msg)) {
      throw new ClusterCallError('notfound', `${what}: the API server does not serve ${ref.kind} in ${ref.apiVersion}`);
    }
    const ce = toClusterError(err, what);
    if (ce.failure === 'notfound') throw new ClusterCallError('notfound', `${what} not found`, 404);
    throw ce;
  } finally {
    if (timer) clearTimeout(timer);
  }
}

/** Walks owner references (same namespace) until an object carries the group's Flux labels. */
async function findManager(conn: ClusterAccess, obj: KubernetesObject, self: TraceRef, group: string, owners: TraceRef[], depth = 0): Promise<{ name: string; namespace: string } | undefined> {
  const m = managedBy(obj, group);
  if (m) return m;
  if (depth >= MAX_OWNER_DEPTH) return undefined;
  for (const o of obj.metadata?.ownerReferences ?? []) {
    const ref: TraceRef = { apiVersion: o.apiVersion, kind: o.kind, name: o.name, namespace: self.namespace };
    let owner: KubernetesObject;
    try { owner = await readAny(conn, ref); } catch (err) {
      if (err instanceof ClusterCallError && (err.failure === 'notfound' || err.failure === 'forbidden')) continue;
      throw err;
    }
    owners.push(refOf(owner, ref));
    const found = await findManager(conn, owner, ref, group, owners, depth + 1);
    if (found) return found;
    owners.pop();
  }
  return undefined;
}

function namespacedName(s: unknown): ObjectKey | undefined {
  if (typeof s !== 'string' || !s.includes('/')) return undefined;
  const [namespace, name] = s.split('/', 2);
  return namespace && name ? { kind: 'HelmChart', namespace, name } : undefined;
}

/** The source chain of a Kustomization or HelmRelease (missing ones reported in `problems`). */
async function sourcesOf(conn: ClusterAccess, manager: FluxObject, problems: string[]): Promise<FluxObject[]> {
  const keys: ObjectKey[] = [];
  if (manager.kind === 'HelmRelease') {
    const chart = namespacedName(manager.status?.helmChart) ?? sourceKeyOf(manager);
    if (chart) keys.push(chart);
  } else {
    const src = sourceKeyOf(manager);
    if (src) keys.push(src);
  }
  const out: FluxObject[] = [];
  for (let i = 0; i < keys.length && i < 4; i++) {
    const key = keys[i]!;
    if (!findKind(key.kind)) { problems.push(`${key.kind} ${key.namespace}/${key.name}: not a Flux source kind`); continue; }
    try {
      const o = await getObject(conn, key);
      out.push(o);
      if (o.kind === 'HelmChart') {
        const r = o.spec?.sourceRef as { kind?: string; name?: string } | undefined;
        if (r?.kind && r.name) keys.push({ kind: r.kind, name: r.name, namespace: o.metadata.namespace ?? '' });
      }
    } catch (err) {
      if (!(err instanceof ClusterCallError && (err.failure === 'notfound' || err.failure === 'forbidden'))) throw err;
      problems.push(err.message);
    }
  }
  return out;
}

/** Traces one object. Throws ClusterCallError when the object itself cannot be read. */
export async function trace(conn: ClusterAccess, target: TraceRef): Promise<TraceResult> {
  const obj = await readAny(conn, target);
  const self = refOf(obj, target);
  for (const group of [KS_GROUP, HR_GROUP]) {
    const owners: TraceRef[] = [];
    const m = await findManager(conn, obj, self, group, owners);
    if (!m) continue;
    const kind = group === KS_GROUP ? 'Kustomization' : 'HelmRelease';
    const problems: string[] = [];
    const manager = await getObject(conn, { kind, name: m.name, namespace: m.namespace });
    return { object: self, owners, manager, sources: await sourcesOf(conn, manager, problems), problems };
  }
  return { object: self, owners: [], sources: [], problems: [] };
}

function statusLines(o: FluxObject, w: number): string[] {
  const ready = findCondition(o, 'Ready');
  const label = (s: string): string => s.padEnd(w);
  if (o.spec?.suspend === true) return [`${label('Status:')}Suspended`];
  if (!ready) return [`${label('Status:')}Unknown`];
  const when = ready.lastTransitionTime ?? 'an unknown time';
  return [
    `${label('Status:')}${ready.status === 'False' ? `Last reconciliation failed at ${when}` : ready.status === 'True' ? `Last reconciled at ${when}` : `Reconciling since ${when}`}`,
    `${label('Message:')}${truncateHex(ready.message ?? '')}`,
  ];
}

function str(v: unknown): string { return typeof v === 'string' ? v : ''; }

/** Text report like `flux trace`: the object, then one block per Flux object separated by `---`. */
export function formatTrace(r: TraceResult): string {
  const w = 16;
  const l = (k: string, v: string): string => `${`${k}:`.padEnd(w)}${v}`;
  const lines: string[] = [l('Object', `${r.object.kind}/${r.object.name}`)];
  if (r.object.namespace) lines.push(l('Namespace', r.object.namespace));
  if (!r.manager) {
    lines.push(l('Status', 'Not managed by Flux (no kustomize.toolkit.fluxcd.io or helm.toolkit.fluxcd.io labels on it or its owners)'));
    return lines.join('\n') + '\n';
  }
  lines.push(l('Status', 'Managed by Flux'));
  if (r.owners.length > 0) lines.push(l('Owners', r.owners.map((o) => `${o.kind}/${o.name}`).join(' → ')));
  for (const o of [r.manager, ...r.sources]) {
    const spec = (o.spec ?? {}) as Record<string, unknown>;
    lines.push('---', l(o.kind, o.metadata.name), l('Namespace', o.metadata.namespace ?? ''));
    if (str(spec.targetNamespace)) lines.push(l('Target', str(spec.targetNamespace)));
    if (o.kind === 'Kustomization') lines.push(l('Path', str(spec.path) || './'));
    if (o.kind === 'HelmChart') lines.push(l('Chart', str(spec.chart)), l('Version', str(spec.version) || '*'));
    if (str(spec.url)) lines.push(l('URL', str(spec.url)));
    const ref = (spec.ref ?? {}) as Record<string, unknown>;
    if (str(ref.tag)) lines.push(l('Tag', str(ref.tag)));
    else if (str(ref.semver)) lines.push(l('Tag', str(ref.semver)));
    else if (str(ref.digest)) lines.push(l('Digest', str(ref.digest)));
    else if (str(ref.branch)) lines.push(l('Branch', str(ref.branch)));
    const rev = rawRevision(o);
    if (rev) lines.push(l('Revision', rev));
    lines.push(...statusLines(o, w));
  }
  for (const p of r.problems) lines.push('---', l('Problem', p));
  return lines.join('\n') + '\n';
}

