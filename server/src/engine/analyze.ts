/**
 * Analysis entry point: parses a file through the shared parse cache (the same ParsedFile that completion
 * and hover use) and runs the rules of server/src/engine/rules on each document.
 */
import { drain, parseFileSteps, templateDocument } from './document';
import { needsFluxAnalysis } from './document/flux-text';
import { createContext, DOCUMENT_RULES, FILE_RULES, FLUX_RULES, SUPERSEDES, type Rule, type RuleContext } from './rules';
import { apiGroup } from './rules/api-group';
import { apiVersion } from './rules/api-version';
import { duplicateObject } from './rules/duplicate-object';
import type { ParsedFile } from './document';
import type { SchemaRegistry } from './schema/registry';
import type { FluxDiagnostic, Range } from './types';

export interface AnalyzeOptions {
  uri?: string;
  version?: number;
  registry: SchemaRegistry;
  targetFluxVersion: string;
}

const rangeKey = (r: Range): string => `${r.start.line}:${r.start.character}:${r.end.line}:${r.end.character}`;

/** Diagnostics per file: past this many, the rest are counted in one `flux/too-many-diagnostics`. */
export const MAX_DIAGNOSTICS = 1000;

/** The checks the documents past a huge file's analysis limit get (see ParsedFile.partial). */
const PARTIAL_RULES: readonly Rule[] = [apiGroup, apiVersion];

const formatCount = (n: number): string => n.toLocaleString('en-US');

function firstLine(file: ParsedFile): Range {
  return { start: { line: 0, character: 0 }, end: { line: 0, character: Math.min(file.lineIndex.lineText(0).length, 200) } };
}

/**
 * Diagnostics of one file. Never throws: a rule that fails is skipped for that document.
 * A file that is not analysed (binary content, nesting too deep) gets one `flux/not-analysed` information
 * saying why; a Helm chart's template files (in a templates/ folder) get nothing, and a document that does not
 * parse because of template syntax gets its apiVersion/kind checks and one `flux/template-skipped`. A file too large
 * for a full analysis gets `flux/file-too-large`; more than MAX_DIAGNOSTICS diagnostics are cut there, with a
 * final `flux/too-many-diagnostics`.
 */
export function analyzeText(text: string, opts: AnalyzeOptions): FluxDiagnostic[] {
  // YAML without a Flux apiVersion is decided on its text: no parse, no diagnostics.
  if (!needsFluxAnalysis(text)) return [];
  return drain(analyzeSteps(text, opts));
}

/**
 * Diagnostics of an already parsed file (the fleet model extracts its facts from the same parse). The caller
 * decides on the text first (needsFluxAnalysis), as analyzeText does.
 */
export function analyzeParsed(file: ParsedFile, opts: AnalyzeOptions): FluxDiagnostic[] {
  return drain(analyzeParsedSteps(file, opts));
}

/** Rules whose result depends on the file's other documents: never reused with a document's parse. */
const FILE_SCOPED: ReadonlySet<Rule> = new Set([duplicateObject]);
const FLUX_DOC_RULES = FLUX_RULES.filter((r) => !FILE_SCOPED.has(r));
const FLUX_FILE_RULES = FLUX_RULES.filter((r) => FILE_SCOPED.has(r));

/** Moves diagnostics by `delta` lines. */
function shiftLines(diags: readonly FluxDiagnostic[], delta: number): FluxDiagnostic[] {
  if (delta === 0) return diags.slice();
  return diags.map((d) => ({
    ...d, range: { start: { line: d.range.start.line + delta, character: d.range.start.character }, end: { line: d.range.end.line + delta, character: d.range.end.character } },
  }));
}

/**
 * analyzeText as a generator that yields after each document it analysed, for a caller that spreads the work
 * over several turns of the event loop (server/src/lsp/scheduler.ts). With uri and version, a document whose
 * text did not change since the file's previous version reuses that version's parse and diagnostics (moved to
 * its new lines); only the file-scoped rules run again.
 */
export function* analyzeSteps(text: string, opts: AnalyzeOptions): Generator<void, FluxDiagnostic[]> {
  const file = yield* parseFileSteps(text, { uri: opts.uri, version: opts.version });
  return yield* analyzeParsedSteps(file, opts);
}

/** The analysis of a parsed file, yielding after each document (see analyzeSteps). */
export function* analyzeParsedSteps(file: ParsedFile, opts: AnalyzeOptions): Generator<void, FluxDiagnostic[]> {
  if (file.isTemplate) return [];
  if (file.fatal !== undefined) {
    return [{
      range: firstLine(file), severity: 'information', code: 'flux/not-analysed',
      message: `This file was not analysed: ${file.fatal}.`,
      data: { reason: file.fatal },
    }];
  }
  const out: FluxDiagnostic[] = [];
  let tooLarge: FluxDiagnostic | undefined;
  if (file.partial) {
    const p = file.partial;
    tooLarge = {
      range: firstLine(file), severity: 'information', code: 'flux/file-too-large',
      message: `This file is too large for a full analysis: ${(p.bytes / (1024 * 1024)).toFixed(1)} MB with ${formatCount(p.structureLines)} lines of YAML `
        + `(block scalar text not counted, a long flow collection line counted per two items), over the limit of ${formatCount(p.limit)}. The documents from line ${formatCount(p.fromLine + 1)} on `
        + 'get only their apiVersion and kind checked (no YAML syntax, schema or reference checks). Split the file to have all of it checked.',
      data: { bytes: p.bytes, lines: p.structureLines, limit: p.limit, fromLine: p.fromLine },
    };
  }
  // What a document's diagnostics depend on besides its text (the file name matters: see RuleContext.isPatch; the
  // registry's generation changes when a schema source or the schemaSource mode changes).
  const key = `${file.looksFlux}\n${opts.targetFluxVersion}\n${opts.uri ?? ''}\n${opts.registry.generation}`;
  for (const doc of file.documents) {
    const ctx = createContext(file, doc, opts.registry, opts.targetFluxVersion);
    let docOut: FluxDiagnostic[] = [];
    const line = doc.range.start.line;
    const memo = doc.shared?.diagnostics;
    if (memo && memo.key === key && doc.shared?.registry === opts.registry) {
      docOut = shiftLines(memo.list, line - memo.line);
    } else if (doc.partial) {
      for (const rule of PARTIAL_RULES) run(rule, ctx, docOut);
      const o = doc.oversized;
      if (o) {
        docOut.push(ctx.diag('flux/document-too-large', 'information', ctx.rangeOf([], 'key'),
          `this document is too large for a full analysis: more than ${formatCount(o.limit)} YAML tokens (about 8,500 lines of block YAML), `
          + 'the limit for a document outside plain block YAML (it has a YAML error, flow collections, anchors, tags or multi-line scalars). '
          + 'Only its apiVersion and kind were checked (no YAML syntax, schema or reference checks). '
          + 'Split it into smaller documents, or write it as plain block YAML, to have all of it checked',
          { limit: o.limit }));
      }
    } else if (file.looksFlux && templateDocument(file, doc)) {
      // Template syntax outside scalars: the YAML cannot be judged, its identity still can.
      for (const rule of PARTIAL_RULES) run(rule, ctx, docOut);
      if (doc.isFlux) docOut.push(ctx.diag('flux/template-skipped', 'information', ctx.rangeOf([], 'key'),
        'this document holds Go/Helm template syntax outside quoted or block scalars, so it is not valid YAML as written; '
        + 'only its apiVersion and kind were checked. Quote the template expressions (or move them into a block scalar) to have the rest checked'));
    } else {
      for (const rule of file.looksFlux ? DOCUMENT_RULES : FILE_RULES) run(rule, ctx, docOut);
      if (doc.isFlux) {
        for (const rule of FLUX_DOC_RULES) run(rule, ctx, docOut);
      }
      // Kept for the next version when every range lies within the document's own lines.
      if (doc.shared && docOut.every((d) => d.range.start.line >= line && d.range.end.line <= doc.range.end.line)) {
        doc.shared.diagnostics = { key, line, list: docOut.slice() };
        doc.shared.registry = opts.registry;
      }
      yield;
    }
    if (doc.isFlux && !doc.partial) {
      for (const rule of FLUX_FILE_RULES) run(rule, ctx, docOut);
    }
    for (const d of dedupe(docOut)) out.push(d);
  }
  const capped = capDiagnostics(out, file);
  return tooLarge ? [tooLarge, ...capped] : capped;
}

/** The first MAX_DIAGNOSTICS diagnostics (in file order) and one information counting the rest. */
function capDiagnostics(diags: FluxDiagnostic[], file: ParsedFile): FluxDiagnostic[] {
  if (diags.length <= MAX_DIAGNOSTICS) return diags;
  const kept = diags.slice(0, MAX_DIAGNOSTICS);
  const omitted = diags.length - MAX_DIAGNOSTICS;
  let errors = 0;
  for (let i = MAX_DIAGNOSTICS; i < diags.length; i++) if (diags[i]!.severity === 'error') errors++;
  kept.push({
    range: firstLine(file), severity: 'information', code: 'flux/too-many-diagnostics',
    message: `${formatCount(diags.length)} problems in this file: the first ${formatCount(MAX_DIAGNOSTICS)} are shown, `
      + `${formatCount(omitted)} more (${formatCount(errors)} of them errors) are omitted. Fix the ones shown, or split the file, to see the rest.`,
    data: { total: diags.length, omitted, omittedErrors: errors },
  });
  return kept;
}

function run(rule: Rule, ctx: RuleContext, out: FluxDiagnostic[]): void {
  try {
    for (const d of rule(ctx)) out.push(d);
  } catch {
    // A rule bug must not take the other diagnostics (or the server) down with it.
  }
}

/** Drops a schema diagnostic where a Flux-specific check says the same at the same range (see SUPERSEDES). */
function dedupe(diags: FluxDiagnostic[]): FluxDiagnostic[] {
  let superseded: Set<string> | undefined;
  for (const d of diags) {
    const code = SUPERSEDES.get(d.code);
    if (code !== undefined) (superseded ??= new Set()).add(`${code}@${rangeKey(d.range)}`);
  }
  if (!superseded) return diags;
  const s = superseded;
  return diags.filter((d) => !s.has(`${d.code}@${rangeKey(d.range)}`));
}
