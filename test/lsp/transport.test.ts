/**
 * The server over Node IPC, the transport VS Code starts it with (dist/server.js --node-ipc): its own message
 * writer (server/src/lsp/transport.ts) counts the messages not yet written, and the analyses wait for them. An
 * answer far larger than the pipe (the outline of a file of 3,000 documents) arrives whole, and the analyses go
 * on after it: both files' diagnostics are published.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { FluxEngine } from '../../server/src/engine/engine';
import { CountingIpcWriter } from '../../server/src/lsp/transport';
import { fluxDocument } from '../bench/workspace-gen';
import { LspClient } from './lsp-client';

describe('language server over Node IPC', () => {
  let client: LspClient;

  before(async () => {
    client = LspClient.overNodeIpc();
    const init = await client.initialize({ debounceMs: 0 }) as { capabilities: { documentSymbolProvider?: boolean } };
    assert.equal(init.capabilities.documentSymbolProvider, true);
  });

  after(async () => { await client.shutdown(); });

  it('answers an outline far larger than the pipe whole, and the analyses go on after it', async () => {
    const big = Array.from({ length: 3000 }, (_, i) => fluxDocument(i)).join('---\n');
    const bigUri = 'file:///ipc/big.yaml';
    const smallUri = 'file:///ipc/small.yaml';
    const bigDiagnostics = client.waitForDiagnostics(bigUri, 1, 30_000);
    client.open(bigUri, big);
    const outline = await client.request<Array<{ name: string }>>('textDocument/documentSymbol', { textDocument: { uri: bigUri } }, 30_000);
    const expected = new FluxEngine().symbols(big, bigUri, 1).map((s) => s.name);
    assert.ok(JSON.stringify(outline).length > 256 * 1024, 'the answer is larger than a pipe buffer');
    assert.deepEqual(outline.map((s) => s.name), expected);

    const smallDiagnostics = client.waitForDiagnostics(smallUri, 1, 30_000);
    client.open(smallUri, 'apiVersion: source.toolkit.fluxcd.io/v1\nkind: GitRepository\nmetadata:\n  name: x\nspec:\n  intervall: 1m\n');
    assert.ok((await smallDiagnostics).diagnostics.some((d) => d.code === 'flux/unknown-field'));
    await bigDiagnostics;
  });
});

describe('CountingIpcWriter', () => {
  it('counts each message until process.send reports it written, and reports a failed write', async () => {
    const callbacks: Array<(e: Error | null) => void> = [];
    const sent: unknown[] = [];
    const target = { send: ((msg: unknown, _h: unknown, _o: unknown, cb: (e: Error | null) => void) => { sent.push(msg); callbacks.push(cb); return true; }) as NodeJS.Process['send'] };
    const w = new CountingIpcWriter(target);
    const errors: string[] = [];
    w.onError(([e]) => errors.push(e.message));
    await w.write({ jsonrpc: '2.0' });
    await w.write({ jsonrpc: '2.0' });
    assert.equal(sent.length, 2);
    assert.equal(w.pending, 2);
    callbacks[0]!(null);
    assert.equal(w.pending, 1);
    callbacks[1]!(new Error('channel closed'));
    assert.equal(w.pending, 0);
    assert.deepEqual(errors, ['channel closed']);
  });

  it('a send that throws is not left pending', async () => {
    const w = new CountingIpcWriter({ send: (() => { throw new Error('ERR_IPC_CHANNEL_CLOSED'); }) as NodeJS.Process['send'] });
    await assert.rejects(w.write({ jsonrpc: '2.0' }), /ERR_IPC_CHANNEL_CLOSED/);
    assert.equal(w.pending, 0);
  });
});
