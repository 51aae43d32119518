/**
 * One line of documentation per diagnostic code: the rule metadata of SARIF output (`lint --format sarif`) and
 * the source of the README's table of codes. A code without an entry is still reported; its id stands in.
 */
import type { Severity } from '../types';

export interface RuleDoc {
  summary: string;
  severity: Severity;
  /** Longer help text, when the summary is not enough. */
  help?: string;
  helpUri?: string;
}

const K = 'https://fluxcd.io/flux/components/kustomize/kustomizations/';
const H = 'https://fluxcd.io/flux/components/helm/helmreleases/';

export const RULE_DOCS: Readonly<Record<string, RuleDoc>> = {
  'flux/yaml-syntax': { summary: 'YAML syntax error', severity: 'error' },
  'flux/duplicate-key': { summary: 'A mapping key is repeated', severity: 'error' },
  'flux/collection-key': { summary: 'A mapping key is a map or a list, which Kubernetes cannot read', severity: 'error' },
  'flux/unknown-api-version': { summary: 'Not an API version of that Flux group', severity: 'error' },
  'flux/unknown-kind': { summary: 'Not a kind of that Flux group', severity: 'error' },
  'flux/deprecated-api-version': { summary: 'API version deprecated at the target Flux version', severity: 'warning' },
  'flux/removed-api-version': { summary: 'API version removed at the target Flux version', severity: 'error' },
  'flux/schema-type': { summary: 'Value of the wrong type for the CRD schema', severity: 'error' },
  'flux/schema-enum': { summary: 'Value outside the CRD enum', severity: 'error' },
  'flux/schema-pattern': { summary: 'Value does not match the CRD pattern (e.g. a Go duration)', severity: 'error' },
  'flux/schema-format': { summary: 'Value of the wrong format', severity: 'error' },
  'flux/schema-range': { summary: 'Value out of the CRD range or length', severity: 'error' },
  'flux/missing-required': { summary: 'A required field is missing (and no parent patch supplies it)', severity: 'error' },
  'flux/unknown-field': { summary: 'A field the CRD does not have (did you mean ...?)', severity: 'warning' },
  'flux/alias-limit': { summary: 'Too many YAML aliases to validate the document', severity: 'warning' },
  'flux/reference-kind': { summary: 'A reference to a kind the field does not accept', severity: 'error' },
  'flux/helmrelease-chart': { summary: 'A HelmRelease needs exactly one of spec.chart and spec.chartRef', severity: 'error', helpUri: H },
  'flux/decryption-provider': { summary: 'spec.decryption.provider must be sops', severity: 'error', helpUri: K },
  'flux/semver-constraint': { summary: 'Not a valid Masterminds semver constraint', severity: 'error' },
  'flux/depends-on-self': { summary: 'An object depends on itself', severity: 'error' },
  'flux/invalid-name': { summary: 'Not a valid Kubernetes object name', severity: 'error' },
  'flux/helmrepository-url': { summary: 'HelmRepository type and URL scheme disagree', severity: 'error' },
  'flux/helm-chart-name': { summary: "A 'repo/chart' chart name with a HelmRepository source", severity: 'warning' },
  'flux/duplicate-object': { summary: 'The same object is defined twice in one file', severity: 'warning' },
  'flux/short-interval': { summary: 'A source interval under 1m loads the git host', severity: 'information' },
  'flux/git-url-scp': { summary: "GitRepository URL in git's scp-like form, which source-controller rejects", severity: 'error' },
  'flux/template-skipped': { summary: 'A document with template syntax outside scalars: only apiVersion/kind checked', severity: 'information' },
  'flux/not-analysed': { summary: 'A binary or absurdly nested file was not analysed', severity: 'information' },
  'flux/file-too-large': { summary: 'A file too large for a full analysis', severity: 'information' },
  'flux/document-too-large': { summary: 'A document outside plain block YAML too large to compose: only apiVersion/kind checked', severity: 'information' },
  'flux/too-many-diagnostics': { summary: 'More than 1,000 diagnostics in one file', severity: 'information' },
  'flux/reference-not-found': {
    summary: 'A reference names no object in the cluster that applies the referrer', severity: 'error',
    help: 'Resolved among the objects of the cluster (root) that applies the referring object, with effective namespaces; a missing Secret, ConfigMap or ServiceAccount is information (often created outside git).',
  },
  'flux/depends-on-missing': { summary: 'A dependsOn entry names no object in the cluster', severity: 'error', helpUri: K },
  'flux/depends-on-cycle': { summary: 'dependsOn entries form a cycle', severity: 'error', helpUri: K },
  'flux/path-not-found': { summary: "A Kustomization's spec.path does not exist in the repository", severity: 'error', helpUri: K },
  'flux/path-empty': { summary: "A Kustomization's spec.path holds no manifest", severity: 'warning', helpUri: K },
  'flux/kustomize-file-not-found': { summary: 'A kustomization.yaml entry names a missing file or folder', severity: 'error' },
  'flux/undefined-variable': { summary: 'A ${VAR} that no postBuild source defines (Flux substitutes an empty string)', severity: 'warning', helpUri: K },
  'flux/substituted-value': { summary: 'A value that is invalid after post-build substitution', severity: 'error', helpUri: K },
  'flux/secret-unencrypted': { summary: 'A Secret committed with plaintext values', severity: 'error' },
  'flux/sops-decryption-missing': { summary: 'A SOPS-encrypted document applied by a Kustomization without decryption', severity: 'error', helpUri: K },
  'flux/sops-recipients-mismatch': { summary: 'SOPS recipients or encrypted_regex differ from the .sops.yaml rule', severity: 'warning' },
  'flux/git-secret-keys': { summary: "A GitRepository secret's keys do not fit the URL scheme", severity: 'error' },
  'flux/event-source-kind': { summary: 'An Alert/Receiver kind outside the bundled CRD enum (a CRD patch may add it)', severity: 'warning' },
  'flux/health-check-not-applied': { summary: 'A health check names an object the Kustomization does not apply', severity: 'error', helpUri: K },
};
