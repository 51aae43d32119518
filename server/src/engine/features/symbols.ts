/**
 * Document symbols (the outline): one symbol per Flux object, named `Kind namespace/name`
 * (`Kind name` without a namespace), with its sections as children (metadata, spec → interval, chart → spec →
 * sourceRef, values → ...), so a 300-line HelmRelease is navigable. Non-Flux documents get none.
 */
import { isMap, isScalar, isSeq, type Node, type Pair } from 'yaml';
import type { FluxDocument, ParsedFile } from '../document/parse';
import { findPath, kindOrStartRange, nodeRange } from '../document/nodes';
import type { Range } from '../types';

export interface DocSymbol {
  name: string;
  detail?: string;
  /** `object` for a Flux object; a field's shape otherwise. */
  kind: 'object' | 'map' | 'list' | 'scalar';
  range: Range;
  selectionRange: Range;
  children?: DocSymbol[];
}

/** Levels of fields below an object in the outline (spec.chart.spec.sourceRef is 4), and fields per object. */
export const OUTLINE_DEPTH = 5;
export const OUTLINE_MAX_FIELDS = 2000;
/**
 * Fields in the whole outline. Every object is listed; past this many fields in the file, the next objects come
 * without their sections. A file of thousands of objects otherwise made an outline of hundreds of thousands of
 * symbols (seconds to build and to send, megabytes of JSON); real files stay far below (a 300-line HelmRelease
 * has ~150 fields, a file of thirty of them ~4,500). At 20,000 fields the outline was ~4 MB of JSON, 90-140 ms to
 * build and send after the parse (fuzzer, many-documents inputs).
 */
export const OUTLINE_MAX_TOTAL_FIELDS = 5000;

/** A field's value as an outline detail: at most 60 characters. */
export const detail = (v: string): string => (v.length > 60 ? `${v.slice(0, 57)}...` : v);

function scalarText(n: unknown): string | undefined {
  return isScalar(n) && n.value !== null && n.value !== undefined && typeof n.value !== 'object' ? String(n.value) : undefined;
}

/** The fields of a map (or the items of a list) as outline symbols, down to OUTLINE_DEPTH. */
function fieldSymbols(file: ParsedFile, node: Node | null | undefined, depth: number, budget: { left: number }): DocSymbol[] | undefined {
  if (depth > OUTLINE_DEPTH || !node) return undefined;
  const out: DocSymbol[] = [];
  const add = (name: string, key: Node | null, value: Node | null, start: number): void => {
    if (budget.left-- <= 0) return;
    let end = value?.range?.[1] ?? key?.range?.[1] ?? start;
    while (end > start && /\s/.test(file.text[end - 1]!)) end--; // a block map's range takes its last newline
    const range = file.lineIndex.range(start, Math.max(start, end));
    const sel = key?.range ? file.lineIndex.range(key.range[0], key.range[1]) : file.lineIndex.range(start, start);
    const kind = isMap(value) ? 'map' : isSeq(value) ? 'list' : 'scalar';
    const sym: DocSymbol = { name, kind, range, selectionRange: contains(range, sel) ? sel : { start: range.start, end: range.start } };
    const v = scalarText(value);
    if (v !== undefined) sym.detail = detail(v);
    const children = kind === 'scalar' ? undefined : fieldSymbols(file, value, depth + 1, budget);
    if (children && children.length > 0) sym.children = children;
    out.push(sym);
  };
  if (isMap(node)) {
    for (const p of node.items as Pair[]) {
      const key = p.key as Node | null;
      const name = scalarText(key);
      if (name === undefined || !key?.range) continue;
      add(name, key, p.value as Node | null, key.range[0]);
    }
  } else if (isSeq(node)) {
    node.items.forEach((item, i) => {
      const it = item as Node | null;
      if (!it?.range) return;
      // A list item is named by its `name` (dependsOn, sourceRef lists), else by its index.
      const named = isMap(it) ? scalarText(it.get('name', true)) ?? scalarText(it.get('kind', true)) : undefined;
      add(named !== undefined ? `[${i}] ${named}` : `[${i}]`, null, it, it.range[0]);
    });
  }
  return out;
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

/** A document's object label on one line (names written as block scalars may hold line breaks). */
function outlineLabel(doc: FluxDocument): string {
  return objectLabel(oneLine(doc.kind ?? ''), doc.name === undefined ? undefined : oneLine(doc.name), doc.namespace === undefined ? undefined : oneLine(doc.namespace));
}

/** The object symbol of a partial document (see parse.ts, partialDocument): from its first field to its end. */
function partialSymbol(file: ParsedFile, doc: FluxDocument): DocSymbol | undefined {
  const r = doc.textRanges ?? {};
  if (!doc.isFlux || !doc.kind?.trim()) return undefined;
  const first = Math.min(r.apiVersionKey?.[0] ?? doc.endOffset, r.kindKey?.[0] ?? doc.endOffset);
  const range = file.lineIndex.range(first, doc.endOffset);
  const at = r.name ?? r.kindKey;
  const sel = at ? file.lineIndex.range(at[0], at[1]) : { start: range.start, end: range.start };
  return {
    name: outlineLabel(doc),
    detail: doc.apiVersion, kind: 'object', range, selectionRange: contains(range, sel) ? sel : { start: range.start, end: range.start },
  };
}

export function documentSymbols(file: ParsedFile): DocSymbol[] {
  const out: DocSymbol[] = [];
  const total = { left: OUTLINE_MAX_TOTAL_FIELDS };
  for (const doc of file.documents) {
    if (doc.partial) {
      // Read from its lines (past a huge file's limit, or while the parse runs): the object, without sections.
      const sym = partialSymbol(file, doc);
      if (sym) out.push(sym);
      continue;
    }
    // (A kind written as a block scalar, `kind: |+`, may be only whitespace: an outline name must not be.)
    if (!doc.isFlux || !doc.kind?.trim() || !isMap(doc.yaml.contents as Node | null)) continue;
    const contentStart = (doc.yaml.contents as Node).range?.[0] ?? doc.startOffset;
    // The symbol covers the object's content (from its first key to the end of the document).
    const range = file.lineIndex.range(Math.min(contentStart, doc.endOffset), doc.endOffset);
    let selectionRange = metadataNameRange(file, doc) ?? kindOrStartRange(file, doc);
    if (!contains(range, selectionRange)) selectionRange = { start: range.start, end: range.start };
    const budget = { left: Math.min(OUTLINE_MAX_FIELDS, total.left) };
    const sections = budget.left > 0 ? fieldSymbols(file, doc.yaml.contents as Node, 1, budget)
      ?.filter((c) => c.name !== 'apiVersion' && c.name !== 'kind') : undefined;
    total.left -= Math.min(OUTLINE_MAX_FIELDS, total.left) - Math.max(0, budget.left);
    const sym: DocSymbol = { name: outlineLabel(doc), detail: doc.apiVersion, kind: 'object', range, selectionRange };
    if (sections && sections.length > 0) sym.children = sections;
    out.push(sym);
  }
  return out;
}
