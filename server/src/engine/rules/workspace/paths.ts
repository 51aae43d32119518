/**
 * flux/path-not-found (error): a Flux Kustomization whose source is this repository names a `spec.path` that
 * does not exist (relative to the repository root); kustomize-controller fails with ArtifactFailed
 * "kustomization path not found". flux/path-empty (warning): the folder exists but holds no manifest, so the
 * Kustomization applies nothing (and with prune, deletes what it applied before).
 *
 * flux/kustomize-file-not-found (error): a `resources`, `components`, patch, generator or `crds` entry of a
 * kustomization file names a file or folder that does not exist, or a folder without a kustomization file
 * (kustomize build fails, so does the Flux Kustomization that applies it). Remote bases are not checked.
 */
import * as posix from 'node:path/posix';
import type { FluxDiagnostic } from '../../types';
import { isRemoteEntry } from '../../workspace/model';
import { KUSTOMIZATION_FILE_NAMES, type KustomizeEntry } from '../../workspace/facts';
import { displayPath, type WorkspaceRuleContext } from './context';

export function kustomizationPath(ctx: WorkspaceRuleContext): FluxDiagnostic[] {
  const out: FluxDiagnostic[] = [];
  for (const doc of ctx.file.documents) {
    if (doc.kind !== 'Kustomization' || doc.group !== 'kustomize.toolkit.fluxcd.io') continue;
    const build = ctx.graph.buildsOf(ctx.file.path, doc.index).find((b) => b.dir !== undefined);
    if (!build || build.dir === undefined) continue;
    const written = typeof (doc.value?.spec as Record<string, unknown> | undefined)?.path === 'string'
      ? String((doc.value!.spec as Record<string, unknown>).path) : '';
    const range = doc.spans.has('spec.path') ? ctx.rangeOf(doc, 'spec.path') : ctx.rangeOf(doc, 'spec', 'key');
    const root = build.root !== undefined ? displayPath(ctx.model, build.root) : '.';
    if (!build.dirExists) {
      const parent = nearestExisting(ctx, build.dir, build.root ?? '/');
      out.push(ctx.diag(doc, 'flux/path-not-found', 'error', range,
        `spec.path '${written || './'}' does not exist in this repository (resolved from the repository root${root === '.' ? '' : ` ${root}`} to ${ctx.display(build.dir)}); `
        + `kustomize-controller fails with "kustomization path not found"${parent ? `; ${ctx.display(parent)} exists` : ''}: fix the path`));
      continue;
    }
    const hasKustomization = KUSTOMIZATION_FILE_NAMES.some((n) => ctx.model.filesIn(build.dir!).has(n));
    if (!hasKustomization && build.objects.length === 0 && !hasYamlBelow(ctx, build.dir)) {
      out.push(ctx.diag(doc, 'flux/path-empty', 'warning', range,
        `spec.path '${written || './'}' (${ctx.display(build.dir)}) holds no Kubernetes manifest, so this Kustomization applies nothing${doc.value && (doc.value.spec as Record<string, unknown>)?.prune === true ? ' (and with prune: true deletes what it applied before)' : ''}: add manifests or fix the path`));
    }
  }
  return out;
}

function nearestExisting(ctx: WorkspaceRuleContext, dir: string, root: string): string | undefined {
  for (let d = posix.dirname(dir); d.length >= root.length && d !== posix.dirname(d); d = posix.dirname(d)) {
    if (ctx.model.dirExists(d)) return d === root ? undefined : d;
  }
  return undefined;
}

function hasYamlBelow(ctx: WorkspaceRuleContext, dir: string): boolean {
  const stack = [dir];
  let n = 0;
  while (stack.length > 0 && n++ < 10000) {
    const d = stack.pop()!;
    for (const name of ctx.model.filesIn(d)) {
      if (name.endsWith('/')) stack.push(posix.join(d, name.slice(0, -1)));
      else if (/\.ya?ml$/i.test(name)) return true;
    }
  }
  return false;
}

export function kustomizeFiles(ctx: WorkspaceRuleContext): FluxDiagnostic[] {
  const k = ctx.file.kustomize;
  if (!k) return [];
  const dir = posix.dirname(ctx.file.path);
  const out: FluxDiagnostic[] = [];
  const prefix = `${k.isComponent ? 'Component' : 'kustomization'} ${ctx.display(ctx.file.path)}: `;
  const report = (e: KustomizeEntry, field: string, what: string): void => {
    out.push({
      range: ctx.range(e.start, e.end), severity: 'error', code: 'flux/kustomize-file-not-found',
      message: `${prefix}${field} entry '${e.value}' ${what}; kustomize build fails, and so does the Flux Kustomization that applies this folder`,
      data: { entry: e.value },
    });
  };
  const check = (e: KustomizeEntry, field: string, needKustomization: boolean): void => {
    if (isRemoteEntry(e.value) || e.value.includes('${')) return;
    const p = posix.join(dir, e.value);
    if (ctx.model.fileExists(p)) {
      if (needKustomization && field === 'components') report(e, field, 'is a file; a component is a folder with a kustomization.yaml (kind: Component)');
      return;
    }
    if (ctx.model.dirExists(p)) {
      if (needKustomization && !KUSTOMIZATION_FILE_NAMES.some((n) => ctx.model.filesIn(p).has(n))) report(e, field, `is a folder without a kustomization.yaml (${ctx.display(p)})`);
      return;
    }
    report(e, field, `does not exist (${ctx.display(p)})`);
  };
  for (const r of k.resources) check(r, 'resources', true);
  for (const c of k.components) check(c, 'components', true);
  for (const p of k.patches) if (p.file) check(p.file, 'patches', false);
  for (const f of k.files) check(f, 'generator/crds', false);
  return out;
}
