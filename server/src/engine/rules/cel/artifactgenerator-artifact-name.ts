/**
 * flux/artifactgenerator-artifact-name: without spec.pathPattern, each spec.artifacts[].name must be a valid
 * Kubernetes object name (lower-case DNS subdomain), since it names the ExternalArtifact the generator creates.
 */
import { celRule, has, str } from './helpers';
import { isRecord } from '../context';

const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

export const artifactGeneratorArtifactName = celRule({
  code: 'flux/artifactgenerator-artifact-name', kind: 'ArtifactGenerator', versions: ['v1beta1'], at: 'spec',
  rule: "has(self.pathPattern) && size(self.pathPattern) > 0 || self.artifacts.all(a, a.name.matches('^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$'))",
}, (self) => {
  if (has(self, 'pathPattern') && (typeof self.pathPattern !== 'string' || self.pathPattern.length > 0)) return undefined;
  if (!Array.isArray(self.artifacts)) return undefined;
  for (let i = 0; i < self.artifacts.length; i++) {
    const a: unknown = self.artifacts[i];
    const name = isRecord(a) ? str(a.name) : undefined;
    if (name !== undefined && !DNS_SUBDOMAIN.test(name)) {
      return { path: ['spec', 'artifacts', i, 'name'], part: 'value', message: `artifacts[${i}].name '${name}' is not a valid object name (lower-case letters, digits, '-' and '.'); rename it or set spec.pathPattern` };
    }
  }
  return undefined;
});
