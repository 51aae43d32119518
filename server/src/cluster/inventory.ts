/**
 * Kustomization inventories (`status.inventory.entries[].id`, FLUX-FACTS §5) and the object tree
 * behind `flux-workbench tree kustomization NAME`, recursing into child Kustomizations and into
 * HelmReleases through Helm storage.
 */
import { findKind } from '../engine/kinds';
import { type ClusterAccess, ClusterCallError, getObject } from './get';
import { HelmStorageError, readHelmRelease } from './helm-storage';
import { health, type HealthState } from './status';
import type { FluxObject, ObjectKey } from './types';

export interface InventoryRef {
  /** Empty for cluster-scoped objects. */
  namespace: string;
  name: string;
  /** Empty for core kinds. */
  group: string;
  kind: string;
  /** The entry's `v` (API version without group), when present. */
  version?: string;
}

/**
 * Parses `<namespace>_<name>_<group>_<kind>`. Namespaces, groups and kinds hold no `_`; in the
 * name `__` stands for `:`. Returns undefined for malformed ids.
 */
export function parseInventoryId(id: string, version?: string): InventoryRef | undefined {
  const first = id.indexOf('_');
  const last = id.lastIndexOf('_');
  if (first < 0 || last <= first) return undefined;
  const kind = id.slice(last + 1);
  const rest = id.slice(first + 1, last); // <name>_<group>
  const groupSep = rest.lastIndexOf('_');
  if (groupSep < 0 || kind === '') return undefined;
  const namespace = id.slice(0, first);
  const name = rest.slice(0, groupSep).replace(/__/g, ':');
  const group = rest.slice(groupSep + 1);
  if (name === '') return undefined;
  return version ? { namespace, name, group, kind, version } : { namespace, name, group, kind };
}

/** The inventory entries of a Kustomization (malformed ids are skipped). */
export function inventoryOf(ks: FluxObject): InventoryRef[] {
  const inv = ks.status?.inventory as { entries?: unknown } | undefined;
  if (!inv || !Array.isArray(inv.entries)) return [];
  const out: InventoryRef[] = [];
  for (const e of inv.entries) {
    const entry = e as { id?: unknown; v?: unknown };
    if (typeof entry?.id !== 'string') continue;
    const ref = parseInventoryId(entry.id, typeof entry.v === 'string' ? entry.v : undefined);
    if (ref) out.push(ref);
  }
  return out;
}

export function apiVersionOf(ref: { group: string; version?: string }): string {
  const v = ref.version ?? '';
  return ref.group ? (v ? `${ref.group}/${v}` : ref.group) : v;
}

export interface TreeNode {
  kind: string;
  name: string;
  namespace: string;
  apiVersion: string;
  /** Health of Flux objects that were read from the cluster. */
  health?: HealthState;
  /** Why the children could not be read (missing object, Helm storage problem...). */
  error?: string;
  children: TreeNode[];
}

const FLUX_KS_GROUP = 'kustomize.toolkit.fluxcd.io';
const FLUX_HR_GROUP = 'helm.toolkit.fluxcd.io';

export interface TreeOptions {
  /** Maximum nesting depth (default 20) to bound pathological graphs. */
  maxDepth?: number;
  /** `--compact`: only Flux objects (Kustomizations, HelmReleases, sources...), like `flux tree --compact`. */
  compact?: boolean;
}

/** True when the object applies to another cluster (`spec.kubeConfig`): its objects are not in this one. */
export function appliesRemotely(obj: FluxObject): boolean {
  const kc = obj.spec?.kubeConfig;
  return !!kc && typeof kc === 'object';
}

const REMOTE_NOTE = 'applied to a remote cluster (spec.kubeConfig): not read from this one';

/** Builds the tree under a Kustomization (or HelmRelease) key. */
export async function tree(conn: ClusterAccess, key: ObjectKey, opts: TreeOptions = {}): Promise<TreeNode> {
  const info = findKind(key.kind);
  const root = await getObject(conn, key);
  const visited = new Set<string>();
  const t = await expand(conn, root, info?.group ?? '', 0, opts.maxDepth ?? 20, visited);
  return opts.compact ? compactTree(t) : t;
}

/** Keeps only Flux objects (and the nodes that explain a problem), as `flux tree --compact`. */
function compactTree(n: TreeNode): TreeNode {
  const children: TreeNode[] = [];
  for (const c of n.children) {
    const flux = findKind(c.kind, splitGroup(c.apiVersion).group) !== undefined;
    if (flux) children.push(compactTree(c));
  }
  return { ...n, children };
}

async function expand(conn: ClusterAccess, obj: FluxObject, group: string, depth: number, maxDepth: number, visited: Set<string>): Promise<TreeNode> {
  const node: TreeNode = {
    kind: obj.kind, name: obj.metadata.name, namespace: obj.metadata.namespace ?? '', apiVersion: obj.apiVersion,
    health: health(obj).state, children: [],
  };
  const id = `${group}/${obj.kind}/${node.namespace}/${node.name}`;
  if (visited.has(id)) { node.error = 'already shown above (cycle)'; return node; }
  visited.add(id);
  if (depth >= maxDepth) { node.error = 'maximum depth reached'; return node; }
  const remote = appliesRemotely(obj);
  if (obj.kind === 'Kustomization') {
    for (const ref of inventoryOf(obj)) {
      // A Kustomization that applies itself (flux-system) lists itself: the CLI leaves that entry out.
      if (ref.group === group && ref.kind === obj.kind && ref.namespace === node.namespace && ref.name === node.name) continue;
      const r = { namespace: ref.namespace, name: ref.name, kind: ref.kind, group: ref.group, apiVersion: apiVersionOf(ref) };
      // Objects applied to a remote cluster are listed from the inventory but never read here.
      node.children.push(remote ? { kind: r.kind, name: r.name, namespace: r.namespace, apiVersion: r.apiVersion, children: [] } : await child(conn, r, depth, maxDepth, visited));
    }
    if (remote && node.children.length > 0) node.error = REMOTE_NOTE;
  } else if (obj.kind === 'HelmRelease' && remote) {
    node.error = `Helm storage ${REMOTE_NOTE}`;
  } else if (obj.kind === 'HelmRelease') {
    try {
      const rel = await readHelmRelease(conn, obj);
      for (const o of rel.objects) {
        const { group } = splitGroup(o.apiVersion);
        node.children.push(await child(conn, { namespace: o.namespace || (isLikelyNamespaced(o.kind) ? rel.releaseNamespace : ''), name: o.name, kind: o.kind, group, apiVersion: o.apiVersion }, depth, maxDepth, visited));
      }
    } catch (err) {
      if (err instanceof HelmStorageError || (err instanceof ClusterCallError && (err.failure === 'notfound' || err.failure === 'forbidden'))) {
        node.error = err.message;
      } else {
        throw err;
      }
    }
  }
  return node;
}

function splitGroup(apiVersion: string): { group: string } {
  const i = apiVersion.lastIndexOf('/');
  return { group: i < 0 ? '' : apiVersion.slice(0, i) };
}

const CLUSTER_SCOPED = new Set([
  'Namespace', 'ClusterRole', 'ClusterRoleBinding', 'CustomResourceDefinition', 'PersistentVolume', 'StorageClass',
  'PriorityClass', 'ValidatingWebhookConfiguration', 'MutatingWebhookConfiguration', 'APIService', 'IngressClass',
  'RuntimeClass', 'CSIDriver', 'Node', 'ClusterIssuer', 'ValidatingAdmissionPolicy', 'ValidatingAdmissionPolicyBinding',
]);

/** Helm fills the release namespace into namespaced objects that omit one (false for well-known cluster-scoped kinds). */
export function isLikelyNamespaced(kind: string): boolean {
  return !CLUSTER_SCOPED.has(kind);
}

async function child(
  conn: ClusterAccess, ref: { namespace: string; name: string; kind: string; group: string; apiVersion: string },
  depth: number, maxDepth: number, visited: Set<string>,
): Promise<TreeNode> {
  const isFluxParent = (ref.group === FLUX_KS_GROUP && ref.kind === 'Kustomization') || (ref.group === FLUX_HR_GROUP && ref.kind === 'HelmRelease');
  if (!isFluxParent) {
    const info = findKind(ref.kind, ref.group);
    const node: TreeNode = { kind: ref.kind, name: ref.name, namespace: ref.namespace, apiVersion: ref.apiVersion, children: [] };
    if (info) {
      // A Flux object (source, alert...): show its health too.
      try {
        node.health = health(await getObject(conn, { kind: ref.kind, namespace: ref.namespace, name: ref.name })).state;
      } catch (err) {
        if (!(err instanceof ClusterCallError && (err.failure === 'notfound' || err.failure === 'forbidden'))) throw err;
        node.error = err.message;
      }
    }
    return node;
  }
  try {
    const obj = await getObject(conn, { kind: ref.kind, namespace: ref.namespace, name: ref.name });
    return await expand(conn, obj, ref.group, depth + 1, maxDepth, visited);
  } catch (err) {
    if (err instanceof ClusterCallError && (err.failure === 'notfound' || err.failure === 'forbidden')) {
      return { kind: ref.kind, name: ref.name, namespace: ref.namespace, apiVersion: ref.apiVersion, error: err.message, children: [] };
    }
    throw err;
  }
}

/** Renders a tree like `flux tree`: `Kustomization/flux-system/apps` with box-drawing branches. */
export function renderTree(root: TreeNode): string {
  const lines: string[] = [label(root)];
  const walk = (n: TreeNode, prefix: string): void => {
    n.children.forEach((c, i) => {
      const lastChild = i === n.children.length - 1;
      lines.push(`${prefix}${lastChild ? '└── ' : '├── '}${label(c)}`);
      walk(c, prefix + (lastChild ? '    ' : '│   '));
    });
  };
  walk(root, '');
  return lines.join('\n') + '\n';
}

function label(n: TreeNode): string {
  const id = n.namespace ? `${n.kind}/${n.namespace}/${n.name}` : `${n.kind}/${n.name}`;
  const h = n.health && n.health !== 'ready' ? ` [${n.health}]` : '';
  const e = n.error ? ` (${n.error})` : '';
  return `${id}${h}${e}`;
}
