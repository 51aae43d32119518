/**
 * A fast path for the common subset of block YAML that Kubernetes and Flux manifests are written in: block maps
 * and sequences, single-line plain and quoted scalars, literal block scalars (`|`, `|-`), comments on their own
 * lines or after a value. It builds what the `yaml` package composes (a Document of YAMLMap, YAMLSeq, Pair and
 * Scalar nodes with identical values, types, formats, sources and `range`s; plain scalars resolved by the same
 * schema tags; duplicate keys reported as documentProblems reports them), several times faster than yaml's
 * lexer -> parser -> composer pipeline, which was two thirds of a cold lint's time (on the bench fleet, parsing
 * every file went from ~3x to ~0.5x of the bare yaml parse; see the report of issue 11).
 *
 * Hand-written because no maintained package produces yaml-compatible nodes any faster: the other YAML parsers
 * (js-yaml and the like) build plain values without ranges, and yaml's own CST is the slow part.
 *
 * Anything outside the subset gives up (returns undefined) and the caller parses with `yaml` (parseYaml in
 * parse.ts: the whole file, unless the fast path took every document): flow collections, anchors, aliases, tags,
 * merge keys, multi-line plain or quoted scalars, escapes in double quotes, folded or kept block scalars,
 * indentation indicators, tabs, CR line ends, a byte order mark, comments where they would change a node's range,
 * and every construct that is a YAML error (the errors are always yaml's own).
 * Not carried over: comments and blank-line markers (commentBefore, comment, spaceBefore), which no part of the
 * engine reads. test/engine/fast-parse.test.ts proves the equality against `yaml` on every fixture, the corpus,
 * generated fleets and seeded mutations of them.
 */
import { Document, Pair, Scalar, YAMLMap, YAMLSeq, type Node } from 'yaml';
import { PARSE_OPTIONS } from './options';
import type { YamlProblem } from './parse';

/** Thrown to give up on a document (never escapes fastParseDocument). */
const GIVE_UP: unique symbol = Symbol('fast-parse: not in the subset');

/**
 * Node construction. yaml's constructors define the node-type symbol on every node with Object.defineProperty
 * (and a collection's schema likewise), which V8 runs on a slow path: it took a third of the fast path's time.
 * The nodes here are objects of the same classes whose prototype carries the type symbol and the schema
 * (non-enumerable, as yaml defines them), with the same own fields in the same order; isScalar(), isMap(),
 * instanceof, visit(), toJS() and clone() treat them as yaml's own.
 */
const TYPE_OF = (node: object): [symbol, unknown] => {
  const sym = Object.getOwnPropertySymbols(node)[0]!;
  return [sym, (node as Record<symbol, unknown>)[sym]];
};
const [NODE_TYPE] = TYPE_OF(new Scalar(null));
const SCHEMA_DOC = new Document(undefined, PARSE_OPTIONS);
/** The schema of every fast-path document (yaml makes an identical one per document). */
const SCHEMA = SCHEMA_DOC.schema;
const OPTIONS = SCHEMA_DOC.options;
/** The tags a plain scalar is resolved by, in the schema's order (as findScalarTagByTest tries them). */
const TAGS = (SCHEMA.tags as unknown as ScalarTag[]).filter((t) => t.default === true && t.test !== undefined);
const proto = <T extends object>(cls: { prototype: T }, sample: object, schema: boolean): T => Object.create(cls.prototype, {
  [NODE_TYPE]: { value: TYPE_OF(sample)[1] },
  ...(schema ? { schema: { value: SCHEMA, configurable: true, enumerable: false, writable: true } } : {}),
}) as T;
const SCALAR_PROTO = proto(Scalar, new Scalar(null), false);
const PAIR_PROTO = proto(Pair, new Pair(null), false);
const MAP_PROTO = proto(YAMLMap, new YAMLMap(), true);
const SEQ_PROTO = proto(YAMLSeq, new YAMLSeq(), true);

function scalarNode(value: unknown): Scalar {
  const n = Object.create(SCALAR_PROTO) as Scalar;
  n.value = value;
  return n;
}

function pairNode(key: Scalar, value: unknown): Pair {
  const p = Object.create(PAIR_PROTO) as Pair;
  p.key = key;
  p.value = value;
  return p;
}

function collectionNode<T extends YAMLMap | YAMLSeq>(p: T): T {
  const c = Object.create(p) as T;
  c.items = [];
  return c;
}

/** A tag's resolve() reporting a problem: yaml would have an error or warning, so the fast path gives up. */
function giveUp(): never {
  throw GIVE_UP;
}

interface ScalarTag {
  default?: boolean | 'key';
  test?: RegExp;
  format?: string;
  resolve: (value: string, onError: (msg: string) => void, options: unknown) => unknown;
}

/** A content line found by skipContent: its start, the offset of its first character and its column. */
interface Line {
  /** Offset of the line's first non-space character; `end` of the document when eof. */
  p: number;
  col: number;
  eof: boolean;
  /** Comment lines were skipped to reach it. */
  comments?: boolean;
}

const SP = 32;
const TAB = 9;
const NL = 10;
const HASH = 35;
const DASH = 45;
const COLON = 58;
const DQ = 34;
const SQ = 39;

/** Characters that start a plain scalar in the core schema's non-string tags (null, bool, int, float). */
function maybeNonString(c: number): boolean {
  // ~ N n T t F f 0-9 + - .
  return c === 126 || c === 78 || c === 110 || c === 84 || c === 116 || c === 70 || c === 102
    || (c >= 48 && c <= 57) || c === 43 || c === 45 || c === 46;
}

/** Characters a plain scalar (key or value) of the subset may not start with: YAML indicators. */
function indicatorStart(c: number): boolean {
  // - ? : , [ ] { } # & * ! | > ' " % @ `
  return c === DASH || c === 63 || c === COLON || c === 44 || c === 91 || c === 93 || c === 123 || c === 125 || c === HASH
    || c === 38 || c === 42 || c === 33 || c === 124 || c === 62 || c === SQ || c === DQ || c === 37 || c === 64 || c === 96;
}

class FastParser {
  /** Duplicate keys found (the only problems a document of the subset can have). */
  readonly problems: YamlProblem[] = [];

  constructor(private readonly text: string, private readonly end: number) {}

  /** End of the line holding `p` (the offset of its `\n`, or the document's end). */
  private lineEnd(p: number): number {
    const e = this.text.indexOf('\n', p);
    return e < 0 || e > this.end ? this.end : e;
  }

  /** Where the node ending on the line that ends at `le` ends: after the line break. */
  private after(le: number): number {
    return le < this.end ? le + 1 : le;
  }

  /**
   * The next content line from the line starting at `ls`: blank and comment lines are skipped. A comment line
   * indented deeper than the content line after it would extend the previous node's range in yaml: give up.
   */
  skipContent(ls: number): Line {
    const t = this.text;
    let maxComment = -1;
    while (ls < this.end) {
      let p = ls;
      while (p < this.end && t.charCodeAt(p) === SP) p++;
      const c = t.charCodeAt(p);
      if (p >= this.end || c === NL) { ls = p + 1; continue; }
      if (c === TAB) throw GIVE_UP;
      if (c === HASH) {
        maxComment = Math.max(maxComment, p - ls);
        ls = this.lineEnd(p) + 1;
        continue;
      }
      const col = p - ls;
      if (maxComment > col) throw GIVE_UP;
      return { p, col, eof: false, comments: maxComment >= 0 };
    }
    if (maxComment > 0) throw GIVE_UP;
    return { p: this.end, col: -1, eof: true, comments: maxComment >= 0 };
  }

  /** A plain scalar's node (value resolved by the schema's tags, as yaml's composer does). */
  private plain(source: string, start: number, valueEnd: number, nodeEnd: number): Scalar {
    let node: Scalar | undefined;
    let format: string | undefined;
    if (source.length === 0 || maybeNonString(source.charCodeAt(0))) {
      for (const tag of TAGS) {
        if (!tag.test!.test(source)) continue;
        const res = tag.resolve(source, giveUp, OPTIONS);
        node = res instanceof Scalar ? res : scalarNode(res);
        format = tag.format;
        break;
      }
    }
    node ??= scalarNode(source);
    node.range = [start, valueEnd, nodeEnd];
    node.source = source;
    node.type = Scalar.PLAIN;
    if (format) node.format = format;
    return node;
  }

  private string(value: string, type: Scalar.Type, range: [number, number, number]): Scalar {
    const node = scalarNode(value);
    node.range = range;
    node.source = value;
    node.type = type;
    return node;
  }

  /**
   * A quoted scalar starting at `q` that closes on its line: [value, offset after the closing quote]. Gives up on
   * escapes in double quotes and on a quote left open (a multi-line scalar).
   */
  private quoted(q: number, le: number): [string, number] {
    const t = this.text;
    if (t.charCodeAt(q) === DQ) {
      const close = t.indexOf('"', q + 1);
      if (close < 0 || close >= le) throw GIVE_UP;
      const value = t.slice(q + 1, close);
      if (value.includes('\\')) throw GIVE_UP;
      return [value, close + 1];
    }
    let i = q + 1;
    for (;;) {
      const close = t.indexOf("'", i);
      if (close < 0 || close >= le) throw GIVE_UP;
      if (t.charCodeAt(close + 1) === SQ) { i = close + 2; continue; }
      const raw = t.slice(q + 1, close);
      return [raw.includes("''") ? raw.replaceAll("''", "'") : raw, close + 1];
    }
  }

  /** Skips spaces from `p` on the line ending at `le`; gives up on a tab. */
  private spaces(p: number, le: number): number {
    const t = this.text;
    while (p < le) {
      const c = t.charCodeAt(p);
      if (c === SP) p++;
      else if (c === TAB) throw GIVE_UP;
      else break;
    }
    return p;
  }

  /**
   * The key of a block map entry at `q`: [key node, offset of its `:`], or undefined when the line holds no
   * implicit key (`key:` followed by a space or the line's end).
   */
  private key(q: number, le: number): [Scalar, number] | undefined {
    const t = this.text;
    const c = t.charCodeAt(q);
    if (c === DQ || c === SQ) {
      const close = t.indexOf(c === DQ ? '"' : "'", q + 1);
      if (close < 0 || close >= le || t.charCodeAt(close + 1) !== COLON) return undefined;
      const n = t.charCodeAt(close + 2);
      if (close + 2 < le && n !== SP) return undefined;
      const [value, after] = this.quoted(q, le);
      if (after !== close + 1) return undefined;
      return [this.string(value, c === DQ ? Scalar.QUOTE_DOUBLE : Scalar.QUOTE_SINGLE, [q, after, after]), after];
    }
    if (indicatorStart(c)) return undefined;
    for (let i = q + 1; i < le; i++) {
      const ch = t.charCodeAt(i);
      if (ch === COLON) {
        const n = t.charCodeAt(i + 1);
        if (i + 1 < le && n !== SP) continue;
        if (t.charCodeAt(i - 1) === SP || i - q > 1000) throw GIVE_UP;
        const source = t.slice(q, i);
        if (source === '<<') throw GIVE_UP;
        return [this.plain(source, q, i, i), i];
      }
      if (ch === TAB) throw GIVE_UP;
      if (ch === HASH && t.charCodeAt(i - 1) === SP) return undefined;
    }
    return undefined;
  }

  /**
   * An inline scalar value at `q` (a plain or quoted scalar that ends on its line, and an optional comment).
   */
  private inline(q: number, le: number): Scalar {
    const t = this.text;
    const c = t.charCodeAt(q);
    const nodeEnd = this.after(le);
    if (c === DQ || c === SQ) {
      const [value, after] = this.quoted(q, le);
      const rest = this.spaces(after, le);
      if (rest < le && (t.charCodeAt(rest) !== HASH || rest === after)) throw GIVE_UP;
      return this.string(value, c === DQ ? Scalar.QUOTE_DOUBLE : Scalar.QUOTE_SINGLE, [q, after, nodeEnd]);
    }
    if (indicatorStart(c)) throw GIVE_UP;
    let valueEnd = q + 1;
    for (let i = q + 1; i < le; i++) {
      const ch = t.charCodeAt(i);
      if (ch === SP) continue;
      if (ch === TAB) throw GIVE_UP;
      if (ch === HASH && t.charCodeAt(i - 1) === SP) break;
      if (ch === COLON && (i + 1 === le || t.charCodeAt(i + 1) === SP)) throw GIVE_UP;
      valueEnd = i + 1;
    }
    return this.plain(t.slice(q, valueEnd), q, valueEnd, nodeEnd);
  }

  /**
   * A literal block scalar whose header `|` or `|-` is at `h`, in a collection at column `parent`: its node and
   * the next content line.
   */
  private block(h: number, le: number, parent: number): { node: Scalar; next: Line } {
    const t = this.text;
    let p = h + 1;
    let strip = false;
    if (t.charCodeAt(h) !== 124 /* | */) throw GIVE_UP;
    if (p < le && t.charCodeAt(p) === DASH) { strip = true; p++; }
    if (this.spaces(p, le) !== le) throw GIVE_UP;
    const lines: string[] = [];
    let indent = -1;
    let ls = le + 1;
    let contentEnd = -1;
    let kept = 0;
    while (ls < this.end) {
      const e = this.lineEnd(ls);
      if (e === ls) { lines.push(''); ls = e + 1; continue; }
      let i = ls;
      while (i < e && t.charCodeAt(i) === SP) i++;
      if (i === e) throw GIVE_UP;
      const col = i - ls;
      if (indent < 0) {
        if (col <= parent) break;
        indent = col;
      } else if (col < indent) {
        break;
      }
      if (e >= this.end) throw GIVE_UP;
      lines.push(t.slice(ls + indent, e));
      kept = lines.length;
      contentEnd = e + 1;
      ls = e + 1;
    }
    if (indent < 0) throw GIVE_UP;
    lines.length = kept;
    const value = lines.join('\n') + (strip ? '' : '\n');
    const node = this.string(value, Scalar.BLOCK_LITERAL, [h, contentEnd, contentEnd]);
    return { node, next: this.skipContent(contentEnd) };
  }

  private isSeqStart(p: number): boolean {
    if (this.text.charCodeAt(p) !== DASH) return false;
    const n = this.text.charCodeAt(p + 1);
    return p + 1 >= this.end || n === SP || n === NL;
  }

  /** The block collection whose first line's content is at `at`. */
  collection(at: Line): { node: YAMLMap | YAMLSeq; next: Line } {
    if (this.isSeqStart(at.p)) return this.seq(at);
    return this.map(at);
  }

  /**
   * The value after a map key's `:` or a sequence entry's `- ` at `q` (on the line ending at `le`), in a
   * collection at column `col`; `seqHere` allows a sequence at the same column (a map's value).
   */
  private value(q: number, le: number, col: number, seqHere: boolean): { node: Node; next: Line } {
    const t = this.text;
    const c = t.charCodeAt(q);
    if (q >= le || c === HASH) {
      const nx = this.skipContent(le + 1);
      if (!nx.eof && (nx.col > col || (seqHere && nx.col === col && this.isSeqStart(nx.p)))) {
        return this.collection(nx);
      }
      // An empty value followed by comment lines: yaml extends its range over them.
      if (c === HASH || nx.comments) throw GIVE_UP;
      return { node: this.plain('', le, le, le), next: nx };
    }
    if (c === 124 /* | */ || c === 62 /* > */) return this.block(q, le, col);
    const node = this.inline(q, le);
    const next = this.skipContent(le + 1);
    if (!next.eof && next.col > col) throw GIVE_UP;
    return { node, next };
  }

  private map(at: Line): { node: YAMLMap; next: Line } {
    const map = collectionNode(MAP_PROTO);
    const start = at.p;
    const col = at.col;
    let p = at.p;
    let end: number;
    for (;;) {
      const le = this.lineEnd(p);
      const k = this.key(p, le);
      if (!k) throw GIVE_UP;
      const [keyNode, colon] = k;
      const { node, next } = this.value(this.spaces(colon + 1, le), le, col, true);
      map.items.push(pairNode(keyNode, node));
      end = node.range![2];
      if (next.eof || next.col < col) {
        map.range = [start, end, end];
        if (map.items.length > 1) this.duplicates(map.items as Array<Pair<Scalar, unknown>>);
        return { node: map, next };
      }
      if (next.col > col || this.isSeqStart(next.p)) throw GIVE_UP;
      p = next.p;
    }
  }

  /**
   * Duplicate keys, as documentProblems (parse.ts) finds them: keys are equal when their values are (`a` and "a"
   * are, `1` and "1" are not); every repetition is reported, at its key.
   */
  private duplicates(items: Array<Pair<Scalar, unknown>>): void {
    const n = items.length;
    if (n <= 12) {
      for (let j = 1; j < n; j++) {
        const b = items[j]!.key.value;
        for (let i = 0; i < j; i++) {
          const a = items[i]!.key.value;
          if (a === b || (typeof a === typeof b && String(a) === String(b))) { this.duplicate(items[j]!.key); break; }
        }
      }
      return;
    }
    const seen = new Set<string>();
    for (const p of items) {
      const id = `${typeof p.key.value}:${String(p.key.value)}`;
      if (seen.has(id)) this.duplicate(p.key);
      seen.add(id);
    }
  }

  private duplicate(k: Scalar): void {
    const [s, e] = k.range!;
    this.problems.push({ start: s, end: Math.max(e, s + 1), code: 'DUPLICATE_KEY', message: 'Map keys must be unique' });
  }

  private seq(at: Line): { node: YAMLSeq; next: Line } {
    const seq = collectionNode(SEQ_PROTO);
    const start = at.p;
    const col = at.col;
    const t = this.text;
    let p = at.p;
    let end: number;
    for (;;) {
      const le = this.lineEnd(p);
      const q = this.spaces(p + 1, le);
      let r: { node: Node; next: Line };
      if (q < le && this.isSeqStart(q)) throw GIVE_UP;
      if (q < le && t.charCodeAt(q) !== HASH && this.key(q, le)) {
        r = this.map({ p: q, col: col + (q - p), eof: false });
      } else {
        r = this.value(q, le, col, false);
      }
      seq.items.push(r.node);
      end = r.node.range![2];
      const next = r.next;
      if (!next.eof && next.col > col) throw GIVE_UP;
      if (next.eof || next.col < col || !this.isSeqStart(next.p)) {
        seq.range = [start, end, end];
        return { node: seq, next };
      }
      p = next.p;
    }
  }
}

/** The document's last node is an empty value (`key:` on its last line). */
function endsEmpty(node: Node): boolean {
  let n: unknown = node;
  while (n instanceof YAMLMap || n instanceof YAMLSeq) {
    const last: unknown = n.items[n.items.length - 1];
    n = last instanceof Pair ? last.value : last;
  }
  return n instanceof Scalar && n.source === '' && n.type === Scalar.PLAIN;
}

/** The documents the fast path built, with their problems (duplicate keys, in offset order). */
const FAST_DOCUMENTS = new WeakMap<object, YamlProblem[]>();

/** The YAML problems of a document the fast path built (what documentProblems gives); undefined for others. */
export function fastProblems(doc: Document.Parsed): YamlProblem[] | undefined {
  return FAST_DOCUMENTS.get(doc);
}

/**
 * The plain value of a document the fast path built, as its toJS() gives it (no aliases, merge keys or tags to
 * resolve in the subset, so this is a plain walk, about three times faster); undefined for any other document.
 */
export function fastValue(doc: Document.Parsed): { value: unknown } | undefined {
  return FAST_DOCUMENTS.has(doc) ? { value: jsOf(doc.contents) } : undefined;
}

/** Names an object literal inherits (where yaml defines an own property rather than assigning). */
const INHERITED: ReadonlySet<string> = new Set(Object.getOwnPropertyNames(Object.prototype));

function jsOf(n: unknown): unknown {
  if (n instanceof Scalar) return n.value;
  if (n instanceof YAMLSeq) return n.items.map(jsOf);
  if (n instanceof YAMLMap) {
    const out: Record<string, unknown> = {};
    for (const p of n.items as Array<Pair<Scalar, unknown>>) {
      // yaml's key for a scalar key (addPairToJSMap): '' for null, else String(value); an inherited name
      // (`__proto__`, `toString`) becomes an own property (a repeated key is overwritten in place either way).
      const kv = p.key.value;
      const k = kv === null ? '' : String(kv);
      const v = jsOf(p.value);
      if (INHERITED.has(k)) Object.defineProperty(out, k, { value: v, writable: true, enumerable: true, configurable: true });
      else out[k] = v;
    }
    return out;
  }
  return n;
}

const UNUSUAL = /[\x00-\x08\x0b-\x1f\x7f\ufeff]/;

/**
 * The document of text[start, end) (one document: no `---` marker after its first line), parsed by the fast path,
 * or undefined when it is not in the subset (see above). `end` is the next document's marker or the text's end.
 */
export function fastParseDocument(text: string, start: number, end: number, source = text.slice(start, end)): Document.Parsed | undefined {
  // CR line breaks, a byte order mark, control characters: yaml's own handling.
  if (UNUSUAL.test(source)) return undefined;
  const doc = new Document(undefined, PARSE_OPTIONS) as unknown as Document.Parsed;
  doc.schema = SCHEMA;
  const fp = new FastParser(text, end);
  try {
    let first = fp.skipContent(start);
    let markerAt = -1;
    if (!first.eof && first.col === 0 && text.startsWith('---', first.p)) {
      const le = text.indexOf('\n', first.p);
      const lineEnd = le < 0 || le > end ? end : le;
      for (let i = first.p + 3; i < lineEnd; i++) if (text.charCodeAt(i) !== SP) return undefined;
      markerAt = first.p;
      first = fp.skipContent(lineEnd + 1);
    }
    if (first.eof || first.col !== 0) return undefined;
    const { node, next } = fp.collection(first);
    if (!next.eof) return undefined;
    const contentEnd = node.range![2];
    // A document whose last node is an empty value (`key:` on its last line) ends there in yaml, unless comments
    // follow (left to yaml).
    const empty = endsEmpty(node);
    if (empty && text.slice(contentEnd, end).includes('#')) return undefined;
    doc.contents = node as unknown as Document.Parsed['contents'];
    if (markerAt >= 0) doc.directives!.docStart = true;
    doc.range = [markerAt >= 0 ? markerAt : first.p, contentEnd, empty ? contentEnd : end];
    if (fp.problems.length > 1) fp.problems.sort((a, b) => a.start - b.start);
    FAST_DOCUMENTS.set(doc, fp.problems);
    return doc;
  } catch (err) {
    if (err === GIVE_UP) return undefined;
    throw err;
  }
}
