/**
 * The schema registry: bundled Flux schemas (generated at build time by server/scripts/gen-schemas.mjs from
 * @kubernetes-models/flux-cd), with a seam for schemas read from a live cluster's CRDs, which replace the
 * bundled ones for the same group/version/kind.
 */
import bundledFile from '../../../generated/flux-schemas.json';
import type { KindSchema, SchemaNode, SchemaType } from './types';

/** The shape of server/generated/flux-schemas.json. */
export interface BundledSchemas {
  /** e.g. `@kubernetes-models/flux-cd@4.0.0`. */
  source: string;
  /** The optional supplement package that filled in missing descriptions and constraints (see gen-schemas.mjs). */
  supplement?: string;
  /** The constraints taken from the supplement, by kind and path (`0` = array items, `*` = map values). */
  supplemented?: SupplementedConstraint[];
  kinds: KindSchema[];
}

export interface SupplementedConstraint {
  group: string;
  version: string;
  kind: string;
  /** The supplement's version the constraint came from. */
  from: string;
  path: Array<string | number>;
  keys: string[];
}

// The JSON module is typed from its content (`type: string`); its shape is the generator's contract.
const BUNDLED = bundledFile as unknown as BundledSchemas;

/** Where a kind's schema came from. */
export type SchemaOrigin = 'bundled' | 'cluster';

const key = (group: string, version: string, kind: string): string => `${group}/${version}/${kind}`;

/**
 * Kubernetes version priority: GA before beta before alpha, higher numbers first (v2 > v1 > v1beta2 > v1beta1 > v1alpha1).
 * Returns a negative number when `a` has the higher priority.
 */
export function compareKubeVersions(a: string, b: string): number {
  const parse = (v: string): [number, number, number] | undefined => {
    const m = /^v(\d+)(?:(alpha|beta)(\d+))?$/.exec(v);
    if (!m) return undefined;
    const stage = m[2] === undefined ? 2 : m[2] === 'beta' ? 1 : 0;
    return [stage, Number(m[1]), m[3] === undefined ? 0 : Number(m[3])];
  };
  const pa = parse(a);
  const pb = parse(b);
  if (!pa || !pb) return pa ? -1 : pb ? 1 : a.localeCompare(b);
  for (let i = 0; i < 3; i++) if (pa[i] !== pb[i]) return pb[i] - pa[i];
  return 0;
}

export class SchemaRegistry {
  private readonly base = new Map<string, KindSchema>();
  private readonly overrides = new Map<string, KindSchema>();

  /** Where the bundled schemas came from, e.g. `@kubernetes-models/flux-cd@4.0.0`. */
  readonly source: string;

  constructor(kinds: readonly KindSchema[] = [], source = 'custom') {
    for (const k of kinds) this.base.set(key(k.group, k.version, k.kind), k);
    this.source = source;
  }

  /** The supplement package, when the bundled schemas were completed from one (see gen-schemas.mjs). */
  supplement?: string;

  /** A registry over the schemas bundled at build time. Each call returns an independent registry (own overrides). */
  static bundled(): SchemaRegistry {
    const r = new SchemaRegistry(BUNDLED.kinds, BUNDLED.source);
    if (BUNDLED.supplement !== undefined) r.supplement = BUNDLED.supplement;
    return r;
  }

  /** The constraints the bundled schemas took from the supplement package (empty without one). */
  static supplemented(): readonly SupplementedConstraint[] {
    return BUNDLED.supplemented ?? [];
  }

  /** The root schema (apiVersion, kind, metadata, spec, status) of one kind at one version. */
  get(group: string, version: string, kind: string): SchemaNode | undefined {
    return this.getKind(group, version, kind)?.schema;
  }

  getKind(group: string, version: string, kind: string): KindSchema | undefined {
    const k = key(group, version, kind);
    return this.overrides.get(k) ?? this.base.get(k);
  }

  /** Whether the schema in effect for this kind/version is bundled or read from a cluster. */
  origin(group: string, version: string, kind: string): SchemaOrigin | undefined {
    const k = key(group, version, kind);
    return this.overrides.has(k) ? 'cluster' : this.base.has(k) ? 'bundled' : undefined;
  }

  /** The versions known for a kind, highest priority first (e.g. `v1`, `v1beta2`, `v1beta1`). */
  versions(group: string, kind: string): string[] {
    const out = new Set<string>();
    for (const k of this.kinds()) if (k.group === group && k.kind === kind) out.add(k.version);
    return [...out].sort(compareKubeVersions);
  }

  /** Every kind/version in effect: bundled ones, each replaced by its override when there is one, plus override-only ones. */
  kinds(): KindSchema[] {
    const merged = new Map(this.base);
    for (const [k, v] of this.overrides) merged.set(k, v);
    return [...merged.values()];
  }

  /**
   * Replaces (or adds) the schema of one kind/version, e.g. with the one read from the cluster's CRD.
   * A CRD's `metadata` schema is usually a bare `{type: object}`; when it has no properties, the bundled
   * ObjectMeta schema is kept so completion and hover still work on metadata fields.
   */
  override(k: KindSchema): void {
    const meta = k.schema.properties?.metadata;
    let schema = k.schema;
    if (schema.properties && (!meta || !meta.properties)) {
      const bundledMeta = this.findBundledMetadata();
      if (bundledMeta) schema = { ...schema, properties: { ...schema.properties, metadata: bundledMeta } };
    }
    this.overrides.set(key(k.group, k.version, k.kind), { ...k, schema });
  }

  clearOverrides(): void {
    this.overrides.clear();
  }

  private findBundledMetadata(): SchemaNode | undefined {
    for (const k of this.base.values()) {
      const m = k.schema.properties?.metadata;
      if (m?.properties) return m;
    }
    return undefined;
  }
}

// ---------------------------------------------------------------------------------------------------------
// CRD conversion
// ---------------------------------------------------------------------------------------------------------

const SCHEMA_TYPES: ReadonlySet<string> = new Set(['object', 'array', 'string', 'integer', 'number', 'boolean']);

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

/**
 * Copies the supported subset of an OpenAPI v3 schema (as found in a CRD) into a SchemaNode, dropping
 * keywords the engine does not use (anyOf, x-kubernetes-validations, …) and anything malformed.
 */
export function toSchemaNode(raw: unknown, depth = 0): SchemaNode {
  if (!isRecord(raw) || depth > 64) return {};
  const n: SchemaNode = {};
  if (typeof raw.type === 'string' && SCHEMA_TYPES.has(raw.type)) n.type = raw.type as SchemaType;
  if (typeof raw.description === 'string') n.description = raw.description;
  if (isRecord(raw.properties)) {
    n.properties = {};
    for (const [k, v] of Object.entries(raw.properties)) n.properties[k] = toSchemaNode(v, depth + 1);
  }
  if (Array.isArray(raw.required)) n.required = raw.required.filter((r): r is string => typeof r === 'string');
  if (typeof raw.additionalProperties === 'boolean') n.additionalProperties = raw.additionalProperties;
  else if (isRecord(raw.additionalProperties)) n.additionalProperties = toSchemaNode(raw.additionalProperties, depth + 1);
  if (isRecord(raw.items)) n.items = toSchemaNode(raw.items, depth + 1);
  if (Array.isArray(raw.enum)) {
    n.enum = raw.enum.filter((e): e is string | number | boolean => ['string', 'number', 'boolean'].includes(typeof e));
  }
  if (typeof raw.pattern === 'string') n.pattern = raw.pattern;
  if (typeof raw.format === 'string') n.format = raw.format;
  for (const k of ['minLength', 'maxLength', 'minimum', 'maximum', 'minItems', 'maxItems'] as const) {
    const v = num(raw[k]);
    if (v !== undefined) n[k] = v;
  }
  if (raw.default !== undefined) n.default = raw.default;
  if (raw.nullable === true) n.nullable = true;
  if (raw['x-kubernetes-int-or-string'] === true) n['x-kubernetes-int-or-string'] = true;
  if (raw['x-kubernetes-preserve-unknown-fields'] === true) n['x-kubernetes-preserve-unknown-fields'] = true;
  return n;
}

/**
 * Converts an apiextensions.k8s.io/v1 CustomResourceDefinition object into one KindSchema per served
 * version that carries a schema. Anything that is not such a CRD yields an empty list.
 */
export function kindSchemasFromCrd(crd: unknown): KindSchema[] {
  if (!isRecord(crd) || !isRecord(crd.spec)) return [];
  const { group, names, versions } = crd.spec;
  if (typeof group !== 'string' || !isRecord(names) || typeof names.kind !== 'string' || !Array.isArray(versions)) return [];
  const kind = names.kind;
  const out: KindSchema[] = [];
  for (const v of versions) {
    if (!isRecord(v) || typeof v.name !== 'string' || !isRecord(v.schema) || !isRecord(v.schema.openAPIV3Schema)) continue;
    if (v.served === false) continue;
    out.push({ group, version: v.name, kind, schema: toSchemaNode(v.schema.openAPIV3Schema) });
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------
// Navigation
// ---------------------------------------------------------------------------------------------------------

const ANY: SchemaNode = { 'x-kubernetes-preserve-unknown-fields': true };

/**
 * The schema of the value at `path` below `root` (strings = object keys, numbers = array indexes), walking
 * `properties`, `items` and `additionalProperties`. A map declared with `additionalProperties: true` yields a
 * free-form schema. Undefined when the path leaves the schema.
 */
export function schemaAtPath(root: SchemaNode, path: ReadonlyArray<string | number>): SchemaNode | undefined {
  let node: SchemaNode | undefined = root;
  for (const seg of path) {
    if (!node) return undefined;
    if (typeof seg === 'number') {
      node = node.items;
      continue;
    }
    const prop: SchemaNode | undefined = node.properties && Object.hasOwn(node.properties, seg) ? node.properties[seg] : undefined;
    if (prop) node = prop;
    else if (node.additionalProperties === true) node = ANY;
    else if (node.additionalProperties) node = node.additionalProperties;
    else return undefined;
  }
  return node;
}
