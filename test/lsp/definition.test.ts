import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { LspClient } from './lsp-client';

interface Loc { uri: string; range: { start: { line: number; character: number }; end: { line: number; character: number } } }
interface Link { targetUri: string; targetSelectionRange: Loc['range']; originSelectionRange?: Loc['range'] }

const SOURCE = 'apiVersion: source.toolkit.fluxcd.io/v1\nkind: GitRepository\nmetadata:\n  name: podinfo\n  namespace: flux-system\nspec:\n  interval: 1m\n  url: https://example.com/podinfo\n';
const KS = 'apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata:\n  name: apps\n  namespace: flux-system\nspec:\n  interval: 10m\n  prune: true\n  sourceRef:\n    kind: GitRepository\n    name: podinfo\n  dependsOn:\n    - name: infra\n';

/** Asks until the answer is non-empty (the workspace scan runs in the background) or the tries run out. */
async function definitionOnce<T>(client: LspClient, uri: string, line: number, character: number, tries = 50): Promise<T[]> {
  for (let i = 0; i < tries; i++) {
    const r = await client.request<T[] | null>('textDocument/definition', { textDocument: { uri }, position: { line, character } });
    if (r && r.length > 0) return r;
    await new Promise((res) => setTimeout(res, 100));
  }
  return [];
}

describe('language server: definition', () => {
  let dir: string;
  let client: LspClient;

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fw-def-'));
    fs.mkdirSync(path.join(dir, 'clusters', 'prod'), { recursive: true });
    fs.mkdirSync(path.join(dir, 'node_modules', 'x'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'clusters', 'prod', 'source.yaml'), SOURCE);
    // A copy under node_modules must not be indexed (the scan skips vendor trees).
    fs.writeFileSync(path.join(dir, 'node_modules', 'x', 'source.yaml'), SOURCE);
    client = new LspClient();
    const init = await client.request<{ capabilities: Record<string, unknown> }>('initialize', {
      processId: process.pid, rootUri: pathToFileURL(dir).toString(), capabilities: {}, initializationOptions: { debounceMs: 20 },
    });
    assert.equal(init.capabilities.definitionProvider, true);
    client.notify('initialized', {});
  });

  after(async () => {
    await client.shutdown();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('resolves sourceRef.name to an object in a workspace file that is not open', async () => {
    const uri = pathToFileURL(path.join(dir, 'clusters', 'prod', 'ks.yaml')).toString();
    client.open(uri, KS);
    const locs = await definitionOnce<Loc>(client, uri, 10, 12);
    assert.equal(locs.length, 1, JSON.stringify(locs));
    assert.equal(locs[0]!.uri, pathToFileURL(path.join(dir, 'clusters', 'prod', 'source.yaml')).toString());
    assert.deepEqual(locs[0]!.range, { start: { line: 3, character: 8 }, end: { line: 3, character: 15 } });
  });

  it('resolves dependsOn to an object in another open document, and follows its edits', async () => {
    const ksUri = pathToFileURL(path.join(dir, 'clusters', 'prod', 'ks.yaml')).toString();
    const infraUri = 'untitled:infra.yaml';
    assert.deepEqual(await client.request('textDocument/definition', { textDocument: { uri: ksUri }, position: { line: 12, character: 13 } }), []);
    client.open(infraUri, KS.replace('name: apps', 'name: infra'));
    const locs = await definitionOnce<Loc>(client, ksUri, 12, 13);
    assert.equal(locs.length, 1);
    assert.equal(locs[0]!.uri, infraUri);
    // Renamed in the editor: the old name no longer resolves once the change is analysed.
    const wait = client.waitForDiagnostics(infraUri, 2);
    client.notify('textDocument/didChange', { textDocument: { uri: infraUri, version: 2 }, contentChanges: [{ text: KS.replace('name: apps', 'name: other') }] });
    await wait;
    assert.deepEqual(await client.request('textDocument/definition', { textDocument: { uri: ksUri }, position: { line: 12, character: 13 } }), []);
  });

  it('finds an object by kind, name and namespace (flux/findObject)', async () => {
    const sourceUri = pathToFileURL(path.join(dir, 'clusters', 'prod', 'source.yaml')).toString();
    interface Found { uri: string; range: Loc['range']; selectionRange: Loc['range']; namespace?: string }
    let found: Found[] = [];
    for (let i = 0; i < 50 && found.length === 0; i++) {
      found = await client.request<Found[]>('flux/findObject', { kind: 'GitRepository', name: 'podinfo', namespace: 'flux-system' });
      if (found.length === 0) await new Promise((res) => setTimeout(res, 100));
    }
    assert.deepEqual(found.map((f) => [f.uri, f.namespace]), [[sourceUri, 'flux-system']]);
    assert.deepEqual(found[0]!.selectionRange, { start: { line: 3, character: 8 }, end: { line: 3, character: 15 } });
    assert.equal((await client.request<Found[]>('flux/findObject', { kind: 'GitRepository', name: 'podinfo' })).length, 1);
    assert.deepEqual(await client.request('flux/findObject', { kind: 'GitRepository', name: 'podinfo', namespace: 'other' }), []);
    assert.deepEqual(await client.request('flux/findObject', { kind: 42 }), []);
  });

  it('answers nothing off a reference', async () => {
    const uri = pathToFileURL(path.join(dir, 'clusters', 'prod', 'ks.yaml')).toString();
    assert.deepEqual(await client.request('textDocument/definition', { textDocument: { uri }, position: { line: 6, character: 13 } }), []);
  });
});

describe('language server: definition with link support', () => {
  it('returns LocationLinks with the origin range when the client supports them', async () => {
    const client = new LspClient();
    try {
      await client.request('initialize', {
        processId: process.pid, rootUri: null, initializationOptions: { debounceMs: 20 },
        capabilities: { textDocument: { definition: { linkSupport: true } } },
      });
      client.notify('initialized', {});
      client.open('untitled:source.yaml', SOURCE);
      client.open('untitled:ks.yaml', KS);
      const links = await definitionOnce<Link>(client, 'untitled:ks.yaml', 10, 12);
      assert.equal(links.length, 1);
      assert.equal(links[0]!.targetUri, 'untitled:source.yaml');
      assert.deepEqual(links[0]!.targetSelectionRange, { start: { line: 3, character: 8 }, end: { line: 3, character: 15 } });
      assert.deepEqual(links[0]!.originSelectionRange, { start: { line: 10, character: 10 }, end: { line: 10, character: 17 } });
    } finally {
      await client.shutdown();
    }
  });
});
