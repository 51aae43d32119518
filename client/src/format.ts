/**
 * Plain-text renderings for output channels and read-only documents. Pure.
 */
import type { FluxEvent } from '../../server/src/cluster/events';
import type { ObjectKey } from '../../server/src/cluster/types';
import { keyLabel } from './targets';

function oneLine(s: string): string {
  return s.replace(/\s*\r?\n\s*/g, ' ');
}

/** Events table, oldest first like `flux events`. */
export function formatEvents(key: ObjectKey, events: readonly FluxEvent[]): string {
  const head = `Events for ${keyLabel(key)} and its source`;
  if (events.length === 0) return `${head}\nno events found\n`;
  const rows = [['LAST SEEN', 'TYPE', 'REASON', 'OBJECT', 'MESSAGE'], ...events.map((e) => [
    e.lastSeen ?? '-', e.type, e.reason, `${e.involved.kind}/${e.involved.name}`, oneLine(e.message),
  ])];
  const widths: number[] = [];
  for (const r of rows) r.forEach((c, i) => { widths[i] = Math.max(widths[i] ?? 0, c.length); });
  const body = rows.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd((widths[i] ?? 0) + 2))).join('').trimEnd());
  return `${head}\n${body.join('\n')}\n`;
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
