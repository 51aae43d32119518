/**
 * The rules, in the order they run. Each is `(ctx) => FluxDiagnostic[]` over one document.
 */
import { apiGroup } from './api-group';
import { apiVersion } from './api-version';
import type { Rule } from './context';
import { decryptionProvider } from './decryption-provider';
import { dependsOnSelf } from './depends-on-self';
import { duplicateObject } from './duplicate-object';
import { helmChartName } from './helm-chart-name';
import { helmReleaseChart } from './helmrelease-chart';
import { helmRepositoryUrl } from './helm-repository-url';
import { objectName } from './object-name';
import { referenceKind } from './reference-kind';
import { schema } from './schema';
import { semverConstraint } from './semver-constraint';
import { shortInterval } from './short-interval';
import { yamlSyntax } from './yaml-syntax';

export { createContext, objectPrefix, type Rule, type RuleContext } from './context';

/** Rules that judge every YAML document. */
export const DOCUMENT_RULES: readonly Rule[] = [yamlSyntax, apiGroup];

/** Rules that judge Flux documents only (a Flux API group in apiVersion). */
export const FLUX_RULES: readonly Rule[] = [
  apiVersion, schema, referenceKind, helmReleaseChart, decryptionProvider, semverConstraint, dependsOnSelf, objectName,
  shortInterval, duplicateObject, helmRepositoryUrl, helmChartName,
];

/**
 * Codes of Flux-specific checks that restate a schema enum with a better message: a schema-enum
 * diagnostic at the same range is dropped in their favour.
 */
export const SUPERSEDES_SCHEMA_ENUM: ReadonlySet<string> = new Set(['flux/reference-kind', 'flux/decryption-provider']);
