/**
 * The watch cache: one informer per Flux kind, like client-go's.
 *
 * - List (paged with limit/continue), then watch from the list's resourceVersion with
 *   `allowWatchBookmarks`; a BOOKMARK only advances the resourceVersion.
 * - 410 Gone (HTTP status or an ERROR event with code 410) -> relist, replacing the kind's objects
 *   (no duplicates, nothing lost), then watch again.
 * - A dropped connection -> exponential backoff with jitter, then resume from the last
 *   resourceVersion. A clean end (server watch timeout) -> resume at once.
 * - RBAC: when the cluster-wide list is forbidden, the namespaces the user may list are tried
 *   (all namespaces if listing namespaces is allowed, else the context's namespace and the Flux
 *   namespace); a kind with nothing listable is 'forbidden'. A kind whose CRD is not served is
 *   'missing'. Neither fails the cache.
 * - Bounded load: at most `maxWatches` (default 50) concurrent watches per cluster. A kind whose
 *   RBAC fallback needs more watches than the budget has left is kept fresh by periodic paged lists
 *   instead (`pollMs`, default 30 s); its state says so, with the time of the last list.
 * - Honest connection state: every `probeMs` (default 10 s) and at once after any failed request,
 *   a `/version` probe (bounded by the request timeout) tells connected, disconnected (since when,
 *   next retry) or unauthorized; a silent watch on a server that stopped answering is caught by
 *   the probe. Objects stay readable but snapshots say they are stale. When the probe succeeds
 *   again every kind is relisted and watched again (back-off with jitter between probes).
 * - Readers get immutable snapshots; change notifications are batched (default at most one per
 *   100 ms, i.e. 10 per second).
 * - `dispose()` / `switchConnection()` abort every request and watch and clear every timer. A
 *   generation counter drops results that arrive from an older connection.
 */
import { CoreV1Api, CustomObjectsApi, VersionApi, Watch } from '@kubernetes/client-node';
import { FLUX_KINDS, type FluxKindInfo } from '../engine/kinds';
import {
  type ClusterAccess, type ClusterFailure, forgetDiscovery, kindInfo, requestOptions, resolveVersion, toClusterError,
} from './get';
import { contextNamespace } from './kubeconfig';
import { formatDuration } from './status';
import type { FluxObject, ObjectKey } from './types';

/** Sync state of one kind in the cache. */
export type KindSyncStateName = 'syncing' | 'synced' | 'forbidden' | 'missing' | 'error';

/** Sync state of one kind, with a human-readable message when it is not plainly synced. */
export interface KindSyncState {
  state: KindSyncStateName;
  /** Why the kind is forbidden/missing/in error, or which namespaces the RBAC fallback shows. */
  message?: string;
  /** Failure category of the last error ('unauthorized', 'unreachable', ...). */
  failure?: ClusterFailure;
  /** Set when the RBAC fallback lists per namespace: the namespaces shown. */
  namespaces?: string[];
  /** The API version the kind is addressed with. */
  version?: string;
  /** Set when the kind is kept fresh by periodic lists instead of watches (the watch budget is spent). */
  polling?: { intervalMs: number; lastListAt?: number };
}

/** Whether the cache can talk to the API server. */
export type ConnectionStateName = 'connecting' | 'connected' | 'disconnected' | 'unauthorized';

/** The cache's connection to the API server, as the tree and the status bar show it. */
export interface ConnectionState {
  state: ConnectionStateName;
  /** When the current problem started (epoch ms). */
  since?: number;
  /** When the next reconnect attempt runs (epoch ms). */
  retryAt?: number;
  /** One line naming the problem (never a credential). */
  message?: string;
  /** Last successful answer from the API server (epoch ms). */
  lastContact?: number;
}

/** An immutable view of the cache at one moment. */
export interface CacheSnapshot {
  /** Connection generation: increases on every `switchConnection`; results of older generations are never shown. */
  readonly generation: number;
  /** Increases with every new snapshot. */
  readonly version: number;
  /** The kinds the cache watches, in `flux get all` order. */
  readonly kinds: readonly string[];
  /** Objects of a kind, sorted by namespace then name (empty for unknown kinds). Treat as read-only. */
  objects(kind: string): readonly FluxObject[];
  /** One object, or undefined. */
  get(key: ObjectKey): FluxObject | undefined;
  /** The kind's sync state ('syncing' for kinds not watched). */
  kindState(kind: string): KindSyncState;
  /** The connection state when the snapshot was taken. */
  readonly connection: ConnectionState;
  /** True when the objects may be out of date: the API server is unreachable or rejects the credentials. */
  readonly stale: boolean;
}

/** Options of {@link FluxWatchCache}. */
export interface WatchCacheOptions {
  /** Kind names to watch (default every Flux kind). */
  kinds?: string[];
  /** Minimum time between change notifications in ms (default 100 = at most 10 per second). */
  batchMs?: number;
  /** Reconnect backoff: first delay and cap, in ms (default 500 and 30 000); jittered to 50-100 %. */
  backoff?: { initialMs: number; maxMs: number };
  /** Page size of list calls (default 500). */
  pageSize?: number;
  /** Watch `timeoutSeconds` (default a random 300-600 s, as client-go); the cache resumes afterwards. */
  watchTimeoutSeconds?: number;
  /** How often a 'missing' kind checks again whether its CRD got installed, in ms (default 60 000; 0 = never). */
  missingRecheckMs?: number;
  /** Maximum concurrent watches of this cache (default 50). */
  maxWatches?: number;
  /** Interval of the periodic-list fallback past the watch budget, in ms (default 30 000). */
  pollMs?: number;
  /** Interval of the connection probe while connected, in ms (default 10 000; 0 = no periodic probe). */
  probeMs?: number;
}

/** Listener of {@link FluxWatchCache.onDidChange}. */
export type CacheListener = (snap: CacheSnapshot, changedKinds: string[]) => void;

interface Stream {
  namespace?: string;
  objects: Map<string, FluxObject>;
  rv: string;
  watch?: AbortController;
  stopped: boolean;
  needRelist: boolean;
  lastError?: string;
}

interface KindEntry {
  info: FluxKindInfo;
  version?: string;
  /** Watches this kind holds of the budget. */
  reserved?: number;
  state: KindSyncState;
  streams: Stream[];
  attempt: number;
  sorted?: readonly FluxObject[];
}

interface ListResult { items: FluxObject[]; rv: string }

const PROBE_MAX_BACKOFF_MS = 10_000;

const objKey = (ns: string | undefined, name: string): string => `${ns ?? ''}/${name}`;

function compareObjects(a: FluxObject, b: FluxObject): number {
  const na = a.metadata.namespace ?? '';
  const nb = b.metadata.namespace ?? '';
  return na < nb ? -1 : na > nb ? 1 : a.metadata.name < b.metadata.name ? -1 : a.metadata.name > b.metadata.name ? 1 : 0;
}

class Snapshot implements CacheSnapshot {
  private readonly index = new Map<string, Map<string, FluxObject>>();
  constructor(
    readonly generation: number,
    readonly version: number,
    readonly kinds: readonly string[],
    private readonly lists: ReadonlyMap<string, readonly FluxObject[]>,
    private readonly states: ReadonlyMap<string, KindSyncState>,
    readonly connection: ConnectionState,
  ) {}

  get stale(): boolean { return this.connection.state === 'disconnected' || this.connection.state === 'unauthorized'; }

  objects(kind: string): readonly FluxObject[] { return this.lists.get(kind) ?? []; }

  get(key: ObjectKey): FluxObject | undefined {
    let m = this.index.get(key.kind);
    if (!m) {
      m = new Map(this.objects(key.kind).map((o) => [objKey(o.metadata.namespace, o.metadata.name), o]));
      this.index.set(key.kind, m);
    }
    return m.get(objKey(key.namespace, key.name));
  }

  kindState(kind: string): KindSyncState { return this.states.get(kind) ?? { state: 'syncing' }; }
}

/**
 * A list+watch cache of Flux objects for one connection. Create it, `await start()`, read
 * `snapshot()`, subscribe with `onDidChange`, and `dispose()` it (or `switchConnection`).
 */
export class FluxWatchCache {
  private conn: ClusterAccess;
  private readonly kindNames: string[];
  private readonly batchMs: number;
  private readonly backoff: { initialMs: number; maxMs: number };
  private readonly pageSize: number;
  private readonly watchTimeoutSeconds?: number;
  private readonly missingRecheckMs: number;
  private entries = new Map<string, KindEntry>();
  private gen = 0;
  private snapVersion = 0;
  private abort = new AbortController();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly listeners = new Set<CacheListener>();
  private readonly changed = new Set<string>();
  private batchTimer?: NodeJS.Timeout;
  private lastEmit = 0;
  private cached?: Snapshot;
  private starting?: Promise<void>;
  private namespaceCandidates?: Promise<string[]>;
  private disposed = false;
  private readonly maxWatches: number;
  private readonly pollMs: number;
  private readonly probeMs: number;
  /** Watches reserved by kinds in this run (cluster-wide: 1 per kind; RBAC fallback: 1 per namespace). */
  private watchesReserved = 0;
  private conState: ConnectionState = { state: 'connecting' };
  private probeTimer?: NodeJS.Timeout;
  private probing = false;
  private probeAttempt = 0;

  /** Throws ClusterCallError ('invalid') for an unknown kind name. */
  constructor(conn: ClusterAccess, opts: WatchCacheOptions = {}) {
    this.conn = conn;
    this.kindNames = (opts.kinds ?? FLUX_KINDS.map((k) => k.kind)).map((k) => kindInfo(k).kind);
    this.batchMs = Math.max(0, opts.batchMs ?? 100);
    this.backoff = opts.backoff ?? { initialMs: 500, maxMs: 30_000 };
    this.pageSize = Math.max(1, opts.pageSize ?? 500);
    if (opts.watchTimeoutSeconds !== undefined) this.watchTimeoutSeconds = opts.watchTimeoutSeconds;
    this.missingRecheckMs = Math.max(0, opts.missingRecheckMs ?? 60_000);
    this.maxWatches = Math.max(1, opts.maxWatches ?? 50);
    this.pollMs = Math.max(10, opts.pollMs ?? 30_000);
    this.probeMs = Math.max(0, opts.probeMs ?? 10_000);
    this.resetEntries();
  }

  /** The connection state now. */
  get connectionState(): ConnectionState { return this.conState; }

  /** Concurrent watches currently open (bounded by `maxWatches`). */
  get openWatches(): number {
    let n = 0;
    for (const e of this.entries.values()) for (const s of e.streams) if (s.watch) n++;
    return n;
  }

  /** The connection generation (see {@link CacheSnapshot.generation}). */
  get generation(): number { return this.gen; }

  /** The connection the cache currently uses. */
  get connection(): ClusterAccess { return this.conn; }

  /**
   * Starts listing and watching every kind. Resolves once every kind has listed or failed its
   * first attempt (failed kinds keep retrying with backoff). Never rejects.
   */
  start(): Promise<void> {
    if (this.disposed) return Promise.resolve();
    if (!this.starting) {
      const gen = this.gen;
      this.watchesReserved = 0;
      this.starting = Promise.all([...this.entries.values()].map((e) => this.runKind(e, gen))).then(() => {
        this.scheduleProbe(this.probeMs);
      });
    }
    return this.starting;
  }

  /**
   * Checks the connection now (the tree's Refresh): a `/version` probe; on success after a failure
   * every kind is relisted and watched again.
   */
  probe(): Promise<void> {
    return this.runProbe();
  }

  /**
   * Switches to another connection (a context switch): stops every request and watch of the old
   * one (results still in flight are dropped), clears the objects, and starts again.
   */
  switchConnection(conn: ClusterAccess): Promise<void> {
    if (this.disposed) return Promise.resolve();
    this.stopAll();
    this.gen++;
    this.conn = conn;
    this.abort = new AbortController();
    this.namespaceCandidates = undefined;
    this.starting = undefined;
    this.conState = { state: 'connecting' };
    this.probeAttempt = 0;
    this.resetEntries();
    for (const k of this.kindNames) this.changed.add(k);
    this.markDirty();
    return this.start();
  }

  /**
   * Stops every request, watch and timer but keeps the objects and listeners: the last snapshot
   * stays readable. `start()` lists and watches again (results of the stopped run are dropped).
   */
  stop(): void {
    if (this.disposed) return;
    this.stopAll();
    this.gen++;
    this.abort = new AbortController();
    this.namespaceCandidates = undefined;
    this.starting = undefined;
    for (const e of this.entries.values()) e.attempt = 0;
  }

  /** The current immutable snapshot (the same object until something changes). */
  snapshot(): CacheSnapshot {
    if (!this.cached) {
      const lists = new Map<string, readonly FluxObject[]>();
      const states = new Map<string, KindSyncState>();
      for (const [k, e] of this.entries) {
        if (!e.sorted) {
          const all: FluxObject[] = [];
          for (const s of e.streams) for (const o of s.objects.values()) all.push(o);
          all.sort(compareObjects);
          e.sorted = Object.freeze(all);
        }
        lists.set(k, e.sorted);
        states.set(k, Object.freeze({ ...e.state }));
      }
      this.cached = new Snapshot(this.gen, ++this.snapVersion, Object.freeze([...this.kindNames]), lists, states, Object.freeze({ ...this.conState }));
    }
    return this.cached;
  }

  /**
   * The resourceVersion a kind's watch resumes from (live, not part of snapshots: bookmarks move
   * it without changing objects). With the RBAC fallback, the per-namespace values joined by `,`.
   */
  resourceVersion(kind: string): string | undefined {
    const e = this.entries.get(kindInfo(kind).kind);
    if (!e || e.streams.length === 0) return undefined;
    return e.streams.map((s) => s.rv).join(',');
  }

  /** Subscribes to batched change notifications; returns the unsubscribe function. */
  onDidChange(listener: CacheListener): () => void {
    this.listeners.add(listener);
    return () => { this.listeners.delete(listener); };
  }

  /** Stops everything: requests, watches, timers, listeners. Idempotent. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    if (this.probeTimer) clearTimeout(this.probeTimer);
    this.probeTimer = undefined;
    this.stopAll();
    this.gen++;
    this.listeners.clear();
  }

  // ------------------------------------------------------------------ internals

  private scheduleProbe(ms: number): void {
    if (this.disposed || ms <= 0) return;
    if (this.probeTimer) clearTimeout(this.probeTimer);
    this.probeTimer = setTimeout(() => { this.probeTimer = undefined; void this.runProbe(); }, ms);
  }

  private setConnection(next: ConnectionState): void {
    const c = this.conState;
    if (c.state === next.state && c.message === next.message && c.retryAt === next.retryAt && c.since === next.since) {
      this.conState = next;
      return;
    }
    this.conState = next;
    for (const k of this.kindNames) this.changed.add(k);
    this.markDirty();
  }

  /** A request succeeded: the server answers. */
  private contact(): void {
    if (this.conState.state === 'connected') { this.conState = { ...this.conState, lastContact: Date.now() }; return; }
    if (this.conState.state === 'connecting') { this.setConnection({ state: 'connected', lastContact: Date.now() }); return; }
    // A request got through while the cache believes the server is down: confirm with a probe now.
    void this.runProbe();
  }

  /**
   * A request failed with a connection or credential problem: probe at once to judge the
   * connection (once: while disconnected the scheduled probe, with back-off, takes over).
   */
  private suspect(ce: { failure: ClusterFailure }): void {
    if (ce.failure !== 'unreachable' && ce.failure !== 'unauthorized') return;
    if (this.conState.state === 'disconnected' || this.conState.state === 'unauthorized') return;
    void this.runProbe();
  }

  private async runProbe(): Promise<void> {
    if (this.disposed || this.probing) return;
    this.probing = true;
    const wasDown = this.conState.state === 'disconnected' || this.conState.state === 'unauthorized';
    try {
      const acc = this.access();
      await this.conn.kubeConfig.makeApiClient(VersionApi).getCode({}, requestOptions(acc));
      if (this.disposed) return;
      this.probeAttempt = 0;
      this.setConnection({ state: 'connected', lastContact: Date.now() });
      if (wasDown) this.recover();
      this.scheduleProbe(this.probeMs);
    } catch (err) {
      if (this.disposed) return;
      let ce = toClusterError(err, 'API server');
      if (ce.failure === 'aborted') {
        // Our own cancel (dispose, context switch) ends the loop; a request timeout surfacing as an abort does not.
        if (this.conn.signal?.aborted) return;
        ce = { failure: 'unreachable', message: 'API server: the API server did not answer in time' } as typeof ce;
      }
      if (ce.failure !== 'unreachable' && ce.failure !== 'unauthorized') {
        // The server answers (404 on /version, 5xx...): the connection is up.
        this.probeAttempt = 0;
        this.setConnection({ state: 'connected', lastContact: Date.now() });
        if (wasDown) this.recover();
        this.scheduleProbe(this.probeMs);
        return;
      }
      // Reconnect back-off, capped at 10 s so a cluster that comes back is seen soon.
      const wait = Math.min(PROBE_MAX_BACKOFF_MS, this.delay(this.probeAttempt++));
      const since = wasDown ? (this.conState.since ?? Date.now()) : Date.now();
      const message = ce.failure === 'unauthorized'
        ? 'Unauthorized: the API server rejected the credentials (token expired or rotated, client certificate not accepted); fix the kubeconfig, then Refresh'
        : ce.message.replace(/^API server: /, '');
      this.setConnection({ state: ce.failure === 'unauthorized' ? 'unauthorized' : 'disconnected', since, retryAt: Date.now() + wait, message, ...(this.conState.lastContact ? { lastContact: this.conState.lastContact } : {}) });
      this.scheduleProbe(wait);
    } finally {
      this.probing = false;
    }
  }

  /**
   * The server answers again: every watch (also one hung on a server that stopped answering) is
   * restarted from its last resourceVersion, like client-go (410 Gone then relists); polled kinds
   * list at once; kinds never listed start over. The objects stay readable meanwhile.
   */
  private recover(): void {
    if (this.disposed) return;
    this.stopAll();
    this.gen++;
    const gen = this.gen;
    this.abort = new AbortController();
    this.namespaceCandidates = undefined;
    // stopAll() dropped the pending notification (the 'connected' state): announce it again.
    for (const k of this.kindNames) this.changed.add(k);
    this.markDirty();
    for (const e of this.entries.values()) {
      e.attempt = 0;
      if (e.streams.length === 0 || !e.version) { void this.runKind(e, gen); continue; }
      for (const st of e.streams) { st.stopped = false; st.lastError = undefined; }
      if (e.state.polling) void this.pollKind(e, gen);
      else for (const st of e.streams) void this.watchStream(e, st, gen);
    }
  }

  private resetEntries(): void {
    this.entries = new Map(this.kindNames.map((k) => [k, { info: kindInfo(k), state: { state: 'syncing' }, streams: [], attempt: 0 }]));
    this.cached = undefined;
  }

  private stopAll(): void {
    this.abort.abort();
    for (const e of this.entries.values()) for (const s of e.streams) this.stopStream(s);
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    if (this.batchTimer) clearTimeout(this.batchTimer);
    this.batchTimer = undefined;
    this.changed.clear();
  }

  private stopStream(s: Stream): void {
    s.stopped = true;
    s.watch?.abort();
    s.watch = undefined;
  }

  private live(gen: number): boolean { return !this.disposed && gen === this.gen; }

  /** The access object for requests: the connection plus this cache's abort signal. */
  private access(): ClusterAccess {
    const signal = this.conn.signal ? AbortSignal.any([this.conn.signal, this.abort.signal]) : this.abort.signal;
    return { kubeConfig: this.conn.kubeConfig, fluxNamespace: this.conn.fluxNamespace, requestTimeoutMs: this.conn.requestTimeoutMs, signal };
  }

  private delay(attempt: number): number {
    const base = Math.min(this.backoff.maxMs, this.backoff.initialMs * 2 ** Math.min(attempt, 30));
    return base / 2 + Math.random() * (base / 2);
  }

  private later(gen: number, ms: number, fn: () => void): void {
    if (!this.live(gen)) return;
    const t = setTimeout(() => {
      this.timers.delete(t);
      if (this.live(gen)) fn();
    }, ms);
    this.timers.add(t);
  }

  private setState(e: KindEntry, state: KindSyncState): void {
    e.state = state;
    this.changed.add(e.info.kind);
    this.markDirty();
  }

  private objectsChanged(e: KindEntry): void {
    e.sorted = undefined;
    this.changed.add(e.info.kind);
    this.markDirty();
  }

  private markDirty(): void {
    this.cached = undefined;
    if (this.batchTimer || this.disposed) return;
    const wait = Math.max(0, this.lastEmit + this.batchMs - Date.now());
    this.batchTimer = setTimeout(() => this.flush(), wait);
  }

  private flush(): void {
    this.batchTimer = undefined;
    if (this.disposed || this.changed.size === 0) return;
    this.lastEmit = Date.now();
    const kinds = [...this.changed];
    this.changed.clear();
    const snap = this.snapshot();
    for (const l of [...this.listeners]) {
      try { l(snap, kinds); } catch { /* a listener's failure must not stop the others */ }
    }
  }

  /** Resolves the version, lists (with the RBAC fallback) and starts the watches of one kind. */
  private async runKind(e: KindEntry, gen: number): Promise<void> {
    const acc = this.access();
    const info = e.info;
    try {
      const version = await resolveVersion(acc, info);
      if (!this.live(gen)) return;
      if (!version) {
        if (e.state.state !== 'missing') {
          this.setState(e, { state: 'missing', message: `${info.kind}: the ${info.plural}.${info.group} CRD is not installed in the cluster` });
        }
        if (this.missingRecheckMs > 0) {
          this.later(gen, this.missingRecheckMs, () => { forgetDiscovery(this.conn); void this.runKind(e, gen); });
        }
        return;
      }
      e.version = version;
      let streams: Stream[];
      let fallback: { namespaces: string[]; message: string } | undefined;
      try {
        const res = await this.listAll(acc, info, version, undefined);
        if (!this.live(gen)) return;
        streams = [this.newStream(undefined, res)];
      } catch (err) {
        const ce = toClusterError(err, `${info.kind} list`);
        if (ce.failure !== 'forbidden') throw ce;
        if (!this.live(gen)) return;
        const r = await this.namespaceFallback(acc, info, version, gen);
        if (!this.live(gen)) return;
        if (r.streams.length === 0) {
          this.setState(e, {
            state: 'forbidden', version, failure: 'forbidden',
            message: `${info.kind}: listing ${info.plural}.${info.group} is forbidden cluster-wide and in namespaces ${r.tried.join(', ') || '(none)'}; ask for RBAC list/watch on ${info.plural}.${info.group}`,
          });
          return;
        }
        streams = r.streams;
        const nss = streams.map((s) => s.namespace ?? '');
        fallback = { namespaces: nss, message: `${info.kind}: cluster-wide list is forbidden; showing namespaces ${nss.join(', ')}` };
      }
      for (const s of e.streams) this.stopStream(s);
      e.streams = streams;
      e.attempt = 0;
      this.contact();
      this.objectsChanged(e);
      // The watch budget: past it, periodic paged lists keep the kind fresh instead of more watches.
      this.watchesReserved -= e.reserved ?? 0;
      const canWatch = this.watchesReserved + streams.length <= this.maxWatches;
      e.reserved = canWatch ? streams.length : 0;
      this.watchesReserved += e.reserved;
      const base: KindSyncState = fallback ? { state: 'synced', version, ...fallback } : { state: 'synced', version };
      if (canWatch) {
        this.setState(e, base);
        for (const s of streams) void this.watchStream(e, s, gen);
      } else {
        this.setState(e, this.pollingState(e, base, Date.now()));
        this.later(gen, this.pollMs, () => { void this.pollKind(e, gen); });
      }
    } catch (err) {
      if (!this.live(gen)) return;
      const ce = toClusterError(err, `${info.kind} list`);
      this.suspect(ce);
      const wait = this.delay(e.attempt++);
      this.setState(e, {
        state: 'error', failure: ce.failure, ...(e.version ? { version: e.version } : {}),
        message: `${ce.message} (retrying in ${Math.max(1, Math.round(wait / 1000))}s)`,
      });
      this.later(gen, wait, () => { void this.runKind(e, gen); });
    }
  }

  private pollingState(e: KindEntry, base: KindSyncState, lastListAt: number): KindSyncState {
    const n = e.streams.length;
    const where = base.namespaces ? `${n} namespace${n === 1 ? '' : 's'}` : 'cluster-wide';
    return {
      ...base, polling: { intervalMs: this.pollMs, lastListAt },
      message: `${e.info.kind}: listed every ${formatDuration(this.pollMs)} (${where}; the ${this.maxWatches}-watch budget of this cluster is in use)${base.namespaces ? `; namespaces ${base.namespaces.join(', ')}` : ''}`,
    };
  }

  /** The periodic-list fallback: relists every stream of the kind (8 at a time), then schedules the next round. */
  private async pollKind(e: KindEntry, gen: number): Promise<void> {
    if (!this.live(gen)) return;
    const acc = this.access();
    const queue = [...e.streams];
    let changed = false;
    try {
      const worker = async (): Promise<void> => {
        for (let st = queue.shift(); st !== undefined; st = queue.shift()) {
          const res = await this.listAll(acc, e.info, e.version ?? e.info.current, st.namespace);
          if (!this.live(gen)) return;
          const next = new Map<string, FluxObject>();
          for (const o of res.items) next.set(objKey(o.metadata.namespace, o.metadata.name), o);
          if (next.size !== st.objects.size || [...next].some(([k, o]) => st.objects.get(k)?.metadata.resourceVersion !== o.metadata.resourceVersion)) changed = true;
          st.objects = next;
          st.rv = res.rv;
        }
      };
      await Promise.all(Array.from({ length: Math.min(8, queue.length) }, () => worker()));
      if (!this.live(gen)) return;
      this.contact();
      if (changed) this.objectsChanged(e);
      const { failure: _f, ...rest } = e.state;
      this.setState(e, this.pollingState(e, { ...rest, state: 'synced' }, Date.now()));
    } catch (err) {
      if (!this.live(gen)) return;
      const ce = toClusterError(err, `${e.info.kind} list`);
      this.suspect(ce);
      this.setState(e, { ...e.state, state: 'error', failure: ce.failure, message: `${ce.message} (listing again in ${formatDuration(this.pollMs)})` });
    }
    this.later(gen, this.pollMs, () => { void this.pollKind(e, gen); });
  }

  private newStream(namespace: string | undefined, res: ListResult): Stream {
    const objects = new Map<string, FluxObject>();
    for (const o of res.items) objects.set(objKey(o.metadata.namespace, o.metadata.name), o);
    return { ...(namespace !== undefined ? { namespace } : {}), objects, rv: res.rv, stopped: false, needRelist: false };
  }

  private async candidates(acc: ClusterAccess): Promise<string[]> {
    if (!this.namespaceCandidates) {
      this.namespaceCandidates = (async () => {
        try {
          const list = await this.conn.kubeConfig.makeApiClient(CoreV1Api).listNamespace({}, requestOptions(acc));
          const names = (list.items ?? []).map((n) => n.metadata?.name ?? '').filter((n) => n !== '');
          if (names.length > 0) return names.sort();
        } catch (err) {
          const ce = toClusterError(err, 'Namespace list');
          if (ce.failure !== 'forbidden' && ce.failure !== 'notfound') { this.namespaceCandidates = undefined; throw ce; }
        }
        const fluxNs = this.conn.fluxNamespace ?? 'flux-system';
        return [...new Set([contextNamespace(this.conn.kubeConfig), fluxNs])];
      })();
    }
    return this.namespaceCandidates;
  }

  private async namespaceFallback(acc: ClusterAccess, info: FluxKindInfo, version: string, gen: number): Promise<{ streams: Stream[]; tried: string[] }> {
    const namespaces = await this.candidates(acc);
    const streams: Stream[] = [];
    const queue = [...namespaces];
    const worker = async (): Promise<void> => {
      for (let ns = queue.shift(); ns !== undefined; ns = queue.shift()) {
        if (!this.live(gen)) return;
        try {
          streams.push(this.newStream(ns, await this.listAll(acc, info, version, ns)));
        } catch (err) {
          const ce = toClusterError(err, `${info.kind} list in namespace ${ns}`);
          if (ce.failure !== 'forbidden' && ce.failure !== 'notfound') throw ce;
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(8, namespaces.length) }, () => worker()));
    streams.sort((a, b) => (a.namespace ?? '').localeCompare(b.namespace ?? ''));
    return { streams, tried: namespaces };
  }

  /** A full paged list. Restarts once when a continue token expires (410). */
  private async listAll(acc: ClusterAccess, info: FluxKindInfo, version: string, namespace: string | undefined): Promise<ListResult> {
    const custom = this.conn.kubeConfig.makeApiClient(CustomObjectsApi);
    for (let restart = 0; ; restart++) {
      const items: FluxObject[] = [];
      let cont: string | undefined;
      let rv = '';
      try {
        do {
          const base = { group: info.group, version, plural: info.plural, limit: this.pageSize, ...(cont ? { _continue: cont } : {}) };
          const page = (namespace === undefined
            ? await custom.listClusterCustomObject(base, requestOptions(acc))
            : await custom.listNamespacedCustomObject({ ...base, namespace }, requestOptions(acc))) as {
            items?: FluxObject[]; metadata?: { resourceVersion?: string; continue?: string };
          };
          for (const o of Array.isArray(page?.items) ? page.items : []) {
            if (!o?.metadata?.name) continue;
            items.push({ ...o, apiVersion: o.apiVersion ?? `${info.group}/${version}`, kind: o.kind ?? info.kind });
          }
          rv = page?.metadata?.resourceVersion ?? rv;
          cont = page?.metadata?.continue || undefined;
        } while (cont);
        return { items, rv };
      } catch (err) {
        const code = (err as { code?: unknown }).code;
        if (code === 410 && cont && restart === 0) continue;
        throw err;
      }
    }
  }

  private path(info: FluxKindInfo, version: string, namespace?: string): string {
    return `/apis/${info.group}/${version}${namespace !== undefined ? `/namespaces/${encodeURIComponent(namespace)}` : ''}/${info.plural}`;
  }

  /** Applies one watch event to a stream; returns true when objects changed. */
  private apply(s: Stream, type: string, obj: unknown, info: FluxKindInfo, version: string): boolean {
    const o = obj as FluxObject | undefined;
    const meta = o?.metadata;
    if (type === 'BOOKMARK') {
      if (meta?.resourceVersion) s.rv = meta.resourceVersion;
      return false;
    }
    if (type === 'ERROR') {
      const st = obj as { code?: unknown; message?: unknown } | undefined;
      if (st?.code === 410) s.needRelist = true;
      else s.lastError = typeof st?.message === 'string' ? st.message : 'watch error';
      s.watch?.abort();
      return false;
    }
    if (!o || !meta?.name) return false;
    if (meta.resourceVersion) s.rv = meta.resourceVersion;
    const k = objKey(meta.namespace, meta.name);
    if (type === 'ADDED' || type === 'MODIFIED') {
      s.objects.set(k, { ...o, metadata: meta, apiVersion: o.apiVersion ?? `${info.group}/${version}`, kind: o.kind ?? info.kind });
      return true;
    }
    if (type === 'DELETED') return s.objects.delete(k);
    return false;
  }

  private async watchStream(e: KindEntry, s: Stream, gen: number): Promise<void> {
    if (!this.live(gen) || s.stopped) return;
    const info = e.info;
    const version = e.version ?? info.current;
    const w = new Watch(this.conn.kubeConfig);
    const timeoutSeconds = this.watchTimeoutSeconds ?? Math.floor(300 + Math.random() * 300);
    // client-node aborts a watch after requestTimeoutMs without data (30 s); quiet watches are
    // normal, so allow the whole server-side timeout. (A private field in the typings.)
    (w as unknown as { requestTimeoutMs: number }).requestTimeoutMs = Math.max(this.conn.requestTimeoutMs ?? 30_000, (timeoutSeconds + 30) * 1000);
    const startedAt = Date.now();
    let events = 0;
    let finished = false;
    const onEvent = (type: string, obj: unknown): void => {
      if (!this.live(gen) || s.stopped) return;
      events++;
      if (this.apply(s, type, obj, info, version)) this.objectsChanged(e);
    };
    const onDone = (err: unknown): void => {
      finished = true;
      if (!this.live(gen) || s.stopped) return;
      s.watch = undefined;
      const code = (err as { statusCode?: unknown; code?: unknown } | null)?.statusCode;
      const name = (err as { name?: unknown } | null)?.name;
      if (s.needRelist || code === 410) {
        s.needRelist = false;
        void this.relist(e, s, gen);
        return;
      }
      const clean = !err || name === 'TimeoutError';
      if (clean && !s.lastError && (events > 0 || Date.now() - startedAt > 1000)) {
        e.attempt = 0;
        void this.watchStream(e, s, gen);
        return;
      }
      if (err && !clean) this.suspect(toClusterError(typeof code === 'number' ? { code } : err, `${info.kind} watch`));
      const why = s.lastError ?? (err ? toClusterError(typeof code === 'number' ? { code } : err, `${info.kind} watch`).message : `${info.kind} watch: the API server closed the watch at once`);
      s.lastError = undefined;
      // The first retry after a drop is silent (no error flicker in the tree); a failing retry shows.
      const failedBefore = e.attempt > 0;
      const wait = this.delay(e.attempt++);
      if (err && !clean && failedBefore) {
        this.setState(e, { ...e.state, state: 'error', failure: typeof code === 'number' ? toClusterError({ code }, '').failure : 'unreachable', message: `${why} (reconnecting in ${Math.max(1, Math.round(wait / 1000))}s)` });
      }
      this.later(gen, wait, () => { void this.watchStream(e, s, gen); });
    };
    try {
      const ctrl = await w.watch(this.path(info, version, s.namespace), {
        resourceVersion: s.rv || undefined, allowWatchBookmarks: true, timeoutSeconds,
      }, onEvent, onDone);
      if (!this.live(gen) || s.stopped) { ctrl.abort(); return; }
      if (!finished) {
        s.watch = ctrl;
        e.attempt = 0;
        this.contact();
        if (e.state.state === 'error') {
          const { failure: _f, message: _m, ...rest } = e.state;
          const fallbackMsg = rest.namespaces ? `${info.kind}: cluster-wide list is forbidden; showing namespaces ${rest.namespaces.join(', ')}` : undefined;
          this.setState(e, { ...rest, state: 'synced', ...(fallbackMsg ? { message: fallbackMsg } : {}) });
        }
      }
    } catch (err) {
      // Authentication setup failed (exec plugin, missing cluster): back off and retry.
      if (!finished) onDone(err instanceof Error ? err : new Error(String(err)));
    }
  }

  /** After 410 Gone: a fresh list replaces the stream's objects, then the watch resumes. */
  private async relist(e: KindEntry, s: Stream, gen: number): Promise<void> {
    if (!this.live(gen) || s.stopped) return;
    try {
      const res = await this.listAll(this.access(), e.info, e.version ?? e.info.current, s.namespace);
      if (!this.live(gen) || s.stopped) return;
      const next = new Map<string, FluxObject>();
      for (const o of res.items) next.set(objKey(o.metadata.namespace, o.metadata.name), o);
      let differs = next.size !== s.objects.size;
      if (!differs) {
        for (const [k, o] of next) {
          if (s.objects.get(k)?.metadata.resourceVersion !== o.metadata.resourceVersion) { differs = true; break; }
        }
      }
      s.objects = next;
      s.rv = res.rv;
      if (differs) this.objectsChanged(e);
      if (e.state.state === 'error') this.setState(e, { ...e.state, state: 'synced', failure: undefined, message: e.state.namespaces ? `${e.info.kind}: cluster-wide list is forbidden; showing namespaces ${e.state.namespaces.join(', ')}` : undefined });
      void this.watchStream(e, s, gen);
    } catch (err) {
      if (!this.live(gen) || s.stopped) return;
      const ce = toClusterError(err, `${e.info.kind} relist`);
      this.suspect(ce);
      const wait = this.delay(e.attempt++);
      this.setState(e, { ...e.state, state: 'error', failure: ce.failure, message: `${ce.message} (retrying in ${Math.max(1, Math.round(wait / 1000))}s)` });
      this.later(gen, wait, () => { void this.relist(e, s, gen); });
    }
  }
}

