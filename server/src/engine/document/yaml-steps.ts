/** yaml's parse in steps (a leaf module beside options.ts: the parsers import it at load). */
import { Composer, Lexer, Parser, type Document } from 'yaml';
import { PARSE_OPTIONS } from './options';

/**
 * Lexical tokens the parser takes between two yields of parseYamlDocumentsSteps. yaml lexes, parses and composes
 * a broken file at ~1-2 MB/s, ~7 characters a token: 4,096 tokens are ~15 ms of work.
 */
export const YAML_SLICE_TOKENS = 4096;

/**
 * What `yaml`'s parseAllDocuments(source, PARSE_OPTIONS) returns (an empty array for an empty stream), in steps.
 * It is yaml's own pipeline, driven by hand the way its Parser documents for a user-provided lexer: the lexer
 * reads the whole text (it is a generator, pulled a token at a time), the parser takes each token, and the
 * composer builds each document as the parser completes it; every `sliceTokens` tokens, this yields. A 200 KB
 * single-document file took ~110 ms in one synchronous piece, holding up every request meanwhile (completion
 * on any file); now the longest piece is the composition of the largest document (~40 % of its parse).
 * (yaml's streaming input, `parse(chunk, incomplete)`, is not the same parse: a flow collection cut at a line
 * break loses the next line's indentation, so an unclosed `{` ended elsewhere.)
 *
 * Without a stack trace per problem: each YAMLError is an Error, and capturing its stack was over a quarter of
 * the parse of a broken file (12,000 problems in a 134 KB file, found by the fuzzer). Problems are reported by
 * their offsets; the stacks were never read. The limit is restored before each yield, as other code runs there.
 */
export function* parseYamlDocumentsSteps(source: string, sliceTokens = YAML_SLICE_TOKENS): Generator<void, Document.Parsed[]> {
  const lexemes = new Lexer().lex(source);
  const parser = new Parser();
  const composer = new Composer(PARSE_OPTIONS);
  const docs: Document.Parsed[] = [];
  for (;;) {
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    try {
      for (let n = 0; n < sliceTokens; n++) {
        const lexeme = lexemes.next();
        if (lexeme.done) {
          for (const token of parser.end()) for (const doc of composer.next(token)) docs.push(doc as Document.Parsed);
          for (const doc of composer.end()) docs.push(doc as Document.Parsed);
          return docs;
        }
        for (const token of parser.next(lexeme.value)) for (const doc of composer.next(token)) docs.push(doc as Document.Parsed);
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
