/**
 * The engine facade that the adapters (LSP server, CLI) use: one schema registry, one
 * parse cache keyed by document version, and the settings that shape the analysis.
 */
import { SchemaRegistry } from './schema/registry';
import { analyzeSteps, analyzeText } from './analyze';
import { parseFile, forgetFile } from './document';
import { complete, textOnlyFile, type EngineCompletionItem } from './features/completion';
import type { ParsedFile } from './document';
import { hover as hoverAt } from './features/hover';
import { documentSymbols, type DocSymbol } from './features/symbols';
import { definition as definitionAt, type DefinitionTarget } from './features/definition';
import { WorkspaceIndex, type IndexedObject } from './index/workspace-index';
import { DEFAULT_FLUX_VERSION } from './kinds';
import type { FluxDiagnostic, Position, Range } from './types';

export interface EngineSettings {
  /** The Flux release the workspace targets; deprecation and removal diagnostics depend on it. */
  targetFluxVersion: string;
}

export type { EngineCompletionItem, DocSymbol, DefinitionTarget, IndexedObject };

export class FluxEngine {
  readonly registry: SchemaRegistry;
  /** The Flux objects of the workspace files the adapter passes in (open documents, files on disk). */
  readonly index = new WorkspaceIndex();
  private settings: EngineSettings = { targetFluxVersion: DEFAULT_FLUX_VERSION };
  /** The last text-only file per document, for completion (no YAML parse per keystroke). */
  private readonly completionFiles = new Map<string, ParsedFile>();

  constructor(registry: SchemaRegistry = SchemaRegistry.bundled()) {
    this.registry = registry;
  }

  configure(settings: Partial<EngineSettings>): void {
    if (typeof settings.targetFluxVersion === 'string' && /^v?\d+\.\d+/.test(settings.targetFluxVersion)) {
      this.settings = { ...this.settings, targetFluxVersion: settings.targetFluxVersion.replace(/^v/, '') };
    }
  }

  get targetFluxVersion(): string {
    return this.settings.targetFluxVersion;
  }

  /** Diagnostics of one file. `version` enables the parse cache (LSP documents have one). */
  diagnostics(text: string, uri: string, version?: number): FluxDiagnostic[] {
    return analyzeText(text, { uri, version, registry: this.registry, targetFluxVersion: this.settings.targetFluxVersion });
  }

  /** diagnostics() in steps: a generator yielding between documents (for server/src/lsp/scheduler.ts). */
  diagnosticsSteps(text: string, uri: string, version?: number): Generator<void, FluxDiagnostic[]> {
    return analyzeSteps(text, { uri, version, registry: this.registry, targetFluxVersion: this.settings.targetFluxVersion });
  }

  completion(text: string, uri: string, version: number, position: Position): EngineCompletionItem[] {
    let file = this.completionFiles.get(uri);
    if (!file || file.version !== version || file.text !== text) {
      file = textOnlyFile(text, uri, version);
      this.completionFiles.delete(uri);
      this.completionFiles.set(uri, file);
      if (this.completionFiles.size > 16) this.completionFiles.delete(this.completionFiles.keys().next().value as string);
    }
    return complete(file, position, this.registry, this.index);
  }

  hover(text: string, uri: string, version: number, position: Position): { contents: string; range?: Range } | undefined {
    const file = parseFile(text, { uri, version });
    this.index.updateParsed(uri, file);
    return hoverAt(file, position, this.registry, {
      targetFluxVersion: this.settings.targetFluxVersion, index: this.index,
    });
  }

  symbols(text: string, uri: string, version: number): DocSymbol[] {
    return documentSymbols(parseFile(text, { uri, version }));
  }

  /** Adds or replaces a file in the workspace index (`version` enables the parse cache). */
  indexFile(text: string, uri: string, version?: number): void {
    this.index.updateParsed(uri, parseFile(text, { uri, version }));
  }

  /** Removes a file from the workspace index (deleted on disk). */
  unindexFile(uri: string): void {
    this.index.remove(uri);
  }

  /**
   * The objects a reference under the cursor points to. The file itself is re-indexed first so
   * references within it resolve against its current text.
   */
  definition(text: string, uri: string, version: number, position: Position): DefinitionTarget[] {
    const file = parseFile(text, { uri, version });
    this.index.updateParsed(uri, file);
    return definitionAt(file, position, this.index);
  }

  /**
   * Where an object is defined in the workspace ("open definition in workspace"): the exact key first;
   * with no match, objects of that kind and name that declare no namespace; with no namespace given,
   * any namespace.
   */
  findObject(kind: string, name: string, namespace?: string): IndexedObject[] {
    return this.index.resolve(namespace === undefined ? { kind, name } : { kind, name, namespace });
  }

  /** Drops the cached parse of a closed document. */
  forget(uri: string): void {
    forgetFile(uri);
    this.completionFiles.delete(uri);
  }
}
