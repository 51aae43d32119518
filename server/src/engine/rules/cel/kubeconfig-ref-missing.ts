/** flux/kubeconfig-ref-missing: spec.kubeConfig names neither a ConfigMap nor a Secret (Kustomization, HelmRelease). */
import { celRule, has } from './helpers';

const check = (self: Record<string, unknown>): { path: string[]; part: 'key'; message: string } | undefined =>
  has(self, 'configMapRef') || has(self, 'secretRef') ? undefined
    : { path: ['spec', 'kubeConfig'], part: 'key', message: 'exactly one of configMapRef (workload identity) or secretRef (a kubeconfig Secret) is required; add one' };

const rule = 'has(self.configMapRef) || has(self.secretRef)';
export const kustomizationKubeConfigMissing = celRule({ code: 'flux/kubeconfig-ref-missing', kind: 'Kustomization', versions: ['v1'], at: 'spec.kubeConfig', rule }, check);
export const helmReleaseKubeConfigMissing = celRule({ code: 'flux/kubeconfig-ref-missing', kind: 'HelmRelease', versions: ['v2'], at: 'spec.kubeConfig', rule }, check);
