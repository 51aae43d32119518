/**
 * Analysis entry point: parses a file (through the shared parse cache) and runs the rules on it.
 */
import { parseFile } from './document';
import type { SchemaRegistry } from './schema/registry';
import type { FluxDiagnostic } from './types';

export interface AnalyzeOptions {
  uri?: string;
  version?: number;
  registry: SchemaRegistry;
  targetFluxVersion: string;
}

export function analyzeText(text: string, opts: AnalyzeOptions): FluxDiagnostic[] {
  const file = parseFile(text, { uri: opts.uri, version: opts.version });
  const out: FluxDiagnostic[] = [];
  if (file.fatal || file.isTemplate) return out;
  for (const doc of file.documents) {
    for (const e of doc.errors) {
      out.push({
        range: file.lineIndex.range(e.start, e.end), severity: 'error',
        code: e.code === 'DUPLICATE_KEY' ? 'flux/duplicate-key' : 'flux/yaml-syntax', message: e.message,
      });
    }
  }
  return out;
}
