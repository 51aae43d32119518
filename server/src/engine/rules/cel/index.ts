/**
 * The re-implemented `x-kubernetes-validations` rules of the current Flux CRDs, one file each (README: "CEL rules").
 * The HelmRelease chart/chartRef rule predates this folder: rules/helmrelease-chart.ts.
 */
import { artifactGeneratorArtifactName } from './artifactgenerator-artifact-name';
import { bucketStsAws } from './bucket-sts-aws';
import { bucketStsAwsCert } from './bucket-sts-aws-cert';
import { bucketStsAwsSecret } from './bucket-sts-aws-secret';
import { bucketStsLdap } from './bucket-sts-ldap';
import { bucketStsProvider } from './bucket-sts-provider';
import { gitRepositoryServiceAccount } from './gitrepository-service-account';
import { helmChartVerify } from './helmchart-verify';
import { helmReleaseInstallRetry } from './helmrelease-install-retry';
import { helmReleaseUpgradeRetry } from './helmrelease-upgrade-retry';
import type { CelRule, CelRuleMeta } from './helpers';
import { imagePolicyAlwaysInterval } from './imagepolicy-always-interval';
import { imagePolicyInterval } from './imagepolicy-interval';
import { helmReleaseKubeConfigBoth, kustomizationKubeConfigBoth } from './kubeconfig-ref-both';
import { helmReleaseKubeConfigMissing, kustomizationKubeConfigMissing } from './kubeconfig-ref-missing';
import { providerCommitStatusExpr } from './provider-commit-status-expr';
import { receiverOidcProviders } from './receiver-oidc-providers';
import { receiverOidcProvidersType } from './receiver-oidc-providers-type';
import { receiverOidcSecret } from './receiver-oidc-secret';
import { receiverSecret } from './receiver-secret';

export type { CelRule, CelRuleMeta } from './helpers';

export const CEL_RULES: readonly CelRule[] = [
  kustomizationKubeConfigMissing, kustomizationKubeConfigBoth, helmReleaseKubeConfigMissing, helmReleaseKubeConfigBoth,
  helmReleaseInstallRetry, helmReleaseUpgradeRetry,
  bucketStsProvider, bucketStsAws, bucketStsLdap, bucketStsAwsSecret, bucketStsAwsCert,
  gitRepositoryServiceAccount, helmChartVerify,
  imagePolicyInterval, imagePolicyAlwaysInterval,
  providerCommitStatusExpr,
  receiverOidcProviders, receiverOidcProvidersType, receiverOidcSecret, receiverSecret,
  artifactGeneratorArtifactName,
];

/** The HelmRelease chart/chartRef rule (rules/helmrelease-chart.ts), listed so the generic evaluator skips it too. */
const HELMRELEASE_CHART: CelRuleMeta = {
  code: 'flux/helmrelease-chart', kind: 'HelmRelease', versions: ['v2'], at: 'spec',
  rule: '(has(self.chart) && !has(self.chartRef)) || (!has(self.chart) && has(self.chartRef))',
};

/** Every CEL rule the engine re-implements, for the README table and the generic evaluator's skip list. */
export const CEL_RULE_TABLE: readonly CelRuleMeta[] = [...CEL_RULES.map((r) => r.meta), HELMRELEASE_CHART];

const normalize = (rule: string): string => rule.replace(/\s+/g, '');
const HANDLED = new Set(CEL_RULE_TABLE.map((m) => `${m.kind}|${m.at}|${normalize(m.rule)}`));

/** Whether a CRD's rule at `at` of `kind` is one of the re-implemented ones (then the generic evaluator leaves it). */
export function isReimplemented(kind: string, at: string, rule: string): boolean {
  return HANDLED.has(`${kind}|${at}|${normalize(rule)}`);
}
