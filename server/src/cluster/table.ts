/**
 * The one table formatter of the cluster core: `flux get` tables (columns per kind, as the flux
 * CLI prints them), `flux events` tables (relative ages, NAMESPACE column when namespaces differ),
 * and Kubernetes' human-readable durations. Pure: the CLI and the VS Code client both render from it.
 */
import type { FluxEvent } from './events';
import type { StatusRow } from './status';

/** Aligns columns with two spaces between them (the last column is not padded). */
export function padTable(rows: string[][]): string {
  const widths: number[] = [];
  for (const r of rows) r.forEach((c, i) => { widths[i] = Math.max(widths[i] ?? 0, c.length); });
  return rows.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd((widths[i] ?? 0) + 2))).join('').trimEnd()).join('\n') + '\n';
}

function oneLine(s: string): string {
  return s.replace(/\s*\r?\n\s*/g, ' ');
}

type Column = 'NAME' | 'REVISION' | 'LAST SCAN' | 'LATEST IMAGE' | 'LAST RUN' | 'SUSPENDED' | 'READY' | 'MESSAGE';

/**
 * The columns `flux get <kind>` prints after NAMESPACE (flux2 cmd/flux/get_*.go `headers()`):
 * sources, Kustomization and HelmRelease show a revision; the image kinds their own data; Alert and
 * Receiver no revision; Provider neither revision nor SUSPENDED; ImagePolicy no SUSPENDED.
 */
export function getColumns(kind: string): Column[] {
  switch (kind) {
    case 'ImageRepository': return ['NAME', 'LAST SCAN', 'SUSPENDED', 'READY', 'MESSAGE'];
    case 'ImageUpdateAutomation': return ['NAME', 'LAST RUN', 'SUSPENDED', 'READY', 'MESSAGE'];
    case 'ImagePolicy': return ['NAME', 'LATEST IMAGE', 'READY', 'MESSAGE'];
    case 'Alert': case 'Receiver': return ['NAME', 'SUSPENDED', 'READY', 'MESSAGE'];
    case 'Provider': return ['NAME', 'READY', 'MESSAGE'];
    default: return ['NAME', 'REVISION', 'SUSPENDED', 'READY', 'MESSAGE'];
  }
}

function cell(r: StatusRow, c: Column, showKind: boolean): string {
  switch (c) {
    case 'NAME': return showKind ? `${r.kind.toLowerCase()}/${r.name}` : r.name;
    case 'SUSPENDED': return r.suspended ? 'True' : 'False';
    case 'READY': return r.ready;
    case 'MESSAGE': return oneLine(r.message);
    default: return r.revision;
  }
}

export interface GetTableOptions {
  /** Adds the NAMESPACE column (`-A`). */
  allNamespaces: boolean;
  /** Names as `kind/name` (`get all`). */
  showKind: boolean;
  /** Leaves out the header line (`--no-header`). */
  noHeader?: boolean;
}

/** `flux get` output: one table per kind with that kind's columns, separated by a blank line. */
export function formatGetTable(rows: readonly StatusRow[], opts: GetTableOptions): string {
  const byKind = new Map<string, StatusRow[]>();
  for (const r of rows) { const l = byKind.get(r.kind) ?? []; l.push(r); byKind.set(r.kind, l); }
  const parts: string[] = [];
  for (const [kind, list] of byKind) {
    const cols = getColumns(kind);
    const header = [...(opts.allNamespaces ? ['NAMESPACE'] : []), ...cols];
    const body = list.map((r) => [...(opts.allNamespaces ? [r.namespace] : []), ...cols.map((c) => cell(r, c, opts.showKind))]);
    parts.push(padTable(opts.noHeader ? body : [header, ...body]));
  }
  return parts.join('\n');
}

/**
 * Kubernetes' human-readable duration (apimachinery `duration.HumanDuration`), as `kubectl` and
 * `flux events` print ages: `45s`, `3m20s`, `15m`, `4h5m`, `30h`, `3d4h`, `20d`, `2y30d`, `9y`.
 */
export function humanDuration(ms: number): string {
  const seconds = Math.trunc(ms / 1000);
  if (seconds < -1) return '<invalid>';
  if (seconds < 0) return '0s';
  if (seconds < 120) return `${seconds}s`;
  const minutes = Math.trunc(seconds / 60);
  if (minutes < 10) {
    const s = seconds % 60;
    return s === 0 ? `${minutes}m` : `${minutes}m${s}s`;
  }
  if (minutes < 180) return `${minutes}m`;
  const hours = Math.trunc(minutes / 60);
  if (hours < 8) {
    const m = minutes % 60;
    return m === 0 ? `${hours}h` : `${hours}h${m}m`;
  }
  if (hours < 48) return `${hours}h`;
  const days = Math.trunc(hours / 24);
  if (hours < 24 * 8) {
    const h = hours % 24;
    return h === 0 ? `${days}d` : `${days}d${h}h`;
  }
  if (hours < 24 * 365 * 2) return `${days}d`;
  const years = Math.trunc(days / 365);
  if (hours < 24 * 365 * 8) {
    const d = days % 365;
    return d === 0 ? `${years}y` : `${years}y${d}d`;
  }
  return `${years}y`;
}

function since(iso: string | undefined, now: number): string {
  if (!iso) return '<unknown>';
  const t = Date.parse(iso);
  return Number.isNaN(t) ? '<unknown>' : humanDuration(now - t);
}

/** The LAST SEEN cell as `flux events` prints it: `5m` or, for repeated events, `2m (x4 over 10m)`. */
export function lastSeenCell(e: FluxEvent, now: number): string {
  const first = since(e.firstSeen ?? e.lastSeen, now);
  if (e.count > 1) return `${since(e.lastSeen, now)} (x${e.count} over ${first})`;
  return first;
}

export interface EventsTableOptions {
  /** Adds the NAMESPACE column (all namespaces, or related objects in other namespaces). */
  showNamespace: boolean;
  /** Clock for the ages (default now). */
  now?: number;
}

/** `flux events` table, rows in the order given (oldest first). */
export function formatEventsTable(events: readonly FluxEvent[], opts: EventsTableOptions): string {
  const now = opts.now ?? Date.now();
  const header = [...(opts.showNamespace ? ['NAMESPACE'] : []), 'LAST SEEN', 'TYPE', 'REASON', 'OBJECT', 'MESSAGE'];
  const body = events.map((e) => [
    ...(opts.showNamespace ? [e.involved.namespace] : []), lastSeenCell(e, now), e.type, e.reason,
    `${e.involved.kind}/${e.involved.name}`, oneLine(e.message),
  ]);
  return padTable([header, ...body]);
}
