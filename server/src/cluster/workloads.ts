/**
 * Workloads under an inventory or a Helm release: Deployments, StatefulSets and DaemonSets with
 * ready/desired replicas and, for a failing one, why (image pull, crash loop, unschedulable...),
 * read lazily when the parent is expanded. Only replica counts and container state reasons and
 * messages leave this module: never env values, volumes or anything from Secrets.
 */
import { AppsV1Api, CoreV1Api, type V1LabelSelector, type V1Pod } from '@kubernetes/client-node';
import { type ClusterAccess, ClusterCallError, requestOptions, toClusterError } from './get';

export const WORKLOAD_KINDS: ReadonlySet<string> = new Set(['Deployment', 'StatefulSet', 'DaemonSet']);

export interface WorkloadRef { kind: string; name: string; namespace: string; group: string }

export interface WorkloadStatus {
  kind: string;
  name: string;
  namespace: string;
  ready: number;
  desired: number;
  state: 'ready' | 'progressing' | 'failing';
  /** Short reason for a workload that is not ready: `CrashLoopBackOff`, `ImagePullBackOff`, `Unschedulable`... */
  reason?: string;
  /** Container and message behind the reason (from the pod status, never its spec). */
  message?: string;
}

/** True for `apps/v1` Deployments, StatefulSets and DaemonSets. */
export function isWorkload(ref: { kind: string; group: string }): boolean {
  return ref.group === 'apps' && WORKLOAD_KINDS.has(ref.kind);
}

/** Container waiting/terminated reasons that mean "failing", not "starting". */
const FAILING_REASONS = new Set([
  'CrashLoopBackOff', 'ImagePullBackOff', 'ErrImagePull', 'InvalidImageName', 'CreateContainerConfigError',
  'CreateContainerError', 'RunContainerError', 'OOMKilled', 'Error', 'ErrImageNeverPull',
]);

/** Why a pod is not ready, from its status only. */
export function podProblem(pod: V1Pod): { reason: string; message: string } | undefined {
  const st = pod.status;
  const all = [...(st?.initContainerStatuses ?? []), ...(st?.containerStatuses ?? [])];
  for (const c of all) {
    const w = c.state?.waiting;
    if (w?.reason && FAILING_REASONS.has(w.reason)) {
      const last = c.lastState?.terminated;
      const extra = last?.reason ? ` (last exit: ${last.reason}${last.exitCode !== undefined ? `, code ${last.exitCode}` : ''})` : '';
      return { reason: w.reason, message: `container ${c.name}: ${w.message ?? w.reason}${extra}` };
    }
    const t = c.state?.terminated;
    if (t?.reason && FAILING_REASONS.has(t.reason)) return { reason: t.reason, message: `container ${c.name}: terminated (${t.reason}, exit code ${t.exitCode})` };
  }
  const sched = (st?.conditions ?? []).find((c) => c.type === 'PodScheduled' && c.status === 'False');
  if (sched) return { reason: sched.reason ?? 'Unschedulable', message: sched.message ?? 'the pod cannot be scheduled' };
  return undefined;
}

function selectorString(sel: V1LabelSelector | undefined): string | undefined {
  const m = sel?.matchLabels;
  if (!m || Object.keys(m).length === 0) return undefined;
  return Object.entries(m).map(([k, v]) => `${k}=${v}`).join(',');
}

const apiCache = new WeakMap<object, { apps: AppsV1Api; core: CoreV1Api }>();
function apis(conn: ClusterAccess): { apps: AppsV1Api; core: CoreV1Api } {
  let c = apiCache.get(conn.kubeConfig);
  if (!c) { c = { apps: conn.kubeConfig.makeApiClient(AppsV1Api), core: conn.kubeConfig.makeApiClient(CoreV1Api) }; apiCache.set(conn.kubeConfig, c); }
  return c;
}

/** Reads one workload and, when it is not ready, its pods' problems. Throws ClusterCallError. */
export async function workloadStatus(conn: ClusterAccess, ref: WorkloadRef): Promise<WorkloadStatus> {
  const { apps, core } = apis(conn);
  const what = `${ref.kind} ${ref.namespace}/${ref.name}`;
  const args = { name: ref.name, namespace: ref.namespace };
  let ready = 0;
  let desired = 0;
  let current = true;
  let selector: V1LabelSelector | undefined;
  try {
    if (ref.kind === 'Deployment') {
      const d = await apps.readNamespacedDeployment(args, requestOptions(conn));
      desired = d.spec?.replicas ?? 1;
      ready = d.status?.readyReplicas ?? 0;
      current = (d.status?.observedGeneration ?? 0) >= (d.metadata?.generation ?? 0) && (d.status?.updatedReplicas ?? 0) >= desired;
      selector = d.spec?.selector;
    } else if (ref.kind === 'StatefulSet') {
      const s = await apps.readNamespacedStatefulSet(args, requestOptions(conn));
      desired = s.spec?.replicas ?? 1;
      ready = s.status?.readyReplicas ?? 0;
      current = (s.status?.observedGeneration ?? 0) >= (s.metadata?.generation ?? 0);
      selector = s.spec?.selector;
    } else if (ref.kind === 'DaemonSet') {
      const s = await apps.readNamespacedDaemonSet(args, requestOptions(conn));
      desired = s.status?.desiredNumberScheduled ?? 0;
      ready = s.status?.numberReady ?? 0;
      current = (s.status?.observedGeneration ?? 0) >= (s.metadata?.generation ?? 0);
      selector = s.spec?.selector;
    } else {
      throw new ClusterCallError('invalid', `${what}: not a workload kind`);
    }
  } catch (err) {
    const ce = toClusterError(err, what);
    if (ce.failure === 'notfound') throw new ClusterCallError('notfound', `${what} not found`, 404);
    throw ce;
  }
  const base = { kind: ref.kind, name: ref.name, namespace: ref.namespace, ready, desired };
  if (ready >= desired && current) return { ...base, state: 'ready' };
  const labelSelector = selectorString(selector);
  if (labelSelector) {
    try {
      const pods = (await core.listNamespacedPod({ namespace: ref.namespace, labelSelector }, requestOptions(conn))).items ?? [];
      for (const p of pods) {
        const prob = podProblem(p);
        if (prob) return { ...base, state: 'failing', reason: prob.reason, message: `pod ${p.metadata?.name ?? ''}: ${prob.message}` };
      }
    } catch (err) {
      const ce = toClusterError(err, `pods of ${what}`);
      if (ce.failure === 'aborted' || ce.failure === 'unreachable' || ce.failure === 'unauthorized') throw ce;
      return { ...base, state: 'progressing', message: `${ready}/${desired} ready; pods not readable (${ce.message})` };
    }
  }
  return { ...base, state: 'progressing', message: `${ready}/${desired} ready${current ? '' : ', rollout in progress'}` };
}
