/**
 * The LSP adapter: wires a vscode-languageserver connection to the engine.
 * It holds no Flux logic: every answer comes from server/src/engine.
 */
import {
  CodeActionKind,
  CompletionItemKind,
  CompletionTriggerKind,
  DiagnosticSeverity,
  InsertTextFormat,
  MarkupKind,
  SymbolKind,
  TextDocumentSyncKind,
  TextDocuments,
  type CodeAction,
  type CompletionItem,
  type Connection,
  type Diagnostic,
  type DocumentSymbol as LspDocumentSymbol,
  type Hover,
  type InitializeResult,
  type Location,
  type LocationLink,
  type Range,
  type CancellationToken,
  FileChangeType,
  DidChangeWatchedFilesNotification,
  RequestType,
} from 'vscode-languageserver';
import { fileURLToPath } from 'node:url';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { FluxEngine, type DocSymbol, type EngineSettings } from '../engine/engine';
import { cachedParse } from '../engine/document';
import type { FluxDiagnostic } from '../engine/types';
import type { EngineCompletionItem } from '../engine/features/completion';
import { installSchemaSources } from './schema-sources';
import { WorkspaceSession } from './workspace-session';
import { AnalysisScheduler, type AnalysisJob } from './scheduler';
import { MemoryReturn } from './memory';
import { robustTextDocuments } from './text-documents';

/** The default delay between the last edit and the analysis (the analysis is incremental and adapts it down). */
export const DEFAULT_DEBOUNCE_MS = 50;

/** How long a request waits for the running analysis to parse the document (see parsedDocument). */
const PARSE_WAIT_MS = 2000;
/**
 * How long a hover, outline or definition waits for the document's parse before it answers from the document's
 * lines (see parsedDocument): the fuzzer's limit for a request is 200 ms, a parse that is not done within 50 ms
 * may take several hundred more, and reading a 1 MB file's lines and outline takes 40-80 ms.
 */
const LINE_READ_AFTER_MS = 50;

/** Resolves when `p` does or after `ms`, whichever is first. */
function withinMs(p: Promise<unknown>, ms: number): Promise<void> {
  return new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    void p.then(() => { clearTimeout(timer); resolve(); }, () => { clearTimeout(timer); resolve(); });
  });
}

/** The local path of a file: URI; undefined for other schemes and for URIs no local path has (`file://host/`, bad escapes). */
function localPath(uri: string): string | undefined {
  if (!uri.startsWith('file:')) return undefined;
  try {
    return fileURLToPath(uri);
  } catch {
    return undefined;
  }
}


/** The diagnostics' source: the Problems panel shows `Flux Workbench(flux/unknown-field)`, not `flux(flux/…)`. */
const DIAGNOSTIC_SOURCE = 'Flux Workbench';
const SEVERITY: Record<FluxDiagnostic['severity'], DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  information: DiagnosticSeverity.Information,
  hint: DiagnosticSeverity.Hint,
};

const COMPLETION_KIND: Record<EngineCompletionItem['kind'], CompletionItemKind> = {
  property: CompletionItemKind.Property,
  value: CompletionItemKind.Value,
  snippet: CompletionItemKind.Snippet,
  enum: CompletionItemKind.EnumMember,
  keyword: CompletionItemKind.Keyword,
};

const SYMBOL_KIND: Record<DocSymbol['kind'], SymbolKind> = {
  object: SymbolKind.Object, map: SymbolKind.Module, list: SymbolKind.Array, scalar: SymbolKind.Property,
};

interface InitOptions extends Partial<EngineSettings> {
  /** Delay between the last edit and the analysis, in ms. */
  debounceMs?: number;
  /** `fluxWorkbench.diagnostics.scope`: every workspace file (default), or open files only. */
  diagnosticsScope?: 'workspace' | 'openFiles';
}

/** The `fluxWorkbench` settings section as the client synchronizes it. */
interface ClientSettings extends Partial<EngineSettings> {
  languageFeatures?: { debounceMs?: number };
  diagnostics?: { scope?: string };
}

/** Params of the `flux/findObject` request ("open definition in workspace" from the cluster explorer). */
export interface FindObjectParams {
  kind: string;
  name: string;
  /** When given, an object declaring this namespace wins; objects declaring none still match. */
  namespace?: string;
}

/** One object found by `flux/findObject`: its file, its document's range and its metadata.name's range. */
export interface FoundObject {
  uri: string;
  range: Range;
  selectionRange: Range;
  namespace?: string;
}

/** `flux/findObject`: where a Flux object is defined in the workspace (empty when it is not). */
export const FindObjectRequest = new RequestType<FindObjectParams, FoundObject[], void>('flux/findObject');

function toLspDiagnostic(d: FluxDiagnostic): Diagnostic {
  return { range: d.range, severity: SEVERITY[d.severity], code: d.code, source: DIAGNOSTIC_SOURCE, message: d.message, data: d.data };
}

function toLspCompletion(item: EngineCompletionItem): CompletionItem {
  return {
    label: item.label,
    kind: COMPLETION_KIND[item.kind],
    detail: item.detail,
    documentation: item.documentation ? { kind: MarkupKind.Markdown, value: item.documentation } : undefined,
    insertText: item.insertText,
    insertTextFormat: item.insertTextFormat === 'snippet' ? InsertTextFormat.Snippet : InsertTextFormat.PlainText,
    textEdit: item.range && item.insertText !== undefined ? { range: item.range, newText: item.insertText } : undefined,
    sortText: item.sortText,
    filterText: item.filterText,
  };
}

/**
 * Starts serving on the connection; returns when the connection is listening. `outputBacklog` (transport.ts)
 * tells when answers are still being written: analyses wait meanwhile.
 */
export function startLanguageServer(connection: Connection, opts: { outputBacklog?: () => boolean } = {}): void {
  const documents = new TextDocuments(robustTextDocuments);
  const engine = new FluxEngine();
  let debounceMs = DEFAULT_DEBOUNCE_MS;
  let linkSupport = false;
  let watchRegistration = false;
  let workspaceFoldersSupport = false;
  let workspaceRoots: string[] = [];

  const logError = (what: string, err: unknown): void => {
    const msg = err instanceof Error ? `${err.message}\n${err.stack ?? ''}` : String(err);
    connection.console.error(`flux-workbench: ${what} failed: ${msg}`);
  };

  const session = new WorkspaceSession(connection, engine, documents, toLspDiagnostic, logError);

  /** The analysis of a document's current version, in steps (see scheduler.ts); the session publishes when done. */
  function* validate(doc: TextDocument): AnalysisJob {
    memory.note(doc.getText().length);
    yield* session.analyzeOpenSteps(doc);
  }

  const memory = new MemoryReturn();
  /** A scan churns through every workspace file's parse: its garbage is collected at the next idle moment. */
  const scanned = (bytes: number): void => { memory.note(bytes); if (scheduler.idle) memory.idle(); };
  const scheduler = new AnalysisScheduler({
    debounceMs,
    onBusy: () => memory.busy(),
    onIdle: () => memory.idle(),
    start: (uri) => {
      const doc = documents.get(uri);
      return doc ? validate(doc) : undefined;
    },
    onError: (uri, err) => logError(`analysis of ${uri}`, err),
    hold: () => answering > 0 || (opts.outputBacklog?.() ?? false),
  });
  const schedule = (doc: TextDocument): void => scheduler.schedule(doc.uri);

  /**
   * Request handlers are wrapped so that analyses wait from an answer until the connection's writer has taken it:
   * vscode-jsonrpc's stream writer queues each message with setImmediate, and a slice of analysis queued before
   * it (up to the longest step, tens of ms on a big document) ran first. Two turns of the event loop cover it.
   */
  let answering = 0;
  const answered = (): void => {
    answering++;
    setImmediate(() => setImmediate(() => { answering--; }));
  };
  function serving<P extends unknown[], R>(handler: (...args: P) => R): (...args: P) => R {
    return (...args: P): R => {
      const r = handler(...args);
      if (r instanceof Promise) return r.finally(answered) as R;
      answered();
      return r;
    };
  }

  /**
   * The open document once the parse of its current version is at hand. While its analysis is pending or
   * running (started at once if it waited for its debounce), a hover, outline, definition or code-action request
   * waits for that analysis to have parsed the version (it parses in slices, with requests served in between),
   * instead of parsing the same text a second time, synchronously, which blocked every other request for as
   * long (seconds on a 1 MB file). Undefined when the document closed or the request was cancelled meanwhile.
   *
   * With `lineReadAfterMs`, a request waits that long at most: past it, `parsed` is false and the handler answers
   * from the document's lines (engine.lineHover and co.). yaml takes 100-500 ms to parse a few hundred KB of
   * broken YAML, and a hover or outline waiting for that was the slowest answer the fuzzer found.
   */
  async function parsedDocument(uri: string, token?: CancellationToken, lineReadAfterMs?: number): Promise<{ doc: TextDocument; parsed: boolean } | undefined> {
    const t0 = performance.now();
    const first = documents.get(uri)?.version;
    for (;;) {
      const doc = documents.get(uri);
      if (!doc || token?.isCancellationRequested) return undefined;
      // While the document keeps changing (each version cancels the last analysis), after PARSE_WAIT_MS the
      // request parses for itself. For one version it waits for the analysis however long its parse takes:
      // parsing it a second time, synchronously, would be as slow and would block every other request.
      const starved = doc.version !== first && performance.now() - t0 > PARSE_WAIT_MS;
      if (!scheduler.busy(uri) || cachedParse(doc.getText(), uri, doc.version) || starved) return { doc, parsed: true };
      const left = lineReadAfterMs === undefined ? Infinity : lineReadAfterMs - (performance.now() - t0);
      if (left <= 0) return { doc, parsed: false };
      scheduler.expedite(uri);
      await (left === Infinity ? scheduler.progress(uri) : withinMs(scheduler.progress(uri), left));
    }
  }

  // Schema source switches (cluster CRDs handed over, workspace CRDs changed) re-analyse open documents at once.
  installSchemaSources(connection, engine, () => { void session.reanalyzeAll().catch((err: unknown) => logError('re-analysis', err)); });

  connection.onInitialize((params): InitializeResult => {
    const opts = (params.initializationOptions ?? {}) as InitOptions;
    if (typeof opts.debounceMs === 'number' && opts.debounceMs >= 0) debounceMs = opts.debounceMs;
    scheduler.setDebounce(debounceMs);
    engine.configure(opts);
    linkSupport = params.capabilities.textDocument?.definition?.linkSupport === true;
    watchRegistration = params.capabilities.workspace?.didChangeWatchedFiles?.dynamicRegistration === true;
    workspaceFoldersSupport = params.capabilities.workspace?.workspaceFolders === true;
    if (opts.diagnosticsScope === 'openFiles') session.scope = 'openFiles';
    const folders = params.workspaceFolders?.map((f) => f.uri) ?? (params.rootUri ? [params.rootUri] : []);
    workspaceRoots = folders.map(localPath).filter((p): p is string => p !== undefined);
    return {
      capabilities: {
        textDocumentSync: TextDocumentSyncKind.Incremental,
        // Values after `key:`/`key: `, items after `- `; never Enter (the engine answers only where a choice is due).
        completionProvider: { triggerCharacters: [':', ' '] },
        hoverProvider: true,
        documentSymbolProvider: true,
        definitionProvider: true,
        codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix] },
      },
      serverInfo: { name: 'flux-workbench', version: '0.1.0' },
    };
  });

  connection.onDidChangeConfiguration((change) => {
    const settings = (change.settings as { fluxWorkbench?: ClientSettings } | undefined)?.fluxWorkbench;
    if (!settings) return;
    // Settings reach the server without a reload: the debounce now, the analysis settings by re-analysing.
    const debounce = settings.languageFeatures?.debounceMs;
    if (typeof debounce === 'number' && debounce >= 0) { debounceMs = debounce; scheduler.setDebounce(debounceMs); }
    const scope = settings.diagnostics?.scope;
    if (scope === 'workspace' || scope === 'openFiles') session.setScope(scope);
    engine.configure(settings);
    const now = JSON.stringify([engine.targetFluxVersion, settings.schemaSource ?? null]);
    if (now !== lastAnalysisSettings) {
      lastAnalysisSettings = now;
      void session.reanalyzeAll().catch((err: unknown) => logError('re-analysis', err));
    }
  });
  let lastAnalysisSettings = '';

  connection.onInitialized(() => {
    if (watchRegistration) {
      // Every file: kustomize reads generator files and paths name folders, so existence matters beyond YAML.
      void connection.client.register(DidChangeWatchedFilesNotification.type, { watchers: [{ globPattern: '**/*' }] })
        .catch((err: unknown) => logError('file watcher registration', err));
    }
    if (workspaceFoldersSupport) {
      connection.workspace.onDidChangeWorkspaceFolders(() => {
        void connection.workspace.getWorkspaceFolders().then((folders) => {
          workspaceRoots = (folders ?? []).map((f) => localPath(f.uri)).filter((p): p is string => p !== undefined);
          return session.scan(workspaceRoots).then(scanned);
        }).catch((err: unknown) => logError('workspace folders change', err));
      });
    }
    lastAnalysisSettings = JSON.stringify([engine.targetFluxVersion, null]);
    void session.scan(workspaceRoots).then(scanned).catch((err: unknown) => logError('workspace scan', err));
  });

  connection.onDidChangeWatchedFiles((params) => {
    for (const change of params.changes) {
      if (change.type === FileChangeType.Deleted) session.fileDeleted(change.uri);
      else void session.fileChangedOnDisk(change.uri).catch((err: unknown) => logError(`indexing of ${change.uri}`, err));
    }
  });

  documents.onDidOpen((e) => session.opened(e.document.uri));
  documents.onDidChangeContent((e) => schedule(e.document));
  documents.onDidClose((e) => {
    scheduler.forget(e.document.uri);
    engine.forget(e.document.uri);
    // The index entry made from the editor's text goes too: it holds that text (and the file's objects), which
    // kept a closed 10 MB file's text alive. The session re-indexes the disk copy when there is one it analyses.
    engine.unindexFile(e.document.uri);
    memory.note(e.document.getText().length);
    memory.idle();
    session.closed(e.document.uri);
  });

  connection.onCompletion(serving((params): CompletionItem[] => {
    const doc = documents.get(params.textDocument.uri);
    if (!doc) return [];
    try {
      const trigger = params.context?.triggerKind === CompletionTriggerKind.TriggerCharacter ? params.context.triggerCharacter : undefined;
      return engine.completion(doc.getText(), doc.uri, doc.version, params.position, trigger).map(toLspCompletion);
    } catch (err) {
      logError('completion', err);
      return [];
    }
  }));

  connection.onHover(serving(async (params, token): Promise<Hover | null> => {
    const at = await parsedDocument(params.textDocument.uri, token, LINE_READ_AFTER_MS);
    if (!at) return null;
    const { doc } = at;
    try {
      const h = at.parsed ? engine.hover(doc.getText(), doc.uri, doc.version, params.position) : engine.lineHover(doc.getText(), doc.uri, doc.version, params.position);
      return h ? { contents: { kind: MarkupKind.Markdown, value: h.contents }, range: h.range } : null;
    } catch (err) {
      logError('hover', err);
      return null;
    }
  }));

  connection.onDocumentSymbol(serving(async (params, token): Promise<LspDocumentSymbol[]> => {
    const at = await parsedDocument(params.textDocument.uri, token, LINE_READ_AFTER_MS);
    if (!at) return [];
    const { doc } = at;
    try {
      const toLsp = (s: DocSymbol): LspDocumentSymbol => ({
        name: s.name, detail: s.detail, kind: SYMBOL_KIND[s.kind], range: s.range, selectionRange: s.selectionRange,
        children: s.children?.map(toLsp),
      });
      return (at.parsed ? engine.symbols(doc.getText(), doc.uri, doc.version) : engine.lineSymbols(doc.getText(), doc.uri, doc.version)).map(toLsp);
    } catch (err) {
      logError('documentSymbol', err);
      return [];
    }
  }));

  connection.onDefinition(serving(async (params, token): Promise<Location[] | LocationLink[]> => {
    const at = await parsedDocument(params.textDocument.uri, token, LINE_READ_AFTER_MS);
    if (!at) return [];
    const { doc } = at;
    try {
      const targets = at.parsed ? engine.definition(doc.getText(), doc.uri, doc.version, params.position) : engine.lineDefinition(doc.getText(), doc.uri, doc.version, params.position);
      if (linkSupport) {
        return targets.map((t) => ({
          originSelectionRange: t.originRange, targetUri: t.uri, targetRange: t.range, targetSelectionRange: t.selectionRange,
        }));
      }
      return targets.map((t) => ({ uri: t.uri, range: t.selectionRange }));
    } catch (err) {
      logError('definition', err);
      return [];
    }
  }));

  connection.onCodeAction(serving(async (params, token): Promise<CodeAction[]> => {
    // Quick fixes edit exact ranges: they wait for the parse, however long it takes.
    const doc = (await parsedDocument(params.textDocument.uri, token))?.doc;
    if (!doc) return [];
    try {
      const fluxDiags = params.context.diagnostics.filter((d) => d.source === DIAGNOSTIC_SOURCE);
      return engine.codeActions(doc.getText(), doc.uri, doc.version, fluxDiags).map((a) => ({
        title: a.title, kind: CodeActionKind.QuickFix, isPreferred: a.isPreferred,
        diagnostics: a.diagnostics as Diagnostic[], edit: { changes: { [doc.uri]: a.edits } },
      }));
    } catch (err) {
      logError('codeAction', err);
      return [];
    }
  }));

  connection.onRequest(FindObjectRequest, serving((params): FoundObject[] => {
    if (typeof params?.kind !== 'string' || typeof params.name !== 'string') return [];
    const namespace = typeof params.namespace === 'string' && params.namespace !== '' ? params.namespace : undefined;
    try {
      return engine.findObject(params.kind, params.name, namespace).map((o) => {
        const found: FoundObject = { uri: o.uri, range: o.range, selectionRange: o.nameRange };
        if (o.namespace !== undefined) found.namespace = o.namespace;
        return found;
      });
    } catch (err) {
      logError('flux/findObject', err);
      return [];
    }
  }));

  connection.onShutdown(() => {
    session.dispose();
    scheduler.dispose();
    memory.dispose();
  });

  documents.listen(connection);
  connection.listen();
}
