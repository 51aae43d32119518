/**
 * Incremental parsing of an edited file: the file is cut at its `---` document markers and each document's text
 * is parsed on its own; a document whose text did not change since the previous version reuses that version's
 * parse (its YAML tree shifted to its new offset), so a one-character edit re-parses one document, not the file.
 *
 * The YAML spec makes a `---` at the start of a line a document marker wherever it appears (it ends block and
 * quoted scalars too), so cutting there gives the documents the parser finds in the whole text. The files where
 * that does not hold (a `...` end marker followed by more text, `%` directives after the first document, a
 * piece that parses to more than one document) are parsed whole instead.
 */
import { isAlias, isMap, isPair, isScalar, isSeq, type Document } from 'yaml';
import type { LineIndex } from './line-index';
import { fastParseDocument, fastProblems } from './fast-parse';
import { buildDocument, documentProblems, oversizedDocument, type DocMemo, type FluxDocument, type YamlProblem } from './parse';

/** One document's parse, kept for the next version of the same file. */
export interface ChunkEntry {
  /**
   * The parse; its node offsets are those of the file at `base`. Undefined for a document too large to parse
   * (see MAX_DOCUMENT_TOKENS): it is read from its lines each time.
   */
  doc: Document.Parsed | undefined;
  /** YAML problems (parser errors, duplicate keys) at `base`. */
  errors: YamlProblem[];
  /** Offset of the document's text in the file it was last used in. */
  base: number;
  /** Memoized value and diagnostics of the document (shared by the versions that reuse the parse). */
  memo: DocMemo;
}

/** The parses of one file's documents, by document text (a list: two documents may have the same text). */
export type ChunkCache = Map<string, ChunkEntry[]>;

export { PARSE_OPTIONS } from './options';
import { parseYamlDocumentsSteps } from './yaml-steps';

// (A byte order mark may come before the first line's directive.)
const END_MARKER_OR_DIRECTIVE = /^\uFEFF?(?:\.\.\.(?:[ \t\r\n]|$)|%)/m;

/**
 * The offsets where the file's documents start, from the `---` markers found by measureStructure; undefined when
 * the file must be parsed whole (see above).
 */
export function documentStarts(text: string, boundaries: ReadonlyArray<{ offset: number; linesBefore: number }>): number[] | undefined {
  // A byte order mark makes its line count as structure: the cut would not match yaml's documents.
  if (text.charCodeAt(0) === 0xfeff || END_MARKER_OR_DIRECTIVE.test(text)) return undefined;
  const starts = boundaries.map((b) => b.offset);
  // Comments and blank lines before the first marker belong to the first document.
  if (starts.length === 0 || boundaries[0]!.linesBefore === 0) starts[0] = 0;
  else starts.unshift(0);
  return starts;
}

/** Moves every offset of a parsed document by `delta` (new range arrays: never shared with another tree). */
export function shiftTree(doc: Document.Parsed, delta: number): void {
  if (delta === 0) return;
  const r = doc.range;
  doc.range = [r[0] + delta, r[1] + delta, r[2] + delta];
  const stack: unknown[] = [doc.contents];
  while (stack.length > 0) {
    const n = stack.pop();
    if (isPair(n)) {
      stack.push(n.key, n.value);
      continue;
    }
    if (!isScalar(n) && !isMap(n) && !isSeq(n) && !isAlias(n)) continue;
    const nr = n.range;
    if (nr) n.range = [nr[0] + delta, nr[1] + delta, nr[2] + delta];
    if (isMap(n) || isSeq(n)) for (const it of n.items as unknown[]) stack.push(it);
  }
  for (const e of doc.errors) e.pos = [e.pos[0] + delta, e.pos[1] + delta];
}

function shiftProblems(errors: YamlProblem[], delta: number): YamlProblem[] {
  return delta === 0 ? errors : errors.map((e) => ({ ...e, start: e.start + delta, end: e.end + delta }));
}

/**
 * The document of text[start, end) (`source`: that text), parsed on its own with the offsets of `text`: by the
 * fast path when it is in its subset (fast-parse.ts), else by `yaml`. Undefined when the piece does not parse to
 * exactly one document. `doc` is undefined for a document too large to parse (see MAX_DOCUMENT_TOKENS).
 * A generator: yaml's parse yields between slices of the text (see parseYamlDocumentsSteps).
 */
export function* parsePiece(
  text: string, start: number, end: number, source: string,
): Generator<void, { doc: Document.Parsed | undefined; errors: YamlProblem[] } | undefined> {
  const fast = fastParseDocument(text, start, end, source);
  if (fast) return { doc: fast, errors: fastProblems(fast)! };
  const { docs, oversized } = yield* parseYamlDocumentsSteps(source);
  if (oversized) return docs.length === 0 ? { doc: undefined, errors: [] } : undefined;
  if (docs.length !== 1) return undefined;
  const doc = docs[0]!;
  shiftTree(doc, start);
  const errors = documentProblems(doc, source.includes('&'));
  if (end < text.length) {
    // A problem at the very end of a piece (an unclosed quote before the next `---`): where the whole-file
    // parse puts it, on the piece's last character, not on the next document's marker.
    for (const e of errors) {
      if (e.start >= end) { e.start = Math.max(start, end - 1); e.end = e.start + 1; }
    }
  }
  return { doc, errors };
}

/**
 * The documents of `text`, cut at `starts`, reusing the parses in `prev` and recording every parse in `next`.
 * A generator: it yields after each document it had to parse, so a caller can spread the work over several
 * turns of the event loop (see server/src/lsp/scheduler.ts). Returns undefined when a piece does not parse to
 * exactly one document (the caller then parses the file whole).
 */
export function* parseChunks(
  text: string, starts: readonly number[], lineIndex: LineIndex, prev: ChunkCache | undefined, next: ChunkCache,
): Generator<void, FluxDocument[] | undefined> {
  const documents: FluxDocument[] = [];
  for (let i = 0; i < starts.length; i++) {
    const start = starts[i]!;
    const end = i + 1 < starts.length ? starts[i + 1]! : text.length;
    const source = text.slice(start, end);
    let entry = prev?.get(source)?.pop();
    if (entry) {
      const delta = start - entry.base;
      if (entry.doc) shiftTree(entry.doc, delta);
      entry = { doc: entry.doc, errors: shiftProblems(entry.errors, delta), base: start, memo: entry.memo };
    } else {
      const piece = yield* parsePiece(text, start, end, source);
      if (!piece) return undefined;
      const { doc, errors } = piece;
      entry = { doc, errors, base: start, memo: {} };
      yield;
    }
    const list = next.get(source);
    if (list) list.push(entry);
    else next.set(source, [entry]);
    documents.push(entry.doc ? buildDocument(entry.doc, i, lineIndex, entry.errors, entry.memo) : oversizedDocument(text, i, start, end, lineIndex));
  }
  return documents;
}
