/**
 * core/v1 Events of Flux objects like `flux events` (FLUX-FACTS §5, flux2 cmd/flux/events.go):
 * one object and the objects it refers to (Kustomization → source, HelmRelease → chart source and
 * its HelmChart, Alert → Provider, ImagePolicy → ImageRepository, HelmChart → source), every
 * object of a kind, or every Flux object of a namespace (or all namespaces); oldest first.
 */
import { CoreV1Api, type CoreV1Event } from '@kubernetes/client-node';
import { FLUX_KINDS } from '../engine/kinds';
import { sourceKeyOf } from './actions';
import { type ClusterAccess, ClusterCallError, getObject, kindInfo, requestOptions, toClusterError } from './get';
import type { FluxObject, ObjectKey } from './types';

export interface FluxEvent {
  /** `Normal` or `Warning`. */
  type: string;
  reason: string;
  message: string;
  /** The object the event is about. */
  involved: ObjectKey;
  /** Last time seen (ISO 8601), from lastTimestamp, eventTime, firstTimestamp or creationTimestamp. */
  lastSeen?: string;
  /** First time seen (ISO 8601): eventTime, else firstTimestamp (what `flux events` ages single events by). */
  firstSeen?: string;
  count: number;
  /** Reporting controller, e.g. `kustomize-controller`. */
  controller?: string;
}

function iso(v: unknown): string | undefined {
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? undefined : v.toISOString();
  if (typeof v === 'string' && v !== '') {
    const t = Date.parse(v);
    return Number.isNaN(t) ? undefined : new Date(t).toISOString();
  }
  return undefined;
}

/** The event's last timestamp with the fallbacks kubectl uses. */
export function eventTime(e: CoreV1Event): string | undefined {
  return iso(e.lastTimestamp) ?? iso(e.eventTime) ?? iso(e.series?.lastObservedTime) ?? iso(e.firstTimestamp) ?? iso(e.metadata?.creationTimestamp);
}

export function toFluxEvent(e: CoreV1Event): FluxEvent {
  const io = e.involvedObject ?? {};
  return {
    type: e.type ?? 'Normal',
    reason: e.reason ?? '',
    message: (e.message ?? '').trim(),
    involved: { kind: io.kind ?? '', name: io.name ?? '', namespace: io.namespace ?? e.metadata?.namespace ?? '' },
    lastSeen: eventTime(e),
    ...(iso(e.eventTime) ?? iso(e.firstTimestamp) ? { firstSeen: iso(e.eventTime) ?? iso(e.firstTimestamp) } : {}),
    count: e.count ?? e.series?.count ?? 1,
    controller: e.reportingComponent || e.source?.component || undefined,
  };
}

/** Sorts oldest first; events without a time go first. */
export function sortEvents(events: FluxEvent[]): FluxEvent[] {
  return events.sort((a, b) => (a.lastSeen ?? '').localeCompare(b.lastSeen ?? ''));
}

const coreClients = new WeakMap<object, CoreV1Api>();
function core(conn: ClusterAccess): CoreV1Api {
  let c = coreClients.get(conn.kubeConfig);
  if (!c) { c = conn.kubeConfig.makeApiClient(CoreV1Api); coreClients.set(conn.kubeConfig, c); }
  return c;
}

const EVENT_PAGE = 500;

/**
 * Events in a namespace (every namespace when undefined), optionally only those of one kind and
 * name (field selector), paged like kubectl.
 */
export async function eventsWhere(conn: ClusterAccess, where: { namespace?: string; kind?: string; name?: string }): Promise<FluxEvent[]> {
  const sel = [where.kind ? `involvedObject.kind=${where.kind}` : '', where.name ? `involvedObject.name=${where.name}` : ''].filter(Boolean).join(',');
  const what = `events${where.kind ? ` of ${where.kind}${where.name ? ` ${where.namespace ?? ''}/${where.name}` : ''}` : ''}${where.namespace === undefined ? ' in all namespaces' : ` in namespace ${where.namespace}`}`;
  const out: FluxEvent[] = [];
  let cont: string | undefined;
  try {
    do {
      const args = { fieldSelector: sel || undefined, limit: EVENT_PAGE, _continue: cont };
      const list = where.namespace === undefined
        ? await core(conn).listEventForAllNamespaces(args, requestOptions(conn))
        : await core(conn).listNamespacedEvent({ namespace: where.namespace, ...args }, requestOptions(conn));
      for (const e of list.items ?? []) out.push(toFluxEvent(e));
      cont = list.metadata?._continue || undefined;
    } while (cont);
  } catch (err) {
    throw toClusterError(err, what);
  }
  return out.filter((e) => (!where.kind || e.involved.kind === where.kind) && (!where.name || e.involved.name === where.name));
}

/** Events whose involvedObject is exactly this kind/name in this namespace. */
export function eventsFor(conn: ClusterAccess, key: ObjectKey): Promise<FluxEvent[]> {
  return eventsWhere(conn, { namespace: key.namespace, kind: key.kind, name: key.name });
}

type Ref = { kind?: string; name?: string; namespace?: string };
function refAt(obj: FluxObject, ...path: string[]): Ref | undefined {
  let v: unknown = obj;
  for (const p of path) v = v && typeof v === 'object' ? (v as Record<string, unknown>)[p] : undefined;
  return v && typeof v === 'object' ? (v as Ref) : undefined;
}

/**
 * The objects whose events `flux events --for Kind/name` adds: a Kustomization's source; a
 * HelmRelease's chart source and its HelmChart `<ns>-<name>` (or its chartRef); an Alert's Provider
 * (same namespace); an ImagePolicy's ImageRepository; a HelmChart's source.
 */
export function relatedSources(obj: FluxObject): ObjectKey[] {
  const ns = obj.metadata.namespace ?? '';
  const out: ObjectKey[] = [];
  const add = (r: Ref | undefined, kind?: string, sameNamespace = false): void => {
    const k = kind ?? r?.kind;
    if (k && r?.name) out.push({ kind: k, name: r.name, namespace: (sameNamespace ? '' : r.namespace) || ns });
  };
  switch (obj.kind) {
    case 'HelmRelease': {
      const chartRef = refAt(obj, 'spec', 'chartRef');
      if (chartRef) { add(chartRef); break; }
      const src = refAt(obj, 'spec', 'chart', 'spec', 'sourceRef');
      add(src);
      const chart = sourceKeyOf(obj);
      if (chart) out.push(chart);
      break;
    }
    case 'Alert': add(refAt(obj, 'spec', 'providerRef'), 'Provider', true); break;
    case 'ImagePolicy': add(refAt(obj, 'spec', 'imageRepositoryRef'), 'ImageRepository'); break;
    case 'HelmChart': add(refAt(obj, 'spec', 'sourceRef'), undefined, true); break;
    default: {
      const src = sourceKeyOf(obj);
      if (src) out.push(src);
    }
  }
  return out;
}

const FLUX_KIND_NAMES = new Set(FLUX_KINDS.map((k) => k.kind));

export interface EventQuery {
  /** Namespace; undefined = all namespaces (`-A`). */
  namespace?: string;
  /** `--for Kind` or `--for Kind/name`. */
  kind?: string;
  name?: string;
  /** `--types Normal,Warning` (case-insensitive); empty = all. */
  types?: string[];
}

/** What {@link queryEvents} returns: the events and whether a NAMESPACE column is needed. */
export interface EventQueryResult { events: FluxEvent[]; showNamespace: boolean }

/**
 * `flux events`: events of Flux kinds only, optionally for one kind or object (plus its related
 * objects), filtered by type, oldest first. NAMESPACE is shown for all namespaces, or when a related
 * object lives in another namespace.
 */
export async function queryEvents(conn: ClusterAccess, q: EventQuery): Promise<EventQueryResult> {
  const types = (q.types ?? []).map((t) => t.toLowerCase());
  for (const t of types) {
    if (t !== 'normal' && t !== 'warning') throw new ClusterCallError('invalid', `type '${t}' not supported. Supported types are Normal, Warning`);
  }
  const kind = q.kind ? kindInfo(q.kind).kind : undefined;
  const all: FluxEvent[] = [];
  let showNamespace = q.namespace === undefined;
  if (kind && q.name && q.namespace !== undefined) {
    const key = { kind, name: q.name, namespace: q.namespace };
    const obj = await getObject(conn, key);
    all.push(...await eventsFor(conn, key));
    for (const r of relatedSources(obj)) {
      if (r.namespace !== q.namespace) showNamespace = true;
      try { all.push(...await eventsFor(conn, r)); } catch (err) {
        if (!(err instanceof ClusterCallError && (err.failure === 'notfound' || err.failure === 'forbidden'))) throw err;
      }
    }
  } else {
    all.push(...await eventsWhere(conn, { namespace: q.namespace, kind, name: q.name }));
  }
  const events = all.filter((e) => FLUX_KIND_NAMES.has(e.involved.kind) && (types.length === 0 || types.includes(e.type.toLowerCase())));
  return { events: sortEvents(events), showNamespace };
}

export interface EventsOptions {
  /** Include the source's events (default true). */
  includeSource?: boolean;
}

/**
 * Events of a Flux object plus (by default) its source's, sorted by last timestamp.
 * A missing source is not an error: its events are simply absent.
 */
export async function listEvents(conn: ClusterAccess, key: ObjectKey, opts: EventsOptions = {}): Promise<FluxEvent[]> {
  key = { ...key, kind: kindInfo(key.kind).kind };
  const obj = await getObject(conn, key);
  const keys: ObjectKey[] = [key];
  if (opts.includeSource !== false) keys.push(...relatedSources(obj));
  const all: FluxEvent[] = [];
  for (const k of keys) {
    try {
      all.push(...await eventsFor(conn, k));
    } catch (err) {
      if (k !== key && err instanceof ClusterCallError && (err.failure === 'notfound' || err.failure === 'forbidden')) continue;
      throw err;
    }
  }
  return sortEvents(all);
}
