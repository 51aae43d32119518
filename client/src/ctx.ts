/**
 * The context object shared by all commands (rust-analyzer style): settings, output channels, the
 * language client, and the current cluster session. Commands get it through their factory.
 */
import * as vscode from 'vscode';
import type { KubeContextInfo } from '../../server/src/cluster/kubeconfig';
import type { ObjectKey } from '../../server/src/cluster/types';
import type { ExplorerNode } from '../../server/src/cluster/explorer-model';
import { nodeContext } from '../../server/src/cluster/presentation';
import type { ClusterSession } from './cluster/runtime';
import { readConfig } from './config';
import type { DescribeProvider } from './describe-provider';
import { LanguageClientController } from './lsp';
import { errorMessage, type UserMessage } from './messages';
import { clusterRuntimeProblem } from './node-guard';
import type { FluxSettings } from './settings';
import type { ClusterPhase } from './status-model';
import { keyLabel, pickItems, type Target } from './targets';

export type Runtime = typeof import('./cluster/runtime');
export type CommandFactory = (ctx: Ctx) => (...args: unknown[]) => unknown;

const CONTEXT_STATE_KEY = 'fluxWorkbench.context';
/** The contexts added with "Add Cluster", remembered per workspace (never a setting: a repository cannot choose them). */
const EXTRA_STATE_KEY = 'fluxWorkbench.extraContexts';

export class Ctx implements vscode.Disposable {
  settings: FluxSettings;
  readonly log: vscode.OutputChannel;
  readonly lsp: LanguageClientController;
  /** The `flux-describe:` document provider (set by activate). */
  describe?: DescribeProvider;
  private readonly disposables: vscode.Disposable[] = [];
  private runtimePromise?: Promise<Runtime>;

  private session?: ClusterSession;
  private sessionUnsubscribe?: () => void;
  private connecting?: Promise<ClusterSession | undefined>;
  phase: ClusterPhase = 'none';
  /** Why there is no session (no kubeconfig, bad context, unreachable), when any. */
  problem?: string;
  /** True once the Flux view opened or a cluster command ran: settings changes then reconnect. */
  private clusterWanted = false;
  private connectGeneration = 0;
  /** The context the session is for (or being connected to). */
  contextName?: string;
  /** Clusters watched beside the current one ("Add Cluster"), by context. Each lives and dies with its tree root. */
  readonly extras = new Map<string, { session: ClusterSession; unsubscribe: () => void }>();
  private extrasRestored = false;

  private readonly changed = new vscode.EventEmitter<void>();
  /** Fires when the session, its phase, or its cached data changes (batched by the watch cache). */
  readonly onDidChangeCluster = this.changed.event;

  constructor(readonly extension: vscode.ExtensionContext) {
    this.settings = readConfig();
    this.log = vscode.window.createOutputChannel('Flux Workbench');
    this.lsp = new LanguageClientController(extension, this.log);
    this.disposables.push(this.log, this.lsp, this.changed);
    for (const p of this.settings.problems) this.log.appendLine(`settings: ${p}`);
  }

  registerCommand(name: string, factory: CommandFactory): void {
    const handler = factory(this);
    const full = `fluxWorkbench.${name}`;
    this.extension.subscriptions.push(vscode.commands.registerCommand(full, async (...args: unknown[]) => {
      try {
        return await handler(...args);
      } catch (err) {
        this.show(errorMessage(err, `Flux: ${name}`));
        return undefined;
      }
    }));
  }

  /** Loads the cluster core (and the Kubernetes client) on first use. */
  runtime(): Promise<Runtime> {
    // A plain require (not import()): the bundle keeps it as is and Node resolves it next to dist/client.js
    // (dist/cluster/runtime.js, a separate bundle, see server/scripts/build.mjs); a native import() would
    // need the file extension.
    this.runtimePromise ??= Promise.resolve().then(() => {
      const problem = clusterRuntimeProblem(process.versions.node);
      if (problem !== undefined) throw new Error(problem);
      return require('./cluster/runtime') as Runtime;
    });
    return this.runtimePromise;
  }

  show(m: UserMessage): void {
    if (m.level === 'info') void vscode.window.showInformationMessage(m.text);
    else if (m.level === 'warning') void vscode.window.showWarningMessage(m.text);
    else void vscode.window.showErrorMessage(m.text);
    this.log.appendLine(`[${m.level}] ${m.text}`);
  }

  get current(): ClusterSession | undefined { return this.session; }

  /** Every live session: the current context's first, then the added clusters. */
  sessions(): ClusterSession[] {
    const out: ClusterSession[] = [];
    if (this.session && !this.session.isDisposed) out.push(this.session);
    for (const { session } of this.extras.values()) if (!session.isDisposed) out.push(session);
    return out;
  }

  /** The session a tree node belongs to (by the context in its id), else the current one. */
  sessionFor(node: Partial<ExplorerNode> | undefined): ClusterSession | undefined {
    const all = this.sessions();
    if (node && typeof node.id === 'string') {
      const c = nodeContext(node.id, all.map((x) => x.context));
      const hit = c === undefined ? undefined : all.find((x) => x.context === c);
      if (hit) return hit;
    }
    return this.session;
  }

  /**
   * Watches another context beside the current one: its own connection and watch cache, one more
   * root in the tree. Remembered per workspace. Throws with a clear message when the context is unknown.
   */
  async addCluster(context: string, remember = true): Promise<ClusterSession> {
    const existing = this.extras.get(context)?.session ?? (this.session?.context === context ? this.session : undefined);
    if (existing) return existing;
    const rt = await this.runtime();
    const opened = rt.openKubeConfig(this.settings, process.env.KUBECONFIG);
    const session = new rt.ClusterSession(opened.kubeConfig, context, this.settings);
    const unsubscribe = session.cache.onDidChange(() => this.changed.fire());
    this.extras.set(context, { session, unsubscribe });
    if (remember) await this.extension.workspaceState.update(EXTRA_STATE_KEY, [...this.extras.keys()]);
    this.log.appendLine(`watching context ${context} beside ${this.contextName ?? 'none'}`);
    this.changed.fire();
    await session.start();
    this.changed.fire();
    return session;
  }

  /** Stops watching an added cluster: its requests, watches and timers end with its root. */
  async removeCluster(context: string): Promise<boolean> {
    const e = this.extras.get(context);
    if (!e) return false;
    e.unsubscribe();
    e.session.dispose();
    this.extras.delete(context);
    await this.extension.workspaceState.update(EXTRA_STATE_KEY, [...this.extras.keys()]);
    this.changed.fire();
    return true;
  }

  /** Re-adds the clusters remembered for this workspace (once, after the first connection). */
  private restoreExtras(): void {
    if (this.extrasRestored) return;
    this.extrasRestored = true;
    const names = this.extension.workspaceState.get<string[]>(EXTRA_STATE_KEY) ?? [];
    for (const n of names) {
      if (n === this.contextName) continue;
      this.addCluster(n, false).catch((err: unknown) => this.log.appendLine(`cannot watch remembered context ${n}: ${err instanceof Error ? err.message : String(err)}`));
    }
  }

  /**
   * Refresh: re-reads the kubeconfig files from disk. A session whose context changed there (a
   * rotated token, another server) is rebuilt; the others probe the API server now and re-run the check.
   */
  async refreshAll(): Promise<void> {
    const rt = await this.runtime();
    let opened: ReturnType<Runtime['openKubeConfig']> | undefined;
    try { opened = rt.openKubeConfig(this.settings, process.env.KUBECONFIG); } catch { opened = undefined; }
    const primary = this.session;
    if (!primary || primary.isDisposed || this.phase === 'error' || this.phase === 'none' || !opened
      || rt.contextFingerprint(opened.kubeConfig, primary.context) !== primary.fingerprint) {
      await this.connect(this.contextName);
    } else {
      await Promise.all([primary.cache.probe(), primary.refreshCheck()]);
    }
    for (const [name, { session }] of [...this.extras]) {
      if (!opened || rt.contextFingerprint(opened.kubeConfig, name) !== session.fingerprint) {
        await this.removeCluster(name);
        await this.addCluster(name).catch((err: unknown) => this.show(errorMessage(err, `Flux: Refresh ${name}`)));
      } else {
        await Promise.all([session.cache.probe(), session.refreshCheck()]);
      }
    }
    this.changed.fire();
  }

  private setPhase(phase: ClusterPhase, problem?: string, noKubeconfig = false): void {
    this.phase = phase;
    this.problem = problem;
    void vscode.commands.executeCommand('setContext', 'fluxWorkbench.clusterState', phase);
    // The welcome view then explains how to point the extension at a kubeconfig, not "select a context".
    void vscode.commands.executeCommand('setContext', 'fluxWorkbench.noKubeconfig', noKubeconfig);
    this.changed.fire();
  }

  /** Contexts of the kubeconfig named by the settings / $KUBECONFIG. Throws with a clear message. */
  async contexts(): Promise<KubeContextInfo[]> {
    const rt = await this.runtime();
    return rt.openKubeConfig(this.settings, process.env.KUBECONFIG).contexts;
  }

  /** The session, connecting first when needed. Undefined when no context can be used. */
  async ensureSession(): Promise<ClusterSession | undefined> {
    if (this.connecting) {
      await this.connecting;
      return this.session && !this.session.isDisposed ? this.session : undefined;
    }
    if (this.session && !this.session.isDisposed) return this.session;
    return this.connect();
  }

  /** The context to connect to: remembered per workspace, else the setting, else the kubeconfig's. */
  private chooseContext(contexts: KubeContextInfo[]): string | undefined {
    const names = new Set(contexts.map((c) => c.name));
    const remembered = this.extension.workspaceState.get<string>(CONTEXT_STATE_KEY);
    if (remembered && names.has(remembered)) return remembered;
    if (this.settings.context && names.has(this.settings.context)) return this.settings.context;
    return contexts.find((c) => c.current)?.name;
  }

  /** (Re)connects to `context` (default: chooseContext). Disposes the previous session. */
  connect(context?: string): Promise<ClusterSession | undefined> {
    this.clusterWanted = true;
    const run = this.doConnect(context, ++this.connectGeneration);
    this.connecting = run;
    return run.finally(() => { if (this.connecting === run) this.connecting = undefined; });
  }

  /**
   * One connection attempt. `gen` identifies it: when a newer attempt starts meanwhile (another
   * context picked, settings changed), this one stops and its results are dropped.
   */
  private async doConnect(context: string | undefined, gen: number): Promise<ClusterSession | undefined> {
    // The settings as they are now, not as they were at activation: the e2e saw code-server connect once without
    // the user's fluxWorkbench.kubeconfig although it was set before start-up and no change event followed.
    this.settings = readConfig();
    this.disposeSession();
    this.setPhase('connecting', undefined);
    let rt: Runtime;
    try {
      rt = await this.runtime();
      if (gen !== this.connectGeneration) return undefined;
    } catch (err) {
      if (gen !== this.connectGeneration) return undefined;
      // The Kubernetes client needs a recent Node (the extension host's is process.versions.node).
      const why = err instanceof Error ? err.message : String(err);
      this.log.appendLine(`cannot load the Kubernetes client: ${why}`);
      this.setPhase('error', `cannot load the Kubernetes client on Node ${process.versions.node} (${why}); update VS Code`);
      return undefined;
    }
    let opened: ReturnType<Runtime['openKubeConfig']>;
    try {
      opened = rt.openKubeConfig(this.settings, process.env.KUBECONFIG);
    } catch (err) {
      this.contextName = undefined;
      const msg = err instanceof Error ? err.message : String(err);
      this.setPhase('none', msg, /no kubeconfig/.test(msg));
      return undefined;
    }
    const name = context ?? this.chooseContext(opened.contexts);
    if (!name) {
      this.contextName = undefined;
      this.setPhase('none', opened.contexts.length ? 'no current context: select one' : 'the kubeconfig has no contexts');
      return undefined;
    }
    this.contextName = name;
    let session: ClusterSession;
    try {
      session = new rt.ClusterSession(opened.kubeConfig, name, this.settings);
    } catch (err) {
      this.setPhase('error', err instanceof Error ? err.message : String(err));
      return undefined;
    }
    this.disposeSession();
    this.session = session;
    this.sessionUnsubscribe = session.cache.onDidChange(() => { if (this.session === session) this.changed.fire(); });
    this.setPhase('connecting');
    this.log.appendLine(`connecting to context ${name}`);
    try {
      await session.start();
    } catch (err) {
      if (gen !== this.connectGeneration || this.session !== session) return undefined; // switched meanwhile
      this.setPhase('error', errorMessage(err).text);
      return session;
    }
    if (gen !== this.connectGeneration || this.session !== session) return undefined;
    this.setPhase('connected', session.checkError);
    this.restoreExtras();
    return session;
  }

  /** Switches context: new connection and cache, the old ones disposed; remembered per workspace. */
  async switchContext(name: string): Promise<void> {
    if (this.extras.has(name)) await this.removeCluster(name); // one root per context
    await this.extension.workspaceState.update(CONTEXT_STATE_KEY, name);
    await this.connect(name);
  }

  private disposeSession(): void {
    this.sessionUnsubscribe?.();
    this.sessionUnsubscribe = undefined;
    this.session?.dispose();
    this.session = undefined;
  }

  /** Re-reads the settings; reconnects/refreshes the parts they affect. */
  reloadSettings(parts: { languageServer: boolean; cluster: boolean; tree: boolean }): void {
    this.settings = readConfig();
    for (const p of this.settings.problems) this.log.appendLine(`settings: ${p}`);
    if (parts.languageServer) void this.lsp.sync(this.settings);
    // Reconnect when the cluster was ever asked for (view opened or a command ran), even if that failed.
    if (parts.cluster && this.clusterWanted) void this.connect();
    else if (parts.tree) this.changed.fire();
  }

  /** Fires a refresh of the tree and status without reconnecting. */
  refreshViews(): void {
    this.changed.fire();
  }

  /**
   * The object a command acts on: the tree node's key, else one picked from the cache.
   * Undefined when the user cancels or nothing applies.
   */
  async targetKey(arg: unknown, target: Target, title: string): Promise<{ key: ObjectKey; session: ClusterSession } | undefined> {
    const session = await this.ensureSession();
    if (!session) {
      this.show({ level: 'error', text: `${title}: no cluster connection (${this.problem ?? 'no context'}). Select a context first (Flux: Select Context).` });
      return undefined;
    }
    const node = arg as Partial<ExplorerNode> | undefined;
    // Actions run on the cluster the node belongs to.
    if (node && typeof node === 'object' && node.key) return { key: node.key, session: this.sessionFor(node) ?? session };
    const snap = session.cache.snapshot();
    const items = pickItems((kind) => snap.objects(kind), target);
    if (items.length === 0) {
      this.show({ level: 'warning', text: `${title}: no Flux object in context ${session.context} applies.` });
      return undefined;
    }
    const picked = await vscode.window.showQuickPick(items, { title, placeHolder: 'Flux object', matchOnDescription: true, matchOnDetail: true });
    return picked ? { key: picked.key, session } : undefined;
  }

  /** Runs a long cluster operation with a cancellable progress notification. */
  async withProgress<T>(title: string, task: (signal: AbortSignal, report: (message: string) => void) => Promise<T>): Promise<T> {
    return vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, async (progress, token) => {
      const ac = new AbortController();
      const sub = token.onCancellationRequested(() => ac.abort());
      try {
        return await task(ac.signal, (message) => { progress.report({ message }); this.log.appendLine(`${title}: ${message}`); });
      } finally {
        sub.dispose();
      }
    });
  }

  label(key: ObjectKey): string { return keyLabel(key); }

  dispose(): void {
    for (const { session, unsubscribe } of this.extras.values()) { unsubscribe(); session.dispose(); }
    this.extras.clear();
    this.disposeSession();
    for (const d of this.disposables) d.dispose();
  }
}
