/**
 * Document symbols (the outline): one symbol per Flux object, named `Kind namespace/name`
 * (`Kind name` without a namespace). Non-Flux documents get none.
 */
import { isMap, type Node } from 'yaml';
import type { FluxDocument, ParsedFile } from '../document/parse';
import { findPath, kindOrStartRange, nodeRange } from '../document/nodes';
import type { Range } from '../types';

export interface DocSymbol {
  name: string;
  detail?: string;
  range: Range;
  selectionRange: Range;
}

/** A value as one line of text (block scalars may hold line breaks). */
const oneLine = (s: string): string => s.replace(/\s+/g, ' ').trim();

/** `Kind namespace/name`, `Kind name`, or `Kind` when the object has no name yet. */
export function objectLabel(kind: string, name: string | undefined, namespace: string | undefined): string {
  if (name === undefined || name === '') return kind;
  return namespace ? `${kind} ${namespace}/${name}` : `${kind} ${name}`;
}

/** The range of `metadata.name`'s value, when the document has one. */
export function metadataNameRange(file: ParsedFile, doc: FluxDocument): Range | undefined {
  const hit = findPath(doc, ['metadata', 'name']);
  if (hit.depth !== 2 || !hit.node) return undefined;
  return nodeRange(file, hit.node);
}

function contains(outer: Range, inner: Range): boolean {
  const before = (a: Range['start'], b: Range['start']): boolean => a.line < b.line || (a.line === b.line && a.character <= b.character);
  return before(outer.start, inner.start) && before(inner.end, outer.end);
}

export function documentSymbols(file: ParsedFile): DocSymbol[] {
  const out: DocSymbol[] = [];
  for (const doc of file.documents) {
    // (A kind written as a block scalar, `kind: |+`, may be only whitespace: an outline name must not be.)
    if (!doc.isFlux || !doc.kind?.trim() || !isMap(doc.yaml.contents as Node | null)) continue;
    const contentStart = (doc.yaml.contents as Node).range?.[0] ?? doc.startOffset;
    // The symbol covers the object's content (from its first key to the end of the document).
    const range = file.lineIndex.range(Math.min(contentStart, doc.endOffset), doc.endOffset);
    let selectionRange = metadataNameRange(file, doc) ?? kindOrStartRange(file, doc);
    if (!contains(range, selectionRange)) selectionRange = { start: range.start, end: range.start };
    out.push({
      name: objectLabel(oneLine(doc.kind), doc.name === undefined ? undefined : oneLine(doc.name), doc.namespace === undefined ? undefined : oneLine(doc.namespace)),
      detail: doc.apiVersion,
      range,
      selectionRange,
    });
  }
  return out;
}
