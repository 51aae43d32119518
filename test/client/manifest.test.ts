import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { RESTRICTED_SETTINGS, SECTION, SETTING_DEFAULTS } from '../../client/src/settings';

const root = path.resolve(__dirname, '../..');
const manifest = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as {
  main: string;
  activationEvents: string[];
  capabilities: { untrustedWorkspaces: { supported: string; restrictedConfigurations: string[] } };
  contributes: {
    commands: Array<{ command: string; title: string }>;
    menus: Record<string, Array<{ command: string; when?: string }>>;
    configuration: { properties: Record<string, { default?: unknown }> };
    views: Record<string, Array<{ id: string }>>;
    viewsContainers: { activitybar: Array<{ id: string; icon: string }> };
    viewsWelcome: Array<{ view: string; contents: string }>;
    snippets: Array<{ path: string }>;
    grammars: Array<{ path: string }>;
  };
};
const c = manifest.contributes;
const contributed = new Set(c.commands.map((x) => x.command));

function clientSources(dir = path.join(root, 'client/src')): string {
  let all = '';
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) all += clientSources(p);
    else if (e.name.endsWith('.ts')) all += fs.readFileSync(p, 'utf8');
  }
  return all;
}
const extensionTs = fs.readFileSync(path.join(root, 'client/src/extension.ts'), 'utf8');
const registered = new Set([...extensionTs.matchAll(/registerCommand\('([A-Za-z]+)'/g)].map((m) => `fluxWorkbench.${m[1]}`));

test('every contributed command is registered in extension.ts, and the reverse', () => {
  assert.ok(registered.size >= 16, `found ${registered.size} registrations`);
  assert.deepEqual([...contributed].sort(), [...registered].sort());
});

test('each registration uses the factory of the same name', () => {
  for (const m of extensionTs.matchAll(/registerCommand\('([A-Za-z]+)', commands\.([A-Za-z]+)\)/g)) assert.equal(m[1], m[2]);
  assert.equal([...extensionTs.matchAll(/registerCommand\('([A-Za-z]+)', commands\.([A-Za-z]+)\)/g)].length, registered.size);
});

test('every command in menus, activation events and welcome links is contributed', () => {
  for (const [menu, items] of Object.entries(c.menus)) {
    for (const item of items) assert.ok(contributed.has(item.command), `${menu}: ${item.command}`);
  }
  for (const ev of manifest.activationEvents) {
    if (ev.startsWith('onCommand:')) assert.ok(contributed.has(ev.slice('onCommand:'.length)), ev);
  }
  for (const w of c.viewsWelcome) {
    for (const m of w.contents.matchAll(/\(command:(fluxWorkbench\.[A-Za-z]+)/g)) assert.ok(contributed.has(m[1] ?? ''), m[1]);
  }
  // Strings passed to executeCommand / .command in the client name real commands too.
  for (const m of clientSources().matchAll(/['"](fluxWorkbench\.[a-z][A-Za-z]+)['"]/g)) {
    const id = m[1] ?? '';
    if (id === 'fluxWorkbench.explorer' || id === 'fluxWorkbench.context' || id === 'fluxWorkbench.clusterState' || id === 'fluxWorkbench.extraContexts' || id === 'fluxWorkbench.noKubeconfig') continue;
    assert.ok(contributed.has(id), `client source names ${id}`);
  }
});

test('activation: YAML files and the Flux view; main is the bundled client', () => {
  assert.equal(manifest.main, './dist/client.js');
  assert.ok(manifest.activationEvents.includes('onLanguage:yaml'));
  assert.ok(manifest.activationEvents.includes('onView:fluxWorkbench.explorer'));
  const views = Object.values(c.views).flat().map((v) => v.id);
  assert.ok(views.includes('fluxWorkbench.explorer'));
  assert.match(extensionTs, /createTreeView\('fluxWorkbench\.explorer'/);
  for (const w of c.viewsWelcome) assert.ok(views.includes(w.view), w.view);
});

test('every setting the client reads is declared with the same default, and nothing else is declared', () => {
  const declared = Object.keys(c.configuration.properties).sort();
  assert.deepEqual(declared, Object.keys(SETTING_DEFAULTS).map((k) => `${SECTION}.${k}`).sort());
  for (const [k, def] of Object.entries(SETTING_DEFAULTS)) {
    assert.deepEqual(c.configuration.properties[`${SECTION}.${k}`]?.default, def, k);
  }
  // Settings written by commands are declared too.
  for (const m of clientSources().matchAll(/writeSetting\('([^']+)'/g)) assert.ok(declared.includes(`${SECTION}.${m[1]}`), m[1]);
});

test('workspace trust: limited support, the kubeconfig path and the context restricted', () => {
  assert.equal(manifest.capabilities.untrustedWorkspaces.supported, 'limited');
  assert.deepEqual(manifest.capabilities.untrustedWorkspaces.restrictedConfigurations, RESTRICTED_SETTINGS.map((k) => `${SECTION}.${k}`));
});

test('files the manifest points at exist', () => {
  const files = [
    ...c.viewsContainers.activitybar.map((v) => v.icon),
    ...(c.snippets ?? []).map((s) => s.path),
    ...(c.grammars ?? []).map((g) => g.path),
  ];
  for (const f of files) assert.ok(fs.existsSync(path.join(root, f)), f);
});

test('menu when-clauses only use context values the tree can produce', () => {
  for (const item of c.menus['view/item/context'] ?? []) {
    assert.match(item.when ?? '', /view == fluxWorkbench\.explorer/, item.command);
    assert.match(item.when ?? '', /viewItem =~ \/\^flux\\\./, item.command);
  }
});
