import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { LspClient } from './lsp-client';

interface Item { label: string }
const HEAD = 'apiVersion: source.toolkit.fluxcd.io/v1\nkind: GitRepository\nmetadata:\n  name: podinfo\n  namespace: flux-system\nspec:\n';

describe('language server: completion triggers over stdio', () => {
  let client: LspClient;
  let caps: { completionProvider?: { triggerCharacters?: string[] } };
  before(async () => {
    client = new LspClient();
    caps = ((await client.initialize()) as { capabilities: typeof caps }).capabilities;
  });
  after(async () => { await client.shutdown(); });

  const ask = async (uri: string, line: number, character: number, triggerCharacter?: string): Promise<string[]> => {
    const context = triggerCharacter ? { triggerKind: 2, triggerCharacter } : { triggerKind: 1 };
    const res = await client.request<Item[] | { items: Item[] }>('textDocument/completion', { textDocument: { uri }, position: { line, character }, context });
    return (Array.isArray(res) ? res : res.items).map((i) => i.label);
  };

  it('Enter is no trigger character; `:` and space are', () => {
    assert.deepEqual(caps.completionProvider?.triggerCharacters, [':', ' ']);
  });

  it('a space typed as indentation opens nothing; after `provider: ` the values open; Ctrl+Space gives the keys', async () => {
    const uri = 'file:///ws/trig.yaml';
    client.open(uri, `${HEAD}  interval: 1m\n  \n  provider: \n`);
    assert.deepEqual(await ask(uri, 7, 2, ' '), []);
    assert.deepEqual((await ask(uri, 8, 12, ' ')).sort(), ['azure', 'generic', 'github']);
    assert.ok((await ask(uri, 7, 2)).includes('url'));
  });

  it('no Flux items in a GitHub workflow, even on Ctrl+Space at column 0', async () => {
    const uri = 'file:///ws/.github/workflows/ci.yaml';
    client.open(uri, 'name: CI\non: push\njobs:\n  build:\n    runs-on: ubuntu-latest\n\n');
    assert.deepEqual(await ask(uri, 5, 0), []);
  });
});
