/**
 * Quick fixes (code actions) for the engine's diagnostics, built from the diagnostic's code, range and `data`:
 * - any diagnostic with `data.suggestion` (did-you-mean for fields and enum values, kinds, API groups, the ssh://
 *   form of an scp-like git URL, lower-case names...): replace the range's text with it;
 * - flux/deprecated-api-version and flux/removed-api-version: migrate the apiVersion, with the field changes of
 *   that migration that are mechanical (valuesFile → valuesFiles, dropped no-op fields, patchesStrategicMerge and
 *   patchesJson6902 moved to patches: patch-migration.ts) and a note naming the fields that still need a hand;
 * - flux/missing-required (`data.field`, `data.path`): add the field with a placeholder, or all of a parent's
 *   missing fields at once.
 * Edits are plain text (a workspace edit has no tab stops); placeholders are the completion skeleton's defaults.
 */
import { isMap, isScalar, type Node, type Pair, type YAMLMap } from 'yaml';
import { documentAt, findPath, nodeOffsets, type FluxDocument, type ParsedFile } from '../document';
import { findKind } from '../kinds';
import { schemaAtPath, type SchemaRegistry } from '../schema/registry';
import type { SchemaNode } from '../schema/types';
import { formatPath, validateValue } from '../schema/validate';
import type { Range } from '../types';
import { migratePatchLists } from './patch-migration';
import { TabStops, fieldSnippetLines } from './schema-lookup';

/** A diagnostic as the editor sends it back with a code-action request (its `data` is untyped there). */
export interface ActionDiagnostic {
  range: Range;
  code?: string | number;
  message?: string;
  data?: unknown;
}

export interface EngineTextEdit {
  range: Range;
  newText: string;
}

export interface EngineCodeAction {
  title: string;
  kind: 'quickfix';
  /** The diagnostics this action fixes (as received). */
  diagnostics: ActionDiagnostic[];
  edits: EngineTextEdit[];
  isPreferred?: boolean;
}

export interface CodeActionOptions {
  registry: SchemaRegistry;
}

type Path = Array<string | number>;

interface DiagData {
  suggestion?: string;
  field?: string;
  path?: Path;
}

function dataOf(d: ActionDiagnostic): DiagData {
  const raw = d.data;
  if (typeof raw !== 'object' || raw === null) return {};
  const r = raw as Record<string, unknown>;
  const out: DiagData = {};
  if (typeof r.suggestion === 'string' && r.suggestion !== '') out.suggestion = r.suggestion;
  if (typeof r.field === 'string' && r.field !== '') out.field = r.field;
  if (Array.isArray(r.path) && r.path.every((s) => typeof s === 'string' || typeof s === 'number')) out.path = r.path as Path;
  return out;
}

const MIGRATION_CODES = new Set(['flux/deprecated-api-version', 'flux/removed-api-version']);

/** The quick fixes for the diagnostics the editor sent (those at the cursor or selection). Never throws. */
export function codeActions(file: ParsedFile, diagnostics: readonly ActionDiagnostic[], opts: CodeActionOptions): EngineCodeAction[] {
  const out: EngineCodeAction[] = [];
  const missing: ActionDiagnostic[] = [];
  for (const d of diagnostics) {
    try {
      const code = String(d.code ?? '');
      if (code === 'flux/missing-required') {
        missing.push(d);
        continue;
      }
      const data = dataOf(d);
      if (data.suggestion === undefined) continue;
      if (MIGRATION_CODES.has(code)) {
        const m = migration(file, d, data.suggestion, opts.registry);
        if (m) out.push(m);
        continue;
      }
      out.push(replacement(file, d, code, data.suggestion));
    } catch {
      // A diagnostic that does not match the text any more (the document moved on) gets no fix.
    }
  }
  if (missing.length > 0) {
    try {
      out.push(...missingFieldActions(file, missing, opts.registry));
    } catch {
      // as above
    }
  }
  return out;
}

function textOf(file: ParsedFile, r: Range): string {
  return file.text.slice(file.lineIndex.offsetAt(r.start), file.lineIndex.offsetAt(r.end));
}

/** The suggestion written the way the old scalar was (same quotes), so the fix does not change the style. */
function styled(old: string, suggestion: string): string {
  const q = old[0];
  if ((q === '"' || q === "'") && old.length >= 2 && old.endsWith(q)) {
    return q === '"' ? JSON.stringify(suggestion) : `'${suggestion.replace(/'/g, "''")}'`;
  }
  return suggestion;
}

function replacement(file: ParsedFile, d: ActionDiagnostic, code: string, suggestion: string): EngineCodeAction {
  const old = textOf(file, d.range);
  const plain = old.replace(/^(["'])(.*)\1$/s, '$2');
  const title = code === 'flux/git-url-scp'
    ? `Use the ssh:// form of the URL: ${suggestion}`
    : /^[a-z0-9.-]+\/v\d/.test(suggestion) && code !== 'flux/unknown-field'
      ? `Change apiVersion to ${suggestion}`
      : `Change '${plain}' to '${suggestion}'`;
  return {
    title, kind: 'quickfix', diagnostics: [d], isPreferred: true,
    edits: [{ range: d.range, newText: styled(old, suggestion) }],
  };
}

/** A field change of an apiVersion migration that can be done mechanically. */
interface FieldChange {
  kinds: readonly string[];
  path: readonly string[];
  /** Rename the key; `list` wraps the single value in a list (valuesFile → valuesFiles). */
  rename?: { to: string; list?: boolean };
  /** The field was removed without a replacement and had no effect any more: drop it. */
  drop?: true;
  note: string;
}

/**
 * The mechanical field changes of the migrations to the current versions (the fields the old schemas have and
 * the current ones lack, compared in the bundled schemas; what each meant from the Flux release notes).
 */
const FIELD_CHANGES: readonly FieldChange[] = [
  { kinds: ['HelmChart'], path: ['spec', 'valuesFile'], rename: { to: 'valuesFiles', list: true }, note: 'valuesFile → valuesFiles' },
  { kinds: ['HelmRelease'], path: ['spec', 'chart', 'spec', 'valuesFile'], rename: { to: 'valuesFiles', list: true }, note: 'valuesFile → valuesFiles' },
  // Flux 2 clones with go-git only; the field selected libgit2, which is gone.
  { kinds: ['GitRepository'], path: ['spec', 'gitImplementation'], drop: true, note: 'gitImplementation dropped' },
  // Kustomization v1 always validates through server-side apply dry-run; the field selected the old client-side mode.
  { kinds: ['Kustomization'], path: ['spec', 'validation'], drop: true, note: 'validation dropped' },
];

/** What to do by hand for the removed fields that cannot be changed mechanically. */
const BY_HAND: Readonly<Record<string, string>> = {
  // Left when an entry cannot be moved mechanically (patch-migration.ts): a file path, a list in flow style.
  patchesStrategicMerge: 'move to patches: Flux patches are inline YAML',
  patchesJson6902: 'move to patches',
  accessFrom: 'removed; cross-namespace access is a controller flag now',
};

function pairAt(doc: FluxDocument, path: readonly string[]): Pair | undefined {
  const hit = findPath(doc, path);
  return hit.depth === path.length ? hit.pair : undefined;
}

/** [start, end) of the whole lines a single-line `key: value` pair takes (with its newline). */
function pairLines(file: ParsedFile, pair: Pair): [number, number] | undefined {
  const k = nodeOffsets(pair.key as Node);
  const v = nodeOffsets(pair.value as Node | null) ?? k;
  if (!k || !v) return undefined;
  const start = file.lineIndex.positionAt(k[0]);
  const end = file.lineIndex.positionAt(v[1]);
  if (start.line !== end.line) return undefined;
  const from = file.lineIndex.lineStart(start.line);
  const to = start.line + 1 < file.lineIndex.lineCount ? file.lineIndex.lineStart(start.line + 1) : file.text.length;
  if (file.text.slice(from, k[0]).trim() !== '') return undefined; // `- key: v`: not a line of its own
  return [from, to];
}

function migration(file: ParsedFile, d: ActionDiagnostic, target: string, registry: SchemaRegistry): EngineCodeAction | undefined {
  const doc = documentAt(file, file.lineIndex.offsetAt(d.range.start));
  if (!doc?.kind) return undefined;
  const old = textOf(file, d.range);
  const edits: EngineTextEdit[] = [{ range: d.range, newText: styled(old, target) }];
  const notes: string[] = [];
  const handled = new Set<string>();
  for (const c of FIELD_CHANGES) {
    if (!c.kinds.includes(doc.kind)) continue;
    const pair = pairAt(doc, c.path);
    if (!pair) continue;
    if (c.drop) {
      const lines = pairLines(file, pair);
      if (!lines) continue;
      edits.push({ range: file.lineIndex.range(lines[0], lines[1]), newText: '' });
    } else if (c.rename) {
      const k = nodeOffsets(pair.key as Node);
      const v = nodeOffsets(pair.value as Node | null);
      if (!k || !v || !isScalar(pair.value)) continue;
      edits.push({ range: file.lineIndex.range(k[0], k[1]), newText: c.rename.to });
      if (c.rename.list) {
        const src = file.text.slice(v[0], v[1]);
        const item = /[,[\]{}]/.test(src) && !/^["']/.test(src) ? JSON.stringify(String(pair.value.value)) : src;
        edits.push({ range: file.lineIndex.range(v[0], v[1]), newText: `[${item}]` });
      }
    }
    handled.add(c.path.join('.'));
    notes.push(c.note);
  }
  const slash = target.lastIndexOf('/');
  const schema = registry.get(target.slice(0, slash), target.slice(slash + 1), doc.kind);
  const value = doc.value();
  const unknown: Path[] = [];
  if (schema && value !== null && typeof value === 'object') {
    for (const e of validateValue(schema, value, { partial: true })) if (e.keyword === 'unknown-field') unknown.push(e.path);
  }
  // The old patch lists move to `patches` only where the target version has no such field any more.
  const gone = new Set(unknown.map((p) => p.join('.')));
  const patches = migratePatchLists(file, doc);
  if (patches.moved.length > 0 && patches.moved.every((p) => gone.has(p))) {
    for (const e of patches.edits) edits.push({ range: file.lineIndex.range(e.from, e.to), newText: e.text });
    for (const p of patches.moved) handled.add(p);
    notes.push(...patches.notes);
  }
  const hand: string[] = [];
  for (const p of unknown) {
    if (handled.has(p.join('.'))) continue;
    const last = String(p[p.length - 1]);
    hand.push(BY_HAND[last] ? `${formatPath(p)} (${BY_HAND[last]})` : formatPath(p));
  }
  let title = `Migrate to ${target}`;
  if (notes.length > 0) title += ` (${notes.join(', ')})`;
  if (hand.length > 0) title += `; then by hand: ${hand.join(', ')}`;
  return { title, kind: 'quickfix', diagnostics: [d], edits, isPreferred: hand.length === 0 };
}

/** Plain text of a snippet: each placeholder becomes its default (first choice, or nothing). */
export function snippetToText(snippet: string): string {
  return snippet
    .replace(/\$\{\d+\|((?:\\.|[^,|\\])*)[,|](?:\\.|[^}\\])*\}/g, '$1')
    .replace(/\$\{\d+:((?:\\.|[^}\\])*)\}/g, '$1')
    .replace(/\$\{\d+\}|\$\d+/g, '')
    .replace(/\\([\\$}|,])/g, '$1');
}

function childSchema(registry: SchemaRegistry, doc: FluxDocument, path: Path, field: string): SchemaNode | undefined {
  if (!doc.group || !doc.version || !doc.kind) return undefined;
  const root = registry.get(doc.group, doc.version, doc.kind) ?? (() => {
    const k = findKind(doc.kind!, doc.group);
    return k ? registry.get(k.group, k.current, k.kind) : undefined;
  })();
  const parent = root ? schemaAtPath(root, path) : undefined;
  return parent?.properties?.[field];
}

/** Where the fields of the object at `path` go: an offset and the lines' indentation and framing. */
interface Insertion {
  offset: number;
  indent: number;
  /** Text before the lines (a newline when inserting at the end of a line). */
  lead: string;
  /** Replace this range too (an empty `{}` value). */
  replace?: [number, number];
}

function insertionPoint(file: ParsedFile, doc: FluxDocument, path: Path): Insertion | undefined {
  const hit = findPath(doc, path);
  if (hit.depth !== path.length) return undefined;
  const node = hit.node;
  if (isMap(node) && !(node as YAMLMap).flow && node.items.length > 0) {
    const first = nodeOffsets(node.items[0]!.key as Node);
    const last = node.items[node.items.length - 1]!;
    const end = nodeOffsets(last.value as Node | null)?.[1] ?? nodeOffsets(last.key as Node)?.[1];
    if (!first || end === undefined) return undefined;
    const indent = file.lineIndex.positionAt(first[0]).character;
    // After the map's last line (trailing spaces and newlines of the value are not part of it).
    let e = end;
    while (e > first[0] && /\s/.test(file.text[e - 1]!)) e--;
    const line = file.lineIndex.positionAt(e).line;
    if (line + 1 < file.lineIndex.lineCount) return { offset: file.lineIndex.lineStart(line + 1), indent, lead: '' };
    return { offset: file.text.length, indent, lead: '\n' };
  }
  // `spec:` with no value, or `spec: {}`: the fields go on the lines after the key.
  const key = hit.pair ? nodeOffsets(hit.pair.key as Node) : undefined;
  if (!key) return undefined;
  const empty = node === null || (isScalar(node) && (node.value === null || node.value === ''));
  const emptyFlow = isMap(node) && (node as YAMLMap).flow && node.items.length === 0;
  if (!empty && !emptyFlow) return undefined;
  const keyPos = file.lineIndex.positionAt(key[0]);
  const lineEnd = file.lineIndex.lineStart(keyPos.line) + file.lineIndex.lineText(keyPos.line).replace(/\r$/, '').length;
  const ins: Insertion = { offset: lineEnd, indent: keyPos.character + 2, lead: '\n' };
  const v = nodeOffsets(node);
  if (emptyFlow && v) {
    // `key: {}` becomes `key:` followed by the fields.
    let s = v[0];
    while (s > key[1] && file.text[s - 1] === ' ') s--;
    ins.replace = [s, v[1]];
    ins.offset = v[1];
  }
  return ins;
}

function missingFieldActions(file: ParsedFile, diags: ActionDiagnostic[], registry: SchemaRegistry): EngineCodeAction[] {
  const groups = new Map<string, { doc: FluxDocument; path: Path; items: Array<{ d: ActionDiagnostic; field: string }> }>();
  for (const d of diags) {
    const { field, path } = dataOf(d);
    if (field === undefined || path === undefined) continue;
    const doc = documentAt(file, file.lineIndex.offsetAt(d.range.start));
    if (!doc) continue;
    const key = `${doc.index}:${JSON.stringify(path)}`;
    let g = groups.get(key);
    if (!g) groups.set(key, g = { doc, path, items: [] });
    if (!g.items.some((i) => i.field === field)) g.items.push({ d, field });
  }
  const out: EngineCodeAction[] = [];
  for (const g of groups.values()) {
    const at = insertionPoint(file, g.doc, g.path);
    if (!at) continue;
    const pad = ' '.repeat(at.indent);
    const linesOf = (f: string, indent: string): string[] =>
      fieldSnippetLines(f, childSchema(registry, g.doc, g.path, f), new TabStops(), 3).map((l) => `${indent}${snippetToText(l)}`.replace(/\s+$/, ''));
    const edit = (fields: string[]): EngineTextEdit[] => {
      const edits: EngineTextEdit[] = [];
      const added: string[] = [];
      for (const f of fields) {
        // `sourceRef:` written without a value: its own line is replaced by the skeleton.
        const pair = pairAt(g.doc, [...g.path.map(String), f]);
        const lines = pair ? pairLines(file, pair) : undefined;
        if (pair && lines) {
          const col = file.lineIndex.positionAt(nodeOffsets(pair.key as Node)![0]).character;
          edits.push({ range: file.lineIndex.range(lines[0], lines[1]), newText: `${linesOf(f, ' '.repeat(col)).join('\n')}\n` });
        } else {
          added.push(...linesOf(f, pad));
        }
      }
      if (added.length > 0) {
        const body = added.join('\n');
        if (at.replace) edits.push({ range: file.lineIndex.range(at.replace[0], at.replace[1]), newText: '' });
        edits.push({ range: file.lineIndex.range(at.offset, at.offset), newText: at.lead === '' ? `${body}\n` : `${at.lead}${body}` });
      }
      return edits;
    };
    const where = g.path.length === 0 ? '' : ` to ${formatPath(g.path)}`;
    for (const { d, field } of g.items) {
      out.push({ title: `Add required field '${field}'${where}`, kind: 'quickfix', diagnostics: [d], edits: edit([field]), isPreferred: g.items.length === 1 });
    }
    if (g.items.length > 1) {
      out.push({
        title: `Add the ${g.items.length} missing required fields${where} (${g.items.map((i) => i.field).join(', ')})`,
        kind: 'quickfix', diagnostics: g.items.map((i) => i.d), edits: edit(g.items.map((i) => i.field)), isPreferred: true,
      });
    }
  }
  return out;
}
