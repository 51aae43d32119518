/** yaml's parse in steps (a leaf module beside options.ts: the parsers import it at load). */
import { Composer, Lexer, Parser, type Document } from 'yaml';
import { PARSE_OPTIONS } from './options';

/**
 * Lexical tokens the parser takes between two yields of parseYamlDocumentsSteps. yaml lexes, parses and composes
 * a broken file at ~1-2 MB/s, ~7 characters a token: 4,096 tokens are ~15 ms of work.
 */
export const YAML_SLICE_TOKENS = 4096;

/**
 * Lexical tokens a document may have for yaml to compose it. The parse runs in slices, but yaml's Composer builds
 * a document in one synchronous piece when the parser completes it: measured at 0.2-0.5 µs a token on this machine
 * (more under load: a 150,000-item flow sequence, 600,000 tokens, took 320-350 ms in the language server). At
 * 100,000 tokens (about 16,000 lines of block YAML, or 50,000 flow items) a composition stays near 50 ms. A larger
 * document is not composed: it is returned empty and listed in `oversized` (the callers read it from its lines,
 * see parse.ts). The documents the fast path takes (fast-parse.ts: plain block YAML, nearly every real manifest)
 * never come here; what does is a document with a YAML error, flow collections, anchors or tags.
 */
export const MAX_DOCUMENT_TOKENS = 100_000;

/** A document larger than MAX_DOCUMENT_TOKENS: not composed. Offsets in the source. */
export interface OversizedDocument {
  start: number;
  /** Where the next top-level token starts (the next document, a `...` marker), or the source's end. */
  end: number;
  /** Lexical tokens the parser took for the document. */
  tokens: number;
}

export interface YamlDocuments {
  docs: Document.Parsed[];
  /** The documents of `docs` (by index) left empty because they were too large to compose. */
  oversized: Map<number, OversizedDocument>;
}

export interface YamlStepsOptions {
  sliceTokens?: number;
  maxDocumentTokens?: number;
}

type CstToken = ReturnType<Parser['next']> extends Generator<infer T> ? T : never;

/**
 * What `yaml`'s parseAllDocuments(source, PARSE_OPTIONS) returns (an empty array for an empty stream), in steps,
 * except for the documents past `maxDocumentTokens` (see MAX_DOCUMENT_TOKENS).
 * It is yaml's own pipeline, driven by hand the way its Parser documents for a user-provided lexer: the lexer
 * reads the whole text (it is a generator, pulled a token at a time), the parser takes each token, and the
 * composer builds each document as the parser completes it; every `sliceTokens` tokens, this yields. A 200 KB
 * single-document file took ~110 ms in one synchronous piece, holding up every request meanwhile (completion
 * on any file); now the longest piece is the composition of the largest document (~40 % of its parse).
 * (yaml's streaming input, `parse(chunk, incomplete)`, is not the same parse: a flow collection cut at a line
 * break loses the next line's indentation, so an unclosed `{` ended elsewhere.)
 *
 * A document's tokens are counted from the parser's previous top-level token to its own, so a document parsed on
 * its own (chunks.ts) counts one or two tokens more than inside its file (the next document's marker): the two
 * parses can disagree only on a document within two tokens of the limit.
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
  const oversized = new Map<number, OversizedDocument>();
  let lexed = 0;
  let lexedBefore = 0;
  let documentTokens = 0;
  let open: OversizedDocument | undefined;
  const compose = (token: CstToken): void => {
    if (open) {
      open.end = token.offset;
      open = undefined;
    }
    if (token.type === 'document') {
      const tokens = lexed - lexedBefore;
      if (tokens > maxTokens) {
        open = { start: token.offset, end: source.length, tokens };
        oversized.set(documentTokens, open);
        // The document's marker and properties stay (the composer checks them against the directives); its
        // content and trailing comments go.
        token = { ...token, value: undefined, end: [] };
      }
      documentTokens++;
    }
    lexedBefore = lexed;
    for (const doc of composer.next(token)) docs.push(doc as Document.Parsed);
  };
  for (;;) {
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    try {
      for (let n = 0; n < sliceTokens; n++) {
        const lexeme = lexemes.next();
        if (lexeme.done) {
          for (const token of parser.end()) compose(token);
          for (const doc of composer.end()) docs.push(doc as Document.Parsed);
          return { docs, oversized };
        }
        lexed++;
        for (const token of parser.next(lexeme.value)) compose(token);
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
