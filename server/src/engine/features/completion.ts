/**
 * Completion: apiVersion/kind pairs with a skeleton of the required fields for a new document, keys at
 * any depth (required first, present ones left out), enum and boolean values. It reads the cursor's
 * context from the indentation (text-context.ts), so it works on half-typed YAML.
 */
import { fluxCompletionWanted } from '../document/flux-text';
import { LineIndex } from '../document/line-index';
import { BINARY_FATAL, isChartTemplate, type ParsedFile } from '../document/parse';
import { referenceFieldAt } from '../index/references';
import type { WorkspaceIndex } from '../index/workspace-index';
import { FLUX_KINDS, findKind, isFluxGroup, splitApiVersion, type FluxKindInfo } from '../kinds';
import { schemaAtPath, type SchemaRegistry } from '../schema/registry';
import type { SchemaNode } from '../schema/types';
import type { Position, Range } from '../types';
import { COMMON_SPEC_KEYS, documentedSkeleton } from './skeletons';
import {
  TabStops, fieldSnippetLines, isObjectSchema, requiredLines, schemaFor, typeLabel,
} from './schema-lookup';
import {
  analyzeLine, documentLines, lineCount, lineText, metadataNamespace, pathOfColumn, siblingKeys, topLevelValue, type Path,
} from './text-context';

export interface EngineCompletionItem {
  label: string;
  kind: 'property' | 'value' | 'snippet' | 'enum' | 'keyword';
  detail?: string;
  documentation?: string;
  insertText?: string;
  insertTextFormat?: 'snippet' | 'plain';
  range?: Range;
  sortText?: string;
  filterText?: string;
}

const TOP_LEVEL_KEYS = ['apiVersion', 'kind', 'metadata', 'spec'];

/** ObjectMeta fields the API server sets: never written in a manifest, so never offered. */
const SERVER_SET_METADATA = new Set([
  'creationTimestamp', 'deletionGracePeriodSeconds', 'deletionTimestamp', 'generation', 'managedFields',
  'resourceVersion', 'selfLink', 'uid',
]);
/** The metadata fields a manifest usually has, offered first (name and namespace identify the object). */
const METADATA_FIRST = ['name', 'namespace', 'labels', 'annotations'];

interface Cursor {
  file: ParsedFile;
  line: number;
  col: number;
  before: string;
  after: string;
  docStart: number;
  docEnd: number;
}

function range(line: number, start: number, end: number): Range {
  return { start: { line, character: start }, end: { line, character: end } };
}

function fieldDoc(s: SchemaNode | undefined, kindInfo: FluxKindInfo | undefined): string | undefined {
  const parts: string[] = [];
  if (s?.description) parts.push(s.description);
  if (kindInfo) parts.push(`[${kindInfo.kind} documentation](${kindInfo.docsUrl})`);
  return parts.length > 0 ? parts.join('\n\n') : undefined;
}

/**
 * The full skeleton of a new Flux object: the documented one (skeletons.ts), else apiVersion, kind, metadata and
 * the required spec fields from the schema.
 */
export function objectSkeleton(k: FluxKindInfo, registry: SchemaRegistry): string {
  const documented = documentedSkeleton(k.kind);
  if (documented) return documented.body;
  const root = registry.get(k.group, k.current, k.kind);
  const stops = new TabStops();
  const lines = [
    `apiVersion: ${k.group}/${k.current}`,
    `kind: ${k.kind}`,
    'metadata:',
    `  name: \${${stops.next()}:name}`,
    `  namespace: \${${stops.next()}:flux-system}`,
  ];
  const spec = root?.properties?.spec;
  const inner = spec ? requiredLines(spec, stops, 3) : [];
  if (inner.length > 0) lines.push('spec:', ...inner.map((l) => `  ${l}`), '  $0');
  else lines.push('spec:', '  $0');
  return lines.join('\n');
}

function pairItems(registry: SchemaRegistry, r: Range): EngineCompletionItem[] {
  return FLUX_KINDS.map((k, i): EngineCompletionItem => {
    const apiVersion = `${k.group}/${k.current}`;
    return {
      label: `${k.kind} (${apiVersion})`,
      kind: 'snippet',
      detail: `New ${k.kind} with its required fields`,
      documentation: `\`apiVersion: ${apiVersion}\`, \`kind: ${k.kind}\`\n\n[${k.kind} documentation](${k.docsUrl})`,
      insertText: objectSkeleton(k, registry),
      insertTextFormat: 'snippet',
      range: r,
      sortText: `0${String(i).padStart(2, '0')}`,
      // The snippet prefix first, so typing `flux-kus…` keeps this item (and the snippet) in the list.
      filterText: `${documentedSkeleton(k.kind)?.prefix ?? `flux-${k.kind.toLowerCase()}`} ${k.kind} apiVersion ${apiVersion}`,
    };
  });
}

function apiVersionItems(kind: string | undefined, r: Range): EngineCompletionItem[] {
  const k = kind ? FLUX_KINDS.find((x) => x.kind === kind) : undefined;
  const kinds = k ? [k] : FLUX_KINDS;
  const out: EngineCompletionItem[] = [];
  const seen = new Set<string>();
  for (const info of kinds) {
    const versions = k ? [...info.versions].reverse() : info.versions.filter((v) => v.version === info.current);
    for (const v of versions) {
      const apiVersion = `${info.group}/${v.version}`;
      if (seen.has(apiVersion)) continue;
      seen.add(apiVersion);
      const status = v.version === info.current ? 'current' : v.removedIn ? `removed in Flux ${v.removedIn}` : `deprecated since Flux ${v.deprecatedIn ?? '?'}`;
      out.push({
        label: apiVersion, kind: 'value', detail: k ? `${info.kind}: ${status}` : status,
        insertText: apiVersion, insertTextFormat: 'plain', range: r, sortText: `${v.version === info.current ? 0 : 1}${String(out.length).padStart(3, '0')}`,
      });
    }
  }
  return out;
}

function kindItems(apiVersion: string | undefined, r: Range): EngineCompletionItem[] {
  const group = apiVersion ? splitApiVersion(apiVersion).group : undefined;
  const kinds = group && isFluxGroup(group) ? FLUX_KINDS.filter((k) => k.group === group) : FLUX_KINDS;
  return kinds.map((k, i) => ({
    label: k.kind, kind: 'value' as const, detail: `${k.group}/${k.current}`,
    documentation: `[${k.kind} documentation](${k.docsUrl})`,
    insertText: k.kind, insertTextFormat: 'plain' as const, range: r, sortText: String(i).padStart(3, '0'),
  }));
}

function scalarValueItems(s: SchemaNode | undefined, r: Range): EngineCompletionItem[] {
  if (!s) return [];
  const out: EngineCompletionItem[] = [];
  if (s.enum && s.enum.length > 0) {
    s.enum.forEach((v, i) => {
      const text = String(v);
      out.push({
        label: text, kind: 'enum', detail: s.default === v ? 'default' : undefined, insertText: text,
        insertTextFormat: 'plain', range: r, sortText: `${s.default === v ? 0 : 1}${String(i).padStart(3, '0')}`,
      });
    });
    return out;
  }
  if (s.type === 'boolean') {
    for (const b of [true, false]) {
      out.push({
        label: String(b), kind: 'value', detail: s.default === b ? 'default' : undefined, insertText: String(b),
        insertTextFormat: 'plain', range: r, sortText: s.default === b ? '0' : '1',
      });
    }
  }
  return out;
}

/** The word (key characters) around the cursor: [start, end) columns on the line. */
function wordAround(text: string, col: number, start: number): [number, number] {
  let end = col;
  while (end < text.length && /[^\s:#]/.test(text[end]!)) end++;
  return [start, end];
}

function keyItems(
  cur: Cursor, parent: SchemaNode, present: ReadonlyMap<string, string>, kindInfo: FluxKindInfo | undefined,
  keyCol: number, extraIndent: number, excludeStatus: boolean, isMetadata = false, common: readonly string[] = [],
): EngineCompletionItem[] {
  const props = parent.properties;
  if (!props) return [];
  const [ws, we] = wordAround(cur.before + cur.after, cur.col, keyCol);
  const r = range(cur.line, ws, we);
  // A key that already has its colon (`bra|nch: main`): replace the key only.
  const hasColon = /^[^\s:#]*[ \t]*:/.test(cur.after);
  const required = new Set(parent.required ?? []);
  const pad = ' '.repeat(extraIndent);
  const out: EngineCompletionItem[] = [];
  for (const [key, s] of Object.entries(props)) {
    if (present.has(key)) continue;
    if (excludeStatus && key === 'status') continue;
    if (isMetadata && SERVER_SET_METADATA.has(key)) continue;
    const isReq = required.has(key) || (isMetadata && key === 'name');
    // Required first, then the keys users write most for the kind, then the rest (alphabetical within each).
    const rank = isMetadata && METADATA_FIRST.includes(key) ? `0${METADATA_FIRST.indexOf(key)}`
      : isReq ? '0' : common.includes(key) ? `1${String(common.indexOf(key)).padStart(2, '0')}` : '2';
    let insertText: string;
    let format: 'snippet' | 'plain';
    if (hasColon) {
      insertText = key;
      format = 'plain';
    } else {
      const lines = fieldSnippetLines(key, s, new TabStops(), 2);
      if (lines.length === 1 && !/\$\{/.test(lines[0]!)) lines[0] += '$0';
      insertText = lines.map((l, i) => (i === 0 ? l : pad + l)).join('\n');
      format = 'snippet';
    }
    out.push({
      label: key,
      kind: 'property',
      detail: `${typeLabel(s)}${isReq ? ' (required)' : ''}`,
      documentation: fieldDoc(s, kindInfo),
      insertText,
      insertTextFormat: format,
      range: r,
      sortText: `${rank}${key}`,
      filterText: key,
    });
  }
  return out;
}

/**
 * Names for a reference's `name` (sourceRef, dependsOn[], ...): the workspace's objects of the referenced
 * kind, those in the namespace the reference resolves to first.
 */
function referenceNameItems(
  file: ParsedFile, cur: Cursor, docKind: string, mapPath: Path, keyCol: number, dashes: number[], index: WorkspaceIndex, r: Range,
): EngineCompletionItem[] {
  const field = referenceFieldAt(docKind, mapPath);
  if (!field) return [];
  const siblings = siblingKeys(file, cur.docStart, cur.docEnd, cur.line, keyCol, dashes.length > 0);
  const refKind = siblings.get('kind') || field.defaultKind;
  const kinds = refKind ? [refKind] : [...(field.allowedKinds ?? [])];
  const referrerNs = metadataNamespace(file, cur.docStart, cur.docEnd);
  const ns = (field.namespaced ? siblings.get('namespace') : undefined) || referrerNs;
  const out: EngineCompletionItem[] = [];
  const seen = new Set<string>();
  for (const o of index.all()) {
    if (!kinds.includes(o.kind)) continue;
    const label = `${o.kind}/${o.namespace ?? ''}/${o.name}`;
    if (seen.has(label)) continue;
    seen.add(label);
    const near = ns === undefined || o.namespace === undefined || o.namespace === ns;
    out.push({
      label: o.name, kind: 'value', detail: o.namespace ? `${o.kind} ${o.namespace}/${o.name}` : `${o.kind} ${o.name}`,
      insertText: o.name, insertTextFormat: 'plain', range: r, sortText: `${near ? 0 : 1}${o.name}`,
    });
  }
  return out;
}

/**
 * Whether a completion that opened by itself on a trigger character has a choice to offer: right after `key:` or
 * `key: ` (the value is then picked from a list, or nothing is shown), or after `- ` (an item of a list). Never
 * on a bare space in indentation or text, never on `-` alone; Enter is no trigger at all.
 */
export function choiceDue(before: string, trigger: string): boolean {
  if (trigger === ':') return /[^\s:#]:$/.test(before);
  if (trigger === ' ') return /[^\s:#][ \t]*:[ \t]$/.test(before) || /^[ \t]*(- )+$/.test(before);
  return false;
}

function complete0(file: ParsedFile, position: Position, registry: SchemaRegistry, index?: WorkspaceIndex, trigger?: string): EngineCompletionItem[] {
  if (file.fatal || file.isTemplate) return [];
  if (position.line < 0 || position.line >= lineCount(file)) return [];
  const text = lineText(file, position.line);
  if (!fluxCompletionWanted(file.text, position.line, text)) return []; // a docker-compose file, a workflow...
  const col = Math.max(0, Math.min(position.character, text.length));
  const before = text.slice(0, col);
  const after = text.slice(col);
  if (trigger !== undefined && !choiceDue(before, trigger)) return [];
  if (/(^|\s)#/.test(before)) return []; // in a comment
  if (/^(---|\.\.\.)/.test(before)) return [];
  const [docStart, docEnd] = documentLines(file, position.line);
  const cur: Cursor = { file, line: position.line, col, before, after, docStart, docEnd };
  const apiVersion = topLevelValue(file, docStart, docEnd, 'apiVersion', position.line);
  const kind = topLevelValue(file, docStart, docEnd, 'kind', position.line);

  const info = analyzeLine(before);
  const keyCol = info.contentCol;

  // Value position: `key: partial`.
  if (info.key !== undefined && info.value !== undefined && !/^[|>]/.test(info.value)) {
    // Right after the colon (the `:` trigger character): values are inserted with a leading space.
    const glued = info.value === '' && before.endsWith(':');
    const valueStart = glued ? col : before.length - before.replace(/^.*?:[ \t]+/, '').length;
    if (valueStart <= keyCol) return [];
    let valueEnd = col;
    while (valueEnd < text.length && text[valueEnd] !== '#' && text[valueEnd] !== '\r') valueEnd++;
    while (valueEnd > col && /\s/.test(text[valueEnd - 1]!)) valueEnd--;
    const r = range(position.line, valueStart, valueEnd);
    const path = pathOfColumn(file, docStart, position.line, keyCol, info.dashes);
    if (!path) return [];
    const spaced = (list: EngineCompletionItem[]): EngineCompletionItem[] =>
      glued ? list.map((it) => ({ ...it, insertText: ` ${it.insertText ?? it.label}`, filterText: ` ${it.label}` })) : list;
    if (path.length === 0 && info.key === 'apiVersion') return spaced(apiVersionItems(kind, r));
    if (path.length === 0 && info.key === 'kind') return spaced(kindItems(apiVersion, r));
    if (info.key === 'name' && index && kind) {
      const names = referenceNameItems(file, cur, kind, path, keyCol, info.dashes, index, r);
      if (names.length > 0) return spaced(names);
    }
    const hit = schemaFor(registry, apiVersion, kind);
    if (!hit?.root) return [];
    return spaced(scalarValueItems(schemaAtPath(hit.root, [...path, info.key]), r));
  }
  if (info.key !== undefined || info.value !== undefined) return [];
  // Key position: only indentation, sequence indicators and a partial key before the cursor.
  const word = info.scalar ?? '';
  if (!/^[^\s:#"'{[]*$/.test(word)) return [];
  const path = pathOfColumn(file, docStart, position.line, keyCol, info.dashes);
  if (!path) return [];
  if (path.length === 0) {
    const items: EngineCompletionItem[] = [];
    if (!apiVersion && !kind && info.dashes.length === 0) {
      const [, we] = wordAround(text, col, 0);
      items.push(...pairItems(registry, range(position.line, 0, we)));
    }
    if (apiVersion && !isFluxGroup(splitApiVersion(apiVersion).group)) return [];
    if (!apiVersion && kind && !findKind(kind)) return []; // e.g. a ConfigMap still missing its apiVersion
    const hit = schemaFor(registry, apiVersion, kind);
    const present = siblingKeys(file, docStart, docEnd, position.line, 0, false);
    const root: SchemaNode = hit?.root ?? {
      properties: Object.fromEntries(TOP_LEVEL_KEYS.map((k): [string, SchemaNode] => [k, { type: k === 'metadata' || k === 'spec' ? 'object' : 'string' }])),
    };
    const kindInfo = hit?.kindInfo ?? (kind ? findKind(kind) : undefined);
    items.push(...keyItems(cur, root, present, kindInfo, keyCol, 0, true).map((it) => {
      if (it.insertTextFormat !== 'snippet') return it;
      if (it.label === 'apiVersion' && kindInfo) {
        return { ...it, insertText: `apiVersion: ${kindInfo.group}/${kindInfo.current}` };
      }
      if (it.label === 'kind') {
        const group = apiVersion ? splitApiVersion(apiVersion).group : undefined;
        const kinds = FLUX_KINDS.filter((k) => group === undefined || k.group === group).map((k) => k.kind);
        if (kinds.length > 0) return { ...it, insertText: `kind: \${1|${kinds.join(',')}|}` };
      }
      return it;
    }));
    return items;
  }
  const hit = schemaFor(registry, apiVersion, kind);
  if (!hit?.root) return [];
  const parent = schemaAtPath(hit.root, path);
  if (!parent) return [];
  if (!parent.properties || (typeof path[path.length - 1] === 'number' && !isObjectSchema(parent))) {
    // `- |` in a list of scalars: its values.
    if (info.dashes.length > 0 && typeof path[path.length - 1] === 'number') {
      const [, we] = wordAround(text, col, keyCol);
      return scalarValueItems(parent, range(position.line, keyCol, we));
    }
    return [];
  }
  const present = siblingKeys(file, docStart, docEnd, position.line, keyCol, info.dashes.length > 0);
  const extra = info.dashes.length > 0 ? keyCol - info.indent : 0;
  const isMetadata = path.length === 1 && path[0] === 'metadata';
  const common = path.length === 1 && path[0] === 'spec' && kind ? COMMON_SPEC_KEYS[kind] : undefined;
  return keyItems(cur, parent, present, hit.kindInfo, keyCol, extra, false, isMetadata, common);
}


/**
 * A file for completion without parsing it: completion reads the text and its indentation only, so
 * it need not wait for a YAML parse of a large file on every keystroke.
 */
export function textOnlyFile(text: string, uri?: string, version?: number): ParsedFile {
  const file: ParsedFile = {
    text, lineIndex: new LineIndex(text), documents: [], isTemplate: isChartTemplate(text, uri), looksFlux: false,
  };
  if (uri !== undefined) file.uri = uri;
  if (version !== undefined) file.version = version;
  if (text.indexOf('\u0000') >= 0) file.fatal = BINARY_FATAL;
  return file;
}

/**
 * Completion items at a position (it reads `file.text` only: a parsed file or a textOnlyFile). With a workspace index, a reference's `name` offers the workspace's
 * objects of the referenced kind. `trigger`: the character that opened the list by itself (see choiceDue); none when
 * the user asked (Ctrl+Space) or kept typing a word. Never throws: bad input yields no items.
 */
export function complete(
  file: ParsedFile, position: Position, registry: SchemaRegistry, index?: WorkspaceIndex, trigger?: string,
): EngineCompletionItem[] {
  try {
    return complete0(file, position, registry, index, trigger);
  } catch {
    return [];
  }
}
