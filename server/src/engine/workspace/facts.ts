/**
 * File facts: the compact summary of one file that the fleet model works from. It is extracted from the parse
 * the per-file analysis makes anyway, so the model never parses a file a second time and keeps no parse tree:
 * identities, labels and annotations, references with their ranges, the plain value of Flux objects (without
 * Helm values, which nothing outside the file reads), the kustomize fields of a kustomization file, Secret/ConfigMap
 * keys, and the `${VAR}` uses with their ranges. Ranges are stored as offsets and turned into positions through the
 * file's LineIndex when a rule reports.
 *
 * Incremental: a document whose parse chunks.ts reused (its text did not change) reuses its facts too, moved to
 * its new offset and line, so an edit re-extracts the edited document only.
 */
import { isMap, isScalar, isSeq, Scalar, type Node, type Pair } from 'yaml';
import { drain, hasSyntaxErrors, type FluxDocument, type LineIndex, type ParsedFile } from '../document';
import { findReferences, type ObjectReference } from '../index/references';
import { MAX_DEPTH } from '../document/nodes';
import { lineAt } from '../document/line-index';
import type { Position, Range } from '../types';
import { parseSopsConfig, type SopsConfig } from '../sops';

/** `[keyStart, keyEnd, valueStart, valueEnd]` offsets of a field (key -1 for sequence items). */
export type Span = [number, number, number, number];

/** One `${VAR}` use in a scalar (an escaped `$${VAR}` is not one). */
export interface VarUse {
  name: string;
  /** `${VAR:=default}` (or `${VAR:-default}`, `${VAR=default}`). */
  hasDefault: boolean;
  /** Offsets of the `${...}` text itself. */
  start: number;
  end: number;
  /** Path of the scalar holding it. */
  path: Array<string | number>;
  /** The whole scalar's text, and whether it is written quoted (or as a block scalar). */
  raw: string;
  quoted: boolean;
}

/** One entry of a kustomize list (`resources`, `components`, a patch or generator file), with its range. */
export interface KustomizeEntry {
  value: string;
  start: number;
  end: number;
}

/** A kustomize selector (kustomize `target`, Flux `spec.patches[].target`). */
export interface PatchTarget {
  group?: string;
  version?: string;
  kind?: string;
  name?: string;
  namespace?: string;
  labelSelector?: string;
  annotationSelector?: string;
}

/** A patch, inline or in a file, with an optional target. */
export interface PatchFacts {
  /** The inline patch text. */
  text?: string;
  /** The patch file, relative to the kustomization's folder. */
  file?: KustomizeEntry;
  target?: PatchTarget;
  /** Where the patch is written (its list item). */
  start: number;
  end: number;
}

/** A ConfigMap or Secret that a configMapGenerator/secretGenerator makes. */
export interface GeneratedObject {
  kind: 'ConfigMap' | 'Secret';
  name: string;
  namespace?: string;
  /** The keys, when all are known (literals, `files` keys); undefined with `envs` files. */
  keys?: string[];
  /** The applied name gets a content hash suffix (no disableNameSuffixHash). */
  hashed?: boolean;
  start: number;
  end: number;
}

/** The fields of a kustomize `kustomization.yaml` (kustomize.config.k8s.io Kustomization or Component). */
export interface KustomizeFacts {
  docIndex: number;
  isComponent: boolean;
  namespace?: string;
  namePrefix?: string;
  nameSuffix?: string;
  resources: KustomizeEntry[];
  components: KustomizeEntry[];
  patches: PatchFacts[];
  /** Files kustomize reads that are not manifests (generator files and envs, `crds`): they must exist. */
  files: KustomizeEntry[];
  generated: GeneratedObject[];
}

/** One YAML document of a file, as the model needs it. */
export interface DocFacts {
  index: number;
  apiVersion?: string;
  kind?: string;
  group?: string;
  version?: string;
  isFlux: boolean;
  /** A Flux kind the engine knows. */
  knownKind: boolean;
  name?: string;
  /** metadata.namespace as written (the effective namespace is the model's business). */
  namespace?: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  start: number;
  end: number;
  /**
   * The plain value of a Flux document (aliases and merge keys resolved), or undefined. A HelmRelease's
   * `spec.values` map is kept as `{}`: no derived data or cross-file rule reads Helm values, and they are most of
   * a fleet's bytes.
   */
  value?: Record<string, unknown>;
  /** Flux and config references (sourceRef, dependsOn, secretRef, ...), with their ranges. */
  refs: ObjectReference[];
  /**
   * Spans of the fields the cross-file rules report at (SPAN_FIELDS: `kind`, `metadata.name`, `spec`, `spec.path`,
   * `spec.patches.N`, `spec.healthChecks.N`, `spec.healthChecks.N.name`); Flux documents only.
   */
  spans: Map<string, Span>;
  vars: VarUse[];
  /** A SOPS-encrypted document (top-level `sops` map with a mac). */
  sops: boolean;
  /** The `sops` metadata block's plain value, for encrypted documents. */
  sopsMeta?: Record<string, unknown>;
  /** Offsets of the `sops` key of an encrypted document. */
  sopsKey?: [number, number];
  /** Secret: the keys of data/stringData; `plaintext` when they hold values that are not encrypted. */
  secret?: { keys: string[]; plaintext: boolean; start: number; end: number };
  /** ConfigMap: the keys of data/binaryData. */
  configMapKeys?: string[];
  /** ConfigMap: the string values of `data` (post-build substitution reads them), when small. */
  configMapData?: Record<string, string>;
  /** The document could not be parsed (YAML errors). */
  broken: boolean;
}

/**
 * A file's line starts, kept with its facts in place of the parse's LineIndex, which holds the whole text (for
 * lineText): through the facts, every workspace file's text stayed in memory. Answers positionAt, offsetAt and
 * range exactly as LineIndex does (the offset of a CRLF's \n is the end of its line).
 */
export class LineStarts {
  private readonly starts: Int32Array;
  /** Per line: it ends with \r\n (only for texts holding a \r). */
  private readonly crlf: Uint8Array | undefined;
  private readonly length: number;

  constructor(index: LineIndex, text: string) {
    const n = index.lineCount;
    this.starts = new Int32Array(n);
    for (let i = 0; i < n; i++) this.starts[i] = index.lineStart(i);
    this.length = text.length;
    if (text.includes('\r')) {
      this.crlf = new Uint8Array(n);
      for (let i = 0; i + 1 < n; i++) {
        const next = this.starts[i + 1]!;
        if (text.charCodeAt(next - 1) === 10 && text.charCodeAt(next - 2) === 13 && next - 2 >= this.starts[i]!) this.crlf[i] = 1;
      }
    }
  }

  get lineCount(): number {
    return this.starts.length;
  }

  positionAt(offset: number): Position {
    const o = Math.max(0, Math.min(offset, this.length));
    const lo = lineAt(this.starts, o);
    const between = this.crlf !== undefined && this.crlf[lo] === 1 && lo + 1 < this.starts.length && o === this.starts[lo + 1]! - 1;
    return { line: lo, character: o - this.starts[lo]! - (between ? 1 : 0) };
  }

  offsetAt(pos: Position): number {
    if (pos.line < 0) return 0;
    if (pos.line >= this.starts.length) return this.length;
    const start = this.starts[pos.line]!;
    const next = pos.line + 1 < this.starts.length ? this.starts[pos.line + 1]! : this.length;
    return Math.min(start + Math.max(0, pos.character), next);
  }

  range(start: number, end: number): Range {
    return { start: this.positionAt(start), end: this.positionAt(end) };
  }
}

export interface FileFacts {
  path: string;
  lineIndex: LineStarts;
  documents: DocFacts[];
  /** Set when the file is a kustomize kustomization file. */
  kustomize?: KustomizeFacts;
  /** The file holds a SOPS-encrypted document. */
  sops: boolean;
  /** A `.sops.yaml`: its creation rules. */
  sopsConfig?: SopsConfig;
}

/** File names kustomize recognises for a kustomization (fluxcd/pkg and kustomize's konfig). */
export const KUSTOMIZATION_FILE_NAMES: readonly string[] = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'];

export function isKustomizationFileName(path: string): boolean {
  const base = path.slice(path.lastIndexOf('/') + 1);
  return KUSTOMIZATION_FILE_NAMES.includes(base);
}

const VAR = /\$(\$?)\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[=-])[^}]*)?\}/g;

function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : undefined;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function stringMap(v: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (!isRecord(v)) return out;
  for (const [k, x] of Object.entries(v)) {
    const s = str(x);
    if (s !== undefined) out[k] = s;
  }
  return out;
}

function keyText(p: Pair): string | undefined {
  return isScalar(p.key) ? String(p.key.value) : undefined;
}

const QUOTED: ReadonlySet<unknown> = new Set([Scalar.QUOTE_DOUBLE, Scalar.QUOTE_SINGLE, Scalar.BLOCK_LITERAL, Scalar.BLOCK_FOLDED]);

/** Walks a document's AST once for its `${VAR}` uses. */
function walkVars(doc: FluxDocument, vars: VarUse[]): void {
  const visit = (node: Node | null, path: Array<string | number>, depth: number): void => {
    if (!node || depth > MAX_DEPTH) return;
    if (isMap(node)) {
      for (const p of node.items) {
        const k = keyText(p);
        if (k === undefined) continue;
        visit(p.value as Node | null, [...path, k], depth + 1);
      }
    } else if (isSeq(node)) {
      node.items.forEach((it, i) => visit(it as Node | null, [...path, i], depth + 1));
    } else if (isScalar(node) && typeof node.value === 'string' && node.value.includes('${') && node.range) {
      const source = node.source ?? node.value;
      const quoted = QUOTED.has(node.type);
      // Offsets inside the scalar are exact for plain and single-line quoted scalars; otherwise the scalar's range.
      const exact = node.type === Scalar.PLAIN || ((node.type === Scalar.QUOTE_DOUBLE || node.type === Scalar.QUOTE_SINGLE) && !source.includes('\n'));
      const base = node.range[0] + (node.type === Scalar.PLAIN ? 0 : 1);
      for (const m of source.matchAll(VAR)) {
        if (m[1] === '$') continue;
        const at = m.index;
        vars.push({
          name: m[2]!, hasDefault: m[3] !== undefined,
          start: exact ? base + at : node.range[0], end: exact ? base + at + m[0].length : node.range[1],
          path: [...path], raw: node.value, quoted,
        });
      }
    }
  };
  visit(doc.yaml.contents as Node | null, [], 0);
}

/** The last pair of a map with this key (a duplicate key's last value is the one the plain value holds). */
function pairOf(map: Node | null | undefined, key: string): Pair | undefined {
  if (!isMap(map)) return undefined;
  let found: Pair | undefined;
  for (const p of map.items) if (keyText(p) === key) found = p;
  return found;
}

function setSpan(spans: Map<string, Span>, path: string, key: Node | null | undefined, value: Node | null | undefined): void {
  if (!value?.range) return;
  const kr = key?.range;
  spans.set(path, [kr?.[0] ?? -1, kr?.[1] ?? -1, value.range[0], value.range[1]]);
}

/** The spans SPAN_FIELDS lists, looked up directly (no walk over the whole document). */
function keptSpans(doc: FluxDocument, spans: Map<string, Span>): void {
  const root = doc.yaml.contents as Node | null;
  const field = (map: Node | null | undefined, key: string, path: string): Node | undefined => {
    const p = pairOf(map, key);
    if (!p) return undefined;
    setSpan(spans, path, p.key as Node | null, p.value as Node | null);
    return (p.value as Node | null) ?? undefined;
  };
  field(root, 'kind', 'kind');
  field(field(root, 'metadata', 'metadata'), 'name', 'metadata.name');
  spans.delete('metadata');
  const spec = field(root, 'spec', 'spec');
  if (!isMap(spec)) return;
  field(spec, 'path', 'spec.path');
  for (const list of ['patches', 'healthChecks']) {
    const seq = pairOf(spec, list)?.value as Node | null | undefined;
    if (!isSeq(seq)) continue;
    seq.items.forEach((it, i) => {
      setSpan(spans, `spec.${list}.${i}`, undefined, it as Node | null);
      if (list === 'healthChecks') field(it as Node | null, 'name', `spec.healthChecks.${i}.name`);
    });
  }
}

function entries(list: unknown, node: Node | undefined): KustomizeEntry[] {
  const out: KustomizeEntry[] = [];
  if (!Array.isArray(list) || !isSeq(node)) return out;
  node.items.forEach((it, i) => {
    const v = list[i];
    const r = (it as Node | null)?.range;
    if (typeof v === 'string' && r) out.push({ value: v, start: r[0], end: r[1] });
  });
  return out;
}

function nodeAt(doc: FluxDocument, path: Array<string | number>): Node | undefined {
  let n = doc.yaml.contents as Node | null | undefined;
  for (const seg of path) {
    if (isMap(n) && typeof seg === 'string') n = n.get(seg, true) as Node | undefined;
    else if (isSeq(n) && typeof seg === 'number') n = n.items[seg] as Node | undefined;
    else return undefined;
  }
  return n ?? undefined;
}

function spanOf(doc: FluxDocument, path: Array<string | number>): [number, number] {
  const r = nodeAt(doc, path)?.range;
  return r ? [r[0], r[1]] : [doc.startOffset, doc.startOffset];
}

function target(v: unknown): PatchTarget | undefined {
  if (!isRecord(v)) return undefined;
  const t: PatchTarget = {};
  for (const k of ['group', 'version', 'kind', 'name', 'namespace', 'labelSelector', 'annotationSelector'] as const) {
    const s = str(v[k]);
    if (s !== undefined) t[k] = s;
  }
  return t;
}

/** Patches as kustomize lists them (`patches`, `patchesStrategicMerge`, `patchesJson6902`) or a Flux Kustomization does. */
export function patchList(doc: FluxDocument, value: Record<string, unknown>, base: Array<string | number>): PatchFacts[] {
  const out: PatchFacts[] = [];
  const add = (field: string, item: unknown, i: number): void => {
    const [start, end] = spanOf(doc, [...base, field, i]);
    if (typeof item === 'string') {
      // patchesStrategicMerge: a file path, or an inline patch (kustomize tells them apart by a newline).
      if (item.includes('\n')) out.push({ text: item, start, end });
      else out.push({ file: { value: item, start, end }, start, end });
      return;
    }
    if (!isRecord(item)) return;
    const p: PatchFacts = { start, end };
    if (typeof item.patch === 'string') p.text = item.patch;
    if (typeof item.path === 'string') {
      const [ps, pe] = spanOf(doc, [...base, field, i, 'path']);
      p.file = { value: item.path, start: ps, end: pe };
    }
    const t = target(item.target);
    if (t) p.target = t;
    if (p.text !== undefined || p.file !== undefined) out.push(p);
  };
  for (const field of ['patches', 'patchesStrategicMerge', 'patchesJson6902']) {
    const list = value[field];
    if (Array.isArray(list)) list.forEach((item, i) => add(field, item, i));
  }
  return out;
}

function generatorKey(spec: string): { key: string; file: string } {
  const eq = spec.indexOf('=');
  const file = eq >= 0 ? spec.slice(eq + 1) : spec;
  const key = eq >= 0 ? spec.slice(0, eq) : file.slice(file.lastIndexOf('/') + 1);
  return { key, file };
}

function kustomizeFacts(doc: FluxDocument, value: Record<string, unknown>): KustomizeFacts {
  const at = (...path: Array<string | number>): Node | undefined => nodeAt(doc, path);
  const facts: KustomizeFacts = {
    docIndex: doc.index,
    isComponent: value.kind === 'Component',
    resources: [...entries(value.resources, at('resources')), ...entries(value.bases, at('bases'))],
    components: entries(value.components, at('components')),
    patches: patchList(doc, value, []),
    files: entries(value.crds, at('crds')),
    generated: [],
  };
  if (typeof value.namespace === 'string' && value.namespace !== '') facts.namespace = value.namespace;
  if (typeof value.namePrefix === 'string' && value.namePrefix !== '') facts.namePrefix = value.namePrefix;
  if (typeof value.nameSuffix === 'string' && value.nameSuffix !== '') facts.nameSuffix = value.nameSuffix;
  const noHashAll = isRecord(value.generatorOptions) && value.generatorOptions.disableNameSuffixHash === true;
  for (const [field, kind] of [['configMapGenerator', 'ConfigMap'], ['secretGenerator', 'Secret']] as const) {
    const gens = value[field];
    if (!Array.isArray(gens)) continue;
    gens.forEach((g, gi) => {
      if (!isRecord(g) || typeof g.name !== 'string') return;
      const keys: string[] = [];
      let known = true;
      if (Array.isArray(g.literals)) for (const l of g.literals) if (typeof l === 'string') keys.push(l.slice(0, Math.max(0, l.indexOf('='))));
      const fileNode = at(field, gi, 'files');
      const envsNode = at(field, gi, 'envs');
      const envNode = at(field, gi, 'env');
      for (const e of entries(g.files, fileNode)) {
        const { key, file } = generatorKey(e.value);
        keys.push(key);
        facts.files.push({ value: file, start: e.start, end: e.end });
      }
      const envs = [...entries(g.envs, envsNode)];
      if (typeof g.env === 'string' && envNode?.range) envs.push({ value: g.env, start: envNode.range[0], end: envNode.range[1] });
      for (const e of envs) {
        known = false;
        facts.files.push(e);
      }
      const [start, end] = spanOf(doc, [field, gi]);
      // With a hash suffix the applied name is `<name>-<hash>`; kustomize rewrites the references it knows (and
      // those a `configurations:` nameReference teaches it, as Flux examples do for valuesFrom), so the object is
      // referable by its base name either way.
      const gen: GeneratedObject = { kind, name: g.name, start, end };
      if (!noHashAll && !(isRecord(g.options) && g.options.disableNameSuffixHash === true)) gen.hashed = true;
      if (known) gen.keys = keys;
      if (typeof g.namespace === 'string') gen.namespace = g.namespace;
      facts.generated.push(gen);
    });
  }
  return facts;
}

function secretFacts(doc: FluxDocument, value: Record<string, unknown>): DocFacts['secret'] {
  const keys: string[] = [];
  let plaintext = false;
  for (const field of ['data', 'stringData']) {
    const d = value[field];
    if (!isRecord(d)) continue;
    for (const [k, v] of Object.entries(d)) {
      keys.push(k);
      // ENC[...] is encrypted; a value that is only a `${VAR}` comes from post-build substitution.
      if (typeof v === 'string' && v !== '' && !/^ENC\[.*\]$/s.test(v) && !/^\$\{[^}]+\}$/.test(v.trim())) plaintext = true;
    }
  }
  const at = nodeAt(doc, ['stringData']) ?? nodeAt(doc, ['data']);
  const parent = (doc.yaml.contents as Node | null);
  const key = isMap(parent) ? parent.items.find((p) => keyText(p) === 'stringData' || keyText(p) === 'data') : undefined;
  const kr = (key?.key as Node | null | undefined)?.range ?? at?.range;
  return { keys, plaintext, start: kr?.[0] ?? doc.startOffset, end: kr?.[1] ?? doc.startOffset };
}

/** A Flux object's plain value as the facts keep it: a HelmRelease's `spec.values` map replaced by `{}`. */
function compactValue(value: Record<string, unknown>): Record<string, unknown> {
  const spec = value.spec;
  if (!isRecord(spec) || !isRecord(spec.values)) return value;
  return { ...value, spec: { ...spec, values: {} } };
}

/** The facts of one document (its offsets and ranges as in `file`). */
function docFacts(file: ParsedFile, doc: FluxDocument): DocFacts {
  const broken = hasSyntaxErrors(doc);
  const d: DocFacts = {
    index: doc.index, isFlux: doc.isFlux, knownKind: doc.kindInfo !== undefined, labels: {}, annotations: {},
    start: doc.startOffset, end: doc.endOffset, refs: [], spans: new Map(), vars: [], sops: false, broken,
  };
  if (doc.apiVersion !== undefined) d.apiVersion = doc.apiVersion;
  if (doc.kind !== undefined) d.kind = doc.kind;
  if (doc.group !== undefined) d.group = doc.group;
  if (doc.version !== undefined) d.version = doc.version;
  if (doc.name !== undefined) d.name = doc.name;
  if (doc.namespace !== undefined) d.namespace = doc.namespace;
  if (doc.partial) return d;
  const hasVars = file.text.slice(doc.startOffset, doc.endOffset).includes('${');
  const contents = doc.yaml.contents as Node | null;
  if (!isMap(contents)) return d;
  const value = doc.value();
  if (!isRecord(value)) return d;
  const meta = value.metadata;
  if (isRecord(meta)) {
    d.labels = stringMap(meta.labels);
    d.annotations = stringMap(meta.annotations);
  }
  if (isRecord(value.sops) && value.sops.mac !== undefined) {
    d.sops = true;
    d.sopsMeta = value.sops;
    const pair = contents.items.find((p) => keyText(p) === 'sops');
    const kr = (pair?.key as Node | null | undefined)?.range;
    if (kr) d.sopsKey = [kr[0], kr[1]];
  }
  if (doc.isFlux || doc.group === 'fluxcd.controlplane.io') d.value = compactValue(value);
  if (doc.isFlux) {
    d.refs = findReferences(file, doc, { config: true });
    keptSpans(doc, d.spans);
  }
  if (hasVars) walkVars(doc, d.vars);
  if (!doc.isFlux && doc.apiVersion === 'v1' && doc.kind === 'Secret') d.secret = secretFacts(doc, value);
  if (!doc.isFlux && doc.apiVersion === 'v1' && doc.kind === 'ConfigMap') {
    d.configMapKeys = [...Object.keys(isRecord(value.data) ? value.data : {}), ...Object.keys(isRecord(value.binaryData) ? value.binaryData : {})];
    const data = stringMap(value.data);
    if (Object.values(data).every((x) => x.length <= 4096)) d.configMapData = data;
  }
  return d;
}

/** Where a document's facts were extracted: its offset and line then (its text starts a line). */
interface Extracted { facts: DocFacts; start: number; line: number }

/** The last facts of each document parse (chunks.ts reuses the parse of a document whose text did not change). */
const byParse = new WeakMap<object, Extracted>();
/** A moved copy -> the facts it was moved from (same content: same signature). */
const movedFrom = new WeakMap<DocFacts, DocFacts>();

/** The facts a document's facts were first extracted as (moved copies share their content). */
export function originalFacts(d: DocFacts): DocFacts {
  return movedFrom.get(d) ?? d;
}

/** A document's facts moved by `delta` offsets and `lines` lines (its text unchanged), with a new index. */
function moved(d: DocFacts, delta: number, lines: number, index: number): DocFacts {
  if (delta === 0 && lines === 0 && d.index === index) return d;
  const range = (r: Range): Range => (lines === 0 ? r : {
    start: { line: r.start.line + lines, character: r.start.character },
    end: { line: r.end.line + lines, character: r.end.character },
  });
  const out: DocFacts = {
    ...d, index, start: d.start + delta, end: d.end + delta,
    refs: lines === 0 ? d.refs : d.refs.map((r) => ({ ...r, nameRange: range(r.nameRange), range: range(r.range) })),
    spans: delta === 0 ? d.spans : new Map([...d.spans].map(([k, x]): [string, Span] => [k, [x[0] < 0 ? x[0] : x[0] + delta, x[1] < 0 ? x[1] : x[1] + delta, x[2] + delta, x[3] + delta]])),
    vars: delta === 0 ? d.vars : d.vars.map((v) => ({ ...v, start: v.start + delta, end: v.end + delta })),
  };
  if (d.sopsKey) out.sopsKey = [d.sopsKey[0] + delta, d.sopsKey[1] + delta];
  if (d.secret) out.secret = { ...d.secret, start: d.secret.start + delta, end: d.secret.end + delta };
  movedFrom.set(out, originalFacts(d));
  return out;
}

/** The facts of one parsed file, keyed by its path in the model. */
export function extractFacts(file: ParsedFile, path: string): FileFacts {
  return drain(extractFactsSteps(file, path));
}

/** Documents whose facts are extracted between two yields of extractFactsSteps (a few ms of work). */
const FACTS_SLICE_DOCS = 256;

/** extractFacts as a generator that yields every FACTS_SLICE_DOCS documents (files of thousands of documents). */
export function* extractFactsSteps(file: ParsedFile, path: string): Generator<void, FileFacts> {
  const facts: FileFacts = { path, lineIndex: new LineStarts(file.lineIndex, file.text), documents: [], sops: false };
  const isKustomizeFile = isKustomizationFileName(path);
  for (const doc of file.documents) {
    if (doc.index > 0 && doc.index % FACTS_SLICE_DOCS === 0) yield;
    const line = file.lineIndex.positionAt(doc.startOffset).line;
    const atLineStart = file.lineIndex.lineStart(line) === doc.startOffset;
    const prev = doc.partial || !atLineStart ? undefined : byParse.get(doc.yaml);
    const d = prev ? moved(prev.facts, doc.startOffset - prev.start, line - prev.line, doc.index) : docFacts(file, doc);
    if (!doc.partial && atLineStart) byParse.set(doc.yaml, { facts: d, start: doc.startOffset, line });
    facts.documents.push(d);
    if (d.sops) facts.sops = true;
    if (!isKustomizeFile || facts.kustomize !== undefined || doc.partial) continue;
    const isKustomizeDoc = (doc.group === 'kustomize.config.k8s.io' && (doc.kind === 'Kustomization' || doc.kind === 'Component'))
      || (doc.apiVersion === undefined && doc.kind === undefined);
    if (!isKustomizeDoc || !isMap(doc.yaml.contents)) continue;
    const value = doc.value();
    if (isRecord(value)) facts.kustomize = kustomizeFacts(doc, value);
  }
  if (path.endsWith('/.sops.yaml') || path === '.sops.yaml') facts.sopsConfig = parseSopsConfig(file.text);
  if (isKustomizeFile && facts.kustomize === undefined && file.documents.length <= 1 && !file.fatal) {
    // An empty kustomization.yaml is still a kustomization (with nothing in it).
    facts.kustomize = { docIndex: 0, isComponent: false, resources: [], components: [], patches: [], files: [], generated: [] };
  }
  return facts;
}

/** The range of offsets in a file. */
export function rangeIn(facts: FileFacts, start: number, end: number): Range {
  return facts.lineIndex.range(start, end);
}

/** The value range of a field of a document (`spec.path`), or its key range with `part: 'key'`; undefined when absent. */
export function spanRange(facts: FileFacts, doc: DocFacts, path: string, part: 'key' | 'value' = 'value'): Range | undefined {
  const s = doc.spans.get(path);
  if (!s) return undefined;
  return part === 'key' && s[0] >= 0 ? facts.lineIndex.range(s[0], s[1]) : facts.lineIndex.range(s[2], s[3]);
}

/** The range of a document's `kind` value (or its start), for diagnostics about the whole object. */
export function docRange(facts: FileFacts, doc: DocFacts): Range {
  return spanRange(facts, doc, 'metadata.name') ?? spanRange(facts, doc, 'kind') ?? facts.lineIndex.range(doc.start, doc.start);
}
