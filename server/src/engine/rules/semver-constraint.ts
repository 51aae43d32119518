/**
 * flux/semver-constraint: a semver range that Flux cannot parse. Flux reads these fields with the Go
 * Masterminds/semver v3 constraint syntax (FLUX-FACTS §8), not node-semver: `||` for OR, comma or space
 * for AND, operators = != > < >= => <= =< ~ ~> ^, x/X/* wildcards, hyphen ranges `1.2 - 1.4`.
 */
import type { FluxDiagnostic } from '../types';
import { isOpaqueString, valueAt, type RuleContext } from './context';

const FIELDS: ReadonlyArray<{ kind: string; path: string[] }> = [
  { kind: 'GitRepository', path: ['spec', 'ref', 'semver'] },
  { kind: 'OCIRepository', path: ['spec', 'ref', 'semver'] },
  { kind: 'HelmChart', path: ['spec', 'version'] },
  { kind: 'HelmRelease', path: ['spec', 'chart', 'spec', 'version'] },
  { kind: 'ImagePolicy', path: ['spec', 'policy', 'semver', 'range'] },
];

const PART = '(?:[0-9]+|[xX*])';
const IDENTS = '[0-9A-Za-z-]+(?:\\.[0-9A-Za-z-]+)*';
const VERSION = `v?${PART}(?:\\.${PART})?(?:\\.${PART})?(?:-${IDENTS})?(?:\\+${IDENTS})?`;
const OPERATOR = '(?:!=|>=|=>|<=|=<|~>|=|>|<|~|\\^)';
const TERM = new RegExp(`^${OPERATOR}?${VERSION}$`);
const BARE = new RegExp(`^${VERSION}$`);

/** Returns a reason when the constraint cannot be parsed, else undefined. */
export function semverConstraintProblem(constraint: string): string | undefined {
  if (constraint.trim() === '') return undefined;
  for (const group of constraint.split('||')) {
    // Operators may be followed by spaces (`>= 1.2`); glue them to their version first.
    const glued = group.trim().replace(new RegExp(`(${OPERATOR})\\s+`, 'g'), '$1');
    if (glued === '') return "an empty alternative around '||'";
    const tokens = glued.split(/[\s,]+/).filter((t) => t !== '');
    for (let i = 0; i < tokens.length; i++) {
      const t = tokens[i]!;
      if (t === '-') {
        // A hyphen range needs bare versions on both sides.
        if (i === 0 || i === tokens.length - 1 || !BARE.test(tokens[i - 1]!) || !BARE.test(tokens[i + 1]!)) {
          return "a hyphen range needs a version on each side (e.g. '1.2 - 1.4')";
        }
        continue;
      }
      if (!TERM.test(t)) return `'${t}' is not a version or a comparison`;
    }
  }
  return undefined;
}

export function semverConstraint(ctx: RuleContext): FluxDiagnostic[] {
  const kind = ctx.doc.kindInfo?.kind;
  const out: FluxDiagnostic[] = [];
  for (const f of FIELDS) {
    if (f.kind !== kind) continue;
    const v = valueAt(ctx.value(), f.path);
    if (typeof v !== 'string' || isOpaqueString(v)) continue;
    const problem = semverConstraintProblem(v);
    if (problem === undefined) continue;
    const shown = v.length > 60 ? `${v.slice(0, 57)}...` : v;
    out.push(ctx.diag('flux/semver-constraint', 'error', ctx.rangeOf(f.path, 'value'),
      `${f.path.join('.')} '${shown}' is not a valid semver constraint: ${problem}; use Masterminds/semver syntax such as '>=1.0.0 <2.0.0', '~1.2', '^1.2.3' or '1.x'`));
  }
  return out;
}
