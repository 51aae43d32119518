/**
 * Plain-text renderings for output channels and read-only documents. Pure.
 */
import type { FluxEvent } from '../../server/src/cluster/events';
import type { ObjectKey } from '../../server/src/cluster/types';
import { formatEventsTable } from '../../server/src/cluster/table';
import { keyLabel } from './targets';

/** Events table, oldest first like `flux events` (the core's one events formatter: relative ages). */
export function formatEvents(key: ObjectKey, events: readonly FluxEvent[], now: number = Date.now()): string {
  const head = `Events for ${keyLabel(key)} and its source`;
  if (events.length === 0) return `${head}\nno events found\n`;
  const showNamespace = events.some((e) => e.involved.namespace !== key.namespace);
  return `${head}\n${formatEventsTable(events, { showNamespace, now })}`;
}

/** Path of a `flux-describe:` document: `/<context>/<Kind>/<namespace>/<name>.yaml`. */
export function describePath(context: string, key: ObjectKey): string {
  const seg = (s: string): string => encodeURIComponent(s);
  return `/${seg(context)}/${seg(key.kind)}/${seg(key.namespace)}/${seg(key.name)}.yaml`;
}

/** Inverse of describePath; undefined for anything else. */
export function parseDescribePath(path: string): { context: string; key: ObjectKey } | undefined {
  const m = /^\/([^/]+)\/([^/]+)\/([^/]*)\/([^/]+)\.yaml$/.exec(path);
  if (!m) return undefined;
  try {
    const [context, kind, namespace, name] = [m[1], m[2], m[3], m[4]].map((s) => decodeURIComponent(s ?? ''));
    if (!context || !kind || !name) return undefined;
    return { context, key: { kind, namespace: namespace ?? '', name } };
  } catch {
    return undefined;
  }
}
