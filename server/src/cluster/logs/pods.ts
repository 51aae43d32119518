/**
 * The Flux controller pods (FLUX-FACTS §4): Deployments labelled `app.kubernetes.io/part-of=flux` in the
 * Flux namespace, one pod per Deployment (running and ready first, then the newest), container `manager`
 * when the pod has several.
 */
import { AppsV1Api, CoreV1Api, type V1Pod } from '@kubernetes/client-node';
import { type ClusterAccess, ClusterCallError, DEFAULT_FLUX_NAMESPACE, requestOptions, toClusterError } from '../get';

export interface ControllerPod {
  /** Deployment name, e.g. `kustomize-controller`. */
  controller: string;
  namespace: string;
  pod: string;
  container: string;
  /** Restart count of the container: a change means a restart (read `previous` logs first). */
  restarts: number;
  ready: boolean;
}

const api = new WeakMap<object, { apps: AppsV1Api; core: CoreV1Api }>();
function clients(conn: ClusterAccess): { apps: AppsV1Api; core: CoreV1Api } {
  let c = api.get(conn.kubeConfig);
  if (!c) { c = { apps: conn.kubeConfig.makeApiClient(AppsV1Api), core: conn.kubeConfig.makeApiClient(CoreV1Api) }; api.set(conn.kubeConfig, c); }
  return c;
}

function isReady(p: V1Pod): boolean {
  return p.status?.phase === 'Running' && (p.status.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');
}

function time(p: V1Pod): number {
  const t = p.metadata?.creationTimestamp;
  return t ? new Date(t as unknown as string).getTime() || 0 : 0;
}

/** Picks the pod to read for a Deployment: running and ready first, then the newest, then by name. */
export function pickPod(pods: readonly V1Pod[]): V1Pod | undefined {
  return [...pods].filter((p) => !p.metadata?.deletionTimestamp).sort((a, b) =>
    Number(isReady(b)) - Number(isReady(a)) || time(b) - time(a) || (a.metadata?.name ?? '').localeCompare(b.metadata?.name ?? ''))[0];
}

/** The container to read: `manager` when there are several. */
export function pickContainer(p: V1Pod): string {
  const names = (p.spec?.containers ?? []).map((c) => c.name);
  return names.length === 1 ? names[0] : names.includes('manager') ? 'manager' : names[0] ?? 'manager';
}

/**
 * Lists the controller pods, sorted by controller. `controllers` restricts to those Deployments (an unknown
 * name is an error naming the ones that exist).
 */
export async function controllerPods(conn: ClusterAccess, controllers?: readonly string[]): Promise<ControllerPod[]> {
  const namespace = conn.fluxNamespace ?? DEFAULT_FLUX_NAMESPACE;
  const c = clients(conn);
  let deps;
  try {
    deps = await c.apps.listNamespacedDeployment({ namespace, labelSelector: 'app.kubernetes.io/part-of=flux' }, requestOptions(conn));
  } catch (err) {
    throw toClusterError(err, `Flux controller Deployments in namespace ${namespace}`);
  }
  const all = (deps.items ?? []).map((d) => d.metadata?.name ?? '').filter(Boolean).sort();
  if (all.length === 0) throw new ClusterCallError('notfound', `controller logs: no Deployment labelled app.kubernetes.io/part-of=flux in namespace ${namespace}: is Flux installed there? (set the Flux namespace)`);
  const wanted = controllers && controllers.length ? controllers : all;
  const unknown = wanted.filter((w) => !all.includes(w));
  if (unknown.length) throw new ClusterCallError('invalid', `controller logs: unknown controller ${unknown.join(', ')}; the Flux controllers in ${namespace} are ${all.join(', ')}`);
  const out: ControllerPod[] = [];
  for (const d of deps.items ?? []) {
    const name = d.metadata?.name ?? '';
    if (!wanted.includes(name)) continue;
    const sel = Object.entries(d.spec?.selector?.matchLabels ?? {}).map(([k, v]) => `${k}=${v}`).join(',') || `app=${name}`;
    let pods;
    try {
      pods = await c.core.listNamespacedPod({ namespace, labelSelector: sel }, requestOptions(conn));
    } catch (err) {
      throw toClusterError(err, `pods of Deployment ${namespace}/${name}`);
    }
    const p = pickPod(pods.items ?? []);
    if (!p?.metadata?.name) continue;
    const container = pickContainer(p);
    const st = (p.status?.containerStatuses ?? []).find((s) => s.name === container);
    out.push({ controller: name, namespace, pod: p.metadata.name, container, restarts: st?.restartCount ?? 0, ready: isReady(p) });
  }
  return out.sort((a, b) => a.controller.localeCompare(b.controller));
}
