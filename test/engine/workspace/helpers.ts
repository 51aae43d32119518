/** In-memory fleets for the fleet-model tests: files by repository-relative path, analysed like `lint` does. */
import { FluxEngine } from '../../../server/src/engine/engine';
import type { FluxDiagnostic } from '../../../server/src/engine/types';

export const ROOT = '/repo';

export interface Fleet {
  engine: FluxEngine;
  /** Diagnostics per repository-relative path. */
  diags: Record<string, FluxDiagnostic[]>;
  /** Diagnostics of one file with one code. */
  of(path: string, code: string): FluxDiagnostic[];
  /** Every diagnostic with a code, across files, as `path: message`. */
  all(code: string): string[];
}

/** Analyses a fleet; `other` lists files that exist but are not YAML (generator files, scripts). */
export function fleet(files: Record<string, string>, opts: { other?: string[]; remotes?: string[]; target?: string } = {}): Fleet {
  const engine = new FluxEngine();
  if (opts.target) engine.configure({ targetFluxVersion: opts.target });
  engine.workspace.setRepo({ workspaceRoots: [ROOT], gitRoots: [ROOT], remotes: opts.remotes ?? [] });
  const local: Record<string, FluxDiagnostic[]> = {};
  for (const [p, text] of Object.entries(files)) local[p] = engine.updateFile(text, `${ROOT}/${p}`).diagnostics;
  for (const p of opts.other ?? []) engine.setOtherFile(`${ROOT}/${p}`, true);
  const diags: Record<string, FluxDiagnostic[]> = {};
  for (const p of Object.keys(files)) diags[p] = engine.workspaceDiagnostics(`${ROOT}/${p}`, local[p]!);
  return {
    engine, diags,
    of: (p, code) => (diags[p] ?? []).filter((d) => d.code === code),
    all: (code) => Object.entries(diags).flatMap(([p, ds]) => ds.filter((d) => d.code === code).map((d) => `${p}: ${d.message}`)),
  };
}

/** The range of the `occurrence`-th `needle` in a text, as LSP positions. */
export function rangeOf(text: string, needle: string, occurrence = 0): { start: { line: number; character: number }; end: { line: number; character: number } } {
  let offset = -1;
  for (let i = 0; i <= occurrence; i++) {
    offset = text.indexOf(needle, offset + 1);
    if (offset < 0) throw new Error(`'${needle}' not in the text`);
  }
  const pos = (o: number): { line: number; character: number } => {
    const before = text.slice(0, o);
    const line = before.split('\n').length - 1;
    return { line, character: o - (before.lastIndexOf('\n') + 1) };
  };
  return { start: pos(offset), end: pos(offset + needle.length) };
}

export const GOTK_SYNC = (cluster: string): string => `apiVersion: source.toolkit.fluxcd.io/v1
kind: GitRepository
metadata:
  name: flux-system
  namespace: flux-system
spec:
  interval: 1m0s
  ref:
    branch: main
  secretRef:
    name: flux-system
  url: ssh://git@github.com/example/fleet
---
apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata:
  name: flux-system
  namespace: flux-system
spec:
  interval: 10m0s
  path: ./clusters/${cluster}
  prune: true
  sourceRef:
    kind: GitRepository
    name: flux-system
`;

export const FLUX_SYSTEM_KUSTOMIZATION = `apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
resources:
  - gotk-sync.yaml
`;

export function ks(name: string, path: string, extra = '', namespace = 'flux-system'): string {
  return `apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata:
  name: ${name}
  namespace: ${namespace}
spec:
  interval: 10m
  path: ${path}
  prune: true
  sourceRef:
    kind: GitRepository
    name: flux-system
${extra}`;
}

/** A bootstrapped cluster folder: clusters/<name>/flux-system/{gotk-sync,kustomization}.yaml. */
export function bootstrap(cluster: string): Record<string, string> {
  return {
    [`clusters/${cluster}/flux-system/gotk-sync.yaml`]: GOTK_SYNC(cluster),
    [`clusters/${cluster}/flux-system/kustomization.yaml`]: FLUX_SYSTEM_KUSTOMIZATION,
  };
}
