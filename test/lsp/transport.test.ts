/**
 * The server over Node IPC, the transport VS Code starts it with (dist/server.js --node-ipc): its own message
 * writer (server/src/lsp/transport.ts) counts the messages not yet written, and the analyses wait for them. An
 * answer far larger than the pipe (the outline of a file of 3,000 documents) arrives whole, and the analyses go
 * on after it: both files' diagnostics are published.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { fork, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import { FluxEngine } from '../../server/src/engine/engine';
import { CountingIpcWriter } from '../../server/src/lsp/transport';
import { fluxDocument } from '../bench/workspace-gen';

interface Rpc { id?: number; method?: string; params?: unknown; result?: unknown; error?: unknown }

class IpcClient {
  readonly proc: ChildProcess;
  private nextId = 1;
  private readonly pending = new Map<number, (m: Rpc) => void>();
  readonly notifications: Rpc[] = [];
  private readonly listeners: Array<() => void> = [];

  constructor() {
    this.proc = fork(path.join(__dirname, '..', '..', 'dist', 'server.js'), ['--node-ipc'], { stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
    this.proc.on('message', (m: Rpc) => {
      if (m.id !== undefined && !m.method) {
        this.pending.get(m.id)?.(m);
        this.pending.delete(m.id);
      } else if (m.method) {
        // A request from the server (configuration, progress): answer it with nothing.
        if (m.id !== undefined) this.proc.send({ jsonrpc: '2.0', id: m.id, result: null });
        else this.notifications.push(m);
        for (const l of this.listeners) l();
      }
    });
  }

  request(method: string, params: unknown, timeoutMs = 30_000): Promise<Rpc> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${method} timed out`)), timeoutMs);
      this.pending.set(id, (m) => { clearTimeout(timer); resolve(m); });
      this.proc.send({ jsonrpc: '2.0', id, method, params });
    });
  }

  notify(method: string, params: unknown): void {
    this.proc.send({ jsonrpc: '2.0', method, params });
  }

  diagnostics(uri: string, timeoutMs = 30_000): Promise<Rpc> {
    const find = (): Rpc | undefined => this.notifications.find((n) => n.method === 'textDocument/publishDiagnostics' && (n.params as { uri: string }).uri === uri);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no diagnostics for ${uri}`)), timeoutMs);
      const check = (): void => { const n = find(); if (n) { clearTimeout(timer); resolve(n); } };
      this.listeners.push(check);
      check();
    });
  }
}

describe('language server over Node IPC', () => {
  let client: IpcClient;

  before(async () => {
    client = new IpcClient();
    const init = await client.request('initialize', { processId: null, rootUri: null, capabilities: {}, initializationOptions: { debounceMs: 0 } });
    assert.equal(init.error, undefined);
    assert.equal((init.result as { capabilities: { documentSymbolProvider?: boolean } }).capabilities.documentSymbolProvider, true);
    client.notify('initialized', {});
  });

  after(async () => {
    await client.request('shutdown', null).catch(() => undefined);
    client.notify('exit', null);
    await new Promise((r) => { if (client.proc.exitCode !== null) r(undefined); else client.proc.once('exit', r); });
  });

  it('answers an outline far larger than the pipe whole, and the analyses go on after it', async () => {
    const big = Array.from({ length: 3000 }, (_, i) => fluxDocument(i)).join('---\n');
    const bigUri = 'file:///ipc/big.yaml';
    const smallUri = 'file:///ipc/small.yaml';
    client.notify('textDocument/didOpen', { textDocument: { uri: bigUri, languageId: 'yaml', version: 1, text: big } });
    const outline = await client.request('textDocument/documentSymbol', { textDocument: { uri: bigUri } });
    assert.equal(outline.error, undefined);
    const names = (outline.result as Array<{ name: string }>).map((s) => s.name);
    const expected = new FluxEngine().symbols(big, bigUri, 1).map((s) => s.name);
    assert.ok(JSON.stringify(outline.result).length > 256 * 1024, 'the answer is larger than a pipe buffer');
    assert.deepEqual(names, expected);

    client.notify('textDocument/didOpen', { textDocument: { uri: smallUri, languageId: 'yaml', version: 1, text: 'apiVersion: source.toolkit.fluxcd.io/v1\nkind: GitRepository\nmetadata:\n  name: x\nspec:\n  intervall: 1m\n' } });
    const small = await client.diagnostics(smallUri);
    assert.ok((small.params as { diagnostics: Array<{ code: string }> }).diagnostics.some((d) => d.code === 'flux/unknown-field'));
    await client.diagnostics(bigUri);
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
