/**
 * flux/depends-on-self: a Kustomization or HelmRelease that lists itself in spec.dependsOn never becomes
 * ready (its dependency is itself). A dependsOn entry names an object of the same kind; its namespace
 * defaults to the object's own (FLUX-FACTS §1).
 */
import type { FluxDiagnostic } from '../types';
import { isRecord, valueAt, type RuleContext } from './context';

const KINDS = new Set(['Kustomization', 'HelmRelease']);

export function dependsOnSelf(ctx: RuleContext): FluxDiagnostic[] {
  const { doc } = ctx;
  if (!doc.kindInfo || !KINDS.has(doc.kindInfo.kind) || !doc.name || doc.name.includes('${')) return [];
  if (doc.namespace?.includes('${')) return [];
  const deps = valueAt(ctx.value(), ['spec', 'dependsOn']);
  if (!Array.isArray(deps)) return [];
  const out: FluxDiagnostic[] = [];
  deps.forEach((d, i) => {
    if (!isRecord(d) || d.name !== doc.name) return;
    const ns = d.namespace;
    if (ns !== undefined && ns !== null && ns !== doc.namespace) return;
    out.push(ctx.diag('flux/depends-on-self', 'error', ctx.rangeOf(['spec', 'dependsOn', i, 'name'], 'value'),
      `spec.dependsOn[${i}] names this ${doc.kindInfo!.kind} itself, so it would wait for itself forever; remove the entry or name another ${doc.kindInfo!.kind}`));
  });
  return out;
}
