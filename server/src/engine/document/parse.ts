/**
 * The document model: multi-document YAML parsed with the `yaml` package, with exact ranges,
 * the GVK read from each document's apiVersion and kind (never from the file name), and a
 * per-(uri, version) cache.
 */
import { isAlias, isCollection, isMap, isScalar, isSeq, parseDocument, Scalar, type Document, type Node, type Pair, type YAMLMap } from 'yaml';
import { findKind, isFluxGroup, splitApiVersion, type FluxKindInfo } from '../kinds';
import type { FluxDiagnostic, Range } from '../types';
import { documentStarts, parseChunks, shiftTree, type ChunkCache } from './chunks';
import { drain, MAX_DOCUMENT_TOKENS, parseYamlDocumentsSteps } from './yaml-steps';
import { fastParseDocument, fastProblems, fastValue } from './fast-parse';
import { LineIndex } from './line-index';

/** toJS alias expansions allowed per document: an alias bomb stops here instead of eating memory. */
export const MAX_ALIAS_COUNT = 1000;

export interface YamlProblem {
  start: number;
  end: number;
  code: string;
  message: string;
}

/** One YAML document of a file. */
export interface FluxDocument {
  /** 0-based index in the file. */
  index: number;
  yaml: Document.Parsed;
  startOffset: number;
  endOffset: number;
  range: Range;
  apiVersion?: string;
  kind?: string;
  group?: string;
  version?: string;
  /** The apiVersion's group is a Flux group (a kustomize.config.k8s.io Kustomization is not). */
  isFlux: boolean;
  /** The Flux kind, when the kind is known in that group. */
  kindInfo?: FluxKindInfo;
  name?: string;
  namespace?: string;
  /** A SOPS-encrypted document (top-level `sops:` map). */
  isSops: boolean;
  /** Parser errors of this document. */
  errors: YamlProblem[];
  /** The plain value (aliases and merge keys resolved). Undefined for an alias bomb or a non-map. Memoized. */
  value(): unknown;
  /** True when value() hit the alias-expansion cap. */
  aliasLimitExceeded(): boolean;
  /**
   * A document past the analysis limit of a huge file (see ParsedFile.partial): it was not parsed as YAML
   * (`yaml` is an empty document); its apiVersion, kind, metadata.name and metadata.namespace were read from
   * its lines, and `textRanges` holds their offsets.
   */
  partial?: boolean;
  textRanges?: TextRanges;
  /**
   * Set on a document too large for yaml to compose (see MAX_DOCUMENT_TOKENS): it is `partial` too, read from its
   * lines, and gets no YAML syntax, schema or reference checks.
   */
  oversized?: { limit: number };
  /** Memoized per parse (see DocMemo); documents of successive versions with the same text share it. */
  readonly shared?: DocMemo;
}

/** Offsets [start, end) of the fields read from a partial document's text. */
export interface TextRanges {
  apiVersionKey?: [number, number];
  apiVersion?: [number, number];
  kindKey?: [number, number];
  kind?: [number, number];
  name?: [number, number];
}

/** Set on a file too large for a full analysis. */
export interface PartialAnalysis {
  /** Size of the file's text in bytes (UTF-8). */
  bytes: number;
  /** Lines of YAML structure in the file (block scalar text and blank lines not counted). */
  structureLines: number;
  /** The limit on structure lines for a full analysis. */
  limit: number;
  /** 0-based line from which documents are only partly parsed. */
  fromLine: number;
}

export interface ParsedFile {
  uri?: string;
  version?: number;
  text: string;
  lineIndex: LineIndex;
  documents: FluxDocument[];
  /**
   * A Helm chart template: a file in a `templates/` folder with lines that start with `{{`. Such files are not
   * judged as YAML. (`{{ }}` elsewhere, e.g. in a HelmRelease's values, never switches the analysis off; a
   * document that does not parse because of template syntax is handled per document, see templateDocument.)
   */
  isTemplate: boolean;
  /** The file has at least one Flux document, or looks like one textually. */
  looksFlux: boolean;
  /** Set when the file could not be parsed at all (binary content, parser failure). */
  fatal?: string;
  /**
   * Set when the file has more YAML structure than a full analysis can afford (the yaml package needs ~12 s
   * for 10 MB of YAML structure). The leading documents within the limit are parsed in full; the documents
   * after them are `partial`: only their apiVersion, kind and metadata's name and namespace are read, from
   * their lines.
   */
  partial?: PartialAnalysis;
}

const TEMPLATE_LINE = /^[ \t]*\{\{-?/m;
/** A chart's templates folder (by path: the uri or file path has a `templates` segment). */
const TEMPLATES_FOLDER = /(^|[/\\])templates[/\\]/;

/** Whether a file is a Helm chart template: in a `templates/` folder, with template lines. */
export function isChartTemplate(text: string, uri: string | undefined): boolean {
  return uri !== undefined && TEMPLATES_FOLDER.test(uri) && TEMPLATE_LINE.test(text);
}

/**
 * Whether a document fails to parse because of template syntax outside scalars: it has YAML errors and one of
 * them is on (or right after) a line holding `{{`. A genuine YAML error elsewhere in a document whose values
 * carry chart templating in block scalars is still a YAML error.
 */
export function templateDocument(file: ParsedFile, doc: FluxDocument): boolean {
  if (doc.partial) return false;
  for (const e of doc.errors) {
    if (!isSyntaxError(e)) continue;
    const line = file.lineIndex.positionAt(e.start).line;
    for (let l = Math.max(0, line - 1); l <= line; l++) if (file.lineIndex.lineText(l).includes('{{')) return true;
  }
  return false;
}
const FLUX_API_VERSION_TEXT = /^[ \t]*apiVersion:[ \t]*["']?[a-z.]+\.fluxcd\.io\//m;

function scalarString(map: YAMLMap, key: string): string | undefined {
  const v = map.get(key, true);
  return isScalar(v) && v.value !== null && v.value !== undefined ? String(v.value) : undefined;
}

function metadataField(map: YAMLMap, key: string): string | undefined {
  const meta = map.get('metadata', true);
  return isMap(meta) ? scalarString(meta, key) : undefined;
}

/** The problem code of a map key that is a map or a list (see keyProblems). */
export const COLLECTION_KEY = 'COLLECTION_KEY';

/** What a map key that is a map or a list becomes in a document's plain value (see plainValue). */
export const COLLECTION_KEY_STANDIN = '[collection key]';

/**
 * Whether a problem is a syntax error: the parser's, after which parts of the document may be missing or keys may
 * have landed in the wrong map. A repeated key and a collection key are not: the structure is as written.
 */
export function isSyntaxError(p: YamlProblem): boolean {
  return p.code !== 'DUPLICATE_KEY' && p.code !== COLLECTION_KEY;
}

/** Whether the document has syntax errors (see isSyntaxError). */
export function hasSyntaxErrors(doc: Pick<FluxDocument, 'errors'>): boolean {
  return doc.errors.some(isSyntaxError);
}

/**
 * The document's plain value, as yaml's toJS gives it, except that a key that is a map or a list becomes the
 * string '[collection key]'. yaml makes such a key a string by stringifying the collection as YAML, each time
 * the map holding it is converted, and the collection's own keys again inside that: cubic in the nesting of
 * error-recovered flow maps (a `{{` line over 300 block lines: 0.26 s; the fuzzer's 9 KB file: 2.9-3.9 s in
 * the language server, in one piece). Kubernetes rejects such a key (flux/collection-key), so its text does not
 * matter. The keys are swapped in place for the conversion and put back after it (it is synchronous); an
 * anchor on such a key moves to its stand-in, so that an alias of it resolves. `mayHaveCollectionKeys: false`
 * (known from keyProblems) skips the walk that finds them.
 */
export function plainValue(
  doc: Pick<Document.Parsed, 'contents' | 'toJS'>, opts: { maxAliasCount: number; mayHaveCollectionKeys?: boolean },
): unknown {
  const { maxAliasCount } = opts;
  if (opts.mayHaveCollectionKeys === false) return doc.toJS({ maxAliasCount });
  const swapped: Array<{ pair: Pair; key: unknown }> = [];
  const stack: unknown[] = [doc.contents];
  while (stack.length > 0) {
    const n = stack.pop();
    if (isMap(n)) {
      for (const p of n.items) {
        const k = p.key;
        if (isCollection(k)) {
          swapped.push({ pair: p, key: k });
          const placeholder = new Scalar(COLLECTION_KEY_STANDIN);
          if (k.anchor) placeholder.anchor = k.anchor;
          p.key = placeholder;
        }
        if (p.value && typeof p.value === 'object') stack.push(p.value);
      }
    } else if (isSeq(n)) {
      for (const it of n.items) if (it && typeof it === 'object') stack.push(it);
    }
  }
  try {
    return doc.toJS({ maxAliasCount });
  } finally {
    for (let i = swapped.length - 1; i >= 0; i--) swapped[i]!.pair.key = swapped[i]!.key;
  }
}

/**
 * Duplicate scalar keys of every map, in linear time (the parser's own `uniqueKeys` check compares each key
 * with all earlier ones, which takes seconds on a map with 100,000 keys). Keys are equal when their values
 * are (`a` and `"a"` are, `1` and `"1"` are not); the `<<` merge key may repeat. Also the keys that are maps
 * or lists (COLLECTION_KEY): Kubernetes reads a manifest as JSON, whose keys are strings, and rejects them.
 */
function keyProblems(root: Node | null, errors: YamlProblem[]): void {
  const stack: unknown[] = [root];
  while (stack.length > 0) {
    const n = stack.pop();
    if (isMap(n)) {
      let seen: Set<string> | undefined;
      for (const p of n.items) {
        const k = p.key as Node | null;
        if (isScalar(k)) {
          if (typeof k.value === 'symbol' || (k.value === '<<' && k.type === 'PLAIN')) continue;
          const id = `${typeof k.value}:${String(k.value)}`;
          if (n.items.length > 1) {
            seen ??= new Set();
            if (seen.has(id) && k.range) {
              errors.push({ start: k.range[0], end: Math.max(k.range[1], k.range[0] + 1), code: 'DUPLICATE_KEY', message: 'Map keys must be unique' });
            }
            seen.add(id);
          }
        } else if (k && typeof k === 'object') {
          if (isCollection(k) && k.range) {
            errors.push({ start: k.range[0], end: Math.max(k.range[1], k.range[0] + 1), code: COLLECTION_KEY, message: 'A map key is a map or a list' });
          }
          stack.push(k);
        }
        if (p.value && typeof p.value === 'object') stack.push(p.value);
      }
    } else if (isSeq(n)) {
      for (const it of n.items) if (it && typeof it === 'object') stack.push(it);
    }
  }
}

/**
 * What is memoized per document parse: its plain value (value() and aliasLimitExceeded()) and, for the analysis,
 * its diagnostics (see analyze.ts). Shared by the versions of a file that reuse the parse (see chunks.ts).
 */
export interface DocMemo {
  memo?: { v: unknown; bomb: boolean };
  /** The document's diagnostics, for the settings in `key`, with ranges as at line `line`. */
  diagnostics?: { key: unknown; line: number; list: readonly FluxDiagnostic[] };
  /** The schema registry the diagnostics were computed with. */
  registry?: unknown;
}

/**
 * A document of a parsed file. A class rather than an object literal with closures: per-document closures
 * (value(), aliasLimitExceeded()) made V8 promote every parse tree to the old generation during a burst of
 * analyses (opening a workspace), which grew the language server's heap by ~40 MB of garbage.
 */
class ParsedDocument implements FluxDocument {
  apiVersion?: string;
  kind?: string;
  group?: string;
  version?: string;
  isFlux = false;
  kindInfo?: FluxKindInfo;
  name?: string;
  namespace?: string;
  isSops = false;
  partial?: boolean;
  textRanges?: TextRanges;
  oversized?: { limit: number };
  constructor(
    readonly index: number,
    readonly yaml: Document.Parsed,
    readonly startOffset: number,
    readonly endOffset: number,
    readonly range: Range,
    readonly errors: YamlProblem[],
    /** The memoized plain value; shared by the documents built from one cached parse (see chunks.ts). */
    readonly shared: DocMemo = {},
  ) {}

  private compute(): { v: unknown; bomb: boolean } {
    if (!this.shared.memo && this.errors.some((e) => e.code === 'RECURSIVE_ALIAS')) this.shared.memo = { v: undefined, bomb: false };
    if (!this.shared.memo) {
      try {
        const fast = fastValue(this.yaml);
        this.shared.memo = { v: fast ? fast.value : plainValue(this.yaml, { maxAliasCount: MAX_ALIAS_COUNT, mayHaveCollectionKeys: this.errors.some((e) => e.code === COLLECTION_KEY) }), bomb: false };
      } catch (err) {
        this.shared.memo = { v: undefined, bomb: /excessive alias/i.test(err instanceof Error ? err.message : '') };
      }
    }
    return this.shared.memo;
  }

  value(): unknown {
    return this.compute().v;
  }

  aliasLimitExceeded(): boolean {
    return this.compute().bomb;
  }
}

/** Sets group, version, isFlux and kindInfo from the document's apiVersion and kind (never from the file name). */
function identify(doc: FluxDocument): void {
  if (!doc.apiVersion) return;
  const { group, version } = splitApiVersion(doc.apiVersion);
  doc.group = group;
  doc.version = version;
  doc.isFlux = isFluxGroup(group);
  if (doc.isFlux && doc.kind) doc.kindInfo = findKind(doc.kind, group);
}

/**
 * Aliases inside the node their anchor names (`a: &a [*a]`): a recursive structure, which no Kubernetes object
 * can hold, and which the yaml package expands in cubic time (300 such aliases took 2.7 s). One problem per
 * document, on the first such alias.
 */
function recursiveAlias(root: Node | null, errors: YamlProblem[]): void {
  const open = new Map<string, number>();
  const stack: Array<{ n: unknown; exit?: string }> = [{ n: root }];
  while (stack.length > 0) {
    const { n, exit } = stack.pop()!;
    if (exit !== undefined) {
      const c = (open.get(exit) ?? 1) - 1;
      if (c === 0) open.delete(exit); else open.set(exit, c);
      continue;
    }
    if (isAlias(n)) {
      if (open.has(n.source) && n.range) {
        errors.push({
          start: n.range[0], end: Math.max(n.range[1], n.range[0] + 1), code: 'RECURSIVE_ALIAS',
          message: `Alias *${n.source} is inside the node anchored &${n.source}: a recursive structure, which a Kubernetes object cannot hold`,
        });
        return;
      }
      continue;
    }
    if (!n || typeof n !== 'object') continue;
    const anchor = (n as { anchor?: unknown }).anchor;
    if (typeof anchor === 'string' && (isMap(n) || isSeq(n))) {
      open.set(anchor, (open.get(anchor) ?? 0) + 1);
      stack.push({ n: undefined, exit: anchor });
    }
    if (isMap(n)) {
      for (let i = n.items.length - 1; i >= 0; i--) { const p = n.items[i]!; stack.push({ n: p.value }, { n: p.key }); }
    } else if (isSeq(n)) {
      for (let i = n.items.length - 1; i >= 0; i--) stack.push({ n: n.items[i] });
    }
  }
}

/** The parser's errors of a document, its duplicate keys and (with `anchors`) a recursive alias, in offset order. */
export function documentProblems(doc: Document.Parsed, anchors = true): YamlProblem[] {
  const errors: YamlProblem[] = doc.errors.map((e) => ({
    start: e.pos[0], end: Math.max(e.pos[1], e.pos[0] + 1), code: e.code, message: e.message.split('\n')[0]!,
  }));
  keyProblems(doc.contents as Node | null, errors);
  if (anchors) recursiveAlias(doc.contents as Node | null, errors);
  if (errors.length > 1) errors.sort((a, b) => a.start - b.start);
  return errors;
}

/** The FluxDocument of a parsed YAML document; `errors` and `memo` come from a cached parse (chunks.ts). */
export function buildDocument(doc: Document.Parsed, index: number, lineIndex: LineIndex, errors: YamlProblem[], memo?: DocMemo): FluxDocument {
  const [start, , end] = doc.range;
  const contents = doc.contents as Node | null;
  const out = new ParsedDocument(index, doc, start, end, lineIndex.range(start, end), errors, memo);
  if (isMap(contents)) {
    out.apiVersion = scalarString(contents, 'apiVersion');
    out.kind = scalarString(contents, 'kind');
    identify(out);
    out.name = metadataField(contents, 'name');
    out.namespace = metadataField(contents, 'namespace');
    out.isSops = isMap(contents.get('sops', true));
  }
  return out;
}

/** Deepest nesting (block indentation levels plus open flow brackets) the parser is given. */
export const MAX_NESTING = 400;

/**
 * A conservative, linear estimate of the nesting depth: block levels from the stack of indentations (plus
 * `- ` sequence entries opened on one line) and open flow brackets outside quotes and comments. It may
 * overestimate (block scalars), never by enough to matter for real files.
 */
export function nestingDepthExceeds(text: string, limit: number): boolean {
  const n = text.length;
  const indents: number[] = [];
  // Without flow brackets only the block levels count: the scan of every character for brackets is skipped.
  const noFlow = !text.includes('[') && !text.includes('{');
  let flow = 0;
  let i = 0;
  while (i < n) {
    let indent = 0;
    while (i < n && (text.charCodeAt(i) === 32 || text.charCodeAt(i) === 9)) { indent++; i++; }
    let end = text.indexOf('\n', i);
    if (end < 0) end = n;
    const c = text.charCodeAt(i);
    if (i >= end || c === 35 /* # */ || c === 13) { i = end + 1; continue; }
    if (flow === 0) {
      while (indents.length > 0 && indents[indents.length - 1]! >= indent) indents.pop();
      indents.push(indent);
    }
    let depth = indents.length;
    let j = i;
    while (j + 1 < end && text.charCodeAt(j) === 45 /* - */ && text.charCodeAt(j + 1) === 32) {
      depth++;
      j += 2;
      while (j < end && text.charCodeAt(j) === 32) j++;
    }
    if (noFlow) {
      if (depth > limit) return true;
      i = end + 1;
      continue;
    }
    for (; j < end; j++) {
      const ch = text.charCodeAt(j);
      if (ch === 91 || ch === 123) flow++;
      else if (ch === 93 || ch === 125) flow = flow > 0 ? flow - 1 : 0;
      else if (ch === 34 || ch === 39) {
        const close = text.indexOf(ch === 34 ? '"' : "'", j + 1);
        if (close > j && close < end) j = close;
      } else if (ch === 35 && (j === 0 || text.charCodeAt(j - 1) === 32)) break;
      if (depth + flow > limit) return true;
    }
    if (depth + flow > limit) return true;
    i = end + 1;
  }
  return false;
}

/** Why a file with NUL bytes is not analysed. */
export const BINARY_FATAL = 'binary content (NUL bytes): not a YAML file';

/** Parses a file without the cache. Never throws. */
export function parseText(text: string, uri?: string, version?: number): ParsedFile {
  return drain(parseTextSteps(text, uri, version));
}

export { drain };

/**
 * parseText as a generator that yields between the documents it parses, when `chunks` is given: the documents
 * are then parsed one by one, reusing the parses of `chunks.prev` for unchanged document texts and recording
 * every parse in `chunks.next` (see chunks.ts).
 */
export function* parseTextSteps(
  text: string, uri?: string, version?: number, chunks?: { prev?: ChunkCache; next: ChunkCache },
): Generator<void, ParsedFile> {
  const lineIndex = new LineIndex(text);
  const base = { uri, version, text, lineIndex, documents: [] as FluxDocument[] };
  const isTemplate = isChartTemplate(text, uri);
  if (text.indexOf('\u0000') >= 0) {
    return { ...base, isTemplate, looksFlux: false, fatal: BINARY_FATAL };
  }
  if (nestingDepthExceeds(text, MAX_NESTING)) {
    // The parser recurses per level: past ~1000 levels it overflows the stack, which can leave V8 unable to
    // compile regular expressions for the rest of the process. No real YAML file nests anywhere near this.
    return { ...base, isTemplate, looksFlux: false, fatal: `nesting deeper than ${MAX_NESTING} levels, more than the YAML parser can take (no real manifest nests this deep)` };
  }
  const structure = measureStructure(text);
  if (structure.lines > MAX_STRUCTURE_LINES) return yield* parseHuge(text, uri, version, isTemplate, structure, lineIndex);
  const starts = chunks ? documentStarts(text, structure.boundaries) : undefined;
  if (chunks && starts) {
    let documents: FluxDocument[] | undefined;
    try {
      documents = yield* parseChunks(text, starts, lineIndex, chunks.prev, chunks.next);
    } catch {
      documents = undefined;
    }
    if (documents) {
      const looksFlux = documents.some((d) => d.isFlux) || FLUX_API_VERSION_TEXT.test(text);
      return { ...base, documents, isTemplate, looksFlux };
    }
    chunks.next.clear();
  }
  // (After a failed chunked parse, the file is parsed whole.)
  return yield* parseYamlSteps(text, { uri, version, text, lineIndex, documents: [] }, isTemplate, chunks ? undefined : documentStarts(text, structure.boundaries));
}

/**
 * Parses a whole file. With `starts` (see documentStarts), the fast path (fast-parse.ts) is tried on each of its
 * documents; when it takes them all, that is the parse, else the file is parsed by `yaml` as a whole (so a file
 * outside the fast path's subset gets exactly what yaml gives). A generator: yaml's parse yields between slices of
 * the text (see parseYamlDocumentsSteps).
 */
function* parseYamlSteps(text: string, base: Omit<ParsedFile, 'isTemplate' | 'looksFlux'>, isTemplate: boolean, starts?: readonly number[]): Generator<void, ParsedFile> {
  const { lineIndex } = base;
  if (starts) {
    const documents: FluxDocument[] = [];
    for (let i = 0; i < starts.length; i++) {
      const start = starts[i]!;
      const end = i + 1 < starts.length ? starts[i + 1]! : text.length;
      const doc = fastParseDocument(text, start, end);
      if (!doc) break;
      documents.push(buildDocument(doc, i, lineIndex, fastProblems(doc)!));
    }
    if (documents.length === starts.length) {
      const looksFlux = documents.some((d) => d.isFlux) || FLUX_API_VERSION_TEXT.test(text);
      return { ...base, documents, isTemplate, looksFlux };
    }
  }
  const anchors = text.includes('&');
  const documents: FluxDocument[] = [];
  // A document too large to parse (see MAX_DOCUMENT_TOKENS) ends at the next `---` line; the text after it is
  // parsed on its own, with its offsets moved to the file's.
  for (let from = 0; from < text.length;) {
    let parsed;
    try {
      parsed = yield* parseYamlDocumentsSteps(from === 0 ? text : text.slice(from));
    } catch (err) {
      return { ...base, isTemplate, looksFlux: false, fatal: `cannot parse: ${err instanceof Error ? err.message : String(err)}` };
    }
    for (const d of parsed.docs) {
      shiftTree(d, from);
      documents.push(buildDocument(d, documents.length, lineIndex, documentProblems(d, anchors)));
    }
    if (!parsed.oversized) break;
    const start = from + parsed.oversized.start;
    DOCUMENT_MARKER.lastIndex = start + 1;
    const next = DOCUMENT_MARKER.exec(text)?.index ?? text.length;
    documents.push(oversizedDocument(base.text, documents.length, start, next, lineIndex));
    from = next;
  }
  const looksFlux = documents.some((d) => d.isFlux) || FLUX_API_VERSION_TEXT.test(text);
  return { ...base, documents, isTemplate, looksFlux };
}

/**
 * Lines of YAML structure a file may have for a full analysis. The yaml package parses ~40,000 structure lines
 * a second (block scalar text is much cheaper); past this limit, the documents after the first 100,000 lines
 * are only partly parsed, so a 10 MB file takes seconds, not a minute.
 */
export const MAX_STRUCTURE_LINES = 100_000;

/** Lines longer than this may count as several structure lines (see measureStructure). */
const LONG_LINE = 200;
/** Flow indicators (`,[]{}`) per structure line: measured, a flow item takes the parser ~40 % of a block line's time. */
const FLOW_ITEMS_PER_LINE = 2;

function flowIndicators(text: string, from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    if (c === 44 || c === 91 || c === 93 || c === 123 || c === 125) n++;
  }
  return n;
}

interface Structure {
  /** Lines of YAML structure: not blank, not a comment, not inside a block scalar. */
  lines: number;
  /** Offsets where a document starts with a `---` line, with the structure lines before each. */
  boundaries: Array<{ offset: number; linesBefore: number }>;
}

const BLOCK_SCALAR_END = /(?:^|[:\-][ \t]+)[|>][1-9+-]{0,2}[ \t]*(?:#.*)?$/;

/**
 * Counts the lines of YAML structure in one linear pass. Block scalar text is recognised by indentation (a line
 * ending in `|` or `>` after `key:` or `- `; its text is the following lines indented deeper than the key), which
 * is close enough for a size limit.
 */
export function measureStructure(text: string): Structure {
  const n = text.length;
  const boundaries: Structure['boundaries'] = [];
  let lines = 0;
  let blockIndent = -1;
  let i = 0;
  while (i < n) {
    let end = text.indexOf('\n', i);
    if (end < 0) end = n;
    let j = i;
    while (j < end && (text.charCodeAt(j) === 32 || text.charCodeAt(j) === 9)) j++;
    const indent = j - i;
    const c = text.charCodeAt(j);
    if (j >= end || c === 13 || (c === 35 /* # */ && blockIndent < 0)) { i = end + 1; continue; }
    if (blockIndent >= 0 && indent > blockIndent) { i = end + 1; continue; }
    blockIndent = -1;
    if (indent === 0 && c === 45 && text.startsWith('---', i) && (end - i === 3 || /\s/.test(text[i + 3]!))) {
      boundaries.push({ offset: i, linesBefore: lines });
    }
    // A long line holding a flow collection costs the parser what many short lines do: it counts as one line
    // per FLOW_ITEMS_PER_LINE flow indicators, so a 1 MB one-line structure cannot slip past the limit (a long
    // plain scalar stays one line: it is cheap).
    lines += end - j > LONG_LINE ? Math.max(1, Math.ceil(flowIndicators(text, j, end) / FLOW_ITEMS_PER_LINE)) : 1;
    // A block scalar starts here when the line (not too long to be a key line) ends in an indicator.
    if (end - j < 512) {
      const line = text.slice(j, end);
      if (BLOCK_SCALAR_END.test(line)) {
        let col = indent;
        let k = j;
        while (k + 1 < end && text.charCodeAt(k) === 45 && text.charCodeAt(k + 1) === 32) {
          const at = k;
          k += 2;
          while (k < end && text.charCodeAt(k) === 32) k++;
          col = indent + (k - j);
          const next = text.charCodeAt(k);
          if (next === 124 || next === 62) { col = indent + (at - j); break; }
        }
        blockIndent = col;
      }
    }
    i = end + 1;
  }
  return { lines, boundaries };
}

const TOP_LEVEL_FIELD = /^(apiVersion|kind|metadata)[ \t]*:/;
const METADATA_FIELD = /^(name|namespace)[ \t]*:/;

/** The scalar after `key:` on a line: its offsets (quotes included) and its value (quotes removed). */
function lineScalar(text: string, from: number, lineEnd: number): { start: number; end: number; value: string } | undefined {
  // Searches stay within the line: an unbounded indexOf per line would be quadratic in a huge file.
  const line = text.slice(from, lineEnd);
  const lead = line.length - line.trimStart().length;
  const i = from + lead;
  const c = text.charCodeAt(i);
  if (c === 34 || c === 39) {
    const close = line.indexOf(c === 34 ? '"' : "'", lead + 1);
    if (close < 0) return undefined;
    return { start: i, end: from + close + 1, value: line.slice(lead + 1, close) };
  }
  const hash = line.indexOf(' #', lead);
  const raw = (hash >= 0 ? line.slice(lead, hash) : line.slice(lead)).trimEnd();
  if (raw === '' || c === 124 || c === 62 || c === 38 || c === 42 || c === 33 || c === 123 || c === 91) return undefined;
  return { start: i, end: i + raw.length, value: raw };
}

/** A document past the limit of a huge file, read from its lines: top-level apiVersion and kind, metadata's name and namespace. */
function partialDocument(text: string, index: number, start: number, end: number, lineIndex: LineIndex, empty: Document.Parsed): FluxDocument {
  const doc = new ParsedDocument(index, empty, start, end, lineIndex.range(start, end), []);
  const ranges: TextRanges = {};
  let inMetadata = false;
  let metadataIndent = -1;
  let i = start;
  while (i < end) {
    let next = text.indexOf('\n', i);
    if (next < 0 || next > end) next = end;
    let lineEnd = next;
    if (lineEnd > i && text.charCodeAt(lineEnd - 1) === 13) lineEnd--;
    const c = text.charCodeAt(i);
    if (c === 32 || c === 9) {
      if (inMetadata) {
        let j = i;
        while (j < lineEnd && (text.charCodeAt(j) === 32 || text.charCodeAt(j) === 9)) j++;
        if (j < lineEnd && text.charCodeAt(j) !== 35) {
          if (metadataIndent < 0) metadataIndent = j - i;
          const m = j - i === metadataIndent ? METADATA_FIELD.exec(text.slice(j, Math.min(lineEnd, j + 16))) : null;
          const v = m ? lineScalar(text, j + m[0].length, lineEnd) : undefined;
          if (m && v) {
            if (m[1] === 'name') { doc.name = v.value; ranges.name = [v.start, v.end]; } else doc.namespace = v.value;
          }
        }
      }
    } else if (lineEnd > i && c !== 35) {
      inMetadata = false;
      const m = TOP_LEVEL_FIELD.exec(text.slice(i, Math.min(lineEnd, i + 16)));
      if (m?.[1] === 'metadata') {
        inMetadata = true;
        metadataIndent = -1;
      } else if (m) {
        const v = lineScalar(text, i + m[0].length, lineEnd);
        const key: [number, number] = [i, i + m[1]!.length];
        if (m[1] === 'apiVersion') {
          ranges.apiVersionKey = key;
          if (v) { doc.apiVersion = v.value; ranges.apiVersion = [v.start, v.end]; }
        } else {
          ranges.kindKey = key;
          if (v) { doc.kind = v.value; ranges.kind = [v.start, v.end]; }
        }
      }
    }
    i = next + 1;
  }
  identify(doc);
  doc.partial = true;
  doc.textRanges = ranges;
  return doc;
}

/** A `---` line: a document marker wherever it is (it ends a block or quoted scalar too). */
const DOCUMENT_MARKER = /^---(?=[ \t\r\n]|$)/gm;

/** A document too large for yaml to parse (see MAX_DOCUMENT_TOKENS), text[start, end): read from its lines as a partial document. */
export function oversizedDocument(text: string, index: number, start: number, end: number, lineIndex: LineIndex): FluxDocument {
  const doc = partialDocument(text, index, start, end, lineIndex, parseDocument('') as Document.Parsed);
  doc.oversized = { limit: MAX_DOCUMENT_TOKENS };
  return doc;
}

/** Appends the partial documents between successive `bounds` (offsets) to the file's documents. */
function pushPartialDocuments(file: ParsedFile, bounds: readonly number[]): void {
  const empty = parseDocument('') as Document.Parsed;
  for (let k = 0; k + 1 < bounds.length; k++) {
    file.documents.push(partialDocument(file.text, file.documents.length, bounds[k]!, bounds[k + 1]!, file.lineIndex, empty));
  }
  file.looksFlux = file.looksFlux || file.documents.some((d) => d.isFlux);
}

/**
 * The file read from its lines, without a YAML parse: every document cut at its `---` line is a partial document
 * (apiVersion, kind, metadata's name and namespace; see partialDocument). For the requests answered while the
 * parse of the file is still running (features/line-read.ts). Linear in the text, ~1 ms per 100 KB.
 */
export function lineReadFile(text: string, uri?: string, version?: number): ParsedFile {
  const lineIndex = new LineIndex(text);
  const file: ParsedFile = { text, lineIndex, documents: [], isTemplate: isChartTemplate(text, uri), looksFlux: false };
  if (uri !== undefined) file.uri = uri;
  if (version !== undefined) file.version = version;
  if (text.indexOf('\u0000') >= 0) {
    file.fatal = BINARY_FATAL;
    return file;
  }
  pushPartialDocuments(file, [0, ...measureStructure(text).boundaries.map((b) => b.offset).filter((o) => o > 0), text.length]);
  return file;
}

/**
 * A file past MAX_STRUCTURE_LINES: the leading documents within the limit are parsed in full (in steps, as any
 * parse: they may hold up to MAX_STRUCTURE_LINES lines, seconds of yaml work), the rest are partial documents,
 * read from their lines (see partialDocument).
 */
function* parseHuge(
  text: string, uri: string | undefined, version: number | undefined, isTemplate: boolean, structure: Structure, lineIndex: LineIndex,
): Generator<void, ParsedFile> {
  let cut = 0;
  const starts: number[] = [];
  for (const b of structure.boundaries) {
    if (b.linesBefore <= MAX_STRUCTURE_LINES) cut = b.offset;
    else starts.push(b.offset);
  }
  const file = cut > 0
    ? yield* parseYamlSteps(text.slice(0, cut), { uri, version, text, lineIndex, documents: [] }, isTemplate)
    : { uri, version, text, lineIndex, documents: [] as FluxDocument[], isTemplate, looksFlux: false };
  if (file.fatal !== undefined) return file;
  pushPartialDocuments(file, [cut, ...starts.filter((o) => o > cut), text.length]);
  file.partial = {
    bytes: Buffer.byteLength(text, 'utf8'),
    structureLines: structure.lines,
    limit: MAX_STRUCTURE_LINES,
    fromLine: lineIndex.positionAt(cut).line,
  };
  return file;
}

/** Files being edited whose parse is kept (the ones edited most recently). */
const EDITED_LIMIT = 8;
/** Text bytes of the files whose parse is kept, besides the one parsed last (see parseFileSteps). */
const CACHE_TEXT_BYTES = 1024 * 1024;

interface CacheEntry {
  /** The text parsed (a huge file's ParsedFile holds a reduced text). */
  source: string;
  file: ParsedFile;
  /** Seen in more than one version: the document is being edited, and its tree is worth keeping. */
  edited: boolean;
  /** The parses of the file's documents, for the next version's incremental parse (see chunks.ts). */
  chunks: ChunkCache;
}

const cache = new Map<string, CacheEntry>();

/**
 * Parses a file, cached per (uri, version): a request for the same version returns the same ParsedFile; a new
 * version replaces the old one, re-parsing only the documents whose text changed (chunks.ts). Without uri and
 * version nothing is cached.
 *
 * Memory: a parse tree is ~100 times the size of its text. Only the trees of documents being edited (seen in a
 * second version) are kept, up to EDITED_LIMIT; a document that was only opened keeps its tree until another
 * file is parsed (enough for the analysis, indexing and symbols requests that follow an open). Keeping hundreds
 * of trees while a workspace opens made V8 promote each of them to the old generation, where they stayed as
 * garbage until a full collection (the language server's RSS grew by ~40 MB).
 */
export function parseFile(text: string, opts: { uri?: string; version?: number } = {}): ParsedFile {
  return drain(parseFileSteps(text, opts));
}

/** The cached parse of this version, if there is one (no parsing). */
export function cachedParse(text: string, uri: string, version: number): ParsedFile | undefined {
  const hit = cache.get(uri);
  return hit && hit.file.version === version && hit.source === text ? hit.file : undefined;
}

/** parseFile as a generator yielding between the documents it parses (see parseTextSteps). */
export function* parseFileSteps(text: string, opts: { uri?: string; version?: number } = {}): Generator<void, ParsedFile> {
  const { uri, version } = opts;
  if (uri === undefined || version === undefined) return yield* parseTextSteps(text, uri, version);
  const hit = cache.get(uri);
  if (hit && hit.file.version === version && hit.source === text) {
    cache.delete(uri);
    cache.set(uri, hit);
    return hit.file;
  }
  const edited = hit !== undefined && (hit.edited || hit.file.version !== version);
  // Drop the trees of other documents that were only opened, before this parse allocates a new one.
  for (const [u, e] of cache) if (!e.edited && u !== uri) cache.delete(u);
  const chunks: ChunkCache = new Map();
  const file = yield* parseTextSteps(text, uri, version, { prev: hit?.chunks, next: chunks });
  // Another step generator may have parsed a newer version meanwhile: the newest version wins.
  const now = cache.get(uri);
  if (now && now !== hit && now.file.version !== undefined && now.file.version > version) return file;
  cache.delete(uri);
  cache.set(uri, { source: text, file, edited, chunks });
  while (cache.size > EDITED_LIMIT + 1) cache.delete(cache.keys().next().value as string);
  // A byte budget too: the trees of a few big files would take gigabytes (a tree is ~100 times its text).
  let bytes = 0;
  for (const e of cache.values()) bytes += e.source.length;
  for (const [u, e] of cache) {
    if (bytes <= CACHE_TEXT_BYTES || u === uri) continue;
    cache.delete(u);
    bytes -= e.source.length;
  }
  return file;
}

/** Drops a file from the cache (document closed). */
export function forgetFile(uri: string): void {
  cache.delete(uri);
}

/** The document that contains the offset (the last one starting at or before it). */
export function documentAt(file: ParsedFile, offset: number): FluxDocument | undefined {
  let found: FluxDocument | undefined;
  for (const d of file.documents) {
    if (d.startOffset <= offset) found = d;
    else break;
  }
  return found;
}
