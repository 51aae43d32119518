/**
 * Shared helpers of the CEL rules: each file of this folder re-implements one `x-kubernetes-validations` rule of
 * the current Flux CRDs (the API server rejects an object that breaks it), with the CRD's message paraphrased,
 * at the range of the field to change.
 */
import type { Path } from '../../document';
import { formatPath } from '../../schema/validate';
import type { FluxDiagnostic } from '../../types';
import { isOpaqueString, isRecord, type Rule, type RuleContext } from '../context';

/** What the README table and the generic evaluator know about a re-implemented rule. */
export interface CelRuleMeta {
  /** Diagnostic code, e.g. `flux/bucket-sts-provider`. */
  code: string;
  kind: string;
  /** The API versions whose CRD carries the rule. */
  versions: readonly string[];
  /** The schema path the rule sits on (CEL's `self`), e.g. `spec` or `spec.kubeConfig`. */
  at: string;
  /** The CEL rule as the CRD has it (used to skip it in the generic evaluator: it is judged here). */
  rule: string;
}

export type CelRule = Rule & { meta: CelRuleMeta };

/** A finding: the path whose key or value the diagnostic covers, and the message after "<path>: ". */
export interface CelFinding { path: Path; part: 'key' | 'value'; message: string }

/**
 * Builds a rule from its metadata and a check over the object at `meta.at` (`self`). The check runs only for
 * the kind and versions of `meta`, and only when `self` is a mapping.
 */
export function celRule(meta: CelRuleMeta, check: (self: Record<string, unknown>, ctx: RuleContext) => CelFinding | undefined): CelRule {
  const atPath = meta.at.split('.');
  const rule = ((ctx: RuleContext): FluxDiagnostic[] => {
    const { doc } = ctx;
    if (doc.kindInfo?.kind !== meta.kind || doc.version === undefined || !meta.versions.includes(doc.version)) return [];
    let self: unknown = ctx.value();
    for (const seg of atPath) self = isRecord(self) ? self[seg] : undefined;
    if (!isRecord(self)) return [];
    const f = check(self, ctx);
    if (!f) return [];
    return [ctx.diag(meta.code, 'error', ctx.rangeOf(f.path, f.part), `${formatPath(f.path)}: ${f.message}`)];
  }) as CelRule;
  rule.meta = meta;
  return rule;
}

/** CEL's `has(self.k)`: the key is set to something other than null. */
export function has(o: Record<string, unknown>, k: string): boolean {
  return o[k] !== undefined && o[k] !== null;
}

/** A string value, or undefined when it is absent, not a string, or replaced later (`${var}`, SOPS): then the rule cannot be judged. */
export function str(v: unknown): string | undefined {
  return typeof v === 'string' && !isOpaqueString(v) ? v : undefined;
}

/** The string at `o[k]`, or `dflt` (the CRD's default) when the key is absent; undefined when it cannot be judged. */
export function strOr(o: Record<string, unknown>, k: string, dflt: string): string | undefined {
  return has(o, k) ? str(o[k]) : dflt;
}
