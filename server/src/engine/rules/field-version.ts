/**
 * flux/field-not-served (warning; the key): a field that a later Flux release added (schema/field-history.ts),
 * used with an older target while the bundled schemas judge the document. That release's API server does not know
 * the field and drops it. Schemas from the cluster or the workspace are exact, so they are left to the schema check.
 */
import type { Path } from '../document';
import { compareFluxVersions } from '../kinds';
import { FIELD_HISTORY } from '../schema/field-history';
import { formatPath } from '../schema/validate';
import type { FluxDiagnostic } from '../types';
import { existsInAst, isRecord, type RuleContext } from './context';

/** The concrete paths of `pattern` (with `[]` for array items) present in `root`. */
function expand(root: unknown, pattern: readonly string[]): Path[] {
  let paths: Array<{ v: unknown; p: Array<string | number> }> = [{ v: root, p: [] }];
  for (const seg of pattern) {
    const next: typeof paths = [];
    for (const { v, p } of paths) {
      if (seg === '[]') {
        if (Array.isArray(v)) v.forEach((x, i) => next.push({ v: x, p: [...p, i] }));
      } else if (isRecord(v) && Object.hasOwn(v, seg)) {
        next.push({ v: v[seg], p: [...p, seg] });
      }
    }
    paths = next;
  }
  return paths.map((x) => x.p);
}

export function fieldVersion(ctx: RuleContext): FluxDiagnostic[] {
  const { doc } = ctx;
  if (!doc.kindInfo || doc.group === undefined || doc.version === undefined || doc.kind === undefined) return [];
  if (ctx.registry.origin(doc.group, doc.version, doc.kind) !== 'bundled') return [];
  const out: FluxDiagnostic[] = [];
  for (const h of FIELD_HISTORY) {
    if (h.kind !== doc.kind || compareFluxVersions(ctx.targetFluxVersion, h.introducedIn) >= 0) continue;
    for (const p of expand(ctx.value(), h.path)) {
      if (!existsInAst(doc, p)) continue;
      out.push(ctx.diag('flux/field-not-served', 'warning', ctx.rangeOf(p, 'key'),
        `${formatPath(p)} is new in Flux ${h.introducedIn} (target Flux ${ctx.targetFluxVersion}): the Flux ${ctx.targetFluxVersion} API server does not know it and drops it; remove it or raise fluxWorkbench.targetFluxVersion to ${h.introducedIn}`));
    }
  }
  return out;
}
