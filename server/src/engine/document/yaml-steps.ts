/** yaml's parse in steps (a leaf module beside options.ts: the parsers import it at load). */
import { Composer, Lexer, Parser, type Document } from 'yaml';
import { PARSE_OPTIONS } from './options';

/**
 * Lexical tokens the parser takes between two yields of parseYamlDocumentsSteps. yaml lexes, parses and composes
 * a broken file at ~1-2 MB/s, ~7 characters a token: 4,096 tokens are ~15 ms of work.
 */
export const YAML_SLICE_TOKENS = 4096;

/**
 * Lexical tokens a document may have for yaml to parse and compose it. The parse runs in slices, but two parts of
 * a document are single synchronous pieces: yaml's Composer builds a document when the parser completes it
 * (0.2-0.5 µs a token on this machine, more under load), and the parser fixes up each flow sequence's items when it
 * closes. A 150,000-item flow sequence (600,000 tokens) took 320-350 ms in the language server in one piece, 80 ms
 * of it the parser's; a broken document composes at ~0.6 µs a token. At 60,000 tokens (about 8,500 lines of block
 * YAML, which has ~7 tokens a line in the corpus, or 15,000 flow items) both stay under ~40 ms. The parse stops at
 * a document past the limit (see parseYamlDocumentsSteps); the callers read it from its lines (parse.ts). The
 * documents the fast path takes (fast-parse.ts: plain block YAML, nearly every real manifest) never come here;
 * what does is a document with a YAML error, flow collections, anchors or tags.
 */
export const MAX_DOCUMENT_TOKENS = 60_000;

/** A document past MAX_DOCUMENT_TOKENS: neither parsed to its end nor composed. */
export interface OversizedDocument {
  /** Its offset in the source: where its first token (its `---` marker, or a comment before it) starts. */
  start: number;
}

export interface YamlDocuments {
  docs: Document.Parsed[];
  /**
   * Set when the parse stopped at a document past the limit: `docs` are the documents before it; neither it nor the
   * text after it was parsed (the caller finds its end and parses the rest, see parse.ts).
   */
  oversized?: OversizedDocument;
}

export interface YamlStepsOptions {
  sliceTokens?: number;
  maxDocumentTokens?: number;
}

/**
 * What `yaml`'s parseAllDocuments(source, PARSE_OPTIONS) returns (an empty array for an empty stream), in steps,
 * up to the first document past `maxDocumentTokens` (see MAX_DOCUMENT_TOKENS).
 * It is yaml's own pipeline, driven by hand the way its Parser documents for a user-provided lexer: the lexer
 * reads the whole text (it is a generator, pulled a token at a time), the parser takes each token, and the
 * composer builds each document as the parser completes it; every `sliceTokens` tokens, this yields. A 200 KB
 * single-document file took ~110 ms in one synchronous piece, holding up every request meanwhile (completion
 * on any file); now the longest pieces are the composition of a document and the parser's fix-up of a flow
 * sequence, both bounded by the document's tokens.
 * (yaml's streaming input, `parse(chunk, incomplete)`, is not the same parse: a flow collection cut at a line
 * break loses the next line's indentation, so an unclosed `{` ended elsewhere.)
 *
 * A document's tokens are counted from the parser's previous top-level token (the previous document, a comment
 * between documents) on, so the same document parsed on its own (chunks.ts) or inside its file counts the same
 * tokens but for the comments and marker lines before it: the two parses can disagree only on a document that
 * close to the limit.
 *
 * Without a stack trace per problem: each YAMLError is an Error, and capturing its stack was over a quarter of
 * the parse of a broken file (12,000 problems in a 134 KB file, found by the fuzzer). Problems are reported by
 * their offsets; the stacks were never read. The limit is restored before each yield, as other code runs there.
 */
export function* parseYamlDocumentsSteps(source: string, opts: YamlStepsOptions = {}): Generator<void, YamlDocuments> {
  const sliceTokens = opts.sliceTokens ?? YAML_SLICE_TOKENS;
  const maxTokens = opts.maxDocumentTokens ?? MAX_DOCUMENT_TOKENS;
  const lexemes = new Lexer().lex(source);
  const parser = new Parser();
  const composer = new Composer(PARSE_OPTIONS);
  const docs: Document.Parsed[] = [];
  let tokens = 0;
  let start = 0;
  for (;;) {
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    try {
      for (let n = 0; n < sliceTokens; n++) {
        const lexeme = lexemes.next();
        if (lexeme.done) {
          for (const token of parser.end()) for (const doc of composer.next(token)) docs.push(doc as Document.Parsed);
          for (const doc of composer.end()) docs.push(doc as Document.Parsed);
          return { docs };
        }
        const at = parser.offset;
        for (const token of parser.next(lexeme.value)) {
          for (const doc of composer.next(token)) docs.push(doc as Document.Parsed);
          // What came before is complete: the next top-level token starts with this one.
          start = at;
          tokens = 0;
        }
        if (++tokens > maxTokens) {
          for (const doc of composer.end()) docs.push(doc as Document.Parsed);
          return { docs, oversized: { start } };
        }
      }
    } finally {
      Error.stackTraceLimit = limit;
    }
    yield;
  }
}

/** Runs a step generator (parseTextSteps, analyzeSteps) to its end. */
export function drain<T>(steps: Generator<void, T>): T {
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
  }
}
