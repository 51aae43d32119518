/** flux/kubeconfig-ref-both: spec.kubeConfig names both a ConfigMap and a Secret (Kustomization, HelmRelease). */
import { celRule, has } from './helpers';

const check = (self: Record<string, unknown>): { path: string[]; part: 'key'; message: string } | undefined =>
  has(self, 'configMapRef') && has(self, 'secretRef')
    ? { path: ['spec', 'kubeConfig', 'secretRef'], part: 'key', message: 'configMapRef and secretRef exclude each other: spec.kubeConfig takes exactly one of them; remove one' }
    : undefined;

const rule = '!has(self.configMapRef) || !has(self.secretRef)';
export const kustomizationKubeConfigBoth = celRule({ code: 'flux/kubeconfig-ref-both', kind: 'Kustomization', versions: ['v1'], at: 'spec.kubeConfig', rule }, check);
export const helmReleaseKubeConfigBoth = celRule({ code: 'flux/kubeconfig-ref-both', kind: 'HelmRelease', versions: ['v2'], at: 'spec.kubeConfig', rule }, check);
