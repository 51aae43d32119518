/**
 * The AST path at an offset: which key or value of which document the offset is on.
 */
import { isAlias, isMap, isPair, isScalar, isSeq, type Node, type Pair } from 'yaml';
import type { FluxDocument } from '../document/parse';
import { MAX_DEPTH } from '../document/nodes';

export interface AstHit {
  /** Keys and sequence indexes from the document root to the key or value under the offset. */
  path: Array<string | number>;
  /** True when the offset is on a key, false when on a value. */
  onKey: boolean;
  /** The pair whose key or value is under the offset (undefined for bare sequence items). */
  pair?: Pair;
  /** The key node (onKey) or the value node under the offset. */
  node: Node | null;
}

const within = (n: Node | null | undefined, offset: number): boolean =>
  !!n?.range && n.range[0] <= offset && offset <= n.range[1];

/** The deepest key or scalar value under `offset` (inclusive of a node's end, so a cursor just after a word counts). */
export function astPathAt(doc: FluxDocument, offset: number): AstHit | undefined {
  let node = doc.yaml.contents as Node | null;
  const path: Array<string | number> = [];
  let pair: Pair | undefined;
  for (let depth = 0; depth < MAX_DEPTH && node; depth++) {
    if (isMap(node)) {
      let next: Node | null = null;
      for (const it of node.items) {
        if (!isPair(it)) continue;
        const key = it.key as Node | null;
        const keyName = isScalar(key) ? String(key.value) : undefined;
        if (keyName === undefined) continue;
        if (within(key, offset)) return { path: [...path, keyName], onKey: true, pair: it, node: key };
        const value = it.value as Node | null;
        if (value && within(value, offset)) {
          path.push(keyName);
          pair = it;
          next = value;
          break;
        }
      }
      if (!next) return undefined;
      node = next;
    } else if (isSeq(node)) {
      const i = node.items.findIndex((it) => within(it as Node | null, offset));
      if (i < 0) return undefined;
      path.push(i);
      pair = undefined;
      node = node.items[i] as Node;
    } else if (isScalar(node) || isAlias(node)) {
      return { path, onKey: false, pair, node };
    } else {
      return undefined;
    }
  }
  return undefined;
}
