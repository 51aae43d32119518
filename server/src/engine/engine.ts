/**
 * The engine facade that the adapters (LSP server, CLI) use: one schema registry, one
 * parse cache keyed by document version, and the settings that shape the analysis.
 */
import { SchemaRegistry } from './schema/registry';
import { analyzeText } from './analyze';
import { parseFile, forgetFile } from './document';
import { complete, type EngineCompletionItem } from './features/completion';
import { hover as hoverAt } from './features/hover';
import { documentSymbols, type DocSymbol } from './features/symbols';
import { DEFAULT_FLUX_VERSION } from './kinds';
import type { FluxDiagnostic, Position, Range } from './types';

export interface EngineSettings {
  /** The Flux release the workspace targets; deprecation and removal diagnostics depend on it. */
  targetFluxVersion: string;
}

export type { EngineCompletionItem, DocSymbol };

export class FluxEngine {
  readonly registry: SchemaRegistry;
  private settings: EngineSettings = { targetFluxVersion: DEFAULT_FLUX_VERSION };

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

  completion(text: string, uri: string, version: number, position: Position): EngineCompletionItem[] {
    return complete(parseFile(text, { uri, version }), position, this.registry);
  }

  hover(text: string, uri: string, version: number, position: Position): { contents: string; range?: Range } | undefined {
    return hoverAt(parseFile(text, { uri, version }), position, this.registry);
  }

  symbols(text: string, uri: string, version: number): DocSymbol[] {
    return documentSymbols(parseFile(text, { uri, version }));
  }

  /** Drops the cached parse of a closed document. */
  forget(uri: string): void {
    forgetFile(uri);
  }
}
