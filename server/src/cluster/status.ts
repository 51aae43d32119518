/**
 * Status rules as `flux get` applies them (FLUX-FACTS §3), plus a health classification for
 * the explorer's tree icons and a next-reconcile estimate. Pure functions over plain objects.
 */
import { findKind } from '../engine/kinds';
import type { Condition, FluxObject } from './types';

export type ReadyStatus = 'True' | 'False' | 'Unknown';

/** One `flux get` row. `revisionHeader` is the column title: image kinds show other data there. */
export interface StatusRow {
  kind: string;
  namespace: string;
  name: string;
  revisionHeader: 'REVISION' | 'LAST SCAN' | 'LATEST IMAGE' | 'LAST RUN';
  revision: string;
  suspended: boolean;
  ready: ReadyStatus;
  message: string;
}

export type HealthState = 'ready' | 'failing' | 'reconciling' | 'stalled' | 'suspended' | 'unknown';

export interface Health {
  state: HealthState;
  /** The reason of the condition that decided the state (Ready or Stalled), when any. */
  reason?: string;
  message?: string;
}

export const WAITING_MESSAGE = 'waiting to be reconciled';

const HEX_DIGEST = /\b[a-f0-9]{40,128}\b/g;

/** Shortens every lower-case hex digest of 40–128 characters to its first 8, as the flux CLI does. */
export function truncateHex(s: string): string {
  return s.replace(HEX_DIGEST, (m) => m.slice(0, 8));
}

export function findCondition(obj: FluxObject, type: string): Condition | undefined {
  const conds = obj.status?.conditions;
  return Array.isArray(conds) ? conds.find((c) => c && c.type === type) : undefined;
}

export function isSuspended(obj: FluxObject): boolean {
  return obj.spec?.suspend === true;
}

function rec(v: unknown): Record<string, unknown> | undefined {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}

function str(v: unknown): string {
  return typeof v === 'string' ? v : '';
}

/** The REVISION column value (or the image kinds' special column), unshortened. */
export function rawRevision(obj: FluxObject): string {
  const st = rec(obj.status) ?? {};
  const info = findKind(obj.kind);
  switch (obj.kind) {
    case 'Kustomization':
      return str(st.lastAppliedRevision);
    case 'HelmRelease': {
      const history = Array.isArray(st.history) ? st.history : [];
      const latest = rec(history[0]);
      const chartVersion = str(latest?.chartVersion);
      return chartVersion || str(st.lastAttemptedRevision);
    }
    case 'ImageRepository':
      return str(rec(st.lastScanResult)?.scanTime);
    case 'ImagePolicy': {
      const ref = rec(st.latestRef);
      if (ref) {
        const name = str(ref.name);
        const tag = str(ref.tag);
        const digest = str(ref.digest);
        return `${name}${tag ? `:${tag}` : ''}${digest ? `@${digest}` : ''}`;
      }
      return str(st.latestImage);
    }
    case 'ImageUpdateAutomation':
      return str(st.lastAutomationRunTime);
    default:
      if (info?.isSource || obj.kind === 'ArtifactGenerator') return str(rec(st.artifact)?.revision);
      return '';
  }
}

export function revisionHeader(kind: string): StatusRow['revisionHeader'] {
  switch (kind) {
    case 'ImageRepository': return 'LAST SCAN';
    case 'ImagePolicy': return 'LATEST IMAGE';
    case 'ImageUpdateAutomation': return 'LAST RUN';
    default: return 'REVISION';
  }
}

/**
 * True for objects the controllers never reconcile: a HelmRepository of `spec.type: oci` is static
 * (helm-controller pulls charts from the registry itself); the flux CLI shows it Ready and neither
 * reconciles nor waits on it.
 */
export function isStatic(obj: FluxObject): boolean {
  return obj.kind === 'HelmRepository' && obj.spec?.type === 'oci';
}

/** READY and MESSAGE as `flux get` prints them (hex digests in the message shortened like the CLI). */
export function readyColumns(obj: FluxObject): { ready: ReadyStatus; message: string } {
  const info = findKind(obj.kind);
  if (info && !info.hasStatus) return { ready: 'True', message: `${obj.kind} is Ready` };
  const ready = findCondition(obj, 'Ready');
  if (isStatic(obj)) return { ready: 'True', message: ready?.status === 'True' ? truncateHex(ready.message ?? '') : 'static (an OCI HelmRepository is never reconciled)' };
  if (!ready) return { ready: 'False', message: WAITING_MESSAGE };
  const status: ReadyStatus = ready.status === 'True' || ready.status === 'False' ? ready.status : 'Unknown';
  return { ready: status, message: truncateHex(ready.message ?? '') };
}

export function statusRow(obj: FluxObject): StatusRow {
  const { ready, message } = readyColumns(obj);
  return {
    kind: obj.kind,
    namespace: obj.metadata.namespace ?? '',
    name: obj.metadata.name,
    revisionHeader: revisionHeader(obj.kind),
    revision: truncateHex(rawRevision(obj)),
    suspended: isSuspended(obj),
    ready,
    message,
  };
}

/** True when the controller has seen the latest spec (status.observedGeneration == metadata.generation). */
export function observedCurrent(obj: FluxObject): boolean {
  const gen = obj.metadata.generation;
  const observed = obj.status?.observedGeneration;
  if (gen === undefined) return true;
  return typeof observed === 'number' && observed === gen;
}

/**
 * Health for the tree icons. A failed reconcile usually leaves Ready=False with Reconciling=True
 * (ProgressingWithRetry): that is failing, not reconciling.
 */
export function health(obj: FluxObject): Health {
  if (isSuspended(obj)) return { state: 'suspended' };
  const info = findKind(obj.kind);
  if ((info && !info.hasStatus) || isStatic(obj)) return { state: 'ready' };
  const stalled = findCondition(obj, 'Stalled');
  const ready = findCondition(obj, 'Ready');
  if (stalled?.status === 'True') {
    return { state: 'stalled', reason: stalled.reason ?? ready?.reason, message: stalled.message ?? ready?.message };
  }
  if (!ready) {
    return obj.status ? { state: 'reconciling', message: WAITING_MESSAGE } : { state: 'unknown', message: WAITING_MESSAGE };
  }
  if (ready.status === 'False') {
    // A fresh spec still being applied after a failure is reported as reconciling.
    if (ready.reason === 'Progressing') return { state: 'reconciling', reason: ready.reason, message: ready.message };
    return { state: 'failing', reason: ready.reason, message: ready.message };
  }
  const reconciling = findCondition(obj, 'Reconciling');
  if (ready.status === 'Unknown' || reconciling?.status === 'True' || !observedCurrent(obj)) {
    return { state: 'reconciling', reason: ready.reason, message: ready.message };
  }
  return { state: 'ready', reason: ready.reason, message: ready.message };
}

const DURATION_UNITS: Record<string, number> = {
  ns: 1e-6, us: 1e-3, 'µs': 1e-3, 'μs': 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000,
};
const DURATION_TERM = /([0-9]*(?:\.[0-9]*)?)(ns|us|µs|μs|ms|s|m|h)/y;

/**
 * Parses a Go duration (`1m30s`, `10m`, `1.5h`, `-2s`, `0`) into milliseconds.
 * Returns undefined for anything Go's time.ParseDuration would reject.
 */
export function parseGoDuration(input: string): number | undefined {
  let s = input.trim();
  if (s === '') return undefined;
  let sign = 1;
  if (s[0] === '-' || s[0] === '+') {
    if (s[0] === '-') sign = -1;
    s = s.slice(1);
  }
  if (s === '0') return 0;
  if (s === '') return undefined;
  let total = 0;
  let pos = 0;
  while (pos < s.length) {
    DURATION_TERM.lastIndex = pos;
    const m = DURATION_TERM.exec(s);
    if (!m || m.index !== pos) return undefined;
    const num = m[1] ?? '';
    if (num === '' || num === '.') return undefined;
    const value = Number(num);
    if (!Number.isFinite(value)) return undefined;
    total += value * (DURATION_UNITS[m[2] ?? ''] ?? NaN);
    pos = DURATION_TERM.lastIndex;
  }
  return Number.isFinite(total) ? sign * total : undefined;
}

/** Formats milliseconds as a short Go-like duration (`1m30s`, `2h0m0s` becomes `2h`). */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.max(0, Math.round(ms))}ms`;
  let s = Math.round(ms / 1000);
  const h = Math.floor(s / 3600); s -= h * 3600;
  const m = Math.floor(s / 60); s -= m * 60;
  return `${h ? `${h}h` : ''}${m ? `${m}m` : ''}${s || (!h && !m) ? `${s}s` : ''}`;
}

function parseTime(v: unknown): number | undefined {
  if (typeof v !== 'string' || v === '') return undefined;
  const t = Date.parse(v);
  return Number.isNaN(t) ? undefined : t;
}

export interface NextReconcile {
  /** Estimated time of the next scheduled reconcile (epoch ms). */
  at: number;
  /** The interval used, in ms (spec.retryInterval while failing, when set). */
  intervalMs: number;
}

/**
 * Estimates the next scheduled reconcile: the latest known reconcile time (Ready's
 * lastTransitionTime or status.lastHandledReconcileAt) plus spec.interval, rolled forward by whole
 * intervals past `now`. Undefined for suspended objects or without a parseable interval.
 * Controllers add jitter, so this is an estimate.
 */
export function nextReconcile(obj: FluxObject, now: number = Date.now()): NextReconcile | undefined {
  if (isSuspended(obj)) return undefined;
  const spec = obj.spec ?? {};
  const ready = findCondition(obj, 'Ready');
  let intervalMs = typeof spec.interval === 'string' ? parseGoDuration(spec.interval) : undefined;
  if (ready?.status === 'False' && typeof spec.retryInterval === 'string') {
    intervalMs = parseGoDuration(spec.retryInterval) ?? intervalMs;
  }
  if (intervalMs === undefined || intervalMs <= 0) return undefined;
  const times = [parseTime(ready?.lastTransitionTime), parseTime(obj.status?.lastHandledReconcileAt)]
    .filter((t): t is number => t !== undefined);
  if (times.length === 0) return undefined;
  let at = Math.max(...times) + intervalMs;
  if (at <= now) at += Math.ceil((now - at) / intervalMs) * intervalMs;
  if (at <= now) at += intervalMs;
  return { at, intervalMs };
}

/** Kustomization/HelmRelease/sources: what `flux reconcile` says on success. */
export function successMessage(obj: FluxObject): string {
  const st = rec(obj.status) ?? {};
  if (obj.kind === 'Kustomization') return `applied revision ${str(st.lastAppliedRevision)}`;
  if (obj.kind === 'HelmRelease') {
    // helm.toolkit.fluxcd.io/v2 dropped status.lastAppliedRevision: the CLI reports the
    // latest release's chart version, else the last attempted revision.
    const latest = rec(Array.isArray(st.history) ? st.history[0] : undefined);
    const applied = str(latest?.chartVersion) || str(st.lastAppliedRevision);
    if (applied) return `applied revision ${applied}`;
    if (str(st.lastAttemptedRevision)) return `attempted revision ${str(st.lastAttemptedRevision)}`;
    return 'reconciliation completed';
  }
  const info = findKind(obj.kind);
  if (info?.isSource) return `fetched revision ${str(rec(st.artifact)?.revision)}`;
  return 'reconciliation completed';
}
