/**
 * Everything the client needs from the cluster core that loads @kubernetes/client-node. The
 * extension imports this module with `import()` only when the Flux view opens or a cluster
 * command runs, so YAML editing never pays for loading the Kubernetes client.
 */
import type { KubeConfig, V1CustomResourceDefinition } from '@kubernetes/client-node';
import { checkFlux, type FluxCheck } from '../../../server/src/cluster/check';
import { ClusterConnection } from '../../../server/src/cluster/connection';
import { listContexts, loadKubeConfig, type KubeContextInfo } from '../../../server/src/cluster/kubeconfig';
import { FluxWatchCache } from '../../../server/src/cluster/watch-cache';
import type { FluxSettings } from '../settings';

export { reconcile, resume, suspend } from '../../../server/src/cluster/actions';
export { checkFlux, formatCheck } from '../../../server/src/cluster/check';
export { describe } from '../../../server/src/cluster/describe';
export { listEvents } from '../../../server/src/cluster/events';
export { explain, formatExplanation } from '../../../server/src/cluster/explain';
export { getObject } from '../../../server/src/cluster/get';
export { buildExplorerTree, connectionLine, loadChildren, nodeContext } from '../../../server/src/cluster/explorer-model';
export { formatTrace, trace } from '../../../server/src/cluster/trace';
export { LogTail } from '../../../server/src/cluster/logs/tail';
export { controllerPods } from '../../../server/src/cluster/logs/pods';
export { renderLogEntry } from '../../../server/src/cluster/logs/parse';
export { logTargetFor } from '../../../server/src/cluster/logs/target';
export { decryptCheck, formatDecryptReport } from '../../../server/src/cluster/decrypt';

/** The merged kubeconfig for the settings and $KUBECONFIG, and its contexts. Throws ClusterCallError. */
export function openKubeConfig(s: FluxSettings, env: string | undefined): { kubeConfig: KubeConfig; contexts: KubeContextInfo[] } {
  const kubeConfig = loadKubeConfig({ paths: s.kubeconfig ? [s.kubeconfig] : undefined, env: s.kubeconfig ? undefined : env });
  return { kubeConfig, contexts: listContexts(kubeConfig) };
}

/**
 * What a context's connection is made of in a kubeconfig (its context, cluster and user entries):
 * when Refresh re-reads the files and this changed (a rotated token, a new server URL), the
 * session is rebuilt. Compared, never shown: it holds credentials.
 */
export function contextFingerprint(kc: KubeConfig, context: string): string {
  const ctx = kc.getContextObject(context);
  if (!ctx) return '';
  return JSON.stringify([ctx, kc.getCluster(ctx.cluster) ?? null, kc.getUser(ctx.user) ?? null]);
}

/** One context's connection, watch cache and last `flux check`. Disposing it stops everything. */
export class ClusterSession {
  readonly conn: ClusterConnection;
  readonly cache: FluxWatchCache;
  check?: FluxCheck;
  checkError?: string;
  /** The Flux CRDs the last check read (handed to the language server as the schema source). */
  fluxCrds?: V1CustomResourceDefinition[];
  private disposed = false;

  /** Throws ClusterCallError when the context does not exist. */
  /** {@link contextFingerprint} of the kubeconfig the session was built from. */
  readonly fingerprint: string;

  constructor(kubeConfig: KubeConfig, readonly context: string, s: FluxSettings) {
    this.conn = new ClusterConnection({ kubeConfig, context, fluxNamespace: s.fluxNamespace, requestTimeoutMs: s.requestTimeoutMs });
    this.cache = new FluxWatchCache(this.conn);
    this.fingerprint = contextFingerprint(kubeConfig, context);
  }

  get isDisposed(): boolean { return this.disposed; }

  /** Lists every kind (watching afterwards) and runs the Flux check. */
  async start(): Promise<void> {
    await Promise.all([this.cache.start(), this.refreshCheck()]);
  }

  /** Re-runs the Flux check; failures are kept as checkError, never thrown. */
  async refreshCheck(): Promise<void> {
    try {
      let crds: V1CustomResourceDefinition[] | undefined;
      const check = await checkFlux(this.conn, { onCrds: (all) => { crds = all.filter((c) => (c.spec?.group ?? '').endsWith('fluxcd.io')); } });
      if (!this.disposed) { this.check = check; this.checkError = undefined; this.fluxCrds = crds; }
    } catch (err) {
      if (!this.disposed) this.checkError = err instanceof Error ? err.message : String(err);
    }
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.cache.dispose();
    this.conn.dispose();
  }
}
