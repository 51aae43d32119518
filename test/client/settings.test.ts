import { test } from 'node:test';
import assert from 'node:assert/strict';
import { affectedParts, expandHome, restrictedSetting, parseSettings, SETTING_DEFAULTS, type SettingKey, type SettingScopes } from '../../client/src/settings';

function reader(values: Partial<Record<SettingKey, unknown>>, opts: { trusted?: boolean; scopes?: Partial<Record<SettingKey, SettingScopes>> } = {}) {
  return {
    get: (k: SettingKey) => values[k],
    inspect: (k: SettingKey) => opts.scopes?.[k],
    trusted: opts.trusted ?? true,
  };
}

test('defaults when nothing is set', () => {
  const s = parseSettings(reader({}));
  assert.equal(s.languageFeaturesEnabled, true);
  assert.equal(s.targetFluxVersion, '2.8');
  assert.equal(s.fluxNamespace, 'flux-system');
  assert.equal(s.reconcileTimeoutMs, 5 * 60_000);
  assert.equal(s.requestTimeoutMs, 30_000);
  assert.equal(s.debounceMs, 50);
  assert.equal(s.kubeconfig, undefined);
  assert.equal(s.context, undefined);
  assert.deepEqual(s.namespaces, []);
  assert.equal(s.failingOnly, false);
  assert.deepEqual(s.problems, []);
});

test('values are parsed: Go duration timeout, seconds to ms, namespaces trimmed and deduplicated', () => {
  const s = parseSettings(reader({
    reconcileTimeout: '1m30s', requestTimeoutSeconds: 5, 'explorer.namespaces': [' apps ', 'apps', '', 'flux-system', 3],
    'explorer.failingOnly': true, 'languageFeatures.enable': false, targetFluxVersion: '2.7', context: ' kind-dev ', fluxNamespace: 'flux',
  }));
  assert.equal(s.reconcileTimeoutMs, 90_000);
  assert.equal(s.requestTimeoutMs, 5_000);
  assert.deepEqual(s.namespaces, ['apps', 'flux-system']);
  assert.equal(s.failingOnly, true);
  assert.equal(s.languageFeaturesEnabled, false);
  assert.equal(s.targetFluxVersion, '2.7');
  assert.equal(s.context, 'kind-dev');
  assert.equal(s.fluxNamespace, 'flux');
});

test('bad values fall back to defaults with a problem naming the setting and the fix', () => {
  const s = parseSettings(reader({ reconcileTimeout: '5 minutes', requestTimeoutSeconds: -1, 'languageFeatures.enable': 'yes', 'explorer.namespaces': 'apps' }));
  assert.equal(s.reconcileTimeoutMs, 5 * 60_000);
  assert.equal(s.requestTimeoutMs, 30_000);
  assert.equal(s.languageFeaturesEnabled, true);
  assert.deepEqual(s.namespaces, []);
  assert.equal(s.problems.length, 4);
  assert.match(s.problems.join('\n'), /fluxWorkbench\.reconcileTimeout: '5 minutes' is not a positive Go duration \(e\.g\. 30s/);
  assert.match(s.problems.join('\n'), /fluxWorkbench\.requestTimeoutSeconds/);
  assert.match(s.problems.join('\n'), /fluxWorkbench\.explorer\.namespaces/);
  assert.equal(parseSettings(reader({ reconcileTimeout: '0s' })).problems.length, 1, 'a zero timeout is rejected');
});

test('kubeconfig: trusted workspaces use the effective value, untrusted only the user value', () => {
  const scopes: SettingScopes = { globalValue: '/home/u/.kube/dev', workspaceValue: '/repo/evil-kubeconfig' };
  assert.equal(restrictedSetting(scopes, '/repo/evil-kubeconfig', true), '/repo/evil-kubeconfig');
  assert.equal(restrictedSetting(scopes, '/repo/evil-kubeconfig', false), '/home/u/.kube/dev');
  assert.equal(restrictedSetting({ workspaceFolderValue: '/repo/k' }, '/repo/k', false), undefined);
  const s = parseSettings(reader({ kubeconfig: '/repo/evil' }, { trusted: false, scopes: { kubeconfig: { workspaceValue: '/repo/evil' } } }));
  assert.equal(s.kubeconfig, undefined);
  const t = parseSettings(reader({ kubeconfig: '~/.kube/dev' }, { trusted: false, scopes: { kubeconfig: { globalValue: '~/.kube/dev' } } }), '/home/u');
  assert.equal(t.kubeconfig, '/home/u/.kube/dev');
});

test('context: an untrusted workspace cannot choose the cluster; the user setting still applies', () => {
  const evil = parseSettings(reader({ context: 'prod' }, { trusted: false, scopes: { context: { workspaceValue: 'prod' } } }));
  assert.equal(evil.context, undefined);
  const user = parseSettings(reader({ context: 'prod' }, { trusted: false, scopes: { context: { globalValue: 'dev', workspaceValue: 'prod' } } }));
  assert.equal(user.context, 'dev');
  const trusted = parseSettings(reader({ context: 'prod' }, { trusted: true, scopes: { context: { globalValue: 'dev', workspaceValue: 'prod' } } }));
  assert.equal(trusted.context, 'prod');
});

test('expandHome only expands a leading ~', () => {
  assert.equal(expandHome('~', '/h'), '/h');
  assert.equal(expandHome('~/x/y', '/h/'), '/h/x/y');
  assert.equal(expandHome('/a/~/b', '/h'), '/a/~/b');
  assert.equal(expandHome('~other/x', '/h'), '~other/x');
});

test('affectedParts maps changed keys to the parts to restart', () => {
  const only = (...keys: string[]) => affectedParts((k) => keys.includes(k));
  assert.deepEqual(only('fluxWorkbench.languageFeatures.enable'), { languageServer: true, cluster: false, tree: false });
  assert.deepEqual(only('fluxWorkbench.kubeconfig'), { languageServer: false, cluster: true, tree: false });
  assert.deepEqual(only('fluxWorkbench.context'), { languageServer: false, cluster: true, tree: false });
  assert.deepEqual(only('fluxWorkbench.explorer.failingOnly'), { languageServer: false, cluster: false, tree: true });
  assert.deepEqual(only('fluxWorkbench.targetFluxVersion'), { languageServer: false, cluster: false, tree: false });
});

test('parseSettings reads exactly the keys of SETTING_DEFAULTS', () => {
  const read = new Set<string>();
  parseSettings({ get: (k) => { read.add(k); return undefined; }, inspect: (k) => { read.add(k); return undefined; }, trusted: true });
  assert.deepEqual([...read].sort(), Object.keys(SETTING_DEFAULTS).sort());
});
