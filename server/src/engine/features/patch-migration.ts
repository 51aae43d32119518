/**
 * The `patchesStrategicMerge` / `patchesJson6902` → `patches` part of an apiVersion migration (Kustomization
 * v1beta1/v1beta2 → v1 and the kustomize post-renderer of HelmRelease v2beta1/v2beta2 → v2), as text edits:
 * - each strategic-merge entry (an inline YAML object) becomes `- patch: |` holding that object's YAML, with no
 *   target (kustomize then patches the object the patch names by apiVersion, kind and name);
 * - each JSON 6902 entry (`target` + a list of operations) becomes `- patch: |` holding the operations' YAML,
 *   with the same `target`.
 * The entries' own text is kept (comments included) and only re-indented; where it cannot be (flow style, odd
 * indentation), the entry's value is written anew. Order: the strategic-merge entries before any existing
 * `patches` entries and the JSON 6902 entries after them, the order kustomize applied the three lists in.
 * An entry that cannot be moved (a file path string: Flux's `patches` are inline only; a JSON 6902 entry without
 * its operations list) leaves its whole field for the user, who is told so in the action's title.
 */
import { isCollection, isMap, isScalar, isSeq, stringify, type Node, type Pair, type YAMLSeq } from 'yaml';
import { findPath, nodeOffsets, type FluxDocument, type ParsedFile } from '../document';

export interface PatchMigration {
  /** [from, to) offsets in the file and the text replacing them; not overlapping. */
  edits: Array<{ from: number; to: number; text: string }>;
  /** Dotted paths of the fields moved (as validation reports them: `spec.patchesStrategicMerge`). */
  moved: string[];
  /** Title notes, e.g. `patchesStrategicMerge → patches`. */
  notes: string[];
}

type Path = Array<string | number>;

const OLD_FIELDS = ['patchesStrategicMerge', 'patchesJson6902'] as const;

/** The objects that hold kustomize patch lists in the kinds whose migrations drop the old fields. */
function patchHolders(doc: FluxDocument): Path[] {
  if (doc.kind === 'Kustomization') return [['spec']];
  if (doc.kind !== 'HelmRelease') return [];
  const renderers = findPath(doc, ['spec', 'postRenderers']);
  if (renderers.depth !== 2 || !isSeq(renderers.node)) return [];
  return renderers.node.items.map((_, i): Path => ['spec', 'postRenderers', i, 'kustomize']);
}

function pairAt(doc: FluxDocument, path: Path): Pair | undefined {
  const hit = findPath(doc, path);
  return hit.depth === path.length ? hit.pair : undefined;
}

function column(file: ParsedFile, offset: number): number {
  return file.lineIndex.positionAt(offset).character;
}

function lineStartOf(file: ParsedFile, offset: number): number {
  return file.lineIndex.lineStart(file.lineIndex.positionAt(offset).line);
}

/** The offset just after the line holding `offset - 1` (its newline included), or the end of the text. */
function afterLine(file: ParsedFile, end: number): number {
  if (end > 0 && file.text[end - 1] === '\n') return end;
  const line = file.lineIndex.positionAt(end).line;
  return line + 1 < file.lineIndex.lineCount ? file.lineIndex.lineStart(line + 1) : file.text.length;
}

/**
 * [start, end) of the whole lines a block `key:` pair takes, trailing comment lines of its value included, or
 * undefined when the key does not start its own line.
 */
function pairLines(file: ParsedFile, pair: Pair): [number, number] | undefined {
  const k = nodeOffsets(pair.key as Node);
  if (!k) return undefined;
  const from = lineStartOf(file, k[0]);
  if (file.text.slice(from, k[0]).trim() !== '') return undefined;
  const v = nodeOffsets(pair.value as Node | null) ?? k;
  return [from, afterLine(file, v[1])];
}

/**
 * A node's YAML as lines starting at column 0: its source text, re-indented, from `start` up to `end` (an item
 * with the comment lines before the next item), or the value written anew when the source cannot be shifted.
 */
function yamlLines(file: ParsedFile, doc: FluxDocument, node: Node, start: number, end: number): string[] {
  if (isCollection(node) && !node.flow) {
    const col = column(file, start);
    const lines = file.text.slice(start, end).replace(/\s+$/, '').split(/\r?\n/);
    const out: string[] = [lines[0]!];
    let ok = true;
    for (const l of lines.slice(1)) {
      if (l.trim() === '') out.push('');
      else if (l.startsWith(' '.repeat(col))) out.push(l.slice(col));
      else if (l.trimStart().startsWith('#')) out.push(l.trimStart());
      else { ok = false; break; }
    }
    if (ok) return out;
  } else if (isCollection(node) || isScalar(node)) {
    const src = file.text.slice(start, nodeOffsets(node)?.[1] ?? end);
    if (!src.includes('\n')) return [src];
  }
  return stringify(node.toJSON(doc.yaml), { lineWidth: 0 }).replace(/\n$/, '').split('\n');
}

/** `text` as the lines of a literal block scalar's content, or undefined when `|` cannot hold it. */
function blockScalar(lines: string[]): string[] | undefined {
  if (lines.length === 0 || /^\s/.test(lines[0]!)) return undefined;
  if (lines.some((l) => /\t/.test(l.match(/^\s*/)![0]))) return undefined;
  return lines;
}

/** Lines indented by `n` spaces (blank lines stay empty). */
function indented(lines: readonly string[], n: number): string[] {
  return lines.map((l) => (l === '' ? '' : `${' '.repeat(n)}${l}`));
}

/** Each entry of an old field as `patches` entry lines (column 0), or undefined when one cannot be moved. */
function convert(file: ParsedFile, doc: FluxDocument, field: (typeof OLD_FIELDS)[number], seq: YAMLSeq): string[][] | undefined {
  const out: string[][] = [];
  const v = nodeOffsets(seq as unknown as Node);
  if (!v) return undefined;
  for (let i = 0; i < seq.items.length; i++) {
    const item = seq.items[i] as Node | null;
    const r = nodeOffsets(item);
    if (!item || !r) return undefined;
    const next = seq.items[i + 1] as Node | undefined;
    const nextStart = next && nodeOffsets(next) ? lineStartOf(file, nodeOffsets(next)![0]) : v[1];
    const end = seq.flow ? r[1] : Math.max(r[1], nextStart);
    if (field === 'patchesStrategicMerge') {
      let body: string[] | undefined;
      if (isMap(item)) body = blockScalar(yamlLines(file, doc, item, r[0], end));
      // An inline patch written as a string (kustomize's form); a one-line string is a file path.
      else if (isScalar(item) && typeof item.value === 'string' && item.value.includes('\n')) body = blockScalar(item.value.replace(/\n$/, '').split('\n'));
      if (!body) return undefined;
      out.push(['- patch: |', ...indented(body, 4)]);
    } else {
      if (!isMap(item)) return undefined;
      const ops = item.items.find((p) => isScalar(p.key) && p.key.value === 'patch');
      const target = item.items.find((p) => isScalar(p.key) && p.key.value === 'target');
      if (!ops || !isSeq(ops.value)) return undefined;
      const o = nodeOffsets(ops.value as Node)!;
      const body = blockScalar(yamlLines(file, doc, ops.value as Node, o[0], o[1]));
      if (!body) return undefined;
      const lines = ['- patch: |', ...indented(body, 4)];
      if (target && isCollection(target.value)) {
        const t = nodeOffsets(target.value as Node)!;
        lines.push('  target:', ...indented(yamlLines(file, doc, target.value as Node, t[0], t[1]), 4));
      }
      out.push(lines);
    }
  }
  return out;
}

/** Indentation of the `- ` of a block sequence's items (the first item's line), or undefined. */
function itemIndent(file: ParsedFile, seq: YAMLSeq): number | undefined {
  const first = nodeOffsets(seq.items[0] as Node | undefined);
  if (!first || seq.flow) return undefined;
  const from = lineStartOf(file, first[0]);
  const lead = file.text.slice(from, first[0]);
  return /^ *- +$/.test(lead) ? lead.indexOf('-') : undefined;
}

/** The edits that move the old patch lists of one document to `patches`. */
export function migratePatchLists(file: ParsedFile, doc: FluxDocument): PatchMigration {
  const result: PatchMigration = { edits: [], moved: [], notes: [] };
  for (const base of patchHolders(doc)) {
    const moved: Array<{ field: string; lines: [number, number]; entries: string[][]; indent: number; keyCol: number }> = [];
    for (const field of OLD_FIELDS) {
      const pair = pairAt(doc, [...base, field]);
      if (!pair) continue;
      const lines = pairLines(file, pair);
      const value = pair.value as Node | null;
      if (!lines) continue;
      const keyCol = column(file, nodeOffsets(pair.key as Node)![0]);
      let entries: string[][] | undefined;
      let indent = keyCol + 2;
      if (value === null || (isScalar(value) && value.value === null)) entries = [];
      else if (isSeq(value)) {
        entries = convert(file, doc, field, value);
        indent = itemIndent(file, value) ?? indent;
      }
      if (entries) moved.push({ field, lines, entries, indent, keyCol });
    }
    if (moved.length === 0) continue;
    const psm = moved.find((m) => m.field === 'patchesStrategicMerge')?.entries ?? [];
    const j69 = moved.find((m) => m.field === 'patchesJson6902')?.entries ?? [];
    const render = (entries: string[][], indent: number): string =>
      entries.map((e) => indented(e, indent).join('\n')).join('\n');
    const existing = pairAt(doc, [...base, 'patches']);
    const edits: PatchMigration['edits'] = [];
    if (existing && isSeq(existing.value) && existing.value.items.length > 0) {
      const seq = existing.value;
      const indent = itemIndent(file, seq);
      const end = nodeOffsets(seq as unknown as Node);
      if (indent === undefined || !end) continue; // a flow list: left for the user
      if (psm.length > 0) edits.push({ from: lineStartOf(file, nodeOffsets(seq.items[0] as Node)![0]), to: lineStartOf(file, nodeOffsets(seq.items[0] as Node)![0]), text: `${render(psm, indent)}\n` });
      if (j69.length > 0) {
        const at = afterLine(file, end[1]);
        edits.push({ from: at, to: at, text: `${at === file.text.length && !file.text.endsWith('\n') ? '\n' : ''}${render(j69, indent)}\n` });
      }
      for (const m of moved) edits.push({ from: m.lines[0], to: m.lines[1], text: '' });
    } else {
      // No `patches` (or an empty one): the new list takes the place of the first old field.
      const empty = existing && (existing.value === null || (isScalar(existing.value) && existing.value.value === null) || (isSeq(existing.value) && existing.value.items.length === 0));
      if (existing && !empty) continue;
      const first = [...moved].sort((a, b) => a.lines[0] - b.lines[0])[0]!;
      const all = [...psm, ...j69];
      const trailing = first.lines[1] === file.text.length && !file.text.endsWith('\n') ? '' : '\n';
      const text = all.length === 0 ? '' : `${' '.repeat(first.keyCol)}patches:\n${render(all, first.indent)}${trailing}`;
      for (const m of moved) edits.push({ from: m.lines[0], to: m.lines[1], text: m === first ? text : '' });
      if (existing) {
        const l = pairLines(file, existing);
        if (!l) continue;
        edits.push({ from: l[0], to: l[1], text: '' });
      }
    }
    result.edits.push(...edits);
    for (const m of moved) {
      result.moved.push([...base, m.field].join('.'));
      const note = `${m.field} → patches`;
      if (!result.notes.includes(note)) result.notes.push(note);
    }
  }
  result.edits = merged(result.edits);
  return result;
}

/** Sorted edits with touching ones joined (an insertion where a deletion starts becomes one replacement). */
function merged(edits: PatchMigration['edits']): PatchMigration['edits'] {
  const sorted = [...edits].sort((a, b) => a.from - b.from || a.to - b.to);
  const out: PatchMigration['edits'] = [];
  for (const e of sorted) {
    const last = out[out.length - 1];
    if (last && e.from <= last.to) {
      last.text += e.text;
      last.to = Math.max(last.to, e.to);
    } else out.push({ ...e });
  }
  return out;
}
