/**
 * Which objects a command applies to, and the QuickPick items offered when a command runs from the
 * command palette (no tree node). Pure: it reads objects from the watch cache's snapshot.
 */
import { FLUX_KINDS } from '../../server/src/engine/kinds';
import { health, isSuspended, type HealthState } from '../../server/src/cluster/status';
import type { FluxObject, ObjectKey } from '../../server/src/cluster/types';

export type Target = 'any' | 'reconcile' | 'withSource' | 'helmrelease' | 'suspend' | 'resume' | 'explain';

const WITH_SOURCE_KINDS = new Set(['Kustomization', 'HelmRelease']);

export function appliesTo(obj: FluxObject, target: Target): boolean {
  switch (target) {
    case 'any': case 'explain': return true;
    case 'reconcile': return !isSuspended(obj);
    case 'withSource': return WITH_SOURCE_KINDS.has(obj.kind) && !isSuspended(obj);
    case 'helmrelease': return obj.kind === 'HelmRelease' && !isSuspended(obj);
    case 'suspend': return !isSuspended(obj);
    case 'resume': return isSuspended(obj);
  }
}

export function keyOf(obj: FluxObject): ObjectKey {
  return { kind: obj.kind, namespace: obj.metadata.namespace ?? '', name: obj.metadata.name };
}

export function keyLabel(key: ObjectKey): string {
  return key.namespace ? `${key.kind} ${key.namespace}/${key.name}` : `${key.kind} ${key.name}`;
}

export interface PickItem { label: string; description: string; detail?: string; key: ObjectKey; state: HealthState }

const STATE_ICON: Record<HealthState, string> = {
  ready: '$(pass)', failing: '$(error)', reconciling: '$(sync)', stalled: '$(warning)', suspended: '$(debug-pause)', unknown: '$(question)',
};
const PROBLEM: ReadonlySet<HealthState> = new Set<HealthState>(['failing', 'stalled']);

/**
 * QuickPick items for the objects a command applies to, in `flux get all` kind order, then
 * namespace and name. For `explain`, failing and stalled objects come first.
 */
export function pickItems(objectsOfKind: (kind: string) => readonly FluxObject[], target: Target): PickItem[] {
  const items: PickItem[] = [];
  for (const k of FLUX_KINDS) {
    const objs = [...objectsOfKind(k.kind)].filter((o) => appliesTo(o, target));
    objs.sort((a, b) => (a.metadata.namespace ?? '').localeCompare(b.metadata.namespace ?? '') || a.metadata.name.localeCompare(b.metadata.name));
    for (const o of objs) {
      const h = health(o);
      const key = keyOf(o);
      items.push({
        label: `${STATE_ICON[h.state]} ${o.metadata.name}`,
        description: `${o.kind} · ${key.namespace}`,
        detail: h.state !== 'ready' && h.message ? `${h.state}: ${h.message.replace(/\s*\n\s*/g, ' ')}` : undefined,
        key,
        state: h.state,
      });
    }
  }
  if (target === 'explain') {
    const rank = (s: HealthState): number => (PROBLEM.has(s) ? 0 : 1);
    items.sort((a, b) => rank(a.state) - rank(b.state)); // stable: keeps kind order within a rank
  }
  return items;
}

/** The number of failing or stalled objects in the snapshot. */
export function failingCount(objectsOfKind: (kind: string) => readonly FluxObject[]): number {
  let n = 0;
  for (const k of FLUX_KINDS) for (const o of objectsOfKind(k.kind)) if (PROBLEM.has(health(o).state)) n++;
  return n;
}
