/**
 * flux/decryption-provider: a Flux Kustomization's spec.decryption.provider must be `sops`, the only
 * decryption engine kustomize-controller has (FLUX-FACTS §6).
 */
import type { FluxDiagnostic } from '../types';
import { isOpaqueString, valueAt, type RuleContext } from './context';

export function decryptionProvider(ctx: RuleContext): FluxDiagnostic[] {
  if (ctx.doc.kindInfo?.kind !== 'Kustomization') return [];
  const path = ['spec', 'decryption', 'provider'];
  const v = valueAt(ctx.value(), path);
  if (v === undefined || v === null || v === 'sops' || isOpaqueString(v)) return [];
  const shown = typeof v === 'string' ? `'${v.length > 40 ? `${v.slice(0, 37)}...` : v}'` : typeof v === 'object' ? 'a map or list' : String(v);
  return [ctx.diag('flux/decryption-provider', 'error', ctx.rangeOf(path, 'value'),
    `spec.decryption.provider ${shown} is not supported; kustomize-controller only decrypts with 'sops': set provider: sops`,
    { suggestion: 'sops' })];
}
