/** flux/receiver-oidc-providers: a `generic-oidc` Receiver needs at least one entry in spec.oidcProviders (Flux 2.9). */
import { celRule, str } from './helpers';

export const receiverOidcProviders = celRule({
  code: 'flux/receiver-oidc-providers', kind: 'Receiver', versions: ['v1'], at: 'spec',
  rule: "self.type != 'generic-oidc' || (has(self.oidcProviders) && size(self.oidcProviders) > 0)",
}, (self, ctx) => {
  if (str(self.type) !== 'generic-oidc' || ctx.isPatch()) return undefined;
  if (Array.isArray(self.oidcProviders) && self.oidcProviders.length > 0) return undefined;
  return { path: ['spec', 'type'], part: 'value', message: "a 'generic-oidc' Receiver needs at least one spec.oidcProviders entry (the issuers whose tokens it accepts); add spec.oidcProviders" };
});
