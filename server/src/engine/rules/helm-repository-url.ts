/**
 * flux/helmrepository-url: a HelmRepository's `spec.type` and URL scheme must agree. With `type: oci` the
 * URL must start with `oci://` (the CRD says so); an `oci://` URL without `type: oci` is read as an HTTP
 * chart index, which cannot be fetched from a registry (a warning).
 */
import type { FluxDiagnostic } from '../types';
import { isOpaqueString, isRecord, type RuleContext } from './context';

export function helmRepositoryUrl(ctx: RuleContext): FluxDiagnostic[] {
  if (ctx.doc.kindInfo?.kind !== 'HelmRepository') return [];
  const root = ctx.value();
  const spec = isRecord(root) ? root.spec : undefined;
  if (!isRecord(spec) || typeof spec.url !== 'string' || isOpaqueString(spec.url)) return [];
  const type = spec.type;
  if (typeof type === 'string' && isOpaqueString(type)) return [];
  const oci = spec.url.startsWith('oci://');
  if (type === 'oci' && !oci && /^[a-z]+:\/\//.test(spec.url)) {
    const scheme = spec.url.slice(0, spec.url.indexOf('://') + 3);
    return [ctx.diag('flux/helmrepository-url', 'error', ctx.rangeOf(['spec', 'url'], 'value'),
      `spec.url must start with oci:// when spec.type is oci, not ${scheme}; use an oci:// URL or remove type: oci`)];
  }
  if (oci && (type === undefined || type === null || type === 'default')) {
    return [ctx.diag('flux/helmrepository-url', 'warning', ctx.rangeOf(['spec', 'url'], 'value'),
      'spec.url is an oci:// URL but spec.type is not oci, so it is read as an HTTP chart index; add type: oci')];
  }
  return [];
}
