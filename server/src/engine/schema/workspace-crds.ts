/**
 * Schema source 2: the Flux CRDs committed in the workspace. `flux bootstrap` commits gotk-components.yaml with
 * every CRD of the installed Flux version, and many repositories vendor CRDs elsewhere. Given file texts, this
 * finds the Flux CRDs, applies the JSON6902 patches that kustomization.yaml files put on them (`patchesJson6902`,
 * and `patches` whose patch is a list of operations), and groups them per cluster folder: a CRD file in a
 * `flux-system` folder serves the folder above it (clusters/prod), any other the folder it is in.
 * Pure: it reads no disk; the adapters pass the texts (the LSP's workspace scan, the CLI's files).
 */
import { parseAllDocuments } from 'yaml';
import { plainValue } from '../document/parse';
import { FLUX_GROUPS } from '../kinds';
import { kindSchemasFromCrd, type WorkspaceSchemaSet } from './registry';
import type { KindSchema } from './types';

export interface WorkspaceFile { uri: string; text: string }

const CRD_KIND = /^kind:\s*["']?CustomResourceDefinition\b/m;
const KUSTOMIZATION_FILE = /(^|[/\\])(kustomization\.ya?ml|Kustomization)$/;

/** Whether a file can matter to the workspace schemas (cheap text test, no parse). */
export function isSchemaCandidate(uri: string, text: string): boolean {
  if (KUSTOMIZATION_FILE.test(uri)) return text.includes('CustomResourceDefinition');
  return CRD_KIND.test(text) && text.includes('fluxcd.io');
}

const dirOf = (p: string): string => {
  const s = p.replace(/\\/g, '/');
  const i = s.lastIndexOf('/');
  return i < 0 ? '' : s.slice(0, i);
};

const baseOf = (p: string): string => p.slice(p.lastIndexOf('/') + 1);

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function docsOf(text: string): unknown[] {
  try {
    return parseAllDocuments(text, { prettyErrors: false, logLevel: 'silent', strict: false, uniqueKeys: false })
      .map((d) => ('errors' in d && d.errors.length > 0 ? undefined : plainValue(d, { maxAliasCount: 100 })));
  } catch {
    return [];
  }
}

interface FoundCrd { uri: string; crd: Record<string, unknown> }

/** One JSON6902 patch aimed at CRDs, from a kustomization.yaml. */
interface CrdPatch { dir: string; name?: string; ops: unknown[]; from: string }

/** Unescapes one JSON pointer segment (RFC 6901). */
const unescape = (s: string): string => s.replace(/~1/g, '/').replace(/~0/g, '~');

/**
 * Applies JSON Patch operations (RFC 6902: add, remove, replace, move, copy, test) to a copy of `doc`. Hand-written:
 * some 40 lines over plain objects, where the npm packages bring their own clone/validation layers for more than
 * this needs. Returns undefined when an operation does not apply (as kustomize would fail the build).
 */
export function applyJsonPatch(doc: unknown, ops: readonly unknown[]): unknown {
  let root: unknown = structuredClone(doc);
  const resolve = (pointer: string): { parent: unknown; key: string } | undefined => {
    if (pointer === '') return undefined;
    if (!pointer.startsWith('/')) return undefined;
    const parts = pointer.slice(1).split('/').map(unescape);
    let cur: unknown = root;
    for (const p of parts.slice(0, -1)) {
      if (Array.isArray(cur)) cur = cur[Number(p)];
      else if (isRecord(cur)) cur = cur[p];
      else return undefined;
    }
    return cur !== undefined && cur !== null && typeof cur === 'object' ? { parent: cur, key: parts[parts.length - 1]! } : undefined;
  };
  const get = (pointer: string): unknown => {
    if (pointer === '') return root;
    const r = resolve(pointer);
    if (!r) return undefined;
    return Array.isArray(r.parent) ? r.parent[Number(r.key)] : (r.parent as Record<string, unknown>)[r.key];
  };
  const put = (pointer: string, value: unknown, mode: 'add' | 'replace'): boolean => {
    if (pointer === '') { root = value; return true; }
    const r = resolve(pointer);
    if (!r) return false;
    if (Array.isArray(r.parent)) {
      const i = r.key === '-' ? r.parent.length : Number(r.key);
      if (!Number.isInteger(i) || i < 0 || i > r.parent.length) return false;
      if (mode === 'add') r.parent.splice(i, 0, value);
      else if (i < r.parent.length) r.parent[i] = value;
      else return false;
      return true;
    }
    const o = r.parent as Record<string, unknown>;
    if (mode === 'replace' && !Object.hasOwn(o, r.key)) return false;
    o[r.key] = value;
    return true;
  };
  const remove = (pointer: string): boolean => {
    const r = resolve(pointer);
    if (!r) return false;
    if (Array.isArray(r.parent)) {
      const i = Number(r.key);
      if (!Number.isInteger(i) || i < 0 || i >= r.parent.length) return false;
      r.parent.splice(i, 1);
      return true;
    }
    const o = r.parent as Record<string, unknown>;
    if (!Object.hasOwn(o, r.key)) return false;
    delete o[r.key];
    return true;
  };
  for (const op of ops) {
    if (!isRecord(op) || typeof op.op !== 'string' || typeof op.path !== 'string') return undefined;
    const path = op.path;
    let ok: boolean;
    switch (op.op) {
      case 'add': ok = put(path, structuredClone(op.value), 'add'); break;
      case 'replace': ok = put(path, structuredClone(op.value), 'replace'); break;
      case 'remove': ok = remove(path); break;
      case 'copy': case 'move': {
        if (typeof op.from !== 'string') return undefined;
        const v = structuredClone(get(op.from));
        ok = v !== undefined && (op.op === 'copy' || remove(op.from)) && put(path, v, 'add');
        break;
      }
      case 'test': ok = JSON.stringify(get(path)) === JSON.stringify(op.value); break;
      default: return undefined;
    }
    if (!ok) return undefined;
  }
  return root;
}

function patchesOf(uri: string, k: Record<string, unknown>, byPath: Map<string, string>): { patches: CrdPatch[]; problems: string[] } {
  const dir = dirOf(uri);
  const patches: CrdPatch[] = [];
  const problems: string[] = [];
  const entries = [
    ...(Array.isArray(k.patchesJson6902) ? k.patchesJson6902 : []),
    ...(Array.isArray(k.patches) ? k.patches : []),
  ];
  for (const e of entries) {
    if (!isRecord(e) || !isRecord(e.target) || e.target.kind !== 'CustomResourceDefinition') continue;
    let text: string | undefined;
    if (typeof e.patch === 'string') text = e.patch;
    else if (typeof e.path === 'string') {
      text = byPath.get(`${dir}/${e.path.replace(/^\.\//, '')}`);
      if (text === undefined) { problems.push(`${uri}: patch file ${e.path} not found`); continue; }
    }
    if (text === undefined) continue;
    const parsed = docsOf(text)[0];
    if (!Array.isArray(parsed)) continue; // a strategic-merge patch: not applied to CRD schemas
    patches.push({ dir, name: typeof e.target.name === 'string' ? e.target.name : undefined, ops: parsed, from: uri });
  }
  return { patches, problems };
}

const nameMatches = (pattern: string | undefined, name: string): boolean => {
  if (pattern === undefined) return true;
  if (pattern === name) return true;
  try {
    return new RegExp(`^(?:${pattern})$`).test(name);
  } catch {
    return false;
  }
};

/** What the scan found: the schema sets per scope, and what it could not use. */
export interface WorkspaceCrdScan {
  sets: WorkspaceSchemaSet[];
  /** CRDs read, patches applied, and problems (a patch that does not apply, a missing patch file). */
  crds: number;
  patchesApplied: number;
  problems: string[];
}

/** The Flux CRD schema sets of the workspace files. */
export function scanWorkspaceCrds(files: readonly WorkspaceFile[]): WorkspaceCrdScan {
  const byPath = new Map(files.map((f) => [f.uri.replace(/\\/g, '/'), f.text]));
  const found: FoundCrd[] = [];
  const patches: CrdPatch[] = [];
  const problems: string[] = [];
  for (const f of files) {
    const uri = f.uri.replace(/\\/g, '/');
    if (!isSchemaCandidate(uri, f.text)) continue;
    for (const d of docsOf(f.text)) {
      if (!isRecord(d)) continue;
      if (d.kind === 'CustomResourceDefinition' && isRecord(d.spec) && typeof d.spec.group === 'string' && FLUX_GROUPS.has(d.spec.group)) {
        found.push({ uri, crd: d });
      } else if (KUSTOMIZATION_FILE.test(uri) && (d.kind === 'Kustomization' || d.kind === undefined) && (d.apiVersion === undefined || String(d.apiVersion).startsWith('kustomize.config.k8s.io'))) {
        const p = patchesOf(uri, d, byPath);
        patches.push(...p.patches);
        problems.push(...p.problems);
      }
    }
  }
  let applied = 0;
  const byScope = new Map<string, { kinds: Map<string, KindSchema>; uris: Set<string>; version?: string }>();
  for (const { uri, crd } of found) {
    let obj: unknown = crd;
    const meta = isRecord(crd.metadata) ? crd.metadata : {};
    const name = typeof meta.name === 'string' ? meta.name : '';
    for (const p of patches) {
      if (!(uri === p.dir || uri.startsWith(`${p.dir}/`) || p.dir === '') || !nameMatches(p.name, name)) continue;
      const next = applyJsonPatch(obj, p.ops);
      if (next === undefined) problems.push(`${p.from}: a JSON6902 patch on ${name} does not apply; the CRD is used unpatched`);
      else { obj = next; applied++; }
    }
    const dir = dirOf(uri);
    const scope = baseOf(dir) === 'flux-system' ? dirOf(dir) : dir;
    let set = byScope.get(scope);
    if (!set) byScope.set(scope, set = { kinds: new Map(), uris: new Set() });
    set.uris.add(uri);
    const labels = isRecord(meta.labels) ? meta.labels : {};
    if (set.version === undefined && typeof labels['app.kubernetes.io/version'] === 'string') set.version = labels['app.kubernetes.io/version'];
    for (const k of kindSchemasFromCrd(obj)) set.kinds.set(`${k.group}/${k.version}/${k.kind}`, k);
  }
  const sets: WorkspaceSchemaSet[] = [...byScope.entries()].sort((a, b) => a[0].localeCompare(b[0])).map(([scope, s]) => {
    const uris = [...s.uris].sort();
    const shown = uris[0]!.replace(/^file:\/\//, '');
    const label = `workspace ${shown}${uris.length > 1 ? ` (+${uris.length - 1} files)` : ''}`;
    return { scope, kinds: [...s.kinds.values()], info: { origin: 'workspace', label, ...(s.version ? { fluxVersion: s.version } : {}) } };
  });
  return { sets, crds: found.length, patchesApplied: applied, problems };
}
