/**
 * flux/invalid-name: metadata.name and metadata.namespace that the Kubernetes API server rejects. Names of
 * Flux objects are DNS subdomains (lower-case alphanumerics, '-' and '.', at most 253 characters);
 * namespaces are DNS labels (lower-case alphanumerics and '-', at most 63 characters).
 */
import type { FluxDiagnostic } from '../types';
import type { RuleContext } from './context';

const SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

function problem(value: string, label: boolean): string | undefined {
  const max = label ? 63 : 253;
  if (value.length > max) return `is ${value.length} characters long; at most ${max} are allowed`;
  if ((label ? LABEL : SUBDOMAIN).test(value)) return undefined;
  const lower = value.toLowerCase();
  const hint = lower !== value && (label ? LABEL : SUBDOMAIN).test(lower) ? ` (e.g. '${lower}')` : '';
  return label
    ? `must consist of lower-case letters, digits and '-', and start and end with a letter or digit${hint}`
    : `must consist of lower-case letters, digits, '-' and '.', and start and end with a letter or digit${hint}`;
}

export function objectName(ctx: RuleContext): FluxDiagnostic[] {
  const { doc } = ctx;
  const out: FluxDiagnostic[] = [];
  for (const [field, value, label] of [['name', doc.name, false], ['namespace', doc.namespace, true]] as const) {
    // Substitution variables and Helm/kustomize placeholders are filled in later.
    if (value === undefined || value === '' || value.includes('${') || value.includes('{{')) continue;
    const p = problem(value, label);
    if (p === undefined) continue;
    const lower = value.toLowerCase();
    out.push(ctx.diag('flux/invalid-name', 'error', ctx.rangeOf(['metadata', field], 'value'),
      `metadata.${field} '${value.length > 70 ? `${value.slice(0, 67)}...` : value}' ${p}`,
      lower !== value && problem(lower, label) === undefined ? { suggestion: lower } : undefined));
  }
  return out;
}
