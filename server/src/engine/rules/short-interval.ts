/**
 * flux/short-interval (information): a source polled more often than once a minute. Legal, but each poll
 * loads the Git host or registry (FLUX-FACTS §8); webhooks (a Receiver) are the usual alternative.
 */
import type { FluxDiagnostic } from '../types';
import { valueAt, type RuleContext } from './context';

const UNIT_MS: Record<string, number> = { ns: 1e-6, us: 1e-3, µs: 1e-3, ms: 1, s: 1000, m: 60000, h: 3600000 };

/** Milliseconds of a Go duration such as `1m30s`, or undefined when it is not one. */
export function goDurationMs(text: string): number | undefined {
  if (!/^([0-9]+(\.[0-9]+)?(ns|us|µs|ms|s|m|h))+$/.test(text)) return undefined;
  let total = 0;
  for (const m of text.matchAll(/([0-9]+(?:\.[0-9]+)?)(ns|us|µs|ms|s|m|h)/g)) total += Number(m[1]) * UNIT_MS[m[2]!]!;
  return total;
}

export function shortInterval(ctx: RuleContext): FluxDiagnostic[] {
  const info = ctx.doc.kindInfo;
  if (!info?.isSource || info.kind === 'ExternalArtifact') return [];
  const v = valueAt(ctx.value(), ['spec', 'interval']);
  if (typeof v !== 'string') return [];
  const ms = goDurationMs(v);
  if (ms === undefined || ms >= 60000 || ms === 0) return [];
  return [ctx.diag('flux/short-interval', 'information', ctx.rangeOf(['spec', 'interval'], 'value'),
    `spec.interval ${v} polls the source more than once a minute, which loads the host; consider 1m or more (and a Receiver webhook for fast updates)`)];
}
