/**
 * Hands the connected cluster's Flux CRDs to the language server (`fluxWorkbench/clusterSchemas`), so diagnostics,
 * completion and hover follow the cluster's exact schema. The CRDs are the ones the explorer's `flux check` already
 * read: no extra request. Disconnecting (or switching context) hands over an empty list or the new cluster's.
 */
import type { Ctx } from './ctx';

const METHOD = 'fluxWorkbench/clusterSchemas';

/** Subscribes to the session changes; returns the unsubscribe. */
export function startSchemaHandoff(ctx: Ctx): { dispose(): void } {
  let sent: unknown;
  const sync = (): void => {
    const session = ctx.phase === 'connected' ? ctx.current : undefined;
    const crds = session?.fluxCrds;
    const marker = crds && session ? crds : undefined;
    if (marker === sent) return;
    const delivered = ctx.lsp.notify(METHOD, session && crds
      ? { context: session.context, fluxVersion: session.check?.fluxVersion, crds }
      : { context: ctx.contextName ?? '', crds: [] });
    // Not running yet (or stopped): the next change tries again.
    if (delivered) sent = marker;
  };
  const sub = ctx.onDidChangeCluster(sync);
  return { dispose: () => sub.dispose() };
}
