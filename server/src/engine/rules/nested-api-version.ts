/**
 * apiVersions inside a spec (Kustomization healthChecks, Alert eventSources, Receiver resources, sourceRefs with
 * an apiVersion, ...) are judged like the document's own: a removed, deprecated or not-yet-served Flux version gets
 * the `flux migrate --version <target>` suggestion (same codes as rules/api-version.ts). A malformed apiVersion
 * (`group/v1/v2`, `group/`, `/v1`) is an error wherever it is, the document's own included
 * (flux/malformed-api-version).
 */
import { FLUX_GROUPS, FLUX_KINDS, findKind, migrateVersionAt } from '../kinds';
import type { Path } from '../document';
import { formatPath } from '../schema/validate';
import type { FluxDiagnostic } from '../types';
import { isOpaqueString, isRecord, type RuleContext } from './context';
import { judgeVersion } from './api-version';

/** Why an apiVersion string is malformed, or undefined when it has the `[group/]version` shape. */
export function malformedReason(apiVersion: string): string | undefined {
  const parts = apiVersion.split('/');
  if (parts.length > 2) return `has ${parts.length - 1} slashes; an apiVersion is group/version`;
  if (parts.length === 2 && parts[1] === '') return 'has no version after the slash';
  if (parts.length === 2 && parts[0] === '') return 'has no group before the slash';
  if (/\s/.test(apiVersion)) return 'contains white space';
  return undefined;
}

/** The apiVersion to suggest for a malformed one: the Flux group's migrate version for the kind, when both are known. */
function suggestFor(apiVersion: string, kind: unknown, target: string): string | undefined {
  const group = apiVersion.split('/')[0] ?? '';
  if (!FLUX_GROUPS.has(group)) return undefined;
  const info = typeof kind === 'string' ? findKind(kind, group) : undefined;
  const k = info ?? FLUX_KINDS.find((x) => x.group === group && FLUX_KINDS.filter((y) => y.group === group).length === 1);
  return k ? `${group}/${migrateVersionAt(k, target)}` : undefined;
}

function malformed(ctx: RuleContext, path: Path, apiVersion: string, kind: unknown): FluxDiagnostic | undefined {
  const why = malformedReason(apiVersion);
  if (why === undefined) return undefined;
  const suggestion = suggestFor(apiVersion, kind, ctx.targetFluxVersion);
  const fix = suggestion !== undefined ? `; write ${suggestion}` : '; write it as group/version, e.g. source.toolkit.fluxcd.io/v1';
  const where = path.length === 1 ? '' : `${formatPath(path)}: `;
  return ctx.diag('flux/malformed-api-version', 'error', ctx.rangeOf(path, 'value'), `${where}apiVersion '${apiVersion}' ${why}${fix}`,
    suggestion !== undefined ? { suggestion } : undefined);
}

/** The document's own apiVersion when malformed (runs on every document of a Flux-looking file). */
export function malformedApiVersion(ctx: RuleContext): FluxDiagnostic[] {
  const { doc } = ctx;
  if (doc.apiVersion === undefined || isOpaqueString(doc.apiVersion)) return [];
  const d = malformed(ctx, ['apiVersion'], doc.apiVersion, doc.kind);
  return d ? [d] : [];
}

const MAX_NODES = 20000;

/** apiVersions below the document root. */
export function nestedApiVersion(ctx: RuleContext): FluxDiagnostic[] {
  const root = ctx.value();
  if (!isRecord(root)) return [];
  const out: FluxDiagnostic[] = [];
  let budget = MAX_NODES;
  const visit = (v: unknown, path: Path): void => {
    if (--budget < 0) return;
    if (Array.isArray(v)) {
      v.forEach((x, i) => visit(x, [...path, i]));
      return;
    }
    if (!isRecord(v)) return;
    if (path.length > 0 && typeof v.apiVersion === 'string' && v.apiVersion !== '' && !isOpaqueString(v.apiVersion)) {
      const d = judge(ctx, [...path, 'apiVersion'], v.apiVersion, v.kind);
      if (d) out.push(d);
    }
    for (const [k, x] of Object.entries(v)) {
      // Free-form values (Helm values, post-build substitutions, patches) hold other tools' objects.
      if (path.length === 1 && (k === 'values' || k === 'patches' || k === 'postBuild')) continue;
      if (typeof x === 'object' && x !== null) visit(x, [...path, k]);
    }
  };
  for (const k of Object.keys(root)) if (k !== 'apiVersion' && k !== 'kind' && k !== 'metadata' && k !== 'status') visit(root[k], [k]);
  return out;
}

function judge(ctx: RuleContext, path: Path, apiVersion: string, kind: unknown): FluxDiagnostic | undefined {
  const bad = malformed(ctx, path, apiVersion, kind);
  if (bad) return bad;
  const i = apiVersion.indexOf('/');
  if (i < 0 || typeof kind !== 'string' || isOpaqueString(kind)) return undefined;
  const group = apiVersion.slice(0, i);
  const version = apiVersion.slice(i + 1);
  const info = FLUX_GROUPS.has(group) ? findKind(kind, group) : undefined;
  if (!info) return undefined;
  const origin = ctx.registry.origin(group, version, kind);
  if (origin !== undefined && origin !== 'bundled') return undefined;
  const v = judgeVersion(info, version, ctx.targetFluxVersion);
  if (!v || v.code === 'flux/kind-not-served') return undefined;
  return ctx.diag(v.code, v.severity, ctx.rangeOf(path, 'value'), `${formatPath(path)}: apiVersion ${apiVersion} ${v.message}`,
    v.suggestion !== undefined ? { suggestion: v.suggestion } : undefined);
}
