/**
 * core/v1 Events for a Flux object and its source (FLUX-FACTS §5), oldest first like `flux events`.
 */
import { CoreV1Api, type CoreV1Event } from '@kubernetes/client-node';
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

/** Events whose involvedObject is exactly this kind/name in this namespace. */
export async function eventsFor(conn: ClusterAccess, key: ObjectKey): Promise<FluxEvent[]> {
  const fieldSelector = `involvedObject.kind=${key.kind},involvedObject.name=${key.name}`;
  try {
    const list = await core(conn).listNamespacedEvent({ namespace: key.namespace, fieldSelector }, requestOptions(conn));
    return (list.items ?? []).map(toFluxEvent).filter((e) => e.involved.kind === key.kind && e.involved.name === key.name);
  } catch (err) {
    throw toClusterError(err, `events of ${key.kind} ${key.namespace}/${key.name}`);
  }
}

/** The sources whose events belong with the object's: its source, and a HelmRelease chart's repository. */
export function relatedSources(obj: FluxObject): ObjectKey[] {
  const out: ObjectKey[] = [];
  const src = sourceKeyOf(obj);
  if (src) out.push(src);
  if (obj.kind === 'HelmRelease' && !obj.spec?.chartRef) {
    const chart = obj.spec?.chart as { spec?: { sourceRef?: { kind?: string; name?: string; namespace?: string } } } | undefined;
    const r = chart?.spec?.sourceRef;
    if (r?.kind && r.name) out.push({ kind: r.kind, name: r.name, namespace: r.namespace || (obj.metadata.namespace ?? '') });
  }
  return out;
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
