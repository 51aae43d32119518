/**
 * Go to definition: from a reference (`sourceRef`, `chartRef`, `dependsOn[]`, ...) to the referenced
 * object in the workspace index.
 */
import { documentAt, type ParsedFile } from '../document/parse';
import { findReferences } from '../index/references';
import type { WorkspaceIndex } from '../index/workspace-index';
import type { Position, Range } from '../types';
import { astPathAt } from './ast-path';

export interface DefinitionTarget {
  uri: string;
  /** The referenced object's document. */
  range: Range;
  /** The referenced object's metadata.name value. */
  selectionRange: Range;
  /** The reference's name value in the source document. */
  originRange: Range;
}

function startsWith(path: ReadonlyArray<string | number>, prefix: ReadonlyArray<string | number>): boolean {
  return prefix.length <= path.length && prefix.every((seg, i) => path[i] === seg);
}

/**
 * The objects the reference under the cursor points to (on the reference's key or any of its fields).
 * Empty when the cursor is not on a reference or the index has no such object.
 */
export function definition(file: ParsedFile, position: Position, index: WorkspaceIndex): DefinitionTarget[] {
  try {
    if (file.fatal) return [];
    const offset = file.lineIndex.offsetAt(position);
    const doc = documentAt(file, offset);
    if (!doc || !doc.isFlux) return [];
    const hit = astPathAt(doc, offset);
    if (!hit) return [];
    const refs = findReferences(file, doc);
    // The innermost reference containing the cursor's path.
    const ref = refs.filter((r) => startsWith(hit.path, r.path)).sort((a, b) => b.path.length - a.path.length)[0];
    if (!ref) return [];
    return index.resolve(ref.target).map((o) => ({ uri: o.uri, range: o.range, selectionRange: o.nameRange, originRange: ref.nameRange }));
  } catch {
    return [];
  }
}
