/** flux/imagepolicy-interval: an ImagePolicy takes spec.interval only with digestReflectionPolicy Always. */
import { celRule, has, strOr } from './helpers';

export const imagePolicyInterval = celRule({
  code: 'flux/imagepolicy-interval', kind: 'ImagePolicy', versions: ['v1'], at: 'spec',
  rule: "!has(self.interval) || (has(self.digestReflectionPolicy) && self.digestReflectionPolicy == 'Always')",
}, (self) => {
  const policy = strOr(self, 'digestReflectionPolicy', 'Never');
  if (!has(self, 'interval') || policy === undefined || policy === 'Always') return undefined;
  return { path: ['spec', 'interval'], part: 'key', message: `interval is accepted only with digestReflectionPolicy: Always (it is ${policy}); remove spec.interval or set digestReflectionPolicy: Always` };
});
