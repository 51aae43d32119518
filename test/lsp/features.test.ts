import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { LspClient } from './lsp-client';

interface Item { label: string; insertTextFormat?: number; textEdit?: { range: unknown; newText: string }; sortText?: string }
interface HoverResult { contents: { kind: string; value: string }; range?: unknown }

const HEAD = 'apiVersion: source.toolkit.fluxcd.io/v1\nkind: GitRepository\nmetadata:\n  name: podinfo\n  namespace: flux-system\nspec:\n';

describe('language server: completion and hover details over stdio', () => {
  let client: LspClient;
  before(async () => {
    client = new LspClient();
    await client.initialize();
  });
  after(async () => { await client.shutdown(); });

  it('completes a half-typed key with a snippet text edit over the typed word', async () => {
    const uri = 'file:///ws/half.yaml';
    client.open(uri, `${HEAD}  interval: 1m\n  ref:\n    bra`);
    const res = await client.request<Item[] | { items: Item[] }>('textDocument/completion', { textDocument: { uri }, position: { line: 8, character: 7 } });
    const list = Array.isArray(res) ? res : res.items;
    const branch = list.find((i) => i.label === 'branch');
    assert.ok(branch, list.map((i) => i.label).join());
    assert.equal(branch.insertTextFormat, 2, 'snippet');
    assert.deepEqual(branch.textEdit?.range, { start: { line: 8, character: 4 }, end: { line: 8, character: 7 } });
    assert.match(branch.textEdit!.newText, /^branch: /);
  });

  it('completes enum values of the field under the cursor', async () => {
    const uri = 'file:///ws/enum.yaml';
    client.open(uri, `${HEAD}  provider: `);
    const res = await client.request<Item[] | { items: Item[] }>('textDocument/completion', { textDocument: { uri }, position: { line: 6, character: 12 } });
    const list = Array.isArray(res) ? res : res.items;
    assert.ok(['generic', 'github', 'azure'].every((v) => list.some((i) => i.label === v)), list.map((i) => i.label).join());
  });

  it('hovers a reference with the file that defines its object', async () => {
    const source = 'file:///ws/repo/source.yaml';
    const wait = client.waitForDiagnostics(source, 1);
    client.open(source, `${HEAD.replace('podinfo', 'webapp')}  interval: 1m\n  url: https://example.com/x\n`);
    await wait;
    const uri = 'file:///ws/repo/ks.yaml';
    client.open(uri, 'apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata:\n  name: apps\n  namespace: flux-system\nspec:\n  sourceRef:\n    kind: GitRepository\n    name: webapp\n');
    const h = await client.request<HoverResult | null>('textDocument/hover', { textDocument: { uri }, position: { line: 8, character: 12 } });
    assert.ok(h);
    assert.match(h.contents.value, /spec\.sourceRef\.name/);
    assert.match(h.contents.value, /Refers to `GitRepository flux-system\/webapp`, defined in `source\.yaml` line 4\./);
  });
});
