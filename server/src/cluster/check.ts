/**
 * Flux health like `flux check` (FLUX-FACTS §5): controller Deployments labelled
 * `app.kubernetes.io/part-of=flux` in the Flux namespace must be ready; the Flux version is the
 * `app.kubernetes.io/version` label of the gitrepositories CRD; each Flux CRD's stored versions.
 */
import { ApiextensionsV1Api, AppsV1Api, type V1CustomResourceDefinition, type V1Deployment } from '@kubernetes/client-node';
import { FLUX_KINDS, qualifiedResource } from '../engine/kinds';
import { type ClusterAccess, DEFAULT_FLUX_NAMESPACE, requestOptions, toClusterError } from './get';

export interface ControllerStatus {
  name: string;
  ready: boolean;
  desired: number;
  readyReplicas: number;
  /** Image of the `manager` container (or the first), e.g. `ghcr.io/fluxcd/source-controller:v1.6.0`. */
  image?: string;
  /** Why it is not ready. */
  message?: string;
}

export interface CrdStatus {
  /** Fully qualified name, e.g. `gitrepositories.source.toolkit.fluxcd.io`. */
  name: string;
  kind: string;
  storedVersions: string[];
  servedVersions: string[];
}

export interface MissingCrd {
  name: string;
  kind: string;
  /** True when the controller that reconciles the kind is installed, so the CRD must be there. */
  required: boolean;
}

export interface FluxCheck {
  ok: boolean;
  namespace: string;
  fluxVersion?: string;
  controllers: ControllerStatus[];
  crds: CrdStatus[];
  missingCrds: MissingCrd[];
  problems: string[];
  /** One line for a status bar. */
  summary: string;
}

export const PART_OF_FLUX = 'app.kubernetes.io/part-of=flux';
const VERSION_LABEL = 'app.kubernetes.io/version';

/** kstatus-like readiness of a Deployment: current generation observed and all replicas updated, ready and available. */
export function deploymentStatus(d: V1Deployment): ControllerStatus {
  const name = d.metadata?.name ?? '';
  const desired = d.spec?.replicas ?? 1;
  const st = d.status ?? {};
  const readyReplicas = st.readyReplicas ?? 0;
  const containers = d.spec?.template?.spec?.containers ?? [];
  const image = (containers.find((c) => c.name === 'manager') ?? containers[0])?.image;
  let message: string | undefined;
  if (d.metadata?.generation !== undefined && (st.observedGeneration ?? 0) < d.metadata.generation) {
    message = 'rollout in progress (new generation not observed yet)';
  } else if ((st.updatedReplicas ?? 0) < desired) {
    message = `${st.updatedReplicas ?? 0}/${desired} replicas updated`;
  } else if (readyReplicas < desired || (st.availableReplicas ?? 0) < desired) {
    message = `${readyReplicas}/${desired} replicas ready`;
  }
  const unavailable = (st.conditions ?? []).find((c) => c.type === 'Available' && c.status === 'False');
  if (!message && unavailable) message = unavailable.message ?? 'Deployment is not available';
  return { name, ready: message === undefined, desired, readyReplicas, image, message };
}

export function crdStatus(crd: V1CustomResourceDefinition): CrdStatus {
  return {
    name: crd.metadata?.name ?? '',
    kind: crd.spec?.names?.kind ?? '',
    storedVersions: crd.status?.storedVersions ?? [],
    servedVersions: (crd.spec?.versions ?? []).filter((v) => v.served).map((v) => v.name),
  };
}

/** Summarises controllers and CRDs into a FluxCheck (pure; exported for tests and the explorer). */
export function summarize(namespace: string, deployments: V1Deployment[], crds: V1CustomResourceDefinition[]): FluxCheck {
  const controllers = deployments.map(deploymentStatus).sort((a, b) => a.name.localeCompare(b.name));
  const byName = new Map(crds.map((c) => [c.metadata?.name ?? '', c]));
  const fluxVersion = byName.get('gitrepositories.source.toolkit.fluxcd.io')?.metadata?.labels?.[VERSION_LABEL];
  const installed = new Set(controllers.map((c) => c.name));
  const crdStatuses: CrdStatus[] = [];
  const missingCrds: MissingCrd[] = [];
  for (const k of FLUX_KINDS) {
    const name = qualifiedResource(k);
    const crd = byName.get(name);
    if (crd) crdStatuses.push(crdStatus(crd));
    else missingCrds.push({ name, kind: k.kind, required: installed.has(k.controller) });
  }
  const problems: string[] = [];
  if (controllers.length === 0) problems.push(`no Deployment labelled ${PART_OF_FLUX} in namespace ${namespace}: Flux is not installed there (use --flux-namespace if it runs elsewhere)`);
  for (const c of controllers) if (!c.ready) problems.push(`Deployment ${namespace}/${c.name} is not ready: ${c.message}`);
  for (const m of missingCrds) if (m.required) problems.push(`CRD ${m.name} is missing although ${FLUX_KINDS.find((k) => k.kind === m.kind)?.controller} is installed: reinstall or upgrade Flux`);
  if (controllers.length > 0 && !fluxVersion) problems.push('CRD gitrepositories.source.toolkit.fluxcd.io has no app.kubernetes.io/version label: Flux version unknown');
  const ok = controllers.length > 0 && controllers.every((c) => c.ready) && !missingCrds.some((m) => m.required);
  const version = fluxVersion ? `Flux ${fluxVersion}` : 'Flux';
  const notReady = controllers.filter((c) => !c.ready);
  const summary = controllers.length === 0
    ? `Flux not found in ${namespace}`
    : notReady.length > 0
      ? `${version}: ${notReady.length}/${controllers.length} controllers not ready (${notReady.map((c) => c.name).join(', ')})`
      : ok ? `${version}: ${controllers.length}/${controllers.length} controllers ready` : `${version}: CRDs missing`;
  return { ok, namespace, fluxVersion, controllers, crds: crdStatuses, missingCrds, problems, summary };
}

const clientCache = new WeakMap<object, { apps: AppsV1Api; ext: ApiextensionsV1Api }>();
function apis(conn: ClusterAccess): { apps: AppsV1Api; ext: ApiextensionsV1Api } {
  let c = clientCache.get(conn.kubeConfig);
  if (!c) {
    c = { apps: conn.kubeConfig.makeApiClient(AppsV1Api), ext: conn.kubeConfig.makeApiClient(ApiextensionsV1Api) };
    clientCache.set(conn.kubeConfig, c);
  }
  return c;
}

/**
 * Reads the controllers and CRDs and returns the check result. `onCrds` receives the CRD list read for it, so a
 * caller (the explorer's schema hand-over) needs no second request.
 */
export async function checkFlux(conn: ClusterAccess, onCrds?: (crds: V1CustomResourceDefinition[]) => void): Promise<FluxCheck> {
  const namespace = conn.fluxNamespace ?? DEFAULT_FLUX_NAMESPACE;
  const c = apis(conn);
  let deployments: V1Deployment[];
  try {
    deployments = (await c.apps.listNamespacedDeployment({ namespace, labelSelector: PART_OF_FLUX }, requestOptions(conn))).items ?? [];
  } catch (err) {
    throw toClusterError(err, `Deployments in namespace ${namespace}`);
  }
  let crds: V1CustomResourceDefinition[];
  try {
    crds = (await c.ext.listCustomResourceDefinition({}, requestOptions(conn))).items ?? [];
  } catch (err) {
    throw toClusterError(err, 'CustomResourceDefinitions');
  }
  onCrds?.(crds);
  return summarize(namespace, deployments, crds);
}

/** Text report, one line per controller and CRD. */
export function formatCheck(r: FluxCheck): string {
  const lines: string[] = [];
  lines.push(`► checking Flux in namespace ${r.namespace}`);
  lines.push(r.fluxVersion ? `✔ distribution: flux-${r.fluxVersion}` : '✗ distribution: unknown Flux version');
  for (const c of r.controllers) {
    lines.push(`${c.ready ? '✔' : '✗'} ${c.name}: ${c.ready ? 'deployment ready' : c.message}${c.image ? ` (${c.image})` : ''}`);
  }
  for (const crd of r.crds) lines.push(`✔ ${crd.name}: stored versions ${crd.storedVersions.join(', ') || 'none'}`);
  for (const m of r.missingCrds) lines.push(`${m.required ? '✗' : '-'} ${m.name}: not installed`);
  for (const p of r.problems) lines.push(`✗ ${p}`);
  lines.push(r.ok ? `✔ all checks passed: ${r.summary}` : `✗ checks failed: ${r.summary}`);
  return lines.join('\n') + '\n';
}
