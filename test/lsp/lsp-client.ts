/**
 * A minimal LSP client for tests: spawns the built server over stdio and speaks
 * Content-Length framed JSON-RPC, exactly as an editor does; or, with `LspClient.overNodeIpc()`, over Node IPC,
 * as VS Code starts dist/server.js.
 */
import { fork, spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import * as path from 'node:path';
import { serverMallocEnv } from '../../server/src/lsp/malloc-env';

export interface RpcMessage {
  jsonrpc: '2.0';
  id?: number;
  method?: string;
  params?: unknown;
  result?: unknown;
  error?: { code: number; message: string };
}

export interface PublishedDiagnostics {
  uri: string;
  version?: number;
  diagnostics: Array<{ range: { start: { line: number; character: number }; end: { line: number; character: number } }; severity: number; code: string; message: string }>;
}

export class LspClient {
  readonly proc: ChildProcessWithoutNullStreams;
  private buffer = Buffer.alloc(0);
  private nextId = 1;
  private pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  readonly notifications: RpcMessage[] = [];
  private waiters: Array<{ pred: (m: RpcMessage) => boolean; resolve: (m: RpcMessage) => void }> = [];
  stderr = '';
  private readonly ipc: boolean;

  /** FW_SERVER_NODE_ARGS (space-separated) go to the server's Node, e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof` to profile it. */
  constructor(args: string[] = [path.resolve(__dirname, '../../dist/cli.js'), 'lsp', '--stdio'], opts: { ipc?: boolean } = {}) {
    const nodeArgs = process.env.FW_SERVER_NODE_ARGS?.split(' ').filter((a) => a !== '') ?? [];
    this.ipc = opts.ipc === true;
    // The server runs with the environment the extension starts it with, so tests and the bench measure that.
    const env = { ...process.env, ...serverMallocEnv(process.env) };
    if (this.ipc) {
      const [module, ...rest] = args;
      this.proc = fork(module!, rest, { execArgv: nodeArgs, env, stdio: ['pipe', 'pipe', 'pipe', 'ipc'] }) as ChildProcessWithoutNullStreams;
      this.proc.on('message', (msg) => this.dispatch(msg as RpcMessage));
    } else {
      this.proc = spawn(process.execPath, [...nodeArgs, ...args], { env, stdio: ['pipe', 'pipe', 'pipe'] });
      this.proc.stdout.on('data', (chunk: Buffer) => this.onData(chunk));
    }
    this.proc.stderr.on('data', (chunk: Buffer) => { this.stderr += chunk.toString(); });
  }

  /** The built language server (dist/server.js) over Node IPC, the transport VS Code starts it with. */
  static overNodeIpc(): LspClient {
    return new LspClient([path.resolve(__dirname, '../../dist/server.js'), '--node-ipc'], { ipc: true });
  }

  private onData(chunk: Buffer): void {
    this.buffer = Buffer.concat([this.buffer, chunk]);
    for (;;) {
      const headerEnd = this.buffer.indexOf('\r\n\r\n');
      if (headerEnd < 0) return;
      const header = this.buffer.subarray(0, headerEnd).toString('ascii');
      const m = /Content-Length: (\d+)/i.exec(header);
      if (!m) throw new Error(`bad header: ${header}`);
      const len = Number(m[1]);
      if (this.buffer.length < headerEnd + 4 + len) return;
      const body = this.buffer.subarray(headerEnd + 4, headerEnd + 4 + len).toString('utf8');
      this.buffer = this.buffer.subarray(headerEnd + 4 + len);
      this.dispatch(JSON.parse(body) as RpcMessage);
    }
  }

  private dispatch(msg: RpcMessage): void {
    if (msg.id !== undefined && msg.method === undefined) {
      const p = this.pending.get(msg.id);
      if (p) {
        this.pending.delete(msg.id);
        if (msg.error) p.reject(new Error(msg.error.message));
        else p.resolve(msg.result);
      }
      return;
    }
    if (msg.id !== undefined && msg.method) {
      // A request from the server (e.g. workspace/configuration): answer with nulls.
      this.write({ jsonrpc: '2.0', id: msg.id, result: null });
      return;
    }
    this.notifications.push(msg);
    this.waiters = this.waiters.filter((w) => {
      if (w.pred(msg)) { w.resolve(msg); return false; }
      return true;
    });
  }

  private write(msg: RpcMessage): void {
    if (this.ipc) {
      this.proc.send(msg);
      return;
    }
    const body = Buffer.from(JSON.stringify(msg), 'utf8');
    this.proc.stdin.write(`Content-Length: ${body.length}\r\n\r\n`);
    this.proc.stdin.write(body);
  }

  request<T>(method: string, params: unknown, timeoutMs = 15000): Promise<T> {
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => { this.pending.delete(id); reject(new Error(`${method} timed out; stderr: ${this.stderr}`)); }, timeoutMs);
      this.pending.set(id, {
        resolve: (v) => { clearTimeout(timer); resolve(v as T); },
        reject: (e) => { clearTimeout(timer); reject(e); },
      });
      this.write({ jsonrpc: '2.0', id, method, params });
    });
  }

  notify(method: string, params: unknown): void {
    this.write({ jsonrpc: '2.0', method, params });
  }

  /** Waits for the next matching notification that arrives from now on (or already arrived, if `includePast`). */
  waitFor(pred: (m: RpcMessage) => boolean, timeoutMs = 15000, includePast = false): Promise<RpcMessage> {
    if (includePast) {
      const found = this.notifications.find(pred);
      if (found) return Promise.resolve(found);
    }
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`notification timed out; stderr: ${this.stderr}`)), timeoutMs);
      this.waiters.push({ pred, resolve: (m) => { clearTimeout(timer); resolve(m); } });
    });
  }

  waitForDiagnostics(uri: string, version?: number, timeoutMs = 15000): Promise<PublishedDiagnostics> {
    return this.waitFor((m) => {
      if (m.method !== 'textDocument/publishDiagnostics') return false;
      const p = m.params as PublishedDiagnostics;
      return p.uri === uri && (version === undefined || p.version === version);
    }, timeoutMs).then((m) => m.params as PublishedDiagnostics);
  }

  async initialize(initializationOptions: Record<string, unknown> = { debounceMs: 20 }, params: { rootUri?: string; capabilities?: Record<string, unknown> } = {}): Promise<unknown> {
    const result = await this.request('initialize', {
      processId: process.pid, rootUri: params.rootUri ?? null, capabilities: params.capabilities ?? {}, initializationOptions,
      ...(params.rootUri ? { workspaceFolders: [{ uri: params.rootUri, name: 'ws' }] } : {}),
    });
    this.notify('initialized', {});
    return result;
  }

  open(uri: string, text: string, version = 1): void {
    this.notify('textDocument/didOpen', { textDocument: { uri, languageId: 'yaml', version, text } });
  }

  async shutdown(): Promise<void> {
    if (this.proc.exitCode !== null) return;
    try {
      await this.request('shutdown', null, 5000);
      this.notify('exit', null);
    } catch { /* already gone */ }
    await new Promise<void>((resolve) => {
      if (this.proc.exitCode !== null) return resolve();
      const t = setTimeout(() => { this.proc.kill('SIGKILL'); resolve(); }, 3000);
      this.proc.once('exit', () => { clearTimeout(t); resolve(); });
    });
  }
}
