/**
 * The engine facade that the adapters (LSP server, CLI) use: one schema registry, one
 * parse cache keyed by document version, and the settings that shape the analysis.
 */
import { SchemaRegistry, type SchemaSourceMode } from './schema/registry';
import { SchemaSources } from './schema/sources';
import { analyzeText } from './analyze';
import { parseFile, forgetFile, lineReadFile } from './document';
import { hasFluxApiVersion, mayBeManifest } from './document/flux-text';
import { complete, textOnlyFile, type EngineCompletionItem } from './features/completion';
import type { ParsedFile } from './document';
import { hover as hoverAt } from './features/hover';
import { documentSymbols, type DocSymbol } from './features/symbols';
import { definition as definitionAt, type DefinitionTarget } from './features/definition';
import { lineDefinition, lineHover, lineSymbols } from './features/line-read';
import { codeActions as codeActionsFor, type ActionDiagnostic, type EngineCodeAction } from './features/code-actions';
import { WorkspaceIndex, type IndexedObject } from './index/workspace-index';
import { DEFAULT_FLUX_VERSION } from './kinds';
import { WorkspaceModel } from './workspace/model';
import { analyzeLocalSteps, fileDiagnostics, type LocalAnalysis } from './workspace/analysis';
import { drain } from './document';
import type { FluxDiagnostic, Position, Range } from './types';

export interface EngineSettings {
  /** The Flux release the workspace targets; deprecation and removal diagnostics depend on it. */
  targetFluxVersion: string;
  /** `fluxWorkbench.schemaSource`: which schemas judge the documents (default auto: cluster, workspace, bundled). */
  schemaSource?: SchemaSourceMode;
}

export type { EngineCompletionItem, DocSymbol, DefinitionTarget, IndexedObject, ActionDiagnostic, EngineCodeAction };

/** Files made from a document's text without a parse, the last one per document for the 16 documents used last. */
function recentFile(files: Map<string, ParsedFile>, text: string, uri: string, version: number, make: (text: string, uri: string, version: number) => ParsedFile): ParsedFile {
  let file = files.get(uri);
  if (!file || file.version !== version || file.text !== text) {
    file = make(text, uri, version);
    files.delete(uri);
    files.set(uri, file);
    if (files.size > 16) files.delete(files.keys().next().value as string);
  }
  return file;
}

export class FluxEngine {
  readonly registry: SchemaRegistry;
  /** The Flux objects of the workspace files the adapter passes in (open documents, files on disk). */
  readonly index = new WorkspaceIndex();
  private settings: EngineSettings = { targetFluxVersion: DEFAULT_FLUX_VERSION };
  /** The fleet model: the workspace as Flux applies it (fed through updateFile/removeFile). */
  readonly workspace = new WorkspaceModel();
  /** The last text-only file per document, for completion (no YAML parse per keystroke). */
  private readonly completionFiles = new Map<string, ParsedFile>();
  /** The last line-read file per document, for the requests answered while its parse runs. */
  private readonly lineFiles = new Map<string, ParsedFile>();

  /** The schema sources (cluster CRDs, CRD files, workspace CRDs) feeding the registry. */
  readonly schemaSources: SchemaSources;

  constructor(registry: SchemaRegistry = SchemaRegistry.bundled()) {
    this.registry = registry;
    this.schemaSources = new SchemaSources(registry);
  }

  configure(settings: Partial<EngineSettings>): void {
    if (typeof settings.targetFluxVersion === 'string' && /^v?\d+\.\d+/.test(settings.targetFluxVersion)) {
      this.settings = { ...this.settings, targetFluxVersion: settings.targetFluxVersion.replace(/^v/, '') };
    }
    if (settings.schemaSource !== undefined) this.schemaSources.setMode(settings.schemaSource);
  }

  /** The registry a document is judged by (its cluster folder's workspace CRDs, when clusters differ). */
  private registryFor(uri: string | undefined): SchemaRegistry {
    this.schemaSources.refreshWorkspace();
    return this.registry.forDocument(uri).forTarget(this.settings.targetFluxVersion);
  }

  get targetFluxVersion(): string {
    return this.settings.targetFluxVersion;
  }

  /** Diagnostics of one file. `version` enables the parse cache (LSP documents have one). */
  diagnostics(text: string, uri: string, version?: number): FluxDiagnostic[] {
    return analyzeText(text, { uri, version, registry: this.registryFor(uri), targetFluxVersion: this.settings.targetFluxVersion });
  }

  /** `trigger`: the trigger character that opened the completion by itself (undefined when invoked or typing a word). */
  completion(text: string, uri: string, version: number, position: Position, trigger?: string): EngineCompletionItem[] {
    const file = recentFile(this.completionFiles, text, uri, version, textOnlyFile);
    return complete(file, position, this.registryFor(uri), this.index, trigger);
  }

  /**
   * Hover, outline and definition read from the document's lines (features/line-read.ts), for an adapter to
   * answer with while the document's parse is still running; the methods above answer from the parse.
   */
  lineHover(text: string, uri: string, version: number, position: Position): { contents: string; range?: Range } | undefined {
    return lineHover(recentFile(this.lineFiles, text, uri, version, lineReadFile), position, this.registryFor(uri), {
      targetFluxVersion: this.settings.targetFluxVersion,
    });
  }

  lineSymbols(text: string, uri: string, version: number): DocSymbol[] {
    if (!hasFluxApiVersion(text)) return [];
    return lineSymbols(recentFile(this.lineFiles, text, uri, version, lineReadFile));
  }

  lineDefinition(text: string, uri: string, version: number, position: Position): DefinitionTarget[] {
    return lineDefinition(recentFile(this.lineFiles, text, uri, version, lineReadFile), position, this.index);
  }

  hover(text: string, uri: string, version: number, position: Position): { contents: string; range?: Range } | undefined {
    const file = parseFile(text, { uri, version });
    this.index.updateParsed(uri, file);
    return hoverAt(file, position, this.registryFor(uri), {
      targetFluxVersion: this.settings.targetFluxVersion, index: this.index,
    });
  }

  symbols(text: string, uri: string, version: number): DocSymbol[] {
    if (!hasFluxApiVersion(text)) return []; // the outline lists Flux objects: other YAML is not parsed for it
    return documentSymbols(parseFile(text, { uri, version }));
  }

  /** Quick fixes for the diagnostics the editor sends with a code-action request. */
  codeActions(text: string, uri: string, version: number, diagnostics: readonly ActionDiagnostic[]): EngineCodeAction[] {
    return codeActionsFor(parseFile(text, { uri, version }), diagnostics, { registry: this.registry });
  }

  /** Adds or replaces a file in the workspace index (`version` enables the parse cache). */
  indexFile(text: string, uri: string, version?: number): void {
    this.schemaSources.fileChanged(uri, text);
    if (!mayBeManifest(text, uri)) {
      this.index.remove(uri); // an OpenAPI spec, a workflow...: nothing to index, and not parsed for it
      return;
    }
    this.index.updateParsed(uri, parseFile(text, { uri, version }));
  }

  /** Removes a file from the workspace index (deleted on disk). */
  unindexFile(uri: string): void {
    this.schemaSources.fileRemoved(uri);
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

  /**
   * Analyses a file for the fleet model: one parse gives its per-file diagnostics and its facts, which replace
   * the file's facts in the model; it is also (re)indexed for definitions. `path` is the model's key (absolute,
   * `/` separators); `uri` and `version` enable the parse cache. `graphChanged` says whether the model's derived
   * graph may change (so other files' cross-file diagnostics need recomputing). `index: false` leaves the
   * definitions index alone (the CLI answers no definition requests: indexing 20k documents cost it time and memory).
   */
  updateFile(text: string, path: string, opts: { uri?: string; version?: number; index?: boolean } = {}): LocalAnalysis & { graphChanged: boolean } {
    return drain(this.updateFileSteps(text, path, opts));
  }

  /**
   * updateFile in steps, yielding between documents; the model changes only at its last steps (the workspace model,
   * then the definitions index one step later: a job abandoned in between leaves the index at the file's previous
   * version until the next one completes).
   */
  *updateFileSteps(text: string, path: string, opts: { uri?: string; version?: number; index?: boolean } = {}): Generator<void, LocalAnalysis & { graphChanged: boolean }> {
    const uri = opts.uri ?? path;
    this.schemaSources.fileChanged(uri, text);
    const { file, ...local } = yield* analyzeLocalSteps(text, path, { registry: this.registryFor(uri), targetFluxVersion: this.settings.targetFluxVersion }, { uri: opts.uri, version: opts.version });
    const graphChanged = this.workspace.setFile(path, local.facts);
    if (opts.index !== false) {
      yield;
      this.index.updateParsed(uri, file);
    }
    return { ...local, graphChanged };
  }

  /**
   * Makes a workspace file's text known to the schema sources (a committed CRD such as gotk-components.yaml)
   * before the files are analysed, so that every file is judged by the workspace's CRDs whatever the order.
   */
  noteFileText(uri: string, text: string): void {
    this.schemaSources.fileChanged(uri, text);
  }

  /** Marks a path as an existing file that is not analysed (not YAML, or too large), or removes it. */
  setOtherFile(path: string, exists: boolean): boolean {
    return exists ? this.workspace.setFile(path, null) : this.workspace.removeFile(path);
  }

  /** A file's diagnostics as the fleet model judges them: its per-file ones adjusted, plus the cross-file rules'. */
  workspaceDiagnostics(path: string, local: readonly FluxDiagnostic[]): FluxDiagnostic[] {
    return fileDiagnostics(this.workspace, path, local, { registry: this.registryFor(path), targetFluxVersion: this.settings.targetFluxVersion });
  }

  /** Drops the cached parse of a closed document. */
  forget(uri: string): void {
    forgetFile(uri);
    this.completionFiles.delete(uri);
    this.lineFiles.delete(uri);
  }
}
