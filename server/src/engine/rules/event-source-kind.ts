/**
 * flux/event-source-kind (warning): an Alert `spec.eventSources[].kind` or a Receiver `spec.resources[].kind`
 * outside the bundled CRD's enum. Users extend these enums by patching the CRD (FLUX-FACTS §11): Flux Operator
 * setups use FluxInstance and ResourceSet, tf-controller adds Terraform. Without the live cluster's or the
 * workspace's own CRD, such a kind is a warning naming the likely CRD patch, not an error; it replaces the
 * schema-enum error at the same range. When the schema comes from a cluster or workspace CRD, that CRD's enum is
 * the truth and the schema-enum error stands.
 */
import { schemaAtPath } from '../schema/registry';
import type { FluxDiagnostic } from '../types';
import { isOpaqueString, isRecord, valueAt, type RuleContext } from './context';

const FIELD: Record<string, string> = { Alert: 'eventSources', Receiver: 'resources' };

/** Kinds that CRD patches commonly add, and who adds them. */
const KNOWN_EXTENSIONS: Record<string, string> = {
  FluxInstance: 'the Flux Operator', ResourceSet: 'the Flux Operator', ResourceSetInputProvider: 'the Flux Operator',
  Terraform: 'tf-controller (Tofu Controller)',
};

export function eventSourceKind(ctx: RuleContext): FluxDiagnostic[] {
  const kind = ctx.doc.kindInfo?.kind;
  const field = kind !== undefined ? FIELD[kind] : undefined;
  if (!field || !ctx.schema || ctx.doc.group === undefined || ctx.doc.version === undefined) return [];
  const origin = ctx.registry.origin(ctx.doc.group, ctx.doc.version, kind!);
  if (origin !== undefined && origin !== 'bundled') return [];
  const list = valueAt(ctx.value(), ['spec', field]);
  if (!Array.isArray(list)) return [];
  const out: FluxDiagnostic[] = [];
  list.forEach((entry, i) => {
    if (!isRecord(entry) || typeof entry.kind !== 'string' || isOpaqueString(entry.kind)) return;
    const allowed = schemaAtPath(ctx.schema!, ['spec', field, i, 'kind'])?.enum;
    if (!allowed || allowed.includes(entry.kind)) return;
    const by = KNOWN_EXTENSIONS[entry.kind];
    out.push(ctx.diag('flux/event-source-kind', 'warning', ctx.rangeOf(['spec', field, i, 'kind'], 'value'),
      `spec.${field}[${i}].kind '${entry.kind}' is not in the ${kind} CRD's list of kinds (${allowed.join(', ')}); `
      + `${by ? `${by} patches the CRD to add it` : 'this works only when the CRD is patched to add it (a JSON6902 add to .../kind/enum/-)'}: `
      + 'keep that patch with the CRD, or connect the explorer so the cluster\'s CRD judges it'));
  });
  return out;
}
