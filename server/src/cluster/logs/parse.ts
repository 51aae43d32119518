/**
 * Flux controller log lines (zap JSON, FLUX-FACTS §4): parsing, the flux CLI's filters and the
 * `time level Kind namespace/name message error` rendering. Pure and allocation-light: it runs on every
 * line of a follow (see the log-throughput bench).
 */

/** Log levels of the Flux controllers, lowest first. */
export type LogLevel = 'trace' | 'debug' | 'info' | 'error';

export interface LogEntry {
  /** Kubelet timestamp (RFC 3339 nano, from `timestamps=true`), used for ordering and reconnects. */
  kubeTs: string;
  /** The controller (e.g. `kustomize-controller`). */
  controller: string;
  /** `ts` of the JSON line, else the kubelet timestamp. */
  time: string;
  level: string;
  msg: string;
  error?: string;
  /** `controllerKind` (e.g. `Kustomization`). */
  kind?: string;
  name?: string;
  namespace?: string;
  /** The line as received (without the kubelet timestamp). */
  raw: string;
  /** False for lines that are not JSON objects. */
  json: boolean;
}

/** The flux CLI's `logs` filters (FLUX-FACTS §4), plus controller choice and a text search. */
export interface LogFilter {
  /** Controllers to read; empty or undefined: all. */
  controllers?: string[];
  /** Case-insensitive match on `controllerKind`. */
  kind?: string;
  /** Exact match on `name`. */
  name?: string;
  /** Exact match on `namespace` unless {@link allNamespaces}. */
  namespace?: string;
  allNamespaces?: boolean;
  /** Exact level. */
  level?: string;
  /** Case-insensitive substring of the message, error or raw line. */
  text?: string;
  /** Show lines that are not JSON (the flux CLI skips them). */
  includeNonJson?: boolean;
  /** Lines about any of these objects (kind case-insensitive, exact name and namespace): "Show Logs" of an object and its source. */
  anyOf?: { kind: string; name: string; namespace: string }[];
}

/** Splits the kubelet timestamp (`2026-01-01T00:00:00.123456789Z `) off a line. */
export function splitKubeTimestamp(line: string): { ts: string; rest: string } {
  const sp = line.indexOf(' ');
  if (sp > 19 && sp < 40 && line.charCodeAt(4) === 45 /* - */ && line.charCodeAt(10) === 84 /* T */) {
    return { ts: line.slice(0, sp), rest: line.slice(sp + 1) };
  }
  return { ts: '', rest: line };
}

function s(v: unknown): string | undefined {
  return typeof v === 'string' ? v : v === undefined || v === null ? undefined : String(v);
}

/** Parses one line (with or without the kubelet timestamp). Never throws. */
export function parseLogLine(line: string, controller = ''): LogEntry {
  const { ts, rest } = splitKubeTimestamp(line.endsWith('\r') ? line.slice(0, -1) : line);
  if (rest.charCodeAt(0) === 123 /* { */) {
    try {
      const o = JSON.parse(rest) as Record<string, unknown>;
      if (o && typeof o === 'object') {
        return {
          kubeTs: ts, controller, time: s(o.ts) ?? ts, level: s(o.level) ?? '', msg: s(o.msg) ?? '', error: s(o.error),
          kind: s(o.controllerKind), name: s(o.name), namespace: s(o.namespace), raw: rest, json: true,
        };
      }
    } catch { /* not JSON: raw line */ }
  }
  return { kubeTs: ts, controller, time: ts, level: '', msg: rest, raw: rest, json: false };
}

/** Whether an entry passes the filter, with the flux CLI's semantics. */
export function matchesFilter(e: LogEntry, f: LogFilter): boolean {
  if (f.controllers && f.controllers.length > 0 && !f.controllers.includes(e.controller)) return false;
  if (!e.json) {
    if (!f.includeNonJson) return false;
    if (f.kind || f.name || (f.namespace && !f.allNamespaces) || f.level || f.anyOf?.length) return false;
  } else {
    if (f.level && e.level !== f.level) return false;
    if (f.kind && (e.kind === undefined || e.kind.toLowerCase() !== f.kind.toLowerCase())) return false;
    if (f.name && e.name !== f.name) return false;
    if (f.namespace && !f.allNamespaces && e.namespace !== f.namespace) return false;
    if (f.anyOf && f.anyOf.length > 0 && !f.anyOf.some((o) => e.kind?.toLowerCase() === o.kind.toLowerCase() && e.name === o.name && e.namespace === o.namespace)) return false;
  }
  if (f.text) {
    const t = f.text.toLowerCase();
    if (!e.msg.toLowerCase().includes(t) && !(e.error ?? '').toLowerCase().includes(t) && !(e.json && e.raw.toLowerCase().includes(t))) return false;
  }
  return true;
}

/** `time level Kind namespace/name message error`, like the flux CLI's pretty output. */
export function renderLogEntry(e: LogEntry, withController = false): string {
  if (!e.json) return `${withController ? `${e.controller} ` : ''}${e.raw}`;
  let out = `${e.time} ${e.level}`;
  if (withController) out += ` ${e.controller}`;
  if (e.kind) out += ` ${e.kind}`;
  if (e.name) out += ` ${e.namespace ? `${e.namespace}/` : ''}${e.name}`;
  out += ` ${e.msg}`;
  if (e.error) out += ` ${e.error}`;
  return out;
}

/** Orders entries by kubelet timestamp (stable; RFC 3339 nano strings in UTC compare as text). */
export function compareEntries(a: LogEntry, b: LogEntry): number {
  return a.kubeTs < b.kubeTs ? -1 : a.kubeTs > b.kubeTs ? 1 : 0;
}

/** Merges per-controller lists that are each in time order into one time-ordered list. */
export function mergeByTime(lists: LogEntry[][]): LogEntry[] {
  return lists.flat().sort(compareEntries);
}
