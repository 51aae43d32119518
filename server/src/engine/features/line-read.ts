/**
 * Answers read from a file's lines, for the requests that arrive while the file's YAML parse is still running:
 * yaml takes 100-500 ms for a few hundred KB of broken YAML (thousands of problems), and a hover or outline that
 * waited for it felt stuck. The full answers come from the parse (hover.ts, symbols.ts, definition.ts); these use
 * the same schemas, labels and workspace index, reading the structure from the indentation (text-context.ts) the
 * way completion does, on a lineReadFile (document/parse.ts).
 */
import { documentAt, type FluxDocument, type ParsedFile } from '../document/parse';
import { referenceFieldAt } from '../index/references';
import type { ObjectKey, WorkspaceIndex } from '../index/workspace-index';
import type { SchemaRegistry } from '../schema/registry';
import type { Position, Range } from '../types';
import type { DefinitionTarget } from './definition';
import { hoverContents, type HoverOptions } from './hover';
import { detail, documentSymbols, OUTLINE_DEPTH, OUTLINE_MAX_FIELDS, outlineFieldBudget, type DocSymbol } from './symbols';
import { BLOCK_SCALAR, documentLines, lineInfo, lineText, pathOfColumn, siblingKeys, stripComment, unquote, type LineInfo, type Path } from './text-context';

/** The Flux document at a position of a line-read file, and the line's reading; undefined off a Flux document. */
function locate(file: ParsedFile, position: Position): { doc: FluxDocument; info: LineInfo; docStart: number; docEnd: number } | undefined {
  if (file.fatal) return undefined;
  const doc = documentAt(file, file.lineIndex.offsetAt(position));
  if (!doc?.isFlux) return undefined;
  const info = lineInfo(file, position.line);
  if (info.blank) return undefined;
  const [docStart, docEnd] = documentLines(file, position.line);
  return { doc, info, docStart, docEnd };
}

/** The range of a `key: value` line's value, as written after the key. */
function valueRange(file: ParsedFile, line: number, info: LineInfo): Range | undefined {
  if (!info.value) return undefined;
  const at = lineText(file, line).indexOf(info.value, info.keyEnd ?? info.contentCol);
  return at < 0 ? undefined : { start: { line, character: at }, end: { line, character: at + info.value.length } };
}

/** The range of the line's key when the position is on it (or before it), else of its value. */
function keyOrValueRange(file: ParsedFile, line: number, info: LineInfo, character: number): Range {
  const keyEnd = info.keyEnd ?? info.contentCol;
  const key = { start: { line, character: info.contentCol }, end: { line, character: keyEnd } };
  return character <= keyEnd ? key : valueRange(file, line, info) ?? key;
}

/** The keys of the mapping at column `col` that holds `line` (siblingKeys), the line's own key among them. */
function mappingKeys(file: ParsedFile, docStart: number, docEnd: number, line: number, col: number, itemStart: boolean): Map<string, string> {
  const keys = siblingKeys(file, docStart, docEnd, line, col, itemStart);
  const own = lineInfo(file, line);
  if (own.key !== undefined && own.contentCol === col) keys.set(own.key, unquote(own.value ?? ''));
  return keys;
}

/** Hover on a `key: value` line of a Flux document: the field's schema (no reference line: that needs the parse). */
export function lineHover(file: ParsedFile, position: Position, registry: SchemaRegistry, opts: HoverOptions = {}): { contents: string; range?: Range } | undefined {
  try {
    const at = locate(file, position);
    if (!at || at.info.key === undefined) return undefined;
    const parent = pathOfColumn(file, at.docStart, position.line, at.info.contentCol, at.info.dashes);
    if (!parent) return undefined;
    const contents = hoverContents(registry, at.doc, [...parent, at.info.key], opts);
    return contents === undefined ? undefined : { contents, range: keyOrValueRange(file, position.line, at.info, position.character) };
  } catch {
    return undefined;
  }
}

/**
 * The reference mapping at a position: the line's key itself (`sourceRef:`, its fields below), or the mapping the
 * line's key belongs to (`name: x` inside `sourceRef`, a `- name: x` item of `dependsOn`). Its fields are read
 * at their column, with the line of `name` for the origin range.
 */
function referenceAt(file: ParsedFile, line: number, at: NonNullable<ReturnType<typeof locate>>): { path: Path; col: number; anchor: number; itemStart: boolean } | undefined {
  const { info, doc, docStart, docEnd } = at;
  if (info.key === undefined) return undefined;
  const parent = pathOfColumn(file, docStart, line, info.contentCol, info.dashes);
  if (!parent) return undefined;
  // The line's key is the reference: its fields are the lines below, one column deeper.
  if (referenceFieldAt(doc.kind!, [...parent, info.key]) && !info.value) {
    for (let l = line + 1; l <= docEnd; l++) {
      const below = lineInfo(file, l);
      if (below.blank) continue;
      if (below.dashes.length > 0 || below.indent <= info.contentCol || below.key === undefined) return undefined;
      return { path: [...parent, info.key], col: below.contentCol, anchor: l, itemStart: false };
    }
    return undefined;
  }
  if (referenceFieldAt(doc.kind!, parent)) return { path: parent, col: info.contentCol, anchor: line, itemStart: info.dashes.length > 0 };
  return undefined;
}

/** The range of the `name` value of the reference mapping at column `col` around line `anchor`. */
function nameValueRange(file: ParsedFile, docStart: number, docEnd: number, anchor: number, col: number): Range | undefined {
  for (const l of scanOrder(anchor, docStart, docEnd)) {
    const info = lineInfo(file, l);
    if (info.blank) continue;
    if (info.contentCol === col && info.key === 'name') {
      const r = valueRange(file, l, info);
      if (r) return r;
    }
  }
  return undefined;
}

/** Lines from `anchor` outwards, within the document (the mapping's own lines come first). */
function* scanOrder(anchor: number, from: number, to: number): Generator<number> {
  for (let d = 0; anchor - d >= from || anchor + d <= to; d++) {
    if (anchor + d <= to) yield anchor + d;
    if (d > 0 && anchor - d >= from) yield anchor - d;
  }
}

/** Go to definition on a reference (its key or any of its fields), read from the lines. */
export function lineDefinition(file: ParsedFile, position: Position, index: WorkspaceIndex): DefinitionTarget[] {
  try {
    const at = locate(file, position);
    if (!at || !at.doc.kind) return [];
    const ref = referenceAt(file, position.line, at);
    if (!ref) return [];
    const field = referenceFieldAt(at.doc.kind, ref.path)!;
    const fields = mappingKeys(file, at.docStart, at.docEnd, ref.anchor, ref.col, ref.itemStart);
    const name = fields.get('name');
    const kind = fields.get('kind') || field.defaultKind;
    if (!name || !kind || name.includes('*') || name.includes('${') || kind.includes('${')) return [];
    const target: ObjectKey = { kind, name };
    const namespace = (field.namespaced ? fields.get('namespace') : undefined) || at.doc.namespace;
    if (namespace) target.namespace = namespace;
    const originRange = nameValueRange(file, at.docStart, at.docEnd, ref.anchor, ref.col);
    if (!originRange) return [];
    return index.resolve(target).map((o) => ({ uri: o.uri, range: o.range, selectionRange: o.nameRange, originRange }));
  } catch {
    return [];
  }
}

/** A value after which deeper lines are the field's children: none, or only an anchor or a tag. */
const OPENS_CHILDREN = /^(?:[&!]\S*)?$/;

/**
 * The last line of the entry starting at `line` whose indicator sits at `col`: before the next line at or left of
 * it. With `dashesAtCol`, a sequence at the key's own column (`key:` then `- a`) belongs to the entry.
 */
function entryEnd(file: ParsedFile, line: number, last: number, col: number, dashesAtCol = false): number {
  let end = line;
  for (let l = line + 1; l <= last; l++) {
    const info = lineInfo(file, l);
    if (info.blank) continue;
    const first = info.dashes[0] ?? info.contentCol;
    if (first < col || (first === col && !(dashesAtCol && info.dashes.length > 0))) break;
    end = l;
  }
  return end;
}

/** From `start` to the end of line `endLine`'s content (its comment and trailing blanks left out). */
function lineEndRange(file: ParsedFile, start: Position, endLine: number): Range {
  const end = stripComment(lineText(file, endLine)).trimEnd().length;
  return { start, end: { line: endLine, character: Math.max(endLine === start.line ? start.character : 0, end) } };
}

/**
 * The fields of the mapping whose keys sit at column `col` within lines [from, to] (or the items of the sequence
 * whose dashes do), as outline symbols down to OUTLINE_DEPTH, the way symbols.ts outlines a parsed mapping.
 * `first`: the line that opens a sequence item, whose key follows the dash.
 */
function lineFields(file: ParsedFile, from: number, to: number, col: number, depth: number, budget: { left: number }, first = -1): DocSymbol[] {
  const out: DocSymbol[] = [];
  if (depth > OUTLINE_DEPTH) return out;
  let index = 0;
  for (let l = from; l <= to && budget.left > 0; l++) {
    const info = lineInfo(file, l);
    if (info.blank) continue;
    const dash = info.dashes[0];
    const at = l === first ? info.contentCol : dash ?? info.contentCol;
    if (at !== col) continue;
    if (l !== first && dash !== undefined) {
      // A sequence item: named by its `name` (or `kind`), else by its index; its mapping's keys follow the dash.
      const end = entryEnd(file, l, to, col);
      budget.left--;
      const itemCol = info.dashes.length > 1 ? info.dashes[1]! : info.contentCol;
      const keys = info.key !== undefined ? mappingKeys(file, l, end, l, info.contentCol, true) : undefined;
      const named = keys?.get('name') || keys?.get('kind');
      const range = lineEndRange(file, { line: l, character: itemCol }, end);
      const sym: DocSymbol = { name: named ? `[${index}] ${named}` : `[${index}]`, kind: info.key !== undefined ? 'map' : info.dashes.length > 1 ? 'list' : 'scalar', range, selectionRange: { start: range.start, end: range.start } };
      if (info.key === undefined && info.scalar) sym.detail = detail(unquote(info.scalar));
      const children = info.key !== undefined && info.dashes.length === 1 ? lineFields(file, l, end, info.contentCol, depth + 1, budget, l) : [];
      if (children.length > 0) sym.children = children;
      out.push(sym);
      index++;
      l = end;
      continue;
    }
    if (info.key === undefined) continue;
    budget.left--;
    const value = info.value ?? '';
    const opens = OPENS_CHILDREN.test(value);
    const end = entryEnd(file, l, to, col, opens);
    const below = opens && end > l ? firstContent(file, l + 1, end) : undefined;
    const kind = below === undefined ? (value.startsWith('{') ? 'map' : value.startsWith('[') ? 'list' : 'scalar') : below.dashes.length > 0 ? 'list' : 'map';
    const range = lineEndRange(file, { line: l, character: info.contentCol }, end);
    const sym: DocSymbol = { name: info.key, kind, range, selectionRange: { start: range.start, end: { line: l, character: info.keyEnd ?? info.contentCol } } };
    if (kind === 'scalar' && value !== '' && !BLOCK_SCALAR.test(value)) sym.detail = detail(unquote(value));
    if (below !== undefined) {
      const childCol = below.dashes[0] ?? below.contentCol;
      const children = lineFields(file, l + 1, end, childCol, depth + 1, budget);
      if (children.length > 0) sym.children = children;
    }
    out.push(sym);
    l = end;
  }
  return out;
}

function firstContent(file: ParsedFile, from: number, to: number): LineInfo | undefined {
  for (let l = from; l <= to; l++) {
    const info = lineInfo(file, l);
    if (!info.blank) return info;
  }
  return undefined;
}

/**
 * The outline read from the lines: the objects (symbols.ts, partial documents) with their sections, each field
 * by its indentation, within the same budgets as the parsed outline.
 */
export function lineSymbols(file: ParsedFile): DocSymbol[] {
  const objects = documentSymbols(file);
  const total = { left: outlineFieldBudget(objects.length) };
  for (const sym of objects) {
    if (total.left <= 0 || sym.more) break;
    const budget = { left: Math.min(OUTLINE_MAX_FIELDS, total.left) };
    const [from] = documentLines(file, sym.range.start.line);
    const sections = lineFields(file, from, sym.range.end.line, 0, 1, budget).filter((c) => c.name !== 'apiVersion' && c.name !== 'kind');
    total.left -= Math.min(OUTLINE_MAX_FIELDS, total.left) - Math.max(0, budget.left);
    if (sections.length > 0) sym.children = sections;
  }
  return objects;
}
