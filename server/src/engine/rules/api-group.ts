/**
 * flux/unknown-api-version for an apiVersion that is meant to be Flux but names no Flux group: a misspelt
 * `*.toolkit.fluxcd.io` group (`sources.toolkit.fluxcd.io/v1`), or a Flux group without its version
 * (`apiVersion: source.toolkit.fluxcd.io`). Other groups, including kustomize.config.k8s.io and legacy
 * or third-party fluxcd.io groups, are left alone.
 */
import { FLUX_GROUPS, FLUX_KINDS } from '../kinds';
import { closest } from '../schema/validate';
import type { FluxDiagnostic } from '../types';
import { objectPrefix, type RuleContext } from './context';

const TOOLKIT_GROUP = /^[a-z0-9-]+\.toolkit\.fluxcd\.io$/;

export function apiGroup(ctx: RuleContext): FluxDiagnostic[] {
  const { doc } = ctx;
  if (doc.isFlux || doc.apiVersion === undefined || doc.group === undefined) return [];
  const range = ctx.rangeOf(['apiVersion'], 'value');
  const prefix = objectPrefix(doc);
  const forKind = doc.kind !== undefined ? FLUX_KINDS.find((k) => k.kind === doc.kind) : undefined;
  if (doc.group === '' && FLUX_GROUPS.has(doc.apiVersion)) {
    const kind = forKind && forKind.group === doc.apiVersion ? forKind : FLUX_KINDS.find((k) => k.group === doc.apiVersion)!;
    const suggestion = `${kind.group}/${kind.current}`;
    return [{
      range, severity: 'error', code: 'flux/unknown-api-version',
      message: `${prefix}apiVersion ${doc.apiVersion} has no version; write ${suggestion}`, data: { suggestion },
    }];
  }
  if (!TOOLKIT_GROUP.test(doc.group)) return [];
  const group = forKind?.group ?? closest(doc.group, [...FLUX_GROUPS]);
  const kind = group !== undefined ? (forKind ?? FLUX_KINDS.find((k) => k.group === group)) : undefined;
  const suggestion = kind ? `${kind.group}/${kind.current}` : undefined;
  const fix = suggestion !== undefined ? `; did you mean ${suggestion}?` : `; Flux groups are: ${[...FLUX_GROUPS].join(', ')}`;
  const d: FluxDiagnostic = {
    range, severity: 'error', code: 'flux/unknown-api-version',
    message: `${prefix}apiVersion ${doc.apiVersion} is not a Flux API group${fix}`,
  };
  if (suggestion !== undefined) d.data = { suggestion };
  return [d];
}
