/**
 * flux/cel-rule: the `x-kubernetes-validations` rules of a schema read from the cluster's or the workspace's CRDs,
 * evaluated generically (schema/cel.ts). Rules that rules/cel re-implements are left to those (same kind, place
 * and rule text), so one mistake gets one diagnostic.
 */
import { isReimplemented } from './cel';
import { evaluateCelRules } from '../schema/cel';
import { formatPath } from '../schema/validate';
import type { FluxDiagnostic } from '../types';
import { existsInAst, type RuleContext } from './context';

export function celGeneric(ctx: RuleContext): FluxDiagnostic[] {
  const { doc, schema } = ctx;
  if (!schema || doc.group === undefined || doc.version === undefined || doc.kind === undefined) return [];
  const source = ctx.registry.sourceOf(doc.group, doc.version, doc.kind);
  if (!source) return [];
  const kind = doc.kind;
  const violations = evaluateCelRules(schema, ctx.value(), (path, rule) => isReimplemented(kind, path.join('.'), rule.rule));
  return violations.map((v) => {
    const target = v.fieldPath && existsInAst(doc, v.fieldPath) ? v.fieldPath : v.path;
    const where = target.length > 0 ? formatPath(target) : 'object';
    const message = v.rule.message ?? `failed rule: ${v.rule.rule}`;
    return ctx.diag('flux/cel-rule', 'error', target.length > 0 ? ctx.rangeOf(target, 'key') : ctx.rangeOf([], 'key'),
      `${where}: ${message} (validation rule of the ${source.label} CRD; the API server rejects the object)`, { rule: v.rule.rule });
  });
}
