/**
 * The cross-file rules, in the order they run. Each is `(ctx) => FluxDiagnostic[]` over one file of the fleet
 * model (server/src/engine/workspace).
 *
 * Stable codes (severity; range):
 * - flux/reference-not-found (error in a cluster scope, warning for objects no root reaches, information for
 *   Secrets/ConfigMaps/ServiceAccounts, ExternalArtifacts and the bootstrap flux-system source; the reference's
 *   name value; data.suggestion for a close name)
 * - flux/depends-on-missing (error, warning outside a cluster scope; the entry's name value),
 *   flux/depends-on-cycle (error; every edge of the loop, data.cycle names it)
 * - flux/path-not-found (error; spec.path value), flux/path-empty (warning; spec.path value),
 *   flux/kustomize-file-not-found (error; the kustomization file's entry)
 * - flux/health-check-not-applied (error; the entry's name value)
 * - flux/undefined-variable (warning; the `${VAR}` text), flux/substituted-value (error; the value, judged after
 *   post-build substitution)
 * - flux/secret-unencrypted (error with a matching .sops.yaml rule, else warning; the data/stringData key),
 *   flux/sops-decryption-missing (error; the Kustomization's spec, or the encrypted document's sops key),
 *   flux/sops-recipients-mismatch (warning; the sops key)
 * - flux/git-secret-keys (error; the secretRef name value)
 */
import type { WorkspaceRule } from './context';
import { dependsOn } from './depends-on';
import { healthChecks } from './health-checks';
import { kustomizationPath, kustomizeFiles } from './paths';
import { referenceNotFound } from './references';
import { gitSecretKeys } from './git-secrets';
import { sopsHygiene } from './sops';
import { substitution } from './substitution';

export type { WorkspaceRule, WorkspaceRuleContext } from './context';

export const WORKSPACE_RULES: readonly WorkspaceRule[] = [
  referenceNotFound, dependsOn, kustomizationPath, kustomizeFiles, healthChecks, substitution, sopsHygiene, gitSecretKeys,
];
