/** Small in-memory CRDs for the schema-source tests (built from the bundled schemas: no upstream CRD file). */
import { stringify } from 'yaml';
import { SchemaRegistry } from '../../server/src/engine/schema/registry';
import type { SchemaNode } from '../../server/src/engine/schema/types';
import { GIT_REPO } from './rules/helpers';

const G = 'source.toolkit.fluxcd.io';

/** A CustomResourceDefinition object serving one version with `schema`, labelled with a Flux version. */
export function crd(kind: string, plural: string, group: string, version: string, schema: SchemaNode, fluxVersion: string): Record<string, unknown> {
  return {
    apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition',
    metadata: { name: `${plural}.${group}`, labels: { 'app.kubernetes.io/version': fluxVersion } },
    spec: { group, names: { kind, plural }, scope: 'Namespaced', versions: [{ name: version, served: true, storage: true, schema: { openAPIV3Schema: schema } }] },
  };
}

/** A GitRepository v1 CRD: the bundled schema plus `spec.<extra>` (a field only this source has), optional CEL rules on spec. */
export function gitCrd(extra: string, fluxVersion = 'v2.9.0', rules?: Array<{ rule: string; message?: string }>): Record<string, unknown> {
  const root = structuredClone(SchemaRegistry.bundled().get(G, 'v1', 'GitRepository')!);
  const spec = root.properties!.spec!;
  spec.properties = { ...spec.properties, [extra]: { type: 'string', description: `${extra}, a field only this source has.` } };
  if (rules) spec['x-kubernetes-validations'] = rules;
  return crd('GitRepository', 'gitrepositories', G, 'v1', root, fluxVersion);
}

export const crdYaml = (...objs: unknown[]): string => objs.map((o) => stringify(o)).join('---\n');

/** The test GitRepository (flux-system/podinfo) with `spec.<field>: yes-please` as its last line (line 10). */
export const gitDoc = (field: string): string => `${GIT_REPO}  ${field}: yes-please\n`;
