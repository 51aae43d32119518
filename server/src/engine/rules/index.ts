/**
 * The rules, in the order they run. Each is `(ctx) => FluxDiagnostic[]` over one document.
 *
 * Stable codes (severity; range) — `data.suggestion`, when set, replaces the text of the range:
 * - flux/yaml-syntax (error; the parser's position), flux/duplicate-key (error; the repeated key),
 *   flux/collection-key (error; a key that is a map or a list)
 * - flux/unknown-api-version (error; apiVersion value, suggestion), flux/unknown-kind (error; kind value,
 *   or apiVersion value when the kind belongs to another Flux group), flux/deprecated-api-version (warning;
 *   apiVersion value, suggestion), flux/removed-api-version (error; apiVersion value, suggestion)
 * - flux/schema-type, flux/schema-enum, flux/schema-pattern, flux/schema-format, flux/schema-range (error;
 *   the value), flux/missing-required (error; the parent key, `kind` for top-level; data.field),
 *   flux/unknown-field (warning; the key, suggestion for did-you-mean), flux/alias-limit (warning; kind key)
 * - flux/reference-kind (error; the kind value), flux/helmrelease-chart (error; chartRef key or spec key),
 *   flux/decryption-provider (error; value), flux/semver-constraint (error; value), flux/depends-on-self
 *   (error; the entry's name), flux/invalid-name (error; value), flux/short-interval (information; value),
 *   flux/duplicate-object (warning; metadata.name value), flux/helmrepository-url (error or warning; url
 *   value), flux/helm-chart-name (warning; chart value, suggestion), flux/git-url-scp (error; url value, suggestion
 *   = the ssh:// form), flux/event-source-kind (warning; an Alert/Receiver kind outside the bundled enum, which
 *   CRD patches commonly extend)
 * - flux/api-version-not-served, flux/kind-not-served (error; the target Flux version does not serve it yet),
 *   flux/malformed-api-version (error; the apiVersion value, any depth), flux/field-not-served (warning; a field
 *   newer than the target, schema/field-history.ts), nested apiVersions use the api-version codes
 *   with the path in the message; the CEL rules of rules/cel (error; README "CEL rules" lists them) and
 *   flux/cel-rule (a cluster's or workspace CRD's rule, evaluated generically)
 *
 * File-level codes, from analyze.ts (information; line 1): flux/not-analysed (binary content, or nesting
 * deeper than the parser can take; data.reason), flux/file-too-large (more YAML structure than a full analysis
 * can afford: the documents past the limit get only the apiVersion checks), flux/too-many-diagnostics (after
 * the first 1,000 diagnostics of a file, counting the omitted ones). Go/Helm template files get nothing.
 * Per document, from analyze.ts (information; the kind): flux/document-too-large (a document outside the fast
 * path's plain block YAML with more than 60,000 YAML tokens, not composed: only the apiVersion checks).
 */
import { apiGroup } from './api-group';
import { apiVersion } from './api-version';
import type { Rule } from './context';
import { decryptionProvider } from './decryption-provider';
import { dependsOnSelf } from './depends-on-self';
import { duplicateObject } from './duplicate-object';
import { gitUrl } from './git-url';
import { eventSourceKind } from './event-source-kind';
import { helmChartName } from './helm-chart-name';
import { helmReleaseChart } from './helmrelease-chart';
import { helmRepositoryUrl } from './helm-repository-url';
import { objectName } from './object-name';
import { referenceKind } from './reference-kind';
import { schema } from './schema';
import { semverConstraint } from './semver-constraint';
import { shortInterval } from './short-interval';
import { yamlSyntax } from './yaml-syntax';
import { CEL_RULES } from './cel';
import { celGeneric } from './cel-generic';
import { fieldVersion } from './field-version';
import { malformedApiVersion, nestedApiVersion } from './nested-api-version';

export { createContext, objectPrefix, type Rule, type RuleContext } from './context';

/**
 * Rules that judge every YAML document of a file that holds Flux objects (or looks like it does): Flux applies
 * the plain manifests beside them too, so their YAML errors break a reconcile. Files without any Flux document
 * (CI workflows, Helm values, compose files) are left to other tools: only FILE_RULES run on them.
 */
export const DOCUMENT_RULES: readonly Rule[] = [yamlSyntax, apiGroup, malformedApiVersion];

/** Rules that judge every document of every YAML file: a misspelt Flux group is how a Flux file hides from the rest. */
export const FILE_RULES: readonly Rule[] = [apiGroup];

/** Rules that judge Flux documents only (a Flux API group in apiVersion). */
export const FLUX_RULES: readonly Rule[] = [
  apiVersion, schema, referenceKind, helmReleaseChart, decryptionProvider, semverConstraint, dependsOnSelf, objectName,
  shortInterval, duplicateObject, helmRepositoryUrl, helmChartName, gitUrl, eventSourceKind,
  nestedApiVersion, fieldVersion, ...CEL_RULES, celGeneric,
];

/**
 * Flux-specific checks that restate a schema check with a better message: the schema diagnostic (the code
 * mapped to) at the same range is dropped in their favour.
 */
export const SUPERSEDES: ReadonlyMap<string, string> = new Map([
  ['flux/reference-kind', 'flux/schema-enum'],
  ['flux/decryption-provider', 'flux/schema-enum'],
  ['flux/git-url-scp', 'flux/schema-pattern'],
  ['flux/event-source-kind', 'flux/schema-enum'],
]);
