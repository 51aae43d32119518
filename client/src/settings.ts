/**
 * The extension's settings: keys, defaults and parsing. Pure (no `vscode` import) so it is tested
 * in plain Node; config.ts feeds it from `vscode.workspace.getConfiguration`.
 */
import { parseGoDuration } from '../../server/src/cluster/status';

export const SECTION = 'fluxWorkbench';

/** Every setting the extension reads, with its default (as declared in package.json). */
export const SETTING_DEFAULTS = {
  'languageFeatures.enable': true,
  'languageFeatures.debounceMs': 50,
  targetFluxVersion: '2.8',
  schemaSource: 'auto',
  'diagnostics.scope': 'workspace',
  kubeconfig: '',
  context: '',
  fluxNamespace: 'flux-system',
  reconcileTimeout: '5m',
  requestTimeoutSeconds: 30,
  'explorer.namespaces': [] as string[],
  'explorer.failingOnly': false,
  'logs.showNonJson': false,
  'logs.tailLines': 100,
} as const;

export type SettingKey = keyof typeof SETTING_DEFAULTS;

/**
 * The settings a workspace may not set when untrusted (capabilities.untrustedWorkspaces): every
 * one that selects a cluster or a credential. The kubeconfig path picks the credentials; the
 * context picks which of the user's clusters (prod) the explorer talks to.
 */
export const RESTRICTED_SETTINGS: readonly SettingKey[] = ['kubeconfig', 'context'];

/** The values of one setting at each scope, as `WorkspaceConfiguration.inspect` returns them. */
export interface SettingScopes {
  globalValue?: unknown;
  workspaceValue?: unknown;
  workspaceFolderValue?: unknown;
}

/** What parseSettings needs from VS Code. */
export interface SettingsReader {
  /** The effective value (any scope), or undefined. */
  get(key: SettingKey): unknown;
  /** The value per scope. */
  inspect(key: SettingKey): SettingScopes | undefined;
  /** vscode.workspace.isTrusted */
  readonly trusted: boolean;
}

export interface FluxSettings {
  languageFeaturesEnabled: boolean;
  debounceMs: number;
  targetFluxVersion: string;
  /** Which schemas judge the YAML: auto (cluster CRDs, workspace CRDs, bundled), or one of them. */
  schemaSource: 'auto' | 'cluster' | 'workspace' | 'bundled';
  /** Which files get diagnostics: every workspace file (after the workspace scan), or open files only. */
  diagnosticsScope: 'workspace' | 'openFiles';
  /** Explicit kubeconfig path (home-expanded), or undefined to use $KUBECONFIG / ~/.kube/config. */
  kubeconfig?: string;
  /** Preferred context, or undefined for the kubeconfig's current context. */
  context?: string;
  fluxNamespace: string;
  reconcileTimeoutMs: number;
  requestTimeoutMs: number;
  namespaces: string[];
  failingOnly: boolean;
  /** Show controller log lines that are not JSON (raw). */
  logsShowNonJson: boolean;
  /** Lines of each controller's log shown when a tail starts. */
  logsTailLines: number;
  /** Problems with setting values, one line each naming the setting and the fix. */
  problems: string[];
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined;
}

/** Expands a leading `~` to the home directory. */
export function expandHome(p: string, home: string): string {
  if (p === '~') return home;
  if (p.startsWith('~/') || p.startsWith('~\\')) return home.replace(/[\\/]+$/, '') + p.slice(1);
  return p;
}

/**
 * A restricted setting's value (kubeconfig path, context). In an untrusted workspace only the user
 * (global) value counts: a repository's .vscode/settings.json must not point the extension at
 * credentials or a cluster of its choosing.
 */
export function restrictedSetting(scopes: SettingScopes | undefined, effective: unknown, trusted: boolean): string | undefined {
  if (trusted) return str(effective);
  return str(scopes?.globalValue);
}

/** Reads and validates all settings; bad values fall back to the default and add a problem line. */
export function parseSettings(r: SettingsReader, home = ''): FluxSettings {
  const problems: string[] = [];
  const bool = (key: SettingKey, def: boolean): boolean => {
    const v = r.get(key);
    if (v === undefined || v === null) return def;
    if (typeof v === 'boolean') return v;
    problems.push(`${SECTION}.${key}: '${String(v)}' is not true or false; using ${def}`);
    return def;
  };
  const num = (key: SettingKey, def: number, min: number): number => {
    const v = r.get(key);
    if (v === undefined || v === null) return def;
    if (typeof v === 'number' && Number.isFinite(v) && v >= min) return v;
    problems.push(`${SECTION}.${key}: '${String(v)}' is not a number >= ${min}; using ${def}`);
    return def;
  };

  const timeoutText = str(r.get('reconcileTimeout')) ?? SETTING_DEFAULTS.reconcileTimeout;
  let reconcileTimeoutMs = parseGoDuration(timeoutText);
  if (reconcileTimeoutMs === undefined || reconcileTimeoutMs <= 0) {
    problems.push(`${SECTION}.reconcileTimeout: '${timeoutText}' is not a positive Go duration (e.g. 30s, 5m, 1h); using 5m`);
    reconcileTimeoutMs = 5 * 60_000;
  }

  const nsRaw = r.get('explorer.namespaces');
  let namespaces: string[] = [];
  if (Array.isArray(nsRaw)) {
    namespaces = [...new Set(nsRaw.filter((x): x is string => typeof x === 'string').map((x) => x.trim()).filter((x) => x !== ''))];
  } else if (nsRaw !== undefined && nsRaw !== null) {
    problems.push(`${SECTION}.explorer.namespaces: expected a list of namespace names; showing all namespaces`);
  }

  const kc = restrictedSetting(r.inspect('kubeconfig'), r.get('kubeconfig'), r.trusted);
  return {
    languageFeaturesEnabled: bool('languageFeatures.enable', SETTING_DEFAULTS['languageFeatures.enable']),
    debounceMs: num('languageFeatures.debounceMs', SETTING_DEFAULTS['languageFeatures.debounceMs'], 0),
    targetFluxVersion: str(r.get('targetFluxVersion')) ?? SETTING_DEFAULTS.targetFluxVersion,
    schemaSource: schemaSourceOf(r.get('schemaSource'), problems),
    diagnosticsScope: r.get('diagnostics.scope') === 'openFiles' ? 'openFiles' : 'workspace',
    kubeconfig: kc === undefined ? undefined : expandHome(kc, home),
    context: restrictedSetting(r.inspect('context'), r.get('context'), r.trusted),
    fluxNamespace: str(r.get('fluxNamespace')) ?? SETTING_DEFAULTS.fluxNamespace,
    reconcileTimeoutMs,
    requestTimeoutMs: num('requestTimeoutSeconds', SETTING_DEFAULTS.requestTimeoutSeconds, 1) * 1000,
    namespaces,
    failingOnly: bool('explorer.failingOnly', SETTING_DEFAULTS['explorer.failingOnly']),
    logsShowNonJson: bool('logs.showNonJson', SETTING_DEFAULTS['logs.showNonJson']),
    logsTailLines: Math.floor(num('logs.tailLines', SETTING_DEFAULTS['logs.tailLines'], 0)),
    problems,
  };
}

/** Which parts of the extension a settings change affects. */
export function affectedParts(changed: (key: string) => boolean): { languageServer: boolean; cluster: boolean; tree: boolean } {
  const any = (...keys: SettingKey[]): boolean => keys.some((k) => changed(`${SECTION}.${k}`));
  return {
    languageServer: any('languageFeatures.enable'),
    cluster: any('kubeconfig', 'context', 'fluxNamespace', 'requestTimeoutSeconds'),
    tree: any('explorer.namespaces', 'explorer.failingOnly'),
  };
}

const SCHEMA_SOURCES = ['auto', 'cluster', 'workspace', 'bundled'] as const;

/** `fluxWorkbench.schemaSource`, with a problem line for an unknown value (then auto). */
function schemaSourceOf(v: unknown, problems: string[]): FluxSettings['schemaSource'] {
  if (v === undefined || v === null || v === '') return 'auto';
  const found = SCHEMA_SOURCES.find((x) => x === v);
  if (found) return found;
  problems.push(`fluxWorkbench.schemaSource: '${String(v)}' is not one of ${SCHEMA_SOURCES.join(', ')}; using auto`);
  return 'auto';
}
