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
