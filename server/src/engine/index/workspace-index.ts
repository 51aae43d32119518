/**
 * The workspace index: the Flux objects of every file the caller passes in, by (kind, namespace, name).
 * Pure: it does no I/O; callers pass each file's text (or an already parsed file).
 */
import { isMap, type Node } from 'yaml';
import { parseText, type FluxDocument, type ParsedFile } from '../document/parse';
import { findPath, kindOrStartRange, nodeRange } from '../document/nodes';
import type { Range } from '../types';

export interface ObjectKey {
  kind: string;
  /** Undefined when the object declares no metadata.namespace (its effective namespace is not known here). */
  namespace?: string;
  name: string;
}

export interface IndexedObject extends ObjectKey {
  apiVersion: string;
  uri: string;
  /** 0-based index of the document in its file. */
  documentIndex: number;
  /** The document's range (from its first key to its end). */
  range: Range;
  /** The range of metadata.name's value. */
  nameRange: Range;
}

/** The map key of an object: `kind/namespace/name` (namespace empty when undeclared). */
export function objectKeyString(key: ObjectKey): string {
  return `${key.kind}/${key.namespace ?? ''}/${key.name}`;
}

const kindNameKey = (kind: string, name: string): string => `${kind}/${name}`;

function push<T>(map: Map<string, T[]>, key: string, value: T): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/** Removes the values from their keys' lists: one pass per key (one indexOf and splice per value was quadratic when a huge file holds thousands of objects with one key). */
function pullAll<T>(map: Map<string, T[]>, values: readonly T[], keyOf: (v: T) => string): void {
  const gone = new Set(values);
  for (const key of new Set(values.map(keyOf))) {
    const list = map.get(key);
    if (!list) continue;
    const kept = list.filter((v) => !gone.has(v));
    if (kept.length === 0) map.delete(key);
    else map.set(key, kept);
  }
}

/** The Flux objects of a parsed file, as the index stores them. */
export function objectsOfFile(file: ParsedFile, uri: string): IndexedObject[] {
  const out: IndexedObject[] = [];
  for (const doc of file.documents) {
    const o = objectOfDocument(file, doc, uri);
    if (o) out.push(o);
  }
  return out;
}

function objectOfDocument(file: ParsedFile, doc: FluxDocument, uri: string): IndexedObject | undefined {
  if (!doc.isFlux || !doc.kind || !doc.apiVersion || !doc.name) return undefined;
  if (doc.textRanges !== undefined) {
    // A partial document of a huge file: the ranges read from its lines.
    const at = doc.textRanges.name ?? doc.textRanges.kind ?? [doc.startOffset, doc.startOffset];
    const p: IndexedObject = {
      kind: doc.kind, name: doc.name, apiVersion: doc.apiVersion, uri, documentIndex: doc.index,
      range: doc.range, nameRange: file.lineIndex.range(at[0], at[1]),
    };
    if (doc.namespace) p.namespace = doc.namespace;
    return p;
  }
  const contents = doc.yaml.contents as Node | null;
  if (!isMap(contents)) return undefined;
  const start = Math.min(contents.range?.[0] ?? doc.startOffset, doc.endOffset);
  const range = file.lineIndex.range(start, doc.endOffset);
  const hit = findPath(doc, ['metadata', 'name']);
  const nameRange = (hit.depth === 2 ? nodeRange(file, hit.node) : undefined) ?? kindOrStartRange(file, doc);
  const o: IndexedObject = {
    kind: doc.kind, name: doc.name, apiVersion: doc.apiVersion, uri, documentIndex: doc.index, range, nameRange,
  };
  if (doc.namespace) o.namespace = doc.namespace;
  return o;
}

export class WorkspaceIndex {
  private readonly byUri = new Map<string, IndexedObject[]>();
  private readonly byKey = new Map<string, IndexedObject[]>();
  private readonly byKindName = new Map<string, IndexedObject[]>();
  /** The (version, text) each versioned file was indexed from: indexing the same again is skipped. */
  private readonly indexedFrom = new Map<string, { version: number; text: string }>();

  /** Adds or replaces a file from its text. */
  update(uri: string, text: string): void {
    this.updateParsed(uri, parseText(text, uri));
  }

  /** Adds or replaces a file from an already parsed file (e.g. from the parse cache). */
  updateParsed(uri: string, file: ParsedFile): void {
    const from = this.indexedFrom.get(uri);
    if (from && file.version !== undefined && from.version === file.version && from.text === file.text) return;
    this.remove(uri);
    if (file.version !== undefined) this.indexedFrom.set(uri, { version: file.version, text: file.text });
    const objects = objectsOfFile(file, uri);
    if (objects.length === 0) return;
    this.byUri.set(uri, objects);
    for (const o of objects) {
      push(this.byKey, objectKeyString(o), o);
      push(this.byKindName, kindNameKey(o.kind, o.name), o);
    }
  }

  /** Drops a file (deleted, or no longer part of the workspace). */
  remove(uri: string): void {
    this.indexedFrom.delete(uri);
    const old = this.byUri.get(uri);
    if (!old) return;
    this.byUri.delete(uri);
    pullAll(this.byKey, old, objectKeyString);
    pullAll(this.byKindName, old, (o) => kindNameKey(o.kind, o.name));
  }

  clear(): void {
    this.indexedFrom.clear();
    this.byUri.clear();
    this.byKey.clear();
    this.byKindName.clear();
  }

  /** Objects with exactly this key (namespace undefined = objects that declare none). Usually one; more when duplicated. */
  lookup(key: ObjectKey): IndexedObject[] {
    return [...(this.byKey.get(objectKeyString(key)) ?? [])];
  }

  /** Objects of a kind and name in any namespace, for when the namespace is unknown. */
  findByKindName(kind: string, name: string): IndexedObject[] {
    return [...(this.byKindName.get(kindNameKey(kind, name)) ?? [])];
  }

  /**
   * Resolves a reference: the objects with this exact key; failing that, the objects of this kind and
   * name that declare no namespace (their effective namespace comes from kustomize or a Flux
   * Kustomization's targetNamespace, which the index cannot know). Without a namespace in the key,
   * every object of that kind and name.
   */
  resolve(key: ObjectKey): IndexedObject[] {
    if (key.namespace === undefined) return this.findByKindName(key.kind, key.name);
    const exact = this.lookup(key);
    if (exact.length > 0) return exact;
    return this.lookup({ kind: key.kind, name: key.name });
  }

  /** The objects indexed from one file, in document order. */
  objectsIn(uri: string): IndexedObject[] {
    return [...(this.byUri.get(uri) ?? [])];
  }

  /** Every indexed object. */
  all(): IndexedObject[] {
    return [...this.byUri.values()].flat();
  }

  /** The files that hold at least one Flux object. */
  files(): string[] {
    return [...this.byUri.keys()];
  }

  get size(): number {
    let n = 0;
    for (const list of this.byUri.values()) n += list.length;
    return n;
  }
}
