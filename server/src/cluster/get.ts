/**
 * Reading Flux objects from the API server, fully qualified (group/version/plural from the
 * kinds table, version from API discovery when the server answers it), and `flux get` rows.
 */
import {
  ApisApi, CustomObjectsApi, type KubeConfig, Observable, PatchStrategy, setHeaderOptions,
} from '@kubernetes/client-node';
import { FLUX_KINDS, type FluxKindInfo, findKind, resolveKind } from '../engine/kinds';
import { statusRow, type StatusRow } from './status';
import type { FluxObject, ObjectKey } from './types';

/**
 * What the cluster functions need from a connection. H4's ClusterConnection satisfies it; tests
 * and the CLI can also pass a plain object around a KubeConfig.
 */
export interface ClusterAccess {
  readonly kubeConfig: KubeConfig;
  /** The namespace the Flux controllers run in (default `flux-system`). */
  readonly fluxNamespace?: string;
  /** Aborts every request in flight when signalled. */
  readonly signal?: AbortSignal;
  /** Per-request timeout in ms (default 30 s), so an unreachable server never hangs a command. */
  readonly requestTimeoutMs?: number;
}

export const DEFAULT_FLUX_NAMESPACE = 'flux-system';
const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;

/** Why a cluster call failed, in the categories the CLI turns into exit codes. */
export type ClusterFailure = 'unreachable' | 'unauthorized' | 'forbidden' | 'notfound' | 'conflict' | 'aborted' | 'invalid' | 'other';

/** A cluster call failed. The message is short, names the resource, and never holds a secret. */
export class ClusterCallError extends Error {
  constructor(readonly failure: ClusterFailure, message: string, readonly statusCode?: number) {
    super(message);
    this.name = 'ClusterCallError';
  }
}

function apiStatusMessage(body: unknown): string | undefined {
  let b = body;
  if (typeof b === 'string') {
    try { b = JSON.parse(b); } catch { return undefined; }
  }
  if (b && typeof b === 'object' && typeof (b as { message?: unknown }).message === 'string') {
    return (b as { message: string }).message;
  }
  return undefined;
}

/** Turns any error from client-node (ApiException, fetch failure, abort) into a ClusterCallError. */
export function toClusterError(err: unknown, what: string): ClusterCallError {
  if (err instanceof ClusterCallError) return err;
  const e = err as { code?: unknown; body?: unknown; name?: unknown; message?: unknown; cause?: { code?: unknown; message?: unknown } };
  if (typeof e?.code === 'number' && e.code >= 100 && e.code < 600) {
    const code = e.code;
    const fallback = code === 401 ? 'Unauthorized: the API server rejected the kubeconfig credentials (HTTP 401)'
      : code === 403 ? 'Forbidden: the kubeconfig user lacks permission (HTTP 403)' : `HTTP ${code}`;
    const detail = apiStatusMessage(e.body) ?? fallback;
    const failure: ClusterFailure = code === 401 ? 'unauthorized' : code === 403 ? 'forbidden' : code === 404 ? 'notfound'
      : code === 409 ? 'conflict' : code === 400 || code === 422 ? 'invalid' : 'other';
    return new ClusterCallError(failure, `${what}: ${detail}`, code);
  }
  const name = typeof e?.name === 'string' ? e.name : '';
  if (name === 'AbortError') return new ClusterCallError('aborted', `${what}: cancelled`);
  if (name === 'TimeoutError') return new ClusterCallError('unreachable', `${what}: the API server did not answer in time`);
  const causeCode = typeof e?.cause?.code === 'string' ? e.cause.code : typeof e?.code === 'string' ? e.code : '';
  const msg = typeof e?.message === 'string' ? e.message : String(err);
  if (causeCode || /fetch failed|ECONNREFUSED|ENOTFOUND|EHOSTUNREACH|ECONNRESET|socket|certificate|No active cluster|HTTP protocol is not allowed/i.test(msg)) {
    const why = causeCode || (typeof e?.cause?.message === 'string' ? e.cause.message : msg);
    return new ClusterCallError('unreachable', `${what}: cannot reach the API server (${why})`);
  }
  return new ClusterCallError('other', `${what}: ${msg}`);
}

interface Clients { custom: CustomObjectsApi; apis: ApisApi; versions?: Promise<Map<string, string[]>> }
const clientCache = new WeakMap<KubeConfig, Clients>();

function clients(conn: ClusterAccess): Clients {
  let c = clientCache.get(conn.kubeConfig);
  if (!c) {
    c = { custom: conn.kubeConfig.makeApiClient(CustomObjectsApi), apis: conn.kubeConfig.makeApiClient(ApisApi) };
    clientCache.set(conn.kubeConfig, c);
  }
  return c;
}

/** Request options that carry the connection's abort signal and a per-request timeout. */
export function requestOptions(conn: ClusterAccess, headers: Record<string, string> = {}): ReturnType<typeof setHeaderOptions> {
  const timeout = AbortSignal.timeout(conn.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS);
  const signal = conn.signal ? AbortSignal.any([conn.signal, timeout]) : timeout;
  let opts: ReturnType<typeof setHeaderOptions> = {
    middleware: [{
      pre: (ctx) => { ctx.setSignal(signal); return new Observable(Promise.resolve(ctx)); },
      post: (resp) => new Observable(Promise.resolve(resp)),
    }],
    middlewareMergeStrategy: 'append',
  };
  for (const [k, v] of Object.entries(headers)) opts = setHeaderOptions(k, v, opts);
  return opts;
}

/** Served versions per API group, from `/apis` (cached per KubeConfig; empty map when discovery fails). */
async function servedVersions(conn: ClusterAccess): Promise<Map<string, string[]>> {
  const c = clients(conn);
  if (!c.versions) {
    c.versions = c.apis.getAPIVersions(undefined, requestOptions(conn)).then(
      (list) => new Map((list.groups ?? []).map((g) => [g.name, (g.versions ?? []).map((v) => v.version)])),
      (err: unknown) => {
        const ce = toClusterError(err, 'API discovery');
        c.versions = undefined; // retry next time
        if (ce.failure === 'unreachable' || ce.failure === 'unauthorized' || ce.failure === 'aborted') throw ce;
        return new Map<string, string[]>();
      },
    );
  }
  return c.versions;
}

/** Forgets cached discovery (after CRDs change). */
export function forgetDiscovery(conn: ClusterAccess): void {
  const c = clientCache.get(conn.kubeConfig);
  if (c) c.versions = undefined;
}

/**
 * The API version to address a kind with: the kinds table's current version when served, else the
 * newest known version the server serves. `undefined` when discovery shows the group or kind missing.
 */
export async function resolveVersion(conn: ClusterAccess, info: FluxKindInfo): Promise<string | undefined> {
  const served = await servedVersions(conn);
  if (served.size === 0) return info.current; // discovery unavailable: assume current
  const versions = served.get(info.group);
  if (!versions) return undefined;
  if (versions.includes(info.current)) return info.current;
  for (let i = info.versions.length - 1; i >= 0; i--) {
    const v = info.versions[i]?.version;
    if (v && versions.includes(v)) return v;
  }
  return undefined;
}

export function kindInfo(kind: string): FluxKindInfo {
  const info = findKind(kind) ?? resolveKind(kind);
  if (!info) throw new ClusterCallError('invalid', `unknown Flux kind '${kind}'`);
  return info;
}

export function describeKey(key: ObjectKey): string {
  return `${key.kind} ${key.namespace}/${key.name}`;
}

async function address(conn: ClusterAccess, kind: string): Promise<{ info: FluxKindInfo; group: string; version: string; plural: string }> {
  const info = kindInfo(kind);
  const version = await resolveVersion(conn, info);
  if (!version) {
    throw new ClusterCallError('notfound', `${info.kind}: the ${info.plural}.${info.group} CRD is not installed in the cluster`);
  }
  return { info, group: info.group, version, plural: info.plural };
}

/** GETs one Flux object. Throws ClusterCallError ('notfound' when missing). */
export async function getObject(conn: ClusterAccess, key: ObjectKey): Promise<FluxObject> {
  const what = describeKey(key);
  const a = await address(conn, key.kind);
  try {
    const obj = await clients(conn).custom.getNamespacedCustomObject(
      { group: a.group, version: a.version, plural: a.plural, namespace: key.namespace, name: key.name },
      requestOptions(conn),
    ) as FluxObject;
    return obj;
  } catch (err) {
    const ce = toClusterError(err, what);
    if (ce.failure === 'notfound') throw new ClusterCallError('notfound', `${what} not found`, 404);
    throw ce;
  }
}

/** Sends a JSON merge patch to one Flux object and returns the patched object. */
export async function mergePatchObject(conn: ClusterAccess, key: ObjectKey, patch: Record<string, unknown>): Promise<FluxObject> {
  const what = describeKey(key);
  const a = await address(conn, key.kind);
  try {
    return await clients(conn).custom.patchNamespacedCustomObject(
      { group: a.group, version: a.version, plural: a.plural, namespace: key.namespace, name: key.name, body: patch },
      requestOptions(conn, { 'Content-Type': PatchStrategy.MergePatch }),
    ) as FluxObject;
  } catch (err) {
    const ce = toClusterError(err, what);
    if (ce.failure === 'notfound') throw new ClusterCallError('notfound', `${what} not found`, 404);
    throw ce;
  }
}

/**
 * Lists the objects of one kind in a namespace, or in every namespace when `namespace` is
 * undefined. Throws 'notfound' when the kind's CRD is missing.
 */
export async function listObjects(conn: ClusterAccess, kind: string, namespace?: string, where: { labelSelector?: string; fieldSelector?: string } = {}): Promise<FluxObject[]> {
  const a = await address(conn, kind);
  const what = `${a.info.kind} list${namespace ? ` in namespace ${namespace}` : ''}`;
  try {
    const c = clients(conn).custom;
    const sel = { ...(where.labelSelector ? { labelSelector: where.labelSelector } : {}), ...(where.fieldSelector ? { fieldSelector: where.fieldSelector } : {}) };
    const list = (namespace === undefined
      ? await c.listClusterCustomObject({ group: a.group, version: a.version, plural: a.plural, ...sel }, requestOptions(conn))
      : await c.listNamespacedCustomObject({ group: a.group, version: a.version, plural: a.plural, namespace, ...sel }, requestOptions(conn))
    ) as { items?: FluxObject[] };
    const items = Array.isArray(list?.items) ? list.items : [];
    // List items may omit apiVersion/kind; fill them for the callers.
    return items.map((o) => ({ ...o, apiVersion: o.apiVersion ?? `${a.group}/${a.version}`, kind: o.kind ?? a.info.kind }));
  } catch (err) {
    const ce = toClusterError(err, what);
    if (ce.failure === 'notfound') {
      throw new ClusterCallError('notfound', `${a.info.kind}: the ${a.plural}.${a.group} CRD is not installed in the cluster`, 404);
    }
    throw ce;
  }
}

export interface GetOptions {
  /** A kind name, plural or alias; undefined means every kind in `flux get all` order. */
  kind?: string;
  /** Namespace; undefined means all namespaces. */
  namespace?: string;
  /** Only the object of this name (`flux get ks NAME`). */
  name?: string;
  /** Kubernetes label selector (`-l app=web`), sent to the API server. */
  labelSelector?: string;
  /** `--status-selector ready=false`: condition type and status, both case-insensitive. */
  statusSelector?: string;
}

/** Parses `type=status` (throws 'invalid' otherwise, with the CLI's wording). */
export function parseStatusSelector(sel: string): { type: string; status: string } {
  const i = sel.indexOf('=');
  if (i <= 0) throw new ClusterCallError('invalid', `expected status selector in type=status format, but found: ${sel}`);
  return { type: sel.slice(0, i), status: sel.slice(i + 1) };
}

/**
 * True when the object has a condition of that type (case-insensitive) with that status. Kinds
 * without status (Alert, Provider) never match, as in the flux CLI.
 */
export function matchesStatus(obj: FluxObject, sel: { type: string; status: string }): boolean {
  const conds = Array.isArray(obj.status?.conditions) ? obj.status.conditions : [];
  let found: { status: string } | undefined;
  for (const c of conds) if (c && typeof c.type === 'string' && c.type.toLowerCase() === sel.type.toLowerCase()) found = c;
  return !!found && found.status.toLowerCase() === sel.status.toLowerCase();
}

/** The kinds `flux get all` lists, in its order. */
export function getAllKinds(): FluxKindInfo[] {
  return FLUX_KINDS.filter((k) => k.kind !== 'ArtifactGenerator');
}

/** A kind `get all` could not list (forbidden, server error): reported, the others still listed. */
export interface KindFailure { kind: string; error: ClusterCallError }

/**
 * `flux get` rows: one kind, or all kinds in `flux get all` order (ExternalArtifact included).
 * With all kinds, kinds whose CRD is missing are skipped silently and a kind that fails otherwise
 * (403 on HelmReleases) is reported in `failures` while the rest is listed, as `flux get all` logs
 * the error and goes on; an unreachable server or rejected credentials still fail the call. With
 * one kind, any error (a missing CRD too) is thrown.
 */
export async function getTable(conn: ClusterAccess, opts: GetOptions): Promise<{ rows: StatusRow[]; failures: KindFailure[] }> {
  const kinds = opts.kind ? [kindInfo(opts.kind)] : getAllKinds();
  const status = opts.statusSelector ? parseStatusSelector(opts.statusSelector) : undefined;
  const rows: StatusRow[] = [];
  const failures: KindFailure[] = [];
  const where = { labelSelector: opts.labelSelector, fieldSelector: opts.name ? `metadata.name=${opts.name}` : undefined };
  for (const k of kinds) {
    let objs: FluxObject[];
    try {
      objs = await listObjects(conn, k.kind, opts.namespace, where);
    } catch (err) {
      const ce = toClusterError(err, `${k.kind} list`);
      if (opts.kind || ce.failure === 'unreachable' || ce.failure === 'unauthorized' || ce.failure === 'aborted') throw ce;
      if (ce.failure !== 'notfound') failures.push({ kind: k.kind, error: ce });
      continue;
    }
    if (opts.name) objs = objs.filter((o) => o.metadata.name === opts.name);
    if (status) objs = objs.filter((o) => matchesStatus(o, status));
    objs.sort((x, y) => (x.metadata.namespace ?? '').localeCompare(y.metadata.namespace ?? '') || x.metadata.name.localeCompare(y.metadata.name));
    for (const o of objs) rows.push(statusRow(o));
  }
  return { rows, failures };
}

/** {@link getTable}'s rows only (kinds `get all` could not list are left out: use getTable to report them). */
export async function getRows(conn: ClusterAccess, opts: GetOptions): Promise<StatusRow[]> {
  return (await getTable(conn, opts)).rows;
}
