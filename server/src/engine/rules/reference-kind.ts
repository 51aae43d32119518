/**
 * flux/reference-kind: a source reference names a kind its object cannot use (FLUX-FACTS §1 "Reference
 * kinds allowed"). The allowed list is the schema's enum for that field when it has one (it differs
 * between API versions), else the table below.
 */
import { schemaAtPath } from '../schema/registry';
import { closest } from '../schema/validate';
import type { FluxDiagnostic } from '../types';
import { isOpaqueString, valueAt, type RuleContext } from './context';

interface RefField {
  kind: string;
  /** Path of the reference object; its `kind` is judged. */
  path: string[];
  allowed: string[];
}

export const REFERENCE_FIELDS: readonly RefField[] = [
  { kind: 'Kustomization', path: ['spec', 'sourceRef'], allowed: ['GitRepository', 'OCIRepository', 'Bucket', 'ExternalArtifact'] },
  { kind: 'HelmRelease', path: ['spec', 'chart', 'spec', 'sourceRef'], allowed: ['HelmRepository', 'GitRepository', 'Bucket'] },
  { kind: 'HelmRelease', path: ['spec', 'chartRef'], allowed: ['OCIRepository', 'HelmChart', 'ExternalArtifact'] },
  { kind: 'ImageUpdateAutomation', path: ['spec', 'sourceRef'], allowed: ['GitRepository'] },
];

export function referenceKind(ctx: RuleContext): FluxDiagnostic[] {
  const { doc } = ctx;
  if (!doc.kindInfo) return [];
  const out: FluxDiagnostic[] = [];
  for (const f of REFERENCE_FIELDS) {
    if (f.kind !== doc.kindInfo.kind) continue;
    const kindPath = [...f.path, 'kind'];
    const value = valueAt(ctx.value(), kindPath);
    if (typeof value !== 'string' || isOpaqueString(value)) continue;
    const fromSchema = ctx.schema ? schemaAtPath(ctx.schema, kindPath)?.enum : undefined;
    const allowed = fromSchema && fromSchema.length > 0 ? fromSchema.map(String) : f.allowed;
    if (allowed.includes(value)) continue;
    const suggestion = allowed.find((a) => a.toLowerCase() === value.toLowerCase()) ?? closest(value, allowed);
    const field = [...f.path, 'kind'].join('.');
    const hint = suggestion !== undefined ? ` (did you mean '${suggestion}'?)` : '';
    out.push(ctx.diag('flux/reference-kind', 'error', ctx.rangeOf(kindPath, 'value'),
      `${field} '${value}' cannot be referenced by a ${doc.kindInfo.kind}${hint}; use one of: ${allowed.join(', ')}`,
      suggestion !== undefined ? { suggestion } : undefined));
  }
  return out;
}
