/** flux/helmchart-verify: a HelmChart verifies signatures only for charts from a HelmRepository. */
import { celRule, has, str } from './helpers';
import { isRecord } from '../context';

export const helmChartVerify = celRule({
  code: 'flux/helmchart-verify', kind: 'HelmChart', versions: ['v1'], at: 'spec',
  rule: "!has(self.verify) || self.sourceRef.kind == 'HelmRepository'",
}, (self) => {
  if (!has(self, 'verify') || !isRecord(self.sourceRef)) return undefined;
  const kind = str(self.sourceRef.kind);
  if (kind === undefined || kind === 'HelmRepository') return undefined;
  return { path: ['spec', 'verify'], part: 'key', message: `verify works only when spec.sourceRef.kind is HelmRepository, not ${kind}; remove spec.verify or take the chart from a HelmRepository` };
});
