/**
 * Pure helpers the VS Code client uses at activation (status bar, command routing) without
 * loading the Kubernetes client: the connection line and the context of a tree node.
 */
import type { ConnectionState } from './watch-cache';

function hhmm(t: number): string {
  const d = new Date(t);
  return `${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}`;
}

/**
 * One line about a connection problem, for every group and the status bar: `disconnected since
 * 14:02, retrying in 8 s`, or `Unauthorized: the API server rejected the credentials …`.
 * Undefined while connected.
 */
export function connectionLine(c: ConnectionState, now: number = Date.now()): string | undefined {
  if (c.state !== 'disconnected' && c.state !== 'unauthorized') return undefined;
  const retry = c.retryAt !== undefined ? `, retrying in ${Math.max(1, Math.round((c.retryAt - now) / 1000))} s` : '';
  if (c.state === 'unauthorized') return `${c.message ?? 'Unauthorized: the API server rejected the credentials'}${retry}`;
  return `disconnected since ${hhmm(c.since ?? now)}${retry}`;
}

/**
 * The context a tree node belongs to, among the known ones: every id starts with
 * `<type>:<context>` followed by `:`, `/` or the end (inventory children carry their parent's id
 * first). The longest match wins, so contexts may contain `:` and `/` (EKS ARNs).
 */
export function nodeContext(id: string, contexts: readonly string[]): string | undefined {
  const first = id.split('>')[0] ?? '';
  const rest = first.slice(first.indexOf(':') + 1);
  let best: string | undefined;
  for (const c of contexts) {
    if (rest.startsWith(c) && (rest.length === c.length || rest[c.length] === ':' || rest[c.length] === '/') && (!best || c.length > best.length)) best = c;
  }
  return best;
}
