/** flux/bucket-sts-provider: spec.sts works only with the `aws` and `generic` Bucket providers. */
import { celRule, has, strOr } from './helpers';

export const bucketStsProvider = celRule({
  code: 'flux/bucket-sts-provider', kind: 'Bucket', versions: ['v1'], at: 'spec',
  rule: "self.provider == 'aws' || self.provider == 'generic' || !has(self.sts)",
}, (self) => {
  const provider = strOr(self, 'provider', 'generic');
  if (provider === undefined || !has(self, 'sts') || provider === 'aws' || provider === 'generic') return undefined;
  return { path: ['spec', 'sts'], part: 'key', message: `sts is supported only for the 'aws' and 'generic' providers, not '${provider}'; remove spec.sts or change spec.provider` };
});
