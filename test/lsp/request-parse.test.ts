/**
 * Requests that need a document's parse (hover, outline, definition, code actions) use the parse its analysis
 * makes (server/src/lsp/language-server.ts, parsedDocument): a request arriving while the analysis waits for its
 * debounce starts it at once and is answered from it, for the current version, with nothing lost.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { LspClient } from './lsp-client';
import { fluxDocument } from '../bench/workspace-gen';

describe('requests served from the analysis parse', () => {
  let client: LspClient;
  before(async () => {
    client = new LspClient();
    // A debounce far longer than the test: only a request can start the analysis early.
    await client.initialize({ debounceMs: 600000 });
  });
  after(async () => { await client.shutdown(); });

  it('a hover and an outline right after open and after a change answer for the current version', async () => {
    const uri = 'file:///ws/wait.yaml';
    const docs = Array.from({ length: 40 }, (_, i) => fluxDocument(i));
    const text = docs.join('---\n');
    client.open(uri, text, 1);
    const diagnostics = client.waitForDiagnostics(uri, 1, 60000);
    const symbols = await client.request<Array<{ name: string }>>('textDocument/documentSymbol', { textDocument: { uri } }, 60000);
    assert.equal(symbols.length, 40, 'one symbol per object');
    // The request started the analysis (the debounce is 10 minutes): its diagnostics are published.
    assert.equal((await diagnostics).uri, uri);
    const hover = await client.request<{ contents: { value: string } } | null>('textDocument/hover', { textDocument: { uri }, position: { line: 1, character: 2 } }, 60000);
    assert.ok(hover && /\*\*\w+\*\*/.test(hover.contents.value), 'a kind hover on line 2');
    // A change: the outline follows the new text (the first object renamed).
    const renamed = text.replace(/^  name: .*$/m, '  name: renamed-first');
    client.notify('textDocument/didChange', { textDocument: { uri, version: 2 }, contentChanges: [{ text: renamed }] });
    const after2 = await client.request<Array<{ name: string }>>('textDocument/documentSymbol', { textDocument: { uri } }, 60000);
    assert.match(after2[0]!.name, /renamed-first/);
    const closed = client.request<unknown[]>('textDocument/documentSymbol', { textDocument: { uri: 'file:///ws/not-open.yaml' } }, 60000);
    assert.deepEqual(await closed, []);
  });
});
