/**
 * The skeleton of a new Flux object: the body of the kind's snippet in snippets/flux.json, which follows the Flux
 * documentation's own example of the kind (e.g. a Kustomization with interval, path, `prune: true` and a
 * `sourceRef` to the GitRepository flux-system), with tab stops on the names. One source for the editor's
 * snippets (`flux-kustomization`...) and the completion's apiVersion/kind items.
 */
import SNIPPETS from '../../../../snippets/flux.json';

interface Snippet {
  prefix: string | string[];
  body: string | string[];
  description?: string;
}

const BY_KIND = new Map<string, { prefix: string; body: string }>();
for (const s of Object.values(SNIPPETS as Record<string, Snippet>)) {
  const body = Array.isArray(s.body) ? s.body.join('\n') : s.body;
  const kind = /^kind: (\S+)$/m.exec(body)?.[1];
  const prefix = Array.isArray(s.prefix) ? s.prefix[0] : s.prefix;
  if (kind && prefix && !BY_KIND.has(kind)) BY_KIND.set(kind, { prefix, body });
}

/** The documented skeleton (snippet body) and the snippet prefix of a kind, when the kind has a snippet. */
export function documentedSkeleton(kind: string): { prefix: string; body: string } | undefined {
  return BY_KIND.get(kind);
}

/**
 * The spec keys users write most for a kind, in that order (from the Flux documentation's examples and the
 * real repositories in the corpus): completion ranks them after the required keys and before the rest.
 */
export const COMMON_SPEC_KEYS: Readonly<Record<string, readonly string[]>> = {
  Kustomization: ['interval', 'path', 'prune', 'sourceRef', 'targetNamespace', 'dependsOn', 'timeout', 'wait', 'retryInterval', 'postBuild', 'decryption', 'patches', 'healthChecks', 'components'],
  HelmRelease: ['interval', 'chart', 'chartRef', 'releaseName', 'targetNamespace', 'values', 'valuesFrom', 'install', 'upgrade', 'dependsOn', 'timeout', 'driftDetection', 'postRenderers'],
  GitRepository: ['interval', 'url', 'ref', 'secretRef', 'ignore', 'timeout', 'include', 'verify'],
  OCIRepository: ['interval', 'url', 'ref', 'layerSelector', 'provider', 'secretRef', 'verify', 'timeout'],
  HelmRepository: ['interval', 'url', 'type', 'secretRef', 'provider', 'timeout'],
  HelmChart: ['interval', 'chart', 'version', 'sourceRef', 'valuesFiles', 'reconcileStrategy'],
  Bucket: ['interval', 'endpoint', 'bucketName', 'provider', 'region', 'secretRef', 'prefix', 'insecure'],
  ImageRepository: ['image', 'interval', 'secretRef', 'provider', 'exclusionList'],
  ImagePolicy: ['imageRepositoryRef', 'policy', 'filterTags'],
  ImageUpdateAutomation: ['interval', 'sourceRef', 'git', 'update', 'policySelector'],
  Alert: ['providerRef', 'eventSeverity', 'eventSources', 'inclusionList', 'exclusionList', 'summary'],
  Provider: ['type', 'channel', 'address', 'secretRef', 'username'],
  Receiver: ['type', 'events', 'secretRef', 'resources', 'interval'],
};
