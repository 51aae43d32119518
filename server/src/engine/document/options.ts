/** The options every YAML parse of the document model uses (a leaf module: the parsers import it at load). */
export const PARSE_OPTIONS = { merge: true, uniqueKeys: false, prettyErrors: false, logLevel: 'silent', strict: false } as const;
