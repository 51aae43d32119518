/**
 * A connection to one kubeconfig context: an in-memory KubeConfig copy with the chosen context
 * (the user's file is never rewritten), the Flux namespace, a request timeout and an
 * AbortController that cancels every request started through it when disposed.
 */
import type { KubeConfig } from '@kubernetes/client-node';
import { type ClusterAccess, ClusterCallError, DEFAULT_FLUX_NAMESPACE } from './get';
import { contextNamespace, withContext } from './kubeconfig';

/** Options of {@link ClusterConnection}. */
export interface ClusterConnectionOptions {
  /** The merged kubeconfig (from `loadKubeConfig`); it is copied, never modified. */
  kubeConfig: KubeConfig;
  /** Context to use; default the kubeconfig's current context. */
  context?: string;
  /** Namespace of the Flux controllers (default `flux-system`). */
  fluxNamespace?: string;
  /** Per-request timeout in ms (default 30 s). */
  requestTimeoutMs?: number;
}

let nextConnectionId = 1;

/**
 * One cluster connection. Implements {@link ClusterAccess}, so every cluster function accepts it.
 * `dispose()` aborts all requests in flight; a disposed connection must not be reused (create a
 * new one on a context switch).
 */
export class ClusterConnection implements ClusterAccess {
  /** The KubeConfig copy whose current context is {@link contextName}. */
  readonly kubeConfig: KubeConfig;
  /** The context this connection talks to. */
  readonly contextName: string;
  /** The namespace of the Flux controllers. */
  readonly fluxNamespace: string;
  readonly requestTimeoutMs?: number;
  /** A process-unique number: lets callers drop results of an older connection. */
  readonly id: number;
  private readonly abort = new AbortController();

  /** Throws ClusterCallError ('invalid') when the context does not exist or the kubeconfig has none. */
  constructor(opts: ClusterConnectionOptions) {
    const context = opts.context || opts.kubeConfig.getCurrentContext();
    if (!context) throw new ClusterCallError('invalid', 'the kubeconfig has no current context: pick a context (Flux: Select Context, or --context)');
    this.kubeConfig = withContext(opts.kubeConfig, context);
    this.contextName = context;
    this.fluxNamespace = opts.fluxNamespace || DEFAULT_FLUX_NAMESPACE;
    if (opts.requestTimeoutMs !== undefined) this.requestTimeoutMs = opts.requestTimeoutMs;
    this.id = nextConnectionId++;
  }

  /** Aborted by {@link dispose}. */
  get signal(): AbortSignal { return this.abort.signal; }

  /** True after {@link dispose}. */
  get disposed(): boolean { return this.abort.signal.aborted; }

  /** The context's default namespace (`default` when it sets none). */
  get contextNamespace(): string { return contextNamespace(this.kubeConfig); }

  /** The API server URL of the context. */
  get server(): string { return this.kubeConfig.getCurrentCluster()?.server ?? ''; }

  /** Cancels every request in flight. Idempotent. */
  dispose(): void {
    if (!this.abort.signal.aborted) this.abort.abort();
  }
}
