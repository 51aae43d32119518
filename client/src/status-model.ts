/**
 * Text of the status-bar item: `$(cloud) <context>` plus a Flux health summary. Pure.
 */
import type { FluxCheck } from '../../server/src/cluster/check';
import type { ExplorerIcon } from '../../server/src/cluster/explorer-model';
import { connectionLine } from '../../server/src/cluster/presentation';
import type { ConnectionState } from '../../server/src/cluster/watch-cache';

export type ClusterPhase = 'none' | 'connecting' | 'connected' | 'error';

export interface StatusInput {
  phase: ClusterPhase;
  context?: string;
  check?: FluxCheck;
  /** Flux objects that are failing or stalled in the cache. */
  failing: number;
  /** The connection or check error, when any. */
  error?: string;
  /** The watch cache's connection state: a lost connection or rejected credentials is shown, never a stale ✓. */
  connection?: ConnectionState;
  /** Every watched cluster when there are several ("Add Cluster"). */
  clusters?: ClusterSummary[];
  /** Clock (default now). */
  now?: number;
}

/** One cluster's line in the status bar and its tree root. */
export interface ClusterSummary { context: string; ok: boolean; description: string; tooltip: string; icon: ExplorerIcon }

/** A cluster's health in one line: connection problems first, then the Flux check. */
export function clusterSummary(context: string, connection: ConnectionState | undefined, check: FluxCheck | undefined, now: number = Date.now()): ClusterSummary {
  const line = connection ? connectionLine(connection, now) : undefined;
  if (line) return { context, ok: false, description: line, tooltip: `${context}: ${line}`, icon: connection?.state === 'unauthorized' ? 'unauthorized' : 'disconnected' };
  if (!check) return { context, ok: true, description: 'checking Flux…', tooltip: `${context}: checking Flux…`, icon: 'cluster' };
  const total = check.controllers.length;
  const ready = check.controllers.filter((c) => c.ready).length;
  const ok = check.ok && total > 0;
  return { context, ok, description: total === 0 ? 'no Flux' : `${ready === total ? '✓' : '✗'} ${ready}/${total}`, tooltip: `${context}: ${check.summary}`, icon: ok ? 'cluster' : 'failing' };
}

export interface StatusText { text: string; tooltip: string; warning: boolean }

export function statusText(s: StatusInput): StatusText {
  if (s.clusters && s.clusters.length > 1) {
    // One summary for every watched cluster: "3 clusters ✓ 2 ⊗ 1".
    const good = s.clusters.filter((c) => c.ok).length;
    const bad = s.clusters.length - good;
    return {
      text: `$(cloud) ${s.clusters.length} clusters ✓ ${good}${bad ? ` ⊗ ${bad}` : ''}${s.failing > 0 ? ` $(error) ${s.failing}` : ''}`,
      tooltip: [...s.clusters.map((c) => `${c.ok ? '✓' : '⊗'} ${c.context}: ${c.description}`), ...(s.failing > 0 ? [`${s.failing} Flux objects failing`] : []), 'Click to switch the current context'].join('\n'),
      warning: bad > 0 || s.failing > 0,
    };
  }
  if (s.phase === 'none' || !s.context) {
    return { text: '$(cloud) Flux: no context', tooltip: 'Flux Workbench: select a Kubernetes context', warning: false };
  }
  const base = `$(cloud) ${s.context}`;
  if (s.phase === 'connecting') return { text: `${base} $(sync~spin)`, tooltip: `Connecting to ${s.context}…`, warning: false };
  if (s.phase === 'error') {
    return { text: `${base} $(error)`, tooltip: `${s.context}: ${s.error ?? 'cannot connect'}\nClick to select another context`, warning: true };
  }
  const lost = s.connection ? connectionLine(s.connection, s.now) : undefined;
  if (lost) {
    const icon = s.connection?.state === 'unauthorized' ? '$(lock)' : '$(debug-disconnect)';
    return { text: `${base} ${icon} ${s.connection?.state === 'unauthorized' ? 'Unauthorized' : 'disconnected'}`, tooltip: `${s.context}: ${lost}\nThe explorer shows the last known state (greyed). Refresh re-reads the kubeconfig.`, warning: true };
  }
  const parts: string[] = [];
  const lines: string[] = [`Context: ${s.context}`];
  let warning = false;
  if (s.check) {
    const total = s.check.controllers.length;
    const ready = s.check.controllers.filter((c) => c.ready).length;
    if (total === 0) {
      parts.push('✗ no Flux');
      warning = true;
    } else {
      parts.push(`${ready === total ? '✓' : '✗'} ${ready}/${total}`);
      if (ready !== total) warning = true;
    }
    lines.push(s.check.fluxVersion ? `Flux ${s.check.fluxVersion} in ${s.check.namespace}` : `Flux in ${s.check.namespace}: version unknown`);
    lines.push(`Controllers ready: ${ready}/${total}`);
  } else if (s.error) {
    // Connected, but `flux check` could not run (e.g. no permission to list Deployments).
    parts.push('$(warning)');
    lines.push(`Flux check: ${s.error}`);
    warning = true;
  }
  if (s.failing > 0) {
    parts.push(`$(error) ${s.failing}`);
    lines.push(`${s.failing} Flux object${s.failing === 1 ? '' : 's'} failing`);
    warning = true;
  }
  lines.push('Click to switch context');
  return { text: parts.length ? `${base} ${parts.join(' ')}` : base, tooltip: lines.join('\n'), warning };
}
