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
  /** The last symbol of an outline cut at OUTLINE_MAX_SYMBOLS objects: it stands for the objects not listed. */
  more?: true;
}

/** Levels of fields below an object in the outline (spec.chart.spec.sourceRef is 4), and fields per object. */
export const OUTLINE_DEPTH = 5;
export const OUTLINE_MAX_FIELDS = 2000;
/**
 * Symbols in the whole outline, objects and fields. Objects come first: past this many fields and objects in the
 * file, the next objects come without their sections, and past this many objects, one last symbol says how many
 * more there are (it selects the first of them). A file of thousands of objects otherwise made an outline of
 * hundreds of thousands of symbols (seconds to build and to send, megabytes of JSON); real files stay far below
 * (a 300-line HelmRelease has ~150 fields, a file of thirty of them ~4,500). Each symbol is ~250 bytes of JSON:
 * at 20,000 fields the outline was ~4 MB, 90-140 ms to build and send after the parse, and a file of 3,664
 * objects still made 1.9 MB with only fields budgeted (fuzzer, many-documents inputs).
 */
export const OUTLINE_MAX_SYMBOLS = 5000;

/** The fields the outline of a file may list besides its top-level symbols (objects and the `more` one). */
export function outlineFieldBudget(topLevel: number): number {
  return Math.max(0, OUTLINE_MAX_SYMBOLS - topLevel);
}

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
  // The objects first (cheap), so that the fields get what the objects leave of the budget.
  const objects: Array<{ doc: FluxDocument; sym: DocSymbol }> = [];
  for (const doc of file.documents) {
    const sym = doc.partial ? partialSymbol(file, doc) : objectSymbol(file, doc);
    if (sym) objects.push({ doc, sym });
  }
  const listed = objects.length > OUTLINE_MAX_SYMBOLS ? objects.slice(0, OUTLINE_MAX_SYMBOLS - 1) : objects;
  const out = listed.map((o) => o.sym);
  const total = { left: outlineFieldBudget(listed.length + (listed.length < objects.length ? 1 : 0)) };
  for (const { doc, sym } of listed) {
    // A partial document (past a huge file's limit, or read from its lines while the parse runs) has no sections.
    if (doc.partial || total.left <= 0) continue;
    const budget = { left: Math.min(OUTLINE_MAX_FIELDS, total.left) };
    const sections = fieldSymbols(file, doc.yaml.contents as Node, 1, budget)?.filter((c) => c.name !== 'apiVersion' && c.name !== 'kind');
    total.left -= Math.min(OUTLINE_MAX_FIELDS, total.left) - Math.max(0, budget.left);
    if (sections && sections.length > 0) sym.children = sections;
  }
  if (listed.length < objects.length) {
    const first = objects[listed.length]!.sym;
    const last = objects[objects.length - 1]!.sym;
    const n = objects.length - listed.length;
    out.push({
      name: `${n.toLocaleString('en-US')} more objects, not listed (the outline lists ${OUTLINE_MAX_SYMBOLS.toLocaleString('en-US')} symbols)`,
      kind: 'object', range: { start: first.range.start, end: last.range.end }, selectionRange: first.selectionRange, more: true,
    });
  }
  return out;
}

/** The object symbol of a parsed Flux document, without its sections; undefined for other documents. */
function objectSymbol(file: ParsedFile, doc: FluxDocument): DocSymbol | undefined {
  // (A kind written as a block scalar, `kind: |+`, may be only whitespace: an outline name must not be.)
  if (!doc.isFlux || !doc.kind?.trim() || !isMap(doc.yaml.contents as Node | null)) return undefined;
  const contentStart = (doc.yaml.contents as Node).range?.[0] ?? doc.startOffset;
  // The symbol covers the object's content (from its first key to the end of the document).
  const range = file.lineIndex.range(Math.min(contentStart, doc.endOffset), doc.endOffset);
  let selectionRange = metadataNameRange(file, doc) ?? kindOrStartRange(file, doc);
  if (!contains(range, selectionRange)) selectionRange = { start: range.start, end: range.start };
  return { name: outlineLabel(doc), detail: doc.apiVersion, kind: 'object', range, selectionRange };
}
