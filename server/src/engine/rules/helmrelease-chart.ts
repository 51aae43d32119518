/**
 * flux/helmrelease-chart: a HelmRelease names its chart with exactly one of spec.chart (a chart template
 * from a HelmRepository, GitRepository or Bucket) and spec.chartRef (an OCIRepository, HelmChart or
 * ExternalArtifact).
 */
import { hasSyntaxErrors } from '../document';
import type { FluxDiagnostic } from '../types';
import { isRecord, type RuleContext } from './context';

export function helmReleaseChart(ctx: RuleContext): FluxDiagnostic[] {
  const { doc } = ctx;
  if (doc.kindInfo?.kind !== 'HelmRelease') return [];
  const spec = (isRecord(ctx.value()) ? (ctx.value() as Record<string, unknown>).spec : undefined);
  if (!isRecord(spec)) return [];
  const hasChart = spec.chart !== undefined && spec.chart !== null;
  const hasRef = spec.chartRef !== undefined && spec.chartRef !== null;
  if (hasChart && hasRef) {
    return [ctx.diag('flux/helmrelease-chart', 'error', ctx.rangeOf(['spec', 'chartRef'], 'key'),
      'spec.chart and spec.chartRef are both set; a HelmRelease takes exactly one of them: remove spec.chart or spec.chartRef')];
  }
  if (!hasChart && !hasRef) {
    // When the schema itself requires spec.chart (older API versions), the schema check already reports it.
    if (ctx.schema?.properties?.spec?.required?.includes('chart')) return [];
    if (ctx.isPatch() || hasSyntaxErrors(doc)) return [];
    return [ctx.diag('flux/helmrelease-chart', 'error', ctx.rangeOf(['spec'], 'key'),
      'neither spec.chart nor spec.chartRef is set; add spec.chartRef (an OCIRepository or HelmChart) or spec.chart.spec (chart and sourceRef)')];
  }
  return [];
}
