/**
 * Field-level version history for the bundled schemas. The bundled schemas are Flux 2.8's (the npm source holds no
 * older release), so a field a later Flux added is accepted for an older target unless it is listed here. Only
 * entries backed by a public Flux source are listed; the rest of the gap is closed by the cluster's or the
 * workspace's CRDs (sources 1 and 2), which are the target's exact schema.
 */
export interface FieldHistory {
  kind: string;
  /** Path below the object root; `[]` stands for every array item. */
  path: readonly string[];
  introducedIn: string;
  /** Where the fact comes from. */
  source: string;
}

export const FIELD_HISTORY: readonly FieldHistory[] = [
  { kind: 'ImagePolicy', path: ['spec', 'suspend'], introducedIn: '2.7', source: 'Flux 2.7 announcement: "The ImagePolicy API now supports the .spec.suspend field"' },
  { kind: 'Kustomization', path: ['spec', 'dependsOn', '[]', 'readyExpr'], introducedIn: '2.7', source: 'Flux 2.7 announcement: readiness of dependencies with CEL expressions' },
  { kind: 'HelmRelease', path: ['spec', 'dependsOn', '[]', 'readyExpr'], introducedIn: '2.7', source: 'Flux 2.7 announcement: readiness of dependencies with CEL expressions' },
];

/**
 * What Flux releases after the bundled one (2.8) added, as listed on issue 7 from the Flux 2.9 CRDs: with a target of
 * 2.9 or later and the bundled schemas in force, these fields and enum values are accepted (their values are not
 * type-checked: the bundled schemas do not describe them), so valid 2.9 YAML gets no false finding. The cluster's or
 * the workspace's CRDs judge them exactly.
 */
export interface LaterAddition {
  kind: string;
  version: string;
  /** Path of the field below the object root (`[]` = array items). */
  path: readonly string[];
  introducedIn: string;
  /** Added enum values of the field (absent: the field itself is new). */
  enumValues?: readonly string[];
  /** Required fields of the parent that are no longer required. */
  notRequired?: readonly string[];
}

export const LATER_ADDITIONS: readonly LaterAddition[] = [
  { kind: 'Receiver', version: 'v1', path: ['spec', 'type'], introducedIn: '2.9', enumValues: ['generic-oidc'] },
  { kind: 'Receiver', version: 'v1', path: ['spec', 'oidcProviders'], introducedIn: '2.9' },
  { kind: 'Receiver', version: 'v1', path: ['spec', 'secretRef'], introducedIn: '2.9', notRequired: ['secretRef'] },
  { kind: 'Provider', version: 'v1beta3', path: ['spec', 'type'], introducedIn: '2.9', enumValues: ['zoom'] },
  { kind: 'GitRepository', version: 'v1', path: ['spec', 'provider'], introducedIn: '2.9', enumValues: ['aws'] },
  { kind: 'Kustomization', version: 'v1', path: ['spec', 'ignore'], introducedIn: '2.9' },
  { kind: 'Kustomization', version: 'v1', path: ['spec', 'buildMetadata'], introducedIn: '2.9' },
  { kind: 'Kustomization', version: 'v1', path: ['spec', 'postBuild', 'substituteStrategy'], introducedIn: '2.9' },
  { kind: 'HelmRelease', version: 'v2', path: ['spec', 'postRenderStrategy'], introducedIn: '2.9' },
  { kind: 'HelmRelease', version: 'v2', path: ['spec', 'valuesFrom', '[]', 'literal'], introducedIn: '2.9' },
  { kind: 'OCIRepository', version: 'v1', path: ['spec', 'verify', 'trustedRootSecretRef'], introducedIn: '2.9' },
];
