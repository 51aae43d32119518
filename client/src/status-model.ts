/**
 * Text of the status-bar item: `$(cloud) <context>` plus a Flux health summary. Pure.
 */
import type { FluxCheck } from '../../server/src/cluster/check';

export type ClusterPhase = 'none' | 'connecting' | 'connected' | 'error';

export interface StatusInput {
  phase: ClusterPhase;
  context?: string;
  check?: FluxCheck;
  /** Flux objects that are failing or stalled in the cache. */
  failing: number;
  /** The connection or check error, when any. */
  error?: string;
}

export interface StatusText { text: string; tooltip: string; warning: boolean }

export function statusText(s: StatusInput): StatusText {
  if (s.phase === 'none' || !s.context) {
    return { text: '$(cloud) Flux: no context', tooltip: 'Flux Workbench: select a Kubernetes context', warning: false };
  }
  const base = `$(cloud) ${s.context}`;
  if (s.phase === 'connecting') return { text: `${base} $(sync~spin)`, tooltip: `Connecting to ${s.context}…`, warning: false };
  if (s.phase === 'error') {
    return { text: `${base} $(error)`, tooltip: `${s.context}: ${s.error ?? 'cannot connect'}\nClick to select another context`, warning: true };
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
