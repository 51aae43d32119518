/**
 * Textual decisions taken before any YAML parse, so that YAML that is not Flux (an OpenAPI spec, a docker-compose
 * file, a GitHub workflow) costs a text scan and gets no Flux diagnostics or completion items.
 */
import { nestingDepthExceeds, MAX_NESTING } from './parse';

/**
 * An `apiVersion` in a fluxcd.io group (block or flow style, quoted or not). Misspelt toolkit groups and Flux groups
 * without a version match too: the api-group rule judges those.
 */
const FLUX_API_VERSION = /apiVersion["']?[ \t]*:[ \t]*["']?[a-z0-9.-]*\.fluxcd\.io(?![a-z0-9.-])/;

/** The text has an apiVersion line in a Flux group (a cheap substring test first). */
export function hasFluxApiVersion(text: string): boolean {
  return text.includes('fluxcd.io') && FLUX_API_VERSION.test(text);
}

/**
 * Whether the per-file Flux analysis has anything to say about this text: a Flux apiVersion, or content that
 * no YAML tool should take for YAML (NUL bytes, nesting deeper than the parser can go), which gets its
 * "not analysed" information.
 */
export function needsFluxAnalysis(text: string): boolean {
  return hasFluxApiVersion(text) || text.includes('\u0000') || nestingDepthExceeds(text, MAX_NESTING);
}

/** A line that carries no YAML content: blank, a comment, or a document marker. */
const EMPTY_LINE = /^[ \t]*(#.*)?\r?$|^(---|\.\.\.)[ \t]*(#.*)?\r?$/;

/** True when every line but `line` is empty (a new file, where a Flux skeleton is a fair offer). */
export function emptyBesidesLine(text: string, line: number): boolean {
  let start = 0;
  for (let i = 0; start <= text.length; i++) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    if (i !== line && !EMPTY_LINE.test(text.slice(start, end))) return false;
    start = end + 1;
  }
  return true;
}

/** Completion offers Flux items only in a file with a Flux apiVersion, an empty one, or on a top-level `apiVersion:` line. */
export function fluxCompletionWanted(text: string, line: number, lineText: string): boolean {
  return hasFluxApiVersion(text) || /^apiVersion[ \t]*:/.test(lineText) || emptyBesidesLine(text, line);
}

/**
 * A file the workspace index needs (the fleet model reads Flux objects, kustomization.yaml files and plain
 * manifests): a top-level apiVersion or kind key, or a kustomization file name. Other YAML is never parsed for it.
 */
export function mayBeManifest(text: string, uri: string): boolean {
  return /(^|\n)(apiVersion|kind|"apiVersion"|"kind")[ \t]*:/.test(text) || hasFluxApiVersion(text) || /(^|[\\/])kustomization\.ya?ml$/i.test(uri);
}
