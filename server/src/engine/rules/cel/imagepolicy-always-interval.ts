/** flux/imagepolicy-always-interval: digestReflectionPolicy Always needs spec.interval. */
import { celRule, has, str } from './helpers';

export const imagePolicyAlwaysInterval = celRule({
  code: 'flux/imagepolicy-always-interval', kind: 'ImagePolicy', versions: ['v1'], at: 'spec',
  rule: "has(self.interval) || !has(self.digestReflectionPolicy) || self.digestReflectionPolicy != 'Always'",
}, (self, ctx) => {
  if (has(self, 'interval') || str(self.digestReflectionPolicy) !== 'Always' || ctx.isPatch()) return undefined;
  return { path: ['spec', 'digestReflectionPolicy'], part: 'value', message: 'digestReflectionPolicy: Always needs spec.interval (how often the digest is looked up again); add spec.interval, e.g. 10m' };
});
