/** flux/gitrepository-service-account: spec.serviceAccountName needs spec.provider `azure` or `aws`. */
import { celRule, has, str } from './helpers';

export const gitRepositoryServiceAccount = celRule({
  code: 'flux/gitrepository-service-account', kind: 'GitRepository', versions: ['v1'], at: 'spec',
  rule: "!has(self.serviceAccountName) || (has(self.provider) && (self.provider == 'azure' || self.provider == 'aws'))",
}, (self) => {
  if (!has(self, 'serviceAccountName')) return undefined;
  const provider = has(self, 'provider') ? str(self.provider) : '';
  if (provider === undefined || provider === 'azure' || provider === 'aws') return undefined;
  const now = provider === '' ? 'no provider is set' : `the provider is '${provider}'`;
  return { path: ['spec', 'serviceAccountName'], part: 'key', message: `serviceAccountName works only with provider 'azure' or 'aws', but ${now}; set spec.provider or remove spec.serviceAccountName` };
});
