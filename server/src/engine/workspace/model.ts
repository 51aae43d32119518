/**
 * The fleet model: the workspace as Flux will apply it. Inputs are set by the adapters (file facts by path,
 * files that exist but are not YAML, repository roots and git remotes); everything else is derived from them
 * and cached by the inputs' revision:
 *
 * - the kustomize structure (kustomization files, a generated kustomization for a folder without one);
 * - the apply graph: which Flux Kustomization applies which objects, with their effective namespace and the
 *   patches (kustomize's and the parent Kustomization's `spec.patches`) that reach them;
 * - the clusters: each root (a Kustomization whose source is this repository and that no other Kustomization
 *   applies, typically `clusters/<name>/flux-system`) defines one, made of every object reachable from it.
 *
 * No I/O: the adapters feed it (the LSP server from the workspace scan and open documents, the CLI from the disk,
 * tests from memory). Paths are absolute, with `/` separators.
 */
import * as posix from 'node:path/posix';
import { FLUX_KINDS, splitApiVersion } from '../kinds';
import { isRecord } from '../rules/context';
import { isKustomizationFileName, KUSTOMIZATION_FILE_NAMES, originalFacts, type DocFacts, type FileFacts, type GeneratedObject, type KustomizeFacts, type PatchFacts } from './facts';
import { drain } from '../document/yaml-steps';
import { parsePatchText, patchesOfValue, selects, type ParsedPatch, type PatchSubject } from './patches';

/** One object as the model sees it, once per place it is applied (an unreached document has one free instance). */
export interface Instance extends PatchSubject {
  /** Unique within its derived graph (a serial number: ids built from the applier's id grew with the depth). */
  id: string;
  path: string;
  doc: number;
  apiVersion: string;
  /** The effective namespace (FLUX-FACTS §9); undefined when it cannot be known. */
  namespace?: string;
  /** The Flux Kustomization instance that applies it (undefined for roots and unreached objects). */
  appliedBy?: Instance;
  /** The cluster (root) it belongs to; undefined when no root reaches it. */
  cluster?: Cluster;
  /** Patches that reach it: kustomize patches of the folders it is built in, and the applier's `spec.patches`. */
  patches: AppliedPatch[];
  /** An object that exists without a document of its own (a HelmRelease's HelmChart, a generated ConfigMap). */
  implicit?: { by: string; keys?: string[] };
}

/** A patch that reaches an object, with where it is written. */
export interface AppliedPatch {
  patch: ParsedPatch;
  /** The file and offsets of the patch's list item. */
  origin: { path: string; start: number; end: number };
}

export interface Cluster {
  id: string;
  /** A readable name: the root's `spec.path` (e.g. `clusters/production`), else its namespace/name. */
  name: string;
  root: Instance;
  instances: Instance[];
}

/** What a Flux Kustomization instance builds (when its source is this repository). */
export interface KustomizationBuild {
  ks: Instance;
  /** Whether the source is this repository (`this`), another one (`other`), or not known (`unknown`). */
  source: 'this' | 'other' | 'unknown';
  /** The repository root its path is relative to. */
  root?: string;
  /** The folder `spec.path` names (absolute), when the source is this repository. */
  dir?: string;
  /** `spec.path` exists as a folder (or the repository root). */
  dirExists?: boolean;
  /** The objects it applies. */
  objects: Instance[];
}

export interface RepoInputs {
  /** Workspace folders (the outermost folders analysed). */
  workspaceRoots?: string[];
  /** Git repository roots (folders holding `.git`). */
  gitRoots?: string[];
  /** URLs of the workspace repositories' git remotes. */
  remotes?: string[];
}

/** Kinds that are not namespaced (best effort: the ones real fleets apply). */
const CLUSTER_SCOPED = new Set([
  'Namespace', 'ClusterRole', 'ClusterRoleBinding', 'CustomResourceDefinition', 'StorageClass', 'PersistentVolume',
  'PriorityClass', 'ValidatingWebhookConfiguration', 'MutatingWebhookConfiguration', 'ValidatingAdmissionPolicy',
  'ValidatingAdmissionPolicyBinding', 'APIService', 'IngressClass', 'RuntimeClass', 'CSIDriver', 'VolumeSnapshotClass',
  'ClusterIssuer', 'ClusterPolicy', 'ClusterSecretStore', 'ClusterExternalSecret', 'GatewayClass', 'Node',
  'PodSecurityPolicy', 'ClusterPolicyReport', 'ClusterTriggerAuthentication',
]);

const FLUX_KIND_NAMES = new Set(FLUX_KINDS.map((k) => k.kind));

/** No patches: shared by the instances that have none (most); frozen, so a stray push fails loudly. */
const NO_PATCHES: AppliedPatch[] = Object.freeze([]) as unknown as AppliedPatch[];

/**
 * Group and version of an apiVersion, one object per distinct apiVersion: every instance of a 20k-document fleet
 * kept its own copies, and the young generation's copying of them was most of derive()'s time at that size.
 */
const apiVersions = new Map<string, { group: string; version: string }>();
function groupVersion(apiVersion: string): { group: string; version: string } {
  let gv = apiVersions.get(apiVersion);
  if (!gv) {
    gv = splitApiVersion(apiVersion);
    if (apiVersions.size > 10000) apiVersions.clear();
    apiVersions.set(apiVersion, gv);
  }
  return gv;
}

function at(v: unknown, ...path: string[]): unknown {
  let x = v;
  for (const p of path) {
    if (!isRecord(x)) return undefined;
    x = x[p];
  }
  return x;
}

/** A remote URL reduced to `host/path` (scheme, user, port, `.git` and trailing slashes dropped), for comparison. */
export function normalizeGitUrl(url: string): string {
  let u = url.trim().replace(/\/+$/, '').replace(/\.git$/, '');
  const scp = /^(?:[^@/]+@)?([^:/]+):(?!\/\/)(.+)$/.exec(u);
  if (scp && !/^[a-z][a-z0-9+.-]*:\/\//i.test(u)) return `${scp[1]!.toLowerCase()}/${scp[2]!.replace(/^\/+/, '')}`;
  u = u.replace(/^[a-z][a-z0-9+.-]*:\/\//i, '').replace(/^[^@/]+@/, '');
  const slash = u.indexOf('/');
  const host = (slash < 0 ? u : u.slice(0, slash)).replace(/:\d+$/, '').toLowerCase();
  return slash < 0 ? host : `${host}${u.slice(slash)}`;
}

/** Whether a kustomize `resources` entry names a remote base (URL, `github.com/...`, `?ref=`). */
export function isRemoteEntry(value: string): boolean {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(value) || /^(git@|github\.com\/|gitlab\.com\/|bitbucket\.org\/)/.test(value) || /[?&]ref=/.test(value) || value.startsWith('git::');
}

interface BuildItem {
  path: string;
  doc: number;
  namespace?: string;
  name: string;
  patches: AppliedPatch[];
  implicit?: Instance['implicit'];
  kind: string;
  apiVersion: string;
}

export class WorkspaceModel {
  private readonly files = new Map<string, FileFacts | null>();
  private readonly signatures = new Map<string, string>();
  /** Every folder that holds a file, and its files' names. */
  private dirs = new Map<string, Set<string>>();
  private dirsStale = true;
  private repo: Required<RepoInputs> = { workspaceRoots: [], gitRoots: [], remotes: [] };
  private revision = 0;
  private derived: Derived | undefined;

  /** Sets a file's facts (a YAML file), or `null` for a file that exists but is not analysed (JSON, scripts...). Returns whether the graph may change. */
  setFile(path: string, facts: FileFacts | null): boolean {
    const sig = facts ? signature(facts) : 'other';
    const had = this.files.has(path);
    this.files.set(path, facts);
    if (!had) this.dirsStale = true;
    if (had && this.signatures.get(path) === sig) return false;
    this.signatures.set(path, sig);
    this.changed();
    return true;
  }

  removeFile(path: string): boolean {
    if (!this.files.delete(path)) return false;
    this.signatures.delete(path);
    this.dirsStale = true;
    this.changed();
    return true;
  }

  setRepo(inputs: RepoInputs): void {
    this.repo = {
      workspaceRoots: (inputs.workspaceRoots ?? this.repo.workspaceRoots).map(stripSlash),
      gitRoots: (inputs.gitRoots ?? this.repo.gitRoots).map(stripSlash),
      remotes: (inputs.remotes ?? this.repo.remotes).map(normalizeGitUrl),
    };
    this.changed();
  }

  get repoInputs(): Readonly<Required<RepoInputs>> {
    return this.repo;
  }

  private documentCount(): number {
    let n = 0;
    for (const f of this.files.values()) if (f) n += f.documents.length;
    return n;
  }

  /** The inputs changed: a new revision, and the graph of the old one is let go at once (it holds every instance). */
  private changed(): void {
    this.revision++;
    this.derived = undefined;
  }

  /** The inputs' revision: derived data is recomputed when it changes. */
  get inputsRevision(): number {
    return this.revision;
  }

  facts(path: string): FileFacts | undefined {
    return this.files.get(path) ?? undefined;
  }

  paths(): string[] {
    return [...this.files.keys()];
  }

  /** Every YAML file's facts. */
  allFacts(): FileFacts[] {
    const out: FileFacts[] = [];
    for (const f of this.files.values()) if (f) out.push(f);
    return out;
  }

  fileExists(path: string): boolean {
    return this.files.has(path);
  }

  dirExists(path: string): boolean {
    return this.dirIndex().has(stripSlash(path));
  }

  /** The names of the files directly in a folder. */
  filesIn(dir: string): ReadonlySet<string> {
    return this.dirIndex().get(stripSlash(dir)) ?? new Set();
  }

  /** The kustomization file of a folder, if it has one. */
  kustomizationIn(dir: string): FileFacts | undefined {
    const names = this.filesIn(dir);
    for (const n of KUSTOMIZATION_FILE_NAMES) {
      if (names.has(n)) return this.files.get(posix.join(dir, n)) ?? undefined;
    }
    return undefined;
  }

  private dirIndex(): Map<string, Set<string>> {
    if (!this.dirsStale) return this.dirs;
    // Folder -> entry names (files as `name`, sub-folders as `name/`), for every folder above a known file.
    const dirs = new Map<string, Set<string>>();
    for (const p of this.files.keys()) {
      let child = posix.basename(p);
      let dir = posix.dirname(p);
      for (;;) {
        let set = dirs.get(dir);
        const known = set !== undefined;
        if (!set) dirs.set(dir, (set = new Set()));
        set.add(child);
        const parent = posix.dirname(dir);
        if (known || parent === dir) break;
        child = `${posix.basename(dir)}/`;
        dir = parent;
      }
    }
    this.dirs = dirs;
    this.dirsStale = false;
    return dirs;
  }

  /** The derived graph, recomputed when the inputs changed. */
  graph(): Derived {
    if (!this.derived || this.derived.revision !== this.revision) this.derived = drain(deriveSteps(this, this.revision));
    return this.derived;
  }

  /**
   * graph() in steps, for the language server, when the workspace has more than STEPPED_DERIVE_DOCUMENTS
   * documents (deriving 7,000 documents takes ~100 ms, 28,000 355-600 ms in one piece); smaller workspaces are
   * derived in one piece (see STEPPED_DERIVE_DOCUMENTS). When the inputs change while it is suspended, the
   * derivation starts again from the new inputs; when graph() derived them meanwhile, that graph is the result.
   */
  *graphSteps(steppedFrom = STEPPED_DERIVE_DOCUMENTS): Generator<void, Derived> {
    for (;;) {
      if (this.derived && this.derived.revision === this.revision) return this.derived;
      if (this.documentCount() <= steppedFrom) return this.graph();
      const revision = this.revision;
      const steps = deriveSteps(this, revision);
      let r = steps.next();
      while (!r.done) {
        yield;
        if (this.revision !== revision || this.derived?.revision === revision) break;
        r = steps.next();
      }
      if (r.done) {
        this.derived = r.value;
        return r.value;
      }
      steps.return(undefined as unknown as Derived);
    }
  }

  /** The repository root that holds a path: the nearest git root, else the nearest workspace root. */
  repoRootOf(path: string): string | undefined {
    let best: string | undefined;
    for (const r of this.repo.gitRoots) if (isUnder(path, r) && (!best || r.length > best.length)) best = r;
    if (best) return best;
    for (const r of this.repo.workspaceRoots) if (isUnder(path, r) && (!best || r.length > best.length)) best = r;
    return best;
  }
}

function stripSlash(p: string): string {
  return p.length > 1 ? p.replace(/\/+$/, '') : p;
}

export function isUnder(path: string, dir: string): boolean {
  return path === dir || path.startsWith(dir.endsWith('/') ? dir : `${dir}/`);
}

/**
 * Spec fields no derived data or cross-file rule of another file reads: editing them (an interval, Helm values)
 * changes only the file's own diagnostics, so the graph is not derived again.
 */
const GRAPH_IRRELEVANT = new Set([
  'interval', 'timeout', 'retryInterval', 'prune', 'wait', 'force', 'suspend', 'values', 'install', 'upgrade', 'test',
  'rollback', 'uninstall', 'driftDetection', 'maxHistory', 'deletionPolicy',
]);

/** Signatures of documents' facts (by the facts first extracted: moved copies have the same content). */
const docSignatures = new WeakMap<DocFacts, string>();

/** What other files' diagnostics and the graph depend on in a document (no offsets: moving it changes nothing). */
function docSignature(d: DocFacts): string {
  const key = originalFacts(d);
  let sig = docSignatures.get(key);
  if (sig === undefined) {
    const spec = d.value ? at(d.value, 'spec') : undefined;
    const specNoValues = isRecord(spec) ? Object.fromEntries(Object.entries(spec).filter(([k]) => !GRAPH_IRRELEVANT.has(k))) : spec;
    sig = JSON.stringify([d.apiVersion, d.kind, d.name, d.namespace, d.labels, d.annotations, specNoValues, d.sops,
      d.secret?.keys, d.configMapKeys, d.configMapData, d.refs.length, d.vars.map((v) => v.name)]);
    docSignatures.set(key, sig);
  }
  return sig;
}

/**
 * What the graph depends on in a file: identities, Flux specs (without Helm values), kustomize fields, keys. Per
 * document and kept with its facts, so an edit computes the edited document's signature only.
 */
function signature(f: FileFacts): string {
  let sig = JSON.stringify([f.kustomize ?? null, f.sopsConfig ?? null]);
  for (const d of f.documents) sig += `\n${docSignature(d)}`;
  return sig;
}

// ---------------------------------------------------------------------------------------------------------
// Derivation
// ---------------------------------------------------------------------------------------------------------

export interface Derived {
  revision: number;
  /** Every instance (applied ones, free ones for unreached documents, implicit objects). */
  instances: Instance[];
  /** Instances of each document (`path#doc`). */
  byDoc: Map<string, Instance[]>;
  clusters: Cluster[];
  /** What each Flux Kustomization instance builds, by instance id. */
  builds: Map<string, KustomizationBuild>;
  /** Documents listed as patches by a kustomize file or a Flux Kustomization (`path#doc`). */
  patchDocs: Set<string>;
  /** Resolves a reference among the objects of a cluster (or the whole workspace without one). */
  resolve(kind: string, name: string, namespace: string | undefined, cluster: Cluster | undefined): Instance[];
  /** Objects of a kind and name anywhere, whatever their namespace or cluster. */
  anywhere(kind: string, name: string): Instance[];
  /** The builds of a Flux Kustomization document (one per place it is applied). */
  buildsOf(path: string, doc: number): KustomizationBuild[];
}

export const docKey = (path: string, doc: number): string => `${path}#${doc}`;

class Index {
  private readonly byName = new Map<string, Instance[]>();
  add(i: Instance): void {
    push(this.byName, `${i.kind}/${i.name}`, i);
  }
  /**
   * Objects with this key; an object whose namespace is not known matches any namespace, and a reference
   * whose namespace is not known matches any object of that kind and name.
   */
  find(kind: string, name: string, namespace: string | undefined): Instance[] {
    const all = this.byName.get(`${kind}/${name}`) ?? [];
    if (namespace === undefined) return all;
    return all.filter((i) => i.namespace === undefined || i.namespace === namespace);
  }
}

function push<T>(m: Map<string, T[]>, k: string, v: T): void {
  const l = m.get(k);
  if (l) l.push(v);
  else m.set(k, [v]);
}

/** Units of derive's work (documents, builds, instances) between two yields of deriveSteps. */
const DERIVE_SLICE = 256;
/**
 * Workspaces with more documents are derived in steps by graphSteps, smaller ones in one piece (at most ~35 ms).
 * In one piece, 7,000 documents took ~100 ms and 28,000 355-600 ms; the fuzzer's workspace of ~3,600 (one file of
 * 2,980 documents among 40 open files) took 110 ms on every edit of any file, and with the rest of an analysis a
 * hover on another file waited 222 ms. The threshold was 10,000 while a derive in steps cost RSS (the bench's 7 MB
 * file opened and closed in a fleet of 7,000: 155-167 MB after, against 143-147 MB in one piece); with the server's
 * malloc tunables (lsp/malloc-env.ts) the two measured the same (bench, threshold 2,000: 117 -> 123 and 123 -> 123 MB;
 * 10,000: 118 -> 118), and the edit -> diagnostics p95 too (10.6-11.9 ms against 12.0).
 */
export const STEPPED_DERIVE_DOCUMENTS = 1_000;

function* deriveSteps(model: WorkspaceModel, revision: number): Generator<void, Derived> {
  const byDoc = new Map<string, Instance[]>();
  const instances: Instance[] = [];
  const builds = new Map<string, KustomizationBuild>();
  const patchDocs = new Set<string>();
  const all = model.allFacts();
  const docOf = (path: string, doc: number): DocFacts | undefined => model.facts(path)?.documents[doc];
  let serial = 0;

  // Patch documents: every file a kustomize file or a Flux Kustomization lists as a patch.
  const markPatchFiles = (dir: string, patches: readonly PatchFacts[]): void => {
    for (const p of patches) {
      if (!p.file) continue;
      const f = model.facts(posix.join(dir, p.file.value));
      if (f) f.documents.forEach((d) => patchDocs.add(docKey(f.path, d.index)));
    }
  };
  let work = 0;
  for (const f of all) {
    if (f.kustomize) markPatchFiles(posix.dirname(f.path), f.kustomize.patches);
    if (++work % DERIVE_SLICE === 0) yield;
  }

  const newInstance = (item: BuildItem, d: DocFacts | undefined, appliedBy: Instance | undefined, cluster: Cluster | undefined): Instance => {
    const { group, version } = groupVersion(item.apiVersion);
    const inst: Instance = {
      id: `i${serial++}`,
      path: item.path, doc: item.doc, apiVersion: item.apiVersion, group, version, kind: item.kind, name: item.name,
      labels: d?.labels ?? {}, annotations: d?.annotations ?? {}, patches: item.patches.length > 0 ? [...item.patches] : NO_PATCHES,
    };
    if (item.namespace !== undefined) inst.namespace = item.namespace;
    if (appliedBy) inst.appliedBy = appliedBy;
    if (cluster) inst.cluster = cluster;
    if (item.implicit) inst.implicit = item.implicit;
    return inst;
  };

  // --- kustomize build of a folder -------------------------------------------------------------------------
  const docsOfFile = (path: string): BuildItem[] => {
    const f = model.facts(path);
    if (!f || f.kustomize) return [];
    const out: BuildItem[] = [];
    for (const d of f.documents) {
      if (!d.apiVersion || !d.kind || d.name === undefined) continue;
      if (patchDocs.size > 0 && patchDocs.has(docKey(path, d.index))) continue;
      const item: BuildItem = { path, doc: d.index, name: d.name, patches: NO_PATCHES, kind: d.kind, apiVersion: d.apiVersion };
      if (d.namespace !== undefined && !d.namespace.includes('${')) item.namespace = d.namespace;
      out.push(item);
    }
    return out;
  };

  const patchesOf = (dir: string, origin: string, list: readonly PatchFacts[]): AppliedPatch[] => {
    const out: AppliedPatch[] = [];
    for (const p of list) {
      const o = { path: origin, start: p.start, end: p.end };
      if (p.text !== undefined) for (const parsed of parsePatchText(p.text, p.target)) out.push({ patch: parsed, origin: o });
      if (p.file) {
        const f = model.facts(posix.join(dir, p.file.value));
        for (const d of f?.documents ?? []) {
          const value = d.value ?? (d.kind && d.name !== undefined ? { apiVersion: d.apiVersion, kind: d.kind, metadata: { name: d.name, namespace: d.namespace } } : undefined);
          for (const parsed of patchesOfValue(value, p.target)) out.push({ patch: parsed, origin: o });
        }
      }
    }
    return out;
  };

  const applyPatches = (items: BuildItem[], patches: AppliedPatch[]): void => {
    if (patches.length === 0) return;
    for (const it of items) {
      const d = docOf(it.path, it.doc);
      const { group, version } = groupVersion(it.apiVersion);
      const subject: PatchSubject = { group, version, kind: it.kind, name: it.name, namespace: it.namespace, labels: d?.labels ?? {}, annotations: d?.annotations ?? {} };
      for (const p of patches) {
        if (!selects(p.patch.selector, subject)) continue;
        if (it.patches === NO_PATCHES) it.patches = [p];
        else it.patches.push(p);
      }
    }
  };

  const generatedItems = (f: FileFacts, gens: readonly GeneratedObject[]): BuildItem[] => gens.map((g) => {
    const item: BuildItem = {
      path: f.path, doc: f.kustomize!.docIndex, name: g.name, patches: NO_PATCHES, kind: g.kind, apiVersion: 'v1',
      implicit: { by: `${f.kustomize!.isComponent ? 'component' : 'kustomization'} ${f.path}`, ...(g.keys ? { keys: g.keys } : {}) },
    };
    if (g.namespace !== undefined) item.namespace = g.namespace;
    return item;
  });

  const buildDir = (dir: string, stack: Set<string>): BuildItem[] => {
    if (stack.has(dir) || stack.size > 64) return [];
    stack.add(dir);
    try {
      const k = model.kustomizationIn(dir);
      if (k?.kustomize) return buildKustomization(dir, k, k.kustomize, stack);
      // No kustomization file: kustomize-controller generates one with every manifest below the folder; a
      // sub-folder with a kustomization file is included as a whole (fluxcd/pkg kustomize generator).
      const out: BuildItem[] = [];
      for (const name of [...model.filesIn(dir)].sort()) {
        if (name.endsWith('/')) {
          // With a kustomization file the sub-folder is built as a whole; without one, its manifests join.
          out.push(...buildDir(posix.join(dir, name.slice(0, -1)), stack));
        } else if (/\.ya?ml$/i.test(name)) {
          out.push(...docsOfFile(posix.join(dir, name)));
        }
      }
      return out;
    } finally {
      stack.delete(dir);
    }
  };

  /**
   * Adds the resources and generated objects of kustomize components (folders relative to `base`) to `items`
   * and returns their patches, which apply to everything built with them.
   */
  const componentsInto = (base: string, names: readonly string[], items: BuildItem[]): AppliedPatch[] => {
    const patches: AppliedPatch[] = [];
    for (const name of names) {
      if (isRemoteEntry(name)) continue;
      const cdir = posix.join(base, name);
      const ck = model.kustomizationIn(cdir);
      if (!ck?.kustomize) continue;
      for (const r of ck.kustomize.resources) {
        const p = posix.join(cdir, r.value);
        if (!isRemoteEntry(r.value) && model.fileExists(p)) items.push(...docsOfFile(p));
      }
      items.push(...generatedItems(ck, ck.kustomize.generated));
      patches.push(...patchesOf(cdir, ck.path, ck.kustomize.patches));
    }
    return patches;
  };

  const buildKustomization = (dir: string, f: FileFacts, k: KustomizeFacts, stack: Set<string>): BuildItem[] => {
    const items: BuildItem[] = [];
    const include = (value: string): void => {
      if (isRemoteEntry(value)) return;
      const p = posix.join(dir, value);
      if (model.fileExists(p)) items.push(...docsOfFile(p));
      else if (model.dirExists(p) && model.kustomizationIn(p)) items.push(...buildDir(p, stack));
    };
    for (const r of k.resources) include(r.value);
    items.push(...generatedItems(f, k.generated));
    const componentPatches = componentsInto(dir, k.components.map((c) => c.value), items);
    applyPatches(items, [...patchesOf(dir, f.path, k.patches), ...componentPatches]);
    for (const it of items) {
      if (k.namespace !== undefined && !CLUSTER_SCOPED.has(it.kind)) it.namespace = k.namespace;
      if (k.namePrefix !== undefined || k.nameSuffix !== undefined) {
        if (it.kind !== 'Namespace' && it.kind !== 'CustomResourceDefinition') it.name = `${k.namePrefix ?? ''}${it.name}${k.nameSuffix ?? ''}`;
      }
    }
    return items;
  };

  // --- sources that are this repository -------------------------------------------------------------------
  const remotes = new Set(model.repoInputs.remotes);
  const thisRepoUrls = new Set<string>();
  const isThisRepoSource = (d: DocFacts): boolean => {
    if (d.kind !== 'GitRepository' && d.kind !== 'OCIRepository') return false;
    const url = at(d.value, 'spec', 'url');
    if (typeof url === 'string' && (remotes.has(normalizeGitUrl(url)) || thisRepoUrls.has(normalizeGitUrl(url)))) return true;
    return d.name === 'flux-system';
  };
  for (const f of all) {
    for (const d of f.documents) {
      if (d.name === 'flux-system' && (d.kind === 'GitRepository' || d.kind === 'OCIRepository') && d.isFlux) {
        const url = at(d.value, 'spec', 'url');
        if (typeof url === 'string' && !url.includes('${')) thisRepoUrls.add(normalizeGitUrl(url));
      }
    }
  }

  // --- free (declared) view, used to find Kustomizations and resolve sources before scoping -----------------
  const free = new Index();
  const freeInstances: Instance[] = [];
  /** spec.sync.path of the Kustomization a FluxInstance makes, by the FluxInstance's document. */
  const syncPaths = new Map<string, string>();
  for (const f of all) {
    for (const d of f.documents) {
      if (++work % DERIVE_SLICE === 0) yield;
      if (!d.apiVersion || !d.kind || d.name === undefined || (patchDocs.size > 0 && patchDocs.has(docKey(f.path, d.index)))) continue;
      const item: BuildItem = { path: f.path, doc: d.index, name: d.name, patches: NO_PATCHES, kind: d.kind, apiVersion: d.apiVersion };
      if (d.namespace !== undefined && !d.namespace.includes('${')) item.namespace = d.namespace;
      const inst = newInstance(item, d, undefined, undefined);
      freeInstances.push(inst);
      free.add(inst);
      // A Flux Operator FluxInstance's spec.sync makes the `flux-system` source and Kustomization in its namespace.
      const sync = d.kind === 'FluxInstance' ? at(d.value, 'spec', 'sync') : undefined;
      if (isRecord(sync) && typeof sync.path === 'string') {
        const srcKind = sync.kind === 'OCIRepository' || sync.kind === 'Bucket' ? sync.kind : 'GitRepository';
        for (const [kind, apiVersion] of [[srcKind, 'source.toolkit.fluxcd.io/v1'], ['Kustomization', 'kustomize.toolkit.fluxcd.io/v1']] as const) {
          const syn: BuildItem = { ...item, name: 'flux-system', kind, apiVersion, implicit: { by: `FluxInstance ${d.namespace ?? ''}/${d.name}`.replace(' /', ' ') } };
          const si = newInstance(syn, undefined, undefined, undefined);
          freeInstances.push(si);
          free.add(si);
          if (kind === 'Kustomization') syncPaths.set(docKey(f.path, d.index), sync.path);
        }
      }
    }
  }

  const sourceOf = (ks: Instance): 'this' | 'other' | 'unknown' => {
    if (ks.implicit) return syncPaths.has(docKey(ks.path, ks.doc)) ? 'this' : 'unknown';
    const d = docOf(ks.path, ks.doc);
    const ref = at(d?.value, 'spec', 'sourceRef');
    if (!isRecord(ref) || typeof ref.name !== 'string') return 'unknown';
    const kind = typeof ref.kind === 'string' ? ref.kind : 'GitRepository';
    if (ref.name === 'flux-system' && (kind === 'GitRepository' || kind === 'OCIRepository')) return 'this';
    const ns = typeof ref.namespace === 'string' ? ref.namespace : ks.namespace;
    // Once per source reference: thousands of Kustomizations naming one of thousands of same-named sources (a
    // file of copies) made this quadratic, 100+ ms of each derive.
    const key = `${kind}\u0000${ns ?? '\u0001'}\u0000${ref.name}`;
    let source = sourceByRef.get(key);
    if (source === undefined) {
      const found = free.find(kind, ref.name, ns).filter((i) => !i.implicit);
      source = found.length === 0 ? 'unknown' : found.some((i) => { const sd = docOf(i.path, i.doc); return sd !== undefined && isThisRepoSource(sd); }) ? 'this' : 'other';
      sourceByRef.set(key, source);
    }
    return source;
  };
  const sourceByRef = new Map<string, 'this' | 'other' | 'unknown'>();

  /** The repository root a Kustomization's spec.path is relative to (FLUX-FACTS §10). */
  const rootFor = (ks: Instance, relPath: string): string => {
    // The nearest git root (else workspace root) when spec.path exists there. Otherwise the highest folder
    // between the Kustomization's file and it where spec.path exists: an example repository kept inside another
    // repository, or several repositories side by side (a corpus), have no git root of their own.
    const top = model.repoRootOf(ks.path) ?? '/';
    const rel = relPath.replace(/^\.?\/*/, '');
    if (rel === '' || rel === '.') {
      for (let dir = posix.dirname(ks.path); isUnder(dir, top) && dir !== top; dir = posix.dirname(dir)) {
        if (posix.basename(dir) === 'clusters') return posix.dirname(dir);
      }
      return top;
    }
    if (model.dirExists(posix.join(top, rel))) return top;
    const candidates: string[] = [];
    for (let dir = posix.dirname(ks.path); isUnder(dir, top) && dir !== top; dir = posix.dirname(dir)) candidates.push(dir);
    for (let i = candidates.length - 1; i >= 0; i--) {
      if (model.dirExists(posix.join(candidates[i]!, rel))) return candidates[i]!;
    }
    return top;
  };

  /** Builds by Kustomization document and repository root: the root search, the cluster walk and the unreached
   * pass ask for the same builds; the items are only read afterwards, so one computation serves all three. */
  const buildCache = new Map<string, { build: KustomizationBuild; items: BuildItem[] }>();
  const buildFor = (ks: Instance, inheritedRoot: string | undefined): { build: KustomizationBuild; items: BuildItem[] } => {
    // Keyed by the root the path resolves against: a child reached from its parent usually gets the same root
    // that the root search found for it.
    const spec = ks.implicit ? undefined : at(docOf(ks.path, ks.doc)?.value, 'spec', 'path');
    const root = inheritedRoot ?? (typeof spec === 'string' && !spec.includes('${') ? rootFor(ks, spec) : '');
    const ckey = `${docKey(ks.path, ks.doc)}|${ks.implicit ? 'implicit' : ''}|${root}`;
    const hit = buildCache.get(ckey);
    if (hit) return { build: { ...hit.build, ks, objects: [] }, items: hit.items };
    const r = computeBuild(ks, root === '' ? inheritedRoot : root);
    buildCache.set(ckey, r);
    return { build: { ...r.build, objects: [] }, items: r.items };
  };
  const computeBuild = (ks: Instance, inheritedRoot: string | undefined): { build: KustomizationBuild; items: BuildItem[] } => {
    const d = ks.implicit ? undefined : docOf(ks.path, ks.doc);
    const source = sourceOf(ks);
    const build: KustomizationBuild = { ks, source, objects: [] };
    const syncPath = ks.implicit ? syncPaths.get(docKey(ks.path, ks.doc)) : undefined;
    const spec = ks.implicit ? (syncPath !== undefined ? { path: syncPath } : undefined) : at(d?.value, 'spec');
    if (source !== 'this' || !isRecord(spec)) return { build, items: [] };
    const rel = typeof at(spec, 'path') === 'string' ? String(at(spec, 'path')) : '';
    if (rel.includes('${')) return { build: { ...build, source: 'unknown' }, items: [] };
    const root = inheritedRoot ?? rootFor(ks, rel);
    const dir = posix.join(root, rel.replace(/^\.?\/*/, '') || '.');
    // A folder outside every workspace root (the editor opened a sub-folder of the repository) is not known to
    // the model: what it holds cannot be judged.
    const roots = model.repoInputs.workspaceRoots;
    if (roots.length > 0 && !roots.some((r) => isUnder(dir, r))) return { build: { ...build, source: 'unknown' }, items: [] };
    build.root = root;
    build.dir = stripSlash(dir);
    build.dirExists = model.dirExists(build.dir);
    if (!build.dirExists) return { build, items: [] };
    const items = buildDir(build.dir, new Set());
    const comps = at(spec, 'components');
    if (Array.isArray(comps)) {
      applyPatches(items, componentsInto(build.dir, comps.filter((c): c is string => typeof c === 'string'), items));
    }
    // The Kustomization's own spec.patches, written in its file.
    const file = model.facts(ks.path);
    const own: AppliedPatch[] = [];
    const patches = at(spec, 'patches');
    if (Array.isArray(patches) && file && d) {
      patches.forEach((p, i) => {
        if (!isRecord(p) || typeof p.patch !== 'string') return;
        const s = d.spans.get(`spec.patches.${i}`);
        const origin = { path: ks.path, start: s?.[2] ?? d.start, end: s?.[3] ?? d.start };
        const t = isRecord(p.target) ? p.target : undefined;
        const target = t ? Object.fromEntries(Object.entries(t).filter(([, v]) => typeof v === 'string')) as Record<string, string> : undefined;
        for (const parsed of parsePatchText(p.patch, target)) own.push({ patch: parsed, origin });
      });
    }
    applyPatches(items, own);
    const targetNs = at(spec, 'targetNamespace');
    if (typeof targetNs === 'string' && targetNs !== '' && !targetNs.includes('${')) {
      for (const it of items) if (!CLUSTER_SCOPED.has(it.kind)) it.namespace = targetNs;
    }
    return { build, items };
  };

  // --- every Kustomization's direct build, to find the roots ------------------------------------------------
  const appliedByOther = new Set<string>();
  for (const inst of freeInstances) {
    if (inst.kind !== 'Kustomization' || inst.group !== 'kustomize.toolkit.fluxcd.io') continue;
    if (++work % DERIVE_SLICE === 0) yield;
    const { items } = buildFor(inst, undefined);
    for (const it of items) {
      if (it.kind === 'Kustomization' && docKey(it.path, it.doc) !== docKey(inst.path, inst.doc)) appliedByOther.add(docKey(it.path, it.doc));
    }
  }

  // --- clusters: BFS from each root -------------------------------------------------------------------------
  const clusters: Cluster[] = [];
  const reached = new Set<string>();
  const addInstance = (inst: Instance): void => {
    instances.push(inst);
    push(byDoc, inst.implicit ? `${docKey(inst.path, inst.doc)}:${inst.kind}/${inst.name}` : docKey(inst.path, inst.doc), inst);
  };
  const implicitOf = (inst: Instance, addTo: (i: Instance) => void): void => {
    // A HelmRelease with spec.chart makes the HelmChart `<namespace>-<name>` in the chart source's namespace.
    if (inst.kind !== 'HelmRelease') return;
    const d = docOf(inst.path, inst.doc);
    const src = at(d?.value, 'spec', 'chart', 'spec', 'sourceRef');
    if (!isRecord(src) || inst.namespace === undefined) return;
    const item: BuildItem = {
      path: inst.path, doc: inst.doc, name: `${inst.namespace}-${inst.name}`, patches: NO_PATCHES, kind: 'HelmChart',
      apiVersion: 'source.toolkit.fluxcd.io/v1', implicit: { by: `HelmRelease ${inst.namespace}/${inst.name}` },
    };
    const ns = typeof src.namespace === 'string' ? src.namespace : inst.namespace;
    item.namespace = ns;
    addTo(newInstance(item, undefined, inst.appliedBy, inst.cluster));
  };

  // Roots, grouped into clusters by their folder: a root that applies its own file (the bootstrap flux-system
  // Kustomization) by the folder it applies, the others by their file's folder (a `flux-system` folder counts as
  // its parent), so that sibling roots of one clusters/<name> folder make one cluster.
  const groups = new Map<string, Instance[]>();
  for (const rootInst of freeInstances) {
    if (rootInst.kind !== 'Kustomization' || rootInst.group !== 'kustomize.toolkit.fluxcd.io') continue;
    const key = docKey(rootInst.path, rootInst.doc);
    if (appliedByOther.has(key) || sourceOf(rootInst) !== 'this') continue;
    if (++work % DERIVE_SLICE === 0) yield;
    const { build, items } = buildFor(rootInst, undefined);
    const self = items.some((it) => docKey(it.path, it.doc) === key);
    let dir = self && build.dir !== undefined ? build.dir : posix.dirname(rootInst.path);
    if (!self && posix.basename(dir) === 'flux-system') dir = posix.dirname(dir);
    push(groups, dir, rootInst);
  }
  for (const [dir, roots] of groups) {
    const first = roots[0]!;
    const rootDisplay = model.repoRootOf(dir);
    const rel = rootDisplay !== undefined ? dir.slice(rootDisplay.length).replace(/^\/+/, '') : dir;
    const cluster: Cluster = { id: `${clusters.length}`, name: rel !== '' ? rel : `${first.namespace ?? ''}/${first.name}`, root: first, instances: [] };
    clusters.push(cluster);
    const add = (i: Instance): void => { cluster.instances.push(i); addInstance(i); };
    const queue: Array<{ ks: Instance; root: string | undefined }> = [];
    const rootKeys = new Set(roots.map((r) => docKey(r.path, r.doc)));
    for (const rootInst of roots) {
      const d = docOf(rootInst.path, rootInst.doc);
      const rootItem: BuildItem = { path: rootInst.path, doc: rootInst.doc, name: rootInst.name, namespace: rootInst.namespace, patches: NO_PATCHES, kind: rootInst.kind, apiVersion: rootInst.apiVersion };
      if (rootInst.implicit) rootItem.implicit = rootInst.implicit;
      const root = newInstance(rootItem, rootInst.implicit ? undefined : d, undefined, cluster);
      if (rootInst === first) cluster.root = root;
      add(root);
      reached.add(docKey(rootInst.path, rootInst.doc));
      implicitOf(root, add);
      queue.push({ ks: root, root: undefined });
    }
    const seenKs = new Set<string>();
    while (queue.length > 0) {
      const { ks, root: repoRoot } = queue.shift()!;
      if (++work % DERIVE_SLICE === 0) yield;
      const kkey = `${docKey(ks.path, ks.doc)}:${ks.implicit ? 'implicit' : ''}`;
      if (seenKs.has(kkey)) continue;
      seenKs.add(kkey);
      const { build, items } = buildFor(ks, repoRoot);
      builds.set(ks.id, build);
      for (const it of items) {
        if (++work % DERIVE_SLICE === 0) yield;
        const ikey = docKey(it.path, it.doc);
        // A root's own document (the bootstrap Kustomization applies its own file) is already in the cluster.
        if (rootKeys.has(ikey) && !it.implicit) continue;
        const inst = newInstance(it, it.implicit ? undefined : docOf(it.path, it.doc), ks, cluster);
        build.objects.push(inst);
        add(inst);
        if (!it.implicit) reached.add(ikey);
        implicitOf(inst, (i) => { build.objects.push(i); add(i); });
        if (inst.kind === 'Kustomization' && inst.group === 'kustomize.toolkit.fluxcd.io') queue.push({ ks: inst, root: sourceOf(inst) === 'this' ? build.root : undefined });
      }
    }
  }

  // --- unreached documents: free instances (and their Kustomizations' builds, for patches and namespaces) ---
  for (const inst of freeInstances) {
    if (++work % DERIVE_SLICE === 0) yield;
    const key = docKey(inst.path, inst.doc);
    if (reached.has(key)) continue;
    addInstance(inst);
    implicitOf(inst, addInstance);
  }
  for (const inst of freeInstances) {
    if (reached.has(docKey(inst.path, inst.doc)) || inst.kind !== 'Kustomization' || inst.group !== 'kustomize.toolkit.fluxcd.io') continue;
    if (++work % DERIVE_SLICE === 0) yield;
    const { build, items } = buildFor(inst, undefined);
    builds.set(inst.id, build);
    for (const it of items) {
      if (reached.has(docKey(it.path, it.doc))) continue;
      // An unreached object built by an unreached Kustomization: its patches and namespace are known.
      const existing = byDoc.get(docKey(it.path, it.doc))?.find((x) => x.cluster === undefined && !x.appliedBy);
      if (existing && !it.implicit) {
        if (it.patches.length > 0) existing.patches = [...existing.patches, ...it.patches];
        if (existing.namespace === undefined && it.namespace !== undefined) existing.namespace = it.namespace;
        existing.appliedBy = inst;
        build.objects.push(existing);
      } else if (it.implicit) {
        const gi = newInstance(it, undefined, inst, undefined);
        build.objects.push(gi);
        addInstance(gi);
      }
    }
  }
  // Generated ConfigMaps/Secrets of kustomization files no Kustomization reaches still exist somewhere.
  for (const f of all) {
    if (!f.kustomize || f.kustomize.generated.length === 0) continue;
    for (const it of generatedItems(f, f.kustomize.generated)) {
      const k = `${docKey(it.path, it.doc)}:${it.kind}/${it.name}`;
      if (!byDoc.has(k)) addInstance(newInstance(it, undefined, undefined, undefined));
    }
  }

  return yield* indexed(revision, instances, byDoc, clusters, builds, patchDocs);
}

/**
 * The derived graph with its indexes. Outside derive() on purpose: closures share their function's scope, so
 * lookups made there kept the derivation's working data (build cache, free instances) alive with the graph.
 */
function* indexed(revision: number, instances: Instance[], byDoc: Map<string, Instance[]>, clusters: Cluster[],
  builds: Map<string, KustomizationBuild>, patchDocs: Set<string>): Generator<void, Derived> {
  const global = new Index();
  const perCluster = new Map<Cluster, Index>();
  let n = 0;
  for (const i of instances) {
    if (++n % DERIVE_SLICE === 0) yield;
    global.add(i);
    if (i.cluster) {
      let idx = perCluster.get(i.cluster);
      if (!idx) perCluster.set(i.cluster, (idx = new Index()));
      idx.add(i);
    }
  }
  const buildsByDoc = new Map<string, KustomizationBuild[]>();
  for (const b of builds.values()) if (!b.ks.implicit) push(buildsByDoc, docKey(b.ks.path, b.ks.doc), b);
  return {
    revision, instances, byDoc, clusters, builds, patchDocs,
    buildsOf: (path, doc) => buildsByDoc.get(docKey(path, doc)) ?? [],
    resolve: (kind, name, namespace, cluster) => (cluster ? perCluster.get(cluster)?.find(kind, name, namespace) ?? [] : global.find(kind, name, namespace)),
    anywhere: (kind, name) => global.find(kind, name, undefined),
  };
}

/** Whether a kind is a Flux kind (kept in git as a rule) rather than a Secret, ConfigMap or another object. */
export function isFluxKindName(kind: string): boolean {
  return FLUX_KIND_NAMES.has(kind);
}

export { isKustomizationFileName };
