/**
 * A read-only YAML rendering of a live Flux object: a comment header with its status summary,
 * then the object without metadata.managedFields (and without the bulky last-applied annotation).
 */
import { stringify } from 'yaml';
import { type ClusterAccess, getObject } from './get';
import { formatDuration, health, nextReconcile, statusRow } from './status';
import type { FluxObject, ObjectKey } from './types';

const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

/** A copy without managedFields and the last-applied annotation. */
export function cleanObject(obj: FluxObject): FluxObject {
  const meta: Record<string, unknown> = { ...obj.metadata };
  delete meta.managedFields;
  if (obj.metadata.annotations && LAST_APPLIED in obj.metadata.annotations) {
    const ann = { ...obj.metadata.annotations };
    delete ann[LAST_APPLIED];
    if (Object.keys(ann).length > 0) meta.annotations = ann;
    else delete meta.annotations;
  }
  return { ...obj, metadata: meta as unknown as FluxObject['metadata'] };
}

/** The status header lines (without comment markers). */
export function statusSummary(obj: FluxObject, now: number = Date.now()): string[] {
  const row = statusRow(obj);
  const h = health(obj);
  const lines = [
    `${obj.kind} ${obj.metadata.namespace ?? ''}/${obj.metadata.name}`,
    `state: ${h.state}${h.reason ? ` (${h.reason})` : ''}`,
    `ready: ${row.ready}${row.message ? ` - ${row.message}` : ''}`,
  ];
  if (row.revision) lines.push(`${row.revisionHeader.toLowerCase()}: ${row.revision}`);
  if (row.suspended) lines.push('suspended: true');
  const next = nextReconcile(obj, now);
  if (next) lines.push(`next reconcile: in about ${formatDuration(next.at - now)} (interval ${formatDuration(next.intervalMs)})`);
  return lines;
}

/** Renders the object as YAML with a `#` status header. */
export function renderDescribe(obj: FluxObject, now: number = Date.now()): string {
  const header = statusSummary(obj, now).map((l) => `# ${l.replace(/\r?\n/g, ' ')}`).join('\n');
  return `${header}\n${stringify(cleanObject(obj), { lineWidth: 0 })}`;
}

export async function describe(conn: ClusterAccess, key: ObjectKey): Promise<string> {
  return renderDescribe(await getObject(conn, key));
}
