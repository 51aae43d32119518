/**
 * flux/health-check-not-applied (error): a Kustomization's `spec.healthChecks` entry names an object the
 * Kustomization does not apply. The health check then waits for an object that only appears by chance (another
 * Kustomization or a chart makes it) and fails with HealthCheckFailed "timeout waiting for" when none does.
 *
 * Only judged when the Kustomization's build is known (its source is this repository and its path exists).
 * Objects a HelmRelease applies (its chart's Deployments) cannot be known: an entry naming a kind the build does
 * not hold is not reported when the Kustomization applies a HelmRelease in that namespace.
 */
import type { FluxDiagnostic } from '../../types';
import { closest } from '../../schema/validate';
import type { WorkspaceRuleContext } from './context';

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function healthChecks(ctx: WorkspaceRuleContext): FluxDiagnostic[] {
  const out: FluxDiagnostic[] = [];
  for (const doc of ctx.file.documents) {
    if (doc.kind !== 'Kustomization' || doc.group !== 'kustomize.toolkit.fluxcd.io') continue;
    const checks = isRecord(doc.value?.spec) ? (doc.value.spec as Record<string, unknown>).healthChecks : undefined;
    if (!Array.isArray(checks) || checks.length === 0) continue;
    const build = ctx.graph.buildsOf(ctx.file.path, doc.index).find((b) => b.dirExists === true);
    if (!build) continue;
    const ownNs = build.ks.namespace;
    checks.forEach((c, i) => {
      if (!isRecord(c) || typeof c.kind !== 'string' || typeof c.name !== 'string') return;
      const kind = c.kind;
      const name = c.name;
      if (name.includes('${') || kind.includes('${')) return;
      const ns = typeof c.namespace === 'string' ? c.namespace : ownNs;
      const applied = build.objects.filter((o) => o.kind === kind && o.name === name && (ns === undefined || o.namespace === undefined || o.namespace === ns));
      if (applied.length > 0) return;
      // A HelmRelease's chart makes objects the model cannot see: give it the benefit of the doubt.
      if (build.objects.some((o) => o.kind === 'HelmRelease' && (ns === undefined || o.namespace === undefined || o.namespace === ns)) && kind !== 'HelmRelease' && kind !== 'Kustomization') return;
      const sameKind = build.objects.filter((o) => o.kind === kind).map((o) => o.name);
      const suggestion = closest(name, sameKind);
      const range = doc.spans.has(`spec.healthChecks.${i}.name`) ? ctx.rangeOf(doc, `spec.healthChecks.${i}.name`) : ctx.rangeOf(doc, `spec.healthChecks.${i}`);
      out.push(ctx.diag(doc, 'flux/health-check-not-applied', 'error', range,
        `spec.healthChecks[${i}] waits for ${kind} ${ns !== undefined ? `${ns}/` : ''}${name}, which this Kustomization does not apply (${ctx.display(build.dir!)}); `
        + `the health check times out with HealthCheckFailed${suggestion !== undefined ? `: did you mean '${suggestion}'?` : ': name an object of this Kustomization, or remove the entry'}`,
        suggestion !== undefined ? { suggestion } : undefined));
    });
  }
  return out;
}
