import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { LspClient, type PublishedDiagnostics } from './lsp-client';

type Diag = PublishedDiagnostics['diagnostics'][number] & { data?: unknown };
interface Edit { range: Diag['range']; newText: string }
interface Action { title: string; kind?: string; isPreferred?: boolean; diagnostics?: Diag[]; edit?: { changes?: Record<string, Edit[]> } }

const GIT = 'apiVersion: source.toolkit.fluxcd.io/v1\nkind: GitRepository\nmetadata:\n  name: podinfo\n  namespace: flux-system\nspec:\n';

describe('language server: quick fixes applied and re-linted over stdio', () => {
  let client: LspClient;
  let n = 0;
  before(async () => {
    client = new LspClient();
    const init = await client.initialize() as { capabilities: { codeActionProvider?: unknown } };
    assert.deepEqual(init.capabilities.codeActionProvider, { codeActionKinds: ['quickfix'] });
  });
  after(async () => { await client.shutdown(); });

  /** Opens the text, asks for the fixes of the diagnostic with `code`, applies the one matching `title`, re-lints. */
  async function fix(text: string, code: string, title: RegExp): Promise<{ action: Action; text: string; before: Diag[]; after: Diag[] }> {
    const uri = `file:///ws/fix-${++n}.yaml`;
    const first = client.waitForDiagnostics(uri, 1);
    client.open(uri, text);
    const before = (await first).diagnostics as Diag[];
    const target = before.filter((d) => d.code === code);
    assert.ok(target.length > 0, `no ${code} in ${JSON.stringify(before)}`);
    const actions = await client.request<Action[]>('textDocument/codeAction', {
      textDocument: { uri }, range: target[0]!.range, context: { diagnostics: target, only: ['quickfix'] },
    });
    const action = actions.find((a) => title.test(a.title));
    assert.ok(action, `no action ${title} among ${JSON.stringify(actions.map((a) => a.title))}`);
    assert.equal(action.kind, 'quickfix');
    const edits = action.edit?.changes?.[uri];
    assert.ok(edits && edits.length > 0, 'the action edits the document');
    const fixed = TextDocument.applyEdits(TextDocument.create(uri, 'yaml', 1, text), edits);
    const second = client.waitForDiagnostics(uri, 2);
    client.notify('textDocument/didChange', { textDocument: { uri, version: 2 }, contentChanges: [{ text: fixed }] });
    return { action, text: fixed, before, after: (await second).diagnostics as Diag[] };
  }

  it('did-you-mean for an unknown field renames the key', async () => {
    const r = await fix(`${GIT}  intervall: 1m\n  url: https://github.com/org/repo\n`, 'flux/unknown-field', /^Change 'intervall' to 'interval'$/);
    assert.equal(r.action.isPreferred, true);
    assert.match(r.text, /\n {2}interval: 1m\n/);
    assert.deepEqual(r.after, []);
  });

  it('did-you-mean for an enum value replaces the value and keeps its quotes', async () => {
    const r = await fix(`${GIT}  interval: 1m\n  url: https://github.com/org/repo\n  provider: "githb"\n`, 'flux/schema-enum', /^Change 'githb' to 'github'$/);
    assert.match(r.text, /provider: "github"\n/);
    assert.deepEqual(r.after, []);
  });

  it('the scp-like git URL becomes its ssh:// form (data.suggestion of flux/git-url-scp)', async () => {
    const r = await fix(`${GIT}  interval: 1m\n  url: git@github.com:org/repo.git\n`, 'flux/git-url-scp', /ssh:\/\/git@github\.com\/org\/repo\.git/);
    assert.match(r.text, /url: ssh:\/\/git@github\.com\/org\/repo\.git\n/);
    assert.deepEqual(r.after, []);
  });

  it('a removed Kustomization apiVersion migrates to v1 and drops the removed validation field', async () => {
    const ks = 'apiVersion: kustomize.toolkit.fluxcd.io/v1beta2\nkind: Kustomization\nmetadata:\n  name: apps\n  namespace: flux-system\n'
      + 'spec:\n  interval: 10m\n  path: ./apps\n  prune: true\n  validation: client\n  sourceRef:\n    kind: GitRepository\n    name: flux-system\n';
    const r = await fix(ks, 'flux/removed-api-version', /^Migrate to kustomize\.toolkit\.fluxcd\.io\/v1 \(validation dropped\)$/);
    assert.match(r.text, /^apiVersion: kustomize\.toolkit\.fluxcd\.io\/v1\n/);
    assert.doesNotMatch(r.text, /validation/);
    assert.match(r.text, /prune: true\n {2}sourceRef:/);
    assert.deepEqual(r.after, []);
  });

  it('a HelmRelease v2beta1 migrates to v2 with valuesFile renamed to the valuesFiles list', async () => {
    const hr = 'apiVersion: helm.toolkit.fluxcd.io/v2beta1\nkind: HelmRelease\nmetadata:\n  name: podinfo\n  namespace: apps\nspec:\n  interval: 10m\n'
      + '  chart:\n    spec:\n      chart: podinfo\n      valuesFile: values-prod.yaml\n      sourceRef:\n        kind: HelmRepository\n        name: podinfo\n';
    const r = await fix(hr, 'flux/removed-api-version', /^Migrate to helm\.toolkit\.fluxcd\.io\/v2 \(valuesFile → valuesFiles\)$/);
    assert.match(r.text, /\n {6}valuesFiles: \[values-prod\.yaml\]\n/);
    assert.deepEqual(r.after, []);
  });

  const KS_OLD = 'apiVersion: kustomize.toolkit.fluxcd.io/v1beta2\nkind: Kustomization\nmetadata:\n  name: apps\n  namespace: flux-system\n'
    + 'spec:\n  interval: 10m\n  path: ./apps\n  prune: true\n  sourceRef:\n    kind: GitRepository\n    name: flux-system\n';

  it('a migration moves each patchesStrategicMerge entry to an inline patches entry (comments kept, no target)', async () => {
    const ks = `${KS_OLD}  patchesStrategicMerge:\n    - apiVersion: apps/v1\n      kind: Deployment\n      metadata:\n        name: podinfo\n`
      + '      # two replicas in prod\n      spec:\n        replicas: 2\n    - {apiVersion: v1, kind: ConfigMap, metadata: {name: settings}, data: {a: b}}\n  timeout: 2m\n';
    const r = await fix(ks, 'flux/removed-api-version', /^Migrate to kustomize\.toolkit\.fluxcd\.io\/v1 \(patchesStrategicMerge → patches\)$/);
    assert.equal(r.action.isPreferred, true);
    assert.equal(r.text, `${KS_OLD.replace('v1beta2', 'v1')}  patches:\n    - patch: |\n        apiVersion: apps/v1\n        kind: Deployment\n        metadata:\n          name: podinfo\n`
      + '        # two replicas in prod\n        spec:\n          replicas: 2\n    - patch: |\n        {apiVersion: v1, kind: ConfigMap, metadata: {name: settings}, data: {a: b}}\n  timeout: 2m\n');
    assert.deepEqual(r.after, []);
  });

  it('a migration moves patchesJson6902 entries to patches with their target, after the existing patches', async () => {
    const ks = `${KS_OLD}  patchesJson6902:\n  - target:\n      kind: Deployment\n      name: podinfo\n    patch:\n    - op: add\n      path: /metadata/labels/tier\n      value: web\n`
      + '  patches:\n    - patch: |\n        - op: remove\n          path: /spec/replicas\n      target:\n        kind: Deployment\n';
    const r = await fix(ks, 'flux/removed-api-version', /^Migrate to kustomize\.toolkit\.fluxcd\.io\/v1 \(patchesJson6902 → patches\)$/);
    assert.equal(r.text, `${KS_OLD.replace('v1beta2', 'v1')}  patches:\n    - patch: |\n        - op: remove\n          path: /spec/replicas\n      target:\n        kind: Deployment\n`
      + '    - patch: |\n        - op: add\n          path: /metadata/labels/tier\n          value: web\n      target:\n        kind: Deployment\n        name: podinfo\n');
    assert.deepEqual(r.after, []);
  });

  it('both old lists in one Kustomization become one patches list (strategic merge first), file end without newline', async () => {
    const ks = `${KS_OLD}  patchesJson6902:\n    - target: {kind: Service, name: web}\n      patch: [{op: remove, path: /spec/type}]\n`
      + '  patchesStrategicMerge:\n    - kind: Service\n      metadata:\n        name: web';
    const r = await fix(ks, 'flux/removed-api-version', /^Migrate to kustomize\.toolkit\.fluxcd\.io\/v1 \(patchesStrategicMerge → patches, patchesJson6902 → patches\)$/);
    assert.equal(r.text, `${KS_OLD.replace('v1beta2', 'v1')}  patches:\n    - patch: |\n        kind: Service\n        metadata:\n          name: web\n`
      + '    - patch: |\n        [{op: remove, path: /spec/type}]\n      target:\n        {kind: Service, name: web}\n');
    assert.deepEqual(r.after, []);
  });

  it('a HelmRelease post-renderer\'s patchesStrategicMerge moves to its patches in the v2 migration', async () => {
    const hr = 'apiVersion: helm.toolkit.fluxcd.io/v2beta1\nkind: HelmRelease\nmetadata:\n  name: podinfo\n  namespace: apps\nspec:\n  interval: 10m\n'
      + '  chart:\n    spec:\n      chart: podinfo\n      sourceRef:\n        kind: HelmRepository\n        name: podinfo\n'
      + '  postRenderers:\n    - kustomize:\n        patchesStrategicMerge:\n          - kind: Deployment\n            apiVersion: apps/v1\n            metadata:\n              name: podinfo\n';
    const r = await fix(hr, 'flux/removed-api-version', /^Migrate to helm\.toolkit\.fluxcd\.io\/v2 \(patchesStrategicMerge → patches\)$/);
    assert.match(r.text, /\n {2}postRenderers:\n {4}- kustomize:\n {8}patches:\n {10}- patch: \|\n {14}kind: Deployment\n {14}apiVersion: apps\/v1\n {14}metadata:\n {16}name: podinfo\n$/);
    assert.deepEqual(r.after, []);
  });

  it('a migration whose fields need a hand says which ones (and is not the preferred fix)', async () => {
    // A file path is kustomize's form; Flux's patches are inline only, so the entry cannot be moved mechanically.
    const ks = `${KS_OLD}  patchesStrategicMerge:\n    - patches/replicas.yaml\n`;
    const r = await fix(ks, 'flux/removed-api-version', /by hand: spec\.patchesStrategicMerge \(move to patches: Flux patches are inline YAML\)$/);
    assert.equal(r.action.isPreferred, false);
    assert.match(r.text, /patchesStrategicMerge:\n {4}- patches\/replicas\.yaml\n$/, 'the field is left as it was');
    assert.ok(!r.after.some((d) => d.code === 'flux/removed-api-version'));
    assert.deepEqual(r.after.map((d) => d.code), ['flux/unknown-field'], 'only the field named in the title is left');
  });

  it('adds all the missing required fields of spec with placeholders', async () => {
    const ks = 'apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata:\n  name: apps\n  namespace: flux-system\n'
      + 'spec:\n  path: ./apps\n  sourceRef:\n    kind: GitRepository\n    name: flux-system\n';
    const r = await fix(ks, 'flux/missing-required', /^Add the 2 missing required fields to spec \(interval, prune\)$/);
    assert.match(r.text, /\n {4}name: flux-system\n {2}interval: 10m\n {2}prune: false\n$/);
    assert.deepEqual(r.after, []);
  });

  it('fills a required field written without a value in place (no second key)', async () => {
    const ks = 'apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata:\n  name: apps\n  namespace: flux-system\n'
      + 'spec:\n  interval: 10m\n  sourceRef:\n  path: ./apps\n';
    const r = await fix(ks, 'flux/missing-required', /^Add the 2 missing required fields to spec \((prune, sourceRef|sourceRef, prune)\)$/);
    assert.match(r.text, /\nspec:\n {2}interval: 10m\n {2}sourceRef:\n {4}kind: \w+\n {4}name: name\n {2}path: \.\/apps\n {2}prune: false\n$/);
    assert.equal(r.text.match(/sourceRef:/g)?.length, 1);
    assert.deepEqual(r.after, []);
  });

  it('adds the fields of an empty flow map on the lines after its key', async () => {
    const ks = 'apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata:\n  name: apps\n  namespace: flux-system\n'
      + 'spec:\n  interval: 10m\n  prune: true\n  sourceRef: {}\n  path: ./apps\n';
    const r = await fix(ks, 'flux/missing-required', /^Add required field 'kind' to spec\.sourceRef$/);
    assert.match(r.text, /\n {2}sourceRef:\n {4}kind: \w+\n {2}path: \.\/apps\n$/);
    assert.deepEqual(r.after.map((d) => d.code), ['flux/missing-required'], 'name is still missing');
  });

  it('offers nothing for a diagnostic without a fix, and nothing for a stale range', async () => {
    const uri = 'file:///ws/nofix.yaml';
    const first = client.waitForDiagnostics(uri, 1);
    client.open(uri, `${GIT}  interval: 1m\n  url: https://github.com/org/repo\n  timeout: 5 minutes\n`);
    const diags = (await first).diagnostics as Diag[];
    assert.ok(diags.some((d) => d.code === 'flux/schema-pattern'), JSON.stringify(diags));
    const none = await client.request<Action[]>('textDocument/codeAction', { textDocument: { uri }, range: diags[0]!.range, context: { diagnostics: diags } });
    assert.deepEqual(none, []);
    const stale = await client.request<Action[]>('textDocument/codeAction', {
      textDocument: { uri }, range: diags[0]!.range,
      context: { diagnostics: [{ ...diags[0]!, code: 'flux/missing-required', data: { field: 'x', path: ['no', 'such'] }, source: 'Flux Workbench' }] },
    });
    assert.deepEqual(stale, []);
  });
});
