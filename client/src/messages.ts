/**
 * User-facing messages for command results and cluster errors. Pure.
 */
import type { ActionResult } from '../../server/src/cluster/actions';
import type { Explanation } from '../../server/src/cluster/explain';
import type { ClusterFailure } from '../../server/src/cluster/get';

export interface UserMessage { level: 'info' | 'warning' | 'error'; text: string }

/** One message for a reconcile/suspend/resume result; failures carry the field and fix when known. */
export function actionMessage(r: ActionResult, why?: Explanation): UserMessage {
  switch (r.outcome) {
    case 'success':
      return { level: r.noop ? 'warning' : 'info', text: r.message };
    case 'cancelled':
      return { level: 'warning', text: r.message };
    default: {
      const hint = why && why.state !== 'ready' ? ` ${why.field ? `Check ${why.field}: ` : ''}${why.fix}` : '';
      return { level: 'error', text: `${r.message}${hint}` };
    }
  }
}

const FIX: Record<string, string> = {
  unreachable: 'Check that the cluster is running and the kubeconfig/context is right (Flux: Select Context).',
  unauthorized: 'Refresh the credentials of the kubeconfig user (log in again), or select another context.',
  forbidden: 'Ask for RBAC permission for this resource, or select another context.',
  notfound: 'It may have been deleted; refresh the Flux view.',
  conflict: 'The object changed meanwhile; try again.',
  invalid: 'The API server rejected the request.',
};

/** Duck-typed ClusterCallError check, so this module does not load the Kubernetes client. */
export function isClusterError(err: unknown): err is Error & { failure: ClusterFailure } {
  return err instanceof Error && err.name === 'ClusterCallError' && typeof (err as { failure?: unknown }).failure === 'string';
}

/** A message for any error thrown by a cluster call, with the fix for its failure class. */
export function errorMessage(err: unknown, what?: string): UserMessage {
  if (isClusterError(err)) {
    if (err.failure === 'aborted') return { level: 'warning', text: err.message };
    const fix = FIX[err.failure];
    return { level: 'error', text: fix ? `${err.message}. ${fix}` : err.message };
  }
  const msg = err instanceof Error ? err.message : String(err);
  return { level: 'error', text: what ? `${what}: ${msg}` : msg };
}
