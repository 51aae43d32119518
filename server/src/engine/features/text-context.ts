/**
 * A textual, indentation-based reading of the YAML around the cursor. Completion runs on half-typed
 * text (`  ref:\n    bra|`, a key without a colon, `- |`), where the parsed AST says something else
 * than the user means; the indentation says what they mean.
 */
import type { ParsedFile } from '../document/parse';

export interface LineInfo {
  /** Leading spaces. */
  indent: number;
  /** Blank or comment-only. */
  blank: boolean;
  /** Columns of the `- ` sequence indicators at the start of the line. */
  dashes: number[];
  /** Column where the content after the indentation and dashes starts. */
  contentCol: number;
  /** The key, when the content is `key:` or `key: value`. */
  key?: string;
  /** Column just past the key as written (quotes included). */
  keyEnd?: number;
  /** The value after `key:`, without a trailing comment, trimmed. */
  value?: string;
  /** The plain content after the dashes (without a comment) when the line holds no key. */
  scalar?: string;
}

interface FileLines {
  lines: string[];
  infos: Array<LineInfo | undefined>;
}

const cache = new WeakMap<ParsedFile, FileLines>();

function fileLines(file: ParsedFile): FileLines {
  let fl = cache.get(file);
  if (!fl) {
    const lines = file.text.split(/\r\n|\r|\n/);
    fl = { lines, infos: new Array<LineInfo | undefined>(lines.length) };
    cache.set(file, fl);
  }
  return fl;
}

export function lineCount(file: ParsedFile): number {
  return fileLines(file).lines.length;
}

export function lineText(file: ParsedFile, line: number): string {
  return fileLines(file).lines[line] ?? '';
}

const KEY_RE = /^("(?:[^"\\]|\\.)*"|'(?:[^']|'')*'|[^\s#"'{[\]},&*!|>%@`-][^#]*?|-[^\s#][^#]*?)[ \t]*:(?:[ \t]+|$)(.*)$/;

export function stripComment(s: string): string {
  // A comment starts at ` #` outside quotes.
  let quote = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (quote) {
      if (c === quote) quote = '';
    } else if (c === '"' || c === "'") {
      quote = c;
    } else if (c === '#' && (i === 0 || s[i - 1] === ' ' || s[i - 1] === '\t')) {
      return s.slice(0, i);
    }
  }
  return s;
}

export function unquote(s: string): string {
  if (s.length >= 2 && ((s.startsWith('"') && s.endsWith('"')) || (s.startsWith("'") && s.endsWith("'")))) return s.slice(1, -1);
  return s;
}

export function analyzeLine(text: string): LineInfo {
  let i = 0;
  while (i < text.length && text[i] === ' ') i++;
  const indent = i;
  const dashes: number[] = [];
  while (text[i] === '-' && (i + 1 === text.length || text[i + 1] === ' ' || text[i + 1] === '\t')) {
    dashes.push(i);
    i++;
    while (text[i] === ' ' || text[i] === '\t') i++;
  }
  const rest = text.slice(i);
  if (dashes.length === 0 && (rest.trim() === '' || rest.startsWith('#'))) {
    return { indent, blank: true, dashes, contentCol: i };
  }
  const info: LineInfo = { indent, blank: false, dashes, contentCol: i };
  const m = KEY_RE.exec(rest);
  if (m) {
    info.key = unquote(m[1]!.trim());
    info.keyEnd = i + m[1]!.trimEnd().length;
    info.value = stripComment(m[2]!).trim();
  } else {
    info.scalar = stripComment(rest).trim();
  }
  return info;
}

export function lineInfo(file: ParsedFile, line: number): LineInfo {
  const fl = fileLines(file);
  let info = fl.infos[line];
  if (!info) {
    info = analyzeLine(fl.lines[line] ?? '');
    fl.infos[line] = info;
  }
  return info;
}

const DOC_MARKER = /^(?:---|\.\.\.)(?:[ \t]|$)/;

/** True for a `---` or `...` line. */
export function isDocMarker(text: string): boolean {
  return text.charCodeAt(0) === 45 /* - */ || text.charCodeAt(0) === 46 /* . */ ? DOC_MARKER.test(text) : false;
}

/** [first content line, last line] of the YAML document around `line`. */
export function documentLines(file: ParsedFile, line: number): [number, number] {
  const fl = fileLines(file);
  let start = line;
  while (start > 0 && !isDocMarker(fl.lines[start - 1]!)) start--;
  if (isDocMarker(fl.lines[line] ?? '')) start = line + 1;
  let end = line;
  while (end + 1 < fl.lines.length && !isDocMarker(fl.lines[end + 1]!)) end++;
  return [start, end];
}

/** A top-level scalar of the document (`apiVersion`, `kind`), read textually. */
export function topLevelValue(file: ParsedFile, docStart: number, docEnd: number, key: string, skipLine = -1): string | undefined {
  for (let l = docStart; l <= docEnd; l++) {
    if (l === skipLine) continue;
    const t = lineText(file, l);
    if (t.length === 0 || t.charCodeAt(0) === 32 || t.charCodeAt(0) === 35) continue;
    const info = lineInfo(file, l);
    if (info.indent === 0 && info.dashes.length === 0 && info.key === key) return info.value ? unquote(info.value) : undefined;
  }
  return undefined;
}

/** The document's `metadata.namespace`, read textually. */
export function metadataNamespace(file: ParsedFile, docStart: number, docEnd: number): string | undefined {
  let inMeta = false;
  let childCol = -1;
  for (let l = docStart; l <= docEnd; l++) {
    const info = lineInfo(file, l);
    if (info.blank) continue;
    if (info.indent === 0 && info.dashes.length === 0) {
      if (inMeta) return undefined;
      inMeta = info.key === 'metadata' && !info.value;
      continue;
    }
    if (!inMeta || info.dashes.length > 0) continue;
    if (childCol < 0) childCol = info.contentCol;
    if (info.contentCol === childCol && info.key === 'namespace') return info.value ? unquote(info.value) : undefined;
  }
  return undefined;
}

/** A block scalar's indicator (`|`, `>-`, `|2+`) as a key's whole value. */
export const BLOCK_SCALAR = /^[|>][0-9+-]*$/;

export type Path = Array<string | number>;

/**
 * The path of the mapping whose keys sit at column `col`, for a position on `line` (whose own
 * content starts at `col`, after the sequence indicators at `dashes`). Undefined when the
 * indentation does not lead to the document root (inside a block scalar, broken structure).
 */
export function pathOfColumn(file: ParsedFile, docStart: number, line: number, col: number, dashes: number[]): Path | undefined {
  const path: Path = [];
  let state: 'map' | 'seq' = 'map';
  let c = col;
  if (dashes.length > 0) {
    for (let i = 0; i < dashes.length; i++) path.unshift(0);
    c = dashes[0]!;
    state = 'seq';
  }
  /** Steps out to a line's key (when given) and the sequence items its dashes open, updating the column and state. */
  const ascend = (info: { dashes: number[]; contentCol: number }, first: number, key?: string): void => {
    if (key !== undefined) path.unshift(key);
    if (info.dashes.length > 0) {
      for (let i = 0; i < info.dashes.length; i++) path.unshift(0);
      c = first;
      state = 'seq';
    } else {
      c = info.contentCol;
      state = 'map';
    }
  };
  for (let l = line - 1; l >= docStart; l--) {
    const info = lineInfo(file, l);
    if (info.blank) continue;
    const first = info.dashes.length > 0 ? info.dashes[0]! : info.contentCol;
    if (state === 'map') {
      if (first >= c) continue; // a sibling or something deeper
      if (info.dashes.length > 0 && info.contentCol === c) {
        // The first entry of a sequence item whose mapping holds the position.
        ascend(info, first);
        continue;
      }
      if (info.key !== undefined && info.contentCol < c) {
        if (info.value && BLOCK_SCALAR.test(info.value)) return undefined;
        if (info.value && !/^[&!]\S*$/.test(info.value)) return undefined;
        ascend(info, first, info.key);
        continue;
      }
      return undefined;
    }
    // state 'seq': the position is in an item of a sequence whose dashes sit at column c.
    if (info.dashes.length > 0 && info.dashes[0]! >= c) continue;
    if (info.dashes.length === 0 && info.indent > c) continue;
    if (info.key !== undefined && info.contentCol <= c && (!info.value || /^[&!]\S*$/.test(info.value))) {
      if (info.contentCol === c && info.dashes.length > 0) return undefined;
      ascend(info, first, info.key);
      continue;
    }
    return undefined;
  }
  if (state === 'map' && c === 0) return path;
  return undefined;
}

/**
 * The keys (with their scalar values, '' for none) of the mapping at column `col` that holds `line`,
 * read above and below it (the line itself excluded).
 */
export function siblingKeys(file: ParsedFile, docStart: number, docEnd: number, line: number, col: number, lineIsItemStart: boolean): Map<string, string> {
  const keys = new Map<string, string>();
  if (!lineIsItemStart) {
    for (let l = line - 1; l >= docStart; l--) {
      const info = lineInfo(file, l);
      if (info.blank) continue;
      const first = info.dashes.length > 0 ? info.dashes[0]! : info.contentCol;
      if (first > col) continue;
      if (info.dashes.length > 0 && first >= col) continue;
      if (info.contentCol === col && info.key !== undefined) keys.set(info.key, unquote(info.value ?? ''));
      if (info.dashes.length > 0 || info.contentCol < col) break;
    }
  }
  for (let l = line + 1; l <= docEnd; l++) {
    const info = lineInfo(file, l);
    if (info.blank) continue;
    const first = info.dashes.length > 0 ? info.dashes[0]! : info.contentCol;
    if (first < col) break;
    if (info.dashes.length > 0) continue;
    if (info.contentCol === col && info.key !== undefined) keys.set(info.key, unquote(info.value ?? ''));
  }
  return keys;
}
