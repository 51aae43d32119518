/**
 * Starts and stops the language client. The server (dist/server.js) runs in its own Node process
 * over IPC, so analysis never blocks the extension host. The client library is loaded when the client first
 * starts (deferred.ts, a bundle of its own), not when the extension's entry bundle is loaded.
 */
import * as vscode from 'vscode';
import type { LanguageClient, LanguageClientOptions, ServerOptions } from 'vscode-languageclient/node';
import type { FluxSettings } from './settings';
import { SECTION } from './settings';
import { loadDeferred } from './load-deferred';
import { serverMallocEnv } from '../../server/src/lsp/malloc-env';

export class LanguageClientController implements vscode.Disposable {
  private client?: LanguageClient;
  private pending: Promise<void> = Promise.resolve();
  /** True between a successful start and the next stop. */
  private started = false;

  constructor(private readonly extension: vscode.ExtensionContext, private readonly log: vscode.OutputChannel) {}

  get running(): boolean { return this.client !== undefined; }

  /** Starts or stops the client to match `languageFeatures.enable`. Calls are serialized. */
  sync(settings: FluxSettings): Promise<void> {
    this.pending = this.pending.then(() => (settings.languageFeaturesEnabled ? this.start(settings) : this.stop())).catch((err: unknown) => {
      this.log.appendLine(`language server: ${err instanceof Error ? err.message : String(err)}`);
    });
    return this.pending;
  }

  private async start(settings: FluxSettings): Promise<void> {
    if (this.client) return;
    const { LanguageClient, TransportKind } = loadDeferred();
    const module = this.extension.asAbsolutePath('dist/server.js');
    // The library merges `env` over the extension host's environment (malloc-env.ts: memory after big files).
    const env = serverMallocEnv(process.env);
    const serverOptions: ServerOptions = {
      run: { module, transport: TransportKind.ipc, options: { env } },
      debug: { module, transport: TransportKind.ipc, options: { env, execArgv: ['--nolazy', '--inspect=6019'] } },
    };
    const clientOptions: LanguageClientOptions = {
      documentSelector: [{ scheme: 'file', language: 'yaml' }, { scheme: 'untitled', language: 'yaml' }],
      initializationOptions: { targetFluxVersion: settings.targetFluxVersion, schemaSource: settings.schemaSource, debounceMs: settings.debounceMs, diagnosticsScope: settings.diagnosticsScope },
      synchronize: { configurationSection: SECTION },
      outputChannel: this.log,
    };
    const client = new LanguageClient('fluxWorkbench', 'Flux Workbench Language Server', serverOptions, clientOptions);
    this.client = client;
    try {
      await client.start();
      this.started = true;
    } catch (err) {
      this.client = undefined;
      throw err;
    }
  }

  private async stop(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    this.started = false;
    if (client) await client.stop();
  }

  /** Sends a notification when the server runs; false when it does not (the caller tries again later). */
  notify<P>(method: string, params: P): boolean {
    const c = this.client;
    if (!c || !this.started) return false;
    void c.sendNotification(method, params).catch((err: unknown) => this.log.appendLine(`language server: ${method}: ${err instanceof Error ? err.message : String(err)}`));
    return true;
  }

  /** Stops the client (deactivate waits for it). */
  async shutdown(): Promise<void> {
    await this.pending;
    await this.stop();
  }

  dispose(): void {
    void this.shutdown();
  }
}
