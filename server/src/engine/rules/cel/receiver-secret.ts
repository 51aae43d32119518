/**
 * flux/receiver-secret: every Receiver type except `generic-oidc` needs spec.secretRef (the webhook token).
 * When the schema in force still lists secretRef as required (Flux 2.8 and older), flux/missing-required says it.
 */
import { celRule, has, str } from './helpers';

export const receiverSecret = celRule({
  code: 'flux/receiver-secret', kind: 'Receiver', versions: ['v1'], at: 'spec',
  rule: "self.type == 'generic-oidc' || has(self.secretRef)",
}, (self, ctx) => {
  const type = str(self.type);
  if (type === undefined || type === 'generic-oidc' || has(self, 'secretRef') || ctx.isPatch()) return undefined;
  if (ctx.schema?.properties?.spec?.required?.includes('secretRef')) return undefined;
  return { path: ['spec'], part: 'key', message: `a '${type}' Receiver needs spec.secretRef (the Secret holding the webhook token); add spec.secretRef.name` };
});
