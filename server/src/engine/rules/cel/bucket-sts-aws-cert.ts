/** flux/bucket-sts-aws-cert: the `aws` STS provider takes no spec.sts.certSecretRef. */
import { celRule, has, str } from './helpers';
import { isRecord } from '../context';

export const bucketStsAwsCert = celRule({
  code: 'flux/bucket-sts-aws-cert', kind: 'Bucket', versions: ['v1'], at: 'spec',
  rule: "!has(self.sts) || self.sts.provider != 'aws' || !has(self.sts.certSecretRef)",
}, (self) => {
  if (!isRecord(self.sts) || str(self.sts.provider) !== 'aws' || !has(self.sts, 'certSecretRef')) return undefined;
  return { path: ['spec', 'sts', 'certSecretRef'], part: 'key', message: "the 'aws' STS provider takes no certSecretRef (TLS settings apply to 'ldap' only); remove spec.sts.certSecretRef" };
});
