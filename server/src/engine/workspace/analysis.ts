/**
 * Whole-workspace analysis: one parse per file gives both its per-file diagnostics and its facts for the fleet
 * model; the model then adjusts the per-file diagnostics (fields a parent's patch supplies, documents that are
 * patches) and adds the cross-file rules' diagnostics. Used by the CLI (`lint`) and the LSP server alike.
 */
import { analyzeParsedSteps, MAX_DIAGNOSTICS } from '../analyze';
import { drain, parseFileSteps, type ParsedFile } from '../document';
import { needsFluxAnalysis } from '../document/flux-text';
import type { SchemaRegistry } from '../schema/registry';
import type { FluxDiagnostic } from '../types';
import { createWorkspaceContext } from '../rules/workspace/context';
import { WORKSPACE_RULES } from '../rules/workspace';
import { extractFactsSteps, type DocFacts, type FileFacts } from './facts';
import { docKey, type WorkspaceModel } from './model';

export interface AnalysisSettings {
  registry: SchemaRegistry;
  targetFluxVersion: string;
}

export interface LocalAnalysis {
  /** Per-file diagnostics (before the model's adjustments). */
  diagnostics: FluxDiagnostic[];
  /** The file's facts, for WorkspaceModel.setFile. */
  facts: FileFacts;
}

export interface LocalAnalysisWithParse extends LocalAnalysis {
  /** The parse both came from (for the definitions index); not to be kept. */
  file: ParsedFile;
}

/** Parses a file once: its per-file diagnostics and its facts. `path` is the model's key (absolute, `/`). */
export function analyzeLocal(text: string, path: string, settings: AnalysisSettings, opts: { uri?: string; version?: number } = {}): LocalAnalysisWithParse {
  return drain(analyzeLocalSteps(text, path, settings, opts));
}

/** analyzeLocal in steps, yielding between documents (for the language server's scheduler). */
export function* analyzeLocalSteps(text: string, path: string, settings: AnalysisSettings, opts: { uri?: string; version?: number } = {}): Generator<void, LocalAnalysisWithParse> {
  const file = yield* parseFileSteps(text, { uri: opts.uri ?? path, version: opts.version });
  // Non-Flux YAML (kustomization files, plain manifests) is parsed for its facts only.
  const diagnostics = needsFluxAnalysis(text)
    ? yield* analyzeParsedSteps(file, { uri: opts.uri ?? path, version: opts.version, registry: settings.registry, targetFluxVersion: settings.targetFluxVersion })
    : [];
  yield;
  return { diagnostics, facts: yield* extractFactsSteps(file, path), file };
}

/** Codes that judge a document as a whole object: not for a document listed as a patch. */
const PATCH_ONLY = new Set(['flux/missing-required', 'flux/helmrelease-chart']);
const PATH_CODES = new Set(['flux/schema-type', 'flux/schema-enum', 'flux/schema-pattern', 'flux/schema-format', 'flux/schema-range']);

function docAtOffset(facts: FileFacts, offset: number): DocFacts | undefined {
  let found: DocFacts | undefined;
  for (const d of facts.documents) {
    if (d.start <= offset) found = d;
    else break;
  }
  return found;
}

/**
 * The per-file diagnostics as the model judges them:
 * - a document that a kustomize file or a Flux Kustomization lists as a patch is a partial object: no
 *   flux/missing-required;
 * - a field that every applied instance of the document gets from a parent's patch (kustomize `patches` of the
 *   folders it is built in, or the applying Kustomization's `spec.patches`) is present: no flux/missing-required
 *   for it, and a value error at it is dropped (the patched value is what Flux applies).
 */
export function adjustLocal(model: WorkspaceModel, facts: FileFacts, local: readonly FluxDiagnostic[]): FluxDiagnostic[] {
  const graph = model.graph();
  const supplied = new Map<DocFacts, Set<string> | null>();
  const suppliedFor = (doc: DocFacts): Set<string> | null => {
    if (supplied.has(doc)) return supplied.get(doc)!;
    const insts = (graph.byDoc.get(docKey(facts.path, doc.index)) ?? []).filter((i) => !i.implicit);
    let common: Set<string> | null = null;
    for (const inst of insts) {
      const s = new Set<string>();
      for (const p of inst.patches) for (const x of p.patch.supplies) s.add(x);
      if (common === null) common = s;
      else for (const x of [...(common as Set<string>)]) if (!s.has(x)) (common as Set<string>).delete(x);
    }
    const result = common !== null && common.size > 0 ? common : null;
    supplied.set(doc, result);
    return result;
  };
  const out: FluxDiagnostic[] = [];
  for (const d of local) {
    if (PATCH_ONLY.has(d.code)) {
      const doc = docAtOffset(facts, facts.lineIndex.offsetAt(d.range.start));
      if (doc && graph.patchDocs.has(docKey(facts.path, doc.index))) continue;
      // A parent's patch that gives a HelmRelease its chart answers "neither spec.chart nor spec.chartRef".
      const s = doc ? suppliedFor(doc) : null;
      if (d.code === 'flux/helmrelease-chart' && s && (s.has('spec.chart') || s.has('spec.chartRef')) && /neither|needs one/i.test(d.message)) continue;
    }
    if (d.code === 'flux/missing-required' || PATH_CODES.has(d.code)) {
      const path = Array.isArray(d.data?.path) ? (d.data.path as Array<string | number>) : undefined;
      const offset = facts.lineIndex.offsetAt(d.range.start);
      const doc = docAtOffset(facts, offset);
      if (doc && path) {
        if (d.code === 'flux/missing-required' && graph.patchDocs.has(docKey(facts.path, doc.index))) continue;
        const s = suppliedFor(doc);
        const field = d.code === 'flux/missing-required' && typeof d.data?.field === 'string' ? [...path, d.data.field] : path;
        if (s && s.has(field.filter((x) => typeof x === 'string').join('.'))) continue;
      }
    }
    out.push(d);
  }
  return out;
}

/** The cross-file rules' diagnostics of one file. Never throws: a failing rule is skipped. */
export function crossFileDiagnostics(model: WorkspaceModel, facts: FileFacts, settings: AnalysisSettings): FluxDiagnostic[] {
  // A file outside every workspace root (an editor without a folder, a file opened from elsewhere) is judged
  // alone: the model does not know the repository around it.
  if (model.repoRootOf(facts.path) === undefined) return [];
  const ctx = createWorkspaceContext(model, facts, settings.registry, settings.targetFluxVersion);
  const out: FluxDiagnostic[] = [];
  for (const rule of WORKSPACE_RULES) {
    try {
      for (const d of rule(ctx)) out.push(d);
    } catch {
      // A rule bug must not take the other diagnostics down with it.
    }
  }
  return out;
}

/** A file's full diagnostics: its adjusted per-file ones and its cross-file ones, in position order, capped. */
export function fileDiagnostics(model: WorkspaceModel, path: string, local: readonly FluxDiagnostic[], settings: AnalysisSettings): FluxDiagnostic[] {
  const facts = model.facts(path);
  if (!facts) return [...local];
  const all = [...adjustLocal(model, facts, local), ...crossFileDiagnostics(model, facts, settings)];
  const fileLevel = all.filter((d) => d.code === 'flux/file-too-large' || d.code === 'flux/not-analysed' || d.code === 'flux/too-many-diagnostics');
  const rest = all.filter((d) => !fileLevel.includes(d));
  rest.sort((a, b) => a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character);
  if (rest.length > MAX_DIAGNOSTICS && !fileLevel.some((d) => d.code === 'flux/too-many-diagnostics')) {
    return [...fileLevel, ...rest.slice(0, MAX_DIAGNOSTICS)];
  }
  return [...fileLevel, ...rest];
}
