import { parseAllDocuments, type Document } from 'yaml';

/** The options every YAML parse of the document model uses (a leaf module: the parsers import it at load). */
export const PARSE_OPTIONS = { merge: true, uniqueKeys: false, prettyErrors: false, logLevel: 'silent', strict: false } as const;

/**
 * `yaml`'s parseAllDocuments with PARSE_OPTIONS, without a stack trace per problem: each YAMLError is an Error,
 * and capturing its stack was over a quarter of the parse of a broken file (12,000 problems in a 134 KB file, found
 * by the fuzzer). Problems are reported by their offsets; the stacks were never read.
 */
export function parseYamlDocuments(source: string): Document.Parsed[] {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    const parsed = parseAllDocuments(source, PARSE_OPTIONS);
    return Array.isArray(parsed) ? parsed : [parsed as unknown as Document.Parsed];
  } finally {
    Error.stackTraceLimit = limit;
  }
}
