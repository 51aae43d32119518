/** flux/bucket-sts-aws-secret: the `aws` STS provider takes no spec.sts.secretRef. */
import { celRule, has, str } from './helpers';
import { isRecord } from '../context';

export const bucketStsAwsSecret = celRule({
  code: 'flux/bucket-sts-aws-secret', kind: 'Bucket', versions: ['v1'], at: 'spec',
  rule: "!has(self.sts) || self.sts.provider != 'aws' || !has(self.sts.secretRef)",
}, (self) => {
  if (!isRecord(self.sts) || str(self.sts.provider) !== 'aws' || !has(self.sts, 'secretRef')) return undefined;
  return { path: ['spec', 'sts', 'secretRef'], part: 'key', message: "the 'aws' STS provider takes no secretRef (it uses the controller's AWS identity); remove spec.sts.secretRef" };
});
