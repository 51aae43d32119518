import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { LspClient } from './lsp-client';

const GIT_REPO = `apiVersion: source.toolkit.fluxcd.io/v1
kind: GitRepository
metadata:
  name: podinfo
  namespace: flux-system
spec:
  intervall: 5m
  url: https://github.com/stefanprodan/podinfo
  ref:
    branch: master
`;

interface CompletionList { label: string; insertText?: string }
interface HoverResult { contents: { kind: string; value: string } }
interface SymbolResult { name: string; range: { start: { line: number } } }

describe('language server over stdio', () => {
  let client: LspClient;

  before(async () => {
    client = new LspClient();
    const init = await client.initialize() as { capabilities: Record<string, unknown> };
    assert.ok(init.capabilities.completionProvider);
    assert.equal(init.capabilities.hoverProvider, true);
    assert.equal(init.capabilities.documentSymbolProvider, true);
  });

  after(async () => { await client.shutdown(); });

  it('publishes diagnostics on didOpen with exact ranges and codes', async () => {
    const uri = 'file:///ws/git.yaml';
    const wait = client.waitForDiagnostics(uri, 1);
    client.open(uri, GIT_REPO);
    const diags = await wait;
    const unknown = diags.diagnostics.find((d) => d.code === 'flux/unknown-field');
    assert.ok(unknown, `expected flux/unknown-field, got ${JSON.stringify(diags.diagnostics)}`);
    assert.deepEqual(unknown.range, { start: { line: 6, character: 2 }, end: { line: 6, character: 11 } });
    assert.match(unknown.message, /GitRepository flux-system\/podinfo/);
    assert.match(unknown.message, /interval/);
    assert.ok(diags.diagnostics.some((d) => d.code === 'flux/missing-required'), 'interval is required and missing');
  });

  it('re-validates on didChange and publishes only the newest version', async () => {
    const uri = 'file:///ws/git.yaml';
    const fixed = GIT_REPO.replace('intervall: 5m', 'interval: 5 minutes');
    const final = GIT_REPO.replace('intervall: 5m', 'interval: 5m');
    const waitFinal = client.waitForDiagnostics(uri, 4);
    // Three quick edits inside the debounce window: only version 4 may be analysed.
    client.notify('textDocument/didChange', { textDocument: { uri, version: 2 }, contentChanges: [{ text: fixed }] });
    client.notify('textDocument/didChange', { textDocument: { uri, version: 3 }, contentChanges: [{ text: GIT_REPO }] });
    client.notify('textDocument/didChange', { textDocument: { uri, version: 4 }, contentChanges: [{ text: final }] });
    const diags = await waitFinal;
    assert.deepEqual(diags.diagnostics, [], JSON.stringify(diags.diagnostics));
    const stale = client.notifications.filter((m) => m.method === 'textDocument/publishDiagnostics'
      && (m.params as { uri: string; version?: number }).uri === uri
      && [2, 3].includes((m.params as { version?: number }).version ?? -1));
    assert.equal(stale.length, 0, 'no stale version was published');

    const waitPattern = client.waitForDiagnostics(uri, 5);
    client.notify('textDocument/didChange', {
      textDocument: { uri, version: 5 },
      contentChanges: [{ range: { start: { line: 6, character: 12 }, end: { line: 6, character: 14 } }, text: '5 minutes' }],
    });
    const p = await waitPattern;
    const pattern = p.diagnostics.find((d) => d.code === 'flux/schema-pattern');
    assert.ok(pattern, JSON.stringify(p.diagnostics));
    assert.deepEqual(pattern.range, { start: { line: 6, character: 12 }, end: { line: 6, character: 21 } });
  });

  it('completes keys, leaving present ones out', async () => {
    const uri = 'file:///ws/complete.yaml';
    const text = 'apiVersion: source.toolkit.fluxcd.io/v1\nkind: GitRepository\nmetadata:\n  name: x\nspec:\n  url: https://example.com/x\n  \n';
    client.open(uri, text);
    const items = await client.request<CompletionList[] | { items: CompletionList[] }>('textDocument/completion', {
      textDocument: { uri }, position: { line: 6, character: 2 },
    });
    const labels = (Array.isArray(items) ? items : items.items).map((i) => i.label);
    assert.ok(labels.includes('interval'), labels.join(','));
    assert.ok(labels.includes('ref'), labels.join(','));
    assert.ok(!labels.includes('url'), 'url is already present');
  });

  it('completes apiVersion/kind pairs at the top of an empty document', async () => {
    const uri = 'file:///ws/empty.yaml';
    client.open(uri, '');
    const items = await client.request<CompletionList[] | { items: CompletionList[] }>('textDocument/completion', {
      textDocument: { uri }, position: { line: 0, character: 0 },
    });
    const list = Array.isArray(items) ? items : items.items;
    const hr = list.find((i) => /HelmRelease/.test(i.label) && /helm\.toolkit\.fluxcd\.io\/v2\b/.test(`${i.label} ${i.insertText ?? ''}`));
    assert.ok(hr, list.map((i) => i.label).join(','));
  });

  it('hovers a nested field with path, type and docs link', async () => {
    const uri = 'file:///ws/hover.yaml';
    client.open(uri, GIT_REPO.replace('intervall', 'interval'));
    const h = await client.request<HoverResult | null>('textDocument/hover', { textDocument: { uri }, position: { line: 9, character: 6 } });
    assert.ok(h);
    assert.match(h.contents.value, /spec\.ref\.branch/);
    assert.match(h.contents.value, /string/);
    assert.match(h.contents.value, /fluxcd\.io\/flux\/components\/source\/gitrepositories/);
  });

  it('lists one symbol per Flux object', async () => {
    const uri = 'file:///ws/symbols.yaml';
    const text = `${GIT_REPO}---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm\n---\napiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata:\n  name: apps\nspec:\n  interval: 10m\n  prune: true\n  sourceRef:\n    kind: GitRepository\n    name: podinfo\n`;
    client.open(uri, text);
    const symbols = await client.request<SymbolResult[]>('textDocument/documentSymbol', { textDocument: { uri } });
    assert.deepEqual(symbols.map((s) => s.name), ['GitRepository flux-system/podinfo', 'Kustomization apps']);
  });

  it('ignores non-Flux YAML and kustomize.config.k8s.io Kustomizations', async () => {
    const uri = 'file:///ws/kustomization.yaml';
    const wait = client.waitForDiagnostics(uri, 1);
    client.open(uri, 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - a.yaml\nbogus: 1\n');
    assert.deepEqual((await wait).diagnostics, []);
  });

  it('survives bad input and keeps serving', async () => {
    const inputs: Array<[string, string]> = [
      ['binary', '\u0000\u0001\u0002ELF\u0000'.repeat(1000)],
      ['random', Array.from({ length: 20000 }, (_, i) => String.fromCharCode((i * 7919) % 65535)).join('')],
      ['deep', `${'['.repeat(20000)}${']'.repeat(20000)}`],
      ['deepmap', Array.from({ length: 3000 }, (_, i) => `${' '.repeat(i)}k${i}:`).join('\n')],
      ['huge', `apiVersion: source.toolkit.fluxcd.io/v1\nkind: GitRepository\nmetadata:\n  name: a\nspec:\n  interval: 1m\n  url: https://example.com/a\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: big\ndata:\n${'  k: "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"\n'.repeat(130000)}`],
      // Without a Flux apiVersion the file is decided on its text: no Flux diagnostics at all, however large.
      ['huge-plain', `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: big\ndata:\n${'  k: "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"\n'.repeat(130000)}`],
    ];
    for (const [name, text] of inputs) {
      const uri = `file:///ws/bad-${name}.yaml`;
      const wait = client.waitForDiagnostics(uri, 1, 60000);
      client.open(uri, text);
      const d = await wait;
      assert.ok(Array.isArray(d.diagnostics), name);
      // A file that is not analysed says why, once, at line 1, as information; a huge one says it is too large.
      const expected = { binary: 'flux/not-analysed', deep: 'flux/not-analysed', deepmap: 'flux/not-analysed', huge: 'flux/file-too-large' }[name];
      if (name === 'huge-plain') assert.deepEqual(d.diagnostics, [], name);
      if (expected !== undefined) {
        const infos = d.diagnostics.filter((x) => x.code === expected);
        assert.equal(infos.length, 1, `${name}: one ${expected}`);
        assert.equal(infos[0]!.severity, 3, `${name}: information`);
        assert.equal(infos[0]!.range.start.line, 0, `${name}: line 1`);
      }
      await client.request('textDocument/hover', { textDocument: { uri }, position: { line: 0, character: 1 } });
      await client.request('textDocument/completion', { textDocument: { uri }, position: { line: 0, character: 1 } });
    }
    assert.equal(client.proc.exitCode, null, 'server still running');
    const symbols = await client.request<SymbolResult[]>('textDocument/documentSymbol', { textDocument: { uri: 'file:///ws/symbols.yaml' } });
    assert.equal(symbols.length, 2, 'still answers after bad input');
  });
});
