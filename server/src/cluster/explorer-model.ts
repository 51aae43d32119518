/**
 * The Flux explorer tree as plain data (no VS Code): the client maps each {@link ExplorerNode}
 * to a TreeItem. Built from a watch-cache snapshot; ids are stable across rebuilds so the tree
 * keeps its expansion and selection, and nothing flickers.
 *
 * Top level: the cluster health node, Sources, Kustomizations, HelmReleases, Notifications and
 * Image automation. Objects are grouped by namespace when a kind spans more than one. A
 * Kustomization's children are its inventory, a HelmRelease's the objects in its Helm storage
 * Secret; both are loaded lazily with {@link loadChildren}.
 */
import { findKind } from '../engine/kinds';
import type { FluxCheck } from './check';
import { type ClusterAccess, ClusterCallError } from './get';
import { HelmStorageError, readHelmRelease } from './helm-storage';
import { apiVersionOf, appliesRemotely, inventoryOf, isLikelyNamespaced } from './inventory';
import { isWorkload, workloadStatus } from './workloads';
import { formatDuration, health, type HealthState, isSuspended, nextReconcile, statusRow } from './status';
import type { FluxObject, ObjectKey } from './types';
import type { CacheSnapshot, ConnectionState, KindSyncState } from './watch-cache';
import { humanDuration } from './table';
import { connectionLine } from './presentation';

export { connectionLine, nodeContext } from './presentation';

/**
 * Icon names: a health state for objects (ready, failing, reconciling, stalled, suspended,
 * unknown), a kind sync state for message nodes (forbidden, missing, error, syncing), or a node
 * type (cluster, controller, sources, kustomizations, helmreleases, notifications,
 * image-automation, kind, namespace, resource, webhook, info).
 */
export type ExplorerIcon = HealthState | KindSyncState['state'] | 'cluster' | 'controller' | 'sources' | 'kustomizations'
  | 'helmreleases' | 'notifications' | 'image-automation' | 'kind' | 'namespace' | 'resource' | 'webhook' | 'info'
  | 'stale' | 'disconnected' | 'unauthorized' | 'workload-ready' | 'workload-failing' | 'workload-progressing';

/** One node of the explorer tree. */
export interface ExplorerNode {
  /** Stable id, e.g. `obj:<context>:<group>/<kind>/<namespace>/<name>`. Unique in the tree. */
  id: string;
  label: string;
  /** Shown dimmed after the label: revision, failing reason, counts. */
  description?: string;
  /** Markdown. */
  tooltip?: string;
  icon: ExplorerIcon;
  /**
   * For menus (`viewItem =~ /.../`): `flux.cluster`, `flux.category.<name>`, `flux.kind.<kind>`,
   * `flux.namespace`, `flux.state.<state>`, `flux.resource`, `flux.error`, and for Flux objects
   * `flux.object.<kind>.<active|suspended>` followed by `.reconcilable`, `.failing`, `.receiver`.
   * `<kind>` is the lower-case kind (`kustomization`, `helmrelease`, `gitrepository`...).
   */
  contextValue: string;
  /** The Flux object a node stands for (object nodes, and Flux objects inside an inventory). */
  key?: ObjectKey;
  /** Any Kubernetes object a node stands for (inventory and Helm release entries): what "Trace" starts from. */
  ref?: { apiVersion: string; kind: string; name: string; namespace: string };
  collapsible: 'none' | 'collapsed' | 'expanded';
  /** Children known at build time. */
  children?: ExplorerNode[];
  /** Children must be loaded with {@link loadChildren} (inventory, Helm storage). */
  lazy?: boolean;
}

/** Options of {@link buildExplorerTree}. */
export interface ExplorerOptions {
  /** The kubeconfig context name (part of every id). */
  context: string;
  /** The last `checkFlux` result, for the cluster health node. */
  check?: FluxCheck;
  /** Show only these namespaces (undefined or empty: all). */
  namespaces?: string[];
  /** Show only failing or stalled objects. */
  failingOnly?: boolean;
  /** Clock for the next-reconcile countdown (epoch ms, default now). */
  now?: number;
}

interface Section { id: string; label: string; icon: ExplorerIcon; kinds: Array<{ kind: string; label: string }>; flat?: boolean }

const SECTIONS: Section[] = [
  {
    id: 'sources', label: 'Sources', icon: 'sources', kinds: [
      { kind: 'GitRepository', label: 'Git Repositories' }, { kind: 'OCIRepository', label: 'OCI Repositories' },
      { kind: 'HelmRepository', label: 'Helm Repositories' }, { kind: 'HelmChart', label: 'Helm Charts' },
      { kind: 'Bucket', label: 'Buckets' }, { kind: 'ExternalArtifact', label: 'External Artifacts' },
    ],
  },
  { id: 'kustomizations', label: 'Kustomizations', icon: 'kustomizations', kinds: [{ kind: 'Kustomization', label: 'Kustomizations' }], flat: true },
  { id: 'helmreleases', label: 'HelmReleases', icon: 'helmreleases', kinds: [{ kind: 'HelmRelease', label: 'HelmReleases' }], flat: true },
  {
    id: 'notifications', label: 'Notifications', icon: 'notifications', kinds: [
      { kind: 'Alert', label: 'Alerts' }, { kind: 'Provider', label: 'Providers' }, { kind: 'Receiver', label: 'Receivers' },
    ],
  },
  {
    id: 'image-automation', label: 'Image automation', icon: 'image-automation', kinds: [
      { kind: 'ImageRepository', label: 'Image Repositories' }, { kind: 'ImagePolicy', label: 'Image Policies' },
      { kind: 'ImageUpdateAutomation', label: 'Image Update Automations' },
    ],
  },
];

const FAILING: ReadonlySet<HealthState> = new Set(['failing', 'stalled']);

/** True when the object's health is failing or stalled (the failing-only filter). */
export function isFailing(obj: FluxObject): boolean {
  return FAILING.has(health(obj).state);
}

function groupOf(kind: string): string {
  return findKind(kind)?.group ?? '';
}

/** The stable id of a Flux object's node: `obj:<context>:<group>/<kind>/<namespace>/<name>`. */
export function objectNodeId(context: string, key: ObjectKey): string {
  return `obj:${context}:${groupOf(key.kind)}/${key.kind}/${key.namespace}/${key.name}`;
}

/** Escapes text for a markdown tooltip (messages come from the cluster). */
function md(s: string): string {
  return s.replace(/[\\`*_{}[\]()#+\-.!|<>]/g, (c) => `\\${c}`);
}

function shortReason(h: { reason?: string; message?: string }): string {
  if (h.reason) return h.reason;
  const m = (h.message ?? '').split('\n')[0] ?? '';
  return m.length > 80 ? `${m.slice(0, 77)}...` : m;
}

function keyOf(obj: FluxObject): ObjectKey {
  return { kind: obj.kind, namespace: obj.metadata.namespace ?? '', name: obj.metadata.name };
}

function webhookPath(obj: FluxObject): string | undefined {
  const p = obj.status?.webhookPath;
  return typeof p === 'string' && p !== '' ? p : undefined;
}

/**
 * Object nodes cached per (immutable) object: a rebuild after a watch event only builds nodes for
 * the objects that changed. Keyed by context and id prefix; not used when a fixed `now` is given.
 */
const nodeCache = new WeakMap<FluxObject, Map<string, ExplorerNode>>();

/**
 * The node for one Flux object; `idPrefix` scopes ids of objects shown inside another node.
 * The tooltip is computed when first read (the next-reconcile countdown is relative to that
 * moment, or to `now` when given), so building thousands of nodes stays cheap.
 */
export function objectNode(obj: FluxObject, opts: { context: string; now?: number; idPrefix?: string; stale?: boolean }): ExplorerNode {
  const cacheKey = opts.now === undefined ? `${opts.context}\u0000${opts.idPrefix ?? ''}\u0000${opts.stale ? 's' : ''}` : undefined;
  if (cacheKey !== undefined) {
    const hit = nodeCache.get(obj)?.get(cacheKey);
    if (hit) return hit;
  }
  const node = makeObjectNode(obj, opts);
  if (cacheKey !== undefined) {
    let m = nodeCache.get(obj);
    if (!m) { m = new Map(); nodeCache.set(obj, m); }
    m.set(cacheKey, node);
  }
  return node;
}

function makeObjectNode(obj: FluxObject, opts: { context: string; now?: number; idPrefix?: string; stale?: boolean }): ExplorerNode {
  const key = keyOf(obj);
  const h = health(obj);
  const row = statusRow(obj);
  const suspended = isSuspended(obj);
  const failing = FAILING.has(h.state);
  const kindLc = obj.kind.toLowerCase();
  const hook = obj.kind === 'Receiver' ? webhookPath(obj) : undefined;
  let description: string;
  if (failing) description = shortReason(h) || h.state;
  else if (hook) description = hook;
  else description = row.revision;
  if (suspended) description = description ? `suspended · ${description}` : 'suspended';
  // Cut off from the API server: the last known state, greyed, never a green check.
  if (opts.stale) description = description ? `stale · ${description}` : 'stale';
  const tokens = [`flux.object.${kindLc}.${suspended ? 'suspended' : 'active'}`];
  if (findKind(obj.kind)) tokens.push('reconcilable');
  if (failing) tokens.push('failing');
  if (obj.kind === 'Receiver') tokens.push('receiver');
  // The inline Reconcile/Suspend/Resume buttons are hidden on stale rows (package.json menus): no API server answers.
  if (opts.stale) tokens.push('stale');
  const lazy = obj.kind === 'Kustomization' || obj.kind === 'HelmRelease';
  const baseId = objectNodeId(opts.context, key);
  const node: ExplorerNode = {
    id: opts.idPrefix ? `${opts.idPrefix}>${baseId}` : baseId,
    label: obj.metadata.name,
    ...(description ? { description } : {}),
    icon: opts.stale ? 'stale' : h.state,
    contextValue: tokens.join('.'),
    key,
    collapsible: lazy ? 'collapsed' : 'none',
    ...(lazy ? { lazy: true } : {}),
  };
  const fixedNow = opts.now;
  const staleNote = opts.stale ? '\n\n_Stale: the last state seen before the connection to the API server was lost._' : '';
  Object.defineProperty(node, 'tooltip', { enumerable: true, configurable: true, get: () => objectTooltip(obj, fixedNow ?? Date.now()) + staleNote });
  return node;
}

/** Markdown tooltip: kind and name, health, conditions, revision, last handled reconcile, next reconcile. */
export function objectTooltip(obj: FluxObject, now: number = Date.now()): string {
  const h = health(obj);
  const row = statusRow(obj);
  const lines: string[] = [`**${md(obj.kind)} ${md(obj.metadata.namespace ?? '')}/${md(obj.metadata.name)}**`, '', `State: ${h.state}`];
  if (row.revision) lines.push('', `${row.revisionHeader === 'REVISION' ? 'Revision' : row.revisionHeader.charAt(0) + row.revisionHeader.slice(1).toLowerCase()}: \`${row.revision.replace(/`/g, "'")}\``);
  const conds = Array.isArray(obj.status?.conditions) ? obj.status.conditions : [];
  if (conds.length > 0) {
    lines.push('', 'Conditions:');
    for (const c of conds) {
      if (!c || typeof c.type !== 'string') continue;
      lines.push(`- ${md(c.type)}=${md(String(c.status))}${c.reason ? ` (${md(c.reason)})` : ''}${c.message ? `: ${md(c.message)}` : ''}`);
    }
  }
  const hook = obj.kind === 'Receiver' ? webhookPath(obj) : undefined;
  if (hook) lines.push('', `Webhook path: \`${hook.replace(/`/g, "'")}\``);
  if (obj.status?.lastHandledReconcileAt) lines.push('', `Last handled reconcile: ${md(String(obj.status.lastHandledReconcileAt))}`);
  if (isSuspended(obj)) lines.push('', 'Suspended: no scheduled reconciles');
  else {
    const next = nextReconcile(obj, now);
    if (next) lines.push('', `Next reconcile in about ${formatDuration(next.at - now)} (every ${formatDuration(next.intervalMs)})`);
  }
  return lines.join('\n');
}

function stateNode(context: string, kind: string, st: KindSyncState, now: number = Date.now()): ExplorerNode | undefined {
  const g = groupOf(kind);
  const id = `state:${context}:${g}/${kind}`;
  switch (st.state) {
    case 'synced':
      if (st.polling) {
        const ago = st.polling.lastListAt !== undefined ? `, last list ${humanDuration(now - st.polling.lastListAt)} ago` : '';
        return { id, label: `Listed every ${formatDuration(st.polling.intervalMs)}${ago}`, description: 'watch budget in use: periodic lists', tooltip: st.message, icon: 'info', contextValue: 'flux.state.polling', collapsible: 'none' };
      }
      if (!st.namespaces) return undefined;
      return { id, label: `Namespaces ${st.namespaces.join(', ')} only`, description: 'cluster-wide list forbidden', tooltip: st.message, icon: 'info', contextValue: 'flux.state.partial', collapsible: 'none' };
    case 'syncing':
      return { id, label: 'Loading…', icon: 'syncing', contextValue: 'flux.state.syncing', collapsible: 'none' };
    case 'forbidden':
      return { id, label: 'Forbidden', description: st.message, tooltip: st.message, icon: 'forbidden', contextValue: 'flux.state.forbidden', collapsible: 'none' };
    case 'missing':
      return { id, label: 'Not installed', description: st.message, tooltip: st.message, icon: 'missing', contextValue: 'flux.state.missing', collapsible: 'none' };
    case 'error':
      return { id, label: st.failure === 'unauthorized' ? 'Unauthorized' : 'Error', description: st.message, tooltip: st.message, icon: 'error', contextValue: 'flux.state.error', collapsible: 'none' };
  }
}

function kindChildren(snap: CacheSnapshot, kind: string, opts: ExplorerOptions, now: number | undefined): { children: ExplorerNode[]; shown: number; failing: number; total: number } {
  const nsFilter = opts.namespaces && opts.namespaces.length > 0 ? new Set(opts.namespaces) : undefined;
  const all = snap.objects(kind);
  let failing = 0;
  const shownObjs: FluxObject[] = [];
  for (const o of all) {
    if (nsFilter && !nsFilter.has(o.metadata.namespace ?? '')) continue;
    const f = isFailing(o);
    if (f) failing++;
    if (opts.failingOnly && !f) continue;
    shownObjs.push(o);
  }
  const children: ExplorerNode[] = [];
  const st = stateNode(opts.context, kind, snap.kindState(kind), now);
  if (st) children.push(st);
  const byNs = new Map<string, FluxObject[]>();
  for (const o of shownObjs) {
    const ns = o.metadata.namespace ?? '';
    const l = byNs.get(ns);
    if (l) l.push(o); else byNs.set(ns, [o]);
  }
  if (byNs.size > 1) {
    const g = groupOf(kind);
    for (const [ns, objs] of byNs) {
      children.push({
        id: `ns:${opts.context}:${g}/${kind}/${ns}`, label: ns, description: String(objs.length), icon: 'namespace',
        contextValue: 'flux.namespace', collapsible: 'expanded', children: objs.map((o) => objectNode(o, { context: opts.context, stale: snap.stale, ...(now !== undefined ? { now } : {}) })),
      });
    }
  } else {
    for (const o of shownObjs) children.push(objectNode(o, { context: opts.context, stale: snap.stale, ...(now !== undefined ? { now } : {}) }));
  }
  return { children, shown: shownObjs.length, failing, total: all.length };
}

function countDescription(shown: number, failing: number, state: KindSyncState): string {
  if (state.state === 'forbidden' || state.state === 'missing') return state.state === 'missing' ? 'not installed' : 'forbidden';
  if (state.state === 'syncing') return 'loading';
  const base = String(shown);
  return failing > 0 ? `${base} (${failing} failing)` : base;
}

function clusterNode(opts: ExplorerOptions, snap: CacheSnapshot): ExplorerNode {
  const id = `cluster:${opts.context}`;
  const c = opts.check;
  const line = connectionLine(snap.connection, opts.now);
  if (line) {
    const unauthorized = snap.connection.state === 'unauthorized';
    const last = snap.connection.lastContact ? `\n\nLast answer from the API server: ${new Date(snap.connection.lastContact).toISOString()}` : '';
    return {
      id, label: opts.context, description: line, icon: unauthorized ? 'unauthorized' : 'disconnected',
      contextValue: `flux.cluster.${unauthorized ? 'unauthorized' : 'disconnected'}`, collapsible: 'none',
      tooltip: `**${md(opts.context)}**\n\n${md(snap.connection.message ?? line)}${last}\n\nThe tree shows the last known state, greyed. Reconnecting with back-off; Refresh retries now and re-reads the kubeconfig.`,
    };
  }
  if (!c) {
    return { id, label: opts.context, description: 'checking Flux…', icon: 'unknown', contextValue: 'flux.cluster', collapsible: 'none', tooltip: `**${md(opts.context)}**\n\nFlux health not checked yet` };
  }
  const controllers: ExplorerNode[] = c.controllers.map((ctl) => ({
    id: `${id}/controller/${ctl.name}`, label: ctl.name, description: ctl.ready ? `ready ${ctl.readyReplicas}/${ctl.desired}` : (ctl.message ?? 'not ready'),
    tooltip: `**${md(ctl.name)}**${ctl.image ? `\n\nImage: \`${ctl.image}\`` : ''}${ctl.message ? `\n\n${md(ctl.message)}` : ''}`,
    icon: ctl.ready ? 'ready' : 'failing', contextValue: 'flux.controller', collapsible: 'none',
  }));
  for (const p of c.problems) {
    if (/^Deployment .* is not ready/.test(p)) continue;
    controllers.push({ id: `${id}/problem/${controllers.length}`, label: p, tooltip: md(p), icon: 'failing', contextValue: 'flux.problem', collapsible: 'none' });
  }
  const tooltip = [`**${md(opts.context)}**`, '', md(c.summary), ...(c.problems.length ? ['', ...c.problems.map((p) => `- ${md(p)}`)] : [])].join('\n');
  return {
    // The label names the version; the description says the health without repeating it.
    id, label: c.fluxVersion ? `Flux ${c.fluxVersion}` : 'Flux', description: `${opts.context} · ${c.health}`, tooltip,
    icon: c.ok ? 'ready' : 'failing', contextValue: `flux.cluster.${c.ok ? 'healthy' : 'unhealthy'}`,
    collapsible: controllers.length > 0 ? 'collapsed' : 'none', ...(controllers.length > 0 ? { children: controllers } : {}),
  };
}

/**
 * Builds the top-level nodes (with every object node eagerly) from a cache snapshot. Pure and
 * cheap enough to rebuild on every batched change; ids depend only on context, kind, namespace and name.
 */
export function buildExplorerTree(snap: CacheSnapshot, opts: ExplorerOptions): ExplorerNode[] {
  const now = opts.now;
  const roots: ExplorerNode[] = [clusterNode(opts, snap)];
  const line = connectionLine(snap.connection, now);
  const withLine = (d: string): string => (line ? `${d} · ${line}` : d);
  for (const sec of SECTIONS) {
    const secId = `cat:${opts.context}:${sec.id}`;
    if (sec.flat) {
      const k = sec.kinds[0]!;
      const r = kindChildren(snap, k.kind, opts, now);
      roots.push({
        id: secId, label: sec.label, description: withLine(countDescription(r.shown, r.failing, snap.kindState(k.kind))), icon: sec.icon,
        contextValue: `flux.category.${sec.id}`, collapsible: 'expanded', children: r.children,
      });
      continue;
    }
    const kinds: ExplorerNode[] = [];
    let shown = 0;
    let failing = 0;
    for (const k of sec.kinds) {
      const r = kindChildren(snap, k.kind, opts, now);
      shown += r.shown;
      failing += r.failing;
      kinds.push({
        id: `kind:${opts.context}:${groupOf(k.kind)}/${k.kind}`, label: k.label, description: withLine(countDescription(r.shown, r.failing, snap.kindState(k.kind))),
        icon: 'kind', contextValue: `flux.kind.${k.kind.toLowerCase()}`, collapsible: r.children.length > 0 ? 'collapsed' : 'none', children: r.children,
      });
    }
    roots.push({
      id: secId, label: sec.label, description: withLine(failing > 0 ? `${shown} (${failing} failing)` : String(shown)), icon: sec.icon,
      contextValue: `flux.category.${sec.id}`, collapsible: 'expanded', children: kinds,
    });
  }
  return roots;
}

function resourceNode(parentId: string, ref: { kind: string; name: string; namespace: string; apiVersion: string }): ExplorerNode {
  const label = `${ref.kind}/${ref.name}`;
  return {
    id: `${parentId}>res:${ref.apiVersion}/${ref.kind}/${ref.namespace}/${ref.name}`, label, ...(ref.namespace ? { description: ref.namespace } : {}),
    tooltip: `**${md(ref.kind)} ${ref.namespace ? `${md(ref.namespace)}/` : ''}${md(ref.name)}**\n\n${md(ref.apiVersion)}`,
    icon: 'resource', contextValue: 'flux.resource', collapsible: 'none', ref: { apiVersion: ref.apiVersion, kind: ref.kind, name: ref.name, namespace: ref.namespace },
  };
}

/** Workload nodes read at most this many at a time when a parent is expanded. */
const WORKLOAD_CONCURRENCY = 8;

/**
 * Adds ready/desired and the failing reason to the Deployment, StatefulSet and DaemonSet nodes of
 * an expanded inventory or Helm release (read now, lazily, never before the parent is opened).
 */
async function withWorkloads(conn: ClusterAccess, nodes: ExplorerNode[]): Promise<ExplorerNode[]> {
  const todo = nodes.filter((n) => n.ref && isWorkload({ kind: n.ref.kind, group: n.ref.apiVersion.includes('/') ? n.ref.apiVersion.slice(0, n.ref.apiVersion.lastIndexOf('/')) : '' }));
  const queue = [...todo];
  const worker = async (): Promise<void> => {
    for (let n = queue.shift(); n !== undefined; n = queue.shift()) {
      const r = n.ref!;
      try {
        const w = await workloadStatus(conn, { kind: r.kind, name: r.name, namespace: r.namespace, group: 'apps' });
        n.icon = w.state === 'ready' ? 'workload-ready' : w.state === 'failing' ? 'workload-failing' : 'workload-progressing';
        n.description = `${w.ready}/${w.desired} ready${w.reason ? ` · ${w.reason}` : ''}${r.namespace ? ` · ${r.namespace}` : ''}`;
        n.contextValue = `flux.resource.workload.${w.state}`;
        n.tooltip = `${n.tooltip ?? ''}\n\nReady: ${w.ready}/${w.desired}${w.message ? `\n\n${md(w.message)}` : ''}`;
      } catch (err) {
        if (err instanceof ClusterCallError && (err.failure === 'aborted' || err.failure === 'unreachable' || err.failure === 'unauthorized')) throw err;
        n.description = `${err instanceof ClusterCallError && err.failure === 'notfound' ? 'not found' : 'status not readable'}${r.namespace ? ` · ${r.namespace}` : ''}`;
        n.tooltip = `${n.tooltip ?? ''}\n\n${md(err instanceof Error ? err.message : String(err))}`;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(WORKLOAD_CONCURRENCY, todo.length) }, () => worker()));
  return nodes;
}

function childFor(parentId: string, snap: CacheSnapshot, context: string, ref: { kind: string; name: string; namespace: string; group: string; apiVersion: string }, now: number | undefined): ExplorerNode {
  const info = findKind(ref.kind, ref.group);
  if (info) {
    const obj = snap.get({ kind: info.kind, namespace: ref.namespace, name: ref.name });
    if (obj) return objectNode(obj, { context, idPrefix: parentId, stale: snap.stale, ...(now !== undefined ? { now } : {}) });
  }
  return resourceNode(parentId, ref);
}

function messageNode(parentId: string, icon: ExplorerIcon, label: string, detail?: string): ExplorerNode {
  return { id: `${parentId}>msg`, label, ...(detail ? { description: detail } : {}), tooltip: md(detail ?? label), icon, contextValue: icon === 'error' || icon === 'forbidden' ? 'flux.error' : 'flux.info', collapsible: 'none' };
}

/**
 * Children of a node: eager children as built, a Kustomization's inventory (from the snapshot),
 * a HelmRelease's objects from its Helm storage Secret (read through `conn`). Problems become one
 * readable message node instead of a rejection; only an aborted connection rejects.
 */
export async function loadChildren(conn: ClusterAccess, node: ExplorerNode, snap: CacheSnapshot, opts: { now?: number } = {}): Promise<ExplorerNode[]> {
  if (node.children) return node.children;
  if (!node.lazy || !node.key) return [];
  const now = opts.now;
  const context = contextOfId(node.id);
  const obj = snap.get(node.key);
  if (!obj) return [messageNode(node.id, 'missing', `${node.key.kind} ${node.key.namespace}/${node.key.name} no longer exists`)];
  if (obj.kind === 'Kustomization') {
    const refs = inventoryOf(obj);
    if (refs.length === 0) return [messageNode(node.id, 'info', 'No inventory', 'status.inventory is empty (nothing applied yet, or spec.prune is off and the controller keeps no inventory)')];
    const nodes = refs.map((r) => childFor(node.id, snap, context, { ...r, apiVersion: apiVersionOf(r) }, now));
    // Objects applied to a remote cluster (spec.kubeConfig) are not read from this one.
    return appliesRemotely(obj) || snap.stale ? nodes : withWorkloads(conn, nodes);
  }
  if (obj.kind === 'HelmRelease' && appliesRemotely(obj)) {
    return [messageNode(node.id, 'info', 'Remote cluster', 'this HelmRelease installs into another cluster (spec.kubeConfig): its Helm storage is not in this one')];
  }
  if (obj.kind === 'HelmRelease') {
    try {
      const rel = await readHelmRelease(conn, obj);
      if (rel.objects.length === 0) return [messageNode(node.id, 'info', 'No objects', `Helm release ${rel.releaseNamespace}/${rel.releaseName} v${rel.version} has an empty manifest`)];
      return await withWorkloads(conn, rel.objects.map((o) => {
        const i = o.apiVersion.lastIndexOf('/');
        const group = i < 0 ? '' : o.apiVersion.slice(0, i);
        return childFor(node.id, snap, context, { kind: o.kind, name: o.name, namespace: o.namespace || (isLikelyNamespaced(o.kind) ? rel.releaseNamespace : ''), group, apiVersion: o.apiVersion }, now);
      }));
    } catch (err) {
      if (err instanceof ClusterCallError && err.failure === 'aborted') throw err;
      const msg = err instanceof Error ? err.message : String(err);
      const forbidden = err instanceof ClusterCallError && err.failure === 'forbidden';
      const label = forbidden ? 'Helm storage not readable (forbidden)' : err instanceof HelmStorageError ? 'Helm storage unreadable' : 'Cannot read Helm storage';
      return [messageNode(node.id, forbidden ? 'forbidden' : 'error', label, msg)];
    }
  }
  return [];
}

/** The context encoded in an object node id (`obj:<context>:...`, possibly behind a `parent>` prefix). */
function contextOfId(id: string): string {
  const last = id.slice(id.lastIndexOf('>') + 1);
  const m = /^[a-z]+:(.*):[^:]*$/.exec(last);
  return m?.[1] ?? '';
}
