/** Shared helpers of the rule tests: analyse a text, and compute expected ranges from the text itself. */
import assert from 'node:assert/strict';
import { analyzeText } from '../../../server/src/engine/analyze';
import { SchemaRegistry } from '../../../server/src/engine/schema/registry';
import type { FluxDiagnostic, Range } from '../../../server/src/engine/types';

export const registry = SchemaRegistry.bundled();

export function analyze(text: string, opts: { target?: string; uri?: string; version?: number } = {}): FluxDiagnostic[] {
  return analyzeText(text, { uri: opts.uri, version: opts.version, registry, targetFluxVersion: opts.target ?? '2.8' });
}

/** The range of the `occurrence`-th match of `needle` in `text` (0-based lines and UTF-16 columns, `\n` line breaks). */
export function rangeOf(text: string, needle: string, occurrence = 0): Range {
  let offset = -1;
  for (let i = 0; i <= occurrence; i++) {
    offset = text.indexOf(needle, offset + 1);
    assert.ok(offset >= 0, `'${needle}' (occurrence ${occurrence}) not in the test text`);
  }
  const pos = (o: number): { line: number; character: number } => {
    const before = text.slice(0, o);
    const line = before.split('\n').length - 1;
    return { line, character: o - (before.lastIndexOf('\n') + 1) };
  };
  return { start: pos(offset), end: pos(offset + needle.length) };
}

/** The single diagnostic with this code (fails when there is none or more than one). */
export function one(diags: FluxDiagnostic[], code: string): FluxDiagnostic {
  const found = diags.filter((d) => d.code === code);
  assert.equal(found.length, 1, `expected exactly one ${code}, got ${JSON.stringify(diags, null, 1)}`);
  return found[0]!;
}

export function codes(diags: FluxDiagnostic[]): string[] {
  return diags.map((d) => d.code);
}

export const GIT_REPO = `apiVersion: source.toolkit.fluxcd.io/v1
kind: GitRepository
metadata:
  name: podinfo
  namespace: flux-system
spec:
  interval: 5m
  url: https://github.com/stefanprodan/podinfo
  ref:
    branch: master
`;

export const KUSTOMIZATION = `apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata:
  name: apps
  namespace: flux-system
spec:
  interval: 10m
  path: ./apps
  prune: true
  sourceRef:
    kind: GitRepository
    name: flux-system
`;

export const HELM_RELEASE = `apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata:
  name: podinfo
  namespace: apps
spec:
  interval: 30m
  chart:
    spec:
      chart: podinfo
      version: ">=6.0.0 <7.0.0"
      sourceRef:
        kind: HelmRepository
        name: podinfo
  values:
    replicaCount: 2
`;
