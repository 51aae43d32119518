/**
 * flux/helm-chart-name (warning): a HelmRelease chart from a HelmRepository named like `repo/chart`, as in
 * `helm install bitnami/nginx`. In Flux the repository is the sourceRef; `chart` is the name in its index.
 * (For an OCI HelmRepository a sub-path can be meant, hence a warning.)
 */
import type { FluxDiagnostic } from '../types';
import { isOpaqueString, valueAt, type RuleContext } from './context';

export function helmChartName(ctx: RuleContext): FluxDiagnostic[] {
  if (ctx.doc.kindInfo?.kind !== 'HelmRelease') return [];
  const root = ctx.value();
  if (valueAt(root, ['spec', 'chart', 'spec', 'sourceRef', 'kind']) !== 'HelmRepository') return [];
  const chart = valueAt(root, ['spec', 'chart', 'spec', 'chart']);
  if (typeof chart !== 'string' || isOpaqueString(chart) || !chart.includes('/')) return [];
  const name = chart.slice(chart.lastIndexOf('/') + 1);
  if (name === '') return [];
  const repo = valueAt(root, ['spec', 'chart', 'spec', 'sourceRef', 'name']);
  return [ctx.diag('flux/helm-chart-name', 'warning', ctx.rangeOf(['spec', 'chart', 'spec', 'chart'], 'value'),
    `spec.chart.spec.chart '${chart}' looks like 'repository/chart'; with a HelmRepository source${typeof repo === 'string' ? ` (${repo})` : ''} write only the chart name: chart: ${name}`,
    { suggestion: name })];
}
