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
} from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { FluxEngine, type EngineSettings } from '../engine/engine';
import type { FluxDiagnostic } from '../engine/types';
import type { EngineCompletionItem } from '../engine/features/completion';

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
  const timers = new Map<string, NodeJS.Timeout>();
  let debounceMs = 200;

  const logError = (what: string, err: unknown): void => {
    const msg = err instanceof Error ? `${err.message}\n${err.stack ?? ''}` : String(err);
    connection.console.error(`flux-workbench: ${what} failed: ${msg}`);
  };

  const validate = (doc: TextDocument): void => {
    const version = doc.version;
    let diagnostics: Diagnostic[] = [];
    try {
      diagnostics = engine.diagnostics(doc.getText(), doc.uri, version).map(toLspDiagnostic);
    } catch (err) {
      logError(`analysis of ${doc.uri}`, err);
    }
    // Never publish a stale result: the document may have moved on meanwhile.
    const current = documents.get(doc.uri);
    if (!current || current.version !== version) return;
    void connection.sendDiagnostics({ uri: doc.uri, version, diagnostics });
  };

  const schedule = (doc: TextDocument): void => {
    const old = timers.get(doc.uri);
    if (old) clearTimeout(old);
    timers.set(doc.uri, setTimeout(() => {
      timers.delete(doc.uri);
      const current = documents.get(doc.uri);
      if (current) validate(current);
    }, debounceMs));
  };

  connection.onInitialize((params): InitializeResult => {
    const opts = (params.initializationOptions ?? {}) as InitOptions;
    if (typeof opts.debounceMs === 'number' && opts.debounceMs >= 0) debounceMs = opts.debounceMs;
    engine.configure(opts);
    return {
      capabilities: {
        textDocumentSync: TextDocumentSyncKind.Incremental,
        completionProvider: { triggerCharacters: [':', ' ', '\n', '-'] },
        hoverProvider: true,
        documentSymbolProvider: true,
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

  documents.onDidChangeContent((e) => schedule(e.document));
  documents.onDidClose((e) => {
    const t = timers.get(e.document.uri);
    if (t) clearTimeout(t);
    timers.delete(e.document.uri);
    engine.forget(e.document.uri);
    void connection.sendDiagnostics({ uri: e.document.uri, diagnostics: [] });
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

  connection.onShutdown(() => {
    for (const t of timers.values()) clearTimeout(t);
    timers.clear();
  });

  documents.listen(connection);
  connection.listen();
}
