/**
 * `flux get KIND --watch`: list, then print a row for every object that changes, over the watch
 * cache (list+watch, 410 relist, reconnect with back-off, RBAC namespace fallback).
 */
import { kindInfo, matchesStatus, parseStatusSelector, type GetOptions } from './get';
import { statusRow, type StatusRow } from './status';
import type { ClusterAccess } from './get';
import { FluxWatchCache } from './watch-cache';

export interface WatchRowsOptions extends GetOptions {
  /** Stops the watch. */
  signal: AbortSignal;
  /** Called with the initial rows, then with the rows of the objects that changed. Deleted objects are not printed (as in the CLI). */
  onRows: (rows: StatusRow[], initial: boolean) => void;
  /** Called when the kind cannot be listed or watched (forbidden, missing, connection problems). */
  onState?: (message: string) => void;
}

/** Resolves when the signal fires. */
export async function watchRows(conn: ClusterAccess, opts: WatchRowsOptions): Promise<void> {
  if (!opts.kind) throw new Error('watchRows needs a kind');
  const kind = kindInfo(opts.kind).kind;
  const status = opts.statusSelector ? parseStatusSelector(opts.statusSelector) : undefined;
  const cache = new FluxWatchCache(conn, { kinds: [kind], batchMs: 50, missingRecheckMs: 0 });
  const seen = new Map<string, string>();
  const pick = (initial: boolean): StatusRow[] => {
    const rows: StatusRow[] = [];
    for (const o of cache.snapshot().objects(kind)) {
      if (opts.namespace !== undefined && o.metadata.namespace !== opts.namespace) continue;
      if (opts.name && o.metadata.name !== opts.name) continue;
      if (opts.labelSelector && !labelsMatch(o.metadata.labels ?? {}, opts.labelSelector)) continue;
      if (status && !matchesStatus(o, status)) continue;
      const id = `${o.metadata.namespace ?? ''}/${o.metadata.name}`;
      const rv = o.metadata.resourceVersion ?? '';
      if (!initial && seen.get(id) === rv) continue;
      seen.set(id, rv);
      rows.push(statusRow(o));
    }
    return rows;
  };
  let lastState = '';
  const unsub = cache.onDidChange((snap) => {
    const st = snap.kindState(kind);
    const msg = st.state === 'synced' ? '' : st.message ?? st.state;
    if (msg && msg !== lastState) opts.onState?.(msg);
    lastState = msg;
    const rows = pick(false);
    if (rows.length > 0) opts.onRows(rows, false);
  });
  try {
    await cache.start();
    opts.onRows(pick(true), true);
    if (!opts.signal.aborted) await new Promise<void>((resolve) => opts.signal.addEventListener('abort', () => resolve(), { once: true }));
  } finally {
    unsub();
    cache.dispose();
  }
}

/** Equality-based label selectors (`a=b,c!=d,e`), client-side, for the watch (the list sends them to the server). */
function labelsMatch(labels: Record<string, string>, selector: string): boolean {
  return selector.split(',').map((t) => t.trim()).filter(Boolean).every((term) => {
    const ne = term.indexOf('!=');
    if (ne > 0) return labels[term.slice(0, ne).trim()] !== term.slice(ne + 2).trim();
    const eq = term.indexOf('=');
    if (eq > 0) return labels[term.slice(0, eq).trim()] === term.slice(eq + (term[eq + 1] === '=' ? 2 : 1)).trim();
    if (term.startsWith('!')) return !(term.slice(1) in labels);
    return term in labels;
  });
}
