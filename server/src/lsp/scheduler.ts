/**
 * Runs the analyses of open documents without blocking the language server's only thread: each analysis is a
 * step generator (engine.diagnosticsSteps yields between documents) run in slices of a few milliseconds, with
 * the event loop free in between, so a completion or hover request typed meanwhile is answered at once and one
 * big file does not hold up the other files' diagnostics (the pending analyses take turns, slice by slice).
 *
 * A newer version of a document cancels the analysis of the older one (its generator is closed, never resumed),
 * and the delay between the last edit and the analysis adapts to how long the document's last analysis took:
 * a document analysed in 4 ms waits ~8 ms, a slow one waits up to the configured debounce.
 */

/** One analysis: a generator that does the work step by step and publishes at its end. */
export type AnalysisJob = Generator<void, void>;

export interface SchedulerOptions {
  /** The longest delay between an edit and its analysis (the `debounceMs` setting), in ms. */
  debounceMs: number;
  /** How long one slice may run before the event loop gets a turn, in ms. */
  sliceMs?: number;
  /** Creates the analysis of the document's current version; undefined when it is gone. */
  start(uri: string): AnalysisJob | undefined;
  /** Called when an analysis starts, and when the last running analysis ends. */
  onBusy?(): void;
  onIdle?(): void;
  /** Called when a job throws (it is dropped). */
  onError?(uri: string, err: unknown): void;
  /** The clock that measures slices and work (performance.now; tests pass a deterministic one). */
  now?(): number;
  /**
   * True while the analysis should wait: the server's answers are still being written (see transport.ts). It
   * waits at most HOLD_MAX_MS at a time, then runs one turn, so that a client that stops reading does not
   * stop the analyses.
   */
  hold?(): boolean;
}

/** The longest the analyses wait for `hold` at a time, in ms. */
export const HOLD_MAX_MS = 50;

interface Running {
  job: AnalysisJob;
  /** Milliseconds of work so far. */
  spent: number;
}

export class AnalysisScheduler {
  private debounceMs: number;
  private readonly sliceMs: number;
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly running = new Map<string, Running>();
  /** How long each document's last complete analysis took (ms of work). */
  private readonly lastMs = new Map<string, number>();
  private pumping = false;
  private disposed = false;
  /** Callers waiting for the next event of a document's analysis (see progress). */
  private readonly waiters = new Map<string, Array<() => void>>();

  constructor(private readonly opts: SchedulerOptions) {
    this.debounceMs = opts.debounceMs;
    this.sliceMs = opts.sliceMs ?? 8;
    this.now = opts.now ?? (() => performance.now());
  }

  private readonly now: () => number;

  setDebounce(ms: number): void {
    this.debounceMs = ms;
  }

  /** The delay before analysing `uri`: twice its last analysis time, at least 2 ms, at most the debounce setting. */
  delayFor(uri: string): number {
    const last = this.lastMs.get(uri);
    if (last === undefined) return this.debounceMs;
    return Math.min(this.debounceMs, Math.max(2, Math.ceil(2 * last)));
  }

  /** (Re)schedules the analysis of a document: a pending or running analysis of an older version is dropped. */
  schedule(uri: string, delayMs = this.delayFor(uri)): void {
    if (this.disposed) return;
    this.cancelPending(uri);
    this.timers.set(uri, setTimeout(() => {
      this.timers.delete(uri);
      this.begin(uri);
    }, delayMs));
  }

  /** Forgets a document (closed): nothing pending or running for it remains. */
  forget(uri: string): void {
    this.cancelPending(uri);
    this.lastMs.delete(uri);
    this.notify(uri);
  }

  /** Whether no analysis is running now (onIdle fired after the last one ended, or none started). */
  get idle(): boolean {
    return this.running.size === 0;
  }

  /** Whether an analysis of `uri` is waiting or running. */
  busy(uri: string): boolean {
    return this.timers.has(uri) || this.running.has(uri);
  }

  /**
   * Resolves at the next event of `uri`'s analysis: a slice of it ran, it ended (done, failed, cancelled,
   * forgotten), or the scheduler was disposed; at once when nothing is pending for `uri`. A request that needs
   * what the analysis is computing (the parse of the current version) waits on this instead of computing it a
   * second time, synchronously, while the analysis waits.
   */
  progress(uri: string): Promise<void> {
    if (this.disposed || !this.busy(uri)) return Promise.resolve();
    return new Promise((resolve) => {
      const list = this.waiters.get(uri);
      if (list) list.push(resolve);
      else this.waiters.set(uri, [resolve]);
    });
  }

  /** Starts a pending analysis of `uri` now instead of after its debounce (a request is waiting for it). */
  expedite(uri: string): void {
    const t = this.timers.get(uri);
    if (!t || this.disposed) return;
    clearTimeout(t);
    this.timers.delete(uri);
    this.begin(uri);
  }

  private begin(uri: string): void {
    const job = this.opts.start(uri);
    if (!job) { this.notify(uri); return; }
    this.running.set(uri, { job, spent: 0 });
    this.opts.onBusy?.();
    this.pump();
  }

  private notify(uri: string): void {
    const list = this.waiters.get(uri);
    if (!list) return;
    this.waiters.delete(uri);
    for (const w of list) w();
  }

  dispose(): void {
    this.disposed = true;
    for (const uri of [...this.timers.keys(), ...this.running.keys()]) this.cancelPending(uri);
    for (const uri of [...this.waiters.keys()]) this.notify(uri);
  }

  private cancelPending(uri: string): void {
    const t = this.timers.get(uri);
    if (t) clearTimeout(t);
    this.timers.delete(uri);
    const r = this.running.get(uri);
    if (r) {
      this.running.delete(uri);
      try {
        r.job.return(undefined);
      } catch {
        // A generator's cleanup failing does not matter: it is never resumed.
      }
    }
  }

  /** Runs the jobs in turns, one slice each, yielding to the event loop between turns. */
  private pump(): void {
    if (this.pumping || this.disposed) return;
    this.pumping = true;
    setImmediate(() => this.turn());
  }

  /** When the current hold began (undefined: not holding). */
  private heldSince: number | undefined;

  private turn(): void {
    if (this.disposed) return;
    if (this.opts.hold?.()) {
      const t = this.now();
      this.heldSince ??= t;
      if (t - this.heldSince < HOLD_MAX_MS) {
        setTimeout(() => this.turn(), 1);
        return;
      }
    }
    this.heldSince = undefined;
    this.pumping = false;
    for (const [uri, r] of [...this.running]) {
      if (this.running.get(uri) !== r) continue;
      const t0 = this.now();
      let done = false;
      try {
        do {
          done = r.job.next().done === true;
        } while (!done && this.now() - t0 < this.sliceMs);
      } catch (err) {
        this.running.delete(uri);
        this.opts.onError?.(uri, err);
        this.notify(uri);
        continue;
      }
      r.spent += this.now() - t0;
      if (done) {
        this.running.delete(uri);
        this.lastMs.set(uri, r.spent);
      }
      this.notify(uri);
    }
    if (this.running.size > 0) this.pump();
    else this.opts.onIdle?.();
  }
}
