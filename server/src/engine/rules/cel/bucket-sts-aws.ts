/** flux/bucket-sts-aws: an `aws` Bucket takes only the `aws` STS provider. */
import { celRule, has, str, strOr } from './helpers';
import { isRecord } from '../context';

export const bucketStsAws = celRule({
  code: 'flux/bucket-sts-aws', kind: 'Bucket', versions: ['v1'], at: 'spec',
  rule: "self.provider != 'aws' || !has(self.sts) || self.sts.provider == 'aws'",
}, (self) => {
  if (strOr(self, 'provider', 'generic') !== 'aws' || !isRecord(self.sts)) return undefined;
  const sts = str(self.sts.provider);
  if (sts === undefined || sts === 'aws' || !has(self.sts, 'provider')) return undefined;
  return { path: ['spec', 'sts', 'provider'], part: 'value', message: `an 'aws' Bucket takes only the 'aws' STS provider, not '${sts}'; set spec.sts.provider: aws` };
});
