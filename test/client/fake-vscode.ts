/**
 * A small in-memory stand-in for the `vscode` module (and vscode-languageclient/node), enough to
 * run the extension's activate() and commands in plain Node. Importing this module installs it:
 * later `require('vscode')` calls get it. Test helper only.
 */
import Module from 'node:module';

type Listener<T> = (e: T) => unknown;

export class EventEmitter<T> {
  private listeners: Array<Listener<T>> = [];
  readonly event = (l: Listener<T>): { dispose(): void } => {
    this.listeners.push(l);
    return { dispose: () => { this.listeners = this.listeners.filter((x) => x !== l); } };
  };
  fire(e: T): void { for (const l of [...this.listeners]) l(e); }
  dispose(): void { this.listeners = []; }
}

export class ThemeColor { constructor(readonly id: string) {} }
export class ThemeIcon { constructor(readonly id: string, readonly color?: ThemeColor) {} }
export class MarkdownString { supportThemeIcons = false; constructor(readonly value: string) {} }
export class TreeItem {
  id?: string; description?: string; tooltip?: unknown; iconPath?: unknown; contextValue?: string;
  constructor(readonly label: string, readonly collapsibleState: number) {}
}
export class Range { constructor(readonly startLine: number, readonly startCharacter: number, readonly endLine: number, readonly endCharacter: number) {} }
export const Uri = {
  from: (c: { scheme: string; path: string }) => ({ ...c, toString: () => `${c.scheme}:${c.path}` }),
  parse: (s: string) => ({ scheme: s.split(':')[0], path: s.slice(s.indexOf(':') + 1), toString: () => s }),
  file: (p: string) => ({ scheme: 'file', path: p, fsPath: p, toString: () => `file://${p}` }),
};
export const DiagnosticSeverity = { Error: 0, Warning: 1, Information: 2, Hint: 3 };
export class Diagnostic { source?: string; code?: unknown; constructor(readonly range: Range, readonly message: string, readonly severity: number) {} }
export const StatusBarAlignment = { Left: 1, Right: 2 };
export const ProgressLocation = { SourceControl: 1, Window: 10, Notification: 15 };
export const ConfigurationTarget = { Global: 1, Workspace: 2, WorkspaceFolder: 3 };
export const TreeItemCollapsibleState = { None: 0, Collapsed: 1, Expanded: 2 };

/** Everything the fake records, for assertions. */
export const state = {
  commands: new Map<string, (...args: unknown[]) => unknown>(),
  contextKeys: new Map<string, unknown>(),
  messages: [] as Array<{ level: 'info' | 'warning' | 'error'; text: string }>,
  channels: new Map<string, { text: string; shown: boolean; calls?: number }>(),
  diagnostics: new Map<string, Map<string, unknown[]>>(),
  /** Answers for showInputBox, consumed in order. */
  inputBoxes: [] as Array<string | undefined>,
  statusItems: [] as Array<{ text: string; tooltip?: unknown; visible: boolean; command?: string }>,
  treeViews: new Map<string, { provider: unknown; visible: boolean; visibility: EventEmitter<{ visible: boolean }> }>(),
  /** Answers for showQuickPick, consumed in order: a function choosing from the items. */
  quickPicks: [] as Array<(items: unknown[]) => unknown>,
  settings: new Map<string, { global?: unknown; workspace?: unknown }>(),
  trusted: true,
  configChange: new EventEmitter<{ affectsConfiguration(s: string): boolean }>(),
  providers: new Map<string, { provideTextDocumentContent(uri: unknown): Promise<string> | string }>(),
  languageClients: [] as FakeLanguageClient[],
  shownDocuments: [] as Array<{ doc: unknown; options?: { selection?: Range } }>,
  /** Workspace files for findFiles / fs.readFile: uri string -> text. */
  files: new Map<string, string>(),
};

function record(level: 'info' | 'warning' | 'error') {
  return (text: string) => { state.messages.push({ level, text }); return Promise.resolve(undefined); };
}

export const window = {
  createOutputChannel(name: string) {
    const ch: { text: string; shown: boolean; calls?: number } = { text: '', shown: false };
    state.channels.set(name, ch);
    return {
      name,
      append: (s: string) => { ch.text += s; ch.calls = (ch.calls ?? 0) + 1; },
      appendLine: (s: string) => { ch.text += `${s}\n`; },
      clear: () => { ch.text = ''; },
      show: () => { ch.shown = true; },
      dispose: () => undefined,
      // LogOutputChannel (createOutputChannel(name, { log: true })): one call = one recorded entry.
      ...Object.fromEntries((['trace', 'debug', 'info', 'warn', 'error'] as const).map((level) => [level, (m: string) => { ch.text += `[${level}] ${m}\n`; ch.calls = (ch.calls ?? 0) + 1; }])),
    };
  },
  createStatusBarItem() {
    const item = { text: '', tooltip: undefined as unknown, visible: false, command: undefined as string | undefined, name: '', backgroundColor: undefined as unknown,
      show() { item.visible = true; }, hide() { item.visible = false; }, dispose() { item.visible = false; } };
    state.statusItems.push(item);
    return item;
  },
  createTreeView(id: string, opts: { treeDataProvider: unknown }) {
    const visibility = new EventEmitter<{ visible: boolean }>();
    const v = { provider: opts.treeDataProvider, visible: false, visibility };
    state.treeViews.set(id, v);
    return { get visible() { return v.visible; }, onDidChangeVisibility: visibility.event, dispose: () => undefined };
  },
  async showInputBox() { return state.inputBoxes.shift(); },
  showInformationMessage: record('info'),
  showWarningMessage: record('warning'),
  showErrorMessage: record('error'),
  async showQuickPick(items: unknown[] | Promise<unknown[]>) {
    const answer = state.quickPicks.shift();
    return answer ? answer(await items) : undefined;
  },
  async withProgress<T>(_o: unknown, task: (p: { report(v: unknown): void }, token: { onCancellationRequested(l: () => void): { dispose(): void } }) => Promise<T>): Promise<T> {
    return task({ report: () => undefined }, { onCancellationRequested: () => ({ dispose: () => undefined }) });
  },
  setStatusBarMessage: () => ({ dispose: () => undefined }),
  showTextDocument: async (doc: unknown, options?: { selection?: Range }) => { state.shownDocuments.push({ doc, options }); return doc; },
};

export const commands = {
  registerCommand(name: string, fn: (...args: unknown[]) => unknown) {
    if (state.commands.has(name)) throw new Error(`command ${name} already registered`);
    state.commands.set(name, fn);
    return { dispose: () => state.commands.delete(name) };
  },
  async executeCommand(name: string, ...args: unknown[]) {
    if (name === 'setContext') { state.contextKeys.set(String(args[0]), args[1]); return undefined; }
    const fn = state.commands.get(name);
    if (!fn) throw new Error(`command ${name} not found`);
    return fn(...args);
  },
};

function scoped(section: string) {
  const full = (key: string) => `${section}.${key}`;
  return {
    get: <T>(key: string, def?: T) => {
      // The effective value, workspace over user. (Trust filtering is the extension's job here.)
      const s = state.settings.get(full(key));
      return (s?.workspace ?? s?.global ?? def) as T | undefined;
    },
    inspect: (key: string) => {
      const s = state.settings.get(full(key));
      return { key: full(key), globalValue: s?.global, workspaceValue: s?.workspace };
    },
    update: async (key: string, value: unknown, target?: number) => setSetting(full(key), value, target === ConfigurationTarget.Workspace ? 'workspace' : 'global'),
  };
}

/** Sets a setting and fires onDidChangeConfiguration like VS Code. */
export function setSetting(key: string, value: unknown, scope: 'global' | 'workspace' = 'global'): void {
  const s = state.settings.get(key) ?? {};
  s[scope] = value;
  state.settings.set(key, s);
  state.configChange.fire({ affectsConfiguration: (x: string) => key === x || key.startsWith(`${x}.`) });
}

export const workspace = {
  getConfiguration: (section: string) => scoped(section),
  get isTrusted() { return state.trusted; },
  workspaceFolders: undefined as unknown,
  textDocuments: [] as unknown[],
  onDidChangeConfiguration: state.configChange.event,
  onDidGrantWorkspaceTrust: new EventEmitter<void>().event,
  registerTextDocumentContentProvider(scheme: string, p: { provideTextDocumentContent(uri: unknown): Promise<string> }) {
    state.providers.set(scheme, p);
    return { dispose: () => state.providers.delete(scheme) };
  },
  async openTextDocument(uri: { scheme: string }) {
    const p = state.providers.get(uri.scheme);
    const text = p ? await p.provideTextDocumentContent(uri) : '';
    return { uri, languageId: 'yaml', getText: () => text };
  },
  findFiles: async () => [...state.files.keys()].map((u) => Uri.parse(u)),
  fs: {
    readFile: async (uri: { toString(): string }) => {
      const text = state.files.get(uri.toString());
      if (text === undefined) throw new Error(`ENOENT ${uri.toString()}`);
      return new TextEncoder().encode(text);
    },
  },
  asRelativePath: (u: unknown) => String(u),
};

export const languages = {
  setTextDocumentLanguage: async (d: unknown) => d,
  createDiagnosticCollection(name: string) {
    const m = new Map<string, unknown[]>();
    state.diagnostics.set(name, m);
    return { set: (u: { toString(): string }, d: unknown[]) => { m.set(u.toString(), d); }, clear: () => m.clear(), dispose: () => m.clear() };
  },
};
export const env = { clipboard: { text: '', async writeText(s: string) { env.clipboard.text = s; } } };

export class FakeLanguageClient {
  running = false;
  starts = 0;
  constructor(readonly id: string, readonly name: string, readonly serverOptions: unknown, readonly clientOptions: Record<string, unknown>) {
    state.languageClients.push(this);
  }
  readonly notifications: Array<{ method: string; params: unknown }> = [];
  async start() { this.running = true; this.starts++; }
  async stop() { this.running = false; }
  async sendNotification(method: string, params: unknown) { this.notifications.push({ method, params }); }
}
const languageClientModule = { LanguageClient: FakeLanguageClient, TransportKind: { stdio: 0, ipc: 1, pipe: 2, socket: 3 } };

const vscodeModule = {
  EventEmitter, ThemeColor, ThemeIcon, MarkdownString, TreeItem, Range, Uri, Diagnostic, DiagnosticSeverity, StatusBarAlignment, ProgressLocation, ConfigurationTarget,
  TreeItemCollapsibleState, window, commands, workspace, languages, env, Disposable: class { constructor(readonly dispose: () => void) {} },
};

const M = Module as unknown as { _load: (request: string, parent: unknown, isMain: boolean) => unknown };
const originalLoad = M._load;
M._load = function load(request: string, parent: unknown, isMain: boolean): unknown {
  if (request === 'vscode') return vscodeModule;
  if (request === 'vscode-languageclient/node') return languageClientModule;
  return originalLoad.call(this, request, parent, isMain);
};

/** A minimal ExtensionContext. */
export function extensionContext(): { subscriptions: Array<{ dispose(): unknown }>; workspaceState: { get<T>(k: string): T | undefined; update(k: string, v: unknown): Promise<void>; data: Map<string, unknown> }; asAbsolutePath(p: string): string } {
  const data = new Map<string, unknown>();
  return {
    subscriptions: [],
    workspaceState: { data, get: <T>(k: string) => data.get(k) as T | undefined, update: async (k: string, v: unknown) => { data.set(k, v); } },
    asAbsolutePath: (p: string) => `/ext/${p}`,
  };
}
