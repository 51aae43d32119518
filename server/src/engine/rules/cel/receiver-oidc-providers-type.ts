/** flux/receiver-oidc-providers-type: spec.oidcProviders belongs to `generic-oidc` Receivers only (Flux 2.9). */
import { celRule, has, str } from './helpers';

export const receiverOidcProvidersType = celRule({
  code: 'flux/receiver-oidc-providers-type', kind: 'Receiver', versions: ['v1'], at: 'spec',
  rule: "self.type == 'generic-oidc' || !has(self.oidcProviders) || size(self.oidcProviders) == 0",
}, (self) => {
  const type = str(self.type);
  if (type === undefined || type === 'generic-oidc' || !has(self, 'oidcProviders')) return undefined;
  if (Array.isArray(self.oidcProviders) && self.oidcProviders.length === 0) return undefined;
  return { path: ['spec', 'oidcProviders'], part: 'key', message: `oidcProviders is read only by 'generic-oidc' Receivers, not '${type}'; remove spec.oidcProviders or set type: generic-oidc` };
});
