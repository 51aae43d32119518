/** flux/provider-commit-status-expr: spec.commitStatusExpr works only for the Git commit-status provider types. */
import { celRule, has, str } from './helpers';

const GIT_TYPES = ['github', 'gitlab', 'gitea', 'bitbucketserver', 'bitbucket', 'azuredevops'];

export const providerCommitStatusExpr = celRule({
  code: 'flux/provider-commit-status-expr', kind: 'Provider', versions: ['v1beta3'], at: 'spec',
  rule: `${GIT_TYPES.map((t) => `self.type == '${t}'`).join(' || ')} || !has(self.commitStatusExpr)`,
}, (self) => {
  const type = str(self.type);
  if (!has(self, 'commitStatusExpr') || type === undefined || GIT_TYPES.includes(type)) return undefined;
  return { path: ['spec', 'commitStatusExpr'], part: 'key', message: `commitStatusExpr is supported only for the provider types ${GIT_TYPES.join(', ')}, not '${type}'; remove spec.commitStatusExpr` };
});
