/** flux/helmrelease-install-retry: spec.install.strategy.retryInterval needs the RetryOnFailure strategy. */
import { celRule, has, str } from './helpers';

export const helmReleaseInstallRetry = celRule({
  code: 'flux/helmrelease-install-retry', kind: 'HelmRelease', versions: ['v2'], at: 'spec.install.strategy',
  rule: "!has(self.retryInterval) || self.name != 'RemediateOnFailure'",
}, (self) => {
  if (!has(self, 'retryInterval') || str(self.name) !== 'RemediateOnFailure') return undefined;
  return { path: ['spec', 'install', 'strategy', 'retryInterval'], part: 'key', message: "retryInterval applies only to the RetryOnFailure strategy, not RemediateOnFailure; set name: RetryOnFailure or remove retryInterval" };
});
