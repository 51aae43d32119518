/**
 * AST helpers: find the node at a path, and the ranges of keys and values.
 */
import { isAlias, isMap, isPair, isScalar, isSeq, type Node, type Pair } from 'yaml';
import type { Range } from '../types';
import type { FluxDocument, ParsedFile } from './parse';

export type Path = ReadonlyArray<string | number>;

/** Walkers stop at this depth: no real Flux object is deeper, and it keeps hostile input cheap. */
export const MAX_DEPTH = 256;

export interface PathHit {
  /** The pair whose value is the node (undefined for sequence items and the root). */
  pair?: Pair;
  node: Node | null;
  /** How many path segments were resolved (equal to path.length when the path exists). */
  depth: number;
}

function keyString(pair: Pair): string | undefined {
  return isScalar(pair.key) ? String(pair.key.value) : undefined;
}

/** Resolves as much of `path` as exists in the document's AST (aliases are not followed). */
export function findPath(doc: FluxDocument, path: Path): PathHit {
  let node = doc.yaml.contents as Node | null;
  let pair: Pair | undefined;
  let depth = 0;
  for (const seg of path) {
    if (depth >= MAX_DEPTH) break;
    if (isMap(node) && typeof seg === 'string') {
      const p = node.items.find((it) => keyString(it) === seg);
      if (!p) break;
      pair = p;
      node = (p.value as Node | null) ?? null;
    } else if (isSeq(node) && typeof seg === 'number') {
      const item = node.items[seg] as Node | undefined;
      if (item === undefined) break;
      pair = undefined;
      node = item;
    } else {
      break;
    }
    depth++;
    if (isAlias(node)) break;
  }
  return { pair, node, depth };
}

/** [start, end) offsets of a node's value, or undefined. */
export function nodeOffsets(node: Node | null | undefined): [number, number] | undefined {
  const r = node?.range;
  return r ? [r[0], Math.max(r[1], r[0])] : undefined;
}

export function nodeRange(file: ParsedFile, node: Node | null | undefined): Range | undefined {
  const o = nodeOffsets(node);
  return o ? file.lineIndex.range(o[0], o[1]) : undefined;
}

/**
 * The range of a path's key or value. When the path does not fully exist (merge keys,
 * aliases), falls back to the nearest existing ancestor's key, then to the document start.
 */
export function rangeOfPath(file: ParsedFile, doc: FluxDocument, path: Path, part: 'key' | 'value'): Range {
  const hit = findPath(doc, path);
  const complete = hit.depth === path.length;
  if (complete && part === 'value' && hit.node) {
    const r = nodeRange(file, hit.node);
    if (r && (r.start.line !== r.end.line || r.start.character !== r.end.character)) return r;
  }
  if (hit.pair && isScalar(hit.pair.key)) {
    const r = nodeRange(file, hit.pair.key as Node);
    if (r) return r;
  }
  if (complete && hit.node) {
    const r = nodeRange(file, hit.node);
    if (r) return r;
  }
  return kindOrStartRange(file, doc);
}

/** The `kind` key's range, or the document's first line. */
export function kindOrStartRange(file: ParsedFile, doc: FluxDocument): Range {
  const contents = doc.yaml.contents as Node | null;
  if (isMap(contents)) {
    const p = contents.items.find((it) => isPair(it) && keyString(it) === 'kind');
    const r = p && nodeRange(file, p.key as Node);
    if (r) return r;
  }
  const start = file.lineIndex.positionAt(doc.startOffset);
  return { start, end: { line: start.line, character: file.lineIndex.lineText(start.line).length } };
}
