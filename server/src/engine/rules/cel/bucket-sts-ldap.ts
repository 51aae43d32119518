/** flux/bucket-sts-ldap: a `generic` Bucket takes only the `ldap` STS provider. */
import { celRule, has, str, strOr } from './helpers';
import { isRecord } from '../context';

export const bucketStsLdap = celRule({
  code: 'flux/bucket-sts-ldap', kind: 'Bucket', versions: ['v1'], at: 'spec',
  rule: "self.provider != 'generic' || !has(self.sts) || self.sts.provider == 'ldap'",
}, (self) => {
  if (strOr(self, 'provider', 'generic') !== 'generic' || !isRecord(self.sts)) return undefined;
  const sts = str(self.sts.provider);
  if (sts === undefined || sts === 'ldap' || !has(self.sts, 'provider')) return undefined;
  return { path: ['spec', 'sts', 'provider'], part: 'value', message: `a 'generic' Bucket takes only the 'ldap' STS provider, not '${sts}'; set spec.sts.provider: ldap` };
});
