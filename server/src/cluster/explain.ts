/**
 * Explains why a Flux object is not ready: maps the Ready reason and message (and the object's
 * recent Warning events) to a likely cause, the field to look at, and a fix (FLUX-FACTS §7).
 * Pure: the caller passes the object and its events.
 */
import type { FluxEvent } from './events';
import { findCondition, health, type HealthState, isSuspended } from './status';
import type { FluxObject } from './types';

export interface Explanation {
  /** `Kind namespace/name`. */
  object: string;
  state: HealthState;
  reason?: string;
  message?: string;
  cause: string;
  /** The field to look at, e.g. `spec.ref.branch`. */
  field?: string;
  fix: string;
  /** Distinct recent Warning event messages, newest first (at most 3). */
  warnings: string[];
}

interface Rule {
  kinds?: string[];
  reason: string;
  /** Sub-case on the message (case-insensitive). */
  match?: RegExp;
  explain: (ctx: Ctx) => { cause: string; field?: string; fix: string };
}

interface Ctx { obj: FluxObject; message: string; what: string }

const q = (m: RegExpMatchArray | null, i = 1): string => (m?.[i] ?? '').trim();

function refName(obj: FluxObject, path: string[]): string {
  let cur: unknown = obj.spec;
  for (const p of path) cur = cur && typeof cur === 'object' ? (cur as Record<string, unknown>)[p] : undefined;
  return typeof cur === 'string' ? cur : '';
}

const RULES: Rule[] = [
  // ---- GitRepository ----
  {
    kinds: ['GitRepository'], reason: 'GitOperationFailed', match: /authentication required|authorization failed|permission denied|could not read username|401|403/i,
    explain: ({ obj }) => ({
      cause: 'the Git server rejected the credentials (or none were given for a private repository)',
      field: 'spec.secretRef.name',
      fix: `check that the Secret '${refName(obj, ['secretRef', 'name']) || '<none set>'}' exists in the GitRepository's namespace and holds valid credentials (username/password or bearerToken for HTTPS, identity/known_hosts for SSH), and that the URL scheme matches the credential type`,
    }),
  },
  {
    kinds: ['GitRepository'], reason: 'GitOperationFailed', match: /couldn'?t find remote ref|reference not found|unable to resolve|no matching ref/i,
    explain: ({ obj }) => {
      const ref = (obj.spec?.ref ?? {}) as Record<string, unknown>;
      const field = ['commit', 'name', 'semver', 'tag', 'branch'].find((k) => typeof ref[k] === 'string');
      return {
        cause: `the ${field ?? 'branch'} does not exist in the remote repository`,
        field: `spec.ref.${field ?? 'branch'}`,
        fix: `set spec.ref.${field ?? 'branch'} to an existing ${field ?? 'branch'}${ref[field ?? 'branch'] ? ` (currently '${String(ref[field ?? 'branch'])}')` : ' (with no ref, the default branch is master)'}`,
      };
    },
  },
  {
    kinds: ['GitRepository'], reason: 'GitOperationFailed',
    explain: () => ({ cause: 'a Git clone or fetch failed (network, URL, or host key)', field: 'spec.url', fix: 'check spec.url, network access from source-controller to the Git host, and for SSH the known_hosts in the secretRef' }),
  },
  {
    kinds: ['GitRepository', 'HelmRepository', 'OCIRepository', 'Bucket'], reason: 'AuthenticationFailed',
    explain: ({ obj }) => ({
      cause: 'the credentials Secret is missing, or its keys are wrong',
      field: 'spec.secretRef.name',
      fix: `check that the Secret '${refName(obj, ['secretRef', 'name']) || '<none set>'}' exists in namespace ${obj.metadata.namespace ?? ''} and has the keys the source type expects (e.g. username/password, identity/known_hosts, or .dockerconfigjson)`,
    }),
  },
  {
    reason: 'URLInvalid',
    explain: () => ({ cause: 'spec.url is not a valid URL for this source type (the object is stalled until the spec changes)', field: 'spec.url', fix: 'correct spec.url (scheme, host and path); the controller retries only after the spec changes' }),
  },
  // ---- HelmChart ----
  {
    reason: 'InvalidChartReference',
    explain: () => ({ cause: 'no chart with a matching name or version exists in the repository (stalled until the spec changes)', field: 'spec.version', fix: 'check the chart name and the version constraint (Masterminds semver syntax) against the versions the repository serves' }),
  },
  { reason: 'ChartPullError', explain: () => ({ cause: 'the chart could not be downloaded from the repository', field: 'spec.sourceRef', fix: 'check that the referenced HelmRepository is Ready, its URL and credentials, and that the chart version exists' }) },
  { reason: 'ChartPackageError', explain: () => ({ cause: 'the chart from Git or a Bucket could not be packaged', field: 'spec.chart', fix: 'check that spec.chart is the path to a chart directory with a valid Chart.yaml in the source artifact' }) },
  { reason: 'DependencyBuildError', explain: () => ({ cause: "building the chart's dependencies failed", field: 'spec.chart', fix: "check the dependencies in Chart.yaml: their repositories must be reachable (or declared as HelmRepository objects) and versions must exist" }) },
  { reason: 'ValuesFilesError', explain: () => ({ cause: 'a values file listed for the chart does not exist or does not parse', field: 'spec.valuesFiles', fix: 'check every path in spec.valuesFiles exists in the chart (or set ignoreMissingValuesFiles)' }) },
  // ---- Kustomization / HelmRelease shared ----
  {
    reason: 'DependencyNotReady',
    explain: ({ message }) => {
      const dep = q(message.match(/dependency '([^']+)'/i));
      return {
        cause: dep ? `the dependency '${dep}' is not ready yet` : 'a dependency listed in spec.dependsOn is not ready yet',
        field: 'spec.dependsOn',
        fix: dep ? `fix or wait for '${dep}' (flux-workbench explain it), or remove it from spec.dependsOn if it is no longer a dependency` : 'check the objects listed in spec.dependsOn exist and are Ready',
      };
    },
  },
  {
    kinds: ['Kustomization'], reason: 'ArtifactFailed', match: /path not found|no such file|kustomization path/i,
    explain: ({ obj }) => ({ cause: 'spec.path does not exist in the source artifact', field: 'spec.path', fix: `check that spec.path ('${refName(obj, ['path']) || './'}') is a folder in the source at the fetched revision (paths are relative to the repository root)` }),
  },
  {
    reason: 'ArtifactFailed',
    explain: ({ obj }) => ({
      cause: 'the source artifact is not available (the source is not ready or missing)',
      field: obj.kind === 'HelmRelease' ? (obj.spec?.chartRef ? 'spec.chartRef' : 'spec.chart.spec.sourceRef') : 'spec.sourceRef',
      fix: 'check that the referenced source exists in the right namespace and is Ready; explain the source next',
    }),
  },
  {
    kinds: ['Kustomization'], reason: 'BuildFailed', match: /no identity matched any of the recipients/i,
    explain: ({ obj }) => ({ cause: 'SOPS decryption failed: no age key in the decryption Secret matches the file recipients', field: 'spec.decryption.secretRef.name', fix: `add the age private key whose public key is a recipient of the file to the Secret '${refName(obj, ['decryption', 'secretRef', 'name']) || '<none set>'}' under a key ending in .agekey, or re-encrypt the file for the cluster's key` }),
  },
  {
    kinds: ['Kustomization'], reason: 'BuildFailed', match: /is SOPS encrypted, configuring decryption is required/i,
    explain: () => ({ cause: 'a SOPS-encrypted Secret is applied but decryption is not configured', field: 'spec.decryption', fix: 'set spec.decryption.provider: sops and spec.decryption.secretRef.name to a Secret holding the decryption key' }),
  },
  {
    kinds: ['Kustomization'], reason: 'BuildFailed', match: /decrypt|data key required/i,
    explain: () => ({ cause: 'SOPS decryption failed', field: 'spec.decryption.secretRef.name', fix: 'check the decryption Secret has the right key (*.agekey, *.asc, or sops.* cloud credentials) for the file recipients' }),
  },
  {
    kinds: ['Kustomization'], reason: 'BuildFailed', match: /substitut|postbuild|post build|variable/i,
    explain: () => ({ cause: 'post-build variable substitution failed', field: 'spec.postBuild', fix: 'check spec.postBuild.substitute and the ConfigMaps/Secrets in substituteFrom exist and define every ${VAR} without a default (mark optional ones optional: true)' }),
  },
  {
    kinds: ['Kustomization'], reason: 'BuildFailed',
    explain: () => ({ cause: 'kustomize build failed on the files at spec.path', field: 'spec.path', fix: 'run `kustomize build` on the path locally; check kustomization.yaml resources, patches and generators refer to existing files' }),
  },
  {
    kinds: ['Kustomization'], reason: 'ReconciliationFailed', match: /forbidden|cannot (get|list|create|patch|delete)|rbac/i,
    explain: () => ({ cause: 'the controller is not allowed to apply some object (RBAC)', field: 'spec.serviceAccountName', fix: 'grant the service account the Kustomization impersonates (spec.serviceAccountName, or kustomize-controller) the missing permission, or fix the target namespace' }),
  },
  {
    kinds: ['Kustomization'], reason: 'ReconciliationFailed', match: /immutable/i,
    explain: () => ({ cause: 'an applied change touches an immutable field', field: 'spec.force', fix: 'revert the change to the immutable field, or set spec.force: true to let Flux recreate the object' }),
  },
  {
    kinds: ['Kustomization'], reason: 'ReconciliationFailed',
    explain: () => ({ cause: 'the server-side dry-run or apply of the manifests failed (invalid object, missing CRD or namespace)', field: 'spec.path', fix: 'read the message for the failing object; make sure CRDs and namespaces are applied first (dependsOn) and the manifests validate' }),
  },
  {
    reason: 'HealthCheckFailed', match: /timeout waiting for/i,
    explain: ({ message }) => {
      const list = q(message.match(/timeout waiting for:?\s*\[?([^\]]*)\]?/i));
      return { cause: `applied objects did not become ready in time${list ? `: ${list}` : ''}`, field: 'spec.timeout', fix: 'inspect the listed objects (pods, events) for the real failure; raise spec.timeout only if they are just slow' };
    },
  },
  { reason: 'HealthCheckFailed', explain: () => ({ cause: 'an applied object reported a failed health check', field: 'spec.healthChecks', fix: 'inspect the failing workloads (pods, events); check spec.healthChecks names existing objects' }) },
  { reason: 'PruneFailed', explain: () => ({ cause: 'objects removed from the source could not be deleted', field: 'spec.prune', fix: 'check RBAC for deletion and finalizers blocking the delete; the message names the object' }) },
  // ---- HelmRelease ----
  {
    reason: 'SourceNotReady',
    explain: ({ message, obj }) => {
      const chart = q(message.match(/HelmChart '([^']+)'/i));
      return {
        cause: chart ? `the HelmChart '${chart}' is not ready (often a missing chart or version)` : "the HelmRelease's chart source is not ready",
        field: obj.spec?.chartRef ? 'spec.chartRef' : 'spec.chart.spec.version',
        fix: obj.spec?.chartRef ? 'check the referenced OCIRepository/HelmChart is Ready' : 'check spec.chart.spec.chart and spec.chart.spec.version exist in the HelmRepository, and explain the HelmChart for details',
      };
    },
  },
  { reason: 'ValuesError', explain: () => ({ cause: 'values could not be composed', field: 'spec.valuesFrom', fix: 'check every ConfigMap/Secret in spec.valuesFrom exists with the given valuesKey (or mark it optional: true), and that spec.values is valid YAML' }) },
  {
    reason: 'InstallFailed', match: /timeout|timed out|context deadline/i,
    explain: () => ({ cause: 'Helm install timed out waiting for the release resources to become ready', field: 'spec.timeout', fix: 'inspect the release pods and events for the real failure (image pull, crash, pending PVC); raise spec.timeout only if they are slow' }),
  },
  { reason: 'InstallFailed', explain: () => ({ cause: 'Helm install failed', field: 'spec.install', fix: 'read the message: invalid rendered manifests point at spec.values; existing objects point at spec.install.replace or adoption; then retry with reconcile --force' }) },
  {
    reason: 'UpgradeFailed', match: /another operation .* is in progress/i,
    explain: () => ({ cause: 'a previous Helm operation left the release locked (pending state)', field: 'spec.upgrade.remediation', fix: 'run reconcile --reset (or --force) so helm-controller can remediate; configure spec.upgrade.remediation' }),
  },
  { reason: 'UpgradeFailed', explain: () => ({ cause: 'Helm upgrade failed', field: 'spec.upgrade', fix: 'read the message (rendering errors point at spec.values; immutable fields at spec.upgrade.force); fix, then reconcile --force' }) },
  { reason: 'TestFailed', explain: () => ({ cause: "the chart's Helm tests failed", field: 'spec.test', fix: 'inspect the test pods logs; set spec.test.ignoreFailures or disable spec.test.enable if the tests are not meaningful' }) },
  { reason: 'RollbackFailed', explain: () => ({ cause: 'Helm rollback during remediation failed', field: 'spec.upgrade.remediation', fix: 'fix the release manually (helm history/rollback) or reconcile --reset after fixing the values' }) },
  { reason: 'UninstallFailed', explain: () => ({ cause: 'Helm uninstall failed', field: 'spec.uninstall', fix: 'check finalizers and RBAC on the release objects; spec.uninstall.keepHistory/timeout can help' }) },
  {
    reason: 'RetriesExceeded',
    explain: () => ({ cause: 'install/upgrade failed more times than the remediation retries allow (stalled)', field: 'spec.upgrade.remediation.retries', fix: 'fix the underlying failure (see the previous failure events), then run reconcile --reset to clear the failure counters (or raise spec.install/upgrade.remediation.retries)' }),
  },
  // ---- Notification (events only) ----
  { reason: 'NotificationDispatchFailed', explain: () => ({ cause: 'notification-controller could not deliver an event to the provider', field: 'spec.address', fix: "check the Provider's spec.address/channel and the Secret in spec.secretRef (token, webhook address), and network egress" }) },
  { reason: 'InvalidConfig', explain: () => ({ cause: 'the Alert or Provider configuration is invalid', field: 'spec', fix: 'check spec.providerRef names an existing Provider and eventSources name existing objects; check Provider spec.type and spec.secretRef' }) },
];

function matchRule(kind: string, reason: string, message: string): Rule | undefined {
  return RULES.find((r) => r.reason === reason && (!r.kinds || r.kinds.includes(kind)) && (!r.match || r.match.test(message)));
}

/** Explains the object's state; `events` are its recent events (any order). */
export function explain(obj: FluxObject, events: FluxEvent[] = []): Explanation {
  const what = `${obj.kind} ${obj.metadata.namespace ?? ''}/${obj.metadata.name}`;
  const h = health(obj);
  const warningEvents = events.filter((e) => e.type === 'Warning').sort((a, b) => (b.lastSeen ?? '').localeCompare(a.lastSeen ?? ''));
  const warnings = [...new Set(warningEvents.map((e) => e.message))].slice(0, 3);
  const base = { object: what, state: h.state, warnings };
  if (isSuspended(obj)) {
    return { ...base, cause: 'reconciliation is suspended (spec.suspend is true)', field: 'spec.suspend', fix: `resume it: flux-workbench resume ${obj.kind.toLowerCase()} ${obj.metadata.name} -n ${obj.metadata.namespace ?? ''}` };
  }
  const ready = findCondition(obj, 'Ready');
  const stalled = findCondition(obj, 'Stalled');
  let reason = (stalled?.status === 'True' ? stalled.reason : undefined) ?? (ready?.status === 'False' ? ready.reason : undefined);
  let message = (stalled?.status === 'True' ? stalled.message : undefined) ?? (ready?.status === 'False' ? ready.message : undefined) ?? '';
  if (!reason && warningEvents[0] && (h.state !== 'ready' || obj.kind === 'Alert' || obj.kind === 'Provider')) {
    reason = warningEvents[0].reason;
    message = warningEvents[0].message;
  }
  if (obj.kind === 'Receiver' && h.state === 'ready') {
    const path = typeof obj.status?.webhookPath === 'string' ? obj.status.webhookPath : '';
    return { ...base, reason: ready?.reason, message: ready?.message, cause: 'ready', field: 'status.webhookPath', fix: path ? `call the webhook at ${path} on the notification-controller receiver service` : 'nothing to fix' };
  }
  if (!reason) {
    if (h.state === 'ready') return { ...base, reason: ready?.reason, message: ready?.message, cause: 'the object is ready', fix: 'nothing to fix' };
    if (h.state === 'reconciling') return { ...base, reason: ready?.reason, message: ready?.message ?? h.message, cause: 'a reconciliation is in progress', field: 'status.conditions', fix: 'wait for the controller to finish; if it never does, check the controller is running (flux-workbench health)' };
    return { ...base, cause: 'no Ready condition: the controller has not reconciled the object yet', field: 'status.conditions', fix: `check that the ${obj.kind} controller is running (flux-workbench health) and the CRD version matches` };
  }
  const rule = matchRule(obj.kind, reason, message);
  if (!rule) {
    return { ...base, reason, message, cause: `${reason}: ${message || 'no message'}`, field: 'status.conditions', fix: 'read the message and the Warning events below for the failing part' };
  }
  const r = rule.explain({ obj, message, what });
  return { ...base, reason, message, ...r };
}

/** Multi-line text for the CLI and the explorer's output channel. */
export function formatExplanation(e: Explanation): string {
  const lines = [`${e.object}: ${e.state}${e.reason ? ` (${e.reason})` : ''}`];
  if (e.message) lines.push(`  message: ${e.message}`);
  lines.push(`  cause:   ${e.cause}`);
  if (e.field) lines.push(`  field:   ${e.field}`);
  lines.push(`  fix:     ${e.fix}`);
  for (const w of e.warnings) lines.push(`  warning: ${w}`);
  return lines.join('\n') + '\n';
}
