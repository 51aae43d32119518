/**
 * Log-tail of the Flux controllers: one pods/log stream per controller pod (follow, tailLines,
 * sinceSeconds/sinceTime, always with kubelet timestamps), merged in time order and delivered in batches.
 * When a pod restarts or is replaced (a new name), the stream reconnects with back-off from the last
 * kubelet timestamp (sinceTime), reading the previous container's tail after a restart, and drops the
 * lines it already delivered: nothing is duplicated or lost. Filters can change while following.
 */
import { Log } from '@kubernetes/client-node';
import { PassThrough, type Readable } from 'node:stream';
import { type ClusterAccess, toClusterError } from '../get';
import { compareEntries, type LogEntry, type LogFilter, matchesFilter, parseLogLine } from './parse';
import { type ControllerPod, controllerPods } from './pods';

export interface LogTailOptions {
  /** Controllers to stream (default: all Flux controllers). */
  controllers?: string[];
  follow?: boolean;
  tailLines?: number;
  sinceSeconds?: number;
  /** RFC 3339. */
  sinceTime?: string;
  filter?: LogFilter;
  /** Batch interval for delivery (default 100 ms). */
  flushMs?: number;
  /** Reconnect back-off (default 500 ms doubling to 10 s). */
  backoffInitialMs?: number;
  backoffMaxMs?: number;
  /** How often a follow re-checks the pods for restarts/replacements (default 5 s). */
  pollMs?: number;
  /** Entries kept for re-filtering when the filter changes (default 5,000). */
  historySize?: number;
}

export interface LogTailSink {
  /** A batch of entries that pass the filter, in time order. */
  append(entries: LogEntry[]): void;
  /** The filter changed: replace everything shown with these entries. */
  replace?(entries: LogEntry[]): void;
  /** Connection events (reconnecting, pod replaced, errors), never secret. */
  status?(message: string): void;
}

interface StreamState {
  controller: string;
  pod?: ControllerPod;
  lastTs: string;
  seenAtLast: Set<string>;
  abort?: AbortController;
  open: boolean;
  attempt: number;
}

const sleep = (ms: number, signal: AbortSignal): Promise<void> => new Promise((resolve) => {
  if (signal.aborted) { resolve(); return; }
  const t = setTimeout(() => { signal.removeEventListener('abort', done); resolve(); }, ms);
  const done = (): void => { clearTimeout(t); resolve(); };
  signal.addEventListener('abort', done, { once: true });
});

/** One log-tail session. `start()` resolves when a non-follow read is complete, or after `stop()`. */
export class LogTail {
  private filter: LogFilter;
  private readonly pending: LogEntry[] = [];
  private readonly history: LogEntry[] = [];
  private readonly streams = new Map<string, StreamState>();
  private readonly stopper = new AbortController();
  private timer?: NodeJS.Timeout;
  private readonly log: Log;

  constructor(private readonly conn: ClusterAccess, private readonly opts: LogTailOptions, private readonly sink: LogTailSink) {
    this.filter = { ...(opts.filter ?? {}) };
    this.log = new Log(conn.kubeConfig);
  }

  /** True once stopped (by `stop()`, the connection's signal, or the end of a non-follow read). */
  get stopped(): boolean { return this.stopper.signal.aborted; }

  /** The current filter. */
  get currentFilter(): LogFilter { return { ...this.filter }; }

  /** Changes the filter while following; the sink gets the kept history re-filtered. */
  setFilter(f: LogFilter): void {
    this.filter = { ...f };
    this.sink.replace?.(this.history.filter((e) => matchesFilter(e, this.filter)));
  }

  async start(): Promise<void> {
    const signal = this.conn.signal;
    if (signal) signal.addEventListener('abort', () => this.stop(), { once: true });
    const pods = await controllerPods(this.conn, this.opts.controllers);
    if (pods.length === 0) throw toClusterError(new Error('no running controller pod found'), 'controller logs');
    this.timer = setInterval(() => this.flush(), this.opts.flushMs ?? 100);
    const runs = pods.map((p) => {
      const st: StreamState = { controller: p.controller, pod: p, lastTs: '', seenAtLast: new Set(), open: false, attempt: 0 };
      this.streams.set(p.controller, st);
      return this.run(st, true);
    });
    if (this.opts.follow) {
      void this.poll();
      await Promise.all(runs);
    } else {
      await Promise.all(runs);
      this.flush();
      this.stop();
    }
  }

  /** Stops every stream. Idempotent. */
  stop(): void {
    if (this.stopper.signal.aborted) return;
    this.stopper.abort();
    if (this.timer) clearInterval(this.timer);
    for (const s of this.streams.values()) s.abort?.abort();
    this.flush();
  }

  private flush(): void {
    if (this.pending.length === 0) return;
    const batch = this.pending.splice(0).sort(compareEntries);
    const max = this.opts.historySize ?? 5000;
    for (const e of batch) this.history.push(e);
    if (this.history.length > max) this.history.splice(0, this.history.length - max);
    const shown = batch.filter((e) => matchesFilter(e, this.filter));
    if (shown.length) this.sink.append(shown);
  }

  /** Streams one controller until stopped (follow) or until its read completes. */
  private async run(st: StreamState, first: boolean): Promise<void> {
    const follow = this.opts.follow === true;
    let initial = first;
    while (!this.stopped) {
      try {
        if (!initial) {
          const [p] = await controllerPods(this.conn, [st.controller]);
          if (!p) throw new Error(`no pod of ${st.controller} yet`);
          const restarted = st.pod && p.pod === st.pod.pod && p.restarts > st.pod.restarts;
          const replaced = st.pod && p.pod !== st.pod.pod;
          if (replaced) this.sink.status?.(`${st.controller}: pod ${st.pod!.pod} was replaced by ${p.pod}; reconnected from ${st.lastTs || 'its start'}`);
          if (restarted) {
            this.sink.status?.(`${st.controller}: container ${p.container} of pod ${p.pod} restarted; reconnected from ${st.lastTs || 'its start'}`);
            await this.read(st, p, { previous: true });
          }
          st.pod = p;
        }
        const pod = st.pod!;
        await this.read(st, pod, initial
          ? { follow, tailLines: this.opts.tailLines, sinceSeconds: this.opts.sinceSeconds, sinceTime: this.opts.sinceTime }
          : { follow });
        st.attempt = 0;
        if (!follow) return;
      } catch (err) {
        if (this.stopped) return;
        const ce = toClusterError(err, `logs of ${st.controller}`);
        if (!follow) { this.sink.status?.(ce.message); return; }
        if (ce.failure === 'unauthorized' || ce.failure === 'forbidden') { this.sink.status?.(`${ce.message}; stopped`); return; }
        this.sink.status?.(`${ce.message}; retrying`);
      }
      initial = false;
      if (this.stopped) return;
      const base = this.opts.backoffInitialMs ?? 500;
      const delay = Math.min(base * 2 ** st.attempt, this.opts.backoffMaxMs ?? 10_000);
      st.attempt++;
      await sleep(delay * (0.8 + Math.random() * 0.4), this.stopper.signal);
    }
  }

  /** Periodically re-reads the pods: a restart or replacement aborts the old stream so run() reconnects. */
  private async poll(): Promise<void> {
    while (!this.stopped) {
      await sleep(this.opts.pollMs ?? 5000, this.stopper.signal);
      if (this.stopped) return;
      let pods: ControllerPod[];
      try { pods = await controllerPods(this.conn, [...this.streams.keys()]); } catch { continue; }
      for (const p of pods) {
        const st = this.streams.get(p.controller);
        if (st?.open && st.pod && (st.pod.pod !== p.pod || p.restarts > st.pod.restarts)) st.abort?.abort();
      }
    }
  }

  /** One pods/log request; resolves when the response ends (or is aborted). */
  private async read(st: StreamState, pod: ControllerPod, o: { follow?: boolean; previous?: boolean; tailLines?: number; sinceSeconds?: number; sinceTime?: string }): Promise<void> {
    const sink = new PassThrough();
    let buf = '';
    const onLine = (line: string): void => {
      if (line === '') return;
      const e = parseLogLine(line, st.controller);
      if (e.kubeTs) {
        if (st.lastTs && e.kubeTs < st.lastTs) return;
        if (e.kubeTs === st.lastTs) {
          if (st.seenAtLast.has(e.raw)) return;
        } else {
          st.lastTs = e.kubeTs;
          st.seenAtLast.clear();
        }
        st.seenAtLast.add(e.raw);
      }
      this.pending.push(e);
    };
    const done = new Promise<void>((resolve) => {
      let src: Readable | undefined;
      sink.on('pipe', (s: Readable) => { src = s; s.on('error', () => { sink.end(); }); });
      sink.on('data', (chunk: Buffer) => {
        buf += chunk.toString('utf8');
        let i: number;
        while ((i = buf.indexOf('\n')) >= 0) { onLine(buf.slice(0, i)); buf = buf.slice(i + 1); }
      });
      sink.on('end', () => { if (buf) onLine(buf); buf = ''; void src; resolve(); });
      sink.on('error', () => resolve());
    });
    const since = st.lastTs ? { sinceTime: st.lastTs.replace(/\.\d+Z$/, 'Z') } : o.sinceTime ? { sinceTime: o.sinceTime } : o.sinceSeconds ? { sinceSeconds: o.sinceSeconds } : {};
    const controller = await this.log.log(pod.namespace, pod.pod, pod.container, sink, {
      follow: o.follow, previous: o.previous, timestamps: true,
      ...(st.lastTs ? {} : o.tailLines !== undefined && o.tailLines > 0 ? { tailLines: o.tailLines } : {}),
      ...since,
    });
    st.abort = controller;
    st.open = true;
    if (this.stopped) controller.abort();
    await done;
    st.open = false;
  }
}

/** A non-follow read: every matching line of the chosen controllers, time-ordered. */
export async function readControllerLogs(conn: ClusterAccess, opts: Omit<LogTailOptions, 'follow'>): Promise<{ entries: LogEntry[]; problems: string[] }> {
  const entries: LogEntry[] = [];
  const problems: string[] = [];
  const tail = new LogTail(conn, { ...opts, follow: false }, { append: (b) => entries.push(...b), status: (m) => problems.push(m) });
  await tail.start();
  return { entries: entries.sort(compareEntries), problems };
}
