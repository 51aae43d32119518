/**
 * The schema registry: bundled Flux schemas (generated at build time by server/scripts/gen-schemas.mjs from
 * @kubernetes-models/flux-cd), with a seam for schemas read from a live cluster's CRDs, which replace the
 * bundled ones for the same group/version/kind.
 */
import bundledFile from '../../../generated/flux-schemas.json';
import type { CelValidation, KindSchema, SchemaNode, SchemaType } from './types';
import { LATER_ADDITIONS } from './field-history';

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

/**
 * Where a kind's schema came from: the live cluster's CRDs (handed over by the explorer, or read by the CLI with
 * `--context`), CRD files named on the command line (`lint --schema-from`), CRDs committed in the workspace
 * (gotk-components.yaml and the like), or the schemas bundled at build time.
 */
export type SchemaOrigin = 'bundled' | 'cluster' | 'file' | 'workspace';

/** The `fluxWorkbench.schemaSource` setting: `auto` takes the first source that has the kind, in order of truth. */
export type SchemaSourceMode = 'auto' | 'cluster' | 'workspace' | 'bundled';

export const SCHEMA_SOURCE_MODES: readonly SchemaSourceMode[] = ['auto', 'cluster', 'workspace', 'bundled'];

/**
 * The Flux minor release the bundled schemas describe: @kubernetes-models/flux-cd@4 is generated from the Flux 2.8
 * API modules. Newer fields (2.9 and later) are known only from a cluster's or the workspace's CRDs.
 */
export const BUNDLED_FLUX_VERSION = '2.8';

/** One non-bundled source of schemas, as hover and the status line name it. */
export interface SchemaSourceInfo {
  origin: Exclude<SchemaOrigin, 'bundled'>;
  /** e.g. `cluster prod`, `workspace clusters/prod/flux-system/gotk-components.yaml`, `file crds/`. */
  label: string;
  /** The Flux version the CRDs carry (`app.kubernetes.io/version`, e.g. `v2.9.1`), when they carry one. */
  fluxVersion?: string;
}

/** A set of CRD schemas found in the workspace, used by the documents below `scope` (a path or URI prefix). */
export interface WorkspaceSchemaSet {
  scope: string;
  kinds: readonly KindSchema[];
  info: SchemaSourceInfo;
}

interface Layer { kinds: Map<string, KindSchema>; info: SchemaSourceInfo }

/** The order of truth per mode (the CLI's `--schema-from` files come first in auto). */
const LAYER_ORDER: Record<SchemaSourceMode, ReadonlyArray<'cluster' | 'file' | 'workspace'>> = {
  auto: ['file', 'cluster', 'workspace'], cluster: ['cluster'], workspace: ['workspace'], bundled: [],
};

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

/** LATER_ADDITIONS in force per target Flux version (see forTarget). */
const ADDITIONS_BY_TARGET = new Map<string, typeof LATER_ADDITIONS>();

export class SchemaRegistry {
  private readonly base = new Map<string, KindSchema>();
  /** The live cluster's CRD schemas (`override()` writes here). */
  private readonly overrides = new Map<string, KindSchema>();
  private clusterInfo: SchemaSourceInfo = { origin: 'cluster', label: 'cluster' };
  private readonly fileLayer: Layer = { kinds: new Map(), info: { origin: 'file', label: 'file' } };
  private workspaceSets: Layer[] = [];
  private workspaceScopes: string[] = [];
  /** The workspace set in force: a view made by forDocument() selects one; undefined = the first set. */
  private selected?: Layer;
  private views = new Map<number, SchemaRegistry>();
  private modeValue: SchemaSourceMode = 'auto';
  /** Bundled schemas widened for a target newer than they describe (a view made by forTarget() sets it). */
  private baseOverlay?: Map<string, KindSchema>;
  private targetViews?: Map<string, SchemaRegistry>;
  /** Bumped whenever a source or the mode changes, so adapters know to re-analyse. */
  private generationValue = 0;

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
    const layer = this.layerOf(k);
    return layer ? layer.kinds.get(k) : this.baseOverlay?.get(k) ?? this.base.get(k);
  }

  /**
   * The registry for a target Flux version: for a target newer than BUNDLED_FLUX_VERSION, the bundled schemas accept
   * the fields and enum values later releases added (schema/field-history.ts LATER_ADDITIONS), untyped. Schemas from
   * the cluster or the workspace are unchanged. This registry itself for older targets.
   */
  forTarget(target: string): SchemaRegistry {
    // Asked for every file analysed: the additions in force per target are worked out once.
    let additions = ADDITIONS_BY_TARGET.get(target);
    if (!additions) {
      additions = LATER_ADDITIONS.filter((a) => compareMinor(target, a.introducedIn) >= 0);
      if (ADDITIONS_BY_TARGET.size < 64) ADDITIONS_BY_TARGET.set(target, additions);
    }
    if (additions.length === 0) return this;
    const id = additions.length.toString();
    // Own cache per registry or view (a view's prototype holds another view's cache).
    if (!Object.hasOwn(this, 'targetViews') || !this.targetViews) this.targetViews = new Map();
    let view = this.targetViews.get(id);
    if (!view) {
      const overlay = new Map<string, KindSchema>();
      for (const a of additions) {
        const k = key(BUNDLED_GROUPS[a.kind] ?? '', a.version, a.kind);
        const kind = overlay.get(k) ?? this.base.get(k);
        if (!kind) continue;
        overlay.set(k, { ...kind, schema: widen(kind.schema, a.path, a) });
      }
      // A view shares every map with this registry and only widens some bundled schemas.
      view = Object.create(this) as SchemaRegistry;
      view.baseOverlay = overlay;
      view.targetViews = new Map();
      this.targetViews.set(id, view);
    }
    return view;
  }

  /** Which source supplies the schema in effect for this kind/version. */
  origin(group: string, version: string, kind: string): SchemaOrigin | undefined {
    const k = key(group, version, kind);
    return this.layerOf(k)?.info.origin ?? (this.base.has(k) ? 'bundled' : undefined);
  }

  /** The non-bundled source in force for this kind/version (undefined when it is bundled or unknown). */
  sourceOf(group: string, version: string, kind: string): SchemaSourceInfo | undefined {
    return this.layerOf(key(group, version, kind))?.info;
  }

  /** One line naming the source in force, e.g. `schema: cluster prod, Flux v2.9.1` or `schema: bundled Flux 2.8 (…)`. */
  describeSource(group: string, version: string, kind: string): string | undefined {
    const info = this.sourceOf(group, version, kind);
    if (info) return `schema: ${info.label}${info.fluxVersion ? `, Flux ${info.fluxVersion}` : ''}`;
    if (!this.base.has(key(group, version, kind))) return undefined;
    return `schema: bundled Flux ${BUNDLED_FLUX_VERSION} (${this.source})`;
  }

  get mode(): SchemaSourceMode { return this.modeValue; }

  /** A number that changes whenever a source or the mode changes. */
  get generation(): number { return this.generationValue; }

  /** Sets `fluxWorkbench.schemaSource`. Returns whether it changed. */
  setMode(mode: SchemaSourceMode): boolean {
    if (mode === this.modeValue || !SCHEMA_SOURCE_MODES.includes(mode)) return false;
    this.modeValue = mode;
    this.generationValue++;
    return true;
  }

  /** Replaces the live cluster's schemas (an empty list forgets them: the explorer disconnected). */
  setClusterSchemas(kinds: readonly KindSchema[], info: Omit<SchemaSourceInfo, 'origin'>): void {
    this.overrides.clear();
    for (const k of kinds) this.override(k);
    this.clusterInfo = { ...info, origin: 'cluster' };
    this.generationValue++;
  }

  /** Replaces the schemas read from CRD files named on the command line. */
  setFileSchemas(kinds: readonly KindSchema[], info: Omit<SchemaSourceInfo, 'origin'>): void {
    this.fileLayer.kinds.clear();
    for (const k of kinds) this.fileLayer.kinds.set(key(k.group, k.version, k.kind), this.withMetadata(k));
    this.fileLayer.info = { ...info, origin: 'file' };
    this.generationValue++;
  }

  /** Replaces the CRD sets found in the workspace. */
  setWorkspaceSchemas(sets: readonly WorkspaceSchemaSet[]): void {
    this.workspaceSets = sets.map((s) => ({
      kinds: new Map(s.kinds.map((k) => [key(k.group, k.version, k.kind), this.withMetadata(k)])),
      info: { ...s.info, origin: 'workspace' },
    }));
    this.workspaceScopes = sets.map((s) => s.scope);
    this.views = new Map();
    this.generationValue++;
  }

  /** The workspace CRD sets in force, with their scopes. */
  workspaceSources(): Array<{ scope: string; info: SchemaSourceInfo; kinds: number }> {
    return this.workspaceSets.map((l, i) => ({ scope: this.workspaceScopes[i]!, info: l.info, kinds: l.kinds.size }));
  }

  /**
   * The registry a document at `uri` is judged by: with several workspace CRD sets (clusters on different Flux
   * versions), the set whose scope holds the document, the longest scope winning. A document under no scope gets
   * the first set only when every set names the same Flux version, else no workspace set. With at most one
   * set, this registry itself.
   */
  forDocument(uri: string | undefined): SchemaRegistry {
    if (this.workspaceSets.length <= 1 || this.selected !== undefined) return this;
    const p = uri === undefined ? '' : uri.replace(/\\/g, '/');
    let best = -1;
    for (let i = 0; i < this.workspaceScopes.length; i++) {
      const scope = this.workspaceScopes[i]!;
      if (p.startsWith(scope.endsWith('/') ? scope : `${scope}/`) && (best < 0 || scope.length > this.workspaceScopes[best]!.length)) best = i;
    }
    if (best < 0) {
      const versions = new Set(this.workspaceSets.map((l) => l.info.fluxVersion ?? '?'));
      best = versions.size === 1 ? 0 : -1;
    }
    let view = this.views.get(best);
    if (!view) {
      // A view shares every map with this registry and only selects another workspace set.
      view = Object.create(this) as SchemaRegistry;
      view.selected = best < 0 ? { kinds: new Map(), info: { origin: 'workspace', label: 'workspace' } } : this.workspaceSets[best]!;
      this.views.set(best, view);
    }
    return view;
  }

  private layerOf(k: string): Layer | undefined {
    for (const name of LAYER_ORDER[this.modeValue]) {
      const layer = name === 'cluster' ? { kinds: this.overrides, info: this.clusterInfo }
        : name === 'file' ? this.fileLayer
          : (this.selected ?? this.workspaceSets[0]);
      if (layer?.kinds.has(k)) return layer;
    }
    return undefined;
  }

  /** The versions known for a kind, highest priority first (e.g. `v1`, `v1beta2`, `v1beta1`). */
  versions(group: string, kind: string): string[] {
    const out = new Set<string>();
    for (const k of this.kinds()) if (k.group === group && k.kind === kind) out.add(k.version);
    return [...out].sort(compareKubeVersions);
  }

  /** Every kind/version in effect: bundled ones, each replaced by the source in force when there is one, plus source-only ones. */
  kinds(): KindSchema[] {
    const keys = new Set(this.base.keys());
    for (const name of LAYER_ORDER[this.modeValue]) {
      const m = name === 'cluster' ? this.overrides : name === 'file' ? this.fileLayer.kinds : (this.selected ?? this.workspaceSets[0])?.kinds;
      for (const k of m?.keys() ?? []) keys.add(k);
    }
    const out: KindSchema[] = [];
    for (const k of keys) {
      const layer = this.layerOf(k);
      const v = layer ? layer.kinds.get(k) : this.base.get(k);
      if (v) out.push(v);
    }
    return out;
  }

  /**
   * Replaces (or adds) the schema of one kind/version, e.g. with the one read from the cluster's CRD.
   * A CRD's `metadata` schema is usually a bare `{type: object}`; when it has no properties, the bundled
   * ObjectMeta schema is kept so completion and hover still work on metadata fields.
   */
  override(k: KindSchema): void {
    this.overrides.set(key(k.group, k.version, k.kind), this.withMetadata(k));
    this.generationValue++;
  }

  clearOverrides(): void {
    this.overrides.clear();
    this.generationValue++;
  }

  private withMetadata(k: KindSchema): KindSchema {
    const meta = k.schema.properties?.metadata;
    let schema = k.schema;
    if (schema.properties && (!meta || !meta.properties)) {
      const bundledMeta = this.findBundledMetadata();
      if (bundledMeta) schema = { ...schema, properties: { ...schema.properties, metadata: bundledMeta } };
    }
    return { ...k, schema };
  }

  private findBundledMetadata(): SchemaNode | undefined {
    for (const k of this.base.values()) {
      const m = k.schema.properties?.metadata;
      if (m?.properties) return m;
    }
    return undefined;
  }
}

/** The groups of the kinds LATER_ADDITIONS names. */
const BUNDLED_GROUPS: Record<string, string> = {
  Receiver: 'notification.toolkit.fluxcd.io', Provider: 'notification.toolkit.fluxcd.io', GitRepository: 'source.toolkit.fluxcd.io',
  OCIRepository: 'source.toolkit.fluxcd.io', Kustomization: 'kustomize.toolkit.fluxcd.io', HelmRelease: 'helm.toolkit.fluxcd.io',
};

const compareMinor = (a: string, b: string): number => {
  const pa = a.replace(/^v/, '').split('.').map(Number);
  const pb = b.replace(/^v/, '').split('.').map(Number);
  return (pa[0]! - pb[0]!) || ((pa[1] ?? 0) - (pb[1] ?? 0));
};

/** A copy of `root` with the field at `path` added (untyped) or its enum widened, and parents' required lists eased. */
function widen(root: SchemaNode, path: readonly string[], a: { enumValues?: readonly string[]; notRequired?: readonly string[]; introducedIn: string }): SchemaNode {
  const copy = (n: SchemaNode, i: number): SchemaNode => {
    const seg = path[i]!;
    const last = i === path.length - 1;
    if (seg === '[]') return { ...n, items: n.items ? copy(n.items, i + 1) : n.items };
    const props = { ...(n.properties ?? {}) };
    const out: SchemaNode = { ...n, properties: props };
    if (last) {
      if (a.notRequired && out.required) out.required = out.required.filter((r) => !a.notRequired!.includes(r));
      const cur = props[seg];
      if (a.enumValues) {
        if (cur?.enum) props[seg] = { ...cur, enum: [...cur.enum, ...a.enumValues.filter((v) => !cur.enum!.includes(v))] };
      } else if (!cur) {
        props[seg] = { 'x-kubernetes-preserve-unknown-fields': true, description: `New in Flux ${a.introducedIn}: not in the bundled Flux ${BUNDLED_FLUX_VERSION} schemas, so its value is not checked here (the cluster's or the workspace's CRD checks it).` };
      }
      return out;
    }
    props[seg] = copy(props[seg] ?? {}, i + 1);
    return out;
  };
  return copy(root, 0);
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
  if (Array.isArray(raw['x-kubernetes-validations'])) {
    const rules: CelValidation[] = [];
    for (const v of raw['x-kubernetes-validations']) {
      if (!isRecord(v) || typeof v.rule !== 'string') continue;
      const r: CelValidation = { rule: v.rule };
      if (typeof v.message === 'string') r.message = v.message;
      if (typeof v.messageExpression === 'string') r.messageExpression = v.messageExpression;
      if (typeof v.fieldPath === 'string') r.fieldPath = v.fieldPath;
      rules.push(r);
    }
    if (rules.length > 0) n['x-kubernetes-validations'] = rules;
  }
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
