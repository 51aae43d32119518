/**
 * Analysis entry point: parses a file through the shared parse cache (the same ParsedFile that completion
 * and hover use) and runs the rules of server/src/engine/rules on each document.
 */
import { parseFile } from './document';
import { createContext, DOCUMENT_RULES, FLUX_RULES, SUPERSEDES_SCHEMA_ENUM, type Rule, type RuleContext } from './rules';
import type { SchemaRegistry } from './schema/registry';
import type { FluxDiagnostic, Range } from './types';

export interface AnalyzeOptions {
  uri?: string;
  version?: number;
  registry: SchemaRegistry;
  targetFluxVersion: string;
}

const rangeKey = (r: Range): string => `${r.start.line}:${r.start.character}:${r.end.line}:${r.end.character}`;

/** Diagnostics of one file. Never throws: a rule that fails is skipped for that document. */
export function analyzeText(text: string, opts: AnalyzeOptions): FluxDiagnostic[] {
  const file = parseFile(text, { uri: opts.uri, version: opts.version });
  // Binary content and Go/Helm template files are not judged as YAML.
  if (file.fatal !== undefined || file.isTemplate) return [];
  const out: FluxDiagnostic[] = [];
  for (const doc of file.documents) {
    const ctx = createContext(file, doc, opts.registry, opts.targetFluxVersion);
    const docOut: FluxDiagnostic[] = [];
    for (const rule of DOCUMENT_RULES) run(rule, ctx, docOut);
    if (doc.isFlux) {
      for (const rule of FLUX_RULES) run(rule, ctx, docOut);
    }
    out.push(...dedupe(docOut));
  }
  return out;
}

function run(rule: Rule, ctx: RuleContext, out: FluxDiagnostic[]): void {
  try {
    for (const d of rule(ctx)) out.push(d);
  } catch {
    // A rule bug must not take the other diagnostics (or the server) down with it.
  }
}

function dedupe(diags: FluxDiagnostic[]): FluxDiagnostic[] {
  let specific: Set<string> | undefined;
  for (const d of diags) {
    if (SUPERSEDES_SCHEMA_ENUM.has(d.code)) (specific ??= new Set()).add(rangeKey(d.range));
  }
  if (!specific) return diags;
  const s = specific;
  return diags.filter((d) => d.code !== 'flux/schema-enum' || !s.has(rangeKey(d.range)));
}
