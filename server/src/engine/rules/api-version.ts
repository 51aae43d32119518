/**
 * flux/unknown-kind, flux/unknown-api-version, flux/deprecated-api-version, flux/removed-api-version, and
 * flux/missing-required for a Flux apiVersion without a kind. Deprecation and removal follow the target
 * Flux version, the way `flux migrate --version` judges them (kinds table in kinds.ts).
 */
import { compareFluxVersions, FLUX_KINDS, type FluxKindInfo } from '../kinds';
import { closest } from '../schema/validate';
import type { FluxDiagnostic } from '../types';
import type { RuleContext } from './context';

function kindsOfGroup(group: string): FluxKindInfo[] {
  return FLUX_KINDS.filter((k) => k.group === group);
}

export function apiVersion(ctx: RuleContext): FluxDiagnostic[] {
  const { doc } = ctx;
  if (!doc.isFlux || doc.group === undefined || doc.version === undefined) return [];
  const apiRange = (): ReturnType<RuleContext['rangeOf']> => ctx.rangeOf(['apiVersion'], 'value');
  if (doc.kind === undefined) {
    const kinds = kindsOfGroup(doc.group).map((k) => k.kind);
    return [ctx.diag('flux/missing-required', 'error', ctx.rangeOf(['apiVersion'], 'key'),
      `required field 'kind' is missing; add kind (one of: ${kinds.join(', ')})`)];
  }
  const info = doc.kindInfo;
  if (!info) {
    // A kind the registry knows (a newer Flux's CRD read from the cluster) is valid even when the table lacks it.
    if (ctx.registry.get(doc.group, doc.version, doc.kind)) return [];
    const inGroup = kindsOfGroup(doc.group).map((k) => k.kind);
    const elsewhere = FLUX_KINDS.find((k) => k.kind === doc.kind);
    const suggestion = closest(doc.kind, inGroup);
    const fix = elsewhere
      ? `; ${doc.kind} belongs to ${elsewhere.group}: use apiVersion ${elsewhere.group}/${elsewhere.current}`
      : suggestion !== undefined
        ? `; did you mean '${suggestion}'?`
        : `; ${doc.group} kinds are: ${inGroup.join(', ')}`;
    // When the kind lives in another Flux group, the apiVersion is what to fix: the diagnostic sits there.
    const d = elsewhere
      ? ctx.diag('flux/unknown-kind', 'error', apiRange(),
        `kind '${doc.kind}' does not exist in the Flux API group ${doc.group}${fix}`, { suggestion: `${elsewhere.group}/${elsewhere.current}` })
      : ctx.diag('flux/unknown-kind', 'error', ctx.rangeOf(['kind'], 'value'),
        `kind '${doc.kind}' does not exist in the Flux API group ${doc.group}${fix}`, suggestion !== undefined ? { suggestion } : undefined);
    return [d];
  }
  const known = info.versions.find((v) => v.version === doc.version);
  // A version the registry knows (e.g. read from the cluster's CRD) is valid even when the table does not list it.
  if (!known) {
    if (ctx.registry.get(info.group, doc.version, info.kind)) return [];
    const valid = info.versions.filter((v) => v.removedIn === undefined || compareFluxVersions(ctx.targetFluxVersion, v.removedIn) < 0);
    const current = `${info.group}/${info.current}`;
    return [ctx.diag('flux/unknown-api-version', 'error', apiRange(),
      `apiVersion ${doc.apiVersion} does not exist for ${info.kind}; valid versions: ${valid.map((v) => `${info.group}/${v.version}`).join(', ')} (use ${current})`,
      { suggestion: current })];
  }
  const target = ctx.targetFluxVersion;
  const current = `${info.group}/${info.current}`;
  if (known.removedIn !== undefined && compareFluxVersions(target, known.removedIn) >= 0) {
    return [ctx.diag('flux/removed-api-version', 'error', apiRange(),
      `apiVersion ${doc.apiVersion} was removed in Flux ${known.removedIn} (target Flux ${target}); change it to ${current} (flux migrate)`,
      { suggestion: current })];
  }
  if (known.deprecatedIn !== undefined && compareFluxVersions(target, known.deprecatedIn) >= 0) {
    const removal = known.removedIn !== undefined ? ` and is removed in Flux ${known.removedIn}` : '';
    return [ctx.diag('flux/deprecated-api-version', 'warning', apiRange(),
      `apiVersion ${doc.apiVersion} is deprecated since Flux ${known.deprecatedIn}${removal}; change it to ${current}`,
      { suggestion: current })];
  }
  return [];
}
