/** flux/receiver-oidc-secret: a `generic-oidc` Receiver takes no spec.secretRef (Flux 2.9). */
import { celRule, has, str } from './helpers';

export const receiverOidcSecret = celRule({
  code: 'flux/receiver-oidc-secret', kind: 'Receiver', versions: ['v1'], at: 'spec',
  rule: "self.type != 'generic-oidc' || !has(self.secretRef)",
}, (self) => {
  if (str(self.type) !== 'generic-oidc' || !has(self, 'secretRef')) return undefined;
  return { path: ['spec', 'secretRef'], part: 'key', message: "a 'generic-oidc' Receiver authenticates callers by their OIDC token and takes no secretRef; remove spec.secretRef" };
});
