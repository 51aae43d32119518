/**
 * flux/unknown-kind, flux/unknown-api-version, flux/deprecated-api-version, flux/removed-api-version, and
 * flux/missing-required for a Flux apiVersion without a kind. Deprecation and removal follow the target
 * Flux version, the way `flux migrate --version` judges them (kinds table in kinds.ts).
 */
import { compareFluxVersions, FLUX_KINDS, kindIntroducedIn, migrateVersionAt, servedAt, type FluxKindInfo } from '../kinds';
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
  // A kind/version the cluster's or the workspace's CRDs define is served there, whatever the table says.
  const origin = ctx.registry.origin(info.group, doc.version, info.kind);
  if (origin !== undefined && origin !== 'bundled') return [];
  const v = judgeVersion(info, doc.version, ctx.targetFluxVersion);
  if (!v) return [];
  return [ctx.diag(v.code, v.severity, v.code === 'flux/kind-not-served' ? ctx.rangeOf(['kind'], 'value') : apiRange(), `apiVersion ${doc.apiVersion} ${v.message}`,
    v.suggestion !== undefined ? { suggestion: v.suggestion } : undefined)];
}

/** What is wrong with one kind at one API version for a target Flux release (undefined: nothing). */
export interface VersionJudgement {
  code: 'flux/unknown-api-version' | 'flux/removed-api-version' | 'flux/deprecated-api-version' | 'flux/api-version-not-served' | 'flux/kind-not-served';
  severity: 'error' | 'warning';
  /** Follows "apiVersion <group/version> ". */
  message: string;
  /** The full apiVersion `flux migrate --version <target>` writes, when there is one. */
  suggestion?: string;
}

/**
 * Judges `version` of a kind the way `flux migrate --version <target>` does: removed and deprecated versions move
 * to the newest version the target serves; versions and kinds a later Flux introduced are not served by the target.
 */
export function judgeVersion(info: FluxKindInfo, version: string, target: string): VersionJudgement | undefined {
  const known = info.versions.find((x) => x.version === version);
  const migrate = `${info.group}/${migrateVersionAt(info, target)}`;
  if (!known) {
    const valid = info.versions.filter((x) => servedAt(x, target));
    const list = valid.length > 0 ? valid.map((x) => `${info.group}/${x.version}`).join(', ') : 'none';
    return {
      code: 'flux/unknown-api-version', severity: 'error', suggestion: migrate,
      message: `does not exist for ${info.kind}; valid versions: ${list} (use ${migrate})`,
    };
  }
  const since = kindIntroducedIn(info);
  if (since !== undefined && compareFluxVersions(target, since) < 0) {
    return {
      code: 'flux/kind-not-served', severity: 'error',
      message: `is not served by Flux ${target}: ${info.kind} is new in Flux ${since}; raise fluxWorkbench.targetFluxVersion to ${since} or remove the object`,
    };
  }
  if (known.introducedIn !== undefined && compareFluxVersions(target, known.introducedIn) < 0) {
    return {
      code: 'flux/api-version-not-served', severity: 'error', suggestion: migrate,
      message: `is served from Flux ${known.introducedIn} on (target Flux ${target}); change it to ${migrate} (flux migrate --version ${target})`,
    };
  }
  if (known.removedIn !== undefined && compareFluxVersions(target, known.removedIn) >= 0) {
    return {
      code: 'flux/removed-api-version', severity: 'error', suggestion: migrate,
      message: `was removed in Flux ${known.removedIn} (target Flux ${target}); change it to ${migrate} (flux migrate)`,
    };
  }
  if (known.deprecatedIn !== undefined && compareFluxVersions(target, known.deprecatedIn) >= 0 && migrate !== `${info.group}/${version}`) {
    const removal = known.removedIn !== undefined ? ` and is removed in Flux ${known.removedIn}` : '';
    return {
      code: 'flux/deprecated-api-version', severity: 'warning', suggestion: migrate,
      message: `is deprecated since Flux ${known.deprecatedIn}${removal}; change it to ${migrate}`,
    };
  }
  return undefined;
}

