/**
 * References from one Flux object to others (sourceRef, chartRef, dependsOn, ...), with the
 * referenced key: a reference's namespace defaults to the referring object's namespace.
 */
import { isMap, isScalar, isSeq, type Node } from 'yaml';
import type { FluxDocument, ParsedFile } from '../document/parse';
import { findPath, nodeRange } from '../document/nodes';
import type { Range } from '../types';
import type { ObjectKey } from './workspace-index';

export interface ObjectReference {
  /** Path of the reference object in the document, e.g. `['spec', 'sourceRef']` or `['spec', 'dependsOn', 0]`. */
  path: Array<string | number>;
  /** The referenced object. Its namespace is the reference's own, else the referrer's; undefined when neither is known. */
  target: ObjectKey;
  /** Whether the reference states its namespace itself. */
  namespaceExplicit: boolean;
  /** Kinds the field accepts (FLUX-FACTS §1), when restricted. */
  allowedKinds?: readonly string[];
  /** The range of the reference's `name` value. */
  nameRange: Range;
  /** The range of the whole reference value. */
  range: Range;
  /**
   * `flux`: a Flux object (kept in git as a rule); `config`: a Secret, ConfigMap or ServiceAccount, which are
   * often created outside git (External Secrets, Helm charts, `flux bootstrap`'s deploy key).
   */
  category: 'flux' | 'config';
  /** The reference says `optional: true` (valuesFrom, substituteFrom): a missing target is tolerated. */
  optional?: boolean;
}

interface RefSpec {
  /** Path to the reference, `*` standing for every item of a list. */
  path: ReadonlyArray<string>;
  /** The kind when the reference has no `kind` field (or it is empty). */
  defaultKind?: string | 'SAME';
  allowedKinds?: readonly string[];
  /** Whether the reference may carry a namespace (otherwise it is always the referrer's). */
  namespaced: boolean;
  /** A bare string field naming the object (e.g. `spec.serviceAccountName`), not a `{kind, name}` map. */
  bare?: boolean;
}

const REFS: Record<string, RefSpec[]> = {
  Kustomization: [
    { path: ['spec', 'sourceRef'], allowedKinds: ['GitRepository', 'OCIRepository', 'Bucket', 'ExternalArtifact'], namespaced: true },
    { path: ['spec', 'dependsOn', '*'], defaultKind: 'SAME', namespaced: true },
  ],
  HelmRelease: [
    { path: ['spec', 'chart', 'spec', 'sourceRef'], allowedKinds: ['HelmRepository', 'GitRepository', 'Bucket'], namespaced: true },
    { path: ['spec', 'chartRef'], allowedKinds: ['OCIRepository', 'HelmChart', 'ExternalArtifact'], namespaced: true },
    { path: ['spec', 'dependsOn', '*'], defaultKind: 'SAME', namespaced: true },
  ],
  ImageUpdateAutomation: [
    { path: ['spec', 'sourceRef'], defaultKind: 'GitRepository', allowedKinds: ['GitRepository'], namespaced: true },
  ],
  ImagePolicy: [
    { path: ['spec', 'imageRepositoryRef'], defaultKind: 'ImageRepository', namespaced: true },
  ],
  HelmChart: [
    { path: ['spec', 'sourceRef'], allowedKinds: ['HelmRepository', 'GitRepository', 'Bucket'], namespaced: false },
  ],
  Alert: [
    { path: ['spec', 'providerRef'], defaultKind: 'Provider', namespaced: false },
    { path: ['spec', 'eventSources', '*'], namespaced: true },
  ],
  Receiver: [
    { path: ['spec', 'resources', '*'], namespaced: true },
  ],
};

const secret = (...path: string[]): RefSpec => ({ path, defaultKind: 'Secret', namespaced: false });
const configMap = (...path: string[]): RefSpec => ({ path, defaultKind: 'ConfigMap', namespaced: false });
const serviceAccount: RefSpec = { path: ['spec', 'serviceAccountName'], defaultKind: 'ServiceAccount', namespaced: false, bare: true };
/** Secret/ConfigMap references of the sources that authenticate (secretRef, certSecretRef, proxySecretRef). */
const sourceSecrets = [secret('spec', 'secretRef'), secret('spec', 'certSecretRef'), secret('spec', 'proxySecretRef')];

/** References to Secrets, ConfigMaps and ServiceAccounts (FLUX-FACTS §9: often created outside git). */
const CONFIG_REFS: Record<string, RefSpec[]> = {
  Kustomization: [
    { path: ['spec', 'postBuild', 'substituteFrom', '*'], allowedKinds: ['ConfigMap', 'Secret'], namespaced: false },
    secret('spec', 'decryption', 'secretRef'), secret('spec', 'kubeConfig', 'secretRef'), configMap('spec', 'kubeConfig', 'configMapRef'),
    serviceAccount,
  ],
  HelmRelease: [
    { path: ['spec', 'valuesFrom', '*'], allowedKinds: ['ConfigMap', 'Secret'], namespaced: false },
    secret('spec', 'kubeConfig', 'secretRef'), configMap('spec', 'kubeConfig', 'configMapRef'), serviceAccount,
  ],
  GitRepository: [...sourceSecrets, secret('spec', 'verify', 'secretRef')],
  HelmRepository: sourceSecrets,
  OCIRepository: [...sourceSecrets, secret('spec', 'verify', 'secretRef'), serviceAccount],
  Bucket: [...sourceSecrets, serviceAccount],
  HelmChart: [secret('spec', 'verify', 'secretRef')],
  ImageRepository: [...sourceSecrets, serviceAccount],
  Provider: sourceSecrets,
  Receiver: [secret('spec', 'secretRef')],
};

function scalarAt(map: Node, key: string): { value: string; node: Node } | undefined {
  if (!isMap(map)) return undefined;
  const v = map.get(key, true) as Node | undefined;
  if (!isScalar(v) || v.value === null || v.value === undefined) return undefined;
  const value = String(v.value);
  return value === '' ? undefined : { value, node: v };
}

/** Expands `*` segments into the indexes of the list found there. */
function expand(doc: FluxDocument, path: ReadonlyArray<string>): Array<Array<string | number>> {
  let paths: Array<Array<string | number>> = [[]];
  for (const seg of path) {
    if (seg !== '*') {
      paths = paths.map((p) => [...p, seg]);
      continue;
    }
    const next: Array<Array<string | number>> = [];
    for (const p of paths) {
      const hit = findPath(doc, p);
      if (hit.depth === p.length && isSeq(hit.node)) hit.node.items.forEach((_, i) => next.push([...p, i]));
    }
    paths = next;
  }
  return paths;
}

/**
 * The reference field at `path` (the path of the reference's own mapping, list indexes as numbers) of a
 * kind: the kind a reference without `kind` points to, and the kinds allowed. Undefined when `path` is
 * not a reference.
 */
export function referenceFieldAt(kind: string, path: ReadonlyArray<string | number>): { defaultKind?: string; allowedKinds?: readonly string[]; namespaced: boolean } | undefined {
  for (const spec of REFS[kind] ?? []) {
    if (spec.path.length !== path.length) continue;
    if (!spec.path.every((seg, i) => (seg === '*' ? typeof path[i] === 'number' : seg === path[i]))) continue;
    const out: { defaultKind?: string; allowedKinds?: readonly string[]; namespaced: boolean } = { namespaced: spec.namespaced };
    const def = spec.defaultKind === 'SAME' ? kind : spec.defaultKind;
    if (def !== undefined) out.defaultKind = def;
    if (spec.allowedKinds) out.allowedKinds = spec.allowedKinds;
    return out;
  }
  return undefined;
}

/**
 * The references of one document (none for non-Flux documents and kinds without references): to Flux objects,
 * and with `config: true` also to Secrets, ConfigMaps and ServiceAccounts.
 */
export function findReferences(file: ParsedFile, doc: FluxDocument, opts: { config?: boolean } = {}): ObjectReference[] {
  if (!doc.isFlux || !doc.kind) return [];
  const out: ObjectReference[] = [];
  collect(file, doc, REFS[doc.kind] ?? [], 'flux', out);
  if (opts.config) collect(file, doc, CONFIG_REFS[doc.kind] ?? [], 'config', out);
  return out;
}

function collect(file: ParsedFile, doc: FluxDocument, specs: readonly RefSpec[], category: ObjectReference['category'], out: ObjectReference[]): void {
  for (const spec of specs) {
    for (const path of expand(doc, spec.path)) {
      const hit = findPath(doc, path);
      if (spec.bare) {
        if (hit.depth !== path.length || !isScalar(hit.node) || typeof hit.node.value !== 'string') continue;
        const value = hit.node.value;
        const r = nodeRange(file, hit.node);
        if (value === '' || value.includes('${') || !r) continue;
        const target: ObjectKey = { kind: spec.defaultKind!, name: value };
        if (doc.namespace !== undefined) target.namespace = doc.namespace;
        out.push({ path, target, namespaceExplicit: false, nameRange: r, range: r, category });
        continue;
      }
      if (hit.depth !== path.length || !isMap(hit.node)) continue;
      const ref = hit.node;
      const name = scalarAt(ref, 'name');
      if (!name || name.value.includes('*') || name.value.includes('${')) continue;
      const kindField = scalarAt(ref, 'kind')?.value;
      const kind = kindField ?? (spec.defaultKind === 'SAME' ? doc.kind : spec.defaultKind);
      if (!kind || kind.includes('${')) continue;
      const nsField = spec.namespaced ? scalarAt(ref, 'namespace')?.value : undefined;
      const target: ObjectKey = { kind, name: name.value };
      const namespace = nsField ?? doc.namespace;
      if (namespace !== undefined) target.namespace = namespace;
      const nameRange = nodeRange(file, name.node);
      const range = nodeRange(file, ref);
      if (!nameRange || !range) continue;
      const r: ObjectReference = { path, target, namespaceExplicit: nsField !== undefined, nameRange, range, category };
      if (spec.allowedKinds) r.allowedKinds = spec.allowedKinds;
      const optional = ref.get('optional', true);
      if (isScalar(optional) && optional.value === true) r.optional = true;
      out.push(r);
    }
  }
}
