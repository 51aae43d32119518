/**
 * The shared context of the analysis rules. Each rule is a function `(ctx) => FluxDiagnostic[]` over one
 * document of a parsed file; the context carries the file, the document, the schema registry, the target
 * Flux version and helpers for messages and ranges.
 */
import { findPath, rangeOfPath, kindOrStartRange, type FluxDocument, type ParsedFile, type Path } from '../document';
import type { SchemaRegistry } from '../schema/registry';
import type { SchemaNode } from '../schema/types';
import type { FluxDiagnostic, Range, Severity } from '../types';

export interface RuleContext {
  file: ParsedFile;
  doc: FluxDocument;
  registry: SchemaRegistry;
  /** The Flux minor release the workspace targets, e.g. `2.8`. */
  targetFluxVersion: string;
  /** The schema of the document's kind and version, when the registry has one. */
  schema: SchemaNode | undefined;
  /** "Kind ns/name: " (or "Kind name: " without a namespace, "Kind: " without a name). */
  prefix: string;
  /** The document's plain value (memoized by the document model). */
  value(): unknown;
  /** The range of a path's key or value (falls back to the nearest existing ancestor, then `kind`). */
  rangeOf(path: Path, part: 'key' | 'value'): Range;
  /**
   * The document is a kustomize patch (a partial object): missing required fields are not reported. Known, not
   * guessed: only the fleet model knows which documents a kustomize file or a Flux Kustomization lists as
   * patches, and it drops their flux/missing-required (workspace/analysis.ts); a file analysed alone is whole.
   */
  isPatch(): boolean;
  /** Builds a diagnostic; the message gets the object prefix. */
  diag(code: string, severity: Severity, range: Range, message: string, data?: FluxDiagnostic['data']): FluxDiagnostic;
}

export type Rule = (ctx: RuleContext) => FluxDiagnostic[];

/** "Kind ns/name: ", "Kind name: " when there is no namespace, "Kind: " when there is no name. */
export function objectPrefix(doc: Pick<FluxDocument, 'kind' | 'name' | 'namespace'>): string {
  const kind = doc.kind ?? 'Object';
  if (doc.name === undefined || doc.name === '') return `${kind}: `;
  return doc.namespace ? `${kind} ${doc.namespace}/${doc.name}: ` : `${kind} ${doc.name}: `;
}

export function createContext(file: ParsedFile, doc: FluxDocument, registry: SchemaRegistry, targetFluxVersion: string): RuleContext {
  return new DocumentContext(file, doc, registry, targetFluxVersion);
}

/**
 * The RuleContext of one document: a class rather than an object of closures, one per document analysed (its
 * methods are shared, nothing is allocated for them per document).
 */
class DocumentContext implements RuleContext {
  readonly schema: SchemaNode | undefined;
  readonly prefix: string;

  constructor(readonly file: ParsedFile, readonly doc: FluxDocument, readonly registry: SchemaRegistry, readonly targetFluxVersion: string) {
    this.schema = doc.isFlux && doc.group !== undefined && doc.version !== undefined && doc.kind !== undefined
      ? registry.get(doc.group, doc.version, doc.kind)
      : undefined;
    this.prefix = objectPrefix(doc);
  }

  isPatch(): boolean {
    return false;
  }

  value(): unknown {
    return this.doc.value();
  }

  rangeOf(path: Path, part: 'key' | 'value'): Range {
    const { file, doc } = this;
    return doc.textRanges !== undefined ? partialRange(file, doc, path, part)
      : path.length === 0 ? kindOrStartRange(file, doc) : rangeOfPath(file, doc, path, part);
  }

  diag(code: string, severity: Severity, range: Range, message: string, data?: FluxDiagnostic['data']): FluxDiagnostic {
    const d: FluxDiagnostic = { range, severity, code, message: `${this.prefix}${message}` };
    if (data !== undefined) d.data = data;
    return d;
  }
}

/** A range in a partial document (read from its lines): the field's own range when it was read, else the kind's, else the start. */
function partialRange(file: ParsedFile, doc: FluxDocument, path: Path, part: 'key' | 'value'): Range {
  const r = doc.textRanges ?? {};
  const key = path.join('.');
  const hit = key === 'apiVersion' ? (part === 'key' ? r.apiVersionKey : r.apiVersion ?? r.apiVersionKey)
    : key === 'metadata.name' && part === 'value' ? r.name
      : r.kind ?? r.kindKey;
  const [start, end] = hit ?? [doc.startOffset, doc.startOffset];
  return file.lineIndex.range(start, end);
}

// ---------------------------------------------------------------------------------------------------------
// Plain-value helpers
// ---------------------------------------------------------------------------------------------------------

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Uint8Array);
}

/** The plain value at a path, or undefined. */
export function valueAt(root: unknown, path: Path): unknown {
  let v: unknown = root;
  for (const seg of path) {
    if (typeof seg === 'number') {
      if (!Array.isArray(v)) return undefined;
      v = v[seg];
    } else {
      if (!isRecord(v) || !Object.hasOwn(v, seg)) return undefined;
      v = v[seg];
    }
  }
  return v;
}

/** A value that post-build substitution or SOPS will replace: it cannot be judged (FLUX-FACTS §9, §6). */
export function isOpaqueString(v: unknown): boolean {
  return typeof v === 'string' && (v.includes('${') || /^ENC\[.*\]$/s.test(v));
}

/** Whether the path exists as written in the document (not only through an alias or merge key). */
export function existsInAst(doc: FluxDocument, path: Path): boolean {
  return findPath(doc, path).depth === path.length;
}
