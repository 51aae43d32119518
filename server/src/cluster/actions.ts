/**
 * Reconcile, suspend and resume as the flux CLI does them (FLUX-FACTS §2): GET first, JSON merge
 * patches, then poll the object until the controller has handled the request.
 */
import { findKind, type FluxKindInfo } from '../engine/kinds';
import { ClusterCallError, type ClusterAccess, describeKey, getObject, kindInfo, mergePatchObject } from './get';
import { findCondition, isStatic, isSuspended, observedCurrent, successMessage } from './status';
import type { FluxObject, ObjectKey } from './types';

export const REQUESTED_AT = 'reconcile.fluxcd.io/requestedAt';
export const FORCE_AT = 'reconcile.fluxcd.io/forceAt';
export const RESET_AT = 'reconcile.fluxcd.io/resetAt';

export const DEFAULT_TIMEOUT_MS = 5 * 60_000;
export const DEFAULT_POLL_MS = 2_000;

export type ActionOutcome = 'success' | 'failed' | 'timeout' | 'cancelled';

export interface ActionResult {
  outcome: ActionOutcome;
  /** One line for the user, naming the object. */
  message: string;
  key: ObjectKey;
  /** The object as last read, when any. */
  object?: FluxObject;
  /** True when nothing was patched (suspended object, OCI HelmRepository). */
  noop?: boolean;
  /** The source's result for `--with-source`. */
  source?: ActionResult;
}

export interface WaitOptions {
  /** Overall deadline in ms (default 5 minutes). */
  timeoutMs?: number;
  /** Poll interval in ms (default 2 s). */
  pollMs?: number;
  signal?: AbortSignal;
  /** Progress lines such as "annotating …", "waiting for …". */
  onProgress?: (message: string) => void;
}

export interface ReconcileOptions extends WaitOptions {
  /** Reconcile the object's source first. */
  withSource?: boolean;
  /** HelmRelease only: also set reconcile.fluxcd.io/forceAt. */
  force?: boolean;
  /** HelmRelease only: also set reconcile.fluxcd.io/resetAt. */
  reset?: boolean;
}

/** Current time as RFC3339 with nanoseconds (UTC), e.g. `2025-01-02T03:04:05.123456789Z`. */
export function requestToken(now: Date = new Date()): string {
  const iso = now.toISOString(); // 2025-01-02T03:04:05.123Z
  const subMs = Number(process.hrtime.bigint() % 1_000_000n).toString().padStart(6, '0');
  return `${iso.slice(0, 23)}${subMs}Z`;
}

class Cancelled extends Error {}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) { reject(new Cancelled()); return; }
    const onAbort = (): void => { clearTimeout(t); reject(new Cancelled()); };
    const t = setTimeout(() => { signal?.removeEventListener('abort', onAbort); resolve(); }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** The connection with the caller's signal merged in, so a cancel also aborts requests in flight. */
function withSignal(conn: ClusterAccess, signal?: AbortSignal): ClusterAccess {
  if (!signal) return conn;
  const merged = conn.signal ? AbortSignal.any([conn.signal, signal]) : signal;
  return { kubeConfig: conn.kubeConfig, fluxNamespace: conn.fluxNamespace, requestTimeoutMs: conn.requestTimeoutMs, signal: merged };
}

function isCancel(err: unknown): boolean {
  return err instanceof Cancelled || (err instanceof ClusterCallError && err.failure === 'aborted');
}

type Verdict = { done: false; why: string } | { done: true; outcome: 'success' | 'failed'; message: string };

/** Readiness after the controller handled the request (FLUX-FACTS §2 step 4). */
export function judgeReadiness(obj: FluxObject): Verdict {
  const what = describeKey({ kind: obj.kind, namespace: obj.metadata.namespace ?? '', name: obj.metadata.name });
  const stalled = findCondition(obj, 'Stalled');
  if (stalled?.status === 'True') {
    return { done: true, outcome: 'failed', message: `${what}: stalled: ${stalled.message ?? stalled.reason ?? ''}`.trimEnd() };
  }
  if (!observedCurrent(obj)) return { done: false, why: 'the controller has not observed the latest generation' };
  const ready = findCondition(obj, 'Ready');
  if (ready?.status === 'True') return { done: true, outcome: 'success', message: `${what}: ${successMessage(obj)}` };
  if (ready?.status === 'False') {
    const reason = ready.reason ? `${ready.reason}: ` : '';
    return { done: true, outcome: 'failed', message: `${what}: ${reason}${ready.message ?? 'not ready'}` };
  }
  return { done: false, why: ready ? `Ready is ${ready.status}` : 'no Ready condition yet' };
}

/** The source `--with-source` reconciles first, or undefined when the kind has none. */
export function sourceKeyOf(obj: FluxObject): ObjectKey | undefined {
  const ns = obj.metadata.namespace ?? '';
  const spec = obj.spec ?? {};
  const ref = (v: unknown): { kind?: string; name?: string; namespace?: string } | undefined =>
    v && typeof v === 'object' ? (v as { kind?: string; name?: string; namespace?: string }) : undefined;
  if (obj.kind === 'Kustomization') {
    const r = ref(spec.sourceRef);
    if (r?.kind && r.name) return { kind: r.kind, name: r.name, namespace: r.namespace || ns };
  }
  if (obj.kind === 'HelmRelease') {
    const chartRef = ref(spec.chartRef);
    if (chartRef?.kind && chartRef.name) return { kind: chartRef.kind, name: chartRef.name, namespace: chartRef.namespace || ns };
    const chartSpec = ref(ref(spec.chart) && (spec.chart as { spec?: unknown }).spec);
    const srcRef = chartSpec && ref((chartSpec as { sourceRef?: unknown }).sourceRef);
    if (chartSpec) return { kind: 'HelmChart', name: `${ns}-${obj.metadata.name}`, namespace: srcRef?.namespace || ns };
  }
  if (obj.kind === 'HelmChart') {
    // A HelmChart's sourceRef (HelmRepository, GitRepository, Bucket) is always in its namespace.
    const r = ref(spec.sourceRef);
    if (r?.kind && r.name) return { kind: r.kind, name: r.name, namespace: ns };
  }
  return undefined;
}

/** Polls until `done` says so, the deadline passes, or the signal fires. */
async function pollUntil(
  conn: ClusterAccess, key: ObjectKey, opts: WaitOptions, deadline: number,
  check: (obj: FluxObject) => Verdict, waitingFor: string,
): Promise<ActionResult> {
  const pollMs = opts.pollMs ?? DEFAULT_POLL_MS;
  let last: FluxObject | undefined;
  let lastWhy = '';
  for (;;) {
    last = await getObject(conn, key);
    const v = check(last);
    if (v.done) return { outcome: v.outcome, message: v.message, key, object: last };
    lastWhy = v.why;
    const left = deadline - Date.now();
    if (left <= 0) break;
    await sleep(Math.min(pollMs, left), opts.signal);
  }
  const ready = last ? findCondition(last, 'Ready') : undefined;
  const detail = ready?.message ? `; Ready ${ready.status}: ${ready.message}` : lastWhy ? ` (${lastWhy})` : '';
  return { outcome: 'timeout', message: `${describeKey(key)}: timeout waiting for ${waitingFor}${detail}`, key, object: last };
}

/** What every action starts from: the kind (canonical name), the connection with the caller's signal, and the label. */
function begin(conn0: ClusterAccess, key0: ObjectKey, signal?: AbortSignal): { info: FluxKindInfo; key: ObjectKey; conn: ClusterAccess; what: string } {
  const info = kindInfo(key0.kind);
  const key = { ...key0, kind: info.kind };
  return { info, key, conn: withSignal(conn0, signal), what: describeKey(key) };
}

/** The deadline and the progress callback of an action that waits. */
function waiting(opts: WaitOptions): { deadline: number; progress: (message: string) => void } {
  return { deadline: Date.now() + (opts.timeoutMs ?? DEFAULT_TIMEOUT_MS), progress: opts.onProgress ?? ((): void => undefined) };
}

/**
 * `flux reconcile`: annotate with requestedAt (and forceAt/resetAt for HelmRelease), then wait
 * until `status.lastHandledReconcileAt` equals the token and report the Ready condition.
 */
export async function reconcile(conn0: ClusterAccess, key0: ObjectKey, opts: ReconcileOptions = {}): Promise<ActionResult> {
  const { info, key, conn, what } = begin(conn0, key0, opts.signal);
  const { deadline, progress } = waiting(opts);
  try {
    const obj = await getObject(conn, key);
    if (isSuspended(obj)) {
      return { outcome: 'failed', noop: true, key, object: obj, message: `${what}: resource is suspended; resume it first (spec.suspend is true)` };
    }
    if (isStatic(obj)) {
      return {
        outcome: 'success', noop: true, key, object: obj,
        message: `${what}: reconcile is not supported for HelmRepository of type oci (it is static; nothing to fetch)`,
      };
    }
    let source: ActionResult | undefined;
    if (opts.withSource) {
      const srcKey = sourceKeyOf(obj);
      if (srcKey?.kind === 'ExternalArtifact') {
        // Another controller produces ExternalArtifacts; nothing to annotate (the flux CLI refuses too).
        return { outcome: 'failed', noop: true, key, object: obj, message: `${what}: cannot reconcile source of kind ExternalArtifact (its producer updates it; reconcile without --with-source)` };
      }
      if (srcKey && findKind(srcKey.kind)) {
        // A HelmRelease's HelmChart is reconciled with its own source first, so a new chart version
        // in the HelmRepository/GitRepository is seen (flux2 reconcile_helmrelease.go: force).
        const chartSource = srcKey.kind === 'HelmChart';
        source = await reconcile(conn, srcKey, { ...opts, withSource: chartSource, force: false, reset: false, timeoutMs: Math.max(0, deadline - Date.now()) });
        if (source.outcome !== 'success') {
          return { ...source, key, object: obj, source, message: `${what}: source not reconciled: ${source.message}` };
        }
      }
    }
    const token = requestToken();
    const annotations: Record<string, string> = { [REQUESTED_AT]: token };
    if (info.kind === 'HelmRelease' && opts.force) annotations[FORCE_AT] = token;
    if (info.kind === 'HelmRelease' && opts.reset) annotations[RESET_AT] = token;
    progress(`annotating ${what}`);
    const patched = await mergePatchObject(conn, key, { metadata: { annotations } });
    if (!info.hasStatus) {
      // Alert/Provider (v1beta3) have no status to wait on: the annotation is all there is.
      return { outcome: 'success', key, object: patched, message: `${what}: reconcile requested (this kind reports no status)` };
    }
    progress(`waiting for ${what} reconciliation`);
    const result = await pollUntil(conn, key, opts, deadline, (o) => {
      const handled = o.status?.lastHandledReconcileAt;
      if (handled !== token) return { done: false, why: 'the controller has not handled the request yet' };
      return judgeReadiness(o);
    }, `${what} to be reconciled`);
    return source ? { ...result, source } : result;
  } catch (err) {
    if (isCancel(err)) return { outcome: 'cancelled', key, message: `${what}: reconcile cancelled` };
    throw err;
  }
}

/** `flux suspend`: merge patch spec.suspend=true. No annotation, no wait. */
export async function suspend(conn0: ClusterAccess, key0: ObjectKey, opts: { signal?: AbortSignal } = {}): Promise<ActionResult> {
  const { key, conn, what } = begin(conn0, key0, opts.signal);
  try {
    await getObject(conn, key);
    const obj = await mergePatchObject(conn, key, { spec: { suspend: true } });
    return { outcome: 'success', key, object: obj, message: `${what} suspended` };
  } catch (err) {
    if (isCancel(err)) return { outcome: 'cancelled', key, message: `${what}: suspend cancelled` };
    throw err;
  }
}

/**
 * `flux resume`: merge patch spec.suspend=null (the generation bump triggers a reconcile), then
 * wait for observedGeneration ≥ 1 and Ready at the current generation.
 */
export async function resume(conn0: ClusterAccess, key0: ObjectKey, opts: WaitOptions = {}): Promise<ActionResult> {
  const { info, key, conn, what } = begin(conn0, key0, opts.signal);
  const { deadline, progress } = waiting(opts);
  try {
    const before = await getObject(conn, key);
    progress(`resuming ${what}`);
    const patched = await mergePatchObject(conn, key, { spec: { suspend: null } });
    if (!info.hasStatus || isStatic(before)) {
      // Nothing reconciles a static object (OCI HelmRepository): do not wait for a status.
      return { outcome: 'success', key, object: patched, message: `${info.kind} ${key.name} resumed` };
    }
    const generation = patched.metadata.generation;
    progress(`waiting for ${what} reconciliation`);
    return await pollUntil(conn, key, opts, deadline, (o) => {
      const observed = o.status?.observedGeneration;
      if (typeof observed !== 'number' || observed < 1) return { done: false, why: 'not observed yet' };
      const gen = o.metadata.generation ?? generation;
      if (gen !== undefined && observed < gen) return { done: false, why: 'the controller has not observed the latest generation' };
      const ready = findCondition(o, 'Ready');
      if (ready?.observedGeneration !== undefined && gen !== undefined && ready.observedGeneration < gen) {
        return { done: false, why: 'Ready is from an older generation' };
      }
      const v = judgeReadiness(o);
      if (v.done && v.outcome === 'success') return { ...v, message: `${info.kind} ${key.name} reconciliation completed` };
      return v;
    }, `${what} to be reconciled`);
  } catch (err) {
    if (isCancel(err)) return { outcome: 'cancelled', key, message: `${what}: resume cancelled` };
    throw err;
  }
}
