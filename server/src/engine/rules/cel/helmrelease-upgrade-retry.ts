/** flux/helmrelease-upgrade-retry: spec.upgrade.strategy.retryInterval needs the RetryOnFailure strategy. */
import { celRule, has, str } from './helpers';

export const helmReleaseUpgradeRetry = celRule({
  code: 'flux/helmrelease-upgrade-retry', kind: 'HelmRelease', versions: ['v2'], at: 'spec.upgrade.strategy',
  rule: "!has(self.retryInterval) || self.name != 'RemediateOnFailure'",
}, (self) => {
  if (!has(self, 'retryInterval') || str(self.name) !== 'RemediateOnFailure') return undefined;
  return { path: ['spec', 'upgrade', 'strategy', 'retryInterval'], part: 'key', message: "retryInterval applies only to the RetryOnFailure strategy, not RemediateOnFailure; set name: RetryOnFailure or remove retryInterval" };
});
