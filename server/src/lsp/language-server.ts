/**
 * The LSP adapter: wires a vscode-languageserver connection to the engine.
 * It holds no Flux logic: every answer comes from server/src/engine.
 */
import {
  CompletionItemKind,
  DiagnosticSeverity,
  InsertTextFormat,
  MarkupKind,
  SymbolKind,
  TextDocumentSyncKind,
  TextDocuments,
  type CompletionItem,
  type Connection,
  type Diagnostic,
  type DocumentSymbol,
  type Hover,
  type InitializeResult,
  type Location,
  type LocationLink,
  type Range,
  FileChangeType,
  DidChangeWatchedFilesNotification,
  RequestType,
} from 'vscode-languageserver';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { FluxEngine, type EngineSettings } from '../engine/engine';
import type { FluxDiagnostic } from '../engine/types';
import type { EngineCompletionItem } from '../engine/features/completion';
import { AnalysisScheduler, type AnalysisJob } from './scheduler';
import { MemoryReturn } from './memory';

/** The default delay between the last edit and the analysis (the analysis is incremental and adapts it down). */
export const DEFAULT_DEBOUNCE_MS = 50;

/** The local path of a file: URI; undefined for other schemes and for URIs no local path has (`file://host/`, bad escapes). */
function localPath(uri: string): string | undefined {
  if (!uri.startsWith('file:')) return undefined;
  try {
    return fileURLToPath(uri);
  } catch {
    return undefined;
  }
}

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

interface InitOptions extends Partial<EngineSettings> {
  /** Delay between the last edit and the analysis, in ms. */
  debounceMs?: number;
}

/** Workspace scan limits: the index is for definitions, not a full crawl of huge trees. */
const SCAN_MAX_FILES = 20000;
const SCAN_MAX_BYTES = 2 * 1024 * 1024;
const SCAN_SKIP_DIRS = new Set(['node_modules', '.git', 'dist', 'out', 'vendor']);

/** YAML files below a folder (no symlinks followed, dot-folders and vendor trees skipped). */
async function* yamlFiles(root: string): AsyncGenerator<string> {
  const stack = [root];
  let n = 0;
  while (stack.length > 0 && n < SCAN_MAX_FILES) {
    const dir = stack.pop()!;
    let entries: import('node:fs').Dirent[];
    try {
      entries = await fs.readdir(dir, { withFileTypes: true });
    } catch {
      continue;
    }
    for (const e of entries) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) {
        if (!e.name.startsWith('.') && !SCAN_SKIP_DIRS.has(e.name)) stack.push(p);
      } else if (e.isFile() && /\.ya?ml$/i.test(e.name)) {
        n++;
        yield p;
      }
    }
  }
}

async function readSmallFile(file: string): Promise<string | undefined> {
  try {
    const st = await fs.stat(file);
    if (!st.isFile() || st.size > SCAN_MAX_BYTES) return undefined;
    return await fs.readFile(file, 'utf8');
  } catch {
    return undefined;
  }
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
  return { range: d.range, severity: SEVERITY[d.severity], code: d.code, source: 'flux', message: d.message, data: d.data };
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

/** Starts serving on the connection; returns when the connection is listening. */
export function startLanguageServer(connection: Connection): void {
  const documents = new TextDocuments(TextDocument);
  const engine = new FluxEngine();
  let debounceMs = DEFAULT_DEBOUNCE_MS;
  let linkSupport = false;
  let watchRegistration = false;
  let workspaceRoots: string[] = [];

  const logError = (what: string, err: unknown): void => {
    const msg = err instanceof Error ? `${err.message}\n${err.stack ?? ''}` : String(err);
    connection.console.error(`flux-workbench: ${what} failed: ${msg}`);
  };

  /** The analysis of a document's current version, in steps (see scheduler.ts); publishes when done. */
  function* validate(doc: TextDocument): AnalysisJob {
    const version = doc.version;
    const text = doc.getText();
    memory.note(text.length);
    let diagnostics: Diagnostic[] = [];
    try {
      diagnostics = (yield* engine.diagnosticsSteps(text, doc.uri, version)).map(toLspDiagnostic);
    } catch (err) {
      logError(`analysis of ${doc.uri}`, err);
    }
    try {
      engine.indexFile(text, doc.uri, version);
    } catch (err) {
      logError(`indexing of ${doc.uri}`, err);
    }
    // Never publish a stale result: the document may have moved on meanwhile.
    const current = documents.get(doc.uri);
    if (!current || current.version !== version) return;
    void connection.sendDiagnostics({ uri: doc.uri, version, diagnostics });
  }

  const memory = new MemoryReturn();
  const scheduler = new AnalysisScheduler({
    debounceMs,
    onBusy: () => memory.busy(),
    onIdle: () => memory.idle(),
    start: (uri) => {
      const doc = documents.get(uri);
      return doc ? validate(doc) : undefined;
    },
    onError: (uri, err) => logError(`analysis of ${uri}`, err),
  });
  const schedule = (doc: TextDocument): void => scheduler.schedule(doc.uri);

  connection.onInitialize((params): InitializeResult => {
    const opts = (params.initializationOptions ?? {}) as InitOptions;
    if (typeof opts.debounceMs === 'number' && opts.debounceMs >= 0) debounceMs = opts.debounceMs;
    scheduler.setDebounce(debounceMs);
    engine.configure(opts);
    linkSupport = params.capabilities.textDocument?.definition?.linkSupport === true;
    watchRegistration = params.capabilities.workspace?.didChangeWatchedFiles?.dynamicRegistration === true;
    const folders = params.workspaceFolders?.map((f) => f.uri) ?? (params.rootUri ? [params.rootUri] : []);
    workspaceRoots = folders.map(localPath).filter((p): p is string => p !== undefined);
    return {
      capabilities: {
        textDocumentSync: TextDocumentSyncKind.Incremental,
        completionProvider: { triggerCharacters: [':', ' ', '\n', '-'] },
        hoverProvider: true,
        documentSymbolProvider: true,
        definitionProvider: true,
      },
      serverInfo: { name: 'flux-workbench', version: '0.1.0' },
    };
  });

  connection.onDidChangeConfiguration((change) => {
    const settings = (change.settings as { fluxWorkbench?: Partial<EngineSettings> } | undefined)?.fluxWorkbench;
    if (settings) {
      engine.configure(settings);
      for (const doc of documents.all()) schedule(doc);
    }
  });

  /** Re-reads a workspace file into the index (the editor's copy wins while the document is open). */
  const indexFromDisk = async (uri: string): Promise<void> => {
    if (documents.get(uri)) return;
    const file = localPath(uri);
    if (file === undefined) {
      // Not a file this machine can read (another scheme, `file://host/`, a bad escape): nothing to index.
      engine.unindexFile(uri);
      return;
    }
    const text = await readSmallFile(file);
    if (documents.get(uri)) return;
    if (text === undefined) engine.unindexFile(uri);
    else engine.indexFile(text, uri);
  };

  connection.onInitialized(() => {
    if (watchRegistration) {
      void connection.client.register(DidChangeWatchedFilesNotification.type, { watchers: [{ globPattern: '**/*.{yaml,yml}' }] })
        .catch((err: unknown) => logError('file watcher registration', err));
    }
    void (async () => {
      for (const root of workspaceRoots) {
        for await (const file of yamlFiles(root)) {
          try {
            await indexFromDisk(pathToFileURL(file).toString());
          } catch (err) {
            logError(`indexing of ${file}`, err);
          }
        }
      }
    })();
  });

  connection.onDidChangeWatchedFiles((params) => {
    for (const change of params.changes) {
      if (change.type === FileChangeType.Deleted) {
        if (!documents.get(change.uri)) engine.unindexFile(change.uri);
      } else {
        void indexFromDisk(change.uri).catch((err: unknown) => logError(`indexing of ${change.uri}`, err));
      }
    }
  });

  documents.onDidChangeContent((e) => schedule(e.document));
  documents.onDidClose((e) => {
    scheduler.forget(e.document.uri);
    engine.forget(e.document.uri);
    memory.note(e.document.getText().length);
    memory.idle();
    void connection.sendDiagnostics({ uri: e.document.uri, diagnostics: [] });
    // The file on disk is the truth again (or, for unsaved/non-file documents, nothing is).
    void indexFromDisk(e.document.uri).catch((err: unknown) => logError('indexing', err));
  });

  connection.onCompletion((params): CompletionItem[] => {
    const doc = documents.get(params.textDocument.uri);
    if (!doc) return [];
    try {
      return engine.completion(doc.getText(), doc.uri, doc.version, params.position).map(toLspCompletion);
    } catch (err) {
      logError('completion', err);
      return [];
    }
  });

  connection.onHover((params): Hover | null => {
    const doc = documents.get(params.textDocument.uri);
    if (!doc) return null;
    try {
      const h = engine.hover(doc.getText(), doc.uri, doc.version, params.position);
      return h ? { contents: { kind: MarkupKind.Markdown, value: h.contents }, range: h.range } : null;
    } catch (err) {
      logError('hover', err);
      return null;
    }
  });

  connection.onDocumentSymbol((params): DocumentSymbol[] => {
    const doc = documents.get(params.textDocument.uri);
    if (!doc) return [];
    try {
      return engine.symbols(doc.getText(), doc.uri, doc.version).map((s) => ({
        name: s.name, detail: s.detail, kind: SymbolKind.Object, range: s.range, selectionRange: s.selectionRange,
      }));
    } catch (err) {
      logError('documentSymbol', err);
      return [];
    }
  });

  connection.onDefinition((params): Location[] | LocationLink[] => {
    const doc = documents.get(params.textDocument.uri);
    if (!doc) return [];
    try {
      const targets = engine.definition(doc.getText(), doc.uri, doc.version, params.position);
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
  });

  connection.onRequest(FindObjectRequest, (params): FoundObject[] => {
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
  });

  connection.onShutdown(() => {
    scheduler.dispose();
    memory.dispose();
  });

  documents.listen(connection);
  connection.listen();
}
